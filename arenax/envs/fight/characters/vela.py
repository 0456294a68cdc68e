"""Vela, the zoner: long, slow pokes and three projectiles (slow, fast, low), an anti-air spark, a beam super."""

from arenax.envs.fight.characters.table import parse_moves, parse_stats

NAME = "vela"
ARCHETYPE = "zoner"

STATS = parse_stats(
    NAME,
    {
        "health": 950, "walk_forward": 36, "walk_back": 36, "jump_rise": 144, "jump_forward": 36,
        "half_width": 15, "height": 90, "crouch_height": 58, "preferred_range": 150,
    },
)

MOVES, SPECIALS = parse_moves(
    NAME,
    """
move           startup active recovery damage chip hitstun blockstun reach width box_y box_h guard pushback knockdown launch cost gain advance rise invulnerable projectile teleport
dash_forward        13      0        7      0    0       0         0     0     0     0     0 mid          0         0      0    0    0      72    0            0          0        0
dash_back           12      0        6      0    0       0         0     0     0     0     0 mid          0         0      0    0    0     -88    0            6          0        0
stand_lp             4      2        7     25    0      12         8    46    26    55    15 mid         24         0      0    0    3       0    0            0          0        0
stand_mp             6      3       12     45    0      15        12    58    34    50    18 mid         32         0      0    0    5       0    0            0          0        0
stand_hp            10      4       20     75    0      19        14    66    40    45    25 mid         48         0      0    0    8       0    0            0          0        0
stand_lk             5      2        9     30    0      13         9    50    28    25    15 mid         24         0      0    0    3       0    0            0          0        0
stand_mk             7      3       14     50    0      16        13    64    38    30    18 mid         32         0      0    0    5       0    0            0          0        0
stand_hk            12      4       22     85    0      21        15    74    44    40    25 mid         48         0      0    0    8       0    0            0          0        0
throw                3      2       22    100    0       0         0    32    22     0    80 throw        0         1      0    0    6       0    0            0          0        0
crouch_light         4      2        8     22    0      11         8    48    28     5    12 low         24         0      0    0    3       0    0            0          0        0
crouch_medium        6      3       12     42    0      15        12    62    38     5    14 low         32         0      0    0    5       0    0            0          0        0
crouch_heavy         7      5       20     70    0      19        14    44    34    45    65 mid         32         0      0    0    8       0    0            0          0        0
sweep               10      4       24     70    0      14        14    72    44     0    12 low         40         1      0    0    8       0    0            0          0        0
air_light            4      6        4     35    0      14        10    40    28    -5    30 high        24         0      0    0    3       0    0            0          0        0
air_medium           6      6        6     55    0      17        12    48    34   -10    35 high        32         0      0    0    5       0    0            0          0        0
air_heavy            9      6        8     75    0      19        14    54    38   -15    40 high        40         0      0    0    8       0    0            0          0        0
slow_orb            10      3       26     60   10      18        14    40    18    50    18 mid         32         0      0    0    6       0    0            0         40        0
fast_bolt           14      3       28     50    8      16        14    40    22    55    12 mid         32         0      0    0    6       0    0            0        112        0
low_wave            14      3       30     55   10      16        16    40    26     0    14 low         32         0      0    0    6       0    0            0         56        0
spark                4      8       26     90   10      26        18    40    40    60    70 mid         32         1     80    0    8       0    0            5          0        0
ex_orb               8      3       22     90   14      22        16    40    26    45    30 mid         48         1      0   25    0       0    0            0         80        0
super_beam           6      3       40    280   40      40        24    40    60    30    50 mid         48         1     64  100    0       0    0            6        160        0
""",
)

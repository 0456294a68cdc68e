"""Ryn, the all-rounder: a fireball, an invulnerable uppercut and a travelling kick; average stats."""

from arenax.envs.fight.characters.table import parse_moves, parse_stats

NAME = "ryn"
ARCHETYPE = "all-rounder"

STATS = parse_stats(
    NAME,
    {
        "health": 1000, "walk_forward": 40, "walk_back": 32, "jump_rise": 144, "jump_forward": 40,
        "half_width": 16, "height": 88, "crouch_height": 56, "preferred_range": 70,
    },
)

MOVES, SPECIALS = parse_moves(
    NAME,
    """
move           startup active recovery damage chip hitstun blockstun reach width box_y box_h guard pushback knockdown launch cost gain advance rise invulnerable projectile teleport
dash_forward        12      0        6      0    0       0         0     0     0     0     0 mid          0         0      0    0    0      80    0            0          0        0
dash_back           12      0        8      0    0       0         0     0     0     0     0 mid          0         0      0    0    0     -72    0            6          0        0
stand_lp             3      2        6     30    0      12         8    40    24    55    15 mid         24         0      0    0    3       0    0            0          0        0
stand_mp             5      3       10     55    0      16        12    46    28    50    18 mid         32         0      0    0    5       0    0            0          0        0
stand_hp             8      4       18     90    0      20        14    50    30    45    25 mid         48         0      0    0    8       0    0            0          0        0
stand_lk             4      2        8     35    0      14        10    44    26    25    15 mid         24         0      0    0    3       0    0            0          0        0
stand_mk             6      3       12     60    0      17        13    54    32    30    18 mid         32         0      0    0    5       0    0            0          0        0
stand_hk            10      4       20    100    0      22        15    60    36    40    25 mid         48         0      0    0    8       0    0            0          0        0
throw                3      2       22    120    0       0         0    34    24     0    80 throw        0         1      0    0    6       0    0            0          0        0
crouch_light         3      2        7     25    0      11         8    42    26     5    12 low         24         0      0    0    3       0    0            0          0        0
crouch_medium        5      3       11     50    0      15        12    52    32     5    14 low         32         0      0    0    5       0    0            0          0        0
crouch_heavy         6      5       20     85    0      20        14    38    30    40    60 mid         32         0      0    0    8       0    0            0          0        0
sweep                9      4       22     80    0      14        14    62    40     0    12 low         40         1      0    0    8       0    0            0          0        0
air_light            4      6        4     40    0      14        10    36    26   -10    30 high        24         0      0    0    3       0    0            0          0        0
air_medium           6      6        6     65    0      18        12    42    30   -15    35 high        32         0      0    0    5       0    0            0          0        0
air_heavy            8      6        8     90    0      20        14    46    34   -20    40 high        40         0      0    0    8       0    0            0          0        0
fireball            12      3       28     70   12      18        14    40    20    50    20 mid         32         0      0    0    6       0    0            0         64        0
uppercut             3     10       28    120   15      30        20    32    28    30    90 mid         32         1     96    0   10      16  128            6          0        0
hurricane_kick       8     16       14     90   10      20        14    46    44    45    20 mid         48         1      0    0    8      40    0            0          0        0
step_kick           14      3       14     60    6      16        14    56    34    50    20 high        32         0      0    0    6      32    0            0          0        0
ex_fireball          9      3       24    100   16      22        16    40    24    45    30 mid         48         1      0   25    0       0    0            0         96        0
super_combo          4     20       30    300   40      40        24    54    50    20    70 mid         48         1     80  100    0      56    0            8          0        0
""",
)

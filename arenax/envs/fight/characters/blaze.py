"""Blaze, the rushdown: fast walk and dash, quick pokes, a rushing punch, an invulnerable flash kick, a slide."""

from arenax.envs.fight.characters.table import parse_moves, parse_stats

NAME = "blaze"
ARCHETYPE = "rushdown"

STATS = parse_stats(
    NAME,
    {
        "health": 950, "walk_forward": 56, "walk_back": 40, "jump_rise": 152, "jump_forward": 52,
        "half_width": 15, "height": 84, "crouch_height": 54, "preferred_range": 45,
    },
)

MOVES, SPECIALS = parse_moves(
    NAME,
    """
move           startup active recovery damage chip hitstun blockstun reach width box_y box_h guard pushback knockdown launch cost gain advance rise invulnerable projectile teleport
dash_forward        10      0        4      0    0       0         0     0     0     0     0 mid          0         0      0    0    0     112    0            0          0        0
dash_back           10      0        8      0    0       0         0     0     0     0     0 mid          0         0      0    0    0     -80    0            5          0        0
stand_lp             2      2        5     25    0      12         8    38    22    55    15 mid         20         0      0    0    3       0    0            0          0        0
stand_mp             4      3        8     50    0      16        12    44    26    50    18 mid         28         0      0    0    5       0    0            0          0        0
stand_hp             7      3       16     80    0      19        13    46    28    45    25 mid         40         0      0    0    8       0    0            0          0        0
stand_lk             3      2        7     30    0      13         9    42    24    25    15 mid         20         0      0    0    3       0    0            0          0        0
stand_mk             5      3       10     55    0      16        12    50    30    30    18 mid         28         0      0    0    5       0    0            0          0        0
stand_hk             8      4       18     90    0      21        14    56    34    40    25 mid         44         0      0    0    8       0    0            0          0        0
throw                3      2       22    110    0       0         0    32    22     0    80 throw        0         1      0    0    6       0    0            0          0        0
crouch_light         2      2        6     22    0      11         8    40    24     5    12 low         20         0      0    0    3       0    0            0          0        0
crouch_medium        4      3        9     45    0      15        11    48    30     5    14 low         28         0      0    0    5       0    0            0          0        0
crouch_heavy         5      4       18     75    0      19        13    36    28    40    55 mid         28         0      0    0    8       0    0            0          0        0
sweep                8      4       20     75    0      14        14    58    38     0    12 low         36         1      0    0    8       0    0            0          0        0
air_light            3      6        3     35    0      14        10    34    24   -10    30 high        20         0      0    0    3       0    0            0          0        0
air_medium           5      6        5     60    0      17        12    40    28   -15    35 high        28         0      0    0    5       0    0            0          0        0
air_heavy            7      6        7     85    0      20        14    44    32   -20    40 high        36         0      0    0    8       0    0            0          0        0
rush_punch           9      6       16     80    8      18        14    42    30    45    25 mid         48         0      0    0    8      96    0            0          0        0
flash_kick           3      9       30    110   12      28        20    34    30    25    95 mid         32         1     96    0   10      12  136            7          0        0
dash_overhead       18      3       14     65    6      17        14    44    30    50    30 high        32         0      0    0    6      64    0            0          0        0
slide               10      8       18     70    8      14        16    46    40     0    14 low         40         1      0    0    8     112    0            0          0        0
ex_rush_punch        6      6       14    120   12      22        16    44    32    45    25 mid         56         1      0   25    0     112    0            4          0        0
super_rush           3     24       28    290   36      40        24    52    46    20    70 mid         48         1     80  100    0      96    0            8          0        0
""",
)

"""Mirage, the trickster: least health, teleports forward and back, a dive kick, a decoy orb, a teleport strike."""

from arenax.envs.fight.characters.table import parse_moves, parse_stats

NAME = "mirage"
ARCHETYPE = "trickster"

STATS = parse_stats(
    NAME,
    {
        "health": 900, "walk_forward": 48, "walk_back": 44, "jump_rise": 160, "jump_forward": 48,
        "half_width": 14, "height": 84, "crouch_height": 52, "preferred_range": 90,
    },
)

MOVES, SPECIALS = parse_moves(
    NAME,
    """
move           startup active recovery damage chip hitstun blockstun reach width box_y box_h guard pushback knockdown launch cost gain advance rise invulnerable projectile teleport
dash_forward        10      0        6      0    0       0         0     0     0     0     0 mid          0         0      0    0    0     104    0            0          0        0
dash_back           10      0        6      0    0       0         0     0     0     0     0 mid          0         0      0    0    0    -104    0            6          0        0
stand_lp             3      2        6     25    0      12         8    38    22    55    15 mid         20         0      0    0    3       0    0            0          0        0
stand_mp             5      3        9     45    0      15        12    44    26    50    18 mid         28         0      0    0    5       0    0            0          0        0
stand_hp             8      3       17     75    0      19        13    48    28    45    25 mid         40         0      0    0    8       0    0            0          0        0
stand_lk             3      2        7     30    0      13         9    44    24    25    15 mid         20         0      0    0    3       0    0            0          0        0
stand_mk             6      3       11     50    0      16        12    52    30    30    18 mid         28         0      0    0    5       0    0            0          0        0
stand_hk             9      4       19     85    0      21        14    58    34    40    25 mid         44         0      0    0    8       0    0            0          0        0
throw                3      2       22    100    0       0         0    32    22     0    80 throw        0         1      0    0    6       0    0            0          0        0
crouch_light         3      2        6     20    0      11         8    40    24     5    12 low         20         0      0    0    3       0    0            0          0        0
crouch_medium        5      3       10     42    0      15        11    50    30     5    14 low         28         0      0    0    5       0    0            0          0        0
crouch_heavy         6      4       19     70    0      19        13    36    28    40    55 mid         28         0      0    0    8       0    0            0          0        0
sweep                9      4       21     70    0      14        14    60    38     0    12 low         36         1      0    0    8       0    0            0          0        0
air_light            3      6        3     35    0      14        10    34    24   -10    30 high        20         0      0    0    3       0    0            0          0        0
air_medium           5      6        5     55    0      17        12    40    28   -15    35 high        28         0      0    0    5       0    0            0          0        0
air_heavy            7      6        7     80    0      19        14    44    32   -20    40 high        36         0      0    0    8       0    0            0          0        0
teleport_forward    14      0       10      0    0       0         0     0     0     0     0 mid          0         0      0    0    0       0    0           14          0       90
teleport_back       14      0       10      0    0       0         0     0     0     0     0 mid          0         0      0    0    0       0    0           14          0      -90
dive_kick           10     12       14     70    8      18        14    38    30   -20    40 high        32         0      0    0    8      80   96            0          0        0
decoy_orb           12      3       22     45    6      16        14    40    18    50    18 mid         24         0      0    0    5       0    0            0         48        0
ex_phantom_strike   12      4       18    120   12      22        16    46    34    40    40 high        48         1      0   25    0       0    0           12          0       70
super_mirage         4     22       30    280   36      40        24    52    46    20    70 mid         48         1     80  100    0      80    0            8          0        0
""",
)

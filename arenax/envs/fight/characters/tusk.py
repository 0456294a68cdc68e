"""Tusk, the grappler: slow and sturdy, long throws and a command grab, a lariat, a charging shoulder."""

from arenax.envs.fight.characters.table import parse_moves, parse_stats

NAME = "tusk"
ARCHETYPE = "grappler"

STATS = parse_stats(
    NAME,
    {
        "health": 1150, "walk_forward": 28, "walk_back": 24, "jump_rise": 128, "jump_forward": 32,
        "half_width": 22, "height": 96, "crouch_height": 62, "preferred_range": 30,
    },
)

MOVES, SPECIALS = parse_moves(
    NAME,
    """
move           startup active recovery damage chip hitstun blockstun reach width box_y box_h guard pushback knockdown launch cost gain advance rise invulnerable projectile teleport
dash_forward        14      0        8      0    0       0         0     0     0     0     0 mid          0         0      0    0    0      72    0            0          0        0
dash_back           14      0       10      0    0       0         0     0     0     0     0 mid          0         0      0    0    0     -64    0            4          0        0
stand_lp             4      2        7     35    0      12         8    44    24    60    15 mid         24         0      0    0    3       0    0            0          0        0
stand_mp             6      3       12     65    0      16        12    50    28    55    18 mid         32         0      0    0    5       0    0            0          0        0
stand_hp            10      4       20    110    0      21        15    54    32    50    25 mid         48         0      0    0    8       0    0            0          0        0
stand_lk             5      2        9     40    0      13         9    46    26    25    15 mid         24         0      0    0    3       0    0            0          0        0
stand_mk             7      3       14     70    0      17        13    56    32    30    18 mid         32         0      0    0    5       0    0            0          0        0
stand_hk            12      4       22    115    0      22        15    62    36    40    25 mid         48         0      0    0    8       0    0            0          0        0
throw                3      2       24    160    0       0         0    44    30     0    90 throw        0         1      0    0    8       0    0            0          0        0
crouch_light         4      2        8     30    0      11         8    44    26     5    12 low         24         0      0    0    3       0    0            0          0        0
crouch_medium        6      3       12     60    0      15        12    54    32     5    14 low         32         0      0    0    5       0    0            0          0        0
crouch_heavy         7      5       22    100    0      20        14    42    34    45    65 mid         32         0      0    0    8       0    0            0          0        0
sweep               11      4       24     95    0      14        14    64    40     0    12 low         40         1      0    0    8       0    0            0          0        0
air_light            5      6        4     45    0      14        10    38    28   -10    30 high        24         0      0    0    3       0    0            0          0        0
air_medium           7      6        6     75    0      18        12    44    32   -15    35 high        32         0      0    0    5       0    0            0          0        0
air_heavy           10      6        8    110    0      20        14    48    36   -25    45 high        40         0      0    0    8       0    0            0          0        0
command_grab         5      2       32    220    0       0         0    48    34     0    90 throw        0         1      0    0   12       0    0            0          0        0
lariat               6     12       22    100   10      20        16    50    90    40    50 mid         48         1      0    0    8      24    0            4          0        0
charging_shoulder   10     12       18     90    9      18        16    40    30    40    40 mid         64         0      0    0    8     112    0            0          0        0
ground_slam         12      4       24    110   11      14        18    60    50     0    14 low         40         1      0    0    8       0    0            0          0        0
ex_command_grab      2      3       30    260    0       0         0    56    40     0    90 throw        0         1      0   25    0       0    0            3          0        0
super_grab           1      3       40    420    0       0         0    64    48     0    95 throw        0         1      0  100    0       0    0            5          0        0
""",
)

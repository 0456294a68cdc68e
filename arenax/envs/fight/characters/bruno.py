"""Bruno, the heavy: most health, slowest walk, big slow hits, a ground pound, a shockwave, a body splash."""

from arenax.envs.fight.characters.table import parse_moves, parse_stats

NAME = "bruno"
ARCHETYPE = "heavy"

STATS = parse_stats(
    NAME,
    {
        "health": 1250, "walk_forward": 24, "walk_back": 20, "jump_rise": 120, "jump_forward": 28,
        "half_width": 24, "height": 100, "crouch_height": 66, "preferred_range": 60,
    },
)

MOVES, SPECIALS = parse_moves(
    NAME,
    """
move           startup active recovery damage chip hitstun blockstun reach width box_y box_h guard pushback knockdown launch cost gain advance rise invulnerable projectile teleport
dash_forward        16      0        8      0    0       0         0     0     0     0     0 mid          0         0      0    0    0      64    0            0          0        0
dash_back           16      0       10      0    0       0         0     0     0     0     0 mid          0         0      0    0    0     -56    0            3          0        0
stand_lp             5      2        8     40    0      12         8    46    26    60    15 mid         28         0      0    0    3       0    0            0          0        0
stand_mp             7      3       14     75    0      16        12    52    30    55    18 mid         36         0      0    0    5       0    0            0          0        0
stand_hp            12      5       22    130    0      22        16    58    34    50    28 mid         56         0      0    0    9       0    0            0          0        0
stand_lk             6      2       10     45    0      13         9    48    28    25    15 mid         28         0      0    0    3       0    0            0          0        0
stand_mk             8      3       16     80    0      17        13    58    34    30    18 mid         36         0      0    0    5       0    0            0          0        0
stand_hk            14      4       24    135    0      23        16    66    40    40    25 mid         56         0      0    0    9       0    0            0          0        0
throw                4      2       24    140    0       0         0    38    26     0    90 throw        0         1      0    0    7       0    0            0          0        0
crouch_light         5      2        9     35    0      11         8    46    28     5    12 low         28         0      0    0    3       0    0            0          0        0
crouch_medium        7      3       14     70    0      15        12    56    34     5    14 low         36         0      0    0    5       0    0            0          0        0
crouch_heavy         8      5       24    115    0      21        15    44    34    45    70 mid         36         0      0    0    9       0    0            0          0        0
sweep               12      4       26    110    0      14        15    68    44     0    12 low         48         1      0    0    9       0    0            0          0        0
air_light            6      6        5     50    0      14        10    38    28   -10    30 high        28         0      0    0    3       0    0            0          0        0
air_medium           8      6        7     85    0      18        12    46    34   -15    35 high        36         0      0    0    5       0    0            0          0        0
air_heavy           11      6        9    125    0      21        15    50    38   -25    45 high        48         0      0    0    9       0    0            0          0        0
ground_pound        16      4       26    130   13      14        18    70    60     0    14 low         48         1      0    0    9       0    0            0          0        0
headbutt            11      4       24    140   14      24        18    44    30    55    30 mid         56         1      0    0    9      32    0            6          0        0
body_splash         14     14       20    120   12      20        16    40    40   -20    40 high        48         1      0    0    9      48   96            0          0        0
shockwave           18      3       30     80   12      16        18    44    30     0    16 low         40         0      0    0    6       0    0            0         32        0
ex_headbutt          8      4       22    180   18      26        20    46    32    55    30 mid         64         1      0   25    0      48    0            8          0        0
super_quake          8      6       40    350   45      40        26    90    90     0    40 low         56         1     64  100    0       0    0            8          0        0
""",
)

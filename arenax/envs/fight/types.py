"""Constants, action encoding, state and parameters of the fighting game (all game quantities are integers)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from arenax.core import EnvState

FPS = 60
"""Logic frames per second of game time; the round timer counts these frames."""
SUBPIXELS = 16
"""Positions and velocities are integers in 1/16 pixel: identical under jit and eager, on every device."""
STAGE_WIDTH = 320 * SUBPIXELS
START_OFFSET = 60 * SUBPIXELS
"""Each fighter starts this far from the stage centre."""
GRAVITY = 8
"""Subpixels per frame squared."""
FRICTION = 4
"""Subpixels per frame squared that a sliding, grounded fighter in stun or knockdown loses."""
MAX_METER = 100
ROUNDS_TO_WIN = 2
KNOCKDOWN_FRAMES = 45
"""A knocked-down fighter is strike- and throw-invulnerable for this long, then free."""
THROW_TECH_WINDOW = 10
"""Frames during which a thrown fighter escapes by pressing THROW."""
TECH_RECOVERY = 12
"""After a throw escape (or two throws at once) both fighters are pushed apart and recover for this long."""
TECH_PUSH = 48
THROW_LAUNCH = 48
DASH_WINDOW = 12
"""A dash is a tap, release and tap of forward (or back) with at most this many frames of neutral between."""
MIN_DAMAGE_SCALE = 3
"""Combo damage scaling: hit n of a combo deals max(10 - (n - 1), MIN_DAMAGE_SCALE) tenths of its damage."""

# Stun kinds
STUN_NONE, STUN_HIT, STUN_BLOCK, STUN_KNOCKDOWN, STUN_THROWN = range(5)
NUM_STUN_KINDS = 5

# Guard classes of an attack
GUARD_MID, GUARD_LOW, GUARD_HIGH, GUARD_THROW = range(4)
GUARD_NAMES = ("mid", "low", "high", "throw")

# Moves: the same 23 rows in every character's table
NORMAL_MOVES = (
    "idle",
    "dash_forward",
    "dash_back",
    "stand_lp",
    "stand_mp",
    "stand_hp",
    "stand_lk",
    "stand_mk",
    "stand_hk",
    "throw",
    "crouch_light",
    "crouch_medium",
    "crouch_heavy",
    "sweep",
    "air_light",
    "air_medium",
    "air_heavy",
)
NUM_SPECIALS = 6
NUM_MOVES = len(NORMAL_MOVES) + NUM_SPECIALS
IDLE, DASH_FORWARD, DASH_BACK = 0, 1, 2
FIRST_SPECIAL = len(NORMAL_MOVES)
MOVE_STANCE = np.array([3, 3, 3] + [0] * 7 + [1] * 4 + [2] * 3 + [3] * NUM_SPECIALS, np.int32)
"""0 standing, 1 crouching, 2 airborne, 3 any grounded stance (dashes, specials)."""

# Actions: 9 directions relative to facing, 7 attack buttons, 6 scripted special-move inputs
DIRECTION_NAMES = ("neutral", "up", "up_forward", "forward", "down_forward", "down", "down_back", "back", "up_back")
BUTTON_NAMES = ("lp", "mp", "hp", "lk", "mk", "hk", "throw")
NUM_DIRECTIONS, NUM_BUTTONS = len(DIRECTION_NAMES), len(BUTTON_NAMES)
NUM_ACTIONS = NUM_DIRECTIONS + NUM_BUTTONS + NUM_SPECIALS
ACTION_NAMES = DIRECTION_NAMES + BUTTON_NAMES + tuple(f"special_{i}" for i in range(NUM_SPECIALS))
THROW_BUTTON = BUTTON_NAMES.index("throw")
FIRST_BUTTON_ACTION = NUM_DIRECTIONS
FIRST_SPECIAL_ACTION = NUM_DIRECTIONS + NUM_BUTTONS
ACTION_HORIZONTAL = np.array([0, 0, 1, 1, 1, 0, -1, -1, -1] + [0] * (NUM_BUTTONS + NUM_SPECIALS), np.int32)
"""+1 forward, -1 back (towards or away from the opponent), 0 neither."""
ACTION_VERTICAL = np.array([0, 1, 1, 0, -1, -1, -1, 0, 1] + [0] * (NUM_BUTTONS + NUM_SPECIALS), np.int32)
ACTION_BUTTON = np.array([-1] * NUM_DIRECTIONS + list(range(NUM_BUTTONS)) + [-1] * NUM_SPECIALS, np.int32)
ACTION_SPECIAL = np.array([-1] * (NUM_DIRECTIONS + NUM_BUTTONS) + list(range(NUM_SPECIALS)), np.int32)
BUTTON_MOVE = np.array(
    [
        [3, 4, 5, 6, 7, 8, 9],  # standing
        [10, 11, 12, 10, 11, 13, 9],  # crouching: light, medium, anti-air punch, light, medium, sweep, throw
        [14, 15, 16, 14, 15, 16, 0],  # airborne: no air throw
    ],
    np.int32,
)
"""The move a button starts in each stance (rows: standing, crouching, airborne)."""


@struct.dataclass
class Fighters:
    """Both fighters, every field stacked on a leading axis of 2 (player 0, player 1).

    The frame rules use the same class for one fighter's values (each field a scalar per match).
    """

    character: jax.Array
    x: jax.Array
    y: jax.Array
    vx: jax.Array
    vy: jax.Array
    facing: jax.Array
    health: jax.Array
    meter: jax.Array
    move: jax.Array
    move_frame: jax.Array
    move_hit: jax.Array
    stun: jax.Array
    stun_kind: jax.Array
    crouching: jax.Array
    combo: jax.Array
    pending_damage: jax.Array
    previous_horizontal: jax.Array
    tap_direction: jax.Array
    tap_age: jax.Array
    projectile_active: jax.Array
    projectile_x: jax.Array
    projectile_y: jax.Array
    projectile_vx: jax.Array
    projectile_move: jax.Array
    rounds_won: jax.Array


@struct.dataclass
class Match:
    """One best-of-three match: the fighters, the round clock and the result.

    `outcome` is set when `over` turns true: +1 player 0 won, -1 player 1 won, 0 a draw.
    """

    fighters: Fighters
    round_timer: jax.Array
    rounds_played: jax.Array
    over: jax.Array
    outcome: jax.Array


@struct.dataclass
class FrameEvents:
    """What happened during a run of frames, summed: health lost and rounds won outright, per fighter."""

    damage_taken: jax.Array
    rounds_won: jax.Array


@struct.dataclass
class RewardParams:
    """FightLadder's shaped reward: damage dealt against damage taken plus a round-win bonus.

    Per agent step: `dealt_weight * dealt - taken_weight * taken + round_bonus * (won - lost)`,
    damage measured in fractions of the damaged fighter's health bar and rounds won or lost outright.
    """

    dealt_weight: float = 3.0
    taken_weight: float = 1.0
    round_bonus: float = 1.0


@struct.dataclass
class FightParams:
    """Two-player match: the characters of player 0 and player 1, round length, reward weights."""

    characters: jax.Array = struct.field(default_factory=lambda: jnp.array([0, 1], jnp.int32))
    round_seconds: int = 99
    reward: RewardParams = struct.field(default_factory=RewardParams)


@struct.dataclass
class LadderParams:
    """Single player against the ladder.

    `ladder_index` is the first rung (0-11); with `climb` each match won moves on to the next rung
    within the episode, with `climb=False` the episode is the one match against `ladder_index`.
    """

    character: int = 0
    ladder_index: int = 0
    climb: bool = True
    round_seconds: int = 99
    reward: RewardParams = struct.field(default_factory=RewardParams)


@struct.dataclass
class FightState(EnvState):
    match: Match


@struct.dataclass
class LadderState(EnvState):
    match: Match
    rung: jax.Array
    matches_won: jax.Array

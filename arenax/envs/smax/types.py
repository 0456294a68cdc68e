"""SMAX's unit types table, its parameter pytree and its state pytree."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from arenax.core import EnvState

UNIT_TYPES = (
    "marine",
    "marauder",
    "medivac",
    "stalker",
    "zealot",
    "colossus",
    "zergling",
    "hydralisk",
    "baneling",
    "spine_crawler",
)
"""Every unit type, indexed by its position; scenarios name units by these strings."""

UNIT_SHORT_NAMES = ("m", "M", "V", "s", "z", "C", "g", "h", "b", "S")
"""One letter per unit type, for the renderer."""

# Per-type stats, loosely after StarCraft II (and SMAC / JaxMARL's simplifications): no armour or
# bonus damage; melee ranges include the unit radii. health, shield, damage per shot (heal per shot
# for the medivac), seconds between shots, attack range, sight range, speed, radius, splash radius.
_TABLE = {
    #                 health shield damage cooldown range sight speed radius splash
    "marine":        (45.0,   0.0,  9.0,  0.61,    5.0,  9.0, 3.15, 0.375, 0.0),
    "marauder":      (125.0,  0.0, 10.0,  1.07,    6.0, 10.0, 2.25, 0.5625, 0.0),
    "medivac":       (150.0,  0.0,  9.0,  0.71,    4.0, 11.0, 3.5,  0.75,  0.0),
    "stalker":       (80.0,  80.0, 13.0,  1.34,    6.0, 10.0, 4.13, 0.625, 0.0),
    "zealot":        (100.0, 50.0, 16.0,  1.2,     2.0,  9.0, 3.15, 0.5,   0.0),
    "colossus":      (200.0, 150.0, 20.0, 1.5,     7.0, 10.0, 3.15, 1.0,   1.5),
    "zergling":      (35.0,   0.0,  5.0,  0.5,     2.0,  8.0, 4.13, 0.375, 0.0),
    "hydralisk":     (90.0,   0.0, 12.0,  0.59,    5.0,  9.0, 3.15, 0.625, 0.0),
    "baneling":      (30.0,   0.0, 20.0,  0.5,     1.5,  8.0, 3.5,  0.375, 2.2),
    "spine_crawler": (300.0,  0.0, 25.0,  1.85,    7.0, 11.0, 0.0,  1.0,   0.0),
}
_COLUMNS = np.array([_TABLE[name] for name in UNIT_TYPES], np.float32).T

DEFAULT_SHIELD = _COLUMNS[1]
DEFAULT_SPLASH_RADIUS = _COLUMNS[8]
HEALER = np.array([name == "medivac" for name in UNIT_TYPES])
"""Types whose "attack" heals an ally of their own team instead of hurting an enemy."""
SUICIDE = np.array([name == "baneling" for name in UNIT_TYPES])
"""Types that die when they attack (their splash is their whole effect)."""
NUM_UNIT_TYPES = len(UNIT_TYPES)

NOOP, STOP = 0, 1
NUM_MOVES = 8
FIRST_TARGET = 2 + NUM_MOVES
"""Actions: 0 no-op (only for dead units), 1 stop, 2..9 move N, NE, E, SE, S, SW, W, NW, then one per target slot."""
_COMPASS = np.array([[0, 1], [1, 1], [1, 0], [1, -1], [0, -1], [-1, -1], [-1, 0], [-1, 1]], np.float32)
MOVE_DIRECTIONS = _COMPASS / np.linalg.norm(_COMPASS, axis=1, keepdims=True)
"""Unit vectors of the eight move actions (x to the east, y to the north)."""

OPPONENT_LEVELS = ("static", "easy", "medium", "hard")
"""Difficulty levels of the built-in heuristic opponent, `SMAXParams.opponent_level` indexes them."""


@struct.dataclass
class SMAXParams:
    """Numbers that do not change shapes: unit stats per type, timing, map size, rewards, opponent.

    Every `unit_*` field is indexed by unit type (`UNIT_TYPES`), so stats can be
    randomised or vmapped. Rewards follow SMAC: damage dealt to enemies (health
    and shield), `reward_kill_bonus` per enemy killed and `reward_win_bonus`
    for a win, divided by their maximum so that a flawless win's team return is 1.
    """

    unit_health: jax.Array = struct.field(default_factory=lambda: jnp.asarray(_COLUMNS[0]))
    unit_shield: jax.Array = struct.field(default_factory=lambda: jnp.asarray(_COLUMNS[1]))
    unit_damage: jax.Array = struct.field(default_factory=lambda: jnp.asarray(_COLUMNS[2]))
    unit_cooldown: jax.Array = struct.field(default_factory=lambda: jnp.asarray(_COLUMNS[3]))
    unit_attack_range: jax.Array = struct.field(default_factory=lambda: jnp.asarray(_COLUMNS[4]))
    unit_sight_range: jax.Array = struct.field(default_factory=lambda: jnp.asarray(_COLUMNS[5]))
    unit_speed: jax.Array = struct.field(default_factory=lambda: jnp.asarray(_COLUMNS[6]))
    unit_radius: jax.Array = struct.field(default_factory=lambda: jnp.asarray(_COLUMNS[7]))
    unit_splash_radius: jax.Array = struct.field(default_factory=lambda: jnp.asarray(_COLUMNS[8]))
    shield_regen: float = 2.0
    """Shield points regained per second by a unit that took no damage in the step."""
    time_per_step: float = 0.5
    """Game seconds per environment step (JaxMARL: 8 world steps of 1/16 s)."""
    map_width: float = 32.0
    map_height: float = 32.0
    max_steps: int = 100
    """Steps before the episode is truncated (the scenario's SMAC episode limit by default)."""
    reward_damage_weight: float = 1.0
    reward_kill_bonus: float = 10.0
    reward_win_bonus: float = 200.0
    opponent_level: int = 2
    """Index into `OPPONENT_LEVELS` of the heuristic that plays the other team (ignored in self-play)."""
    opponent_idle_probability: float = 0.5
    """At the "easy" level, the chance that an opponent unit stops instead of acting in a step."""


@struct.dataclass
class SMAXState(EnvState):
    """Units of both teams on one axis: the controlled team first, then the other team.

    A unit is alive while its health is positive; `unit_type` indexes
    `UNIT_TYPES` and `last_action` is the action each unit carried out in the
    previous step (for observations and rendering), both int8 to keep the state small.
    """

    position: jax.Array
    health: jax.Array
    shield: jax.Array
    cooldown: jax.Array
    unit_type: jax.Array
    last_action: jax.Array

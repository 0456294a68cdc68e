"""The built-in heuristic AI of SMAX (one team's actions from the state) at four difficulty levels."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from arenax.envs.smax import rounding
from arenax.envs.smax.hashing import hashed_uniform
from arenax.envs.smax.types import FIRST_TARGET, HEALER, MOVE_DIRECTIONS, NOOP, OPPONENT_LEVELS, STOP, SMAXState

STATIC, EASY, MEDIUM, HARD = (OPPONENT_LEVELS.index(name) for name in ("static", "easy", "medium", "hard"))
RANGED = 4.0
"""Units with at least this attack range count as ranged (they may retreat while reloading)."""
RETREAT_HEALTH = 0.5
"""At the hard level, ranged units below this fraction of their health kite while their weapon reloads."""
_FAR = 1e9


def move_towards(vector: jax.Array) -> jax.Array:
    """The move action (of eight) closest in direction to each `vector[..., 2]` (scores rounded alike jitted and eager)."""
    compass = jnp.asarray(MOVE_DIRECTIONS)
    score = rounding.rounded_product(vector[..., :1], compass[:, 0]) + rounding.rounded_product(vector[..., 1:], compass[:, 1])
    return (2 + jnp.argmax(score, axis=-1)).astype(jnp.int32)


def _rows(array: jax.Array, index: jax.Array) -> jax.Array:
    return jnp.take_along_axis(array, index[:, None, None], axis=1)[:, 0]


def heuristic_actions(
    state: SMAXState,
    level: jax.Array,
    team: int,
    num_allies: int,
    with_healers: bool,
) -> jax.Array:
    """Actions of every unit of `team` (0 the controlled team, 1 the other) against the other team.

    Every level moves towards the nearest living enemy (an attack-move) and
    attacks when an enemy is in range: "static" holds position and attacks
    the nearest enemy in range; "medium" attacks the nearest enemy in range;
    "easy" does the same but each unit stops instead with probability
    `params.opponent_idle_probability` every step (a coin drawn by hashing the
    episode key, the step and the unit: no PRNG work in the step); "hard" focuses fire on the
    weakest enemy in range (health plus shield) and pulls damaged ranged units
    back from a shorter-ranged enemy while their weapon reloads (kiting). Healers (`with_healers`, a static flag)
    heal the most damaged ally in range, or else follow the nearest ally.
    Dead units take the no-op.
    """
    params = state.params
    own = slice(0, num_allies) if team == 0 else slice(num_allies, None)
    other = slice(num_allies, None) if team == 0 else slice(0, num_allies)
    position, unit_type = state.position[own], state.unit_type[own]
    alive = state.health[own] > 0
    enemy_alive = state.health[other] > 0
    to_enemy = state.position[other][None, :, :] - position[:, None, :]
    distance = rounding.distance(to_enemy[..., 0], to_enemy[..., 1])
    attack_range = params.unit_attack_range[unit_type]
    in_range = enemy_alive[None, :] & (distance <= attack_range[:, None])
    can_attack = jnp.any(in_range, axis=1)
    nearest = jnp.argmin(jnp.where(enemy_alive[None, :], distance, _FAR), axis=1)
    nearest_in_range = jnp.argmin(jnp.where(in_range, distance, _FAR), axis=1)
    durability = state.health[other] + state.shield[other]
    closeness = rounding.rounded_product(1e-3, distance)
    weakest_in_range = jnp.argmin(jnp.where(in_range, durability[None, :] + closeness, _FAR), axis=1)
    towards_nearest = _rows(to_enemy, nearest)
    advance = move_towards(towards_nearest)
    attack_nearest = jnp.where(can_attack, FIRST_TARGET + nearest_in_range, advance)

    health_fraction = state.health[own] / params.unit_health[unit_type]
    nearest_range = params.unit_attack_range[state.unit_type[other]][nearest]
    retreat = (
        (attack_range >= RANGED)
        & (health_fraction < RETREAT_HEALTH)
        & (state.cooldown[own] > 0)
        & (nearest_range < attack_range)
        & (jnp.take_along_axis(distance, nearest[:, None], axis=1)[:, 0] <= attack_range)
    )
    hard = jnp.where(retreat, move_towards(-towards_nearest), jnp.where(can_attack, FIRST_TARGET + weakest_in_range, advance))
    first_unit = 0 if team == 0 else num_allies
    idle = hashed_uniform(state.key, state.time, first_unit, alive.shape[0]) < params.opponent_idle_probability
    easy = jnp.where(idle, STOP, attack_nearest)
    static = jnp.where(can_attack, FIRST_TARGET + nearest_in_range, STOP)
    action = jnp.select([level == STATIC, level == EASY, level == HARD], [static, easy, hard], attack_nearest)
    if with_healers:
        action = jnp.where(jnp.asarray(HEALER)[unit_type], _healer_actions(state, own, alive), action)
    return jnp.where(alive, action, NOOP).astype(jnp.int32)


def _healer_actions(state: SMAXState, own: slice, alive: jax.Array) -> jax.Array:
    """Heal the ally missing the most health within range, else move towards the nearest other ally."""
    params = state.params
    position, unit_type = state.position[own], state.unit_type[own]
    count = position.shape[0]
    to_ally = position[None, :, :] - position[:, None, :]
    others = alive[None, :] & ~np.eye(count, dtype=bool)
    distance = rounding.distance(to_ally[..., 0], to_ally[..., 1])
    missing = params.unit_health[unit_type] - state.health[own]
    in_range = others & (distance <= params.unit_attack_range[unit_type][:, None]) & (missing[None, :] > 0)
    heal_target = jnp.argmax(jnp.where(in_range, missing[None, :], -1.0), axis=1)
    nearest = jnp.argmin(jnp.where(others, distance, _FAR), axis=1)
    follow = jnp.where(jnp.any(others, axis=1), move_towards(_rows(to_ally, nearest)), STOP)
    return jnp.where(jnp.any(in_range, axis=1), FIRST_TARGET + heal_target, follow)

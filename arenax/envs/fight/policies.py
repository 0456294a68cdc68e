"""Scripted fighters at three levels, read off the same frame data as the game, and the 12-rung ladder.

Each decision (one per agent step) looks at both fighters and the frame-data tables: it escapes throws,
blocks attacks whose hitbox can reach it (low or mid crouching, overheads standing), anti-airs jumps,
punishes moves in recovery with an attack whose startup beats the remaining recovery, pokes with the
best attack in reach (damage against startup, plus level noise), and otherwise walks to the
character's preferred range. Levels differ only in how often each reaction fires and how noisy the
choices are (`LEVEL_TRAITS`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from arenax.envs.fight.characters import COLUMN, MOVE_DATA, character_index
from arenax.envs.fight.frame_data import col, grounded, move_rows, opponent, stat
from arenax.envs.fight.types import (
    BUTTON_MOVE,
    FIRST_BUTTON_ACTION,
    FIRST_SPECIAL,
    FIRST_SPECIAL_ACTION,
    GUARD_HIGH,
    GUARD_THROW,
    IDLE,
    MOVE_STANCE,
    NUM_ACTIONS,
    NUM_MOVES,
    STUN_THROWN,
    SUBPIXELS,
    THROW_BUTTON,
    Match,
)

LEVELS = ("easy", "medium", "hard")
TRAITS = ("random", "block", "anti_air", "punish", "attack", "escape", "jump_in", "noise")
LEVEL_TRAITS = np.array(
    [
        [0.30, 0.15, 0.10, 0.00, 0.35, 0.05, 0.15, 60.0],
        [0.10, 0.50, 0.45, 0.50, 0.55, 0.40, 0.10, 30.0],
        [0.02, 0.90, 0.85, 0.95, 0.80, 0.85, 0.05, 10.0],
    ],
    np.float32,
)
"""Per level: probability of a uniformly random action, of blocking a threat, of anti-airing a jump, of punishing
recovery, of attacking when something reaches, of escaping a throw, of jumping in from far; and the noise
(health points) added to attack scores."""
TRAIT = {name: i for i, name in enumerate(TRAITS)}

LADDER = (
    ("ryn", "easy"),
    ("bruno", "easy"),
    ("tusk", "easy"),
    ("vela", "easy"),
    ("blaze", "medium"),
    ("mirage", "medium"),
    ("ryn", "medium"),
    ("tusk", "medium"),
    ("bruno", "hard"),
    ("vela", "hard"),
    ("mirage", "hard"),
    ("blaze", "hard"),
)
"""The 12 ladder opponents in order of rising difficulty: (character, level)."""
LADDER_CHARACTERS = np.array([character_index(name) for name, _ in LADDER], np.int32)
LADDER_LEVELS = np.array([LEVELS.index(level) for _, level in LADDER], np.int32)


def _move_actions() -> np.ndarray:
    """The action that starts each move in the stance the move belongs to (0: none)."""
    actions = np.zeros((NUM_MOVES,), np.int32)
    for stance in (2, 1, 0):
        for button in range(BUTTON_MOVE.shape[1] - 1, -1, -1):
            actions[BUTTON_MOVE[stance, button]] = FIRST_BUTTON_ACTION + button
    actions[IDLE] = 0
    actions[FIRST_SPECIAL:] = FIRST_SPECIAL_ACTION + np.arange(NUM_MOVES - FIRST_SPECIAL)
    return actions


MOVE_ACTION = _move_actions()


def _reach_px(rows: jax.Array) -> jax.Array:
    """How far ahead (px) a move's hitbox reaches, counting its travel and teleport."""
    travel = col(rows, "advance") * (col(rows, "startup") + col(rows, "active")) // SUBPIXELS
    return col(rows, "reach") + travel + col(rows, "teleport")


def choose_actions(key: jax.Array, match: Match, levels: jax.Array) -> jax.Array:
    """Actions `[2]` of both fighters played by the scripted AI at `levels[2]` (0 easy, 1 medium, 2 hard)."""
    f = match.fighters
    traits = jnp.asarray(LEVEL_TRAITS)[levels]
    trait = lambda name: traits[:, TRAIT[name]]  # noqa: E731
    keys = jax.random.split(key, 3)
    chance = jax.random.uniform(keys[0], (2, 8))
    random_action = jax.random.randint(keys[1], (2,), 0, NUM_ACTIONS)
    noise = jax.random.uniform(keys[2], (2, NUM_MOVES)) * trait("noise")[:, None]

    distance = jnp.abs(opponent(f.x) - f.x) // SUBPIXELS
    on_ground = grounded(f)
    other_half = opponent(stat(f.character, "half_width"))

    table = jnp.asarray(MOVE_DATA)[f.character]  # [2, NUM_MOVES, columns]
    column = lambda name: table[..., COLUMN[name]]  # noqa: E731
    stance = jnp.where(~on_ground, 2, jnp.where(f.crouching, 1, 0))
    move_stance = jnp.asarray(MOVE_STANCE)[None, :]
    usable = (move_stance == stance[:, None]) | ((move_stance == 3) & on_ground[:, None])
    throws = column("guard") == GUARD_THROW
    other_throwable = opponent(on_ground & (f.stun == 0))
    projectile = column("projectile") > 0
    reach = _reach_px(table)
    other_height = opponent(f.y) // SUBPIXELS
    vertical_ok = (column("box_y") + column("box_h") >= other_height[:, None]) | opponent(on_ground)[:, None]
    candidate = (
        (column("width") > 0)
        & usable
        & (column("cost") <= f.meter[:, None])
        & ~(projectile & f.projectile_active[:, None])
        & (~throws | other_throwable[:, None])
        & ((reach + other_half[:, None] >= distance[:, None]) | projectile)
        & vertical_ok
    )
    score = column("damage") - 4 * column("startup") + noise
    best_attack = jnp.asarray(MOVE_ACTION)[jnp.argmax(jnp.where(candidate, score, -1e9), axis=1)]
    can_attack = candidate.any(axis=1)

    other_rows = opponent(move_rows(f.character, f.move))
    other_frame = opponent(f.move_frame)
    other_moving = opponent(f.move) != IDLE
    other_attack_window = other_moving & (other_frame <= col(other_rows, "startup") + col(other_rows, "active"))
    other_reach = _reach_px(other_rows) + stat(f.character, "half_width")
    strike_threat = other_attack_window & (col(other_rows, "width") > 0) & (other_reach >= distance)
    projectile_rows = opponent(move_rows(f.character, f.projectile_move))
    incoming = opponent(f.projectile_active) & ((f.x - opponent(f.projectile_x)) * opponent(f.projectile_vx) > 0)
    projectile_threat = incoming & (jnp.abs(f.x - opponent(f.projectile_x)) < 120 * SUBPIXELS)
    jump_in = opponent(~on_ground) & (distance < 110)
    threat_guard = jnp.where(strike_threat, col(other_rows, "guard"), col(projectile_rows, "guard"))
    block = jnp.where(jump_in & ~strike_threat & ~projectile_threat, 7, jnp.where(threat_guard == GUARD_HIGH, 7, 6))
    threatened = strike_threat | projectile_threat | jump_in

    remaining = col(other_rows, "startup") + col(other_rows, "active") + col(other_rows, "recovery") - other_frame
    recovering = other_moving & ~other_attack_window
    punishable = candidate & recovering[:, None] & (column("startup") < remaining[:, None])
    best_punish = jnp.asarray(MOVE_ACTION)[jnp.argmax(jnp.where(punishable, column("damage"), -1), axis=1)]

    preferred = stat(f.character, "preferred_range")
    approach = jnp.where(chance[:, 6] < trait("jump_in"), 2, 3)
    settle = jnp.where(chance[:, 7] < 0.35, 5, 0)
    walk = jnp.where(distance > preferred + 15, approach, jnp.where(distance < preferred - 20, 7, settle))

    action = walk
    action = jnp.where(can_attack & (chance[:, 4] < trait("attack")), best_attack, action)
    action = jnp.where(punishable.any(axis=1) & (chance[:, 3] < trait("punish")), best_punish, action)
    action = jnp.where(opponent(~on_ground) & can_attack & (chance[:, 2] < trait("anti_air")), best_attack, action)
    action = jnp.where(threatened & ~recovering & (chance[:, 1] < trait("block")), block, action)
    action = jnp.where(chance[:, 0] < trait("random"), random_action, action)
    thrown = f.stun_kind == STUN_THROWN
    escape = jnp.where(chance[:, 5] < trait("escape"), FIRST_BUTTON_ACTION + THROW_BUTTON, 0)
    return jnp.where(thrown, escape, action).astype(jnp.int32)


def ladder_opponent(rung: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(character, level) of ladder rung `rung` (0-11)."""
    return jnp.asarray(LADDER_CHARACTERS)[rung], jnp.asarray(LADDER_LEVELS)[rung]


__all__ = ["LADDER", "LEVELS", "LEVEL_TRAITS", "choose_actions", "ladder_opponent"]

"""The feature observation: both fighters' state seen by one of them (self first), scaled into [-1, 1]."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from arenax.envs.fight.characters import NUM_CHARACTERS
from arenax.envs.fight.frame_data import col, grounded, move_rows, stat
from arenax.envs.fight.types import (
    FPS,
    MAX_METER,
    NUM_MOVES,
    NUM_STUN_KINDS,
    ROUNDS_TO_WIN,
    STAGE_WIDTH,
    SUBPIXELS,
    Fighters,
    Match,
)

POSITION_SCALE = STAGE_WIDTH / 2
HEIGHT_SCALE = 160 * SUBPIXELS
SPEED_SCALE = 12 * SUBPIXELS
STUN_SCALE = 60

FIGHTER_FEATURES = (
    ("x", 1),
    ("y", 1),
    ("vx", 1),
    ("vy", 1),
    ("health", 1),
    ("meter", 1),
    ("facing", 1),
    ("crouching", 1),
    ("airborne", 1),
    ("move", NUM_MOVES),
    ("move_progress", 1),
    ("move_active", 1),
    ("stun", 1),
    ("stun_kind", NUM_STUN_KINDS),
    ("combo", 1),
    ("rounds_won", 1),
    ("character", NUM_CHARACTERS),
    ("projectile_active", 1),
    ("projectile_x", 1),
    ("projectile_vx", 1),
)
GLOBAL_FEATURES = (("round_timer", 1), ("rounds_played", 1), ("distance", 1), ("height_difference", 1))
FIGHTER_SIZE = sum(size for _, size in FIGHTER_FEATURES)
FEATURE_SIZE = 2 * FIGHTER_SIZE + sum(size for _, size in GLOBAL_FEATURES)


def _fighter_block(f: Fighters) -> jax.Array:
    """`[2, FIGHTER_SIZE]`: each fighter's features in `FIGHTER_FEATURES` order."""
    rows = move_rows(f.character, f.move)
    total = col(rows, "startup") + col(rows, "active") + col(rows, "recovery")
    startup = col(rows, "startup")
    active = (f.move_frame > startup) & (f.move_frame <= startup + col(rows, "active"))
    scalar = lambda v: jnp.asarray(v, jnp.float32)[:, None]  # noqa: E731
    parts = [
        scalar((f.x - STAGE_WIDTH / 2) / POSITION_SCALE),
        scalar(f.y / HEIGHT_SCALE),
        scalar(f.vx / SPEED_SCALE),
        scalar(f.vy / SPEED_SCALE),
        scalar(f.health / stat(f.character, "health")),
        scalar(f.meter / MAX_METER),
        scalar(f.facing),
        scalar(f.crouching),
        scalar(~grounded(f)),
        jax.nn.one_hot(f.move, NUM_MOVES, dtype=jnp.float32),
        scalar(f.move_frame / jnp.maximum(total, 1)),
        scalar(active & (f.move != 0)),
        scalar(f.stun / STUN_SCALE),
        jax.nn.one_hot(f.stun_kind, NUM_STUN_KINDS, dtype=jnp.float32),
        scalar(f.combo / 10),
        scalar(f.rounds_won / ROUNDS_TO_WIN),
        jax.nn.one_hot(f.character, NUM_CHARACTERS, dtype=jnp.float32),
        scalar(f.projectile_active),
        scalar(jnp.where(f.projectile_active, (f.projectile_x - STAGE_WIDTH / 2) / POSITION_SCALE, 0)),
        scalar(jnp.where(f.projectile_active, f.projectile_vx / SPEED_SCALE, 0)),
    ]
    return jnp.concatenate(parts, axis=1)


def features(match: Match, round_seconds: jax.Array) -> jax.Array:
    """`[2, FEATURE_SIZE]` float32: row i is what player i sees (its own block, the opponent's, then globals)."""
    f = match.fighters
    block = _fighter_block(f)
    own_then_other = jnp.stack([jnp.concatenate([block[0], block[1]]), jnp.concatenate([block[1], block[0]])])
    distance = (f.x[::-1] - f.x) * f.facing / POSITION_SCALE
    height_difference = (f.y[::-1] - f.y) / HEIGHT_SCALE
    shared = jnp.stack(
        [
            jnp.broadcast_to(match.round_timer / (round_seconds * FPS), (2,)),
            jnp.broadcast_to(match.rounds_played / (2 * ROUNDS_TO_WIN - 1), (2,)),
            distance,
            height_difference,
        ],
        axis=1,
    ).astype(jnp.float32)
    return jnp.clip(jnp.concatenate([own_then_other, shared], axis=1), -1.0, 1.0)

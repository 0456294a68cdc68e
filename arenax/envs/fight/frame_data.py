"""Looks up frame data inside traced code: a fighter's current move row, stats, phases and boxes."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from arenax.envs.fight.characters import COLUMN, MOVE_DATA, STAT, STAT_DATA
from arenax.envs.fight.types import IDLE, STUN_KNOCKDOWN, STUN_THROWN, SUBPIXELS, Fighters


def move_rows(character: jax.Array, move: jax.Array) -> jax.Array:
    """Frame data `[..., len(COLUMNS)]` of `move` for `character` (int32)."""
    flat = jnp.asarray(MOVE_DATA.reshape(-1, MOVE_DATA.shape[-1]))
    return jnp.take(flat, character * MOVE_DATA.shape[1] + move, axis=0, mode="clip")


def fighter_stats(character: jax.Array) -> jax.Array:
    """Each fighter's stats `[..., len(STATS)]` (int32); read with `stat_of`."""
    return jnp.take(jnp.asarray(STAT_DATA), character, axis=0, mode="clip")


def stat_of(stats: jax.Array, name: str) -> jax.Array:
    return stats[..., STAT[name]]


def col(rows: jax.Array, name: str) -> jax.Array:
    return rows[..., COLUMN[name]]


def stat(character: jax.Array, name: str) -> jax.Array:
    return stat_of(fighter_stats(character), name)


def opponent(values: jax.Array) -> jax.Array:
    """Each fighter's value seen from the other fighter (swaps the leading axis of 2).

    Written as a product with the 2x2 swap matrix, exact for the game's integers (all below 2**24):
    XLA fuses a plain reverse into the kernels that read it and then recomputes the whole chain
    behind every swap once per fighter (nested swaps compound: 10x slower under `vmap` on the CPU);
    a matrix product is not fused that way, so each swapped value is computed once.
    """
    swap = jnp.array([[0.0, 1.0], [1.0, 0.0]], jnp.float32)
    swapped = jnp.tensordot(swap, values.astype(jnp.float32), axes=1)
    if values.dtype == jnp.bool_:
        return swapped > 0.5
    return jnp.round(swapped).astype(values.dtype)


def grounded(fighters: Fighters) -> jax.Array:
    return (fighters.y == 0) & (fighters.vy <= 0)


def active_phase(fighters: Fighters, rows: jax.Array) -> jax.Array:
    """True where the fighter's move is in its active frames (the hitbox is out)."""
    startup = col(rows, "startup")
    in_move = fighters.move != IDLE
    return in_move & (fighters.move_frame > startup) & (fighters.move_frame <= startup + col(rows, "active"))


def invulnerable(fighters: Fighters, rows: jax.Array) -> jax.Array:
    """Strikes, projectiles and throws pass through knocked-down, thrown and invulnerable-move fighters."""
    knocked = (fighters.stun_kind == STUN_KNOCKDOWN) | (fighters.stun_kind == STUN_THROWN)
    return knocked | ((fighters.move != IDLE) & (fighters.move_frame <= col(rows, "invulnerable")))


def body_height(fighters: Fighters, stats: jax.Array) -> jax.Array:
    """Subpixels of hurtbox height: crouching fighters on the ground are shorter."""
    crouched = fighters.crouching & grounded(fighters)
    return jnp.where(crouched, stat_of(stats, "crouch_height"), stat_of(stats, "height")) * SUBPIXELS


def hurtbox(fighters: Fighters, stats: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """(left, right, bottom, top) in subpixels."""
    half = stat_of(stats, "half_width") * SUBPIXELS
    return fighters.x - half, fighters.x + half, fighters.y, fighters.y + body_height(fighters, stats)


def strike_box(fighters: Fighters, rows: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """The move's hitbox (left, right, bottom, top): from `reach - width` to `reach` px in front of the fighter."""
    front = fighters.x + fighters.facing * col(rows, "reach") * SUBPIXELS
    back = fighters.x + fighters.facing * (col(rows, "reach") - col(rows, "width")) * SUBPIXELS
    bottom = fighters.y + col(rows, "box_y") * SUBPIXELS
    return jnp.minimum(front, back), jnp.maximum(front, back), bottom, bottom + col(rows, "box_h") * SUBPIXELS


def projectile_box(fighters: Fighters, rows: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """The projectile's box, centred on its position; `rows` is the data of the move that threw it."""
    half = col(rows, "width") * (SUBPIXELS // 2)
    bottom = fighters.projectile_y
    return (
        fighters.projectile_x - half,
        fighters.projectile_x + half,
        bottom,
        bottom + col(rows, "box_h") * SUBPIXELS,
    )


def overlaps(a, b) -> jax.Array:
    """Axis-aligned boxes (left, right, bottom, top) overlap with positive area."""
    return (a[0] < b[1]) & (b[0] < a[1]) & (a[2] < b[3]) & (b[2] < a[3])


def swap(box):
    return tuple(opponent(side) for side in box)

"""Looks up frame data inside traced code: moves' columns, fighters' stats, phases and boxes.

The game rules read frame data as `Columns` (column name -> array), fetched once per agent step
and carried through the frames; the array helpers (`move_rows`, `col`, `stat`) serve the
scripted AI and the observation, which read it once per step.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from arenax.envs.fight.characters import COLUMN, COLUMNS, MOVE_DATA, STAT, STAT_DATA, STATS
from arenax.envs.fight.types import IDLE, STUN_KNOCKDOWN, STUN_THROWN, SUBPIXELS, Fighters

Columns = dict[str, jax.Array]
"""Frame data by column name (a move's `COLUMNS` or a fighter's `STATS`), one array per column."""


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


def move_columns(character: jax.Array, move: jax.Array) -> Columns:
    """The frame data of `move` for `character` by column (one gather for all columns)."""
    rows = move_rows(character, move)
    return {name: rows[..., i] for i, name in enumerate(COLUMNS)}


def stat_columns(character: jax.Array) -> Columns:
    stats = fighter_stats(character)
    return {name: stats[..., i] for i, name in enumerate(STATS)}


def select(condition: jax.Array, if_true: Columns, if_false: Columns) -> Columns:
    """Column by column `where(condition, if_true, if_false)`; `if_false=0` stands for the idle row (all zeros)."""
    return {
        name: jnp.where(condition, value, jnp.zeros((), value.dtype) if isinstance(if_false, int) else if_false[name])
        for name, value in if_true.items()
    }


def shared(values):
    """`values` (a pytree of game integers and bools) computed once for all their readers.

    XLA's CPU fusion copies a cheap value into every kernel that reads it, so a value behind many
    outputs (a decision such as "a move starts") would be recomputed once per output, and chains of
    such values compound (optimization barriers do not stop it on the CPU). A division, which XLA
    will not copy, makes the value a stored result: an exact float32 division by one (the game's
    integers are all below 2**24), with the one computed so that XLA cannot fold it away.
    """

    def store(value):
        as_float = value.astype(jnp.float32)
        one = jnp.maximum(as_float * 0.0, 1.0)
        stored = as_float / one
        return stored > 0.5 if value.dtype == jnp.bool_ else stored.astype(value.dtype)

    return jax.tree_util.tree_map(store, values)


def shared_changes(new, old):
    """`shared` on the values of the pytree `new` that differ from `old`'s (the others are stored already)."""
    return jax.tree_util.tree_map(lambda value, before: value if value is before else shared(value), new, old)


def opponent(values: jax.Array) -> jax.Array:
    """Each fighter's value seen from the other fighter (swaps the leading axis of 2), for the scripted AI.

    Written as a product with the 2x2 swap matrix, exact for the game's integers (all below 2**24):
    XLA fuses a plain reverse into the kernels that read it and then recomputes the whole chain
    behind every swap once per fighter; a matrix product is not fused that way.
    """
    swap = jnp.array([[0.0, 1.0], [1.0, 0.0]], jnp.float32)
    swapped = jnp.tensordot(swap, values.astype(jnp.float32), axes=1)
    if values.dtype == jnp.bool_:
        return swapped > 0.5
    return jnp.round(swapped).astype(values.dtype)


def grounded(fighters: Fighters) -> jax.Array:
    return (fighters.y == 0) & (fighters.vy <= 0)


def active_phase(fighters: Fighters, move: Columns) -> jax.Array:
    """True where the fighter's move is in its active frames (the hitbox is out)."""
    startup = move["startup"]
    in_move = fighters.move != IDLE
    return in_move & (fighters.move_frame > startup) & (fighters.move_frame <= startup + move["active"])


def invulnerable(fighters: Fighters, move: Columns) -> jax.Array:
    """Strikes, projectiles and throws pass through knocked-down, thrown and invulnerable-move fighters."""
    knocked = (fighters.stun_kind == STUN_KNOCKDOWN) | (fighters.stun_kind == STUN_THROWN)
    return knocked | ((fighters.move != IDLE) & (fighters.move_frame <= move["invulnerable"]))


def body_height(fighters: Fighters, stats: Columns) -> jax.Array:
    """Subpixels of hurtbox height: crouching fighters on the ground are shorter."""
    crouched = fighters.crouching & grounded(fighters)
    return jnp.where(crouched, stats["crouch_height"], stats["height"]) * SUBPIXELS


def hurtbox(fighters: Fighters, stats: Columns) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """(left, right, bottom, top) in subpixels."""
    half = stats["half_width"] * SUBPIXELS
    return fighters.x - half, fighters.x + half, fighters.y, fighters.y + body_height(fighters, stats)


def strike_box(fighters: Fighters, move: Columns) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """The move's hitbox (left, right, bottom, top): from `reach - width` to `reach` px in front of the fighter."""
    front = fighters.x + fighters.facing * move["reach"] * SUBPIXELS
    back = fighters.x + fighters.facing * (move["reach"] - move["width"]) * SUBPIXELS
    bottom = fighters.y + move["box_y"] * SUBPIXELS
    return jnp.minimum(front, back), jnp.maximum(front, back), bottom, bottom + move["box_h"] * SUBPIXELS


def projectile_box(fighters: Fighters, thrower: Columns) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """The projectile's box, centred on its position; `thrower` is the data of the move that threw it."""
    half = thrower["width"] * (SUBPIXELS // 2)
    bottom = fighters.projectile_y
    return (
        fighters.projectile_x - half,
        fighters.projectile_x + half,
        bottom,
        bottom + thrower["box_h"] * SUBPIXELS,
    )


def overlaps(a, b) -> jax.Array:
    """Axis-aligned boxes (left, right, bottom, top) overlap with positive area."""
    return (a[0] < b[1]) & (b[0] < a[1]) & (a[2] < b[3]) & (b[2] < a[3])

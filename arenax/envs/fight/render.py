"""Pixels drawn in JAX: the stage, both fighters, hitboxes, projectiles and the HUD as painted rectangles.

The same function gives the small RGB observation (jit-able, vmap-able) and `env.render` frames.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from arenax.envs.fight.frame_data import active_phase, grounded, move_columns, stat
from arenax.envs.fight.types import (
    FPS,
    GUARD_THROW,
    MAX_METER,
    STAGE_WIDTH,
    STUN_BLOCK,
    STUN_HIT,
    STUN_KNOCKDOWN,
    STUN_THROWN,
    SUBPIXELS,
    Match,
)

CHARACTER_COLORS = np.array(
    [[235, 235, 235], [240, 120, 40], [80, 200, 90], [90, 170, 255], [160, 160, 175], [195, 95, 235]], np.float32
)
SKY, GROUND = (35, 40, 75), (95, 75, 55)
HEALTH_BACK, HEALTH_FILL, METER_FILL, TIMER, HITBOX, MARKER = (
    (110, 20, 20),
    (250, 210, 40),
    (60, 140, 255),
    (255, 255, 255),
    (255, 40, 40),
    (255, 255, 0),
)
VIEW_HEIGHT_PX = 200
"""World pixels of height shown above the ground."""


def _tint(base: jax.Array, stun_kind: jax.Array) -> jax.Array:
    """Hitstun flashes white, blockstun dims, knockdown and throws darken."""
    white = jnp.full_like(base, 255.0)
    return jnp.where(
        (stun_kind == STUN_HIT)[:, None],
        0.4 * base + 0.6 * white,
        jnp.where(
            (stun_kind == STUN_BLOCK)[:, None],
            0.6 * base,
            jnp.where(((stun_kind == STUN_KNOCKDOWN) | (stun_kind == STUN_THROWN))[:, None], 0.45 * base, base),
        ),
    )


@partial(jax.jit, static_argnames=("height", "width"))
def draw(match: Match, round_seconds: jax.Array, viewer: jax.Array, height: int = 84, width: int = 84) -> jax.Array:
    """An RGB uint8 `[height, width, 3]` picture of `match`; `viewer` (0 or 1) gets a marker and the left HUD, -1 neither."""
    f = match.fighters
    scale = width / (STAGE_WIDTH / SUBPIXELS)
    ground_row = height * 0.9
    hud = height * 0.1

    def px(value):
        """World subpixels -> image pixels."""
        return value / SUBPIXELS * scale

    half = stat(f.character, "half_width") * SUBPIXELS
    tall = jnp.where(f.crouching & grounded(f), stat(f.character, "crouch_height"), stat(f.character, "height")) * SUBPIXELS
    move = move_columns(f.character, f.move)
    striking = active_phase(f, move) & (move["width"] > 0) & (move["projectile"] == 0)
    striking = striking & (move["guard"] != GUARD_THROW)
    reach_front = f.x + f.facing * move["reach"] * SUBPIXELS
    reach_back = f.x + f.facing * (move["reach"] - move["width"]) * SUBPIXELS
    box_bottom = f.y + move["box_y"] * SUBPIXELS
    projectile = move_columns(f.character, f.projectile_move)
    projectile_half = projectile["width"] * SUBPIXELS // 2

    layers = []  # (top, left, bottom, right, color, visible), painted in order

    def add(top, left, bottom, right, color, visible=True):
        layers.append((top, left, bottom, right, jnp.broadcast_to(jnp.asarray(color, jnp.float32), (3,)), visible))

    def add_world(left, right, bottom, top, color, visible=True):
        add(ground_row - px(top), px(left), ground_row - px(bottom), px(right), color, visible)

    add(0, 0, height, width, SKY)
    add(ground_row, 0, height, width, GROUND)
    body_colors = _tint(jnp.asarray(CHARACTER_COLORS)[f.character], f.stun_kind)
    for i in range(2):
        add_world(
            f.projectile_x[i] - projectile_half[i],
            f.projectile_x[i] + projectile_half[i],
            f.projectile_y[i],
            f.projectile_y[i] + projectile["box_h"][i] * SUBPIXELS,
            jnp.asarray(CHARACTER_COLORS)[f.character[i]] * 0.5 + 127,
            f.projectile_active[i],
        )
    for i in range(2):
        add_world(f.x[i] - half[i], f.x[i] + half[i], f.y[i], f.y[i] + tall[i], body_colors[i])
        fist = f.x[i] + f.facing[i] * half[i]
        add_world(
            jnp.minimum(fist, fist + f.facing[i] * 6 * SUBPIXELS),
            jnp.maximum(fist, fist + f.facing[i] * 6 * SUBPIXELS),
            f.y[i] + tall[i] - 30 * SUBPIXELS,
            f.y[i] + tall[i] - 20 * SUBPIXELS,
            body_colors[i] * 0.5,
        )
        add_world(
            f.x[i] - 6 * SUBPIXELS, f.x[i] + 6 * SUBPIXELS, f.y[i] + tall[i] + 6 * SUBPIXELS, f.y[i] + tall[i] + 16 * SUBPIXELS,
            MARKER, viewer == i,
        )
    for i in range(2):
        add_world(
            jnp.minimum(reach_front[i], reach_back[i]),
            jnp.maximum(reach_front[i], reach_back[i]),
            box_bottom[i],
            box_bottom[i] + move["box_h"][i] * SUBPIXELS,
            HITBOX,
            striking[i],
        )
    bar = width * 0.42
    health = f.health / stat(f.character, "health")
    for i in range(2):
        on_left = jnp.where(viewer == 1, i == 1, i == 0)
        left = jnp.where(on_left, width * 0.04, width * 0.54)
        add(hud * 0.2, left, hud * 0.6, left + bar, HEALTH_BACK)
        filled = bar * health[i]
        fill_left = jnp.where(on_left, left + bar - filled, left)
        add(hud * 0.2, fill_left, hud * 0.6, fill_left + filled, HEALTH_FILL)
        add(hud * 0.7, left, hud * 0.95, left + bar * f.meter[i] / MAX_METER, METER_FILL)
        for r in range(2):
            pip = jnp.where(on_left, left + bar - (r + 1) * width * 0.04, left + r * width * 0.04)
            add(hud * 1.05, pip, hud * 1.35, pip + width * 0.025, HEALTH_FILL, f.rounds_won[i] > r)
    timer_width = width * 0.08 * match.round_timer / (round_seconds * FPS)
    add(hud * 0.2, width / 2 - timer_width / 2, hud * 0.6, width / 2 + timer_width / 2, TIMER)

    tops, lefts, bottoms, rights = (jnp.stack([jnp.asarray(layer[k], jnp.float32) for layer in layers]) for k in range(4))
    colors = jnp.stack([layer[4] for layer in layers])
    visible = jnp.stack([jnp.asarray(layer[5], bool) for layer in layers])
    row = jnp.arange(height, dtype=jnp.float32) + 0.5
    column = jnp.arange(width, dtype=jnp.float32) + 0.5
    in_rows = (row[None, :] >= tops[:, None]) & (row[None, :] < bottoms[:, None]) & visible[:, None]
    in_columns = (column[None, :] >= lefts[:, None]) & (column[None, :] < rights[:, None])
    layer_index = jnp.arange(len(layers), dtype=jnp.int32)
    inside = in_rows[:, :, None] & in_columns[:, None, :]
    top_layer = jnp.max(jnp.where(inside, layer_index[:, None, None], 0), axis=0)
    return jnp.round(colors[top_layer]).astype(jnp.uint8)

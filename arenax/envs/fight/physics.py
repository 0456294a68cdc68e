"""Motion: move-driven velocity, friction, gravity and landing, stage walls, pushboxes, facing, projectiles.

Each rule takes one fighter's values (`me`), and the other fighter's where it needs them.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from arenax.envs.fight.frame_data import Columns, body_height, grounded, shared
from arenax.envs.fight.types import FIRST_SPECIAL, FRICTION, GRAVITY, IDLE, STAGE_WIDTH, SUBPIXELS, Fighters

FIRST_AIR_MOVE = FIRST_SPECIAL - 3


def apply_move_motion(fighters: Fighters, move: Columns) -> Fighters:
    """Moves that advance set the horizontal speed during startup and active frames; grounded moves otherwise stand still.

    Stunned fighters on the ground slide to a stop.
    """
    on_ground = grounded(fighters)
    in_move = fighters.move != IDLE
    moving_phase = fighters.move_frame <= move["startup"] + move["active"]
    advancing = in_move & moving_phase & (move["advance"] != 0)
    in_move_vx = jnp.where(advancing, fighters.facing * move["advance"], jnp.where(on_ground, 0, fighters.vx))
    vx = jnp.where(in_move, in_move_vx, fighters.vx)
    sliding = (fighters.stun > 0) & on_ground
    vx = jnp.where(sliding, vx - jnp.sign(vx) * jnp.minimum(jnp.abs(vx), FRICTION), vx)
    return fighters.replace(vx=vx)


def integrate(fighters: Fighters, stats: Columns) -> Fighters:
    """Gravity and position; landing ends air attacks and stops fighters that are not sliding in stun."""
    airborne = ~grounded(fighters) | (fighters.vy > 0)
    vy = jnp.where(airborne, fighters.vy - GRAVITY, 0)
    y = fighters.y + vy
    landed = airborne & (y <= 0)
    y, vy, landed = shared((y, vy, landed))
    y = jnp.maximum(y, 0)
    vy = jnp.where(landed, 0, vy)
    air_attack = (fighters.move >= FIRST_AIR_MOVE) & (fighters.move < FIRST_SPECIAL)
    ends = landed & air_attack
    half = stats["half_width"] * SUBPIXELS
    x = jnp.clip(fighters.x + fighters.vx, half, STAGE_WIDTH - half)
    return fighters.replace(
        x=x,
        y=y,
        vy=vy,
        vx=jnp.where(landed & (fighters.stun == 0), 0, fighters.vx),
        move=jnp.where(ends, IDLE, fighters.move),
        move_frame=jnp.where(ends, 0, fighters.move_frame),
        move_hit=fighters.move_hit & ~ends,
    )


def separate(
    first: Fighters, second: Fighters, first_stats: Columns, second_stats: Columns
) -> tuple[Fighters, Fighters]:
    """Pushboxes: overlapping fighters are moved apart evenly about their midpoint, the pair kept inside the walls.

    Fighters pass over each other only when their boxes do not overlap vertically (a high jump); at
    equal positions player 0 (`first`) ends on the side it faces away from.
    """
    first_left_on_tie = first.facing > 0
    return shared((
        _push_apart(first, second, first_stats, second_stats, first_left_on_tie),
        _push_apart(second, first, second_stats, first_stats, ~first_left_on_tie),
    ))


def _push_apart(
    me: Fighters, other: Fighters, stats: Columns, other_stats: Columns, left_on_tie: jax.Array
) -> Fighters:
    half = stats["half_width"] * SUBPIXELS
    other_half = other_stats["half_width"] * SUBPIXELS
    tall, other_tall = body_height(me, stats), body_height(other, other_stats)
    vertical = (me.y < other.y + other_tall) & (other.y < me.y + tall)
    distance = half + other_half
    overlap = vertical & (jnp.abs(other.x - me.x) < distance)
    on_left = jnp.where(other.x != me.x, other.x > me.x, left_on_tie)
    half_left = jnp.where(on_left, half, other_half)
    half_right = jnp.where(on_left, other_half, half)
    left = jnp.right_shift(me.x + other.x, 1) - jnp.right_shift(distance, 1)
    left = left + jnp.maximum(half_left - left, 0) - jnp.maximum(left + distance - (STAGE_WIDTH - half_right), 0)
    pushed = jnp.where(on_left, left, left + distance)
    return me.replace(x=jnp.where(overlap, pushed, me.x))


def face_opponent(me: Fighters, other: Fighters) -> Fighters:
    """A free fighter on the ground turns to face the opponent."""
    free = (me.stun == 0) & (me.move == IDLE) & grounded(me)
    towards = jnp.sign(other.x - me.x)
    return me.replace(facing=jnp.where(free & (towards != 0), towards, me.facing))


def fly_projectiles(fighters: Fighters) -> Fighters:
    """Projectiles travel at constant speed and vanish past the stage edges."""
    x = fighters.projectile_x + jnp.where(fighters.projectile_active, fighters.projectile_vx, 0)
    inside = (x >= 0) & (x <= STAGE_WIDTH)
    return fighters.replace(projectile_x=x, projectile_active=fighters.projectile_active & inside)

"""Motion: move-driven velocity, friction, gravity and landing, stage walls, pushboxes, facing, projectiles."""

from __future__ import annotations

import jax.numpy as jnp

import jax

from arenax.envs.fight.frame_data import body_height, col, grounded, opponent, stat_of
from arenax.envs.fight.types import FIRST_SPECIAL, FRICTION, GRAVITY, IDLE, STAGE_WIDTH, SUBPIXELS, Fighters

FIRST_AIR_MOVE = FIRST_SPECIAL - 3


def apply_move_motion(fighters: Fighters, rows: jax.Array) -> Fighters:
    """Moves that advance set the horizontal speed during startup and active frames; grounded moves otherwise stand still.

    Stunned fighters on the ground slide to a stop.
    """
    on_ground = grounded(fighters)
    in_move = fighters.move != IDLE
    moving_phase = fighters.move_frame <= col(rows, "startup") + col(rows, "active")
    advancing = in_move & moving_phase & (col(rows, "advance") != 0)
    in_move_vx = jnp.where(advancing, fighters.facing * col(rows, "advance"), jnp.where(on_ground, 0, fighters.vx))
    vx = jnp.where(in_move, in_move_vx, fighters.vx)
    sliding = (fighters.stun > 0) & on_ground
    vx = jnp.where(sliding, vx - jnp.sign(vx) * jnp.minimum(jnp.abs(vx), FRICTION), vx)
    return fighters.replace(vx=vx)


def integrate(fighters: Fighters, stats: jax.Array) -> Fighters:
    """Gravity and position; landing ends air attacks and stops fighters that are not sliding in stun."""
    airborne = ~grounded(fighters) | (fighters.vy > 0)
    vy = jnp.where(airborne, fighters.vy - GRAVITY, 0)
    y = fighters.y + vy
    landed = airborne & (y <= 0)
    y = jnp.maximum(y, 0)
    vy = jnp.where(landed, 0, vy)
    air_attack = (fighters.move >= FIRST_AIR_MOVE) & (fighters.move < FIRST_SPECIAL)
    ends = landed & air_attack
    half = stat_of(stats, "half_width") * SUBPIXELS
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


def separate(fighters: Fighters, stats: jax.Array) -> Fighters:
    """Pushboxes: overlapping fighters are moved apart evenly about their midpoint, the pair kept inside the walls.

    Fighters pass over each other only when their boxes do not overlap vertically (a high jump).
    """
    half = stat_of(stats, "half_width") * SUBPIXELS
    tall = body_height(fighters, stats)
    other_x, other_y, other_half = opponent(fighters.x), opponent(fighters.y), opponent(half)
    vertical = (fighters.y < other_y + opponent(tall)) & (other_y < fighters.y + tall)
    distance = half + other_half
    overlap = vertical & (jnp.abs(other_x - fighters.x) < distance)
    first = jnp.arange(2) == 0
    player_0_left_on_tie = jnp.where(first, fighters.facing > 0, opponent(fighters.facing) <= 0)
    on_left = jnp.where(other_x != fighters.x, other_x > fighters.x, player_0_left_on_tie)
    half_left = jnp.where(on_left, half, other_half)
    half_right = jnp.where(on_left, other_half, half)
    left = jnp.right_shift(fighters.x + other_x, 1) - jnp.right_shift(distance, 1)
    left = left + jnp.maximum(half_left - left, 0) - jnp.maximum(left + distance - (STAGE_WIDTH - half_right), 0)
    pushed = jnp.where(on_left, left, left + distance)
    return fighters.replace(x=jnp.where(overlap, pushed, fighters.x))


def face_opponent(fighters: Fighters) -> Fighters:
    """Free fighters on the ground turn to face the opponent."""
    free = (fighters.stun == 0) & (fighters.move == IDLE) & grounded(fighters)
    towards = jnp.sign(opponent(fighters.x) - fighters.x)
    return fighters.replace(facing=jnp.where(free & (towards != 0), towards, fighters.facing))


def fly_projectiles(fighters: Fighters) -> Fighters:
    """Projectiles travel at constant speed and vanish past the stage edges."""
    x = fighters.projectile_x + jnp.where(fighters.projectile_active, fighters.projectile_vx, 0)
    inside = (x >= 0) & (x <= STAGE_WIDTH)
    return fighters.replace(projectile_x=x, projectile_active=fighters.projectile_active & inside)

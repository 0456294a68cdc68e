"""Reading inputs: moves advancing frame by frame, new moves, cancels, dashes, walking, crouching and jumping.

Input priority, per fighter and frame: a fighter in a move, in hitstun, blockstun or knockdown ignores
its input (no buffering), except that a normal move that connected may be cancelled into a special;
a thrown fighter only reads THROW (the escape). Otherwise a special beats a button, which beats a
direction; a special that the meter cannot pay for, or a projectile special while the fighter's own
projectile is on screen, does nothing. Attack buttons keep the stance (a crouching fighter pressing a
button does a crouching attack); directions set it.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import struct

from arenax.envs.fight.frame_data import col, grounded, move_rows, stat_of
from arenax.envs.fight.types import (
    ACTION_BUTTON,
    ACTION_HORIZONTAL,
    ACTION_SPECIAL,
    ACTION_VERTICAL,
    BUTTON_MOVE,
    DASH_BACK,
    DASH_FORWARD,
    DASH_WINDOW,
    FIRST_SPECIAL,
    IDLE,
    MOVE_STANCE,
    SUBPIXELS,
    Fighters,
)


@struct.dataclass
class Inputs:
    """One frame's decoded input of both fighters: horizontal (+1 forward, -1 back), vertical, button, special."""

    horizontal: jax.Array
    vertical: jax.Array
    button: jax.Array
    special: jax.Array


def decode(actions: jax.Array) -> Inputs:
    actions = jnp.asarray(actions, jnp.int32)
    return Inputs(
        horizontal=jnp.asarray(ACTION_HORIZONTAL)[actions],
        vertical=jnp.asarray(ACTION_VERTICAL)[actions],
        button=jnp.asarray(ACTION_BUTTON)[actions],
        special=jnp.asarray(ACTION_SPECIAL)[actions],
    )


def tick_moves(fighters: Fighters) -> tuple[Fighters, jax.Array]:
    """Moves one frame on; a move past its last recovery frame ends. Also returns the moves' frame data."""
    rows = move_rows(fighters.character, fighters.move)
    in_move = fighters.move != IDLE
    frame = jnp.where(in_move, fighters.move_frame + 1, 0)
    ended = frame > col(rows, "startup") + col(rows, "active") + col(rows, "recovery")
    fighters = fighters.replace(
        move=jnp.where(ended, IDLE, fighters.move),
        move_frame=jnp.where(ended, 0, frame),
        move_hit=fighters.move_hit & ~ended,
    )
    return fighters, jnp.where(ended[:, None], 0, rows)  # the idle row is all zeros


def start_moves(fighters: Fighters, rows: jax.Array, inputs: Inputs, stats: jax.Array) -> tuple[Fighters, jax.Array]:
    """Starts the moves the inputs ask for and applies walking, crouching and jumping to free fighters.

    `rows` is the frame data of the current moves; returns the fighters and the frame data of their moves.
    """
    on_ground = grounded(fighters)
    free = (fighters.stun == 0) & (fighters.move == IDLE)
    stance = jnp.where(~on_ground, 2, jnp.where(fighters.crouching, 1, 0))
    button_move = jnp.asarray(BUTTON_MOVE)[stance, jnp.maximum(inputs.button, 0)]
    special_move = FIRST_SPECIAL + jnp.maximum(inputs.special, 0)
    special_rows = move_rows(fighters.character, special_move)

    is_normal = (fighters.move > DASH_BACK) & (fighters.move < FIRST_SPECIAL)
    can_cancel = (fighters.stun == 0) & is_normal & fighters.move_hit & on_ground
    projectile_blocked = (col(special_rows, "projectile") > 0) & fighters.projectile_active
    special_ok = (
        (inputs.special >= 0)
        & on_ground
        & (free | can_cancel)
        & (fighters.meter >= col(special_rows, "cost"))
        & ~projectile_blocked
    )
    button_ok = (inputs.button >= 0) & free & (button_move != IDLE)

    horizontal = inputs.horizontal
    dash = (
        free
        & on_ground
        & (horizontal != 0)
        & (fighters.previous_horizontal == 0)
        & (fighters.tap_direction == horizontal)
        & (fighters.tap_age <= DASH_WINDOW)
    )
    dash_move = jnp.where(horizontal > 0, DASH_FORWARD, DASH_BACK)
    new_move = jnp.where(special_ok, special_move, jnp.where(button_ok, button_move, jnp.where(dash, dash_move, IDLE)))
    starting = new_move != IDLE
    new_rows = move_rows(fighters.character, new_move)

    released = (fighters.previous_horizontal != 0) & (horizontal == 0)
    tap_direction = jnp.where(released, fighters.previous_horizontal, fighters.tap_direction)
    tap_direction = jnp.where(dash, 0, tap_direction)
    tap_age = jnp.where(released, 0, jnp.minimum(fighters.tap_age + 1, 255))

    is_direction = (inputs.button < 0) & (inputs.special < 0)
    moving_freely = free & on_ground & ~starting
    jump = moving_freely & is_direction & (inputs.vertical > 0)
    crouch = is_direction & (inputs.vertical < 0)
    walk = jnp.where(
        horizontal > 0,
        stat_of(stats, "walk_forward"),
        jnp.where(horizontal < 0, -stat_of(stats, "walk_back"), 0),
    )
    walk = jnp.where(is_direction & ~crouch, walk, 0)
    jump_vx = fighters.facing * horizontal * stat_of(stats, "jump_forward")
    vx = jnp.where(moving_freely, jnp.where(jump, jump_vx, fighters.facing * walk), fighters.vx)
    vy = jnp.where(jump, stat_of(stats, "jump_rise"), fighters.vy)

    new_stance = jnp.asarray(MOVE_STANCE)[new_move]
    crouching = jnp.where(moving_freely & is_direction, crouch & ~jump, fighters.crouching)
    crouching = jnp.where(starting & (new_stance != 1) & (new_stance != 2), False, crouching)
    vy = jnp.where(starting & (col(new_rows, "rise") > 0), col(new_rows, "rise"), vy)
    x = fighters.x + jnp.where(starting, fighters.facing * col(new_rows, "teleport") * SUBPIXELS, 0)

    fighters = fighters.replace(
        x=x,
        vx=vx,
        vy=vy,
        move=jnp.where(starting, new_move, fighters.move),
        move_frame=jnp.where(starting, 1, fighters.move_frame),
        move_hit=jnp.where(starting, False, fighters.move_hit),
        meter=fighters.meter - jnp.where(starting, col(new_rows, "cost"), 0),
        crouching=crouching,
        previous_horizontal=horizontal,
        tap_direction=tap_direction,
        tap_age=tap_age,
    )
    return fighters, jnp.where(starting[:, None], new_rows, rows)

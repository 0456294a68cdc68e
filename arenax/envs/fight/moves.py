"""Reading inputs: moves advancing frame by frame, new moves, cancels, dashes, walking, crouching and jumping.

Input priority, per fighter and frame: a fighter in a move, in hitstun, blockstun or knockdown ignores
its input (no buffering), except that a normal move that connected may be cancelled into a special;
a thrown fighter only reads THROW (the escape). Otherwise a special beats a button, which beats a
direction; a special that the meter cannot pay for, or a projectile special while the fighter's own
projectile is on screen, does nothing. Attack buttons keep the stance (a crouching fighter pressing a
button does a crouching attack); directions set it. The rules here read one fighter's values.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import struct

from arenax.envs.fight.characters import COLUMNS
from arenax.envs.fight.frame_data import Columns, grounded, select, shared
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

KEEPS_STANCE = (MOVE_STANCE == 1) | (MOVE_STANCE == 2)
"""Moves that leave a crouching fighter crouched (crouching and air moves); the others stand it up."""
OPTIONS = ("special", "standing", "crouching", "airborne", "dash")
"""The moves a held input can start, by case: its special, its button in each stance, its dash."""


@struct.dataclass
class Inputs:
    """Decoded input: horizontal (+1 forward, -1 back), vertical, button, special (of one fighter or both, stacked)."""

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


def option_moves(inputs: Inputs) -> jax.Array:
    """`[..., len(OPTIONS)]`: the move of each option of the inputs (the button's in each stance, idle for none)."""
    button = jnp.maximum(inputs.button, 0)
    return jnp.stack(
        [
            FIRST_SPECIAL + jnp.maximum(inputs.special, 0),
            jnp.asarray(BUTTON_MOVE[0])[button],
            jnp.asarray(BUTTON_MOVE[1])[button],
            jnp.asarray(BUTTON_MOVE[2])[button],
            jnp.where(inputs.horizontal > 0, DASH_FORWARD, DASH_BACK),
        ],
        axis=-1,
    )


def options(moves: jax.Array, data: Columns) -> dict[str, Columns]:
    """One fighter's options: each option's frame data with its `move` and whether it `keeps_stance`.

    `moves[len(OPTIONS)]` from `option_moves`, `data` their frame data (columns `[len(OPTIONS)]`).
    """
    keeps = jnp.asarray(KEEPS_STANCE)[moves]
    return {
        name: {"move": moves[i], "keeps_stance": keeps[i], **{c: data[c][i] for c in COLUMNS}}
        for i, name in enumerate(OPTIONS)
    }


def tick_moves(fighters: Fighters, move: Columns) -> tuple[Fighters, Columns]:
    """Moves one frame on; a move past its last recovery frame ends.

    `move` is the frame data of the fighter's move (any while idle); returns the data of the move
    after the tick, the idle row (zeros) for an idle fighter.
    """
    in_move = fighters.move != IDLE
    frame = jnp.where(in_move, fighters.move_frame + 1, 0)
    ended = shared(frame > move["startup"] + move["active"] + move["recovery"])
    fighters = fighters.replace(
        move=jnp.where(ended, IDLE, fighters.move),
        move_frame=jnp.where(ended, 0, frame),
        move_hit=fighters.move_hit & ~ended,
    )
    return fighters, select(in_move & ~ended, move, 0)


def start_moves(
    fighters: Fighters, move: Columns, inputs: Inputs, stats: Columns, choices: dict[str, Columns]
) -> tuple[Fighters, Columns]:
    """Starts the move the input asks for and applies walking, crouching and jumping to a free fighter.

    One fighter: `move` is the frame data of its current move, `choices` its `options`; returns the
    fighter and the frame data of its move.
    """
    on_ground = grounded(fighters)
    free = (fighters.stun == 0) & (fighters.move == IDLE)
    standing_or_crouching = select(fighters.crouching, choices["crouching"], choices["standing"])
    button = select(~on_ground, choices["airborne"], standing_or_crouching)
    special = choices["special"]

    is_normal = (fighters.move > DASH_BACK) & (fighters.move < FIRST_SPECIAL)
    can_cancel = (fighters.stun == 0) & is_normal & fighters.move_hit & on_ground
    projectile_blocked = (special["projectile"] > 0) & fighters.projectile_active
    special_ok = (
        (inputs.special >= 0)
        & on_ground
        & (free | can_cancel)
        & (fighters.meter >= special["cost"])
        & ~projectile_blocked
    )
    button_ok = (inputs.button >= 0) & free & (button["move"] != IDLE)

    horizontal = inputs.horizontal
    dash = (
        free
        & on_ground
        & (horizontal != 0)
        & (fighters.previous_horizontal == 0)
        & (fighters.tap_direction == horizontal)
        & (fighters.tap_age <= DASH_WINDOW)
    )
    special_ok, button_ok, dash = shared((special_ok, button_ok, dash))
    new = select(special_ok, special, select(button_ok, button, select(dash, choices["dash"], 0)))
    starting = special_ok | button_ok | dash

    released = (fighters.previous_horizontal != 0) & (horizontal == 0)
    tap_direction = jnp.where(released, fighters.previous_horizontal, fighters.tap_direction)
    tap_direction = jnp.where(dash, 0, tap_direction)
    tap_age = jnp.where(released, 0, jnp.minimum(fighters.tap_age + 1, 255))

    is_direction = (inputs.button < 0) & (inputs.special < 0)
    moving_freely = free & on_ground & ~starting
    jump = moving_freely & is_direction & (inputs.vertical > 0)
    crouch = is_direction & (inputs.vertical < 0)
    walk = jnp.where(horizontal > 0, stats["walk_forward"], jnp.where(horizontal < 0, -stats["walk_back"], 0))
    walk = jnp.where(is_direction & ~crouch, walk, 0)
    jump_vx = fighters.facing * horizontal * stats["jump_forward"]
    vx = jnp.where(moving_freely, jnp.where(jump, jump_vx, fighters.facing * walk), fighters.vx)
    vy = jnp.where(jump, stats["jump_rise"], fighters.vy)

    moving_freely, jump = shared((moving_freely, jump))
    crouching = jnp.where(moving_freely & is_direction, crouch & ~jump, fighters.crouching)
    crouching = jnp.where(starting & ~new["keeps_stance"], False, crouching)
    vy = jnp.where(starting & (new["rise"] > 0), new["rise"], vy)
    x = fighters.x + jnp.where(starting, fighters.facing * new["teleport"] * SUBPIXELS, 0)

    fighters = fighters.replace(
        x=x,
        vx=vx,
        vy=vy,
        move=jnp.where(starting, new["move"], fighters.move),
        move_frame=jnp.where(starting, 1, fighters.move_frame),
        move_hit=jnp.where(starting, False, fighters.move_hit),
        meter=fighters.meter - jnp.where(starting, new["cost"], 0),
        crouching=crouching,
        previous_horizontal=horizontal,
        tap_direction=tap_direction,
        tap_age=tap_age,
    )
    return fighters, select(starting, {c: new[c] for c in COLUMNS}, move)

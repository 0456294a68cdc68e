"""A best-of-three match: round set-up, one logic frame, runs of frames under `fori_loop`, round and match ends.

Round end: a fighter at zero health loses the round; when both reach zero on the same frame (a double
KO), or the timer runs out with equal health, the round is drawn and both fighters are awarded it. A
timeout goes to the fighter with more health. The first to two rounds wins the match; if both reach two
on the same round the match is a draw, so a match never ends in an inconsistent state.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from arenax.envs.fight import combat, moves, physics
from arenax.envs.fight.frame_data import fighter_stats, opponent, stat
from arenax.envs.fight.types import (
    FPS,
    IDLE,
    ROUNDS_TO_WIN,
    STAGE_WIDTH,
    START_OFFSET,
    STUN_NONE,
    FrameEvents,
    Fighters,
    Match,
)


def round_start(characters: jax.Array, meter: jax.Array, rounds_won: jax.Array) -> Fighters:
    """Both fighters at their start marks, full health, facing each other; meter and rounds carry over."""
    characters = jnp.asarray(characters, jnp.int32)
    zeros = jnp.zeros((2,), jnp.int32)
    no = jnp.zeros((2,), bool)
    return Fighters(
        character=characters,
        x=jnp.array([STAGE_WIDTH // 2 - START_OFFSET, STAGE_WIDTH // 2 + START_OFFSET], jnp.int32),
        y=zeros,
        vx=zeros,
        vy=zeros,
        facing=jnp.array([1, -1], jnp.int32),
        health=stat(characters, "health"),
        meter=jnp.asarray(meter, jnp.int32),
        move=zeros + IDLE,
        move_frame=zeros,
        move_hit=no,
        stun=zeros,
        stun_kind=zeros + STUN_NONE,
        crouching=no,
        combo=zeros,
        pending_damage=zeros,
        previous_horizontal=zeros,
        tap_direction=zeros,
        tap_age=zeros + 255,
        projectile_active=no,
        projectile_x=zeros,
        projectile_y=zeros,
        projectile_vx=zeros,
        projectile_move=zeros,
        rounds_won=jnp.asarray(rounds_won, jnp.int32),
    )


def new_match(characters: jax.Array, round_seconds: jax.Array) -> Match:
    zeros = jnp.zeros((2,), jnp.int32)
    return Match(
        fighters=round_start(characters, zeros, zeros),
        round_timer=jnp.asarray(round_seconds * FPS, jnp.int32),
        rounds_played=jnp.int32(0),
        over=jnp.bool_(False),
        outcome=jnp.int32(0),
    )


def advance_frame(match: Match, actions: jax.Array, round_seconds: jax.Array) -> tuple[Match, FrameEvents]:
    """One logic frame of both fighters under `actions[2]`, then the round and match rules; a finished match stays put."""
    nothing = FrameEvents(damage_taken=jnp.zeros((2,), jnp.int32), rounds_won=jnp.zeros((2,), jnp.int32))
    return jax.lax.cond(match.over, lambda m: (m, nothing), lambda m: _play_frame(m, actions, round_seconds), match)


def _play_frame(match: Match, actions: jax.Array, round_seconds: jax.Array) -> tuple[Match, FrameEvents]:
    inputs = moves.decode(actions)
    fighters = match.fighters
    health_before = fighters.health
    barrier = jax.lax.optimization_barrier
    fighters = barrier(combat.tick_stun(combat.escape_throws(fighters, inputs)))
    stats = fighter_stats(fighters.character)
    fighters, rows = moves.tick_moves(fighters)
    fighters, rows = barrier(moves.start_moves(fighters, rows, inputs, stats))
    fighters = barrier(physics.integrate(physics.apply_move_motion(fighters, rows), stats))
    fighters = barrier(physics.fly_projectiles(physics.face_opponent(physics.separate(fighters, stats))))
    fighters = combat.resolve_hits(combat.launch_projectiles(fighters, rows), rows, inputs, stats)
    fighters = fighters.replace(health=jnp.maximum(fighters.health, 0))
    damage_taken = health_before - fighters.health

    timer = match.round_timer - 1
    alive = fighters.health > 0
    other_alive, other_health = opponent(alive), opponent(fighters.health)
    round_over = ~(alive & other_alive) | (timer <= 0)
    outright = round_over & ((alive & ~other_alive) | (alive & other_alive & (fighters.health > other_health)))
    drawn = round_over & ~(outright | opponent(outright))
    rounds_won = fighters.rounds_won + (outright | drawn).astype(jnp.int32)
    finished = rounds_won >= ROUNDS_TO_WIN
    other_finished = opponent(finished)
    over = (finished | other_finished)[0]
    outcome = jnp.where(finished & other_finished, 0, jnp.where(finished, 1, -1))[0]
    round_over = round_over[0]
    fighters = fighters.replace(rounds_won=rounds_won)
    fighters = jax.lax.cond(
        round_over & ~over,
        lambda f: round_start(f.character, f.meter, f.rounds_won),
        lambda f: f,
        fighters,
    )
    match = Match(
        fighters=fighters,
        round_timer=jnp.where(round_over & ~over, round_seconds * FPS, timer),
        rounds_played=match.rounds_played + round_over.astype(jnp.int32),
        over=over,
        outcome=jnp.where(over, outcome, 0).astype(jnp.int32),
    )
    return match, FrameEvents(damage_taken=damage_taken, rounds_won=outright.astype(jnp.int32))


def advance_frames(match: Match, actions: jax.Array, round_seconds: jax.Array, num_frames: int) -> tuple[Match, FrameEvents]:
    """`num_frames` frames with the same `actions` held (a frame skip) in one `fori_loop`; events are summed."""
    zero = FrameEvents(damage_taken=jnp.zeros((2,), jnp.int32), rounds_won=jnp.zeros((2,), jnp.int32))

    def body(_, carry):
        match, events = carry
        match, frame_events = advance_frame(match, actions, round_seconds)
        return match, jax.tree_util.tree_map(jnp.add, events, frame_events)

    return jax.lax.fori_loop(0, num_frames, body, (match, zero))

"""A best-of-three match: round set-up, one logic frame, runs of frames under `fori_loop`, round and match ends.

Round end: a fighter at zero health loses the round; when both reach zero on the same frame (a double
KO), or the timer runs out with equal health, the round is drawn and both fighters are awarded it. A
timeout goes to the fighter with more health. The first to two rounds wins the match; if both reach two
on the same round the match is a draw, so a match never ends in an inconsistent state.

Speed: the rules run on each fighter's own values (no swapping of a stacked pair) and read frame
data fetched once per agent step (the held input's possible moves, the current move, the
projectile's), carried through the frames and updated when a move starts; values that many rules
read are stored once (`frame_data.shared`) instead of being recomputed in every XLA kernel.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import struct

from arenax.envs.fight import combat, moves, physics
from arenax.envs.fight.characters import COLUMNS
from arenax.envs.fight.frame_data import Columns, move_columns, shared, shared_changes, stat, stat_columns
from arenax.envs.fight.moves import Inputs
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

START_X = (STAGE_WIDTH // 2 - START_OFFSET, STAGE_WIDTH // 2 + START_OFFSET)
START_FACING = (1, -1)


def fresh_fighter(
    player: int, character: jax.Array, health: jax.Array, meter: jax.Array, rounds_won: jax.Array
) -> Fighters:
    """Player `player` (0 or 1) at its start mark with `health`, facing the other; meter and rounds as given."""
    zero, no = jnp.zeros_like(jnp.asarray(character, jnp.int32)), jnp.zeros(jnp.shape(character), bool)
    return Fighters(
        character=jnp.asarray(character, jnp.int32),
        x=zero + START_X[player],
        y=zero,
        vx=zero,
        vy=zero,
        facing=zero + START_FACING[player],
        health=jnp.asarray(health, jnp.int32),
        meter=jnp.asarray(meter, jnp.int32),
        move=zero + IDLE,
        move_frame=zero,
        move_hit=no,
        stun=zero,
        stun_kind=zero + STUN_NONE,
        crouching=no,
        combo=zero,
        pending_damage=zero,
        previous_horizontal=zero,
        tap_direction=zero,
        tap_age=zero + 255,
        projectile_active=no,
        projectile_x=zero,
        projectile_y=zero,
        projectile_vx=zero,
        projectile_move=zero,
        rounds_won=jnp.asarray(rounds_won, jnp.int32),
    )


def round_start(characters: jax.Array, meter: jax.Array, rounds_won: jax.Array) -> Fighters:
    """Both fighters at their start marks, full health, facing each other; meter and rounds carry over."""
    characters = jnp.asarray(characters, jnp.int32)
    health = stat(characters, "health")
    meter, rounds_won = jnp.broadcast_to(meter, (2,)), jnp.broadcast_to(rounds_won, (2,))
    return _stack(*(fresh_fighter(i, characters[i], health[i], meter[i], rounds_won[i]) for i in range(2)))


def new_match(characters: jax.Array, round_seconds: jax.Array) -> Match:
    zeros = jnp.zeros((2,), jnp.int32)
    return Match(
        fighters=round_start(characters, zeros, zeros),
        round_timer=jnp.asarray(round_seconds * FPS, jnp.int32),
        rounds_played=jnp.int32(0),
        over=jnp.bool_(False),
        outcome=jnp.int32(0),
    )


@struct.dataclass
class Player:
    """One fighter during a run of frames: its values and the frame data of its move and of its projectile.

    `move` matches `fighter.move` while that is not idle; `projectile` (`combat.PROJECTILE_COLUMNS`)
    is the data of the move that threw the projectile while it flies.
    """

    fighter: Fighters
    move: Columns
    projectile: Columns


@struct.dataclass
class Held:
    """What stays fixed for one fighter through an agent step: its decoded input, stats and move options."""

    inputs: Inputs
    stats: Columns
    options: dict[str, Columns]


@struct.dataclass
class Duel:
    """A match during a run of frames: the two players and the match's clock and result (see `Match`)."""

    players: tuple[Player, Player]
    round_timer: jax.Array
    rounds_played: jax.Array
    over: jax.Array
    outcome: jax.Array


def _stack(first, second):
    return jax.tree_util.tree_map(lambda a, b: jnp.stack([a, b]), first, second)


def _unstack(pair):
    return tuple(jax.tree_util.tree_map(lambda value: value[i], pair) for i in range(2))


def _prepare(match: Match, actions: jax.Array) -> tuple[Duel, tuple[Held, Held]]:
    """Splits the match into its two players and fetches the frame data of their moves and options (one gather)."""
    f = match.fighters
    inputs = moves.decode(actions)
    options = moves.option_moves(inputs)
    wanted = jnp.concatenate([f.move[:, None], f.projectile_move[:, None], options], axis=1)
    data = move_columns(f.character[:, None], wanted)
    stats = stat_columns(f.character)
    players, held = [], []
    for i, (fighter, player_inputs) in enumerate(zip(_unstack(f), _unstack(inputs))):
        move = {c: data[c][i, 0] for c in COLUMNS}
        projectile = {c: data[c][i, 1] for c in combat.PROJECTILE_COLUMNS}
        players.append(Player(fighter=fighter, move=move, projectile=projectile))
        choices = moves.options(options[i], {c: data[c][i, 2:] for c in COLUMNS})
        held.append(Held(inputs=player_inputs, stats={k: v[i] for k, v in stats.items()}, options=choices))
    duel = Duel(
        players=tuple(players),
        round_timer=match.round_timer,
        rounds_played=match.rounds_played,
        over=match.over,
        outcome=match.outcome,
    )
    return duel, tuple(held)


def _finish(duel: Duel) -> Match:
    return Match(
        fighters=_stack(*(p.fighter for p in duel.players)),
        round_timer=duel.round_timer,
        rounds_played=duel.rounds_played,
        over=duel.over,
        outcome=duel.outcome,
    )


def advance_frame(match: Match, actions: jax.Array, round_seconds: jax.Array) -> tuple[Match, FrameEvents]:
    """One logic frame of both fighters under `actions[2]`, then the round and match rules; a finished match stays put."""
    return advance_frames(match, actions, round_seconds, 1)


def advance_frames(
    match: Match, actions: jax.Array, round_seconds: jax.Array, num_frames: int
) -> tuple[Match, FrameEvents]:
    """`num_frames` frames with the same `actions` held (a frame skip) in one `fori_loop`; events are summed."""
    duel, held = _prepare(match, actions)
    zero = FrameEvents(damage_taken=jnp.zeros((2,), jnp.int32), rounds_won=jnp.zeros((2,), jnp.int32))

    def body(_, carry):
        duel, events = carry
        duel, frame_events = jax.lax.cond(
            duel.over, lambda d: (d, zero), lambda d: _play_frame(d, held, round_seconds), duel
        )
        return duel, jax.tree_util.tree_map(jnp.add, events, frame_events)

    duel, events = jax.lax.fori_loop(0, num_frames, body, (duel, zero))
    return _finish(duel), events


def _play_frame(duel: Duel, held: tuple[Held, Held], round_seconds: jax.Array) -> tuple[Duel, FrameEvents]:
    inputs = tuple(h.inputs for h in held)
    stats = tuple(h.stats for h in held)
    fighters = tuple(p.fighter for p in duel.players)
    health_before = jnp.stack([f.health for f in fighters])
    ticked = tuple(combat.tick_stun(f) for f in combat.escape_throws(fighters, inputs))
    fighters = shared_changes(ticked, fighters)

    started = []
    for fighter, player, h in zip(fighters, duel.players, held):
        fighter, move = moves.tick_moves(fighter, player.move)
        started.append(moves.start_moves(fighter, move, h.inputs, h.stats, h.options))
    started, move_data = tuple(zip(*started))
    fighters, move_data = shared_changes(started, fighters), shared(move_data)
    moved = tuple(physics.integrate(physics.apply_move_motion(f, m), s) for f, m, s in zip(fighters, move_data, stats))
    fighters = shared_changes(moved, fighters)
    a, b = physics.separate(*fighters, *stats)
    a, b = physics.face_opponent(a, b), physics.face_opponent(b, a)
    flown = (physics.fly_projectiles(a), physics.fly_projectiles(b))
    fighters = shared_changes(flown, fighters)
    launched = [combat.launch_projectile(f, m, p.projectile) for f, m, p in zip(fighters, move_data, duel.players)]
    launched, projectiles = tuple(zip(*launched))
    fighters, projectiles = shared_changes(launched, fighters), shared(projectiles)
    hit = combat.resolve_hits(fighters, move_data, projectiles, inputs, stats)
    a, b = shared_changes(tuple(f.replace(health=jnp.maximum(f.health, 0)) for f in hit), fighters)
    health = jnp.stack([a.health, b.health])
    damage_taken = health_before - health

    timer = duel.round_timer - 1
    alive = health > 0
    round_over = ~(alive[0] & alive[1]) | (timer <= 0)
    ahead = (health[0] > health[1], health[1] > health[0])
    outright = jnp.stack([round_over & alive[i] & (~alive[1 - i] | ahead[i]) for i in range(2)])
    drawn = round_over & ~(outright[0] | outright[1])
    rounds_won = jnp.stack([a.rounds_won, b.rounds_won]) + (outright | drawn).astype(jnp.int32)
    finished = rounds_won >= ROUNDS_TO_WIN
    over = finished[0] | finished[1]
    outcome = jnp.where(finished[0] & finished[1], 0, jnp.where(finished[0], 1, -1))
    restart = round_over & ~over
    restart, round_over, over, outcome, rounds_won, outright = shared(
        (restart, round_over, over, outcome, rounds_won, outright)
    )
    a, b = a.replace(rounds_won=rounds_won[0]), b.replace(rounds_won=rounds_won[1])

    def next_round(pair):
        return tuple(
            fresh_fighter(i, f.character, h.stats["health"], f.meter, f.rounds_won)
            for i, (f, h) in enumerate(zip(pair, held))
        )

    a, b = jax.lax.cond(restart, next_round, lambda pair: pair, (a, b))
    players = tuple(Player(fighter=f, move=m, projectile=p) for f, m, p in zip((a, b), move_data, projectiles))
    duel = Duel(
        players=players,
        round_timer=jnp.where(restart, round_seconds * FPS, timer),
        rounds_played=duel.rounds_played + round_over.astype(jnp.int32),
        over=over,
        outcome=jnp.where(over, outcome, 0).astype(jnp.int32),
    )
    return duel, FrameEvents(damage_taken=damage_taken, rounds_won=outright.astype(jnp.int32))

"""Hit resolution: strikes, projectiles, blocking, throws and escapes, stun, knockdown and combo scaling.

Both fighters are resolved at once from the same pre-hit state, so simultaneous hits trade. Rules for
simultaneous contradictory events: strikes and projectiles resolve before throws, and a fighter hit
(or blocking) this frame cannot complete a throw; two throws on the same frame are both escaped
(a throw tech); two projectiles that touch cancel each other. Each rule takes one fighter's values;
the pairwise ones take both fighters' and return both.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from arenax.envs.fight.frame_data import (
    Columns,
    active_phase,
    grounded,
    hurtbox,
    invulnerable,
    overlaps,
    projectile_box,
    select,
    shared,
    shared_changes,
    strike_box,
)
from arenax.envs.fight.moves import Inputs
from arenax.envs.fight.types import (
    GUARD_HIGH,
    GUARD_LOW,
    GUARD_MID,
    GUARD_THROW,
    IDLE,
    KNOCKDOWN_FRAMES,
    MAX_METER,
    MIN_DAMAGE_SCALE,
    STUN_BLOCK,
    STUN_HIT,
    STUN_KNOCKDOWN,
    STUN_NONE,
    STUN_THROWN,
    SUBPIXELS,
    TECH_PUSH,
    TECH_RECOVERY,
    THROW_BUTTON,
    THROW_LAUNCH,
    THROW_TECH_WINDOW,
    Fighters,
)

KNOCKDOWN_POP = 32
"""Upward velocity (subpixels/frame) of a knockdown without launch."""
ATTACK_COLUMNS = ("guard", "damage", "chip", "hitstun", "blockstun", "pushback", "knockdown", "launch", "gain")
PROJECTILE_COLUMNS = ("width", "box_h") + ATTACK_COLUMNS
"""The frame data a flying projectile needs from the move that threw it."""


def escape_throws(fighters: tuple[Fighters, Fighters], inputs: tuple[Inputs, Inputs]) -> tuple[Fighters, Fighters]:
    """A thrown fighter pressing THROW escapes: both are pushed apart and recover."""
    escaping = [(f.stun_kind == STUN_THROWN) & (i.button == THROW_BUTTON) for f, i in zip(fighters, inputs)]
    either = escaping[0] | escaping[1]
    return _tech(fighters[0], either), _tech(fighters[1], either)


def tick_stun(fighters: Fighters) -> Fighters:
    """Counts stun down; a throw whose escape window ran out lands (damage, knockdown)."""
    stun = jnp.maximum(fighters.stun - 1, 0)
    lands = (fighters.stun_kind == STUN_THROWN) & (stun == 0)
    kind = jnp.where(lands, STUN_KNOCKDOWN, jnp.where(stun == 0, STUN_NONE, fighters.stun_kind))
    return fighters.replace(
        stun=jnp.where(lands, KNOCKDOWN_FRAMES, stun),
        stun_kind=kind,
        health=fighters.health - jnp.where(lands, fighters.pending_damage, 0),
        pending_damage=jnp.where(lands, 0, fighters.pending_damage),
        vx=jnp.where(lands, -fighters.facing * THROW_LAUNCH, fighters.vx),
        vy=jnp.where(lands, THROW_LAUNCH, fighters.vy),
        combo=jnp.where(kind == STUN_NONE, 0, fighters.combo),
    )


def launch_projectile(fighters: Fighters, move: Columns, projectile: Columns) -> tuple[Fighters, Columns]:
    """A projectile move spawns its projectile at its first active frame (one on screen per fighter).

    `move` is the frame data of the fighter's move, `projectile` that of its projectile's; returns
    both updated.
    """
    spawn = shared(
        (fighters.move != IDLE)
        & (move["projectile"] > 0)
        & (fighters.move_frame == move["startup"] + 1)
        & ~fighters.projectile_active
    )
    centre = fighters.x + fighters.facing * (move["reach"] * SUBPIXELS - move["width"] * (SUBPIXELS // 2))
    fighters = fighters.replace(
        projectile_active=fighters.projectile_active | spawn,
        projectile_x=jnp.where(spawn, centre, fighters.projectile_x),
        projectile_y=jnp.where(spawn, fighters.y + move["box_y"] * SUBPIXELS, fighters.projectile_y),
        projectile_vx=jnp.where(spawn, fighters.facing * move["projectile"], fighters.projectile_vx),
        projectile_move=jnp.where(spawn, fighters.move, fighters.projectile_move),
    )
    return fighters, select(spawn, {c: move[c] for c in PROJECTILE_COLUMNS}, projectile)


def resolve_hits(
    fighters: tuple[Fighters, Fighters],
    moves: tuple[Columns, Columns],
    projectiles: tuple[Columns, Columns],
    inputs: tuple[Inputs, Inputs],
    stats: tuple[Columns, Columns],
) -> tuple[Fighters, Fighters]:
    """Strikes and projectiles against hurtboxes, blocking, then throws, for both fighters at once.

    `moves` is the frame data of each fighter's move, `projectiles` that of each one's projectile.
    """
    (a, b), (move_a, move_b), (projectile_a, projectile_b) = fighters, moves, projectiles
    box_a, box_b = projectile_box(a, projectile_a), projectile_box(b, projectile_b)
    clash = a.projectile_active & b.projectile_active & overlaps(box_a, box_b)
    attacks_a = _attacks(a, move_a, box_a, clash, b, move_b, stats[1])
    attacks_b = _attacks(b, move_b, box_b, clash, a, move_a, stats[0])
    clash, attacks_a, attacks_b = shared((clash, attacks_a, attacks_b))
    hits_a = _take_hits(a, inputs[0], attacks_b, b, move_b, projectile_b)
    hits_b = _take_hits(b, inputs[1], attacks_a, a, move_a, projectile_a)
    after = (_after_hits(hits_a, hits_b, attacks_a, clash), _after_hits(hits_b, hits_a, attacks_b, clash))
    a, b = shared_changes(after, (a, b))
    throwing_a = (move_a["guard"] == GUARD_THROW) & ~hits_a["incoming"]
    throwing_b = (move_b["guard"] == GUARD_THROW) & ~hits_b["incoming"]
    connects_a = _throw_connects(a, move_a, throwing_a, b, move_b, stats[1])
    connects_b = _throw_connects(b, move_b, throwing_b, a, move_a, stats[0])
    connects_a, connects_b = shared((connects_a, connects_b))
    tech = connects_a & connects_b
    a = _take_throw(a, move_a, connects_a & ~tech, connects_b & ~tech, move_b)
    b = _take_throw(b, move_b, connects_b & ~tech, connects_a & ~tech, move_a)
    a, b = a.replace(move_hit=a.move_hit | connects_a), b.replace(move_hit=b.move_hit | connects_b)
    return _tech(a, tech), _tech(b, tech)


def _attacks(
    me: Fighters,
    move: Columns,
    own_projectile: tuple,
    clash: jax.Array,
    other: Fighters,
    other_move: Columns,
    other_stats: Columns,
) -> tuple[jax.Array, jax.Array]:
    """(strikes, projectile hits): whether my strike and my projectile reach the other fighter this frame."""
    target_box = hurtbox(other, other_stats)
    target_invulnerable = invulnerable(other, other_move)
    is_throw = move["guard"] == GUARD_THROW
    striking = active_phase(me, move) & ~me.move_hit & (move["width"] > 0) & ~is_throw
    striking = striking & (move["projectile"] == 0)
    strikes = striking & overlaps(strike_box(me, move), target_box) & ~target_invulnerable
    flying = me.projectile_active & ~clash
    projectile_hits = flying & overlaps(own_projectile, target_box) & ~target_invulnerable
    return strikes, projectile_hits


def _take_hits(
    me: Fighters,
    inputs: Inputs,
    attacks: tuple[jax.Array, jax.Array],
    attacker: Fighters,
    attacker_move: Columns,
    attacker_projectile: Columns,
) -> dict:
    """What the attacker's strike or projectile does to me: damage, stun, push, blocking; my fighter and its gains."""
    by_strike, by_projectile = attacks
    incoming = by_strike | by_projectile
    attack = select(by_strike, {c: attacker_move[c] for c in ATTACK_COLUMNS}, attacker_projectile)
    push_direction = jnp.where(by_strike, attacker.facing, jnp.sign(attacker.projectile_vx))
    on_ground = grounded(me)
    crouch_guard = inputs.vertical < 0
    guard = attack["guard"]
    guard_ok = (guard == GUARD_MID) | ((guard == GUARD_LOW) & crouch_guard) | ((guard == GUARD_HIGH) & ~crouch_guard)
    can_block = (
        (inputs.horizontal < 0)
        & on_ground
        & (me.move == IDLE)
        & ((me.stun_kind == STUN_NONE) | (me.stun_kind == STUN_BLOCK))
    )
    blocked = incoming & can_block & guard_ok
    hit = incoming & ~blocked
    incoming, blocked, hit, on_ground, attack = shared((incoming, blocked, hit, on_ground, attack))

    juggled = (me.stun_kind == STUN_HIT) | ((me.stun_kind == STUN_KNOCKDOWN) & ~on_ground)
    combo = jnp.where(hit, jnp.where(juggled, me.combo + 1, 1), me.combo)
    scale = jnp.maximum(10 - (combo - 1), MIN_DAMAGE_SCALE)
    damage = jnp.where(hit, jax.lax.div(attack["damage"] * scale, 10), jnp.where(blocked, attack["chip"], 0))
    knocked = shared(hit & ((attack["knockdown"] > 0) | (attack["launch"] > 0) | ~on_ground))
    gain = attack["gain"]
    fighter = me.replace(
        health=me.health - damage,
        combo=combo,
        stun=jnp.select([knocked, hit, blocked], [KNOCKDOWN_FRAMES, attack["hitstun"], attack["blockstun"]], me.stun),
        stun_kind=jnp.select([knocked, hit, blocked], [STUN_KNOCKDOWN, STUN_HIT, STUN_BLOCK], me.stun_kind),
        vx=jnp.where(incoming, push_direction * attack["pushback"], me.vx),
        vy=jnp.where(knocked, jnp.maximum(attack["launch"], KNOCKDOWN_POP), me.vy),
        move=jnp.where(hit, IDLE, me.move),
        move_frame=jnp.where(hit, 0, me.move_frame),
        crouching=jnp.where(knocked, False, jnp.where(blocked, crouch_guard, me.crouching)),
    )
    return {
        "fighter": fighter,
        "hit": hit,
        "incoming": incoming,
        "attacker_gain": jnp.where(hit, gain, jnp.where(blocked, jnp.right_shift(gain, 1), 0)),
        "own_gain": jnp.where(hit, jnp.right_shift(gain, 1), 0),
    }


def _after_hits(mine: dict, theirs: dict, attacks: tuple[jax.Array, jax.Array], clash: jax.Array) -> Fighters:
    """My fighter after the hits: meter from both sides, my strike marked, my projectile spent."""
    strikes, projectile_hits = attacks
    me = mine["fighter"]
    return me.replace(
        move_hit=me.move_hit & ~mine["hit"] | strikes,
        meter=jnp.minimum(me.meter + theirs["attacker_gain"] + mine["own_gain"], MAX_METER),
        projectile_active=me.projectile_active & ~clash & ~projectile_hits,
    )


def _throw_connects(
    me: Fighters, move: Columns, throwing: jax.Array, other: Fighters, other_move: Columns, other_stats: Columns
) -> jax.Array:
    """Throws in their active frames catch grounded, free, vulnerable targets in reach."""
    target_free = (other.stun == 0) & (other.stun_kind == STUN_NONE) & grounded(other)
    target_ok = target_free & ~invulnerable(other, other_move)
    reaches = overlaps(strike_box(me, move), hurtbox(other, other_stats))
    return throwing & active_phase(me, move) & ~me.move_hit & grounded(me) & target_ok & reaches


def _take_throw(me: Fighters, move: Columns, throws: jax.Array, thrown: jax.Array, thrower_move: Columns) -> Fighters:
    """I am caught by the other's throw (`thrown`), or my throw lands (`throws`: meter); not when both threw."""
    return me.replace(
        stun=jnp.where(thrown, THROW_TECH_WINDOW, me.stun),
        stun_kind=jnp.where(thrown, STUN_THROWN, me.stun_kind),
        pending_damage=jnp.where(thrown, thrower_move["damage"], me.pending_damage),
        move=jnp.where(thrown, IDLE, me.move),
        move_frame=jnp.where(thrown, 0, me.move_frame),
        vx=jnp.where(thrown, 0, me.vx),
        crouching=me.crouching & ~thrown,
        meter=jnp.minimum(me.meter + jnp.where(throws, move["gain"], 0), MAX_METER),
    )
def _tech(fighters: Fighters, teching: jax.Array) -> Fighters:
    """Both fighters pushed apart into a short recovery (throw escape or throw against throw)."""
    return fighters.replace(
        stun=jnp.where(teching, TECH_RECOVERY, fighters.stun),
        stun_kind=jnp.where(teching, STUN_BLOCK, fighters.stun_kind),
        pending_damage=jnp.where(teching, 0, fighters.pending_damage),
        move=jnp.where(teching, IDLE, fighters.move),
        move_frame=jnp.where(teching, 0, fighters.move_frame),
        vx=jnp.where(teching, -fighters.facing * TECH_PUSH, fighters.vx),
    )

"""Hit resolution: strikes, projectiles, blocking, throws and escapes, stun, knockdown and combo scaling.

Both fighters are resolved at once from the same pre-hit state, so simultaneous hits trade. Rules for
simultaneous contradictory events: strikes and projectiles resolve before throws, and a fighter hit
(or blocking) this frame cannot complete a throw; two throws on the same frame are both escaped
(a throw tech); two projectiles that touch cancel each other.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from arenax.envs.fight.frame_data import (
    active_phase,
    col,
    grounded,
    hurtbox,
    invulnerable,
    move_rows,
    opponent,
    overlaps,
    projectile_box,
    strike_box,
    swap,
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


def escape_throws(fighters: Fighters, inputs: Inputs) -> Fighters:
    """A thrown fighter pressing THROW escapes: both are pushed apart and recover."""
    escaping = (fighters.stun_kind == STUN_THROWN) & (inputs.button == THROW_BUTTON)
    return _tech(fighters, escaping | opponent(escaping))


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


def launch_projectiles(fighters: Fighters, rows: jax.Array) -> Fighters:
    """A projectile move spawns its projectile at its first active frame (one on screen per fighter)."""
    spawn = (
        (fighters.move != IDLE)
        & (col(rows, "projectile") > 0)
        & (fighters.move_frame == col(rows, "startup") + 1)
        & ~fighters.projectile_active
    )
    centre = fighters.x + fighters.facing * (col(rows, "reach") * SUBPIXELS - col(rows, "width") * (SUBPIXELS // 2))
    return fighters.replace(
        projectile_active=fighters.projectile_active | spawn,
        projectile_x=jnp.where(spawn, centre, fighters.projectile_x),
        projectile_y=jnp.where(spawn, fighters.y + col(rows, "box_y") * SUBPIXELS, fighters.projectile_y),
        projectile_vx=jnp.where(spawn, fighters.facing * col(rows, "projectile"), fighters.projectile_vx),
        projectile_move=jnp.where(spawn, fighters.move, fighters.projectile_move),
    )


def resolve_hits(fighters: Fighters, rows: jax.Array, inputs: Inputs, stats: jax.Array) -> Fighters:
    """Strikes and projectiles against hurtboxes, blocking, then throws; `rows` is the current moves' frame data."""
    projectile_rows = move_rows(fighters.character, fighters.projectile_move)
    target_box = swap(hurtbox(fighters, stats))
    target_invulnerable = opponent(invulnerable(fighters, rows))
    is_throw = col(rows, "guard") == GUARD_THROW
    striking = active_phase(fighters, rows) & ~fighters.move_hit & (col(rows, "width") > 0) & ~is_throw
    striking = striking & (col(rows, "projectile") == 0)
    strikes = striking & overlaps(strike_box(fighters, rows), target_box) & ~target_invulnerable

    own_projectile = projectile_box(fighters, projectile_rows)
    both_flying = fighters.projectile_active & opponent(fighters.projectile_active)
    clash = both_flying & overlaps(own_projectile, swap(own_projectile))
    flying = fighters.projectile_active & ~clash
    projectile_hits = flying & overlaps(own_projectile, target_box) & ~target_invulnerable

    # From here on each fighter is the target of the other's attacks.
    by_strike, by_projectile = opponent(strikes), opponent(projectile_hits)
    incoming = by_strike | by_projectile
    attack = jnp.where(by_strike[:, None], opponent(rows), opponent(projectile_rows))
    push_direction = jnp.where(by_strike, opponent(fighters.facing), jnp.sign(opponent(fighters.projectile_vx)))
    on_ground = grounded(fighters)
    crouch_guard = inputs.vertical < 0
    guard = col(attack, "guard")
    guard_ok = (guard == GUARD_MID) | ((guard == GUARD_LOW) & crouch_guard) | ((guard == GUARD_HIGH) & ~crouch_guard)
    can_block = (
        (inputs.horizontal < 0)
        & on_ground
        & (fighters.move == IDLE)
        & ((fighters.stun_kind == STUN_NONE) | (fighters.stun_kind == STUN_BLOCK))
    )
    blocked = incoming & can_block & guard_ok
    hit = incoming & ~blocked

    juggled = (fighters.stun_kind == STUN_HIT) | ((fighters.stun_kind == STUN_KNOCKDOWN) & ~on_ground)
    combo = jnp.where(hit, jnp.where(juggled, fighters.combo + 1, 1), fighters.combo)
    scale = jnp.maximum(10 - (combo - 1), MIN_DAMAGE_SCALE)
    damage = jnp.where(hit, jax.lax.div(col(attack, "damage") * scale, 10), jnp.where(blocked, col(attack, "chip"), 0))
    knocked = hit & ((col(attack, "knockdown") > 0) | (col(attack, "launch") > 0) | ~on_ground)
    gain = col(attack, "gain")
    attacker_gain = jnp.where(hit, gain, jnp.where(blocked, jnp.right_shift(gain, 1), 0))

    fighters = fighters.replace(
        health=fighters.health - damage,
        combo=combo,
        stun=jnp.select(
            [knocked, hit, blocked],
            [KNOCKDOWN_FRAMES, col(attack, "hitstun"), col(attack, "blockstun")],
            fighters.stun,
        ),
        stun_kind=jnp.select([knocked, hit, blocked], [STUN_KNOCKDOWN, STUN_HIT, STUN_BLOCK], fighters.stun_kind),
        vx=jnp.where(incoming, push_direction * col(attack, "pushback"), fighters.vx),
        vy=jnp.where(knocked, jnp.maximum(col(attack, "launch"), KNOCKDOWN_POP), fighters.vy),
        move=jnp.where(hit, IDLE, fighters.move),
        move_frame=jnp.where(hit, 0, fighters.move_frame),
        move_hit=fighters.move_hit & ~hit | strikes,
        crouching=jnp.where(knocked, False, jnp.where(blocked, crouch_guard, fighters.crouching)),
        meter=jnp.minimum(
            fighters.meter + opponent(attacker_gain) + jnp.where(hit, jnp.right_shift(gain, 1), 0), MAX_METER
        ),
        projectile_active=fighters.projectile_active & ~clash & ~projectile_hits,
    )
    return _throws(fighters, rows, stats, is_throw & ~incoming)


def _throws(fighters: Fighters, rows: jax.Array, stats: jax.Array, throwing: jax.Array) -> Fighters:
    """Throws in their active frames catch grounded, free, vulnerable targets in reach."""
    target_free = (fighters.stun == 0) & (fighters.stun_kind == STUN_NONE) & grounded(fighters)
    target_ok = opponent(target_free & ~invulnerable(fighters, rows))
    reaches = overlaps(strike_box(fighters, rows), swap(hurtbox(fighters, stats)))
    connects = throwing & active_phase(fighters, rows) & ~fighters.move_hit & grounded(fighters) & target_ok & reaches
    tech = connects & opponent(connects)
    thrown = opponent(connects) & ~tech
    fighters = fighters.replace(
        stun=jnp.where(thrown, THROW_TECH_WINDOW, fighters.stun),
        stun_kind=jnp.where(thrown, STUN_THROWN, fighters.stun_kind),
        pending_damage=jnp.where(thrown, col(opponent(rows), "damage"), fighters.pending_damage),
        move=jnp.where(thrown, IDLE, fighters.move),
        move_frame=jnp.where(thrown, 0, fighters.move_frame),
        vx=jnp.where(thrown, 0, fighters.vx),
        crouching=fighters.crouching & ~thrown,
        move_hit=fighters.move_hit | connects,
        meter=jnp.minimum(fighters.meter + jnp.where(connects & ~tech, col(rows, "gain"), 0), MAX_METER),
    )
    return _tech(fighters, tech)


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

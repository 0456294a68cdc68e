"""Game rules frame by frame: movement, pushboxes, hits, blocks, throws, escapes, combos, meter, projectiles, rounds."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from arenax.envs.fight.characters import COLUMN, MOVE_DATA, STAT, STAT_DATA
from arenax.envs.fight.frame_data import shared
from arenax.envs.fight.match import advance_frame, advance_frames, new_match
from arenax.envs.fight.types import (
    DASH_FORWARD,
    FIRST_SPECIAL,
    STAGE_WIDTH,
    STUN_BLOCK,
    STUN_HIT,
    STUN_KNOCKDOWN,
    STUN_THROWN,
    SUBPIXELS,
    THROW_TECH_WINDOW,
)

RYN = 0
NEUTRAL, UP, FORWARD, DOWN, DOWN_BACK, BACK = 0, 1, 3, 5, 6, 7
LP, HK, THROW = 9, 14, 15
FIREBALL, STEP_KICK, EX_FIREBALL = 16, 19, 20
ROUND_SECONDS = 99


@pytest.fixture(scope="module")
def frame():
    return jax.jit(lambda match, actions: advance_frame(match, actions, ROUND_SECONDS))


def match_at(gap_px, **fields):
    """Two Ryns `gap_px` apart around the stage centre, with fighter fields overridden (pairs of values)."""
    match = new_match(jnp.array([RYN, RYN]), ROUND_SECONDS)
    centre = STAGE_WIDTH // 2
    x = [centre - gap_px * SUBPIXELS // 2, centre + gap_px * SUBPIXELS // 2]
    values = {"x": x, **fields}
    fighters = match.fighters.replace(
        **{name: jnp.asarray(v, getattr(match.fighters, name).dtype) for name, v in values.items()}
    )
    return match.replace(fighters=fighters)


def run(frame, match, schedule):
    """Plays (actions, frames) pairs; returns the match and the damage each fighter took."""
    taken = np.zeros(2, int)
    for actions, frames in schedule:
        for _ in range(frames):
            match, events = frame(match, jnp.asarray(actions, jnp.int32))
            taken += np.asarray(events.damage_taken)
    return match, taken


def data(move, column):
    return int(MOVE_DATA[RYN, move, COLUMN[column]])


def test_walking_pushboxes_and_walls(frame):
    match, _ = run(frame, match_at(100), [((FORWARD, FORWARD), 60)])
    x = np.asarray(match.fighters.x)
    assert x[1] - x[0] == 2 * STAT_DATA[RYN, STAT["half_width"]] * SUBPIXELS, "pushboxes stop at touching"
    match, _ = run(frame, match_at(100), [((BACK, NEUTRAL), 200)])
    assert int(match.fighters.x[0]) == STAT_DATA[RYN, STAT["half_width"]] * SUBPIXELS, "the wall stops a fighter"


def test_jump_rises_and_lands_after_its_airtime(frame):
    airtime = 2 * STAT_DATA[RYN, STAT["jump_rise"]] // 8
    match, _ = run(frame, match_at(100), [((UP, NEUTRAL), 1), ((NEUTRAL, NEUTRAL), airtime // 2)])
    assert int(match.fighters.y[0]) > 60 * SUBPIXELS
    match, _ = run(frame, match, [((NEUTRAL, NEUTRAL), airtime // 2 + 1)])
    assert int(match.fighters.y[0]) == 0 and int(match.fighters.vy[0]) == 0


def test_dash_is_a_double_tap_of_forward(frame):
    match, _ = run(frame, match_at(150), [((FORWARD, NEUTRAL), 2), ((NEUTRAL, NEUTRAL), 3), ((FORWARD, NEUTRAL), 1)])
    assert int(match.fighters.move[0]) == DASH_FORWARD
    match, _ = run(frame, match_at(150), [((FORWARD, NEUTRAL), 2), ((NEUTRAL, NEUTRAL), 20), ((FORWARD, NEUTRAL), 1)])
    assert int(match.fighters.move[0]) == 0, "too slow a second tap walks"


def test_a_jab_in_reach_hits_and_one_out_of_reach_whiffs(frame):
    match, taken = run(frame, match_at(40), [((LP, NEUTRAL), 6)])
    assert taken.tolist() == [0, data(3, "damage")]
    assert int(match.fighters.stun_kind[1]) == STUN_HIT and int(match.fighters.combo[1]) == 1
    _, taken = run(frame, match_at(90), [((LP, NEUTRAL), 12)])
    assert taken.tolist() == [0, 0]


def test_blocking_high_and_low(frame):
    # a standing block stops a mid jab; a crouching low needs a crouching block
    match, taken = run(frame, match_at(40), [((LP, BACK), 6)])
    assert taken.tolist() == [0, 0] and int(match.fighters.stun_kind[1]) == STUN_BLOCK
    low = [((DOWN, NEUTRAL), 1), ((LP, BACK), 6)]
    _, taken = run(frame, match_at(40), low)
    assert taken[1] == data(10, "damage"), "a low hits a standing block"
    _, taken = run(frame, match_at(40), [((DOWN, NEUTRAL), 1), ((LP, DOWN_BACK), 6)])
    assert taken[1] == 0
    # the step kick is an overhead: it beats a crouching block, a standing block stops it (chip only)
    _, taken = run(frame, match_at(70), [((STEP_KICK, DOWN_BACK), 20)])
    assert taken[1] == data(FIRST_SPECIAL + 3, "damage")
    _, taken = run(frame, match_at(70), [((STEP_KICK, BACK), 20)])
    assert taken[1] == data(FIRST_SPECIAL + 3, "chip")


def test_throw_lands_after_the_escape_window_unless_escaped(frame):
    thrown, _ = run(frame, match_at(40), [((THROW, NEUTRAL), 5)])
    assert int(thrown.fighters.stun_kind[1]) == STUN_THROWN
    landed, taken = run(frame, thrown, [((NEUTRAL, NEUTRAL), THROW_TECH_WINDOW + 1)])
    assert taken[1] == data(9, "damage") and int(landed.fighters.stun_kind[1]) == STUN_KNOCKDOWN
    escaped, taken = run(frame, thrown, [((NEUTRAL, THROW), 2), ((NEUTRAL, NEUTRAL), THROW_TECH_WINDOW)])
    assert taken.tolist() == [0, 0]
    # a throw does not catch a blocking (blockstunned) fighter
    blocked = match_at(40, stun=[0, 10], stun_kind=[0, STUN_BLOCK])
    _, taken = run(frame, blocked, [((THROW, NEUTRAL), 5), ((NEUTRAL, NEUTRAL), 20)])
    assert taken.tolist() == [0, 0]


def test_simultaneous_contradictions_resolve_by_the_documented_priority(frame):
    # two throws on one frame: a tech, nobody is thrown
    match, taken = run(frame, match_at(40), [((THROW, THROW), 5), ((NEUTRAL, NEUTRAL), 20)])
    assert taken.tolist() == [0, 0]
    assert int(match.fighters.x[1] - match.fighters.x[0]) > 40 * SUBPIXELS, "a tech pushes both apart"
    # strike against throw on the same frame: the strike wins
    _, taken = run(frame, match_at(40), [((LP, THROW), 5), ((NEUTRAL, NEUTRAL), 20)])
    assert taken.tolist() == [0, data(3, "damage")]
    # two strikes on the same frame trade
    _, taken = run(frame, match_at(40), [((LP, LP), 6)])
    assert taken.tolist() == [data(3, "damage")] * 2


def test_combo_hits_are_scaled(frame):
    in_combo = match_at(40, stun=[0, 20], stun_kind=[0, STUN_HIT], combo=[0, 3])
    match, taken = run(frame, in_combo, [((LP, NEUTRAL), 6)])
    assert int(match.fighters.combo[1]) == 4
    assert taken[1] == data(3, "damage") * 7 // 10


def test_specials_spend_meter_and_are_refused_without_it(frame):
    match, _ = run(frame, match_at(100), [((EX_FIREBALL, NEUTRAL), 1)])
    assert int(match.fighters.move[0]) == 0, "no meter, no EX move"
    match, _ = run(frame, match_at(100, meter=[30, 0]), [((EX_FIREBALL, NEUTRAL), 1)])
    assert int(match.fighters.move[0]) == FIRST_SPECIAL + 4 and int(match.fighters.meter[0]) == 5


def test_projectiles_travel_hit_and_cancel_each_other(frame):
    match, taken = run(frame, match_at(120), [((FIREBALL, NEUTRAL), 1), ((NEUTRAL, NEUTRAL), 40)])
    assert taken.tolist() == [0, data(FIRST_SPECIAL, "damage")]
    assert not bool(match.fighters.projectile_active[0])
    match, taken = run(frame, match_at(200), [((FIREBALL, FIREBALL), 1), ((NEUTRAL, NEUTRAL), 60)])
    assert taken.tolist() == [0, 0] and not bool(match.fighters.projectile_active.any())


def test_rounds_knockouts_draws_and_timeouts(frame):
    # a knockout wins the round; the next round starts with full health
    match, _ = run(frame, match_at(40, health=[1000, 20]), [((LP, NEUTRAL), 6)])
    assert match.fighters.rounds_won.tolist() == [1, 0] and int(match.rounds_played) == 1
    assert match.fighters.health.tolist() == [1000, 1000] and not bool(match.over)
    # a double KO draws the round: both are awarded it, so from one round each the match is a draw
    double = match_at(40, health=[20, 20], rounds_won=[1, 1])
    match, _ = run(frame, double, [((LP, LP), 6)])
    assert bool(match.over) and int(match.outcome) == 0 and match.fighters.rounds_won.tolist() == [2, 2]
    # a finished match does not move on
    still, taken = run(frame, match, [((LP, LP), 10)])
    assert taken.tolist() == [0, 0]
    # time out: more health wins
    timeout = match_at(100, health=[400, 500], rounds_won=[0, 1]).replace(round_timer=jnp.int32(1))
    match, _ = run(frame, timeout, [((NEUTRAL, NEUTRAL), 1)])
    assert bool(match.over) and int(match.outcome) == -1


def test_a_run_of_frames_equals_its_frames_one_by_one():
    """`advance_frames` carries frame data between frames; one frame at a time fetches it afresh each frame."""
    values = jnp.array([0, 1, -5, 2**24 - 1, -(2**24) + 1], jnp.int32)
    assert jnp.array_equal(shared(values), values) and jnp.array_equal(shared(values > 0), values > 0)

    matches, steps, skip = 8, 150, 2
    round_seconds = 1  # rounds end by knockout or timeout, matches within the run
    key_characters, key_actions = jax.random.split(jax.random.PRNGKey(7))
    characters = jax.random.randint(key_characters, (matches, 2), 0, len(MOVE_DATA))
    start = jax.vmap(lambda c: new_match(c, round_seconds))(characters)
    actions = jax.random.randint(key_actions, (steps, matches, 2), 0, 22)

    def rollout(step):
        def body(match, step_actions):
            match, events = jax.vmap(step)(match, step_actions)
            return match, (match, events)

        return jax.lax.scan(body, start, actions)[1]

    def frame_by_frame(match, action):
        total = None
        for _ in range(skip):
            match, events = advance_frame(match, action, round_seconds)
            total = events if total is None else jax.tree_util.tree_map(jnp.add, total, events)
        return match, total

    together = jax.jit(lambda: rollout(lambda m, a: advance_frames(m, a, round_seconds, skip)))()
    one_by_one = jax.jit(lambda: rollout(frame_by_frame))()
    assert bool(together[0].over.any()), "some matches end within the run"
    for (path, a), b in zip(jax.tree_util.tree_leaves_with_path(together), jax.tree_util.tree_leaves(one_by_one)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=jax.tree_util.keystr(path))

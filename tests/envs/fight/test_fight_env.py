"""Fight-v0 and FightLadder: rewards, the ladder, parameters, pixel observations, rendering and bad input."""

import gymnasium as gym
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import arenax
from arenax.envs.fight import Fight, FightLadder
from arenax.envs.fight.characters import STAT, STAT_DATA
from arenax.envs.fight.policies import LADDER, LADDER_CHARACTERS, LADDER_LEVELS
from arenax.envs.fight.render import MARKER
from arenax.envs.fight.types import FightParams, LadderParams


@pytest.fixture(scope="module")
def fight():
    env = arenax.make("Fight-v0")
    return env, jax.jit(env.step)


@pytest.fixture(scope="module")
def ladder():
    env = arenax.make("FightLadder-Ryn-v0")
    return env, jax.jit(env.step)


def with_fighters(state, **fields):
    fighters = state.match.fighters.replace(
        **{k: jnp.asarray(v, getattr(state.match.fighters, k).dtype) for k, v in fields.items()}
    )
    return state.replace(match=state.match.replace(fighters=fighters))


def test_registered_ids():
    ids = arenax.list_envs("fight")
    assert "Fight-v0" in ids and len(ids) == 7
    assert arenax.spec("Fight-v0").multi_agent and not arenax.spec("FightLadder-Tusk-v0").multi_agent


def test_reward_is_fightladders_shape(fight):
    env, step = fight
    state, _ = env.reset(jax.random.PRNGKey(0))
    state = with_fighters(state, x=[2400, 2400 + 40 * 16])
    health = STAT_DATA[list(env.characters), STAT["health"]].astype(np.float64)
    total = np.zeros(2)
    before = np.asarray(state.match.fighters.health, np.float64)
    state, ts = step(state, jnp.array([9, 0]))
    total += np.asarray(ts.reward)
    taken = (before - np.asarray(state.match.fighters.health)) / health
    assert taken[1] > 0
    np.testing.assert_allclose(total, [3 * taken[1] - taken[0], 3 * taken[0] - taken[1]], rtol=1e-5)
    # winning a round outright adds the bonus (and the loser gets minus it)
    state = with_fighters(state, health=[1000, 1])
    state, ts = step(state, jnp.array([9, 0]))
    assert ts.reward[0] > 1.0 and ts.reward[1] < -1.0 and ts.info["rounds_won"].tolist() == [1, 0]


def test_match_end_terminates_with_scores(fight):
    env, step = fight
    state, _ = env.reset(jax.random.PRNGKey(0))
    state = with_fighters(state, x=[2400, 2400 + 40 * 16], health=[1000, 1], rounds_won=[1, 0])
    state, ts = step(state, jnp.array([9, 0]))
    assert bool(ts.terminated) and not bool(ts.truncated)
    assert ts.info["match_score"].tolist() == [1.0, 0.0]


def test_ladder_climbs_within_an_episode_and_stops_on_a_loss(ladder):
    env, step = ladder
    state, ts = env.reset(jax.random.PRNGKey(1))
    assert int(ts.info["ladder_rung"]) == 0 and int(ts.info["opponent_character"]) == LADDER_CHARACTERS[0]
    state = with_fighters(state, health=[1000, 0], rounds_won=[1, 0])
    state, ts = step(state, jnp.int32(0))
    assert not bool(ts.terminated) and bool(ts.info["match_ended"]) and float(ts.info["match_score"]) == 1.0
    assert int(ts.info["ladder_rung"]) == 1 and int(ts.info["matches_won"]) == 1
    assert int(ts.info["opponent_character"]) == LADDER_CHARACTERS[1]
    assert int(state.match.rounds_played) == 0, "a fresh match against the next rung"
    state = with_fighters(state, health=[0, 1000], rounds_won=[0, 1])
    state, ts = step(state, jnp.int32(0))
    assert bool(ts.terminated) and float(ts.info["match_score"]) == 0.0 and int(ts.info["ladder_rung"]) == 1


def test_ladder_index_targets_one_opponent_for_evaluation(ladder):
    env, step = ladder
    params = LadderParams(character=env.character, ladder_index=9, climb=False)
    state, ts = env.reset(jax.random.PRNGKey(2), params)
    assert int(ts.info["opponent_character"]) == LADDER_CHARACTERS[9]
    assert int(ts.info["opponent_level"]) == LADDER_LEVELS[9] == 2
    state = with_fighters(state, health=[1000, 0], rounds_won=[1, 0])
    state, ts = step(state, jnp.int32(0))
    assert bool(ts.terminated) and float(ts.info["match_score"]) == 1.0, "climb=False: one match per episode"
    assert len(LADDER) == 12 and list(LADDER_LEVELS) == sorted(LADDER_LEVELS)


def test_the_last_rung_won_ends_the_climb(ladder):
    env, step = ladder
    state, _ = env.reset(jax.random.PRNGKey(3), LadderParams(character=0, ladder_index=11))
    state = with_fighters(state, health=[1000, 0], rounds_won=[1, 0])
    _, ts = step(state, jnp.int32(0))
    assert bool(ts.terminated) and int(ts.info["matches_won"]) == 1


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Fight(characters=("ryn", "ken")), "unknown character 'ken'"),
        (lambda: Fight(frame_skip=0), "frame_skip must be a positive integer"),
        (lambda: Fight(observation="rgb"), "observation must be one of"),
        (lambda: FightLadder(character=6), "character index must lie in"),
    ],
)
def test_bad_configuration_is_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_params_are_refused_in_reset():
    key = jax.random.PRNGKey(0)
    with pytest.raises(ValueError, match="ladder_index must be a rung"):
        FightLadder().reset(key, LadderParams(ladder_index=12))
    with pytest.raises(ValueError, match="characters must lie in"):
        Fight().reset(key, FightParams(characters=jnp.array([0, 7])))
    with pytest.raises(ValueError, match="round_seconds must be a positive integer"):
        Fight().reset(key, FightParams(round_seconds=0))


def test_malformed_actions_through_the_views_raise_value_errors():
    env = gym.make("arenax/FightLadder-Vela-v0")
    env.reset(seed=0)
    for bad in (22, -1, 1.5, np.array([1, 2])):
        with pytest.raises(ValueError):
            env.step(bad)
    parallel = arenax.parallel_env("Fight-v0")
    parallel.reset(seed=0)
    with pytest.raises(ValueError):
        parallel.step({"player_0": 3, "player_1": 30})
    with pytest.raises(ValueError):
        parallel.step({"player_0": 3})


def test_pixel_observations_mark_each_viewer_and_render_gives_rgb():
    env = Fight(observation="pixels")
    state, ts = jax.jit(env.reset)(jax.random.PRNGKey(0))
    assert ts.obs.shape == (2, 84, 84, 3) and ts.obs.dtype == jnp.uint8
    assert env.observation_space.contains(np.asarray(ts.obs))
    obs = np.asarray(ts.obs)
    for viewer in range(2):
        marker = np.argwhere((obs[viewer] == MARKER).all(axis=-1))
        assert len(marker) > 0
        side = marker[:, 1].mean() < 42
        assert side == (viewer == 0), "the marker sits over the viewer's own fighter"
    frame = env.render(state)
    assert frame.shape == (180, 320, 3) and frame.dtype == np.uint8
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) >= 6


def test_scripted_policies_are_offered_for_arenax_play(fight):
    env, step = fight
    policies = env.scripted_policies()
    assert {"random", "idle", "easy", "medium", "hard"} <= set(policies)
    state, ts = env.reset(jax.random.PRNGKey(0))
    for name in ("idle", "hard", "random"):
        action = policies[name](jax.random.PRNGKey(1), state, ts)
        assert env.action_space.contains(np.asarray(action))

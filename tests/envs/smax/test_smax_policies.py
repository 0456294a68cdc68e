"""SMAX's heuristic AI: valid actions, difficulty levels that matter, and scripted policies for `arenax play`."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import arenax
from arenax.envs.smax import OPPONENT_LEVELS

EPISODES = 48


@functools.lru_cache(maxsize=None)
def _rollouts(env, policy):
    """A jitted function of the parameters: (done, team return, won, bad actions) of `EPISODES` episodes."""
    act = env.scripted_policies()[policy]

    def episode(key, params):
        state, ts = env.reset(key, params)

        def body(carry, t):
            state, ts, done, total, won, bad = carry
            action = act(jax.random.fold_in(key, t), state, ts)
            allowed = jnp.take_along_axis(ts.info["action_mask"], action[:, None], axis=1)
            state, ts = env.step(state, action)
            live = ~done
            bad = bad + jnp.where(live, jnp.sum(~allowed) + jnp.sum(ts.info["invalid_attacks"]), 0)
            total = total + jnp.where(live, ts.reward.sum(), 0.0)
            won = won | (live & ts.info["won"])
            return (state, ts, done | ts.terminated | ts.truncated, total, won, bad), None

        init = (state, ts, jnp.bool_(False), jnp.float32(0), jnp.bool_(False), jnp.int32(0))
        (_, _, done, total, won, bad), _ = jax.lax.scan(body, init, jnp.arange(env.max_steps))
        return done, total, won, bad

    return jax.jit(jax.vmap(episode, in_axes=(0, None)))


def battle_outcomes(env, policy, params=None):
    """Win rate, team returns, wins and the largest count of invalid attacks or masked actions over `EPISODES` episodes."""
    params = env.default_params if params is None else params
    keys = jax.random.split(jax.random.PRNGKey(3), EPISODES)
    done, total, won, bad = _rollouts(env, policy)(keys, jax.tree_util.tree_map(jnp.asarray, params))
    assert np.asarray(done).all()
    return float(np.mean(won)), np.asarray(total), np.asarray(won), int(np.max(bad))


@pytest.fixture(scope="module")
def three_marines():
    return arenax.make("SMAX-3m-v0")


def test_scripted_policies_cover_random_and_every_heuristic_level(three_marines):
    names = set(three_marines.scripted_policies())
    assert {"random", "heuristic"} | {f"heuristic-{level}" for level in OPPONENT_LEVELS} <= names


def test_heuristic_takes_only_allowed_actions_and_wins_more_than_random(three_marines):
    win_rate, total, won, bad = battle_outcomes(three_marines, "heuristic")
    assert bad == 0, "the heuristic never picks a masked action or an invalid attack"
    random_rate, random_total, _, random_bad = battle_outcomes(three_marines, "random")
    assert random_bad == 0
    assert win_rate > 0.4 and random_rate < 0.1
    assert total.mean() > random_total.mean() + 0.3
    # 3m has no shields or healers: a won episode destroyed everything, so its team return is exactly 1
    np.testing.assert_allclose(total[won], 1.0, atol=1e-4)
    assert (total[~won] < 1.0).all()


def test_opponent_difficulty_levels_change_the_outcome(three_marines):
    base = three_marines.default_params
    rates = {
        level: battle_outcomes(three_marines, "heuristic-medium", base.replace(opponent_level=i))[0]
        for i, level in enumerate(OPPONENT_LEVELS)
    }
    assert rates["static"] > rates["medium"] + 0.2
    assert rates["easy"] > rates["medium"] + 0.1
    assert rates["hard"] < rates["easy"]


def test_self_play_heuristic_acts_for_both_teams():
    env = arenax.make("SMAX-3m-selfplay-v0")
    state, ts = env.reset(jax.random.PRNGKey(0))
    action = env.scripted_policies()["heuristic"](jax.random.PRNGKey(1), state, ts)
    assert action.shape == (6,)
    assert env.action_space.contains(np.asarray(action))

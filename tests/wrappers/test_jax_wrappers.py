"""Auto-reset, episode statistics, normalisation, time limit and batching of JAX environments."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import arenax
from arenax.wrappers import AutoReset, EpisodeStatistics, NormalizeObservation, NormalizeReward, TimeLimit, Vectorize

from coordination_game import CoordinationGame


def scan_rollout(env, steps, key, action_fn):
    state, ts = env.reset(key)

    def body(carry, i):
        state, ts = carry
        state, ts = env.step(state, action_fn(jax.random.fold_in(key, i), ts))
        return (state, ts), ts

    _, trajectory = jax.lax.scan(body, (state, ts), jnp.arange(steps))
    return trajectory


@pytest.fixture(scope="module")
def cartpole_trajectory():
    env = EpisodeStatistics(AutoReset(TimeLimit(arenax.make("CartPole-v1"), max_steps=30)))
    run = jax.jit(lambda key: scan_rollout(env, 200, key, lambda k, ts: env.sample_action(k)))
    return run(jax.random.PRNGKey(0))


def test_autoreset_restarts_and_keeps_the_final_observation(cartpole_trajectory):
    ts = cartpole_trajectory
    done = np.asarray(ts.terminated | ts.truncated)
    assert done.sum() >= 5
    final_obs, obs = np.asarray(ts.info["final_obs"]), np.asarray(ts.obs)
    np.testing.assert_array_equal(final_obs[~done], obs[~done])
    assert np.all(np.abs(obs[done]) <= 0.05), "after a reset the observation is a fresh CartPole start"
    assert np.all(np.any(final_obs[done] != obs[done], axis=1))


def test_episode_statistics_report_return_and_length(cartpole_trajectory):
    ts = cartpole_trajectory
    done = np.asarray(ts.terminated | ts.truncated)
    episode = jax.tree_util.tree_map(np.asarray, ts.info["episode"])
    np.testing.assert_array_equal(episode["done"], done)
    ends = np.flatnonzero(done)
    lengths = np.diff(np.concatenate([[-1], ends]))
    np.testing.assert_array_equal(episode["length"][ends], lengths)
    np.testing.assert_allclose(episode["return"][ends], lengths.astype(np.float32))
    assert np.all(episode["length"][ends] <= 30)
    truncated = np.asarray(ts.truncated)
    assert np.all(episode["length"][truncated] == 30) and not np.any(np.asarray(ts.terminated) & truncated)


def test_time_limit_rejects_a_non_positive_limit():
    with pytest.raises(ValueError, match="max_steps must be at least 1"):
        TimeLimit(arenax.make("CartPole-v1"), 0)


def test_autoreset_keeps_vmapped_params_per_environment():
    env = Vectorize(AutoReset(arenax.make("CartPole-v1")), num_envs=2, batched_params=True)
    shared = jax.tree_util.tree_map(lambda leaf: jnp.full((2,), leaf), env.default_params)
    params = shared.replace(max_steps=jnp.array([3, 5]))
    run = jax.jit(lambda key: scan_rollout_with_params(env, params, 12, key))
    truncated = np.asarray(run(jax.random.PRNGKey(1)).truncated)
    assert np.flatnonzero(truncated[:, 0]).tolist() == [2, 5, 8, 11]
    assert np.flatnonzero(truncated[:, 1]).tolist() == [4, 9]


def scan_rollout_with_params(env, params, steps, key):
    state, ts = env.reset(key, params)

    def body(state, i):
        state, ts = env.step(state, jnp.zeros(env.num_envs, jnp.int32) + (i % 2))
        return state, ts

    return jax.lax.scan(body, state, jnp.arange(steps))[1]


def test_multi_agent_episode_statistics_are_per_agent_and_objective():
    env = EpisodeStatistics(AutoReset(CoordinationGame(objectives=2)))
    trajectory = jax.jit(lambda key: scan_rollout(env, 10, key, lambda k, ts: jnp.array([1, 1, 1])))(jax.random.PRNGKey(0))
    episode = trajectory.info["episode"]
    assert episode["return"].shape == (10, 3, 2)
    ends = np.flatnonzero(np.asarray(episode["done"]))
    assert ends.tolist() == [4, 9]
    np.testing.assert_allclose(np.asarray(episode["return"])[4], np.array([[5.0, 0.0]] * 3))


def test_normalize_observation_whitens_a_batch():
    env = NormalizeObservation(Vectorize(AutoReset(arenax.make("CartPole-v1")), num_envs=64))
    trajectory = jax.jit(lambda key: scan_rollout(env, 100, key, lambda k, ts: env.sample_action(k)))(jax.random.PRNGKey(2))
    late = np.asarray(trajectory.obs[50:]).reshape(-1, 4)
    np.testing.assert_allclose(late.mean(axis=0), 0.0, atol=0.25)
    np.testing.assert_allclose(late.std(axis=0), 1.0, atol=0.3)


def test_normalize_reward_scales_by_return_spread():
    env = NormalizeReward(Vectorize(AutoReset(arenax.make("CartPole-v1")), num_envs=16), gamma=0.99)
    trajectory = jax.jit(lambda key: scan_rollout(env, 100, key, lambda k, ts: env.sample_action(k)))(jax.random.PRNGKey(3))
    rewards = np.asarray(trajectory.reward)[50:]
    assert np.all(rewards > 0) and np.all(rewards < 1.0), "CartPole's reward of 1 is divided by a return std > 1"


def test_vectorize_rejects_zero_envs_and_renders_first():
    with pytest.raises(ValueError, match="num_envs must be at least 1"):
        Vectorize(arenax.make("CartPole-v1"), 0)
    env = Vectorize(arenax.make("CartPole-v1"), 2)
    state, _ = env.reset(jax.random.PRNGKey(0))
    assert env.render(state).dtype == np.uint8
    assert env.observation_space.shape == (2, 4)

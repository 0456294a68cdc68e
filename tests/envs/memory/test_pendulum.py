"""Pendulum-v1 against Gymnasium's classic Pendulum-v1 on fixed action sequences, and its scripted swing-up."""

import gymnasium as gym
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import arenax
from arenax.envs.memory.pendulum import Pendulum

STEPS = 200


@pytest.fixture(scope="module")
def env():
    return arenax.make("Pendulum-v1")


@pytest.fixture(scope="module")
def run_actions(env):
    """Jitted: reset from a key, then step through `actions[T, 1]`; returns the start state and every time step."""

    @jax.jit
    def run(key, actions):
        state, first = env.reset(key)

        def step(state, action):
            following, ts = env.step(state, action)
            return following, (state, ts)

        _, (before, steps) = jax.lax.scan(step, state, actions)
        return before, first, steps

    return run


ACTION_SEQUENCES = {
    "zero": np.zeros((STEPS, 1), np.float32),
    "bang-bang": np.where(np.arange(STEPS) % 30 < 15, 2.0, -2.0)[:, None].astype(np.float32),
    # beyond the bounds: both sides clip the torque to [-2, 2] (Gymnasium charges the clipped torque too)
    "out-of-bounds": np.random.default_rng(0).uniform(-5.0, 5.0, (STEPS, 1)).astype(np.float32),
}


@pytest.mark.parametrize("name", sorted(ACTION_SEQUENCES))
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_gymnasium_pendulum(env, run_actions, name, seed):
    """Every step from the state arenax was in: Gymnasium steps in float64, arenax in float32, and the
    pendulum is chaotic, so each step starts the peer from arenax's state rather than letting errors grow."""
    actions = ACTION_SEQUENCES[name]
    before, first, steps = run_actions(jax.random.PRNGKey(seed), jnp.asarray(actions))
    peer = gym.make("Pendulum-v1")
    peer.reset(seed=seed)
    peer.unwrapped.state = np.array([float(before.theta[0]), float(before.theta_dot[0])])
    np.testing.assert_allclose(first.obs, peer.unwrapped._get_obs(), atol=1e-6)
    for t in range(STEPS):
        peer.unwrapped.state = np.array([float(before.theta[t]), float(before.theta_dot[t])])
        obs, reward, terminated, truncated, _ = peer.step(actions[t])
        np.testing.assert_allclose(steps.obs[t], obs, atol=1e-5, err_msg=f"observation at step {t}")
        np.testing.assert_allclose(steps.reward[t], reward, rtol=1e-5, atol=1e-5, err_msg=f"reward at step {t}")
        assert bool(steps.terminated[t]) == terminated
        assert bool(steps.truncated[t]) == truncated, f"truncation at step {t}"
    assert truncated and bool(steps.truncated[-1]) and not bool(steps.truncated[:-1].any())


def test_spaces_match_gymnasium(env):
    peer = gym.make("Pendulum-v1")
    assert env.observation_space == peer.observation_space
    assert env.action_space == peer.action_space
    assert peer.spec.max_episode_steps == env.default_params.max_steps == STEPS


def test_reset_draws_gymnasiums_start_distribution(env):
    states, _ = jax.vmap(env.reset)(jax.random.split(jax.random.PRNGKey(0), 4000))
    theta, theta_dot = np.asarray(states.theta), np.asarray(states.theta_dot)
    assert np.abs(theta).max() <= np.pi and np.abs(theta_dot).max() <= 1.0
    assert np.abs(theta).max() > 3.0 and np.abs(theta_dot).max() > 0.99
    assert abs(theta.mean()) < 0.15 and abs(theta_dot.mean()) < 0.05


def test_scripted_swing_up_beats_random(env):
    policies = env.scripted_policies()

    def episode_return(key, name):
        state, ts = env.reset(key)

        def step(carry, step_key):
            state, ts = carry
            state, ts = env.step(state, policies[name](step_key, state, ts))
            return (state, ts), ts.reward

        _, rewards = jax.lax.scan(step, (state, ts), jax.random.split(jax.random.fold_in(key, 1), STEPS))
        return rewards.sum()

    keys = jax.random.split(jax.random.PRNGKey(3), 64)
    swing = jax.jit(jax.vmap(lambda k: episode_return(k, "swing_up")))(keys)
    rand = jax.jit(jax.vmap(lambda k: episode_return(k, "random")))(keys)
    assert swing.mean() > -250 and rand.mean() < -900


def test_rejects_bad_params():
    env = Pendulum()
    with pytest.raises(ValueError, match="dt"):
        env.reset(jax.random.PRNGKey(0), env.default_params.replace(dt=0.0))

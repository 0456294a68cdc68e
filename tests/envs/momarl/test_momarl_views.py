"""The multi-objective environments through MOMAland's and PettingZoo's tests and wrappers, Gymnasium, and LinearReward."""

import warnings

import gymnasium as gym
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import parallel_api_test

import arenax
from arenax.wrappers import GymnasiumEnv, LinearReward

momaland = pytest.importorskip("momaland", reason="MOMAland (bench extra) is needed to run its API and wrapper tests")
from momaland.test.api_test import api_test  # noqa: E402
from momaland.utils.conversions import mo_parallel_to_aec  # noqa: E402
from momaland.utils.parallel_wrappers import CentraliseAgent, LinearizeReward, NormalizeReward  # noqa: E402

MOMARL_IDS = arenax.list_envs("momarl")
SMALL = {"MO-Beach-v0": {"num_agents": 6}, "MO-RouteChoice-v0": {"num_agents": 6}}
"""Fewer agents where the registered environment has many, so that MOMAland's per-agent Python loops stay quick."""


def small_parallel_env(env_id):
    return arenax.parallel_env(env_id, **SMALL.get(env_id, {}))


def run_momaland_parallel_wrappers(env_id):
    """What `momaland.test.wrapper_test.parallel_test` and `central_agent_test` do, with assertions.

    That module cannot be imported with Gymnasium 1.x: MOMAland 0.2.0's AEC wrappers import
    `gymnasium.wrappers.normalize`, which Gymnasium 1.0 removed; its parallel wrappers work.
    """
    env = small_parallel_env(env_id)
    weights = {agent: np.random.default_rng(0).dirichlet(np.ones(env.num_objectives)) for agent in env.possible_agents}
    env = LinearizeReward(env, weights)
    for agent in env.possible_agents:
        for index in range(env.reward_space(agent).shape[0]):
            env = NormalizeReward(env, agent, index)
    env.reset(seed=42)
    while env.agents:
        _, rewards, *_ = env.step({agent: env.action_space(agent).sample() for agent in env.agents})
        assert all(isinstance(rewards[agent], np.float64) for agent in env.possible_agents)
    central = CentraliseAgent(small_parallel_env(env_id))
    central.reset(seed=42)
    _, reward, terminated, truncated, _ = central.step(central.action_space.sample())
    assert reward.shape == central.reward_space.shape and isinstance(terminated, (bool, np.bool_))


@pytest.mark.parametrize("env_id", MOMARL_IDS)
def test_momaland_and_pettingzoo_tests_accept_the_parallel_view(env_id):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parallel_api_test(small_parallel_env(env_id), num_cycles=10)
        api_test(mo_parallel_to_aec(small_parallel_env(env_id)), num_cycles=10)
        run_momaland_parallel_wrappers(env_id)


def test_momaland_wrappers_see_vector_rewards_and_the_world_state():
    env = small_parallel_env("MO-ItemGathering-v0")
    assert env.reward_spaces["agent_0"].shape == (3,) and env.metadata["central_observation"]
    weights = {"agent_0": np.array([1.0, 0.0, 0.0]), "agent_1": np.array([0.0, 0.0, 1.0])}
    linear = LinearizeReward(env, weights)
    linear.reset(seed=0)
    _, rewards, *_ = linear.step({"agent_0": 0, "agent_1": 0})
    assert rewards == {"agent_0": 0.0, "agent_1": 0.0}
    central = CentraliseAgent(small_parallel_env("MO-ItemGathering-v0"))
    obs, _ = central.reset(seed=0)
    assert obs.shape == (64,) and obs.min() == -2.0, "MOMAland's map: agents are -1 and -2"
    obs, reward, terminated, truncated, _ = central.step(np.array([0, 0]))
    assert reward.shape == (3,) and not terminated and not truncated


def gym_checked(env_id):
    """`gym.make` of `env_id` after Gymnasium's checker, which warns about any non-scalar reward (MO-Gymnasium's too)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=UserWarning)
        warnings.filterwarnings("ignore", message=".*reward returned by `step\\(\\)` must be a float", category=UserWarning)
        env = gym.make(f"arenax/{env_id}", render_mode="rgb_array", **SMALL.get(env_id, {}))
        check_env(env.unwrapped, skip_render_check=False)
    return env


@pytest.mark.parametrize("env_id", MOMARL_IDS)
def test_gymnasium_view_returns_numpy_vector_rewards(env_id):
    env = gym_checked(env_id)
    base = env.unwrapped.env
    # The team's reward is the sum over its agents, and so is its reward space.
    space = env.unwrapped.reward_space
    np.testing.assert_allclose(space.high, base.reward_space.high * base.num_agents)
    np.testing.assert_allclose(space.low, base.reward_space.low * base.num_agents)
    env.reset(seed=0)
    _, reward, _, _, info = env.step(env.action_space.sample())
    assert isinstance(reward, np.ndarray) and reward.dtype == np.float32 and reward.shape == base.reward_space.shape
    np.testing.assert_allclose(reward, info["agent_rewards"].sum(axis=0), rtol=1e-6)


def test_linear_reward_scalarises_per_agent():
    env = arenax.make("MO-RouteChoice-v0", network="braess", num_agents=4)
    weights = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.2, 0.8]], np.float32)
    linear = LinearReward(env, weights)
    assert linear.reward_space is None and linear.zero_reward().shape == (4,)
    state, ts = linear.reset(jax.random.PRNGKey(0))
    assert ts.reward.shape == (4,)
    actions = jnp.array([1, 1, 2, 2])
    _, vector = env.step(env.reset(jax.random.PRNGKey(0))[0], actions)
    _, scalar = jax.jit(linear.step)(state, actions)
    np.testing.assert_allclose(scalar.reward, (np.asarray(vector.reward) * weights).sum(axis=1), rtol=1e-6)
    np.testing.assert_allclose(scalar.reward, [-0.5, -1 / 6, -1 / 3, -(0.1 + 0.8 / 6)], rtol=1e-5)


def test_linear_reward_through_gymnasium_gives_floats():
    env = GymnasiumEnv(LinearReward(arenax.make("MO-Connect4-v0"), [1.0, 0.5]))
    assert not hasattr(env, "reward_space")
    env.reset(seed=0)
    _, reward, *_ = env.step(np.array([3, 7]))
    assert type(reward) is float


@pytest.mark.parametrize("weights, problem", [([1.0, 2.0, 3.0], "shape"), ([np.nan, 1.0], "finite")])
def test_linear_reward_rejects_bad_weights(weights, problem):
    with pytest.raises(ValueError, match=problem):
        LinearReward(arenax.make("MO-Connect4-v0"), weights)
    with pytest.raises(ValueError, match="scalar rewards"):
        LinearReward(arenax.make("CartPole-v1"), [1.0])

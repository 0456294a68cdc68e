"""The Gymnasium, Gymnasium-vector and PettingZoo views of JAX environments."""

import gymnasium as gym
import jax
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from gymnasium.vector import AutoresetMode
from pettingzoo.test import parallel_api_test

import arenax
from arenax.wrappers import AutoReset, GymnasiumEnv, JaxVectorEnv, PettingZooParallelEnv

from coordination_game import CoordinationGame


@pytest.fixture(scope="module")
def cartpole_gym():
    return gym.make("arenax/CartPole-v1")


@pytest.fixture(scope="module")
def cartpole_vec():
    return gym.make_vec("arenax/CartPole-v1", num_envs=4)


def test_gym_make_gives_numpy_in_and_out(cartpole_gym):
    obs, info = cartpole_gym.reset(seed=0)
    assert isinstance(obs, np.ndarray) and obs.dtype == np.float32 and obs.shape == (4,)
    obs, reward, terminated, truncated, info = cartpole_gym.step(1)
    assert isinstance(obs, np.ndarray) and type(reward) is float
    assert type(terminated) is bool and type(truncated) is bool


@pytest.mark.parametrize(
    "bad_action, problem",
    [(2, "outside"), (-1, "outside"), (0.5, "integer dtype"), (np.array([0, 1]), "shape"), ("left", "integer dtype")],
)
def test_gym_view_rejects_bad_actions_naming_the_space(cartpole_gym, bad_action, problem):
    cartpole_gym.reset(seed=0)
    with pytest.raises(ValueError, match="Discrete\\(2\\)") as error:
        cartpole_gym.unwrapped.step(bad_action)
    assert problem in str(error.value)


def test_gym_view_full_episode_reaches_truncation_at_500():
    env = GymnasiumEnv(arenax.make("CartPole-v1"))
    env.reset(seed=1)
    steps = 0
    terminated = truncated = False
    while not (terminated or truncated):
        obs, _, terminated, truncated, _ = env.step(int(obs[2] + 0.5 * obs[3] > 0) if steps else 0)
        steps += 1
    assert truncated and not terminated and steps == 500


def test_make_vec_declares_same_step_autoreset(cartpole_vec):
    assert isinstance(cartpole_vec, JaxVectorEnv)
    assert cartpole_vec.metadata["autoreset_mode"] == AutoresetMode.SAME_STEP
    obs, _ = cartpole_vec.reset(seed=3)
    assert obs.shape == (4, 4) and cartpole_vec.observation_space.contains(obs)
    finished = np.zeros(4, bool)
    for _ in range(200):
        obs, reward, terminated, truncated, info = cartpole_vec.step(np.zeros(4, np.int64))
        done = terminated | truncated
        np.testing.assert_array_equal(info["_final_obs"], done)
        if done.any():
            # The returned observation already starts a new episode, near CartPole's reset range.
            assert np.all(np.abs(obs[done]) <= 0.05)
            assert np.all(np.abs(info["final_obs"][done][:, 2]) > 0.2) | np.all(np.abs(info["final_obs"][done][:, 0]) > 2.4)
        finished |= done
        if finished.all():
            break
    assert finished.all()


@pytest.mark.parametrize("make_env", [lambda: arenax.make("CartPole-v1"), CoordinationGame], ids=["cartpole", "multi-agent"])
def test_make_vec_steps_as_every_environment_under_its_own_auto_reset(make_env):
    num_envs, seed = 32, 5
    vec = JaxVectorEnv(make_env(), num_envs=num_envs)
    reference = jax.jit(jax.vmap(AutoReset(make_env()).step))
    state, ts = jax.vmap(AutoReset(make_env()).reset)(jax.random.split(jax.random.PRNGKey(seed), num_envs))
    obs, _ = vec.reset(seed=seed)
    np.testing.assert_array_equal(obs, np.asarray(ts.obs))
    rng = np.random.default_rng(0)
    ended = 0
    for _ in range(40):
        actions = np.stack([vec.single_action_space.sample() for _ in range(num_envs)])
        actions = np.where(rng.random(actions.shape) < 0.5, actions, actions.min())
        state, ts = reference(state, actions)
        obs, reward, terminated, truncated, info = vec.step(actions)
        team_reward = np.asarray(ts.reward).reshape(num_envs, -1).sum(axis=1)
        # Two separately compiled programs may round a multiply-add differently (XLA's CPU contraction).
        np.testing.assert_allclose(obs, np.asarray(ts.obs), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(info["final_obs"], np.asarray(ts.info["final_obs"]), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(reward, team_reward, rtol=1e-6)
        np.testing.assert_array_equal(terminated, np.asarray(ts.terminated))
        np.testing.assert_array_equal(truncated, np.asarray(ts.truncated))
        ended += int((terminated | truncated).sum())
    assert ended > 0


def test_make_vec_outputs_are_writable_and_keep_their_values(cartpole_vec):
    cartpole_vec.reset(seed=0)
    first, *_ = cartpole_vec.step(np.zeros(4, np.int64))
    kept = first.copy()
    cartpole_vec.step(np.ones(4, np.int64))
    np.testing.assert_array_equal(first, kept)
    first += 1.0


def test_make_vec_rejects_a_wrong_batch(cartpole_vec):
    cartpole_vec.reset(seed=0)
    with pytest.raises(ValueError, match="batched action_space"):
        cartpole_vec.step(np.zeros(3, np.int64))
    with pytest.raises(ValueError, match="outside"):
        cartpole_vec.step(np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="outside"):
        cartpole_vec.step(np.array([0, -1, 1, 0]))
    with pytest.raises(ValueError, match="integer dtype"):
        cartpole_vec.step(np.array([0.0, 1.0, 1.0, 0.0]))


def test_make_vec_seeds_are_reproducible(cartpole_vec):
    first, _ = cartpole_vec.reset(seed=[1, 2, 3, 4])
    again, _ = cartpole_vec.reset(seed=[1, 2, 3, 4])
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first[0], first[1])


def test_unknown_id_lists_the_closest_ids():
    with pytest.raises(LookupError, match="Closest registered ids: CartPole-v1"):
        arenax.make("CartPoel-v1")


def test_gym_make_works_without_importing_arenax(tmp_path):
    import subprocess
    import sys

    code = "import sys, gymnasium as gym; e = gym.make('arenax/CartPole-v1'); print(e.reset(seed=0)[0].shape)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "(4,)"
    # PettingZoo imports Gymnasium, whose hook then loads arenax: arenax must not import PettingZoo back.
    code = "import pettingzoo, gymnasium as gym, arenax; print(type(arenax.parallel_env('MO-Beach-v0')).__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr


@pytest.fixture(scope="module")
def coordination():
    return CoordinationGame()


def test_multi_agent_gym_view_passes_check_env_and_sums_rewards(coordination):
    env = GymnasiumEnv(coordination)
    check_env(env)
    env.reset(seed=0)
    _, reward, _, _, info = env.step(np.array([1, 1, 1]))
    assert reward == 3.0 and info["agent_rewards"].tolist() == [1.0, 1.0, 1.0]


def test_parallel_env_passes_pettingzoo_api_test(coordination):
    parallel_api_test(PettingZooParallelEnv(coordination), num_cycles=30)


def test_parallel_env_masks_state_and_bad_actions(coordination):
    env = PettingZooParallelEnv(coordination)
    observations, infos = env.reset(seed=0)
    assert set(observations) == set(env.possible_agents)
    assert infos["agent_0"]["action_mask"].tolist() == [True, True, True, True]
    assert env.state().shape == coordination.single_agent_observation_space.shape
    with pytest.raises(ValueError, match="missing \\['agent_2'\\]"):
        env.step({"agent_0": 0, "agent_1": 0})
    with pytest.raises(ValueError, match="action_space\\('agent_1'\\)"):
        env.step({"agent_0": 0, "agent_1": 9, "agent_2": 0})
    _, rewards, _, _, infos = env.step({"agent_0": 3, "agent_1": 3, "agent_2": 3})
    assert rewards == {agent: 1.0 for agent in env.possible_agents}
    assert env.agents == []


def test_multi_objective_parallel_env_has_vector_rewards():
    env = PettingZooParallelEnv(CoordinationGame(objectives=2))
    env.reset(seed=0)
    assert env.reward_space("agent_0").shape == (2,) and env.num_objectives == 2
    _, rewards, _, _, _ = env.step({"agent_0": 3, "agent_1": 3, "agent_2": 3})
    assert rewards["agent_0"].dtype == np.float32 and rewards["agent_0"].tolist() == [1.0, 1.0]


def test_multi_agent_vector_env(coordination):
    vec = JaxVectorEnv(coordination, num_envs=2)
    obs, info = vec.reset(seed=0)
    assert obs.shape == (2, 3, 13) and info["action_mask"].shape == (2, 3, 4)
    _, reward, _, _, info = vec.step(np.array([[1, 1, 1], [1, 2, 1]]))
    assert reward.tolist() == [3.0, 0.0] and info["agent_rewards"].shape == (2, 3)


def test_sample_action_honours_the_mask(coordination):
    state, ts = coordination.reset(jax.random.PRNGKey(0))
    state, ts = coordination.step(state, np.array([1, 1, 1]))
    actions = jax.vmap(lambda k: coordination.sample_action(k, ts))(jax.random.split(jax.random.PRNGKey(1), 200))
    assert int(np.asarray(actions).min()) == 1

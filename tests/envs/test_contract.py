"""The environment contract, checked on every registered JAX environment (discovered from the registry)."""

import warnings

import gymnasium as gym
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import parallel_api_test

import arenax
from arenax.wrappers import TimeLimit

REPRESENTATIVES = {
    # Families whose ids are one environment class under different scenarios or characters: checking every id would
    # cost minutes of compilation for little more coverage. Each family's own tests cover the rest of its ids.
    "smax": ("SMAX-3m-v0", "SMAX-2s3z-v0", "SMAX-MMM-v0", "SMAX-v2-protoss-5v5-v0", "SMAX-3m-selfplay-v0"),
    "fight": ("Fight-v0", "FightLadder-Ryn-v0", "FightLadder-Mirage-v0"),
}
JAX_IDS = [
    env_id
    for env_id in arenax.list_envs()
    if arenax.spec(env_id).kind == "jax"
    and env_id in REPRESENTATIVES.get(arenax.spec(env_id).family, (env_id,))
]
STEPS = 6


def rollout(reset, step, sample, key, steps=STEPS):
    """States and time steps of `steps` random steps from `reset(key)`, with the actions taken."""
    state, ts = reset(key)
    trajectory = [ts]
    actions = []
    for i in range(steps):
        action = sample(jax.random.fold_in(key, i), ts)
        state, ts = step(state, action)
        actions.append(action)
        trajectory.append(ts)
    return state, trajectory, actions


def assert_trees_equal(a, b, exact=False):
    leaves_a, tree_a = jax.tree_util.tree_flatten(a)
    leaves_b, tree_b = jax.tree_util.tree_flatten(b)
    assert tree_a == tree_b
    for x, y in zip(leaves_a, leaves_b):
        x, y = np.asarray(x), np.asarray(y)
        assert x.shape == y.shape and x.dtype == y.dtype
        if exact or not np.issubdtype(x.dtype, np.floating):
            np.testing.assert_array_equal(x, y)
        else:
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="module", params=JAX_IDS)
def env_and_jitted(request):
    env = arenax.make(request.param)
    return request.param, env, jax.jit(env.reset), jax.jit(env.step)


def test_gymnasium_check_env(env_and_jitted):
    env_id = env_and_jitted[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=UserWarning)
        if env_and_jitted[1].reward_space is not None:
            # Gymnasium's checker asks for float rewards; MO-Gymnasium's convention is a vector.
            warnings.filterwarnings("ignore", message=".*reward returned by `step\\(\\)` must be a float", category=UserWarning)
        # A recommendation, not a contract: Gymnasium's own Pendulum-v1 torque space, Box(-2, 2), draws it too.
        warnings.filterwarnings("ignore", message=".*symmetric and normalized space", category=UserWarning)
        gym_env = gym.make(f"arenax/{env_id}", render_mode="rgb_array")
        check_env(gym_env.unwrapped, skip_render_check=False)
    frame = gym_env.unwrapped.render()
    assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[-1] == 3


def test_parallel_api_for_multi_agent(env_and_jitted):
    env_id, env, _, _ = env_and_jitted
    if not env.is_multi_agent:
        pytest.skip(f"{env_id} is single-agent: PettingZoo's parallel test applies to multi-agent environments")
    parallel_api_test(arenax.parallel_env(env_id), num_cycles=20)


def test_jit_equals_eager_and_same_seed_same_trajectory(env_and_jitted):
    _, env, reset, step = env_and_jitted
    key = jax.random.PRNGKey(7)
    state_jit, traj_jit, _ = rollout(reset, step, env.sample_action, key)
    state_again, traj_again, _ = rollout(reset, step, env.sample_action, key)
    assert int(state_jit.time) == STEPS, "every step advances state.time by one"
    assert_trees_equal((state_jit, traj_jit), (state_again, traj_again), exact=True)
    with jax.disable_jit():
        state_eager, traj_eager, _ = rollout(env.reset, env.step, env.sample_action, key)
    assert_trees_equal((state_jit, traj_jit), (state_eager, traj_eager))


def test_spaces_hold_observations_and_sampled_actions(env_and_jitted):
    _, env, reset, step = env_and_jitted
    _, trajectory, actions = rollout(reset, step, env.sample_action, jax.random.PRNGKey(3))
    for ts in trajectory:
        assert env.observation_space.contains(jax.tree_util.tree_map(np.asarray, ts.obs))
        assert ts.terminated.shape == () and ts.truncated.shape == ()
        assert ts.terminated.dtype == jnp.bool_ and ts.truncated.dtype == jnp.bool_
        assert ts.reward.shape == env.zero_reward().shape and ts.reward.dtype == jnp.float32
    for action in actions:
        assert env.action_space.contains(np.asarray(action))
    assert [sorted(ts.info) for ts in trajectory] == [sorted(trajectory[0].info)] * len(trajectory)


def test_vmap_equals_single_environments(env_and_jitted):
    _, env, reset, step = env_and_jitted
    keys = jax.random.split(jax.random.PRNGKey(11), 3)
    states, ts = jax.jit(jax.vmap(env.reset))(keys)
    actions = jax.vmap(env.sample_action)(keys, ts)
    states, ts = jax.jit(jax.vmap(env.step))(states, actions)
    for i, key in enumerate(keys):
        single_state, single_ts = reset(key)
        single_state, single_ts = step(single_state, jax.tree_util.tree_map(lambda a: a[i], actions))
        assert_trees_equal((single_state, single_ts), jax.tree_util.tree_map(lambda a: a[i], (states, ts)))


def test_time_limit_sets_truncated_not_terminated(env_and_jitted):
    _, env, reset, step = env_and_jitted
    limited = TimeLimit(env, max_steps=2)
    key = jax.random.PRNGKey(5)
    state, ts = reset(key)
    limited_state, _ = limited.reset(key)
    for t in range(1, 3):
        action = env.sample_action(jax.random.fold_in(key, t), ts)
        state, ts = step(state, action)
        limited_state, limited_ts = jax.jit(limited.step)(limited_state, action)
        assert bool(limited_ts.terminated) == bool(ts.terminated)
        assert bool(limited_ts.truncated) == (bool(ts.truncated) or (t >= 2 and not bool(ts.terminated)))
        if bool(ts.terminated | ts.truncated):
            break


def test_params_live_in_the_state(env_and_jitted):
    _, env, reset, _ = env_and_jitted
    state, _ = reset(jax.random.PRNGKey(0))
    assert_trees_equal(state.params, jax.tree_util.tree_map(jnp.asarray, env.default_params))
    assert state.time.dtype == jnp.int32 and int(state.time) == 0


@pytest.mark.parametrize("env_id", ["MineSweeper-easy-v0", "SMAX-3m-v0", "MO-Beach-v0", "Fight-v0"])
def test_make_vec_steps_every_family(env_id):
    """One id per family through `gym.make_vec`, whose packed buffers carry each family's mix of dtypes."""
    envs = gym.make_vec(f"arenax/{env_id}", num_envs=3)
    obs, _ = envs.reset(seed=0)
    assert envs.observation_space.contains(obs)
    for _ in range(8):
        obs, reward, terminated, truncated, info = envs.step(envs.action_space.sample())
        assert envs.observation_space.contains(obs)
        assert reward.shape[0] == 3 and reward.dtype == np.float32 and np.all(np.isfinite(reward))
        assert terminated.dtype == np.bool_ and truncated.dtype == np.bool_ and terminated.shape == (3,)
        np.testing.assert_array_equal(info["_final_obs"], terminated | truncated)

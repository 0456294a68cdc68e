"""PPO with a Gaussian head on Box actions: the head, its log-probabilities, clipping at the environment, and learning."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import struct
from gymnasium import spaces

from arenax.agents.policy import ActorCritic, Gaussian, entropy, greedy_action, log_prob, sample_action
from arenax.baselines import ppo
from arenax.baselines.encoding import action_layout
from arenax.baselines.ppo import PPO, PPOConfig
from arenax.core import Environment, EnvState, TimeStep

T, B, D, A = 5, 3, 4, 2


@struct.dataclass
class TargetState(EnvState):
    target: jax.Array


class ReachTarget(Environment):
    """Observe a target in [-1, 1]^2, act a point in Box(-2, 2, (2,)); reward minus the squared distance; 4 steps."""

    def __init__(self):
        self.single_agent_observation_space = spaces.Box(-1.0, 1.0, (2,), np.float32)
        self.single_agent_action_space = spaces.Box(-2.0, 2.0, (2,), np.float32)

    @property
    def default_params(self):
        return ()

    def reset_env(self, key, params):
        target = jax.random.uniform(key, (2,), minval=-1.0, maxval=1.0)
        state = TargetState(key=key, params=params, time=jnp.int32(0), target=target)
        return state, TimeStep(target, jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), {})

    def step_env(self, key, state, action, params):
        reward = -jnp.sum((action - state.target) ** 2).astype(jnp.float32)
        target = jax.random.uniform(key, (2,), minval=-1.0, maxval=1.0)
        time = state.time + 1
        state = state.replace(time=time, target=target)
        return state, TimeStep(target, reward, jnp.bool_(False), time >= 4, {})


def test_action_layout_of_box_and_discrete_spaces():
    layout = action_layout(spaces.Box(-2.0, 2.0, (1,), np.float32))
    assert layout.continuous and layout.size == 1 and layout.low == (-2.0,) and layout.high == (2.0,)
    assert not action_layout(spaces.Discrete(3)).continuous
    with pytest.raises(TypeError, match="finite bounds"):
        action_layout(spaces.Box(-np.inf, np.inf, (2,), np.float32))
    with pytest.raises(TypeError, match="1-D float Box"):
        action_layout(spaces.Box(-1.0, 1.0, (2, 2), np.float32))


def test_gaussian_head_has_a_state_independent_log_std():
    policy = ActorCritic(A, continuous=True, hidden_size=8)
    obs = jax.random.normal(jax.random.PRNGKey(0), (T, B, D))
    resets = jnp.ones((T, B), bool)
    params = policy.init(jax.random.PRNGKey(1), (), obs, resets)
    _, head, values = policy.apply(params, (), obs, resets)
    assert isinstance(head, Gaussian) and head.mean.shape == (T, B, A) and values.shape == (T, B)
    np.testing.assert_array_equal(head.log_std, 0.0)  # std 1 at the start, the same for every observation
    params = jax.tree_util.tree_map(lambda x: x, params)  # a mutable copy
    params["params"]["log_std"] = jnp.array([0.5, -1.0])
    _, head, _ = policy.apply(params, (), obs, resets)
    np.testing.assert_allclose(head.log_std, np.broadcast_to([0.5, -1.0], (T, B, A)))
    assert np.abs(np.diff(np.asarray(head.mean), axis=0)).max() > 0  # while the mean depends on the observation


def test_gaussian_log_prob_entropy_and_sampling_match_the_normal_distribution():
    head = Gaussian(jnp.array([[0.5, -1.0]]), jnp.array([[0.2, -0.7]]))
    action = jnp.array([[1.5, -3.0]])
    std = np.exp([0.2, -0.7])
    expected = np.sum(-0.5 * ((np.array([1.5, -3.0]) - [0.5, -1.0]) / std) ** 2 - np.log(std * np.sqrt(2 * np.pi)))
    np.testing.assert_allclose(log_prob(head, None, action), [expected], rtol=1e-5)
    np.testing.assert_allclose(entropy(head, None), [np.sum(0.5 * np.log(2 * np.pi * np.e * std**2))], rtol=1e-5)
    np.testing.assert_array_equal(greedy_action(head, None), head.mean)
    draws = jax.vmap(lambda k: sample_action(head, None, k))(jax.random.split(jax.random.PRNGKey(0), 20000))[:, 0]
    np.testing.assert_allclose(draws.mean(0), [0.5, -1.0], atol=0.03)
    np.testing.assert_allclose(draws.std(0), std, rtol=0.03)


@pytest.fixture(scope="module")
def target_run():
    config = PPOConfig(
        env_id="ReachTarget", num_envs=8, rollout_length=16, num_minibatches=2, num_epochs=4, features=32,
        learning_rate=3e-3, anneal_learning_rate=False, entropy_coef=0.0, total_timesteps=8 * 16 * 60,
        updates_per_chunk=20,
    )
    return config, ReachTarget()


def test_rollout_trains_on_unclipped_draws_and_steps_the_env_with_clipped_ones(target_run):
    config, env = target_run
    algorithm = PPO(config, env)
    state = jax.jit(algorithm.init)(jax.random.PRNGKey(0))
    _, transitions, _ = jax.jit(algorithm.rollout)(state.learner.params, state.actor, jax.random.PRNGKey(1))
    action = np.asarray(transitions.action)
    assert action.shape == (config.rollout_length, config.num_envs, 2) and action.dtype == np.float32
    assert (np.abs(action) > 2.0).any(), "with std 1 some draws leave the bounds"
    # The environment saw the clipped action: its reward is that of the clipped point.
    _, head, _ = algorithm.policy.apply(state.learner.params, (), transitions.obs, transitions.reset)
    np.testing.assert_allclose(transitions.log_prob, log_prob(head, None, transitions.action), atol=1e-5)
    targets = np.asarray(transitions.obs)
    expected = -np.sum((np.clip(action, -2.0, 2.0) - targets) ** 2, -1)
    np.testing.assert_allclose(transitions.reward, expected, rtol=1e-5, atol=1e-5)


def test_ppo_learns_a_continuous_target(target_run):
    config, env = target_run
    result = ppo.train(config, env=env)
    # A mean that ignores the target errs by 2/3 on average (the target's variance over both dimensions).
    algorithm = PPO(config, env)
    params = jax.tree_util.tree_map(lambda leaf: leaf[0], result.state.learner.params)
    obs = jax.random.uniform(jax.random.PRNGKey(5), (256, 2), minval=-1.0, maxval=1.0)
    _, head, _ = algorithm.policy.apply(params, (), obs, jnp.ones(256, bool), method="step")
    error = np.mean(np.sum((np.asarray(head.mean) - np.asarray(obs)) ** 2, -1))
    assert error < 0.15, f"the mean action should track the target; mean squared error {error:.3f}"
    assert float(np.exp(np.asarray(head.log_std)).mean()) < 1.0, "the std shrinks as the policy learns"

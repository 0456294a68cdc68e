"""PPO's pieces: configuration checks, GAE with truncation, final-observation values, action masks, carry replay."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from ppo_test_envs import MASKED_CHOICE, SHORT_CARTPOLE, registered_test_envs

from arenax.baselines import ppo
from arenax.baselines.ppo import PPO, PPOConfig, Transition

GRU_SHORT = PPOConfig(
    env_id=SHORT_CARTPOLE, backbone="gru", features=16, num_envs=4, rollout_length=16, num_epochs=1, num_minibatches=2
)


def test_config_errors_name_the_problem():
    with pytest.raises(ValueError, match="num_envs .* multiple of num_minibatches"):
        PPOConfig(num_envs=6, num_minibatches=4)
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        PPOConfig(learning_rate=0.0)
    with pytest.raises(ValueError, match="rollout_length must be at least 1"):
        PPOConfig(rollout_length=0)
    with pytest.raises(ValueError, match="unknown backbone 'nope'.*gru"):
        PPO(PPOConfig(backbone="nope"))
    with pytest.raises(Exception, match="Unknown arenax environment"):
        PPO(PPOConfig(env_id="NoSuchEnv-v0"))


def test_run_length_rounds_up_to_whole_chunks():
    config = PPOConfig(num_envs=4, rollout_length=8, updates_per_chunk=3, total_timesteps=100)
    assert config.steps_per_update == 32
    assert config.num_chunks == 2 and config.num_updates == 6


def reference_gae(reward, value, final_value, last_value, terminated, truncated, gamma, lam):
    steps = len(reward)
    advantage = np.zeros_like(reward)
    following = np.zeros_like(last_value)
    for t in reversed(range(steps)):
        next_value = last_value if t == steps - 1 else value[t + 1]
        bootstrap = np.where(terminated[t], 0.0, np.where(truncated[t], final_value[t], next_value))
        done = terminated[t] | truncated[t]
        following = reward[t] + gamma * bootstrap - value[t] + gamma * lam * (1.0 - done) * following
        advantage[t] = following
    return advantage


def test_gae_bootstraps_on_truncation_and_not_on_termination():
    rng = np.random.default_rng(0)
    steps, envs = 12, 5
    reward, value, final_value = (rng.normal(size=(steps, envs)).astype(np.float32) for _ in range(3))
    last_value = rng.normal(size=envs).astype(np.float32)
    terminated = rng.random((steps, envs)) < 0.15
    truncated = (rng.random((steps, envs)) < 0.15) & ~terminated
    assert terminated.any() and truncated.any()
    zeros = np.zeros((steps, envs))
    transitions = Transition(
        obs=zeros, reset=zeros, action_mask=zeros, critic_obs=None, action=zeros, log_prob=zeros, value=value, reward=reward,
        terminated=terminated, truncated=truncated, final_value=final_value,
        episode_return=zeros, episode_length=zeros, episode_done=zeros, outcomes={},
    )
    algorithm = PPO(PPOConfig(gamma=0.9, gae_lambda=0.8))
    advantage = algorithm.advantages(transitions, jnp.asarray(last_value))
    expected = reference_gae(reward, value, final_value, last_value, terminated, truncated, 0.9, 0.8)
    np.testing.assert_allclose(advantage, expected, rtol=1e-5, atol=1e-5)
    # A truncated step's advantage depends on the final observation's value, a terminated step's does not.
    bumped = transitions.replace(final_value=final_value + 1.0)
    changed = np.abs(algorithm.advantages(bumped, jnp.asarray(last_value)) - advantage) > 1e-6
    t, e = np.nonzero(truncated)
    assert changed[t, e].all()
    t, e = np.nonzero(terminated)
    assert not changed[t, e].any()


@pytest.fixture(scope="module", autouse=True)
def test_envs():
    with registered_test_envs():
        yield


@pytest.fixture(scope="module")
def gru_rollouts():
    """Two consecutive GRU rollouts on truncating CartPole, acted with the same parameters."""
    algorithm = PPO(GRU_SHORT)
    state = jax.jit(algorithm.init)(jax.random.PRNGKey(0))
    rollout = jax.jit(algorithm.rollout)
    params = state.learner.params
    middle, first, _ = rollout(params, state.actor, jax.random.PRNGKey(1))
    end, second, last_value = rollout(params, middle, jax.random.PRNGKey(2))
    return algorithm, params, state.actor, middle, first, second, last_value


def test_final_value_continues_the_ended_episode_memory(gru_rollouts):
    _, _, _, _, transitions, _, _ = gru_rollouts
    done = np.asarray(transitions.terminated | transitions.truncated)
    assert np.asarray(transitions.truncated).sum() >= 4, "the 6-step limit truncates episodes in every env"
    value, final_value = np.asarray(transitions.value), np.asarray(transitions.final_value)
    # Where the episode goes on, the final observation is the next one and the carry the same, so the
    # values agree; where it was truncated, the next value belongs to a new episode with fresh memory.
    going_on = ~done[:-1]
    np.testing.assert_allclose(final_value[:-1][going_on], value[1:][going_on], rtol=1e-5, atol=1e-6)
    truncated = np.asarray(transitions.truncated)[:-1]
    assert (np.abs(final_value[:-1][truncated] - value[1:][truncated]) > 1e-6).all()


def replayed_log_probs(algorithm, params, batch):
    _, logits, _ = algorithm.policy.apply(params, batch.carry, batch.obs, batch.resets)
    logits = ppo.masked_logits(logits[-algorithm.config.rollout_length :], batch.action_mask)
    return jnp.take_along_axis(jax.nn.log_softmax(logits), batch.action[..., None], -1)[..., 0]


@pytest.mark.parametrize("replay_rollouts", [0, 1])
def test_training_replays_the_acting_policy_exactly(gru_rollouts, replay_rollouts):
    algorithm, params, start, middle, first, second, last_value = gru_rollouts
    config = dataclasses.replace(GRU_SHORT, replay_rollouts=replay_rollouts)
    replaying = PPO(config)
    actor = middle
    if replay_rollouts:
        past = jax.jit(replaying.init)(jax.random.PRNGKey(0)).actor.past
        actor = middle.replace(past=replaying.remember(past, start.carry, first))
    batch = replaying.training_batch(actor, second, replaying.advantages(second, last_value))
    assert batch.obs.shape[0] == (replay_rollouts + 1) * config.rollout_length
    np.testing.assert_allclose(replayed_log_probs(replaying, params, batch), second.log_prob, atol=2e-5)


def test_replay_recomputes_carries_with_the_current_parameters(gru_rollouts):
    algorithm, params, start, middle, first, second, last_value = gru_rollouts
    replaying = PPO(dataclasses.replace(GRU_SHORT, replay_rollouts=1))
    past = jax.jit(replaying.init)(jax.random.PRNGKey(0)).actor.past
    actor = middle.replace(past=replaying.remember(past, start.carry, first))
    replayed = replaying.training_batch(actor, second, replaying.advantages(second, last_value))
    stored = algorithm.training_batch(middle, second, algorithm.advantages(second, last_value))
    new_params = jax.tree_util.tree_map(lambda p: p * 1.5, params)
    # Every env starts an episode within the replayed rollout, so the window's first carry is irrelevant...
    zero_start = replayed.replace(carry=jax.tree_util.tree_map(jnp.zeros_like, replayed.carry))
    np.testing.assert_allclose(
        replayed_log_probs(replaying, new_params, replayed),
        replayed_log_probs(replaying, new_params, zero_start),
        atol=1e-5,
    )
    # ...while the carry stored at the rollout's start, computed by the old parameters, changes the result.
    difference = replayed_log_probs(replaying, new_params, replayed) - replayed_log_probs(algorithm, new_params, stored)
    assert np.abs(difference[0]).max() > 1e-4


def test_action_masks_are_honoured():
    config = PPOConfig(
        env_id=MASKED_CHOICE, features=16, num_envs=8, rollout_length=16, num_minibatches=2,
        learning_rate=1e-2, anneal_learning_rate=False, entropy_coef=0.0,
    )
    algorithm = PPO(config)
    state = jax.jit(algorithm.init)(jax.random.PRNGKey(0))
    update = jax.jit(algorithm.update)
    rollout = jax.jit(algorithm.rollout)
    for i in range(20):
        if i % 4 == 0:
            _, transitions, _ = rollout(state.learner.params, state.actor, jax.random.PRNGKey(i))
            mask = np.asarray(transitions.action_mask)
            action = np.asarray(transitions.action)
            assert not mask.all(), "the test environment forbids some actions"
            assert np.take_along_axis(mask, action[..., None], -1).all(), "an action forbidden by the mask was taken"
        state, metrics = update(state)
        assert all(np.isfinite(np.asarray(v)).all() for v in metrics.values())
    # Learning favours the highest allowed action: the mean reward rises above a uniform allowed choice's.
    _, transitions, _ = rollout(state.learner.params, state.actor, jax.random.PRNGKey(99))
    mask = np.asarray(transitions.action_mask)
    uniform = (mask * np.arange(4)).sum(-1) / mask.sum(-1)
    assert np.asarray(transitions.reward).mean() > uniform.mean() + 0.1


def test_update_slides_the_replay_window_over_the_rollout_it_trained_on():
    replaying = PPO(dataclasses.replace(GRU_SHORT, replay_rollouts=2))
    state = jax.jit(replaying.init)(jax.random.PRNGKey(0))
    update, rollout = jax.jit(replaying.update), jax.jit(replaying.rollout)
    for _ in range(3):
        _, rollout_key, _ = jax.random.split(state.learner.key, 3)
        _, transitions, _ = rollout(state.learner.params, state.actor, rollout_key)
        previous_newest = state.actor.past.obs[:, -1]
        carry_before = state.actor.carry
        state, metrics = update(state)
        past = state.actor.past
        np.testing.assert_array_equal(past.obs[:, -1], np.moveaxis(np.asarray(transitions.obs), 0, 1))
        np.testing.assert_array_equal(past.resets[:, -1], np.moveaxis(np.asarray(transitions.reset), 0, 1))
        np.testing.assert_array_equal(past.carries[:, -1], carry_before)
        np.testing.assert_array_equal(past.obs[:, 0], previous_newest)
        assert np.isfinite(np.asarray(metrics["policy_loss"]))

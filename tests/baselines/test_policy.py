"""The actor-critic network: its one-step mode replays its parallel mode, memory resets at episode starts."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from arenax.agents import backbones
from arenax.agents.policy import ActorCritic

T, B, D, A = 7, 3, 5, 4


def run_both_modes(policy: ActorCritic, seed: int = 0):
    keys = jax.random.split(jax.random.PRNGKey(seed), 3)
    obs = jax.random.normal(keys[0], (T, B, D))
    resets = jax.random.bernoulli(keys[1], 0.3, (T, B)).at[0].set(True)
    carry = policy.initialize_carry(B)
    params = policy.init(keys[2], carry, obs, resets)
    _, logits, values = jax.jit(policy.apply)(params, carry, obs, resets)

    def one_step(carry, step):
        carry, step_logits, step_value = policy.apply(params, carry, *step, method="step")
        return carry, (step_logits, step_value)

    _, (step_logits, step_values) = jax.jit(lambda c: jax.lax.scan(one_step, c, (obs, resets)))(carry)
    return (logits, values), (step_logits, step_values), (params, obs, resets)


@pytest.mark.parametrize("backbone", [None, "gru"])
def test_step_mode_matches_parallel_mode(backbone):
    module = None if backbone is None else backbones.make(backbone, features=8)
    (logits, values), (step_logits, step_values), _ = run_both_modes(ActorCritic(A, module, hidden_size=8))
    assert logits.shape == (T, B, A) and values.shape == (T, B)
    np.testing.assert_allclose(step_logits, logits, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(step_values, values, rtol=1e-5, atol=1e-6)


def test_memory_is_used_and_reset_at_episode_starts():
    policy = ActorCritic(A, backbones.make("gru", features=8), hidden_size=8)
    (_, values), _, (params, obs, resets) = run_both_modes(policy)
    carry = policy.initialize_carry(B)
    # The same last observation gives another value after another history...
    other = obs.at[:-1].set(-obs[:-1])
    no_resets = jnp.zeros_like(resets)
    _, _, v_history = policy.apply(params, carry, obs, no_resets)
    _, _, v_other = policy.apply(params, carry, other, no_resets)
    assert np.abs(v_history[-1] - v_other[-1]).max() > 1e-4
    # ...unless the last step starts an episode: then the history is forgotten.
    last_reset = no_resets.at[-1].set(True)
    _, _, v_history = policy.apply(params, carry, obs, last_reset)
    _, _, v_other = policy.apply(params, carry, other, last_reset)
    np.testing.assert_allclose(v_history[-1], v_other[-1], rtol=1e-6)


def test_memoryless_policy_has_an_empty_carry():
    policy = ActorCritic(A)
    assert policy.initialize_carry(B) == ()


def test_memoryless_policy_ignores_episode_starts():
    policy = ActorCritic(A)
    obs = jax.random.normal(jax.random.PRNGKey(3), (T, B, D))
    starts, no_starts = jnp.ones((T, B), bool), jnp.zeros((T, B), bool)
    params = policy.init(jax.random.PRNGKey(4), (), obs, starts)
    np.testing.assert_array_equal(policy.apply(params, (), obs, starts)[1], policy.apply(params, (), obs, no_starts)[1])

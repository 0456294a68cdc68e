"""Behaviour cloning: a policy network fitted by maximum likelihood to the dataset's actions (the offline baseline to beat).

Discrete actions: a categorical over the allowed actions. Continuous actions:
a Gaussian (bounded mean, state-independent log std); it acts on its mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import jax
import jax.numpy as jnp
import optax
from flax import struct

from arenax.baselines.offline.data import MLP, GaussianPolicy, Transitions, gaussian_log_prob, masked, run_updates


@dataclass(frozen=True)
class BCConfig:
    steps: int = 20_000
    batch_size: int = 256
    learning_rate: float = 3e-4
    hidden: tuple[int, ...] = (64, 64)
    chunk: int = 1_000
    """Updates per jitted call between two progress reports."""


@struct.dataclass
class BCState:
    params: Any
    opt_state: Any


def network(config: BCConfig, num_actions: int, action_bounds=None) -> MLP | GaussianPolicy:
    if action_bounds is not None:
        return GaussianPolicy(config.hidden, *action_bounds)
    return MLP(config.hidden, num_actions)


def train(config: BCConfig, data: Transitions, seeds: Sequence[int], on_chunk=None) -> tuple[BCState, dict]:
    """One policy per seed (vmapped); returns the states (leading seed axis) and the last chunk's losses."""
    policy = network(config, data.num_actions, data.action_bounds)
    optimizer = optax.adam(config.learning_rate)

    def init(key):
        params = policy.init(key, data.obs[:1])
        return BCState(params, optimizer.init(params))

    def loss(params, batch: Transitions):
        if batch.continuous:
            return -gaussian_log_prob(*policy.apply(params, batch.obs), batch.actions).mean()
        log_probs = jax.nn.log_softmax(masked(policy.apply(params, batch.obs), batch.mask))
        return -jnp.take_along_axis(log_probs, batch.actions[:, None], -1).mean()

    def update(state: BCState, data: Transitions, key):
        batch = data.sample(key, config.batch_size)
        value, grads = jax.value_and_grad(loss)(state.params, batch)
        updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
        return BCState(optax.apply_updates(state.params, updates), opt_state), {"bc_loss": value}

    return run_updates(init, update, data, seeds, config.steps, config.chunk, on_chunk)


def actor(config: BCConfig, num_actions: int, action_bounds=None):
    """`act(state, obs, mask, key) -> actions`: the most likely allowed action (the mean, for continuous actions)."""
    policy = network(config, num_actions, action_bounds)

    def act(state: BCState, obs, mask, key):
        if action_bounds is not None:
            return policy.apply(state.params, obs)[0]
        return jnp.argmax(masked(policy.apply(state.params, obs), mask), -1)

    return act

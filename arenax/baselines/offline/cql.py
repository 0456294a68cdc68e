"""Conservative Q-learning for discrete actions (Kumar et al., 2020): a DQN whose loss also pushes down Q off the data.

The regulariser alpha * (logsumexp_a Q(s, a) - Q(s, a_data)) keeps the Q of
actions the dataset never took below that of the actions it did; the policy
is greedy in Q over the allowed actions. Discrete actions only: there is no
continuous CQL here (use IQL or BC on continuous datasets).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import jax
import jax.numpy as jnp
import optax
from flax import struct

from arenax.baselines.offline.data import MLP, Transitions, masked, run_updates


@dataclass(frozen=True)
class CQLConfig:
    steps: int = 20_000
    batch_size: int = 256
    learning_rate: float = 3e-4
    hidden: tuple[int, ...] = (64, 64)
    gamma: float = 0.99
    alpha: float = 1.0
    """Weight of the conservative regulariser."""
    target_update_rate: float = 0.005
    chunk: int = 1_000

    def __post_init__(self):
        if self.alpha < 0:
            raise ValueError(f"CQLConfig.alpha must be >= 0, got {self.alpha}")


@struct.dataclass
class CQLState:
    params: Any
    target_params: Any
    opt_state: Any


def network(config: CQLConfig, num_actions: int) -> MLP:
    return MLP(config.hidden, num_actions)


def train(config: CQLConfig, data: Transitions, seeds: Sequence[int], on_chunk=None) -> tuple[CQLState, dict]:
    if data.continuous:
        raise ValueError("CQL here is discrete-only; this dataset has continuous actions (train iql or bc on it)")
    q_net = network(config, data.num_actions)
    optimizer = optax.adam(config.learning_rate)

    def init(key):
        params = q_net.init(key, data.obs[:1])
        return CQLState(params, params, optimizer.init(params))

    def loss(params, target_params, batch: Transitions):
        q = q_net.apply(params, batch.obs)
        q_data = jnp.take_along_axis(q, batch.actions[:, None], -1)[:, 0]
        # Double DQN: the online network picks the next action, the target network values it.
        next_action = jnp.argmax(masked(q_net.apply(params, batch.next_obs), batch.next_mask), -1)
        next_q = jnp.take_along_axis(q_net.apply(target_params, batch.next_obs), next_action[:, None], -1)[:, 0]
        target = jax.lax.stop_gradient(batch.rewards + config.gamma * (1.0 - batch.terminals) * next_q)
        td = ((q_data - target) ** 2).mean()
        conservative = (jax.nn.logsumexp(masked(q, batch.mask), -1) - q_data).mean()
        return td + config.alpha * conservative, {"td_loss": td, "cql_gap": conservative}

    def update(state: CQLState, data: Transitions, key):
        batch = data.sample(key, config.batch_size)
        grads, metrics = jax.grad(loss, has_aux=True)(state.params, state.target_params, batch)
        updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
        params = optax.apply_updates(state.params, updates)
        target = optax.incremental_update(params, state.target_params, config.target_update_rate)
        return CQLState(params, target, opt_state), metrics

    return run_updates(init, update, data, seeds, config.steps, config.chunk, on_chunk)


def actor(config: CQLConfig, num_actions: int):
    """`act(state, obs, mask, key) -> actions`: greedy in Q over the allowed actions."""
    q_net = network(config, num_actions)

    def act(state: CQLState, obs, mask, key):
        return jnp.argmax(masked(q_net.apply(state.params, obs), mask), -1)

    return act

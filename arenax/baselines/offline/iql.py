"""Implicit Q-learning (Kostrikov et al., 2021): Q and V fitted in-sample, the policy by advantage-weighted regression.

V(s) is an upper expectile of the target Q over the dataset's actions, so no
action outside the data is ever evaluated; Q regresses on r + gamma V(s'); the
policy clones the dataset's actions weighted by exp(beta (Q - V)). Discrete
actions: Q has one output per action and the policy is a categorical over the
allowed ones. Continuous actions: Q reads the action with the observation,
and the policy is a Gaussian (bounded mean, state-independent log std, as in
the paper's code) that acts on its mean.
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
class IQLConfig:
    steps: int = 20_000
    batch_size: int = 256
    learning_rate: float = 3e-4
    hidden: tuple[int, ...] = (64, 64)
    gamma: float = 0.99
    expectile: float = 0.7
    temperature: float = 3.0
    """beta: how sharply the policy prefers actions of high advantage."""
    max_weight: float = 100.0
    target_update_rate: float = 0.005
    chunk: int = 1_000

    def __post_init__(self):
        if not 0.5 <= self.expectile < 1.0:
            raise ValueError(f"IQLConfig.expectile must lie in [0.5, 1), got {self.expectile}")
        if not 0.0 < self.gamma <= 1.0:
            raise ValueError(f"IQLConfig.gamma must lie in (0, 1], got {self.gamma}")


@struct.dataclass
class IQLState:
    q_params: Any  # two Q heads, stacked on a leading axis (clipped double Q)
    target_q_params: Any
    v_params: Any
    policy_params: Any
    opt_states: Any


def networks(config: IQLConfig, num_actions: int, action_bounds=None) -> tuple[MLP, MLP, MLP | GaussianPolicy]:
    """Q, V and the policy; for continuous actions (`action_bounds` given) Q has one output and reads the action."""
    if action_bounds is not None:
        return MLP(config.hidden, 1), MLP(config.hidden, 1), GaussianPolicy(config.hidden, *action_bounds)
    return MLP(config.hidden, num_actions), MLP(config.hidden, 1), MLP(config.hidden, num_actions)


def expectile_loss(difference: jax.Array, expectile: float) -> jax.Array:
    weight = jnp.where(difference > 0, expectile, 1.0 - expectile)
    return weight * difference**2


def train(config: IQLConfig, data: Transitions, seeds: Sequence[int], on_chunk=None) -> tuple[IQLState, dict]:
    q_net, v_net, policy_net = networks(config, data.num_actions, data.action_bounds)
    q_input = jnp.concatenate([data.obs[:1], data.actions[:1]], -1) if data.continuous else data.obs[:1]
    optimizers = {name: optax.adam(config.learning_rate) for name in ("q", "v", "policy")}

    def init(key):
        q_key, v_key, policy_key = jax.random.split(key, 3)
        q_params = jax.vmap(q_net.init, in_axes=(0, None))(jax.random.split(q_key, 2), q_input)
        v_params = v_net.init(v_key, data.obs[:1])
        policy_params = policy_net.init(policy_key, data.obs[:1])
        opt_states = {
            "q": optimizers["q"].init(q_params),
            "v": optimizers["v"].init(v_params),
            "policy": optimizers["policy"].init(policy_params),
        }
        return IQLState(q_params, q_params, v_params, policy_params, opt_states)

    def q_taken(q_params, obs, actions):
        if data.continuous:
            return jax.vmap(q_net.apply, in_axes=(0, None))(q_params, jnp.concatenate([obs, actions], -1))[..., 0]
        q = jax.vmap(q_net.apply, in_axes=(0, None))(q_params, obs)  # [2, B, A]
        return jnp.take_along_axis(q, actions[None, :, None], -1)[..., 0]  # [2, B]

    def v_loss(v_params, target_q, obs):
        v = v_net.apply(v_params, obs)[:, 0]
        return expectile_loss(target_q - v, config.expectile).mean()

    def q_loss(q_params, batch: Transitions, next_v):
        target = batch.rewards + config.gamma * (1.0 - batch.terminals) * next_v
        return ((q_taken(q_params, batch.obs, batch.actions) - target[None]) ** 2).mean()

    def policy_loss(policy_params, batch: Transitions, advantage):
        weight = jnp.minimum(jnp.exp(config.temperature * advantage), config.max_weight)
        if batch.continuous:
            return -(weight * gaussian_log_prob(*policy_net.apply(policy_params, batch.obs), batch.actions)).mean()
        log_probs = jax.nn.log_softmax(masked(policy_net.apply(policy_params, batch.obs), batch.mask))
        return -(weight * jnp.take_along_axis(log_probs, batch.actions[:, None], -1)[:, 0]).mean()

    def step(name, params, grads, opt_states):
        updates, opt_state = optimizers[name].update(grads, opt_states[name], params)
        return optax.apply_updates(params, updates), {**opt_states, name: opt_state}

    def update(state: IQLState, data: Transitions, key):
        batch = data.sample(key, config.batch_size)
        target_q = q_taken(state.target_q_params, batch.obs, batch.actions).min(0)
        # V first, then Q from the new V, then the policy from both (the order of the paper's reference code).
        value_v, grads = jax.value_and_grad(v_loss)(state.v_params, target_q, batch.obs)
        v_params, opt_states = step("v", state.v_params, grads, state.opt_states)
        next_v = v_net.apply(v_params, batch.next_obs)[:, 0]
        value_q, grads = jax.value_and_grad(q_loss)(state.q_params, batch, next_v)
        q_params, opt_states = step("q", state.q_params, grads, opt_states)
        advantage = target_q - v_net.apply(v_params, batch.obs)[:, 0]
        value_pi, grads = jax.value_and_grad(policy_loss)(state.policy_params, batch, advantage)
        policy_params, opt_states = step("policy", state.policy_params, grads, opt_states)
        rate = config.target_update_rate
        target = optax.incremental_update(q_params, state.target_q_params, rate)
        metrics = {"v_loss": value_v, "q_loss": value_q, "policy_loss": value_pi, "advantage": advantage.mean()}
        return IQLState(q_params, target, v_params, policy_params, opt_states), metrics

    return run_updates(init, update, data, seeds, config.steps, config.chunk, on_chunk)


def actor(config: IQLConfig, num_actions: int, action_bounds=None):
    """`act(state, obs, mask, key) -> actions`: the policy's most likely allowed action (its mean, for continuous actions)."""
    _, _, policy_net = networks(config, num_actions, action_bounds)

    def act(state: IQLState, obs, mask, key):
        if action_bounds is not None:
            return policy_net.apply(state.policy_params, obs)[0]
        return jnp.argmax(masked(policy_net.apply(state.policy_params, obs), mask), -1)

    return act

"""What the offline learners train on: a `Transitions` pytree of arrays, minibatches drawn from it, a small MLP and a Gaussian policy."""

from __future__ import annotations

from typing import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
from flax import struct


@struct.dataclass
class Transitions:
    """Transitions over a leading axis: encoded observations `[N, D]`, actions, and what followed.

    Actions are discrete `[N]` integers, or continuous `[N, A]` floats within
    `action_bounds` (`(low, high)` tuples, None for discrete actions).
    `mask` / `next_mask` `[N, A]` are the allowed actions at the observation
    and the next one (all True where the environment has no masks, and for
    continuous actions); `terminals` is True where the episode reached a
    terminal state (no bootstrapping), never at a time limit.
    """

    obs: jax.Array
    actions: jax.Array
    rewards: jax.Array
    next_obs: jax.Array
    terminals: jax.Array
    mask: jax.Array
    next_mask: jax.Array
    action_bounds: tuple[tuple[float, ...], tuple[float, ...]] | None = struct.field(pytree_node=False, default=None)

    @property
    def size(self) -> int:
        return int(self.actions.shape[0])

    @property
    def num_actions(self) -> int:
        """The number of discrete actions, or of continuous action dimensions."""
        return int(self.mask.shape[-1])

    @property
    def continuous(self) -> bool:
        return self.action_bounds is not None

    @staticmethod
    def from_continuous(obs, actions, rewards, next_obs, terminals, low, high) -> Transitions:
        """Checked continuous transitions: `actions[N, A]` floats within `[low, high]` (each `[A]`); errors name the problem."""
        obs, next_obs = np.asarray(obs, np.float32), np.asarray(next_obs, np.float32)
        actions = np.asarray(actions)
        low, high = np.asarray(low, np.float32).reshape(-1), np.asarray(high, np.float32).reshape(-1)
        n = len(actions)
        if obs.ndim != 2 or obs.shape != next_obs.shape or len(obs) != n:
            raise ValueError(f"obs and next_obs must both be [N, D] with N = {n} actions; got {obs.shape} and {next_obs.shape}")
        if actions.ndim != 2 or not np.issubdtype(actions.dtype, np.floating) or actions.shape[1] != len(low):
            raise ValueError(f"continuous actions must be a float [N, {len(low)}] array, got {actions.dtype} {actions.shape}")
        if n == 0:
            raise ValueError("no transitions to learn from")
        if low.shape != high.shape or not (np.isfinite(low).all() and np.isfinite(high).all() and (low < high).all()):
            raise ValueError(f"action bounds must be finite with low < high, got {low} and {high}")
        if (actions < low - 1e-6).any() or (actions > high + 1e-6).any():
            raise ValueError(f"actions must lie in [{low}, {high}], found {actions.min(0)}..{actions.max(0)}")
        for name, value in (("rewards", rewards), ("terminals", terminals)):
            if np.shape(value) != (n,):
                raise ValueError(f"{name} must have shape ({n},), got {np.shape(value)}")
        full = jnp.ones((n, len(low)), bool)
        return Transitions(
            jnp.asarray(obs), jnp.asarray(actions, jnp.float32), jnp.asarray(rewards, jnp.float32),
            jnp.asarray(next_obs), jnp.asarray(terminals, bool), full, full,
            (tuple(float(v) for v in low), tuple(float(v) for v in high)),
        )

    @staticmethod
    def from_arrays(obs, actions, rewards, next_obs, terminals, num_actions: int, mask=None, next_mask=None) -> Transitions:
        """Checked, typed transitions; a wrong shape or an action outside `[0, num_actions)` raises `ValueError` naming it."""
        obs, next_obs = np.asarray(obs, np.float32), np.asarray(next_obs, np.float32)
        actions = np.asarray(actions)
        n = len(actions)
        if obs.ndim != 2 or obs.shape != next_obs.shape or len(obs) != n:
            raise ValueError(f"obs and next_obs must both be [N, D] with N = {n} actions; got {obs.shape} and {next_obs.shape}")
        if actions.ndim != 1 or not np.issubdtype(actions.dtype, np.integer):
            raise ValueError(f"actions must be a 1-D integer array, got {actions.dtype} {actions.shape}")
        if n == 0:
            raise ValueError("no transitions to learn from")
        if actions.min() < 0 or actions.max() >= num_actions:
            raise ValueError(f"actions must lie in [0, {num_actions}), found {actions.min()}..{actions.max()}")
        for name, value in (("rewards", rewards), ("terminals", terminals)):
            if np.shape(value) != (n,):
                raise ValueError(f"{name} must have shape ({n},), got {np.shape(value)}")
        full = np.ones((n, num_actions), bool)
        mask = full if mask is None else np.asarray(mask, bool)
        next_mask = full if next_mask is None else np.asarray(next_mask, bool)
        if mask.shape != (n, num_actions) or next_mask.shape != (n, num_actions):
            raise ValueError(f"mask and next_mask must be ({n}, {num_actions}), got {mask.shape} and {next_mask.shape}")
        if not mask[np.arange(n), actions].all():
            raise ValueError("some actions are not allowed by their mask")
        return Transitions(
            jnp.asarray(obs), jnp.asarray(actions, jnp.int32), jnp.asarray(rewards, jnp.float32), jnp.asarray(next_obs),
            jnp.asarray(terminals, bool), jnp.asarray(mask), jnp.asarray(next_mask),
        )

    def sample(self, key: jax.Array, batch_size: int) -> Transitions:
        index = jax.random.randint(key, (batch_size,), 0, self.actions.shape[0])
        return jax.tree_util.tree_map(lambda leaf: leaf[index], self)


class MLP(nn.Module):
    """ReLU layers then a linear output of `outputs` numbers."""

    hidden: Sequence[int]
    outputs: int

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        for width in self.hidden:
            x = nn.relu(nn.Dense(width)(x))
        return nn.Dense(self.outputs)(x)


class GaussianPolicy(nn.Module):
    """A diagonal Gaussian over continuous actions: a tanh mean scaled into `[low, high]`, a state-independent log std."""

    hidden: Sequence[int]
    low: tuple[float, ...]
    high: tuple[float, ...]

    @nn.compact
    def __call__(self, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        low, high = jnp.asarray(self.low), jnp.asarray(self.high)
        mean = low + (high - low) * (jnp.tanh(MLP(self.hidden, len(self.low))(x)) + 1.0) / 2.0
        log_std = self.param("log_std", nn.initializers.zeros, (len(self.low),))
        return mean, jnp.broadcast_to(jnp.clip(log_std, -5.0, 2.0), mean.shape)


def gaussian_log_prob(mean: jax.Array, log_std: jax.Array, actions: jax.Array) -> jax.Array:
    """Log-density of `actions[..., A]`, summed over dimensions."""
    z = (actions - mean) * jnp.exp(-log_std)
    return (-0.5 * z**2 - log_std - 0.5 * jnp.log(2 * jnp.pi)).sum(-1)


def masked(values: jax.Array, mask: jax.Array) -> jax.Array:
    """`values` where allowed, the most negative float elsewhere (finite, so log-softmax and logsumexp stay finite)."""
    return jnp.where(mask, values, jnp.finfo(values.dtype).min)


def run_updates(init, update, data: Transitions, seeds: Sequence[int], steps: int, chunk: int, on_chunk=None):
    """Trains one state per seed, vmapped: `init(key) -> state`, `update(state, data, key) -> (state, metrics)`.

    Runs `steps` updates in jitted chunks of `chunk` (a Python loop between
    them reports progress through `on_chunk(done, steps)`); returns the final
    states (leading seed axis) and the last chunk's mean metrics per seed.
    """
    if steps < 1 or chunk < 1:
        raise ValueError(f"steps and chunk must be at least 1, got {steps} and {chunk}")

    def run_chunk(state, data, key, length):
        def body(state, step_key):
            return update(state, data, step_key)

        state, metrics = jax.lax.scan(body, state, jax.random.split(key, length))
        return state, jax.tree_util.tree_map(jnp.mean, metrics)

    keys = jnp.stack([jax.random.PRNGKey(seed) for seed in seeds])
    init_keys, keys = jax.vmap(jax.random.split, out_axes=1)(keys)
    states = jax.jit(jax.vmap(init))(init_keys)
    chunk_fn = jax.jit(jax.vmap(run_chunk, in_axes=(0, None, 0, None)), static_argnums=3)
    done, metrics = 0, {}
    while done < steps:
        length = min(chunk, steps - done)
        keys, chunk_keys = jax.vmap(jax.random.split, out_axes=1)(keys)
        states, metrics = chunk_fn(states, data, chunk_keys, length)
        done += length
        if on_chunk is not None:
            on_chunk(done, steps)
    return states, jax.device_get(metrics)

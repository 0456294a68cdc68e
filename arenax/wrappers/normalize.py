"""Observation and reward normalisation with running statistics shared over every batch axis."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from flax import struct

from arenax.core import TimeStep, WrapperState
from arenax.wrappers.base import Wrapper


@struct.dataclass
class RunningMoments:
    """Mean and variance of a stream of batches (parallel algorithm of Chan et al.)."""

    mean: jax.Array
    var: jax.Array
    count: jax.Array

    @classmethod
    def zeros(cls, shape: tuple[int, ...]) -> RunningMoments:
        return cls(jnp.zeros(shape, jnp.float32), jnp.ones(shape, jnp.float32), jnp.float32(1e-4))

    def update(self, batch: jax.Array) -> RunningMoments:
        """Folds in `batch`, whose trailing axes have the shape of `mean`."""
        axes = tuple(range(batch.ndim - self.mean.ndim))
        batch_count = jnp.float32(max(1, _size(batch.shape[: len(axes)])))
        batch_mean = jnp.mean(batch, axis=axes)
        batch_var = jnp.var(batch, axis=axes)
        delta = batch_mean - self.mean
        total = self.count + batch_count
        mean = self.mean + delta * batch_count / total
        m2 = self.var * self.count + batch_var * batch_count + delta**2 * self.count * batch_count / total
        return RunningMoments(mean, m2 / total, total)


def _size(shape: tuple[int, ...]) -> int:
    size = 1
    for dim in shape:
        size *= dim
    return size


@struct.dataclass
class NormalizeObservationState(WrapperState):
    moments: RunningMoments


class NormalizeObservation(Wrapper):
    """Scales Box observations to zero mean and unit variance with running statistics.

    Above `Vectorize`, the statistics are shared by the whole batch. Pass
    `update=False` to freeze them for evaluation.
    """

    def __init__(self, env, epsilon: float = 1e-8, update: bool = True):
        super().__init__(env)
        self.epsilon = epsilon
        self.update = update

    def reset(self, key: jax.Array, params: Any = None) -> tuple[NormalizeObservationState, TimeStep]:
        env_state, ts = self.env.reset(key, params)
        moments = RunningMoments.zeros(self.env.unwrapped.observation_space.shape)
        return self._normalize(NormalizeObservationState(env_state, moments), ts)

    def step(self, state: NormalizeObservationState, action: Any) -> tuple[NormalizeObservationState, TimeStep]:
        env_state, ts = self.env.step(state.env_state, action)
        return self._normalize(state.replace(env_state=env_state), ts)

    def inner_state(self, state: NormalizeObservationState) -> Any:
        return state.env_state

    def _normalize(self, state: NormalizeObservationState, ts: TimeStep) -> tuple[NormalizeObservationState, TimeStep]:
        moments = state.moments.update(ts.obs) if self.update else state.moments
        obs = (ts.obs - moments.mean) / jnp.sqrt(moments.var + self.epsilon)
        return state.replace(moments=moments), ts.replace(obs=obs.astype(jnp.float32))


@struct.dataclass
class NormalizeRewardState(WrapperState):
    moments: RunningMoments
    discounted_return: jax.Array


class NormalizeReward(Wrapper):
    """Divides rewards by the running standard deviation of the discounted return.

    As in the usual PPO implementations, the mean is not subtracted; the
    discounted return restarts when an episode ends.
    """

    def __init__(self, env, gamma: float = 0.99, epsilon: float = 1e-8):
        super().__init__(env)
        self.gamma = gamma
        self.epsilon = epsilon

    def reset(self, key: jax.Array, params: Any = None) -> tuple[NormalizeRewardState, TimeStep]:
        env_state, ts = self.env.reset(key, params)
        moments = RunningMoments.zeros(self.env.unwrapped.zero_reward().shape)
        return NormalizeRewardState(env_state, moments, jnp.zeros_like(ts.reward)), ts

    def step(self, state: NormalizeRewardState, action: Any) -> tuple[NormalizeRewardState, TimeStep]:
        env_state, ts = self.env.step(state.env_state, action)
        done = ts.terminated | ts.truncated
        discounted = state.discounted_return * self.gamma + ts.reward
        moments = state.moments.update(discounted)
        reward = ts.reward / jnp.sqrt(moments.var + self.epsilon)
        done = jnp.reshape(done, done.shape + (1,) * (discounted.ndim - done.ndim))
        state = NormalizeRewardState(env_state, moments, jnp.where(done, 0.0, discounted))
        return state, ts.replace(reward=reward)

    def inner_state(self, state: NormalizeRewardState) -> Any:
        return state.env_state

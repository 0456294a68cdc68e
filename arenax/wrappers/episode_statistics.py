"""Episode statistics: running return and length, reported in `info["episode"]` when an episode ends."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from flax import struct

from arenax.core import TimeStep, WrapperState
from arenax.wrappers.base import Wrapper


@struct.dataclass
class EpisodeStatisticsState(WrapperState):
    episode_return: jax.Array
    episode_length: jax.Array
    last_return: jax.Array
    last_length: jax.Array


class EpisodeStatistics(Wrapper):
    """Tracks the undiscounted return (per agent and objective, shaped like the reward) and length.

    `info["episode"]` holds `return` and `length` of the latest finished episode
    and `done`, True on the step that finished it. Place it above `AutoReset`:
    it watches `terminated | truncated`, which `AutoReset` passes through.
    """

    def reset(self, key: jax.Array, params: Any = None) -> tuple[EpisodeStatisticsState, TimeStep]:
        env_state, ts = self.env.reset(key, params)
        zeros = jnp.zeros_like(ts.reward)
        state = EpisodeStatisticsState(env_state, zeros, jnp.int32(0), zeros, jnp.int32(0))
        return state, self._report(state, ts, jnp.bool_(False))

    def step(self, state: EpisodeStatisticsState, action: Any) -> tuple[EpisodeStatisticsState, TimeStep]:
        env_state, ts = self.env.step(state.env_state, action)
        episode_return = state.episode_return + ts.reward
        episode_length = state.episode_length + 1
        done = ts.terminated | ts.truncated
        state = EpisodeStatisticsState(
            env_state=env_state,
            episode_return=jnp.where(done, jnp.zeros_like(episode_return), episode_return),
            episode_length=jnp.where(done, 0, episode_length),
            last_return=jnp.where(done, episode_return, state.last_return),
            last_length=jnp.where(done, episode_length, state.last_length),
        )
        return state, self._report(state, ts, done)

    def inner_state(self, state: EpisodeStatisticsState) -> Any:
        return state.env_state

    @staticmethod
    def _report(state: EpisodeStatisticsState, ts: TimeStep, done: jax.Array) -> TimeStep:
        episode = {"return": state.last_return, "length": state.last_length, "done": done}
        return ts.replace(info={**ts.info, "episode": episode})

"""The pytrees every JAX environment exchanges: its `TimeStep` and the base of its `State`."""

from __future__ import annotations

from typing import Any

import jax
from flax import struct


@struct.dataclass
class TimeStep:
    """What `reset` and `step` return besides the new state.

    `terminated` means the episode reached a terminal state (no bootstrapping);
    `truncated` means it was cut short (time limit): bootstrap from `obs`.
    Both are scalar booleans, also in multi-agent environments, and `info` has
    the same keys and shapes at every step so that it can be scanned.
    """

    obs: Any
    reward: jax.Array
    terminated: jax.Array
    truncated: jax.Array
    info: dict[str, Any]

    @property
    def done(self) -> jax.Array:
        """True where the episode ended for either reason."""
        return self.terminated | self.truncated


@struct.dataclass
class EnvState:
    """Base of every environment state: the PRNG key, the parameters and the step count.

    Families subclass it and add their own fields. `key` is the episode's key
    (step `t` draws from `fold_in(key, STEP_STREAM + t)`), so that `step` needs no key
    argument; `params` travels with the state so that `step` needs no
    parameter argument and parameters can be vmapped; `time` counts the
    episode's steps and every `step` advances it by one.
    """

    key: jax.Array
    params: Any
    time: jax.Array

    def with_key(self, key: jax.Array) -> EnvState:
        """The same state with another PRNG key."""
        return self.replace(key=key)


@struct.dataclass
class WrapperState:
    """Base of the state of a stateful wrapper: the wrapped state plus the wrapper's fields.

    It exposes the innermost `key`, `params` and `time` so that outer wrappers
    (auto-reset, time limit) work whatever lies in between.
    """

    env_state: Any

    @property
    def key(self) -> jax.Array:
        return self.env_state.key

    @property
    def params(self) -> Any:
        return self.env_state.params

    @property
    def time(self) -> jax.Array:
        return self.env_state.time

    def with_key(self, key: jax.Array) -> WrapperState:
        """The same state with another PRNG key in the innermost environment state."""
        return self.replace(env_state=self.env_state.with_key(key))

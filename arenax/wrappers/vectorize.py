"""Vectorize: N copies of an environment stepped as one with `vmap`, for on-device training loops."""

from __future__ import annotations

from typing import Any

import jax
from gymnasium.vector.utils import batch_space

from arenax.core import TimeStep, prng
from arenax.wrappers.base import Wrapper


class Vectorize(Wrapper):
    """Batches an environment over a leading axis of size `num_envs`.

    `reset(key, params)` splits `key` into one key per environment; `params`
    are shared unless `batched_params=True`, in which case every leaf carries
    the batch axis (domain randomisation, meta-RL).
    """

    def __init__(self, env, num_envs: int, batched_params: bool = False):
        if num_envs < 1:
            raise ValueError(f"Vectorize num_envs must be at least 1, got {num_envs}")
        super().__init__(env)
        self.num_envs = int(num_envs)
        self.batched_params = batched_params

    @property
    def observation_space(self):
        return batch_space(self.env.observation_space, self.num_envs)

    @property
    def action_space(self):
        return batch_space(self.env.action_space, self.num_envs)

    def reset(self, key: jax.Array, params: Any = None) -> tuple[Any, TimeStep]:
        if params is None:
            params = self.env.default_params
        keys = prng.split(key, self.num_envs)
        return jax.vmap(self.env.reset, in_axes=(0, 0 if self.batched_params else None))(keys, params)

    def step(self, state: Any, action: Any) -> tuple[Any, TimeStep]:
        return jax.vmap(self.env.step)(state, action)

    def sample_action(self, key: jax.Array, ts: TimeStep | None = None) -> Any:
        keys = prng.split(key, self.num_envs)
        if ts is None:
            return jax.vmap(lambda k: self.env.sample_action(k))(keys)
        return jax.vmap(self.env.sample_action)(keys, ts)

    def render(self, state: Any):
        return self.env.render(jax.tree_util.tree_map(lambda leaf: leaf[0], state))

"""Linear scalarisation of multi-objective rewards: `reward @ weights`, one scalar per agent."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from arenax.core import Environment
from arenax.wrappers.base import Wrapper


class LinearReward(Wrapper):
    """Turns the reward vector `[..., n_objectives]` into the scalar `sum(weights * reward)`.

    `weights` is one vector `[n_objectives]` for every agent, or one row per
    agent `[n_agents, n_objectives]` (multi-agent environments). The wrapped
    environment then has scalar rewards and no `reward_space`, so the
    Gymnasium and PettingZoo views give floats: for example
    `GymnasiumEnv(LinearReward(arenax.make("MO-Beach-v0"), [0.5, 0.5]))`.
    """

    def __init__(self, env: Environment, weights: Any):
        super().__init__(env)
        if env.reward_space is None:
            raise ValueError(f"{env.name} has scalar rewards: LinearReward needs a multi-objective environment")
        n_objectives = int(env.reward_space.shape[0])
        array = np.asarray(weights, np.float32)
        allowed = [(n_objectives,)] + ([(env.num_agents, n_objectives)] if env.is_multi_agent else [])
        if array.shape not in allowed or not np.all(np.isfinite(array)):
            raise ValueError(
                f"weights of {env.name} must be finite with shape {' or '.join(map(str, allowed))}, got {array.shape}"
            )
        self.weights = jnp.asarray(array)

    @property
    def reward_space(self):
        return None

    def zero_reward(self):
        shape = (self.num_agents,) if self.is_multi_agent else ()
        return jnp.zeros(shape, jnp.float32)

    def _scalarise(self, ts):
        return ts.replace(reward=jnp.sum(ts.reward * self.weights, axis=-1).astype(jnp.float32))

    def reset(self, key, params=None):
        state, ts = self.env.reset(key, params)
        return state, self._scalarise(ts)

    def step(self, state, action):
        state, ts = self.env.step(state, action)
        return state, self._scalarise(ts)

"""A small multi-agent (optionally multi-objective) environment for testing the views and wrappers."""

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep


@struct.dataclass
class CoordinationParams:
    horizon: int = 5


@struct.dataclass
class CoordinationState(EnvState):
    last_actions: jax.Array


class CoordinationGame(Environment):
    """Agents score 1 when they all pick the same action; action 0 is masked out on odd steps.

    With two objectives the second one rewards picking the highest action.
    The episode ends (terminated) when every agent picks the last action, and
    is truncated at `horizon`.
    """

    def __init__(self, num_agents: int = 3, num_actions: int = 4, objectives: int = 0):
        self.agents = tuple(f"agent_{i}" for i in range(num_agents))
        self.num_actions = num_actions
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (num_agents * num_actions + 1,), np.float32)
        self.single_agent_action_space = spaces.Discrete(num_actions)
        self.reward_space = spaces.Box(0.0, 1.0, (objectives,), np.float32) if objectives else None

    @property
    def default_params(self):
        return CoordinationParams()

    def check_params(self, params):
        if int(params.horizon) < 1:
            raise ValueError(f"horizon must be at least 1, got {params.horizon}")

    def _observe(self, state):
        joint = jax.nn.one_hot(state.last_actions, self.num_actions).reshape(-1)
        odd = (state.time % 2).astype(jnp.float32)[None]
        row = jnp.concatenate([joint, odd])
        return jnp.broadcast_to(row, (self.num_agents, row.shape[0]))

    def _info(self, state):
        allowed = jnp.ones((self.num_agents, self.num_actions), bool)
        allowed = allowed.at[:, 0].set(state.time % 2 == 0)
        return {"action_mask": allowed, "world_state": self._observe(state)[0]}

    def reset_env(self, key, params):
        state = CoordinationState(key=key, params=params, time=jnp.int32(0), last_actions=jnp.zeros(self.num_agents, jnp.int32))
        return state, TimeStep(self._observe(state), self.zero_reward(), jnp.bool_(False), jnp.bool_(False), self._info(state))

    def step_env(self, key, state, action, params):
        action = action.astype(jnp.int32)
        agree = jnp.all(action == action[0]).astype(jnp.float32)
        reward = jnp.full((self.num_agents,), agree)
        if self.reward_space is not None:
            high = (action == self.num_actions - 1).astype(jnp.float32)
            extra = jnp.broadcast_to(high[:, None], (self.num_agents, self.reward_space.shape[0] - 1))
            reward = jnp.concatenate([reward[:, None], extra], axis=1)
        state = state.replace(time=state.time + 1, last_actions=action)
        terminated = jnp.all(action == self.num_actions - 1)
        truncated = (state.time >= params.horizon) & ~terminated
        return state, TimeStep(self._observe(state), reward, terminated, truncated, self._info(state))

    def render(self, state):
        image = np.zeros((8, 8 * self.num_agents, 3), np.uint8)
        for i, a in enumerate(np.asarray(state.last_actions)):
            image[:, 8 * i : 8 * i + 8] = 60 * int(a)
        return image

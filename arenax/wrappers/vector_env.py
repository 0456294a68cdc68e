"""The Gymnasium vector view of a JAX environment: N environments in one jitted, auto-resetting step."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import jax
import jax.numpy as jnp
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from arenax.core import Environment, registry, spaces
from arenax.wrappers.autoreset import AutoReset
from arenax.wrappers.conversion import cast_to_space, host_tree
from arenax.wrappers.gymnasium_env import team_reward_space


class JaxVectorEnv(VectorEnv):
    """`num_envs` copies of a JAX environment stepped by one jitted, vmapped function.

    Autoreset follows Gymnasium's same-step mode (declared in `metadata`): on
    the step that ends an episode the observation is the next episode's first,
    `info["final_obs"]` holds the last observation of the one that ended, and
    `info["_final_obs"]` marks the environments where that happened. Multi-agent
    rewards are summed over agents, as in the single-environment view.
    """

    metadata = {"autoreset_mode": AutoresetMode.SAME_STEP, "render_modes": ["rgb_array"]}

    def __init__(self, env: Environment, num_envs: int, render_mode: str | None = None, params: Any = None):
        if num_envs < 1:
            raise ValueError(f"num_envs must be at least 1, got {num_envs}")
        self.env = env
        self.num_envs = int(num_envs)
        self.render_mode = render_mode
        self.params = env.default_params if params is None else params
        self.single_observation_space = env.observation_space
        self.single_action_space = env.action_space
        self.observation_space = batch_space(env.observation_space, self.num_envs)
        self.action_space = batch_space(env.action_space, self.num_envs)
        if env.reward_space is not None:
            self.single_reward_space = team_reward_space(env)
            self.reward_space = batch_space(self.single_reward_space, self.num_envs)
        autoreset = AutoReset(env)
        self._reset = jax.jit(jax.vmap(autoreset.reset, in_axes=(0, None)))
        self._step = jax.jit(jax.vmap(autoreset.step), donate_argnums=0)
        self._multi_agent = env.is_multi_agent
        self._state = None

    def reset(self, *, seed: int | list[int] | None = None, options: dict[str, Any] | None = None):
        if isinstance(seed, (list, tuple, np.ndarray)):
            if len(seed) != self.num_envs:
                raise ValueError(f"reset got {len(seed)} seeds for {self.num_envs} environments")
            super().reset(seed=int(seed[0]))
            keys = jnp.stack([jax.random.PRNGKey(int(s)) for s in seed])
        else:
            super().reset(seed=seed)
            if seed is None:
                seed = int(self.np_random.integers(0, 2**31 - 1))
            keys = jax.random.split(jax.random.PRNGKey(seed), self.num_envs)
        self._state, ts = self._reset(keys, self.params)
        obs, info = host_tree((ts.obs, ts.info))
        info.pop("final_obs")
        info.pop("final_info")
        return cast_to_space(self.observation_space, obs), info

    def step(self, actions: Any):
        if self._state is None:
            raise RuntimeError("call reset() before step()")
        actions = spaces.check_action(self.action_space, actions, "the batched action_space")
        self._state, ts = self._step(self._state, actions)
        obs, reward, terminated, truncated, info = host_tree(
            (ts.obs, ts.reward, ts.terminated, ts.truncated, ts.info)
        )
        if self._multi_agent:
            info["agent_rewards"] = reward
            reward = reward.sum(axis=1)
        info["_final_obs"] = terminated | truncated
        info["_final_info"] = info["_final_obs"]
        return (
            cast_to_space(self.observation_space, obs),
            reward.astype(np.float32),
            terminated,
            truncated,
            info,
        )

    def render(self) -> np.ndarray | None:
        if self.render_mode is None:
            gym.logger.warn("render() called without render_mode='rgb_array'")
            return None
        first = jax.tree_util.tree_map(lambda leaf: leaf[0], self._state)
        return self.env.render(first)


def make_vector_env(env_id: str, num_envs: int = 1, render_mode: str | None = None, **kwargs: Any) -> JaxVectorEnv:
    """Gymnasium `vector_entry_point` of every registered JAX environment."""
    return JaxVectorEnv(registry.make(env_id, **kwargs), num_envs=num_envs, render_mode=render_mode)

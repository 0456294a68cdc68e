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
from arenax.wrappers.conversion import cast_to_space
from arenax.wrappers.gymnasium_env import team_reward_space
from arenax.wrappers.packing import Packing
from arenax.wrappers.vector_autoreset import VectorAutoReset
from arenax.wrappers.vectorize import Vectorize

RESET_CHUNKS = 16
"""Ended episodes are reset num_envs / RESET_CHUNKS at a time (`VectorAutoReset`'s `reset_chunk`)."""


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
        self._multi_agent = env.is_multi_agent
        self._state = None
        self._discrete_range = uniform_discrete_range(self.action_space)
        self._build_step(env)

    def _build_step(self, env: Environment) -> None:
        """Jits reset and step over packed buffers: the state stays on the device, outputs come back in one copy.

        The step is `VectorAutoReset(Vectorize(env))`: the episodes of every
        environment under its own `AutoReset` (to the rounding of a separately
        compiled program), with only the ended episodes' resets computed. The
        parameters, the same for every environment, are constants of the
        compiled functions rather than part of the state buffer that each call
        passes in and out.
        """
        reset = jax.vmap(AutoReset(env).reset, in_axes=(0, None))
        batch = VectorAutoReset(Vectorize(env, self.num_envs), reset_chunk=max(1, self.num_envs // RESET_CHUNKS))
        keys = jax.eval_shape(lambda: jax.random.split(jax.random.PRNGKey(0), self.num_envs))
        state, ts = jax.eval_shape(reset, keys, self.params)
        self._state_packing = Packing(state.replace(params=None))
        self._reset_packing = Packing((ts.obs, ts.info))
        actions = jax.eval_shape(batch.sample_action, jax.random.PRNGKey(0), ts)
        _, ts = jax.eval_shape(batch.step, state, actions)
        self._step_packing = Packing((ts.obs, ts.reward, ts.terminated, ts.truncated, ts.info))

        def packed_reset(keys):
            state, ts = reset(keys, self.params)
            return self._state_packing.pack(state.replace(params=None)), self._reset_packing.pack((ts.obs, ts.info))

        def packed_step(words, actions):
            state = self._unpack_state(words)
            state, ts = batch.step(state, actions)
            outputs = (ts.obs, ts.reward, ts.terminated, ts.truncated, ts.info)
            return self._state_packing.pack(state.replace(params=None)), self._step_packing.pack(outputs)

        self._reset = jax.jit(packed_reset)
        self._step = jax.jit(packed_step, donate_argnums=0)
        self._unpack = jax.jit(self._unpack_state)

    def _unpack_state(self, words: jax.Array) -> Any:
        """The batched state, with the shared parameters broadcast to every environment."""
        batched = jax.tree_util.tree_map(
            lambda leaf: jnp.broadcast_to(leaf, (self.num_envs, *jnp.shape(leaf))), self.params
        )
        return self._state_packing.unpack(words).replace(params=batched)

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
        self._state, outputs = self._reset(keys)
        obs, info = self._reset_packing.unpack_host(np.array(outputs))
        info.pop("final_obs")
        info.pop("final_info")
        return cast_to_space(self.observation_space, obs), info

    def step(self, actions: Any):
        if self._state is None:
            raise RuntimeError("call reset() before step()")
        self._state, outputs = self._step(self._state, self._check_actions(actions))
        obs, reward, terminated, truncated, info = self._step_packing.unpack_host(np.array(outputs))
        if self._multi_agent:
            info["agent_rewards"] = reward
            reward = reward.sum(axis=1)
        info["_final_obs"] = terminated | truncated
        info["_final_info"] = info["_final_obs"]
        return (
            cast_to_space(self.observation_space, obs),
            reward.astype(np.float32, copy=False),
            terminated,
            truncated,
            info,
        )

    def _check_actions(self, actions: Any) -> Any:
        """`spaces.check_action` on the batch, after a two-reduction test that passes valid integer actions at once."""
        if self._discrete_range is not None:
            array = np.asarray(actions)
            low, high = self._discrete_range
            if array.shape == self.action_space.shape and array.dtype.kind in "iu":
                if low <= array.min() and array.max() < high:
                    return array
        return spaces.check_action(self.action_space, actions, "the batched action_space")

    def render(self) -> np.ndarray | None:
        if self.render_mode is None:
            gym.logger.warn("render() called without render_mode='rgb_array'")
            return None
        first = jax.tree_util.tree_map(lambda leaf: leaf[0], self._unpack(self._state))
        return self.env.render(first)


def uniform_discrete_range(space: gym.Space) -> tuple[int, int] | None:
    """`(start, start + n)` of a non-empty `MultiDiscrete` space whose entries all share one range, else None."""
    if not isinstance(space, gym.spaces.MultiDiscrete) or space.nvec.size == 0:
        return None
    start, nvec = space.start.flat[0], space.nvec.flat[0]
    if np.any(space.start != start) or np.any(space.nvec != nvec):
        return None
    return int(start), int(start + nvec)


def make_vector_env(env_id: str, num_envs: int = 1, render_mode: str | None = None, **kwargs: Any) -> JaxVectorEnv:
    """Gymnasium `vector_entry_point` of every registered JAX environment."""
    return JaxVectorEnv(registry.make(env_id, **kwargs), num_envs=num_envs, render_mode=render_mode)

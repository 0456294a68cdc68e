"""The Gymnasium view of a JAX environment: numpy in and out, one jitted `reset` and `step`."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import jax
from gymnasium import spaces as gym_spaces
import numpy as np

from arenax.core import Environment, registry, spaces
from arenax.wrappers.conversion import cast_to_space, episode_key, host_tree


class GymnasiumEnv(gym.Env):
    """A `gymnasium.Env` over an arenax JAX environment.

    Multi-agent environments appear as one agent acting for the team: the
    observation and action stack the agents, the reward is the team's sum and
    `info["agent_rewards"]` holds each agent's. Multi-objective environments
    return a numpy reward vector, as MO-Gymnasium does. Actions are checked
    against `action_space`; a wrong shape, dtype or value raises `ValueError`.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 30}

    def __init__(self, env: Environment, render_mode: str | None = None, params: Any = None):
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.env = env
        self.params = env.default_params if params is None else params
        self.render_mode = render_mode
        self.observation_space = env.observation_space
        self.action_space = env.action_space
        if env.reward_space is not None:
            self.reward_space = team_reward_space(env)
        self._reset = jax.jit(env.reset)
        self._step = jax.jit(env.step)
        self._state = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self._state, ts = self._reset(episode_key(seed, self.np_random), self.params)
        obs, info = host_tree((ts.obs, ts.info))
        return cast_to_space(self.observation_space, obs), info

    def step(self, action: Any):
        if self._state is None:
            raise RuntimeError("call reset() before step()")
        action = spaces.check_action(self.action_space, action)
        self._state, ts = self._step(self._state, action)
        obs, reward, terminated, truncated, info = host_tree(
            (ts.obs, ts.reward, ts.terminated, ts.truncated, ts.info)
        )
        if self.env.is_multi_agent:
            info["agent_rewards"] = reward
            reward = reward.sum(axis=0)
        reward = float(reward) if reward.ndim == 0 else reward.astype(np.float32)
        return cast_to_space(self.observation_space, obs), reward, bool(terminated), bool(truncated), info

    def render(self) -> np.ndarray | None:
        if self.render_mode is None:
            gym.logger.warn("render() called without render_mode='rgb_array'")
            return None
        if self._state is None:
            raise RuntimeError("call reset() before render()")
        return self.env.render(self._state)


def make_gymnasium_env(env_id: str, render_mode: str | None = None, **kwargs: Any) -> GymnasiumEnv:
    """Gymnasium entry point of every registered JAX environment."""
    return GymnasiumEnv(registry.make(env_id, **kwargs), render_mode=render_mode)


def team_reward_space(env: Environment) -> gym_spaces.Box:
    """The Box of the reward vector a Gymnasium view returns: one agent's, or for a team the sum over its agents."""
    space = env.reward_space
    if not env.is_multi_agent:
        return space
    n = env.num_agents
    return gym_spaces.Box(space.low * n, space.high * n, space.shape, space.dtype)

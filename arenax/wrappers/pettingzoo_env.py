"""The PettingZoo `ParallelEnv` view of a multi-agent JAX environment."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from gymnasium import spaces as gym_spaces
from pettingzoo import ParallelEnv

from arenax.core import Environment, registry, spaces
from arenax.wrappers.conversion import cast_to_space, episode_key, host_tree


class PettingZooParallelEnv(ParallelEnv):
    """A PettingZoo `ParallelEnv` over a multi-agent arenax environment.

    Every agent acts until the episode ends (agents that are out only have
    no-op in their action mask), then `agents` becomes empty. Per-agent
    `infos` carry the agent's row of each info array (its `action_mask` among
    them). Multi-objective rewards are float32 vectors with
    `reward_space(agent)`, as MOMAland's `MOParallelEnv` has them.
    """

    metadata = {"render_modes": ["rgb_array"], "name": "arenax", "is_parallelizable": True}

    def __init__(self, env: Environment, render_mode: str | None = None, params: Any = None):
        if not env.is_multi_agent:
            raise ValueError(f"{env.name} is a single-agent environment; use gym.make for it, not parallel_env")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.env = env
        self.params = env.default_params if params is None else params
        self.render_mode = render_mode
        self.possible_agents = list(env.agents)
        self.agents: list[str] = []
        self.metadata = {**self.metadata, "name": env.name}
        world_state = jax.eval_shape(env.reset, jax.random.PRNGKey(0), self.params)[1].info.get("world_state")
        self._central_observation_space = None
        if world_state is not None:
            # MOMAland's CentraliseAgent reads this flag, `get_central_observation_space()` and `state()`
            self.metadata["central_observation"] = True
            self._central_observation_space = gym_spaces.Box(-np.inf, np.inf, world_state.shape, np.float32)
        self._np_random = np.random.default_rng()
        self._reset = jax.jit(env.reset)
        self._step = jax.jit(env.step)
        self._state = None
        self._info: dict[str, Any] = {}

    def observation_space(self, agent: str):
        self._check_agent(agent)
        return self.env.single_agent_observation_space

    def action_space(self, agent: str):
        self._check_agent(agent)
        return self.env.single_agent_action_space

    def reward_space(self, agent: str):
        self._check_agent(agent)
        if self.env.reward_space is None:
            raise AttributeError(f"{self.env.name} has scalar rewards: it has no reward_space")
        return self.env.reward_space

    @property
    def reward_spaces(self) -> dict[str, Any]:
        """Every agent's `reward_space`, the dict that MOMAland's `mo_parallel_to_aec` reads."""
        return {agent: self.reward_space(agent) for agent in self.possible_agents}

    @property
    def num_objectives(self) -> int:
        if self.env.reward_space is None:
            raise AttributeError(f"{self.env.name} has scalar rewards")
        return int(self.env.reward_space.shape[0])

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None):
        if seed is not None:
            self._np_random = np.random.default_rng(seed)
        self._state, ts = self._reset(episode_key(seed, self._np_random), self.params)
        self.agents = list(self.possible_agents)
        obs, info = host_tree((ts.obs, ts.info))
        self._info = info
        return self._per_agent_obs(obs), self._per_agent_info(info)

    def step(self, actions: dict[str, Any]):
        if self._state is None or not self.agents:
            raise RuntimeError("call reset() before step(), and again after the episode ended")
        missing = set(self.agents) - set(actions)
        unknown = set(actions) - set(self.agents)
        if missing or unknown:
            raise ValueError(f"actions must name every live agent exactly: missing {sorted(missing)}, unknown {sorted(unknown)}")
        space = self.env.single_agent_action_space
        joint = np.stack(
            [spaces.check_action(space, actions[agent], f"action_space({agent!r})") for agent in self.possible_agents]
        )
        self._state, ts = self._step(self._state, joint)
        obs, reward, terminated, truncated, info = host_tree(
            (ts.obs, ts.reward, ts.terminated, ts.truncated, ts.info)
        )
        self._info = info
        rewards = {
            agent: (float(reward[i]) if reward[i].ndim == 0 else reward[i].astype(np.float32))
            for i, agent in enumerate(self.possible_agents)
        }
        terminations = {agent: bool(terminated) for agent in self.possible_agents}
        truncations = {agent: bool(truncated) for agent in self.possible_agents}
        observations = self._per_agent_obs(obs)
        infos = self._per_agent_info(info)
        if terminated or truncated:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    def state(self) -> np.ndarray:
        """The global world state for centralised critics, where the environment provides one."""
        if "world_state" not in self._info:
            raise AttributeError(f"{self.env.name} provides no world state")
        return np.asarray(self._info["world_state"], np.float32)

    def get_central_observation_space(self):
        """The Box of `state()` (MOMAland's name), where the environment provides a world state."""
        if self._central_observation_space is None:
            raise AttributeError(f"{self.env.name} provides no world state")
        return self._central_observation_space

    def render(self) -> np.ndarray | None:
        if self.render_mode is None or self._state is None:
            return None
        return self.env.render(self._state)

    def close(self) -> None:
        self._state = None

    def _check_agent(self, agent: str) -> None:
        if agent not in self.possible_agents:
            raise ValueError(f"unknown agent {agent!r}; agents are {self.possible_agents}")

    def _per_agent_obs(self, obs: Any) -> dict[str, Any]:
        space = self.env.single_agent_observation_space
        return {
            agent: cast_to_space(space, jax.tree_util.tree_map(lambda leaf: leaf[i], obs))
            for i, agent in enumerate(self.possible_agents)
        }

    def _per_agent_info(self, info: dict[str, Any]) -> dict[str, dict[str, Any]]:
        n = len(self.possible_agents)
        per_agent = {k: v for k, v in info.items() if isinstance(v, np.ndarray) and v.ndim > 0 and v.shape[0] == n}
        return {agent: {k: v[i] for k, v in per_agent.items()} for i, agent in enumerate(self.possible_agents)}


def parallel_env(env_id: str, render_mode: str | None = None, **kwargs: Any) -> PettingZooParallelEnv:
    """The PettingZoo `ParallelEnv` of the registered multi-agent environment `env_id`."""
    return PettingZooParallelEnv(registry.make(env_id, **kwargs), render_mode=render_mode)

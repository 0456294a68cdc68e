"""Rolling a policy out on the device: jitted chunks of steps over many environments, cut into whole episodes on the host.

Episodes are never cut: a generation of `steps` transitions runs until enough
whole episodes have finished, then keeps them in the order they started (the
episodes still running are dropped), so that memory tasks, whose observations
alone are not Markov, keep their past.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from arenax.agents.policy import greedy_action, masked_logits, sample_action
from arenax.baselines.encoding import ActionLayout
from arenax.baselines.ppo import PPO, PPOConfig
from arenax.core import make

INFO_KEYS = ("action_mask", "world_state")
"""Entries of an environment's `info` that datasets keep (where the environment has them)."""

Act = Callable[..., tuple[Any, jax.Array]]
"""`act(params, carry, obs, reset, mask, critic_obs, key) -> (carry, actions)`, all over rows (environments x agents)."""


@dataclass(frozen=True)
class Policy:
    """An acting function over rows and the memory it starts an episode batch with."""

    name: str
    act: Act
    initial_carry: Callable[[int], Any] = lambda rows: ()


def random_policy(actions: ActionLayout | None = None) -> Policy:
    """Uniform over the allowed actions, or over the box of continuous `actions`."""

    def act(params, carry, obs, reset, mask, critic_obs, key):
        if actions is not None and actions.continuous:
            low, high = jnp.asarray(actions.low), jnp.asarray(actions.high)
            return carry, jax.random.uniform(key, (obs.shape[0], actions.size), minval=low, maxval=high)
        return carry, jax.random.categorical(key, masked_logits(jnp.zeros(mask.shape), mask))

    return Policy("random", act)


def ppo_policy(learner: PPO, greedy: bool = False) -> Policy:
    """A PPO actor (any backbone), sampling its actions as behaviour policies do, or acting greedily.

    Continuous actions come out unclipped; `PPO.act_on` clips them to the bounds, and datasets keep the clipped ones.
    """

    def act(params, carry, obs, reset, mask, critic_obs, key):
        carry, head, _ = learner.policy.apply(params, carry, obs, reset, critic_obs, method="step")
        action = greedy_action(head, mask) if greedy else sample_action(head, mask, key)
        return carry, action

    return Policy("ppo-greedy" if greedy else "ppo", act, learner.policy.initialize_carry)


def memoryless_policy(name: str, act_on_obs: Callable[[Any, jax.Array, jax.Array, jax.Array], jax.Array]) -> Policy:
    """A policy of observations alone, `act_on_obs(params, obs, mask, key) -> actions` (the offline learners')."""

    def act(params, carry, obs, reset, mask, critic_obs, key):
        return carry, act_on_obs(params, obs, mask, key)

    return Policy(name, act)


@struct.dataclass
class Rolling:
    """Everything a chunk hands to the next: environments, the next observation (raw and as rows), memory, key."""

    env_state: Any
    raw_obs: Any
    info: dict[str, jax.Array]
    obs: jax.Array
    reset: jax.Array
    mask: jax.Array
    critic_obs: jax.Array | None
    carry: Any
    key: jax.Array


@dataclass
class Episodes:
    """Whole episodes laid end to end, in the order they started.

    Step arrays have a leading axis over all steps; episode `i` spans
    `bounds[i]:bounds[i + 1]`. `next_observations[t]` is the observation after
    step `t` (the episode's last one at its end), `infos[k][t]` the info that
    came with `observations[t]` and `next_infos[k][t]` the one with
    `next_observations[t]`. Multi-agent rewards are per agent in
    `agent_rewards` and summed over agents in `rewards`.
    """

    observations: np.ndarray
    next_observations: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    agent_rewards: np.ndarray | None
    terminals: np.ndarray
    timeouts: np.ndarray
    infos: dict[str, np.ndarray]
    next_infos: dict[str, np.ndarray]
    bounds: np.ndarray

    @property
    def num_episodes(self) -> int:
        return len(self.bounds) - 1

    @property
    def num_steps(self) -> int:
        return int(self.bounds[-1])

    @property
    def returns(self) -> np.ndarray:
        """The undiscounted return of each episode (team return in multi-agent environments)."""
        return np.add.reduceat(self.rewards, self.bounds[:-1]) if self.num_episodes else np.zeros(0, np.float32)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.bounds)

    @staticmethod
    def concatenate(parts: list[Episodes]) -> Episodes:
        offsets = np.cumsum([0] + [p.num_steps for p in parts])
        bounds = np.concatenate([[0]] + [p.bounds[1:] + offset for p, offset in zip(parts, offsets)]).astype(np.int64)
        fields = {}
        for field in dataclasses.fields(Episodes):
            values = [getattr(p, field.name) for p in parts]
            if field.name == "bounds":
                continue
            if isinstance(values[0], dict):
                fields[field.name] = {k: np.concatenate([v[k] for v in values]) for k in values[0]}
            elif values[0] is None:
                fields[field.name] = None
            else:
                fields[field.name] = np.concatenate(values)
        return Episodes(**fields, bounds=bounds)


class Collector:
    """Jitted chunks of `chunk_length` steps of `num_envs` environments under a policy; `collect` gathers whole episodes.

    `config` names the environment and (for a PPO behaviour) the network; the
    PPO object supplies its row layout (agents as rows), observation encoder
    and action masks, so that any policy sees what PPO sees.
    """

    def __init__(self, config: PPOConfig, policy: Policy, num_envs: int = 256, chunk_length: int = 64):
        self.config = dataclasses.replace(config, num_envs=num_envs, num_minibatches=1)
        self.learner = PPO(self.config)
        self.policy, self.num_envs, self.chunk_length = policy, num_envs, chunk_length
        self.env = make(config.env_id)
        self.observation_space, self.action_space = self.env.observation_space, self.env.action_space
        _, first = jax.eval_shape(self.env.reset, jax.random.PRNGKey(0))
        self.info_keys = tuple(k for k in INFO_KEYS if k in first.info)
        if not isinstance(first.obs, jax.ShapeDtypeStruct):
            raise TypeError(f"datasets need array observations; {config.env_id!r} observes {type(first.obs).__name__}")
        self._start = jax.jit(self.start)
        self._chunk = jax.jit(self.chunk)

    def kept(self, info: dict) -> dict[str, jax.Array]:
        return {k: info[k] for k in self.info_keys}

    def start(self, key: jax.Array) -> Rolling:
        env_key, key = jax.random.split(key)
        env_state, ts = self.learner.env.reset(env_key)
        obs, mask, critic_obs = self.learner.observe(ts)
        rows = self.learner.rows
        carry = self.policy.initial_carry(rows)
        return Rolling(env_state, ts.obs, self.kept(ts.info), obs, jnp.ones(rows, bool), mask, critic_obs, carry, key)

    def chunk(self, params: Any, rolling: Rolling) -> tuple[Rolling, dict[str, Any]]:
        learner = self.learner

        def env_step(rolling: Rolling, _):
            key, act_key = jax.random.split(rolling.key)
            carry, action = self.policy.act(
                params, rolling.carry, rolling.obs, rolling.reset, rolling.mask, rolling.critic_obs, act_key
            )
            env_action = learner.act_on(action)
            env_state, ts = learner.env.step(rolling.env_state, env_action)
            record = {
                "obs": rolling.raw_obs,
                "info": rolling.info,
                "action": env_action,
                "reward": ts.reward,
                "terminated": ts.terminated,
                "truncated": ts.truncated,
                "next_obs": ts.info["final_obs"],
                "next_info": self.kept(ts.info["final_info"]),
            }
            obs, mask, critic_obs = learner.observe(ts)
            following = Rolling(
                env_state, ts.obs, self.kept(ts.info), obs, learner.per_row(ts.done), mask, critic_obs, carry, key
            )
            return following, record

        return jax.lax.scan(env_step, rolling, None, length=self.chunk_length)

    def collect(
        self, params: Any, steps: int, key: jax.Array, progress: Callable[[int], None] | None = None
    ) -> Episodes:
        """At least `steps` transitions in whole episodes, in the order they started (deterministic given `key`)."""
        if steps < 1:
            raise ValueError(f"steps must be at least 1, got {steps}")
        rolling = self._start(key)
        chunks, dones = [], []
        while True:
            rolling, record = self._chunk(params, rolling)
            record = jax.device_get(record)
            chunks.append(record)
            dones.append(np.asarray(record["terminated"] | record["truncated"]))  # [T, E]
            starts, ends, available = select_episodes(np.concatenate(dones), steps)
            if progress is not None:
                progress(min(available, steps))
            if available >= steps:
                return self._episodes(chunks, starts, ends)

    def _episodes(self, chunks: list[dict], starts: np.ndarray, ends: np.ndarray) -> Episodes:
        # Env-major flattening lays every environment's steps end to end, so that episodes are contiguous.
        def flat(*leaves):
            stacked = np.concatenate(leaves)  # [S, E, ...]
            return np.swapaxes(stacked, 0, 1).reshape(-1, *stacked.shape[2:])

        record = jax.tree_util.tree_map(flat, *chunks)
        lengths = ends - starts + 1
        steps_index = np.concatenate([np.arange(s, e + 1) for s, e in zip(starts, ends)])
        bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        reward = record["reward"][steps_index].astype(np.float32)
        multi_agent = self.env.is_multi_agent
        return Episodes(
            observations=self._as_observations(record["obs"][steps_index]),
            next_observations=self._as_observations(record["next_obs"][steps_index]),
            actions=record["action"][steps_index].astype(self.action_space.dtype),
            rewards=reward.sum(-1) if multi_agent else reward,
            agent_rewards=reward if multi_agent else None,
            terminals=record["terminated"][steps_index].astype(bool),
            timeouts=(record["truncated"] & ~record["terminated"])[steps_index].astype(bool),
            infos={k: v[steps_index] for k, v in record["info"].items()},
            next_infos={k: v[steps_index] for k, v in record["next_info"].items()},
            bounds=bounds,
        )

    def _as_observations(self, obs: np.ndarray) -> np.ndarray:
        dtype = getattr(self.observation_space, "dtype", None)
        return obs if dtype is None else obs.astype(dtype, copy=False)


def select_episodes(done: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The episodes to keep from `done[time, env]`: env-major flat `(starts, ends)`, and the steps available so far.

    Episodes are taken in the order they started, up to the one that reaches
    `steps`, among those that started before every environment's running
    episode did: all of those are finished, and choosing by start time does not
    favour short episodes, as choosing by finish time would.
    """
    total_time, num_envs = done.shape
    env, time = np.nonzero(done.T)  # ends, grouped by environment, in time order
    first = np.concatenate([[True], env[1:] != env[:-1]]) if len(env) else np.zeros(0, bool)
    start = np.where(first, 0, np.concatenate([[0], time[:-1] + 1]))
    running_since = np.zeros(num_envs, np.int64)
    np.maximum.at(running_since, env, time + 1)  # where each environment's running episode started
    eligible = start < running_since.min()
    env, start, time = env[eligible], start[eligible], time[eligible]
    order = np.lexsort((env, start))
    env, start, time = env[order], start[order], time[order]
    covered = np.cumsum(time - start + 1)
    if not len(covered) or covered[-1] < steps:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), int(covered[-1]) if len(covered) else 0
    keep = int(np.searchsorted(covered, steps)) + 1
    offset = env[:keep] * total_time
    return offset + start[:keep], offset + time[:keep], int(covered[keep - 1])


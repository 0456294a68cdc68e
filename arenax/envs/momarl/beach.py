"""The beach problem domain (Mannion et al., 2018): agents of two kinds share beach sections; crowding vs mixing."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.momarl.render import BLACK, SAND, SEA, canvas, fill, palette

MOVES = np.array([-1, 0, 1], np.int32)
"""Actions 0, 1, 2: one section to the left, stay, one section to the right."""


@struct.dataclass
class BeachParams:
    type_distribution: jax.Array
    """Probability of each agent type at reset, `[num_types]`."""
    position_distribution: jax.Array
    """Probability of each starting section at reset, `[sections]`."""
    horizon: int = 1
    """Steps per episode; rewards come only after the last one."""
    capacity: float = 7.0
    """Capacity of every section: `c * exp(-c / capacity)` peaks when `capacity` agents share a section."""


@struct.dataclass
class BeachState(EnvState):
    types: jax.Array
    sections: jax.Array


def capacity_reward(consumption: jax.Array, capacity) -> jax.Array:
    """A section's occupation reward, `c * exp(-c / capacity)`: highest when exactly `capacity` agents are there."""
    return consumption * jnp.exp(-consumption / capacity)


def mixture_reward(type_counts: jax.Array) -> jax.Array:
    """A section's mixture reward: the share of its rarest agent type (0 for an empty section)."""
    total = type_counts.sum(axis=-1)
    return jnp.where(total > 0, type_counts.min(axis=-1) / jnp.maximum(total, 1), 0.0)


def inverse_cdf(uniform: jax.Array, probabilities: jax.Array) -> jax.Array:
    """Indices drawn with `probabilities` from uniform draws (comparisons with the CDF, cheaper than a search)."""
    cdf = jnp.cumsum(probabilities)[:-1]
    return jnp.sum(uniform[:, None] >= cdf[None, :], axis=1).astype(jnp.int32)


class MOBeach(Environment[BeachState, BeachParams]):
    """Agents of two types pick a beach section; one objective wants sections at capacity, the other mixed types.

    A JAX version of MOMAland's `mobeach_v0` with its defaults (100 agents, 6
    sections of capacity 7, types drawn 30/70, one step per episode).

    Objectives (`reward[n_agents, 2]`, both maximised, given only after the last step):
    0. occupation `c * exp(-c / capacity)` of the agent's section (`individual`)
       or summed over sections (`team`); at most `capacity / e` ≈ 2.58 a section.
    1. mixture: the share of the rarer type in the agent's section (`individual`)
       or its mean over sections (`team`); at most 0.5.
    The two conflict: the occupation reward wants agents spread to exactly
    `capacity` a section, the mixture reward wants every section to hold
    both types evenly, which the 30/70 type draw does not allow everywhere.
    Known front: none in closed form; the ideal point of the `team` rewards
    is `(sections * capacity / e, 0.5)` when there are enough agents.

    Observation (`Box(0, high, (5,))`, per agent): type, section,
    section capacity, agents in the section, share of the agent's type in the
    section. Actions (`Discrete(3)`): left, stay, right (clipped at the ends).
    Terminated after `horizon` steps. `info["world_state"]` stacks every
    agent's observation.
    """

    def __init__(
        self,
        num_agents: int = 100,
        sections: int = 6,
        num_types: int = 2,
        reward_mode: str = "individual",
        horizon: int = 1,
        capacity: float = 7.0,
    ):
        if num_agents < 2 or sections < 2 or num_types < 2:
            raise ValueError(
                f"MOBeach needs at least 2 agents, 2 sections and 2 types; got {num_agents}, {sections}, {num_types}"
            )
        if reward_mode not in ("individual", "team"):
            raise ValueError(f"reward_mode must be 'individual' or 'team', got {reward_mode!r}")
        self.agents = tuple(f"agent_{i}" for i in range(num_agents))
        self.sections = int(sections)
        self.num_types = int(num_types)
        self.reward_mode = reward_mode
        self._horizon = int(horizon)
        self._capacity = float(capacity)
        self.max_capacity = float(max(num_agents, capacity))
        high = np.array([num_types - 1, sections - 1, self.max_capacity, num_agents, 1.0], np.float32)
        self.single_agent_observation_space = spaces.Box(np.zeros(5, np.float32), high, dtype=np.float32)
        self.single_agent_action_space = spaces.Discrete(3)
        best_capacity = float(capacity_reward(jnp.float32(capacity), capacity))
        high = best_capacity * (sections if reward_mode == "team" else 1)
        self.reward_space = spaces.Box(0.0, np.array([high, 0.5], np.float32), (2,), np.float32)

    @property
    def default_params(self) -> BeachParams:
        types = [0.3, 0.7] if self.num_types == 2 else [1.0 / self.num_types] * self.num_types
        return BeachParams(
            type_distribution=jnp.asarray(types, jnp.float32),
            position_distribution=jnp.full((self.sections,), 1.0 / self.sections, jnp.float32),
            horizon=self._horizon,
            capacity=self._capacity,
        )

    def check_params(self, params: BeachParams) -> None:
        if int(params.horizon) < 1:
            raise ValueError(f"MOBeach horizon must be at least 1, got {params.horizon}")
        if not 0 < float(params.capacity) <= self.max_capacity:
            raise ValueError(f"MOBeach capacity must lie in (0, {self.max_capacity}], got {params.capacity}")
        for name, size in (("type_distribution", self.num_types), ("position_distribution", self.sections)):
            probs = np.asarray(getattr(params, name), np.float64)
            if probs.shape != (size,) or np.any(probs < 0) or not np.isclose(probs.sum(), 1.0):
                raise ValueError(f"MOBeach {name} must be {size} probabilities summing to 1, got {probs.tolist()}")

    def _counts(self, state: BeachState) -> jax.Array:
        """Agents of each type in each section, `[sections, num_types]`."""
        # a one-hot product rather than a scatter-add: XLA's CPU scatter is a serial loop
        in_section = jax.nn.one_hot(state.sections, self.sections, dtype=jnp.float32)
        of_type = jax.nn.one_hot(state.types, self.num_types, dtype=jnp.float32)
        return in_section.T @ of_type

    def _observe(self, state: BeachState, counts: jax.Array) -> jax.Array:
        consumption = counts.sum(axis=1)
        here = consumption[state.sections]
        same_type = counts[state.sections, state.types]
        capacity = jnp.broadcast_to(state.params.capacity, here.shape).astype(jnp.float32)
        return jnp.stack(
            [state.types.astype(jnp.float32), state.sections.astype(jnp.float32), capacity, here, same_type / here],
            axis=1,
        )

    def _timestep(self, state, counts, reward, terminated) -> TimeStep:
        obs = self._observe(state, counts)
        info = {"world_state": obs.reshape(-1)}
        return TimeStep(obs, reward, terminated, jnp.bool_(False), info)

    def reset_env(self, key, params):
        draws = jax.random.uniform(key, (2, self.num_agents))
        types = inverse_cdf(draws[0], params.type_distribution)
        sections = inverse_cdf(draws[1], params.position_distribution)
        state = BeachState(key=key, params=params, time=jnp.int32(0), types=types, sections=sections)
        return state, self._timestep(state, self._counts(state), self.zero_reward(), jnp.bool_(False))

    def step_env(self, key, state, action, params):
        sections = jnp.clip(state.sections + jnp.asarray(MOVES)[action.astype(jnp.int32)], 0, self.sections - 1)
        state = state.replace(time=state.time + 1, sections=sections)
        counts = self._counts(state)
        occupation = capacity_reward(counts.sum(axis=1), params.capacity)
        mixture = mixture_reward(counts)
        if self.reward_mode == "team":
            team = jnp.stack([occupation.sum(), mixture.mean()])
            reward = jnp.broadcast_to(team, (self.num_agents, 2))
        else:
            reward = jnp.stack([occupation[sections], mixture[sections]], axis=1)
        terminated = state.time >= params.horizon
        reward = jnp.where(terminated, reward, 0.0).astype(jnp.float32)
        return state, self._timestep(state, counts, reward, terminated)

    def scripted_policies(self):
        policies = super().scripted_policies()

        def balance(key, state, ts):
            """With probability 1/3, move to the neighbouring section furthest below capacity (else stay)."""
            consumption = self._counts(state).sum(axis=1)
            gap = state.params.capacity - consumption
            padded = jnp.concatenate([jnp.array([-jnp.inf]), gap, jnp.array([-jnp.inf])])
            here = state.sections + 1
            options = jnp.stack([padded[here - 1], padded[here], padded[here + 1]], axis=1)
            move = jax.random.uniform(key, (self.num_agents,)) < 1.0 / 3.0
            return jnp.where(move, jnp.argmax(options, axis=1), 1).astype(jnp.int32)

        policies["balance"] = balance
        return policies

    def render(self, state: BeachState) -> np.ndarray:
        cell, rows = 24, 2
        counts = np.asarray(self._counts(state))
        colors = palette(self.num_types)
        height = cell * (int(counts.sum(axis=1).max()) // 6 + 2) + 20
        image = canvas(height + 20, self.sections * cell * rows + 2, SAND)
        fill(image, height, 0, 20, image.shape[1], SEA)
        for section in range(self.sections):
            left = section * cell * rows
            fill(image, 0, left, height, 1, BLACK)
            slot = 0
            for kind in range(self.num_types):
                for _ in range(int(counts[section, kind])):
                    top = height - 8 - (slot // 6) * 8
                    fill(image, top, left + 4 + (slot % 6) * 7, 6, 6, colors[kind])
                    slot += 1
        return image

"""MO-SMAX: SMAX with a reward vector per agent, damage dealt to the enemy vs the team's own losses."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from gymnasium import spaces

from arenax.envs.smax.env import SMAX
from arenax.envs.smax.types import SMAXParams, SMAXState

OBJECTIVES = ("damage_dealt", "own_losses")
"""The two objectives, in reward order; both are maximised (own losses count negatively)."""


class MOSMAX(SMAX):
    """A SMAX battle whose reward is a vector: `reward[n_agents, 2]`, both objectives maximised.

    Takes SMAX's constructor arguments (`scenario`, `self_play`, `opponent`,
    `max_steps`); observations, actions, action masks, `world_state`, the
    outcome flags and the heuristic opponents are SMAX's.

    Objectives, as team rewards shared equally by the team's agents (each
    agent receives `1 / team size` of them, so the team's return is the sum
    over its agents):
    0. damage dealt: health and shield the enemy team lost in the step, divided
       by the enemy team's total starting health and shield;
    1. own losses: minus the health and shield the own team lost in the step,
       divided by the own team's total starting health and shield.
    A unit's loss in a step is `max(durability before - durability after, 0)`
    (durability = health + shield), SMAX's own damage measure, so regenerated
    shields and heals are not counted back. Scale: per step a team earns in
    [0, 1] x [-1, 0]; over an episode the team's return is about [0, 1] for
    damage (1: the enemy wiped out without regenerating) and [-1, 0] for losses
    (0: no damage taken), either slightly beyond when shields regenerate or
    medivacs heal between hits. The objectives conflict through positioning:
    a team that engages deals damage and takes it, one that keeps away takes
    little and deals none; focus fire and kiting trade off better. No Pareto
    front is known in closed form.
    """

    def __init__(self, scenario: str = "3m", self_play: bool = False, opponent: str = "medium", max_steps: int | None = None):
        super().__init__(scenario=scenario, self_play=self_play, opponent=opponent, max_steps=max_steps)
        self.objectives = OBJECTIVES
        low = np.array([0.0, -1.0], np.float32)
        high = np.array([1.0, 0.0], np.float32)
        self.reward_space = spaces.Box(low, high, (len(OBJECTIVES),), np.float32)

    def step_env(self, key: jax.Array, state: SMAXState, action: jax.Array, params: SMAXParams):
        new_state, ts = super().step_env(key, state, action, params)
        return new_state, ts.replace(reward=self.vector_reward(state, new_state, params))

    def vector_reward(self, before: SMAXState, after: SMAXState, params: SMAXParams) -> jax.Array:
        """Every agent's `[damage dealt, -own losses]` share of its team's step (see the class docstring)."""
        lost = jnp.maximum(before.health + before.shield - after.health - after.shield, 0.0)
        most = params.unit_health[before.unit_type] + params.unit_shield[before.unit_type]
        first, second = slice(0, self.num_allies), slice(self.num_allies, None)

        def fraction(team: slice) -> jax.Array:
            return jnp.sum(lost[team]) / jnp.maximum(jnp.sum(most[team]), 1e-6)

        first_lost, second_lost = fraction(first), fraction(second)
        rewards = [jnp.broadcast_to(jnp.stack([second_lost, -first_lost]) / self.num_allies, (self.num_allies, 2))]
        if self.self_play:
            rewards.append(jnp.broadcast_to(jnp.stack([first_lost, -second_lost]) / self.num_enemies, (self.num_enemies, 2)))
        return jnp.concatenate(rewards).astype(jnp.float32)

    def __repr__(self) -> str:
        return "MO" + super().__repr__()

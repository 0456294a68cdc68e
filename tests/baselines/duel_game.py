"""A tiny two-player game for the self-play tests: a few rounds of rock-paper-scissors scored as a match."""

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep

ACTIONS = 3


@struct.dataclass
class DuelParams:
    rounds: int = 3


@struct.dataclass
class DuelState(EnvState):
    last_actions: jax.Array
    points: jax.Array


class Duel(Environment):
    """Both players pick rock (0), paper (1) or scissors (2) each step; `rounds` steps make a match.

    A round won gives +1 and a round lost -1 (reward per player); the match goes to whoever won more
    rounds (`info["match_score"]`: 1 win, 0.5 draw, 0 loss per player, 0 until the end). A player
    sees its own and the opponent's last action, one-hot, and the share of the match played.
    Scripted: `rock` always plays rock, `idle` plays 0 too, `copy` repeats the opponent's last action.
    """

    agents = ("player_0", "player_1")

    def __init__(self):
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (2 * ACTIONS + 1,), np.float32)
        self.single_agent_action_space = spaces.Discrete(ACTIONS)

    @property
    def default_params(self):
        return DuelParams()

    def _observe(self, state):
        own = jax.nn.one_hot(state.last_actions, ACTIONS)
        seen = jnp.concatenate([own, own[::-1]], axis=1)
        share = jnp.full((2, 1), state.time / state.params.rounds, jnp.float32)
        return jnp.concatenate([seen, share], axis=1)

    def _info(self, state, over):
        diff = state.points - state.points[::-1]
        score = jnp.where(diff > 0, 1.0, jnp.where(diff < 0, 0.0, 0.5))
        return {"match_score": jnp.where(over, score, 0.0).astype(jnp.float32)}

    def reset_env(self, key, params):
        state = DuelState(key=key, params=params, time=jnp.int32(0), last_actions=jnp.zeros(2, jnp.int32),
                          points=jnp.zeros(2, jnp.int32))
        return state, TimeStep(self._observe(state), self.zero_reward(), jnp.bool_(False), jnp.bool_(False),
                               self._info(state, jnp.bool_(False)))

    def step_env(self, key, state, action, params):
        action = jnp.asarray(action, jnp.int32)
        beats = (action - action[::-1]) % ACTIONS == 1
        reward = beats.astype(jnp.float32) - beats[::-1].astype(jnp.float32)
        state = state.replace(time=state.time + 1, last_actions=action, points=state.points + beats.astype(jnp.int32))
        over = state.time >= params.rounds
        return state, TimeStep(self._observe(state), reward, over, jnp.bool_(False), self._info(state, over))

    def scripted_policies(self):
        policies = super().scripted_policies()
        policies["rock"] = lambda key, state, ts: jnp.zeros((2,), jnp.int32)
        policies["idle"] = lambda key, state, ts: jnp.zeros((2,), jnp.int32)
        policies["copy"] = lambda key, state, ts: state.last_actions[::-1]
        return policies

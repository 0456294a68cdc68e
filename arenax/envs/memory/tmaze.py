"""A passive T-maze (memory chain): a cue at the start, a corridor of chosen length, a choice at the junction."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.memory.render import BLACK, GREEN, GREY, RED, canvas, fill

UP, DOWN = 0, 1


@struct.dataclass
class TMazeParams:
    corridor_length: int = 10
    """Steps between the cue and the junction: the delay the agent must remember across."""


@struct.dataclass
class TMazeState(EnvState):
    cue: jax.Array


class TMaze(Environment[TMazeState, TMazeParams]):
    """The first observation says which arm of the T holds the goal; the agent must still know at the junction.

    The agent is carried one cell a step along a corridor of `corridor_length`
    cells (as in the passive T-maze of Ni et al., 2023), so the delay between
    cue and decision is exactly `corridor_length` steps and needs no
    exploration. Observation (`Box(0, 1, (3,))`): the cue one-hot (up, down)
    on the first step only, then a flag that is 1 at the junction, where the
    action is scored. Action (`Discrete(2)`): 0 up, 1 down; ignored in the
    corridor. At the junction the right arm gives +1, the wrong one -1, and
    the episode terminates after `corridor_length + 1` steps. The delay is a
    parameter, so it can be vmapped or changed per episode without
    recompiling; registered: easy 10, medium 100, hard 1000, long 10000.

    Expected returns (`reference_returns`): random policy 0; best memoryless
    policy 0 (the junction looks the same whatever the cue); perfect memory 1.
    """

    def __init__(self, corridor_length: int = 10):
        self._check_corridor_length(corridor_length)
        self.corridor_length = int(corridor_length)
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (3,), np.float32)
        self.single_agent_action_space = spaces.Discrete(2)

    @staticmethod
    def _check_corridor_length(corridor_length) -> None:
        if (
            isinstance(corridor_length, bool)
            or not isinstance(corridor_length, (int, np.integer))
            or corridor_length < 1
        ):
            raise ValueError(f"TMaze corridor_length must be a positive integer, got {corridor_length!r}")

    @property
    def default_params(self) -> TMazeParams:
        return TMazeParams(corridor_length=self.corridor_length)

    def check_params(self, params: TMazeParams) -> None:
        if not isinstance(params, TMazeParams):
            raise ValueError(f"TMaze takes TMazeParams, got {type(params).__name__}")
        self._check_corridor_length(int(params.corridor_length))

    def episode_length(self, params: TMazeParams | None = None) -> int:
        return int((params or self.default_params).corridor_length) + 1

    def reference_returns(self, params: TMazeParams | None = None) -> dict[str, float]:
        return {"random": 0.0, "memoryless": 0.0, "perfect": 1.0}

    def reset_env(self, key, params):
        cue = jax.random.randint(key, (), 0, 2, dtype=jnp.int32)
        state = TMazeState(key=key, params=params, time=jnp.int32(0), cue=cue)
        obs = jnp.concatenate([jax.nn.one_hot(cue, 2, dtype=jnp.float32), jnp.zeros((1,), jnp.float32)])
        return state, TimeStep(obs, jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), {})

    def step_env(self, key, state, action, params):
        at_junction = state.time >= params.corridor_length
        reward = jnp.where(at_junction, jnp.where(action == state.cue, 1.0, -1.0), 0.0).astype(jnp.float32)
        time = state.time + 1
        junction_ahead = (time >= params.corridor_length).astype(jnp.float32)
        obs = jnp.concatenate([jnp.zeros((2,), jnp.float32), junction_ahead[None]])
        return state.replace(time=time), TimeStep(obs, reward, at_junction, jnp.bool_(False), {})

    def render(self, state: TMazeState) -> np.ndarray:
        length = int(state.params.corridor_length)
        width, height, cell = 320, 90, 10
        image = canvas(height, width)
        corridor_end = width - 3 * cell
        middle = height // 2
        fill(image, middle - cell // 2, cell, cell, corridor_end - cell, GREY)
        fill(image, cell, corridor_end, height - 2 * cell, cell, GREY)
        goal_top = cell if int(state.cue) == UP else height - 2 * cell
        fill(image, goal_top, corridor_end, cell, cell, GREEN)
        fill(image, middle - cell // 2, 0, cell, cell, GREEN if int(state.cue) == UP else RED)
        progress = min(int(state.time), length) / length
        agent_left = int(cell + progress * (corridor_end - cell))
        fill(image, middle - cell // 2 + 2, agent_left + 2, cell - 4, cell - 4, BLACK)
        return image

"""CrazyRL-like Surround: drones in a box fly towards a target while keeping apart; closing in vs spreading out."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.momarl.render import BLACK, GREY, RED, canvas, disc, fill, palette

DEFAULT_START = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0], [2.0, 2.0, 1.0]], np.float32)
DEFAULT_TARGET = np.array([1.0, 1.0, 2.5], np.float32)
CRASH_REWARD = -10.0


@struct.dataclass
class SurroundParams:
    horizon: int = 200
    """Steps before truncation."""
    speed: float = 0.2
    """Largest move of a drone in one step, per axis."""
    closeness: float = 0.1
    """Two drones, a drone and the target, or a drone and the ground closer than this crash."""


@struct.dataclass
class SurroundState(EnvState):
    positions: jax.Array
    target: jax.Array


class MOSurround(Environment[SurroundState, SurroundParams]):
    """Drones fly towards a common target point and surround it without colliding.

    A JAX version of MOMAland's CrazyRL `surround_v0` (4 drones, a box
    `[-3, 3]^2 x [0, 3]`, target at `(1, 1, 2.5)`, 200 steps).

    Objectives (`reward[n_agents, 2]`, maximised):
    0. closing in: last step's distance to the target minus this step's
       (at most `speed * sqrt(3)` ≈ 0.35 a step);
    1. spreading out: mean distance to the other drones (up to the box's
       diagonal, about 9.5).
    A crash (two drones, a drone and the target, or a drone and the ground
    closer than `closeness`) gives every drone involved `(-10, -10)` and ends
    the episode. The objectives conflict: surrounding the target tightly
    brings the drones close to each other.
    Known front: none published.

    Observation (`Box`, `3 * (n_agents + 1)` per drone): own position, the
    target, the other drones. Actions (`Box(-1, 1, (3,))`): a velocity,
    scaled by `speed` and clipped to the box. Terminated on a crash,
    truncated after `horizon` steps.
    """

    def __init__(self, num_drones: int = 4, size: float = 3.0, start_positions=None, target=DEFAULT_TARGET):
        start = DEFAULT_START if start_positions is None else np.asarray(start_positions, np.float32)
        if start_positions is None and num_drones != len(DEFAULT_START):
            grid = np.arange(num_drones, dtype=np.float32)
            start = np.stack([grid % size - size / 2, grid // size - size / 2, np.ones_like(grid)], axis=1)
        if num_drones < 2 or start.shape != (num_drones, 3):
            raise ValueError(f"MOSurround needs at least 2 drones and start_positions of shape ({num_drones}, 3)")
        self.size = float(size)
        self.agents = tuple(f"agent_{i}" for i in range(num_drones))
        self.start_positions = jnp.asarray(start)
        self.target = jnp.asarray(np.asarray(target, np.float32))
        self.low = jnp.array([-size, -size, 0.0], jnp.float32)
        self.high = jnp.array([size, size, 3.0], jnp.float32)
        self.single_agent_observation_space = spaces.Box(
            np.tile(np.asarray(self.low), num_drones + 1), np.tile(np.asarray(self.high), num_drones + 1), dtype=np.float32
        )
        self.single_agent_action_space = spaces.Box(-1.0, 1.0, (3,), np.float32)
        self.reward_space = spaces.Box(
            np.array([CRASH_REWARD, CRASH_REWARD], np.float32), np.array([1.0, np.inf], np.float32), dtype=np.float32
        )

    @property
    def default_params(self) -> SurroundParams:
        return SurroundParams()

    def check_params(self, params: SurroundParams) -> None:
        if int(params.horizon) < 1 or float(params.speed) <= 0 or float(params.closeness) < 0:
            raise ValueError(f"MOSurround needs horizon >= 1, speed > 0 and closeness >= 0, got {params}")

    def _observe(self, state: SurroundState) -> jax.Array:
        n = self.num_agents
        others = jnp.stack([jnp.delete(state.positions, i, axis=0, assume_unique_indices=True) for i in range(n)])
        own_and_target = jnp.concatenate([state.positions, jnp.broadcast_to(state.target, (n, 3))], axis=1)
        return jnp.concatenate([own_and_target, others.reshape(n, -1)], axis=1)

    def _timestep(self, state, reward, terminated, truncated) -> TimeStep:
        obs = self._observe(state)
        return TimeStep(obs, reward, terminated, truncated, {"world_state": obs.reshape(-1)})

    def reset_env(self, key, params):
        state = SurroundState(
            key=key, params=params, time=jnp.int32(0), positions=self.start_positions, target=self.target
        )
        return state, self._timestep(state, self.zero_reward(), jnp.bool_(False), jnp.bool_(False))

    def step_env(self, key, state, action, params):
        n = self.num_agents
        velocity = jnp.clip(action.astype(jnp.float32), -1.0, 1.0)
        positions = jnp.clip(state.positions + velocity * params.speed, self.low, self.high)
        gaps = jnp.linalg.norm(positions[:, None, :] - positions[None, :, :] + jnp.eye(n)[..., None], axis=-1)
        gaps = jnp.where(jnp.eye(n, dtype=bool), 0.0, gaps)
        spread = gaps.sum(axis=1) / (n - 1)
        before = jnp.linalg.norm(state.positions - state.target, axis=1)
        after = jnp.linalg.norm(positions - state.target, axis=1)
        near_drone = jnp.any((gaps < params.closeness) & ~jnp.eye(n, dtype=bool), axis=1)
        crashed = near_drone | (positions[:, 2] < params.closeness) | (after < params.closeness)
        reward = jnp.stack([before - after, spread], axis=1)
        reward = jnp.where(crashed[:, None], CRASH_REWARD, reward).astype(jnp.float32)
        state = state.replace(time=state.time + 1, positions=positions)
        terminated = jnp.any(crashed)
        truncated = (state.time >= params.horizon) & ~terminated
        return state, self._timestep(state, reward, terminated, truncated)

    def scripted_policies(self):
        policies = super().scripted_policies()

        def ring(key, state, ts):
            """Fly to the point at distance 1 from the target, at its height, on each drone's own bearing."""
            offset = state.positions[:, :2] - state.target[:2]
            angles = jnp.arctan2(offset[:, 1], offset[:, 0])
            goals = state.target + jnp.stack([jnp.cos(angles), jnp.sin(angles), jnp.zeros_like(angles)], axis=1)
            return jnp.clip((goals - state.positions) / state.params.speed, -1.0, 1.0)

        policies["ring"] = ring
        return policies

    def render(self, state: SurroundState) -> np.ndarray:
        """Top view (x, y) on the left, side view (x, z) on the right."""
        scale, margin = 30, 10
        side = int(2 * self.size * scale) + 2 * margin
        image = canvas(side, 2 * side)
        fill(image, 0, side - 1, side, 2, GREY)
        colors = palette(self.num_agents)

        def to_pixels(x, y, low_y, panel):
            return side - margin - (y - low_y) * scale, panel * side + margin + (x + self.size) * scale

        target = np.asarray(state.target)
        for panel, axis, low_y in ((0, 1, -self.size), (1, 2, 0.0)):
            disc(image, *to_pixels(target[0], target[axis], low_y, panel), 6, RED)
            for i, position in enumerate(np.asarray(state.positions)):
                disc(image, *to_pixels(position[0], position[axis], low_y, panel), 4, colors[i])
        fill(image, side - margin, side, 1, side, BLACK)
        return image

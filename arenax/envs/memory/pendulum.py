"""Pendulum-v1 with Gymnasium's classic dynamics, spaces, reward and 200-step limit: the continuous-action sanity task."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep

MAX_SPEED = 8.0
MAX_TORQUE = 2.0


@struct.dataclass
class PendulumParams:
    gravity: float = 10.0
    mass: float = 1.0
    length: float = 1.0
    dt: float = 0.05
    max_steps: int = 200


@struct.dataclass
class PendulumState(EnvState):
    theta: jax.Array
    theta_dot: jax.Array
    last_torque: jax.Array


def angle_normalize(theta: jax.Array) -> jax.Array:
    """`theta` wrapped into [-pi, pi)."""
    return ((theta + jnp.pi) % (2 * jnp.pi)) - jnp.pi


class Pendulum(Environment[PendulumState, PendulumParams]):
    """Swing a pendulum up and hold it upright with a bounded torque (Gymnasium's Pendulum-v1).

    Observation `[cos theta, sin theta, theta_dot]` (theta 0 is upright);
    action a torque in `Box(-2, 2, (1,))`, clipped to those bounds as
    Gymnasium does. Reward `-(theta^2 + 0.1 theta_dot^2 + 0.001 torque^2)`
    (theta normalised to [-pi, pi)), so at most 0 and at least about -16.3.
    The start draws theta in [-pi, pi] and theta_dot in [-1, 1]; episodes
    never terminate and are truncated after `max_steps` (200). Random policy:
    about -1200; a good swing-up controller: about -150.
    """

    def __init__(self):
        high = np.array([1.0, 1.0, MAX_SPEED], np.float32)
        self.single_agent_observation_space = spaces.Box(-high, high, dtype=np.float32)
        self.single_agent_action_space = spaces.Box(-MAX_TORQUE, MAX_TORQUE, (1,), dtype=np.float32)

    @property
    def default_params(self) -> PendulumParams:
        return PendulumParams()

    def check_params(self, params: PendulumParams) -> None:
        for name in ("mass", "length", "dt"):
            if float(getattr(params, name)) <= 0:
                raise ValueError(f"Pendulum params.{name} must be positive, got {getattr(params, name)}")
        if int(params.max_steps) < 1:
            raise ValueError(f"Pendulum params.max_steps must be at least 1, got {params.max_steps}")

    def reset_env(self, key: jax.Array, params: PendulumParams) -> tuple[PendulumState, TimeStep]:
        start = jax.random.uniform(key, (2,), minval=-1.0, maxval=1.0) * jnp.array([jnp.pi, 1.0])
        state = PendulumState(
            key=key, params=params, time=jnp.int32(0), theta=start[0], theta_dot=start[1], last_torque=jnp.float32(0.0)
        )
        return state, TimeStep(self.observe(state), jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), {})

    def step_env(self, key, state: PendulumState, action, params: PendulumParams):
        torque = jnp.clip(jnp.reshape(action, (-1,))[0].astype(jnp.float32), -MAX_TORQUE, MAX_TORQUE)
        theta, theta_dot = state.theta, state.theta_dot
        cost = angle_normalize(theta) ** 2 + 0.1 * theta_dot**2 + 0.001 * torque**2
        acceleration = 3 * params.gravity / (2 * params.length) * jnp.sin(theta) + 3.0 / (
            params.mass * params.length**2
        ) * torque
        new_theta_dot = jnp.clip(theta_dot + acceleration * params.dt, -MAX_SPEED, MAX_SPEED)
        new_theta = theta + new_theta_dot * params.dt
        time = state.time + 1
        state = state.replace(theta=new_theta, theta_dot=new_theta_dot, last_torque=torque, time=time)
        truncated = time >= params.max_steps
        ts = TimeStep(self.observe(state), (-cost).astype(jnp.float32), jnp.bool_(False), truncated, {})
        return state, ts

    def observe(self, state: PendulumState) -> jax.Array:
        return jnp.stack([jnp.cos(state.theta), jnp.sin(state.theta), state.theta_dot]).astype(jnp.float32)

    def scripted_policies(self):
        policies = super().scripted_policies()
        policies["swing_up"] = lambda key, state, ts: swing_up_torque(state.theta, state.theta_dot)
        return policies

    def render(self, state: PendulumState) -> np.ndarray:
        size = 160
        image = np.full((size, size, 3), 255, np.uint8)
        centre, rod = size // 2, size * 0.4
        theta = float(state.theta)
        for t in np.linspace(0.0, 1.0, 80):
            # theta 0 points up; positive theta turns counter-clockwise, as in Gymnasium's drawing.
            px = int(round(centre - t * rod * np.sin(theta)))
            py = int(round(centre - t * rod * np.cos(theta)))
            image[max(py - 2, 0) : py + 3, max(px - 2, 0) : px + 3] = (204, 77, 77)
        image[centre - 2 : centre + 3, centre - 2 : centre + 3] = (0, 0, 0)
        return image


def swing_up_torque(theta: jax.Array, theta_dot: jax.Array) -> jax.Array:
    """A scripted controller: pump energy towards the upright's, then hold the top with a PD law (about -150 per episode)."""
    angle = angle_normalize(theta)
    energy = 0.5 * theta_dot**2 / 3.0 + 10.0 / 2.0 * (jnp.cos(theta) - 1.0)  # per unit of m l^2, zero upright at rest
    pump = jnp.clip(-2.0 * energy * jnp.sign(theta_dot + 1e-6), -MAX_TORQUE, MAX_TORQUE)
    hold = jnp.clip(-10.0 * angle - 2.0 * theta_dot, -MAX_TORQUE, MAX_TORQUE)
    return jnp.where(jnp.abs(angle) < 0.6, hold, pump)[None].astype(jnp.float32)

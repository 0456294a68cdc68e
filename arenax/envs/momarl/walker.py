"""Walker-lite: walkers carry a beam forward together; faster walking shakes it, so speed trades against stability."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.momarl.render import BLACK, GREY, SAND, canvas, fill, line, palette

OBS_LIMIT = 10.0
"""Observations are clipped to `[-OBS_LIMIT, OBS_LIMIT]` (only a spinning, fallen beam reaches it)."""


@struct.dataclass
class WalkerParams:
    horizon: int = 200
    """Steps before truncation."""
    dt: float = 0.1
    push_gain: float = 1.0
    """Forward acceleration of the beam when every walker pushes fully."""
    drag: float = 0.5
    """Velocity damping: the top speed is `push_gain / drag`."""
    lift_gain: float = 2.0
    """Angular acceleration per unit of lift times the walker's offset from the beam's centre."""
    gravity: float = 1.0
    """Tilt grows on its own (`gravity * sin(angle)`): the beam is balanced, not hanging."""
    damping: float = 0.5
    shake: float = 1.0
    """Standard deviation of the random angular kick per unit of speed: walking fast shakes the beam."""
    fall_angle: float = 0.5
    """The beam falls (episode ends) when it tilts beyond this many radians."""
    fall_penalty: float = 10.0
    """Subtracted from both objectives when the beam falls."""


@struct.dataclass
class WalkerState(EnvState):
    distance: jax.Array
    velocity: jax.Array
    angle: jax.Array
    angular_velocity: jax.Array
    last_action: jax.Array


class MOWalker(Environment[WalkerState, WalkerParams]):
    """Walkers under a beam push it forward and lift their end to keep it level; speed makes the beam shake.

    A continuous cooperative task in the spirit of MOMAland's
    `momultiwalker_stability_v0`, without its Box2D physics: `n` walkers
    stand under a beam at offsets spread over `[-1, 1]`. Each walker's action
    (`Box(-1, 1, (2,))`) is a push (forward force) and a lift at its end of
    the beam. The beam's tilt is unstable (`gravity`), damped, corrected by
    the lifts' torque `lift_gain * sum(lift_i * offset_i)`, and kicked at
    random in proportion to the beam's speed.

    Objectives (`reward[n_agents, 2]`, shared by all walkers, maximised):
    0. progress: the distance the beam moved this step, divided by
       `dt * push_gain / drag` (1 a step at top speed);
    1. stability: minus the beam's angular speed (0 when perfectly steady).
    Both lose `fall_penalty` when the beam tilts past `fall_angle`, which
    ends the episode. Faster walking means larger kicks, so the front runs
    from slow and steady to fast and shaky. Known front: none published.

    Observation (`Box(-10, 10, (5 + 2 * n,))`, per walker): own offset,
    beam speed, tilt, angular speed, distance travelled modulo 1, and every
    walker's last action. Terminated when the beam falls, truncated after
    `horizon` steps. `info["world_state"]` holds the beam's state.
    """

    def __init__(self, num_walkers: int = 3):
        if num_walkers < 2:
            raise ValueError(f"MOWalker needs at least 2 walkers, got {num_walkers}")
        self.agents = tuple(f"walker_{i}" for i in range(num_walkers))
        self.offsets = jnp.linspace(-1.0, 1.0, num_walkers, dtype=jnp.float32)
        self.single_agent_observation_space = spaces.Box(-OBS_LIMIT, OBS_LIMIT, (5 + 2 * num_walkers,), np.float32)
        self.single_agent_action_space = spaces.Box(-1.0, 1.0, (2,), np.float32)
        low = np.array([-2.0, -np.inf], np.float32)
        self.reward_space = spaces.Box(low, np.array([1.0, 0.0], np.float32), dtype=np.float32)

    @property
    def default_params(self) -> WalkerParams:
        return WalkerParams()

    def check_params(self, params: WalkerParams) -> None:
        positive = ("horizon", "dt", "push_gain", "drag", "lift_gain", "fall_angle")
        bad = [name for name in positive if float(getattr(params, name)) <= 0]
        bad += [name for name in ("gravity", "damping", "shake", "fall_penalty") if float(getattr(params, name)) < 0]
        if bad:
            raise ValueError(f"MOWalker parameters must be positive (non-negative for the physics terms): {bad}")

    def _timestep(self, state, reward, terminated, truncated) -> TimeStep:
        n = self.num_agents
        beam = jnp.stack([state.velocity, state.angle, state.angular_velocity, jnp.mod(state.distance, 1.0)])
        shared = jnp.concatenate([beam, state.last_action.reshape(-1)])
        obs = jnp.concatenate([self.offsets[:, None], jnp.broadcast_to(shared, (n, shared.shape[0]))], axis=1)
        obs = jnp.clip(obs, -OBS_LIMIT, OBS_LIMIT)
        world = jnp.concatenate([jnp.stack([state.distance]), shared])
        return TimeStep(obs, reward, terminated, truncated, {"world_state": world})

    def reset_env(self, key, params):
        angle = jax.random.uniform(key, (), minval=-0.05, maxval=0.05)
        zero = jnp.float32(0.0)
        state = WalkerState(
            key=key,
            params=params,
            time=jnp.int32(0),
            distance=zero,
            velocity=zero,
            angle=angle,
            angular_velocity=zero,
            last_action=jnp.zeros((self.num_agents, 2), jnp.float32),
        )
        return state, self._timestep(state, self.zero_reward(), jnp.bool_(False), jnp.bool_(False))

    def step_env(self, key, state, action, params):
        action = jnp.clip(action.astype(jnp.float32), -1.0, 1.0)
        push, lift = action[:, 0], action[:, 1]
        velocity = state.velocity + params.dt * (params.push_gain * push.mean() - params.drag * state.velocity)
        kick = params.shake * jnp.abs(velocity) * jax.random.normal(key, ())
        torque = (
            params.lift_gain * jnp.sum(lift * self.offsets) / self.num_agents
            + params.gravity * jnp.sin(state.angle)
            - params.damping * state.angular_velocity
            + kick
        )
        angular_velocity = state.angular_velocity + params.dt * torque
        angle = state.angle + params.dt * angular_velocity
        distance = state.distance + params.dt * velocity
        fell = jnp.abs(angle) > params.fall_angle
        top_step = params.dt * params.push_gain / params.drag
        objectives = jnp.stack([(distance - state.distance) / top_step, -jnp.abs(angular_velocity)])
        objectives = objectives - jnp.where(fell, params.fall_penalty, 0.0)
        reward = jnp.broadcast_to(objectives, (self.num_agents, 2)).astype(jnp.float32)
        state = state.replace(
            time=state.time + 1,
            distance=distance,
            velocity=velocity,
            angle=angle,
            angular_velocity=angular_velocity,
            last_action=action,
        )
        truncated = (state.time >= params.horizon) & ~fell
        return state, self._timestep(state, reward, fell, truncated)

    def scripted_policies(self):
        policies = super().scripted_policies()

        def steady(pace: float):
            def act(key, state, ts):
                """Push at a fixed pace; lift against the tilt with a proportional-derivative controller."""
                correction = -(4.0 * state.angle + 1.5 * state.angular_velocity)
                lift = jnp.clip(correction * jnp.sign(self.offsets) * 3.0, -1.0, 1.0)
                push = jnp.full((self.num_agents,), pace)
                return jnp.stack([push, lift], axis=1).astype(jnp.float32)

            return act

        policies["careful"] = steady(0.3)
        policies["hurried"] = steady(0.8)
        return policies

    def render(self, state: WalkerState) -> np.ndarray:
        width, height, ground = 320, 160, 130
        image = canvas(height, width)
        fill(image, ground, 0, height - ground, width, SAND)
        stripe = int((float(state.distance) * 40) % 40)
        for left in range(-stripe, width, 40):
            fill(image, ground, left, height - ground, 2, GREY)
        centre, half = width / 2, 100.0
        angle = float(state.angle)
        left_end = (ground - 60 + half * np.sin(angle), centre - half * np.cos(angle))
        right_end = (ground - 60 - half * np.sin(angle), centre + half * np.cos(angle))
        line(image, left_end, right_end, BLACK, width=4)
        colors = palette(self.num_agents)
        for i, offset in enumerate(np.asarray(self.offsets)):
            top = ground - 60 - half * offset * np.sin(angle)
            col = centre + half * offset * np.cos(angle)
            line(image, (top + 2, col), (ground, col), colors[i], width=5)
        return image

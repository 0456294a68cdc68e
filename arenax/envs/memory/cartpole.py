"""CartPole-v1 with Gymnasium's dynamics and limits, and its POPGym position-only variants."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep

THETA_LIMIT = 12 * 2 * np.pi / 360
X_LIMIT = 2.4

RANDOM_POLICY_STEPS = 22.3
MEMORYLESS_POLICY_STEPS = 45.2
"""Mean episode lengths of the random and the best known memoryless policy, measured over 10000 episodes."""
NOISY_REFERENCE_RETURNS = {0.1: (0.231, 0.984), 0.2: (0.194, 0.638), 0.3: (0.165, 0.381)}
"""Noise std -> measured (memoryless, Kalman-filter) returns of the noisy task at 200 steps, 4000+ episodes."""


@struct.dataclass
class CartPoleParams:
    gravity: float = 9.8
    cart_mass: float = 1.0
    pole_mass: float = 0.1
    pole_half_length: float = 0.5
    force: float = 10.0
    tau: float = 0.02
    max_steps: int = 500
    observation_noise: float = 0.0


@struct.dataclass
class CartPoleState(EnvState):
    physics: jax.Array


class CartPole(Environment[CartPoleState, CartPoleParams]):
    """Balance a pole on a cart (Gymnasium's CartPole-v1: Euler steps, 500-step limit).

    Reward 1 per step, including the step that lets the pole fall; the episode
    is `terminated` when the pole passes 12 degrees or the cart leaves
    [-2.4, 2.4], `truncated` at `max_steps`. Random policy: about 22.
    Perfect policy: 500.
    """

    def __init__(self):
        high = np.array([X_LIMIT * 2, np.finfo(np.float32).max, THETA_LIMIT * 2, np.finfo(np.float32).max], np.float32)
        self.single_agent_observation_space = spaces.Box(-high, high, dtype=np.float32)
        self.single_agent_action_space = spaces.Discrete(2)

    @property
    def default_params(self) -> CartPoleParams:
        return CartPoleParams()

    def check_params(self, params: CartPoleParams) -> None:
        for name in ("cart_mass", "pole_mass", "pole_half_length", "tau"):
            if float(getattr(params, name)) <= 0:
                raise ValueError(f"CartPole params.{name} must be positive, got {getattr(params, name)}")
        if int(params.max_steps) < 1:
            raise ValueError(f"CartPole params.max_steps must be at least 1, got {params.max_steps}")
        if float(params.observation_noise) < 0:
            raise ValueError(f"CartPole params.observation_noise must be >= 0, got {params.observation_noise}")

    def reset_env(self, key: jax.Array, params: CartPoleParams) -> tuple[CartPoleState, TimeStep]:
        physics = jax.random.uniform(key, (4,), minval=-0.05, maxval=0.05)
        state = CartPoleState(key=key, params=params, time=jnp.int32(0), physics=physics)
        # a separate draw that XLA drops when observations are noiseless
        obs = self.observe(physics, jax.random.fold_in(key, 1), params)
        ts = TimeStep(obs, jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), {})
        return state, ts

    def step_env(self, key, state: CartPoleState, action, params: CartPoleParams):
        x, x_dot, theta, theta_dot = state.physics
        force = jnp.where(action == 1, params.force, -params.force)
        total_mass = params.cart_mass + params.pole_mass
        pole_moment = params.pole_mass * params.pole_half_length
        cos, sin = jnp.cos(theta), jnp.sin(theta)
        temp = (force + pole_moment * theta_dot**2 * sin) / total_mass
        theta_acc = (params.gravity * sin - cos * temp) / (
            params.pole_half_length * (4.0 / 3.0 - params.pole_mass * cos**2 / total_mass)
        )
        x_acc = temp - pole_moment * theta_acc * cos / total_mass
        physics = jnp.stack(
            [
                x + params.tau * x_dot,
                x_dot + params.tau * x_acc,
                theta + params.tau * theta_dot,
                theta_dot + params.tau * theta_acc,
            ]
        )
        time = state.time + 1
        terminated = (jnp.abs(physics[0]) > X_LIMIT) | (jnp.abs(physics[2]) > THETA_LIMIT)
        truncated = (time >= params.max_steps) & ~terminated
        state = state.replace(physics=physics, time=time)
        ts = TimeStep(self.observe(physics, key, params), jnp.float32(1.0), terminated, truncated, {})
        return state, ts

    def observe(self, physics: jax.Array, key: jax.Array, params: CartPoleParams) -> jax.Array:
        return physics.astype(jnp.float32)

    def render(self, state: CartPoleState) -> np.ndarray:
        width, height = 240, 160
        image = np.full((height, width, 3), 255, np.uint8)
        x, _, theta, _ = np.asarray(state.physics, np.float64)
        scale = width / (2 * X_LIMIT * 2)
        cart_x = int(width / 2 + x * scale)
        cart_y = int(height * 0.7)
        image[cart_y - 6 : cart_y + 6, max(cart_x - 15, 0) : max(min(cart_x + 15, width), 0)] = (40, 40, 40)
        pole_length = 2 * float(state.params.pole_half_length) * scale
        for t in np.linspace(0.0, 1.0, 60):
            px = int(cart_x + t * pole_length * np.sin(theta))
            py = int(cart_y - t * pole_length * np.cos(theta))
            if 0 <= px < width and 0 <= py < height:
                image[max(py - 1, 0) : py + 2, max(px - 1, 0) : px + 2] = (200, 120, 60)
        image[cart_y + 6, :] = (0, 0, 0)
        return image


def _check_max_steps(task: str, max_steps) -> int:
    if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) or max_steps < 1:
        raise ValueError(f"{task} max_steps must be a positive integer, got {max_steps!r}")
    return int(max_steps)


class PositionOnlyCartPole(CartPole):
    """CartPole that observes only the cart position and pole angle (POPGym's `PositionOnlyCartPole`).

    Velocities must be inferred from consecutive observations, so a memoryless
    policy cannot balance well. Returns are scaled as POPGym's: 1/max_steps per
    step, so a perfect policy scores 1.0; episodes are truncated at
    `max_steps` (POPGym: easy 200, medium 400, hard 600).

    Expected returns (`reference_returns`; measured, CartPole has no closed
    form), with T = max_steps:

    - random policy: a random CartPole episode lasts about 22.3 steps, so
      about 22.3/T (0.112 easy, 0.056 medium, 0.037 hard);
    - best memoryless policy known: `action = theta - 0.4 x > 0`
      (`policies.memoryless_policy`), about 45.2 steps: 0.226 (easy), 0.113
      (medium), 0.075 (hard);
    - perfect memory: 1.0, which the scripted Kalman-filter controller of
      `arenax.envs.memory.policies` reaches on every episode.
    """

    def __init__(self, max_steps: int = 200):
        super().__init__()
        self.max_steps = _check_max_steps(type(self).__name__, max_steps)
        high = np.array([X_LIMIT * 2, THETA_LIMIT * 2], np.float32)
        self.single_agent_observation_space = spaces.Box(-high, high, dtype=np.float32)

    @property
    def default_params(self) -> CartPoleParams:
        return CartPoleParams(max_steps=self.max_steps)

    def episode_length(self, params: CartPoleParams | None = None) -> int:
        return int((params or self.default_params).max_steps)

    def reference_returns(self, params: CartPoleParams | None = None) -> dict[str, float]:
        steps = self.episode_length(params)
        return {
            "random": min(RANDOM_POLICY_STEPS, steps) / steps,
            "memoryless": min(MEMORYLESS_POLICY_STEPS, steps) / steps,
            "perfect": 1.0,
        }

    def step_env(self, key, state, action, params):
        state, ts = super().step_env(key, state, action, params)
        return state, ts.replace(reward=ts.reward / params.max_steps)

    def observe(self, physics, key, params):
        position = jnp.stack([physics[0], physics[2]])
        noisy = position + params.observation_noise * jax.random.normal(key, (2,))
        # clipped into the observation space, as POPGym clips its noisy observations
        high = self.single_agent_observation_space.high
        return jnp.clip(noisy, -high, high).astype(jnp.float32)


class NoisyPositionOnlyCartPole(PositionOnlyCartPole):
    """PositionOnlyCartPole whose observations carry Gaussian noise of standard deviation `noise`.

    The noise is real and non-zero (POPGym once shipped its noisy tasks with
    zero noise); a test checks that two equal states give different
    observations. Noisy observations are clipped into the observation space,
    as POPGym does. POPGym's variants keep 200 steps and set the noise to 0.1
    (easy), 0.2 (medium) and 0.3 (hard).

    Expected returns (`reference_returns`, measured at 200 steps): random
    0.112 at every noise level; the memoryless rule of the noiseless task
    0.231, 0.194, 0.165 (easy, medium, hard); the scripted Kalman-filter
    controller (`policies.perfect_memory_policy`) 0.984, 0.638, 0.381. Other
    noise levels or lengths have no measured references.
    """

    def __init__(self, noise: float = 0.1, max_steps: int = 200):
        if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating, np.integer)) or not noise > 0:
            raise ValueError(f"NoisyPositionOnlyCartPole noise must be a positive number, got {noise!r}")
        super().__init__(max_steps)
        self.noise = float(noise)

    @property
    def default_params(self) -> CartPoleParams:
        return CartPoleParams(max_steps=self.max_steps, observation_noise=self.noise)

    def reference_returns(self, params: CartPoleParams | None = None) -> dict[str, float]:
        params = params or self.default_params
        noise, steps = round(float(params.observation_noise), 6), int(params.max_steps)
        if steps != 200 or noise not in NOISY_REFERENCE_RETURNS:
            raise ValueError(
                f"NoisyPositionOnlyCartPole has reference returns only for 200 steps and noise in "
                f"{sorted(NOISY_REFERENCE_RETURNS)}, got max_steps={steps}, noise={noise}; "
                "measure others with arenax.envs.memory.policies.episode_stats"
            )
        memoryless, perfect = NOISY_REFERENCE_RETURNS[noise]
        return {"random": RANDOM_POLICY_STEPS / steps, "memoryless": memoryless, "perfect": perfect}

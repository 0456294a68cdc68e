"""A CartPole controller that sees only positions: a Kalman filter estimates velocities, an LQR gain acts on them."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from arenax.envs.memory.cartpole import CartPoleParams

OBSERVED = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
"""The position-only observation picks the cart position and the pole angle out of the state."""

STATE_COST = np.diag([0.1, 0.1, 10.0, 1.0])
FORCE_COST = 1.0
START_VARIANCE = 0.1**2 / 12
"""Variance of Gymnasium's uniform start in [-0.05, 0.05]."""
MODEL_ERROR_VARIANCE = 1e-6
"""Per-step variance the linear model misses (the pole is never far from upright while balanced)."""
MIN_OBSERVATION_VARIANCE = 1e-8


@struct.dataclass
class ControllerState:
    mean: jax.Array
    covariance: jax.Array
    last_force: jax.Array
    started: jax.Array


def linear_model(params: CartPoleParams) -> tuple[np.ndarray, np.ndarray]:
    """CartPole's Euler step linearised around the upright pole: state' = A state + B force."""
    total_mass = params.cart_mass + params.pole_mass
    half_length, tau = params.pole_half_length, params.tau
    denominator = half_length * (4.0 / 3.0 - params.pole_mass / total_mass)
    angle_to_angular_acc = params.gravity / denominator
    force_to_angular_acc = -1.0 / (total_mass * denominator)
    angle_to_cart_acc = -params.pole_mass * half_length * angle_to_angular_acc / total_mass
    force_to_cart_acc = 1.0 / total_mass - params.pole_mass * half_length * force_to_angular_acc / total_mass
    transition = np.array(
        [
            [1.0, tau, 0.0, 0.0],
            [0.0, 1.0, tau * angle_to_cart_acc, 0.0],
            [0.0, 0.0, 1.0, tau],
            [0.0, 0.0, tau * angle_to_angular_acc, 1.0],
        ]
    )
    control = np.array([0.0, tau * force_to_cart_acc, 0.0, tau * force_to_angular_acc])
    return transition, control


def lqr_gain(transition: np.ndarray, control: np.ndarray) -> np.ndarray:
    """The infinite-horizon discrete LQR gain, by iterating the Riccati equation."""
    cost_to_go = STATE_COST.copy()
    b = control[:, None]
    for _ in range(2000):
        gain = np.linalg.solve(FORCE_COST + b.T @ cost_to_go @ b, b.T @ cost_to_go @ transition)
        cost_to_go = STATE_COST + transition.T @ cost_to_go @ (transition - b @ gain)
    return gain[0]


def make_controller(params: CartPoleParams):
    """`(init, act)` of the controller for `params`; the action pushes the way the LQR force points."""
    transition, control = linear_model(params)
    gain = jnp.asarray(lqr_gain(transition, control), jnp.float32)
    transition, control = jnp.asarray(transition, jnp.float32), jnp.asarray(control, jnp.float32)
    observed = jnp.asarray(OBSERVED, jnp.float32)
    observation_variance = max(float(params.observation_noise) ** 2, MIN_OBSERVATION_VARIANCE)
    model_error = MODEL_ERROR_VARIANCE * jnp.eye(4, dtype=jnp.float32)
    force = float(params.force)

    def init(key: jax.Array) -> ControllerState:
        return ControllerState(
            mean=jnp.zeros(4, jnp.float32),
            covariance=START_VARIANCE * jnp.eye(4, dtype=jnp.float32),
            last_force=jnp.float32(0.0),
            started=jnp.bool_(False),
        )

    def act(state: ControllerState, obs: jax.Array) -> tuple[ControllerState, jax.Array]:
        predicted = jnp.where(state.started, transition @ state.mean + control * state.last_force, state.mean)
        predicted_cov = jnp.where(
            state.started, transition @ state.covariance @ transition.T + model_error, state.covariance
        )
        innovation_cov = observed @ predicted_cov @ observed.T + observation_variance * jnp.eye(2)
        kalman_gain = jnp.linalg.solve(innovation_cov, observed @ predicted_cov).T
        mean = predicted + kalman_gain @ (obs - observed @ predicted)
        covariance = (jnp.eye(4) - kalman_gain @ observed) @ predicted_cov
        push_right = -(gain @ mean) > 0
        new_state = ControllerState(
            mean=mean,
            covariance=covariance,
            last_force=jnp.where(push_right, force, -force).astype(jnp.float32),
            started=jnp.bool_(True),
        )
        return new_state, push_right.astype(jnp.int32)

    return init, act

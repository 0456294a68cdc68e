"""LRU (Orvieto et al., 2023): a linear recurrent unit with stable exponential parameterisation and normalisation."""

from __future__ import annotations

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from arenax.agents.backbones.base import (
    SCAN_MODES,
    Backbone,
    check_choice,
    check_positive,
    check_sequence,
    check_step,
    resolve_mode,
)
from arenax.agents.backbones.layers import ComplexDense, real_readout, stack_complex
from arenax.agents.backbones.scan import expand_resets, linear_recurrence


class LRU(Backbone):
    """x[t] = lambda * x[t-1] + gamma * (B u[t]), y[t] = Re(C x[t]) + D u[t], with a diagonal complex lambda.

    lambda = exp(-exp(nu_log) + i exp(theta_log)) stays inside the unit disc
    for any parameters; it starts uniform on the ring r_min <= |lambda| <= r_max
    with phases in [0, max_phase]. gamma = exp(gamma_log) starts at
    sqrt(1 - |lambda|^2), so that the state's scale does not grow with memory
    length. Sizes: `features`, `state_size` N (complex states). Inputs of any
    width D: B is [N, D] and the feedthrough D a [D, features] matrix.

    `mode`: "sequential", "associative" or "auto" (sequential on CPUs,
    associative elsewhere). The carry is `x[B, N]` (complex64).
    """

    state_size: int = 64
    r_min: float = 0.9
    r_max: float = 0.999
    max_phase: float = 2 * np.pi
    mode: str = "auto"

    parallel_modes = SCAN_MODES

    def check_sizes(self) -> None:
        check_positive(self, "state_size")
        check_choice(self, "mode", ("auto", *SCAN_MODES))
        if not 0 <= self.r_min < self.r_max < 1:
            raise ValueError(f"LRU: need 0 <= r_min < r_max < 1, got {self.r_min}, {self.r_max}")
        if not self.max_phase > 0:
            raise ValueError(f"LRU: max_phase must be positive, got {self.max_phase}")

    def setup(self):
        n = self.state_size

        def nu_log_init(key):
            u = jax.random.uniform(key, (n,))
            return jnp.log(-0.5 * jnp.log(u * (self.r_max**2 - self.r_min**2) + self.r_min**2))

        def theta_log_init(key):
            return jnp.log(self.max_phase * jax.random.uniform(key, (n,), minval=1e-4))

        self.nu_log = self.param("nu_log", nu_log_init)
        self.theta_log = self.param("theta_log", theta_log_init)

        def gamma_log_init(key):
            del key
            magnitude = jnp.exp(-jnp.exp(self.nu_log))
            return jnp.log(jnp.sqrt(1 - magnitude**2))

        self.gamma_log = self.param("gamma_log", gamma_log_init)

        def input_matrix_init(key, width):
            parts = jax.random.normal(key, (2, width, n)) / np.sqrt(2 * width)
            return parts[0] + 1j * parts[1]

        def output_matrix_init(key):
            parts = jax.random.normal(key, (2, n, self.features)) / np.sqrt(n)
            return stack_complex(parts[0] + 1j * parts[1])

        self.input_matrix = ComplexDense(n, input_matrix_init, name="input_matrix")
        self.output_matrix = self.param("output_matrix", output_matrix_init)
        self.feedthrough = nn.Dense(self.features, use_bias=False, name="feedthrough")

    def initialize_carry(self, batch_size: int) -> jax.Array:
        return jnp.zeros((batch_size, self.state_size), jnp.complex64)

    def eigenvalues(self) -> jax.Array:
        return jnp.exp(-jnp.exp(self.nu_log) + 1j * jnp.exp(self.theta_log))

    def _readout(self, states: jax.Array, inputs: jax.Array) -> jax.Array:
        return real_readout(states, self.output_matrix) + self.feedthrough(inputs)

    def __call__(self, carry: jax.Array, inputs: jax.Array, resets: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_sequence(inputs, resets)
        increments = jnp.exp(self.gamma_log) * self.input_matrix(inputs)
        states, last = linear_recurrence(self.eigenvalues(), increments, resets, carry, resolve_mode(self.mode))
        return last, self._readout(states, inputs)

    def step(self, carry: jax.Array, x: jax.Array, reset: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_step(x, reset)
        keep = 1 - expand_resets(reset, 2).astype(jnp.float32)
        state = self.eigenvalues() * keep * carry + jnp.exp(self.gamma_log) * self.input_matrix(x)
        return state, self._readout(state, x)

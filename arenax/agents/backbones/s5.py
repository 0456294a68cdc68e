"""S5 (Smith, Warrington and Linderman, 2023): one MIMO diagonal state-space layer, HiPPO or PTD initialised."""

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
from arenax.agents.backbones.hippo import block_diagonal, legs_normal_eigen, perturb_then_diagonalize
from arenax.agents.backbones.layers import ComplexDense, real_readout, stack_complex, unstack_complex
from arenax.agents.backbones.scan import expand_resets, linear_recurrence

INITIALIZATIONS = ("eigen", "ptd")
# S5 keeps eigenvalues in the open left half-plane by clipping their real parts.
MAX_REAL_PART = -1e-4


def diagonal_form(size: int, blocks: int, initialization: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`(Lambda[size], V, V^-1)`: `blocks` copies of the diagonalised LegS block of size `size // blocks`."""
    block_size = size // blocks
    if initialization == "eigen":
        eigenvalues, vectors = legs_normal_eigen(block_size)
        inverse = vectors.conj().T
    else:
        eigenvalues, vectors, inverse = perturb_then_diagonalize(block_size)
    return np.tile(eigenvalues, blocks), block_diagonal(vectors, blocks), block_diagonal(inverse, blocks)


class S5(Backbone):
    """x[t] = Lambda_bar x[t-1] + B_bar u[t], y[t] = Re(C x[t]) + D u[t], with a diagonal complex Lambda.

    Sizes: `features` (output width), `state_size` P (complex states),
    `blocks` J (the initial Lambda repeats a diagonalised LegS block of size
    P / J), `initialization` "eigen" (eigendecomposition of LegS's normal
    part, as S5) or "ptd" (perturb-then-diagonalize of LegS itself), and the
    range of the initial per-state step sizes. Discretisation is zero-order
    hold: Lambda_bar = exp(Lambda dt), B_bar = (Lambda_bar - 1) / Lambda * B.
    B starts as V^-1 B0 and C as C0 V for random real B0, C0, so the first
    system is the chosen real matrix in its eigenbasis.

    All P conjugate states are kept (no conjugate-symmetry halving), so the
    PTD spectrum, which need not come in pairs, is handled like the other.
    Inputs of any width D: B is [P, D] and the feedthrough D is a [D, features]
    matrix (diagonal in S5, where input and output widths match).

    `mode`: "sequential" (`lax.scan`), "associative" (`lax.associative_scan`,
    the fast one on GPUs) or "auto", which picks sequential on CPUs and
    associative elsewhere. The carry is `x[B, P]` (complex64).
    """

    state_size: int = 64
    blocks: int = 1
    initialization: str = "eigen"
    dt_min: float = 1e-3
    dt_max: float = 1e-1
    mode: str = "auto"

    parallel_modes = SCAN_MODES

    def check_sizes(self) -> None:
        check_positive(self, "state_size", "blocks")
        check_choice(self, "initialization", INITIALIZATIONS)
        check_choice(self, "mode", ("auto", *SCAN_MODES))
        if self.state_size % self.blocks:
            raise ValueError(f"S5: state_size {self.state_size} must be a multiple of blocks {self.blocks}")
        if not 0 < self.dt_min <= self.dt_max:
            raise ValueError(f"S5: need 0 < dt_min <= dt_max, got {self.dt_min}, {self.dt_max}")

    def setup(self):
        eigenvalues, vectors, inverse = diagonal_form(self.state_size, self.blocks, self.initialization)
        self.eigenvalues = self.param("eigenvalues", lambda key: stack_complex(jnp.asarray(eigenvalues)))

        def input_matrix_init(key: jax.Array, width: int) -> jax.Array:
            b0 = nn.initializers.lecun_normal()(key, (self.state_size, width))
            return (jnp.asarray(inverse, jnp.complex64) @ b0).T

        def output_matrix_init(key: jax.Array) -> jax.Array:
            c0 = jax.random.normal(key, (self.features, self.state_size)) / np.sqrt(self.state_size)
            return stack_complex((c0 @ jnp.asarray(vectors, jnp.complex64)).T)

        def log_step_init(key: jax.Array) -> jax.Array:
            low, high = np.log(self.dt_min), np.log(self.dt_max)
            return jax.random.uniform(key, (self.state_size,), minval=low, maxval=high)

        self.input_matrix = ComplexDense(self.state_size, input_matrix_init, name="input_matrix")
        self.output_matrix = self.param("output_matrix", output_matrix_init)
        self.log_step = self.param("log_step", log_step_init)
        self.feedthrough = nn.Dense(self.features, use_bias=False, name="feedthrough")

    def initialize_carry(self, batch_size: int) -> jax.Array:
        return jnp.zeros((batch_size, self.state_size), jnp.complex64)

    def discretize(self) -> tuple[jax.Array, jax.Array]:
        """Zero-order hold: `(Lambda_bar[P], (Lambda_bar - 1) / Lambda [P])`, the factor that turns B into B_bar."""
        eigenvalues = unstack_complex(self.eigenvalues)
        eigenvalues = jnp.minimum(eigenvalues.real, MAX_REAL_PART) + 1j * eigenvalues.imag
        exponent = eigenvalues * jnp.exp(self.log_step)
        # expm1, not exp - 1: small steps would otherwise lose most digits of B_bar in float32.
        return jnp.exp(exponent), jnp.expm1(exponent) / eigenvalues

    def _readout(self, states: jax.Array, inputs: jax.Array) -> jax.Array:
        return real_readout(states, self.output_matrix) + self.feedthrough(inputs)

    def __call__(self, carry: jax.Array, inputs: jax.Array, resets: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_sequence(inputs, resets)
        decay, input_scale = self.discretize()
        increments = input_scale * self.input_matrix(inputs)
        states, last = linear_recurrence(decay, increments, resets, carry, resolve_mode(self.mode))
        return last, self._readout(states, inputs)

    def step(self, carry: jax.Array, x: jax.Array, reset: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_step(x, reset)
        decay, input_scale = self.discretize()
        keep = 1 - expand_resets(reset, 2).astype(jnp.float32)
        state = decay * keep * carry + input_scale * self.input_matrix(x)
        return state, self._readout(state, x)

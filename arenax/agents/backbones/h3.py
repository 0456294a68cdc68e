"""H3 (Fu et al., 2023): a shift SSM and a diagonal SSM joined by multiplicative gates."""

from __future__ import annotations

from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from arenax.agents.backbones.base import (
    SCAN_MODES,
    Backbone,
    check_choice,
    check_positive,
    check_sequence,
    check_step,
    resolve_mode,
)
from arenax.agents.backbones.s4d import DiagonalSSM
from arenax.agents.backbones.windows import (
    causal_convolution,
    sequence_window,
    step_window,
    zero_window_carry,
)


class H3(Backbone):
    """One H3 layer with head dimension 1: y = W_o(q * SSM_diag(SSM_shift(k) * v)), q, k, v = W_{q,k,v} u.

    The shift SSM has A = shift matrix and B = e_1, so its state is the last
    `shift_size` values of k and its output a learned causal convolution of
    that length; its input buffer lives in the carry and empties at episode
    starts. The diagonal SSM is S4D's (LegS-derived, zero-order hold) with
    `state_size` N (N/2 complex modes per channel). Sizes: `features`,
    `state_size`, `shift_size`, `chunk_size` (steps of diagonal-SSM states
    held in memory at once). `mode` chooses the diagonal SSM's scan inside a
    chunk: "sequential", "associative" or "auto" (sequential on CPUs,
    associative elsewhere). The carry is `{"shift": WindowCarry, "diagonal": x[B, features, N/2]}`.
    The convolution mode (`method="convolve"`, S4D's FFT kernel for the
    diagonal SSM) takes no resets, so it serves only sequences without
    episode starts inside them.
    """

    state_size: int = 64
    shift_size: int = 4
    chunk_size: int = 256
    mode: str = "auto"

    parallel_modes = SCAN_MODES

    def check_sizes(self) -> None:
        check_positive(self, "state_size", "shift_size", "chunk_size")
        check_choice(self, "mode", ("auto", *SCAN_MODES))
        if self.state_size % 2:
            raise ValueError(f"H3: state_size must be even (conjugate pairs), got {self.state_size}")

    def setup(self):
        self.qkv = nn.Dense(3 * self.features, name="qkv")
        self.shift_kernel = self.param(
            "shift_kernel", nn.initializers.normal(self.shift_size**-0.5), (self.shift_size, self.features)
        )
        self.diagonal = DiagonalSSM(self.features, self.state_size, name="diagonal")
        self.output_projection = nn.Dense(self.features, name="output_projection")

    def initialize_carry(self, batch_size: int) -> dict[str, Any]:
        return {
            "shift": zero_window_carry(batch_size, self.shift_size, (self.features,)),
            "diagonal": jnp.zeros((batch_size, self.features, self.state_size // 2), jnp.complex64),
        }

    def __call__(self, carry: dict[str, Any], inputs: jax.Array, resets: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        check_sequence(inputs, resets)
        q, k, v = jnp.split(self.qkv(inputs), 3, axis=-1)
        shift_carry, window = sequence_window(carry["shift"], k, resets)
        shifted = causal_convolution(window, self.shift_kernel)
        mode = resolve_mode(self.mode)
        diagonal_carry, memory = self.diagonal.scan(carry["diagonal"], shifted * v, resets, mode, self.chunk_size)
        return {"shift": shift_carry, "diagonal": diagonal_carry}, self.output_projection(q * memory)

    def step(self, carry: dict[str, Any], x: jax.Array, reset: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        check_step(x, reset)
        q, k, v = jnp.split(self.qkv(x), 3, axis=-1)
        shift_carry, window = step_window(carry["shift"], k, reset)
        shifted = causal_convolution(window, self.shift_kernel)
        diagonal_carry, memory = self.diagonal.step(carry["diagonal"], shifted * v, reset)
        return {"shift": shift_carry, "diagonal": diagonal_carry}, self.output_projection(q * memory)

    def convolve(self, carry: dict[str, Any], inputs: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        """Parallel mode for a sequence with no episode start inside it, the diagonal SSM by FFT convolution."""
        if inputs.ndim != 3:
            raise ValueError(f"inputs must be [T, B, D], got shape {inputs.shape}")
        q, k, v = jnp.split(self.qkv(inputs), 3, axis=-1)
        shift_carry, window = sequence_window(carry["shift"], k, jnp.zeros(inputs.shape[:2], bool))
        shifted = causal_convolution(window, self.shift_kernel)
        diagonal_carry, memory = self.diagonal.convolve(carry["diagonal"], shifted * v)
        return {"shift": shift_carry, "diagonal": diagonal_carry}, self.output_projection(q * memory)

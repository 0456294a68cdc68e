"""Mamba (Gu and Dao, 2023): a selective scan whose step size, B and C depend on the input, in a gated block."""

from __future__ import annotations

import math
from typing import Any

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
from arenax.agents.backbones.scan import expand_resets, linear_recurrence, scan_chunks
from arenax.agents.backbones.windows import (
    causal_convolution,
    sequence_window,
    step_window,
    zero_window_carry,
)


class Mamba(Backbone):
    """One Mamba block: in-projection, causal depthwise convolution, selective SSM, SiLU gate, out-projection.

    With E = expand * features channels and N = state_size:
    (x, z) = W_in u; x = silu(conv(x)); dt = softplus(W_dt W_delta x + b_dt);
    B_t, C_t = W_B x, W_C x; per channel h[t] = exp(dt A) h[t-1] + dt x B_t,
    y = C_t . h[t] + D x; output W_out(y * silu(z)). A = -exp(A_log) starts
    at -(1..N) (S4D-Real) and dt at log-uniform [dt_min, dt_max].

    The parallel mode scans `chunk_size` steps at a time and recomputes each
    chunk in the backward pass, so memory holds one chunk of the
    [T, B, E, N] states; within a chunk `mode` picks "sequential",
    "associative", or "auto" (sequential on CPUs, associative elsewhere).
    The convolution's input buffer is in the carry and empties at episode
    starts. The carry is `{"conv": WindowCarry, "ssm": h[B, E, N]}`.
    """

    state_size: int = 16
    expand: int = 2
    conv_width: int = 4
    dt_min: float = 1e-3
    dt_max: float = 1e-1
    chunk_size: int = 64
    mode: str = "auto"

    parallel_modes = SCAN_MODES

    def check_sizes(self) -> None:
        check_positive(self, "state_size", "expand", "conv_width", "chunk_size")
        check_choice(self, "mode", ("auto", *SCAN_MODES))
        if not 0 < self.dt_min <= self.dt_max:
            raise ValueError(f"Mamba: need 0 < dt_min <= dt_max, got {self.dt_min}, {self.dt_max}")

    @property
    def inner(self) -> int:
        return self.expand * self.features

    @property
    def dt_rank(self) -> int:
        return math.ceil(self.features / 16)

    def setup(self):
        inner, n = self.inner, self.state_size
        self.in_projection = nn.Dense(2 * inner, use_bias=False, name="in_projection")
        self.conv_kernel = self.param(
            "conv_kernel", nn.initializers.normal(self.conv_width**-0.5), (self.conv_width, inner)
        )
        self.conv_bias = self.param("conv_bias", nn.initializers.zeros, (inner,))
        self.x_projection = nn.Dense(self.dt_rank + 2 * n, use_bias=False, name="x_projection")

        def dt_bias_init(key, shape, dtype=jnp.float32):
            dt = jnp.exp(jax.random.uniform(key, shape, dtype, np.log(self.dt_min), np.log(self.dt_max)))
            return dt + jnp.log(-jnp.expm1(-dt))  # the inverse of softplus

        self.dt_projection = nn.Dense(
            inner,
            kernel_init=nn.initializers.uniform(2 * self.dt_rank**-0.5),
            bias_init=dt_bias_init,
            name="dt_projection",
        )
        self.a_log = self.param("a_log", lambda key: jnp.log(jnp.tile(jnp.arange(1.0, n + 1), (inner, 1))))
        self.skip = self.param("skip", nn.initializers.ones, (inner,))
        self.out_projection = nn.Dense(self.features, use_bias=False, name="out_projection")

    def initialize_carry(self, batch_size: int) -> dict[str, Any]:
        return {
            "conv": zero_window_carry(batch_size, self.conv_width, (self.inner,)),
            "ssm": jnp.zeros((batch_size, self.inner, self.state_size), jnp.float32),
        }

    def _selection(self, x: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        """Input-dependent `(dt[..., E], B[..., N], C[..., N])`."""
        delta, b, c = jnp.split(self.x_projection(x), [self.dt_rank, self.dt_rank + self.state_size], axis=-1)
        return jax.nn.softplus(self.dt_projection(delta)), b, c

    def _gate_and_project(self, y: jax.Array, x: jax.Array, z: jax.Array) -> jax.Array:
        return self.out_projection((y + self.skip * x) * jax.nn.silu(z))

    def __call__(self, carry: dict[str, Any], inputs: jax.Array, resets: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        check_sequence(inputs, resets)
        x, z = jnp.split(self.in_projection(inputs), 2, axis=-1)
        conv_carry, window = sequence_window(carry["conv"], x, resets)
        x = jax.nn.silu(causal_convolution(window, self.conv_kernel) + self.conv_bias)
        dt, b, c = self._selection(x)
        a = -jnp.exp(self.a_log)
        mode = resolve_mode(self.mode)

        def chunk_body(h, chunk, valid):
            dt, b, c, x, chunk_resets = chunk
            valid = expand_resets(valid, 4)
            decay = jnp.where(valid, jnp.exp(dt[..., None] * a), 1.0)
            increment = jnp.where(valid, (dt * x)[..., None] * b[:, :, None, :], 0.0)
            states, h = linear_recurrence(decay, increment, chunk_resets, h, mode)
            return h, jnp.sum(states * c[:, :, None, :], axis=-1)

        ssm_carry, y = scan_chunks(chunk_body, carry["ssm"], (dt, b, c, x, resets), self.chunk_size)
        return {"conv": conv_carry, "ssm": ssm_carry}, self._gate_and_project(y, x, z)

    def step(self, carry: dict[str, Any], u: jax.Array, reset: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        check_step(u, reset)
        x, z = jnp.split(self.in_projection(u), 2, axis=-1)
        conv_carry, window = step_window(carry["conv"], x, reset)
        x = jax.nn.silu(causal_convolution(window, self.conv_kernel) + self.conv_bias)
        dt, b, c = self._selection(x)
        keep = 1 - expand_resets(reset, 3).astype(jnp.float32)
        decay = jnp.exp(dt[..., None] * -jnp.exp(self.a_log))
        h = decay * keep * carry["ssm"] + (dt * x)[..., None] * b[:, None, :]
        y = jnp.sum(h * c[:, None, :], axis=-1)
        return {"conv": conv_carry, "ssm": h}, self._gate_and_project(y, x, z)

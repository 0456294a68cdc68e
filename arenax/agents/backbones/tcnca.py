"""TCNCA (Akram et al., 2023) made causal: a dilated temporal convolution network, then local softmax attention."""

from __future__ import annotations

from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from arenax.agents.backbones.base import Backbone, check_positive, check_sequence, check_step
from arenax.agents.backbones.transnormer import split_window
from arenax.agents.backbones.windows import (
    Window,
    sequence_window,
    sequence_window_attention,
    step_window,
    window_attention,
    zero_window_carry,
)


def dilated_taps(window: Window, kernel_size: int, dilation: int) -> Window:
    """The lags 0, d, 2d, ... of a window that spans (kernel_size - 1) * d + 1 steps."""
    lags = range(0, (kernel_size - 1) * dilation + 1, dilation)
    return Window([window.lags[lag] for lag in lags], [window.valid[lag] for lag in lags])


class TCNCA(Backbone):
    """h = TCN(W_in u); y = h + W_o(attention(q(h), k(h), v(W_in u))) over a local window.

    The TCN has `levels` residual levels h <- h + relu(sum_j W_j h[t - j d] + b)
    with `kernel_size` taps and dilation d = 2^level, as in TCNCA's
    replacement of MEGA's EMA; every level's input buffer lives in the carry
    and empties at episode starts. TCNCA's chunked attention (non-overlapping
    chunks at absolute positions) would make an output depend on where a
    rollout segment starts, so the causal, recurrent form here attends to the
    last `window` steps of the episode instead; its keys and values are in
    the carry. Sizes: `features` (a multiple of `heads`), `heads`,
    `kernel_size`, `levels`, `window`. Convolutions and windows have no scan,
    so there is a single parallel mode. The carry is
    `{"tcn": (WindowCarry per level), "attention": WindowCarry}`.
    """

    heads: int = 2
    kernel_size: int = 3
    levels: int = 2
    window: int = 16

    def check_sizes(self) -> None:
        check_positive(self, "heads", "kernel_size", "levels", "window")
        if self.features % self.heads:
            raise ValueError(f"TCNCA: features {self.features} must be a multiple of heads {self.heads}")

    def setup(self):
        self.input_projection = nn.Dense(self.features, name="input_projection")
        shape = (self.kernel_size, self.features, self.features)
        self.tcn_kernels = [
            self.param(f"tcn_kernel_{level}", nn.initializers.lecun_normal(), shape) for level in range(self.levels)
        ]
        self.tcn_biases = [
            self.param(f"tcn_bias_{level}", nn.initializers.zeros, (self.features,)) for level in range(self.levels)
        ]
        self.query_key = nn.Dense(2 * self.features, name="query_key")
        self.value = nn.Dense(self.features, name="value")
        self.output_projection = nn.Dense(self.features, name="output_projection")

    def _span(self, level: int) -> int:
        return (self.kernel_size - 1) * 2**level + 1

    def initialize_carry(self, batch_size: int) -> dict[str, Any]:
        head_size = self.features // self.heads
        return {
            "tcn": tuple(
                zero_window_carry(batch_size, self._span(level), (self.features,)) for level in range(self.levels)
            ),
            "attention": zero_window_carry(batch_size, self.window, (self.heads, 2 * head_size)),
        }

    def _convolve(self, level: int, window: Window) -> jax.Array:
        taps = dilated_taps(window, self.kernel_size, 2**level)
        total = self.tcn_biases[level]
        for tap, (value, valid) in enumerate(zip(taps.lags, taps.valid)):
            total = total + jnp.where(valid[..., None], value @ self.tcn_kernels[level][tap], 0)
        return jax.nn.relu(total)

    def _attention_inputs(self, h: jax.Array, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        heads = h.shape[:-1] + (self.heads, -1)
        q, k = jnp.split(self.query_key(h), 2, axis=-1)
        return q.reshape(heads), jnp.concatenate([k.reshape(heads), self.value(x).reshape(heads)], axis=-1)

    def _output(self, h: jax.Array, attended: jax.Array) -> jax.Array:
        return h + self.output_projection(attended.reshape(h.shape))

    def __call__(self, carry: dict[str, Any], inputs: jax.Array, resets: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        check_sequence(inputs, resets)
        x = self.input_projection(inputs)
        h, tcn_carry = x, []
        for level in range(self.levels):
            level_carry, window = sequence_window(carry["tcn"][level], h, resets)
            h = h + self._convolve(level, window)
            tcn_carry.append(level_carry)
        q, keys_values = self._attention_inputs(h, x)
        attention_carry, attended = sequence_window_attention(carry["attention"], q, keys_values, resets)
        return {"tcn": tuple(tcn_carry), "attention": attention_carry}, self._output(h, attended)

    def step(self, carry: dict[str, Any], u: jax.Array, reset: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        check_step(u, reset)
        x = self.input_projection(u)
        h, tcn_carry = x, []
        for level in range(self.levels):
            level_carry, window = step_window(carry["tcn"][level], h, reset)
            h = h + self._convolve(level, window)
            tcn_carry.append(level_carry)
        q, keys_values = self._attention_inputs(h, x)
        attention_carry, window = step_window(carry["attention"], keys_values, reset)
        attended = window_attention(q, *split_window(window))
        return {"tcn": tuple(tcn_carry), "attention": attention_carry}, self._output(h, attended)

"""TransNormer (Qin et al., 2022): local softmax attention (DiagAttention), then normalised linear attention."""

from __future__ import annotations

from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from arenax.agents.backbones.base import (
    Backbone,
    check_choice,
    check_positive,
    check_sequence,
    check_step,
    resolve_mode,
)
from arenax.agents.backbones.gla import HeadRMSNorm
from arenax.agents.backbones.linear_attention import MODES, attention_step, linear_attention
from arenax.agents.backbones.windows import (
    Window,
    sequence_window_attention,
    step_window,
    window_attention,
    zero_window_carry,
)


def elu_plus_one(x: jax.Array) -> jax.Array:
    """The positive feature map 1 + elu(x) of TransNormer's linear attention."""
    return 1 + jax.nn.elu(x)


def split_window(window: Window) -> tuple[Window, Window]:
    """A window over concatenated [keys, values] as two windows."""
    keys = [lag[..., : lag.shape[-1] // 2] for lag in window.lags]
    values = [lag[..., lag.shape[-1] // 2 :] for lag in window.lags]
    return Window(keys, window.valid), Window(values, window.valid)


class TransNormer(Backbone):
    """The two TransNormer attentions, each in a residual branch after a projection of the input to `features`.

    1. DiagAttention: softmax attention inside a local window. The paper's
       blocks are non-overlapping and aligned to absolute positions, which
       would make an output depend on where a rollout segment starts; the
       causal, recurrent form here attends to the last `window` steps of the
       episode, with their keys and values in the carry.
    2. NormAttention: linear attention with the 1 + elu feature map and no
       softmax denominator, O = RMSNorm(phi(Q) (phi(K)^T V)) per head; causal,
       it is the recurrence S[t] = S[t-1] + phi(k[t])^T v[t].

    Sizes: `features` (a multiple of `heads`), `heads`, `window`,
    `chunk_size`. `mode` for NormAttention: "chunked", "sequential" or
    "auto" (chunked everywhere: it beats the step-by-step scan on CPUs too,
    benchmarks/RESULTS.md). The carry is
    `{"local": WindowCarry of [keys, values], "linear": S[B, heads, d, d]}`.
    """

    heads: int = 4
    window: int = 16
    chunk_size: int = 32
    mode: str = "auto"

    parallel_modes = MODES

    def check_sizes(self) -> None:
        check_positive(self, "heads", "window", "chunk_size")
        check_choice(self, "mode", ("auto", *MODES))
        if self.features % self.heads:
            raise ValueError(f"TransNormer: features {self.features} must be a multiple of heads {self.heads}")

    @property
    def head_size(self) -> int:
        return self.features // self.heads

    def setup(self):
        self.input_projection = nn.Dense(self.features, name="input_projection")
        self.local_qkv = nn.Dense(3 * self.features, name="local_qkv")
        self.local_output = nn.Dense(self.features, name="local_output")
        self.linear_qkv = nn.Dense(3 * self.features, name="linear_qkv")
        self.linear_norm = HeadRMSNorm(name="linear_norm")
        self.linear_output = nn.Dense(self.features, name="linear_output")

    def initialize_carry(self, batch_size: int) -> dict[str, Any]:
        return {
            "local": zero_window_carry(batch_size, self.window, (self.heads, 2 * self.head_size)),
            "linear": jnp.zeros((batch_size, self.heads, self.head_size, self.head_size), jnp.float32),
        }

    def _heads(self, x: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        return tuple(part.reshape(x.shape[:-1] + (self.heads, self.head_size)) for part in jnp.split(x, 3, axis=-1))

    def _merge(self, x: jax.Array) -> jax.Array:
        return x.reshape(x.shape[:-2] + (self.features,))

    def _local_inputs(self, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        q, k, v = self._heads(self.local_qkv(x))
        return q, jnp.concatenate([k, v], axis=-1)

    def _linear_inputs(self, x: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        q, k, v = self._heads(self.linear_qkv(x))
        return elu_plus_one(q), elu_plus_one(k), v

    def __call__(self, carry: dict[str, Any], inputs: jax.Array, resets: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        check_sequence(inputs, resets)
        x = self.input_projection(inputs)
        q, keys_values = self._local_inputs(x)
        local_carry, attended = sequence_window_attention(carry["local"], q, keys_values, resets)
        x = x + self.local_output(self._merge(attended))
        q, k, v = self._linear_inputs(x)
        mode = resolve_mode(self.mode, cpu="chunked", accelerator="chunked")
        o, linear_carry = linear_attention(q, k, v, None, resets, carry["linear"], mode, self.chunk_size)
        x = x + self.linear_output(self._merge(self.linear_norm(o)))
        return {"local": local_carry, "linear": linear_carry}, x

    def step(self, carry: dict[str, Any], u: jax.Array, reset: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        check_step(u, reset)
        x = self.input_projection(u)
        q, keys_values = self._local_inputs(x)
        local_carry, window = step_window(carry["local"], keys_values, reset)
        x = x + self.local_output(self._merge(window_attention(q, *split_window(window))))
        q, k, v = self._linear_inputs(x)
        linear_carry, o = attention_step(carry["linear"], q, k, v, None, reset)
        x = x + self.linear_output(self._merge(self.linear_norm(o)))
        return {"local": local_carry, "linear": linear_carry}, x

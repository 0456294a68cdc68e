"""Gated linear attention (Yang et al., 2024): linear attention with a data-dependent per-key forget gate, chunked."""

from __future__ import annotations

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
from arenax.agents.backbones.linear_attention import MODES, attention_step, linear_attention


class HeadRMSNorm(nn.Module):
    """RMS normalisation over the last axis of `x[..., H, d]`, with a learned scale per feature."""

    epsilon: float = 1e-6

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        scale = self.param("scale", nn.initializers.ones, x.shape[-2:])
        return x * jax.lax.rsqrt(jnp.mean(x**2, axis=-1, keepdims=True) + self.epsilon) * scale


class GLA(Backbone):
    """S[t] = diag(alpha[t]) S[t-1] + k[t]^T v[t], o[t] = q[t] S[t] per head; y = W_o(RMSNorm(o) * swish(W_r u)).

    The gate alpha[t] = sigmoid(W_a2 W_a1 u[t] + b)^(1/tau) is low rank
    (`gate_rank`) with temperature tau = `gate_temperature`, as in GLA. Keys
    and queries are features / 2 wide in total, values `features`, over
    `heads` heads. Sizes: `features` (a multiple of 2 * heads), `heads`,
    `gate_rank`, `chunk_size`. `mode`: "chunked" (GLA's chunkwise form:
    attention inside a chunk, state carried between chunks; the per-key
    decays inside a chunk are kept in log space, a [C, C, dk] product per
    head, so no gate can overflow), "sequential", or "auto": chunked on
    accelerators, sequential on CPUs, where that product costs more than
    the step-by-step scan it replaces (benchmarks/RESULTS.md).
    The carry is `S[B, heads, dk, dv]`.
    """

    heads: int = 4
    gate_rank: int = 16
    gate_temperature: float = 16.0
    chunk_size: int = 32
    mode: str = "auto"

    parallel_modes = MODES

    def check_sizes(self) -> None:
        check_positive(self, "heads", "gate_rank", "chunk_size")
        check_choice(self, "mode", ("auto", *MODES))
        if self.features % (2 * self.heads):
            raise ValueError(f"GLA: features {self.features} must be a multiple of 2 * heads = {2 * self.heads}")

    @property
    def key_size(self) -> int:
        return self.features // (2 * self.heads)

    @property
    def value_size(self) -> int:
        return self.features // self.heads

    def setup(self):
        self.qkv = nn.Dense(2 * self.features, use_bias=False, name="qkv")
        self.gate_down = nn.Dense(self.gate_rank, use_bias=False, name="gate_down")
        self.gate_up = nn.Dense(self.features // 2, name="gate_up")
        self.output_gate = nn.Dense(self.features, name="output_gate")
        self.norm = HeadRMSNorm(name="norm")
        self.output_projection = nn.Dense(self.features, use_bias=False, name="output_projection")

    def initialize_carry(self, batch_size: int) -> jax.Array:
        return jnp.zeros((batch_size, self.heads, self.key_size, self.value_size), jnp.float32)

    def _project(self, u: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
        heads = u.shape[:-1] + (self.heads, -1)
        q, k, v = jnp.split(self.qkv(u), [self.features // 2, self.features], axis=-1)
        log_decay = jax.nn.log_sigmoid(self.gate_up(self.gate_down(u))) / self.gate_temperature
        q = q * self.key_size**-0.5
        return q.reshape(heads), k.reshape(heads), v.reshape(heads), log_decay.reshape(heads)

    def _output(self, o: jax.Array, u: jax.Array) -> jax.Array:
        o = self.norm(o).reshape(u.shape[:-1] + (self.features,))
        return self.output_projection(o * nn.swish(self.output_gate(u)))

    def __call__(self, carry: jax.Array, inputs: jax.Array, resets: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_sequence(inputs, resets)
        q, k, v, log_decay = self._project(inputs)
        mode = resolve_mode(self.mode, cpu="sequential", accelerator="chunked")
        o, carry = linear_attention(q, k, v, log_decay, resets, carry, mode, self.chunk_size)
        return carry, self._output(o, inputs)

    def step(self, carry: jax.Array, x: jax.Array, reset: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_step(x, reset)
        q, k, v, log_decay = self._project(x)
        carry, o = attention_step(carry, q, k, v, log_decay, reset)
        return carry, self._output(o, x)

"""LongVQ-style attention (Liu et al., 2024): softmax attention over keys quantised to a codebook, in linear time."""

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

# Guards the softmax normaliser against underflow of every weight; it is at least one weight otherwise.
TINY = 1e-30


class LongVQ(Backbone):
    """Causal softmax attention whose keys are replaced by their nearest codeword, so its memory is the codebook.

    With keys quantised to one of S codewords c_1..c_S, causal softmax
    attention over the episode so far is
        o[t] = sum_s exp(q[t] . c_s / sqrt(d)) U_s[t] / sum_s exp(q[t] . c_s / sqrt(d)) n_s[t],
    where U_s[t] sums the values and n_s[t] counts the steps whose key chose
    codeword s. That is a linear recurrence with a fixed-size state (the
    `[S, features + 1]` matrix of U and n), so the causal form is exact and
    recurrent: it is linear attention with the one-hot code as the key
    feature and exp(q . c) as the query feature, run in chunks.

    The argmin that assigns codes has no gradient: the codebook, queries and
    values learn through the attention, and `commitment_loss` (VQ-VAE's
    codebook and commitment terms, for a learner that adds it) trains the
    key projection and pulls codewords towards keys. The local (chunk)
    attention and EMA parts of the LongVQ layer are not included. Sizes:
    `features`, `codebook_size` S, `key_size` d, `chunk_size`. `mode`:
    "chunked", "sequential" or "auto" (chunked everywhere: faster on CPUs
    too). The carry is `[B, 1, S, features + 1]`.
    """

    codebook_size: int = 32
    key_size: int = 16
    chunk_size: int = 32
    mode: str = "auto"

    parallel_modes = MODES

    def check_sizes(self) -> None:
        check_positive(self, "codebook_size", "key_size", "chunk_size")
        check_choice(self, "mode", ("auto", *MODES))

    def setup(self):
        self.query = nn.Dense(self.key_size, name="query")
        self.key = nn.Dense(self.key_size, name="key")
        self.value = nn.Dense(self.features, name="value")
        self.codebook = self.param("codebook", nn.initializers.normal(1.0), (self.codebook_size, self.key_size))
        self.output_projection = nn.Dense(self.features, name="output_projection")

    def initialize_carry(self, batch_size: int) -> jax.Array:
        return jnp.zeros((batch_size, 1, self.codebook_size, self.features + 1), jnp.float32)

    def _codes(self, u: jax.Array) -> jax.Array:
        """The index of the codeword nearest to each step's key."""
        keys = self.key(u)
        distances = jnp.sum((keys[..., None, :] - self.codebook) ** 2, axis=-1)
        return jnp.argmin(distances, axis=-1)

    def _features(self, u: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        """Query features exp(q . c - max), one-hot key features and [value, 1], each with a head axis of 1."""
        scores = self.query(u) @ self.codebook.T * self.key_size**-0.5
        query_features = jnp.exp(scores - jax.lax.stop_gradient(jnp.max(scores, axis=-1, keepdims=True)))
        key_features = jax.nn.one_hot(self._codes(u), self.codebook_size)
        values = jnp.concatenate([self.value(u), jnp.ones(u.shape[:-1] + (1,))], axis=-1)
        return query_features[..., None, :], key_features[..., None, :], values[..., None, :]

    def _output(self, o: jax.Array) -> jax.Array:
        o = o[..., 0, :]
        return self.output_projection(o[..., :-1] / jnp.maximum(o[..., -1:], TINY))

    def __call__(self, carry: jax.Array, inputs: jax.Array, resets: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_sequence(inputs, resets)
        q, k, v = self._features(inputs)
        mode = resolve_mode(self.mode, cpu="chunked", accelerator="chunked")
        o, carry = linear_attention(q, k, v, None, resets, carry, mode, self.chunk_size)
        return carry, self._output(o)

    def step(self, carry: jax.Array, x: jax.Array, reset: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_step(x, reset)
        q, k, v = self._features(x)
        carry, o = attention_step(carry, q, k, v, None, reset)
        return carry, self._output(o)

    def commitment_loss(self, inputs: jax.Array, beta: float = 0.25) -> jax.Array:
        """||sg(k) - c||^2 + beta ||k - sg(c)||^2 averaged over steps, for the chosen codewords c (VQ-VAE)."""
        keys = self.key(inputs)
        chosen = self.codebook[self._codes(inputs)]
        codebook_term = jnp.mean(jnp.sum((jax.lax.stop_gradient(keys) - chosen) ** 2, axis=-1))
        commitment_term = jnp.mean(jnp.sum((keys - jax.lax.stop_gradient(chosen)) ** 2, axis=-1))
        return codebook_term + beta * commitment_term

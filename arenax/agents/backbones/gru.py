"""GRU (Cho et al., 2014): the gated recurrent baseline, run by `lax.scan` in both modes."""

from __future__ import annotations

import flax.linen as nn
import jax
import jax.numpy as jnp

from arenax.agents.backbones.base import Backbone, check_sequence, check_step, reset_carry


class GRU(Backbone):
    """Gated recurrent unit with `features` hidden units; the carry is `h[B, features]`.

    r = sigmoid(W_r x + U_r h + b_r), z = sigmoid(W_z x + U_z h + b_z),
    n = tanh(W_n x + b_n + r * (U_n h + c_n)), h' = (1 - z) * n + z * h; the
    output is h'. The recurrence is nonlinear, so the parallel mode is a
    sequential `lax.scan` (input projections for all steps are one matmul).
    """

    def setup(self):
        self.input_projection = nn.Dense(3 * self.features, name="input_projection")
        # Raw parameters rather than a Dense submodule: they are read inside `lax.scan`,
        # where Flax must not create variables lazily.
        self.hidden_kernel = self.param(
            "hidden_kernel", nn.initializers.orthogonal(), (self.features, 3 * self.features)
        )
        self.candidate_bias = self.param("candidate_bias", nn.initializers.zeros, (self.features,))

    def initialize_carry(self, batch_size: int) -> jax.Array:
        return jnp.zeros((batch_size, self.features), jnp.float32)

    @staticmethod
    def _cell(h: jax.Array, projected_x: jax.Array, hidden_kernel: jax.Array, candidate_bias: jax.Array) -> jax.Array:
        x_r, x_z, x_n = jnp.split(projected_x, 3, axis=-1)
        h_r, h_z, h_n = jnp.split(h @ hidden_kernel, 3, axis=-1)
        r = nn.sigmoid(x_r + h_r)
        z = nn.sigmoid(x_z + h_z)
        n = jnp.tanh(x_n + r * (h_n + candidate_bias))
        return (1 - z) * n + z * h

    def __call__(self, carry: jax.Array, inputs: jax.Array, resets: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_sequence(inputs, resets)
        projected = self.input_projection(inputs)
        hidden_kernel, candidate_bias = self.hidden_kernel, self.candidate_bias

        def one_step(h, step_inputs):
            projected_x, reset = step_inputs
            h = self._cell(reset_carry(h, reset), projected_x, hidden_kernel, candidate_bias)
            return h, h

        return jax.lax.scan(one_step, carry, (projected, resets))

    def step(self, carry: jax.Array, x: jax.Array, reset: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_step(x, reset)
        h = self._cell(reset_carry(carry, reset), self.input_projection(x), self.hidden_kernel, self.candidate_bias)
        return h, h

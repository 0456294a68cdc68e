"""LSTM (Hochreiter and Schmidhuber, 1997) with a forget gate: the other recurrent baseline, run by `lax.scan`."""

from __future__ import annotations

import flax.linen as nn
import jax
import jax.numpy as jnp

from arenax.agents.backbones.base import Backbone, check_sequence, check_step, reset_carry

LSTMCarry = tuple[jax.Array, jax.Array]


class LSTM(Backbone):
    """Long short-term memory with `features` cells; the carry is `(c[B, features], h[B, features])`.

    i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of W x + U h + b;
    c' = f * c + i * g, h' = o * tanh(c'); the output is h'. The forget-gate
    bias starts at 1 (Jozefowicz et al., 2015) so that memory is kept early in
    training. Nonlinear, so both modes run a sequential `lax.scan`.
    """

    def setup(self):
        def bias_init(key, shape, dtype=jnp.float32):
            del key
            return jnp.zeros(shape, dtype).at[self.features : 2 * self.features].set(1.0)

        self.input_projection = nn.Dense(4 * self.features, bias_init=bias_init, name="input_projection")
        # A raw parameter rather than a Dense submodule: it is read inside `lax.scan`,
        # where Flax must not create variables lazily.
        self.hidden_kernel = self.param(
            "hidden_kernel", nn.initializers.orthogonal(), (self.features, 4 * self.features)
        )

    def initialize_carry(self, batch_size: int) -> LSTMCarry:
        zeros = jnp.zeros((batch_size, self.features), jnp.float32)
        return zeros, zeros

    @staticmethod
    def _cell(carry: LSTMCarry, projected_x: jax.Array, hidden_kernel: jax.Array) -> LSTMCarry:
        c, h = carry
        gates = projected_x + h @ hidden_kernel
        i, f, g, o = jnp.split(gates, 4, axis=-1)
        c = nn.sigmoid(f) * c + nn.sigmoid(i) * jnp.tanh(g)
        return c, nn.sigmoid(o) * jnp.tanh(c)

    def __call__(self, carry: LSTMCarry, inputs: jax.Array, resets: jax.Array) -> tuple[LSTMCarry, jax.Array]:
        check_sequence(inputs, resets)
        projected = self.input_projection(inputs)
        hidden_kernel = self.hidden_kernel

        def one_step(state, step_inputs):
            projected_x, reset = step_inputs
            state = self._cell(reset_carry(state, reset), projected_x, hidden_kernel)
            return state, state[1]

        return jax.lax.scan(one_step, carry, (projected, resets))

    def step(self, carry: LSTMCarry, x: jax.Array, reset: jax.Array) -> tuple[LSTMCarry, jax.Array]:
        check_step(x, reset)
        carry = self._cell(reset_carry(carry, reset), self.input_projection(x), self.hidden_kernel)
        return carry, carry[1]

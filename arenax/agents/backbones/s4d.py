"""S4D (Gu et al., 2022): per-channel diagonal state spaces, zero-order hold, HiPPO-LegS-derived initialisation."""

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
from arenax.agents.backbones.hippo import legs_normal_eigen
from arenax.agents.backbones.layers import stack_complex, unstack_complex
from arenax.agents.backbones.scan import expand_resets, linear_recurrence, scan_chunks


def legs_diagonal_init(state_size: int) -> tuple[np.ndarray, np.ndarray]:
    """S4D-LegS: `(Lambda[N/2], B[N/2])`, the diagonal part of LegS's DPLR form, one of each conjugate pair.

    Lambda are the eigenvalues of LegS's normal part and B = V^* b with
    b[n] = sqrt(2n + 1), LegS's input vector, in the same eigenbasis.
    """
    eigenvalues, vectors = legs_normal_eigen(state_size)
    upper = eigenvalues.imag > 0
    legs_input = np.sqrt(2 * np.arange(state_size) + 1.0)
    return eigenvalues[upper], (vectors.conj().T @ legs_input)[upper]


class DiagonalSSM(nn.Module):
    """The parameters of `channels` independent SISO diagonal SSMs with N/2 complex modes each, and their ZOH.

    x[t] = A_bar x[t-1] + B_bar u[t] per channel, y[t] = 2 Re(C x[t]) + D u[t]
    (the factor 2 adds the conjugate modes that are not stored).
    Re(Lambda) = -exp(log_neg_real) stays negative; the step size dt is
    per channel, log-uniform in [dt_min, dt_max] at first.
    """

    channels: int
    state_size: int
    dt_min: float = 1e-3
    dt_max: float = 1e-1

    def setup(self):
        eigenvalues, input_vector = legs_diagonal_init(self.state_size)
        modes = len(eigenvalues)
        tile = (self.channels, 1)
        self.log_neg_real = self.param("log_neg_real", lambda key: jnp.tile(jnp.log(-eigenvalues.real), tile))
        self.imag = self.param("imag", lambda key: jnp.tile(jnp.asarray(eigenvalues.imag, jnp.float32), tile))
        self.input_vector = self.param("input_vector", lambda key: stack_complex(jnp.tile(input_vector, tile)))

        def output_vector_init(key):
            parts = jax.random.normal(key, (2, self.channels, modes)) * np.sqrt(0.5)
            return parts.astype(jnp.float32)

        def log_step_init(key):
            low, high = np.log(self.dt_min), np.log(self.dt_max)
            return jax.random.uniform(key, (self.channels,), minval=low, maxval=high)

        self.output_vector = self.param("output_vector", output_vector_init)
        self.feedthrough = self.param("feedthrough", nn.initializers.normal(1.0), (self.channels,))
        self.log_step = self.param("log_step", log_step_init)

    def discretize(self) -> tuple[jax.Array, jax.Array]:
        """`(A_bar[H, N/2], B_bar[H, N/2])` by zero-order hold."""
        eigenvalues = -jnp.exp(self.log_neg_real) + 1j * self.imag
        exponent = eigenvalues * jnp.exp(self.log_step)[:, None]
        # expm1, not exp - 1: small steps would otherwise lose most digits of B_bar in float32.
        return jnp.exp(exponent), jnp.expm1(exponent) / eigenvalues * unstack_complex(self.input_vector)

    def readout(self, states: jax.Array, inputs: jax.Array) -> jax.Array:
        """y = 2 Re(sum_n C x) + D u for `states[..., H, N/2]` and `inputs[..., H]`."""
        output_vector = unstack_complex(self.output_vector)
        return 2 * jnp.sum(output_vector * states, axis=-1).real + self.feedthrough * inputs

    def scan(
        self, carry: jax.Array, inputs: jax.Array, resets: jax.Array, mode: str, chunk_size: int
    ) -> tuple[jax.Array, jax.Array]:
        """Parallel mode over `inputs[T, B, H]`: `(last state, y[T, B, H])`.

        The [T, B, H, N/2] states exist one chunk of `chunk_size` steps at a
        time (recomputed in the backward pass), which bounds memory at long T.
        """
        decay, input_scale = self.discretize()
        output_vector = unstack_complex(self.output_vector)

        def chunk_body(state, chunk, valid):
            u, chunk_resets = chunk
            u = jnp.where(valid[:, None, None], u, 0)
            chunk_decay = jnp.where(valid[:, None, None, None], decay, 1)
            states, state = linear_recurrence(chunk_decay, input_scale * u[..., None], chunk_resets, state, mode)
            return state, 2 * jnp.sum(output_vector * states, axis=-1).real

        last, memory = scan_chunks(chunk_body, carry, (inputs, resets), chunk_size)
        return last, memory + self.feedthrough * inputs

    def step(self, carry: jax.Array, x: jax.Array, reset: jax.Array) -> tuple[jax.Array, jax.Array]:
        """One step for `x[B, H]`."""
        decay, input_scale = self.discretize()
        keep = 1 - expand_resets(reset, 3).astype(jnp.float32)
        state = decay * keep * carry + input_scale * x[..., None]
        return state, self.readout(state, x)

    def convolve(self, carry: jax.Array, inputs: jax.Array) -> tuple[jax.Array, jax.Array]:
        """The same map as `scan` without resets, as an FFT convolution with the kernel K[t] = 2 Re(C A_bar^t B_bar)."""
        length = inputs.shape[0]
        decay, input_scale = self.discretize()
        powers = decay[None] ** jnp.arange(length + 1)[:, None, None]
        output_vector = unstack_complex(self.output_vector)
        kernel = 2 * jnp.sum(output_vector * input_scale * powers[:length], axis=-1).real
        size = 2 * length
        convolved = jnp.fft.irfft(
            jnp.fft.rfft(inputs, size, axis=0) * jnp.fft.rfft(kernel, size, axis=0)[:, None], size, axis=0
        )[:length]
        from_carry = 2 * jnp.sum(output_vector * powers[1:, None] * carry, axis=-1).real
        last = powers[length] * carry + jnp.einsum("thn,tbh->bhn", powers[:length][::-1] * input_scale, inputs)
        return last, convolved + from_carry + self.feedthrough * inputs


class S4D(Backbone):
    """A dense projection to `features` channels, then one S4D SSM per channel (the `DiagonalSSM` above).

    Sizes: `features` (channels and output width), `state_size` N (N/2
    complex modes per channel are stored; the conjugates are implicit), and
    the initial step-size range, `chunk_size` (steps whose states are held
    in memory at once). The carry is `x[B, features, N/2]` (complex64).
    `mode`: "sequential", "associative" or "auto" (sequential on CPUs,
    associative elsewhere) for the scan inside each chunk. The convolution mode (`method="convolve"`, FFT)
    takes no resets: a convolution kernel cannot restart mid-sequence, so it
    serves only sequences without episode starts inside them.
    """

    state_size: int = 64
    dt_min: float = 1e-3
    dt_max: float = 1e-1
    chunk_size: int = 256
    mode: str = "auto"

    parallel_modes = SCAN_MODES

    def check_sizes(self) -> None:
        check_positive(self, "state_size", "chunk_size")
        check_choice(self, "mode", ("auto", *SCAN_MODES))
        if self.state_size % 2:
            raise ValueError(f"S4D: state_size must be even (conjugate pairs), got {self.state_size}")
        if not 0 < self.dt_min <= self.dt_max:
            raise ValueError(f"S4D: need 0 < dt_min <= dt_max, got {self.dt_min}, {self.dt_max}")

    def setup(self):
        self.input_projection = nn.Dense(self.features, name="input_projection")
        self.ssm = DiagonalSSM(self.features, self.state_size, self.dt_min, self.dt_max, name="ssm")

    def initialize_carry(self, batch_size: int) -> jax.Array:
        return jnp.zeros((batch_size, self.features, self.state_size // 2), jnp.complex64)

    def __call__(self, carry: jax.Array, inputs: jax.Array, resets: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_sequence(inputs, resets)
        return self.ssm.scan(carry, self.input_projection(inputs), resets, resolve_mode(self.mode), self.chunk_size)

    def step(self, carry: jax.Array, x: jax.Array, reset: jax.Array) -> tuple[jax.Array, jax.Array]:
        check_step(x, reset)
        return self.ssm.step(carry, self.input_projection(x), reset)

    def convolve(self, carry: jax.Array, inputs: jax.Array) -> tuple[jax.Array, jax.Array]:
        """Parallel mode for a sequence with no episode start inside it, by FFT convolution."""
        if inputs.ndim != 3:
            raise ValueError(f"inputs must be [T, B, D], got shape {inputs.shape}")
        return self.ssm.convolve(carry, self.input_projection(inputs))

"""Small layers the backbones share: a complex input projection (input width found on first call) and a real readout of complex states."""

from __future__ import annotations

from typing import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp

ComplexInit = Callable[[jax.Array, int], jax.Array]


def stack_complex(value: jax.Array) -> jax.Array:
    """A complex array as a real one with a leading axis of 2 (real part, imaginary part), for optimisers."""
    return jnp.stack([value.real, value.imag]).astype(jnp.float32)


def unstack_complex(value: jax.Array) -> jax.Array:
    """The inverse of `stack_complex`."""
    return value[0] + 1j * value[1]


class ComplexDense(nn.Module):
    """`x[..., D] @ K[D, features]` for a complex K stored as one real parameter `kernel[2, D, features]`.

    `kernel_init(key, D)` returns the complex [D, features] initial kernel, so
    an initialisation may mix real and imaginary parts (as S5's V^-1 B does).
    A real `x` is multiplied by the real and imaginary parts separately: the
    same numbers as a complex product, at a third of its cost on CPUs, where
    XLA has no fast complex matrix product.
    """

    features: int
    kernel_init: ComplexInit

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        width = x.shape[-1]
        kernel = self.param("kernel", lambda key: stack_complex(self.kernel_init(key, width)))
        if jnp.iscomplexobj(x):
            return x @ unstack_complex(kernel)
        return jax.lax.complex(x @ kernel[0], x @ kernel[1])


def real_readout(states: jax.Array, stacked_kernel: jax.Array) -> jax.Array:
    """`Re(states @ K)` for complex `states[..., N]` and `K[N, F]` stored stacked as `[2, N, F]`, in real products."""
    return states.real @ stacked_kernel[0] - states.imag @ stacked_kernel[1]

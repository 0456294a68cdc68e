"""Small layers the backbones share: a complex-valued input projection whose input width is found on first call."""

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
    """

    features: int
    kernel_init: ComplexInit

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        width = x.shape[-1]
        kernel = self.param("kernel", lambda key: stack_complex(self.kernel_init(key, width)))
        return x @ unstack_complex(kernel)

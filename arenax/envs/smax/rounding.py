"""Arithmetic that rounds the same jitted and eager: XLA's CPU fusions contract `a * b + c` into fused multiply-adds.

A fused multiply-add rounds once where separate operations round twice, so a
product added inside a fusion can differ by an ulp from the eager result, and
positions then drift apart step after step. A product that is added to
something (or summed over units) goes through `rounded_product`, which rounds
it to 22 mantissa bits with `lax.reduce_precision`: integer bit operations
that the compiler cannot fuse into the addition.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax


def rounded_product(a: jax.Array, b: jax.Array) -> jax.Array:
    """`a * b`, rounded to 22 mantissa bits by an operation that no later addition can be fused into."""
    return lax.reduce_precision(a * b, exponent_bits=8, mantissa_bits=22)


def distance(dx: jax.Array, dy: jax.Array) -> jax.Array:
    """`sqrt(dx**2 + dy**2)`, rounded alike jitted and eager."""
    return jnp.sqrt(rounded_product(dx, dx) + rounded_product(dy, dy))

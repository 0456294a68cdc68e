"""Cheap counter-based random numbers for SMAX: an integer hash of a PRNG key, a counter and an index.

An auto-reset step computes a whole reset and the heuristic opponent a coin per
unit at every step; on the CPU each `jax.random` call is a loop of threefry
rounds, so these draws use one fused integer hash (lowbias32) instead.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def hashed_uniform(key: jax.Array, counter: jax.Array | int, first: int, count: int) -> jax.Array:
    """Numbers in [0, 1) for indices `first .. first + count - 1`, a pure function of `key`, `counter` and the index."""
    data = key if key.dtype == jnp.uint32 else jax.random.key_data(key)
    data = data.reshape(-1).astype(jnp.uint32)
    x = jnp.arange(first, first + count, dtype=jnp.uint32) * jnp.uint32(0x9E3779B9) + data[0]
    x = x ^ (jnp.asarray(counter).astype(jnp.uint32) * jnp.uint32(0x85EBCA6B) + data[-1])
    for shift, multiplier in ((16, 0x7FEB352D), (15, 0x846CA68B)):
        x = (x ^ (x >> shift)) * jnp.uint32(multiplier)
    x = x ^ (x >> 16)
    return (x >> 8).astype(jnp.float32) / float(1 << 24)

"""The bits of `jax.random`'s default threefry keys, hashed in straight-line code that fuses into one kernel.

JAX lowers the threefry-2x32 hash on the CPU as a five-pass `fori_loop` (it
compiles faster), which XLA's CPU runtime runs as about 80 small kernels per
call. A step of a small batch of arenax environments made several such calls
(the step's key, the next episode's key, the random actions), and at 16 SMAX
environments they were a tenth of the step. `FAST_THREEFRY` is a JAX PRNG
implementation with the same 20 rounds written out, which XLA fuses into one
elementwise kernel, and the same counters as JAX's threefry implementation
under `jax_threefry_partitionable` (JAX's default): every draw equals, bit for
bit, what `jax.random` draws from the same raw `uint32[2]` key.

`fold_in`, `split` and `sampling_key` take and give raw keys (what
`jax.random.PRNGKey` makes, and what arenax states hold); with other keys
(typed `jax.random.key`s) or with `jax_threefry_partitionable` off they defer
to `jax.random`.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.extend.random import define_prng_impl, threefry_prng_impl

_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = np.uint32(0x1BD11BDA)


def threefry2x32(k1: jax.Array, k2: jax.Array, x1: jax.Array, x2: jax.Array) -> tuple[jax.Array, jax.Array]:
    """The Threefry-2x32 hash (20 rounds) of the counter pairs `(x1, x2)` under the key `(k1, k2)`, unrolled."""
    keys = (k1, k2, k1 ^ k2 ^ _PARITY)
    x1, x2 = x1 + keys[0], x2 + keys[1]
    for block in range(5):
        for rotation in _ROTATIONS[block % 2]:
            x1 = x1 + x2
            x2 = lax.shift_left(x2, np.uint32(rotation)) | lax.shift_right_logical(x2, np.uint32(32 - rotation))
            x2 = x1 ^ x2
        x1 = x1 + keys[(block + 1) % 3]
        x2 = x2 + keys[(block + 2) % 3] + np.uint32(block + 1)
    return x1, x2


def _counters(shape: tuple[int, ...]) -> tuple[jax.Array, jax.Array]:
    """The row-major index of every element of `shape` as (high, low) `uint32` words."""
    size = int(np.prod(shape, dtype=np.int64))
    if size >= 2**32:
        raise ValueError(f"arenax.core.prng draws at most 2**32 - 1 numbers at once, asked for shape {shape}")
    low = lax.iota(np.uint32, size).reshape(shape) if shape else jnp.zeros((), np.uint32)
    return jnp.zeros(shape, np.uint32), low


def _split(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    high, low = _counters(tuple(shape))
    bits1, bits2 = threefry2x32(key[0], key[1], high, low)
    return jnp.stack([bits1, bits2], axis=-1)


def _random_bits(key: jax.Array, bit_width: int, shape: tuple[int, ...]) -> jax.Array:
    high, low = _counters(tuple(shape))
    bits1, bits2 = threefry2x32(key[0], key[1], high, low)
    if bit_width == 64:
        return lax.shift_left(bits1.astype(np.uint64), np.uint64(32)) | bits2.astype(np.uint64)
    unsigned = {8: np.uint8, 16: np.uint16, 32: np.uint32}[bit_width]
    return (bits1 ^ bits2).astype(unsigned)


def _fold_in(key: jax.Array, data: jax.Array) -> jax.Array:
    bits1, bits2 = threefry2x32(key[0], key[1], np.uint32(0), jnp.asarray(data, np.uint32))
    return jnp.stack([bits1, bits2])


FAST_THREEFRY = define_prng_impl(
    key_shape=(2,),
    seed=threefry_prng_impl.seed,
    split=_split,
    random_bits=_random_bits,
    fold_in=_fold_in,
    name="arenax_threefry2x32",
    tag="afry",
)
"""JAX's threefry-2x32 keys and bits, hashed without a loop."""


def _is_raw(key) -> bool:
    return (
        jax.config.jax_threefry_partitionable
        and not jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key)
        and key.dtype == jnp.uint32
        and key.shape[-1:] == (2,)
    )


def sampling_key(key: jax.Array) -> jax.Array:
    """`key` for `jax.random`'s samplers: a raw key becomes a `FAST_THREEFRY` key with the same data (same draws)."""
    return jax.random.wrap_key_data(key, impl=FAST_THREEFRY) if _is_raw(key) else key


def fold_in(key: jax.Array, data) -> jax.Array:
    """`jax.random.fold_in(key, data)`, the same bits."""
    if not _is_raw(key):
        return jax.random.fold_in(key, data)
    return jax.random.key_data(jax.random.fold_in(sampling_key(key), data))


def split(key: jax.Array, num: int = 2) -> jax.Array:
    """`jax.random.split(key, num)`, the same bits."""
    if not _is_raw(key):
        return jax.random.split(key, num)
    return jax.random.key_data(jax.random.split(sampling_key(key), num))

"""One flat uint32 buffer for a pytree of arrays, so that a jitted call passes one buffer instead of one per leaf."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np


class Packing:
    """The layout of a pytree's leaves (fixed shapes and dtypes) in one flat uint32 buffer.

    Every leaf occupies a contiguous run of 32-bit words: 4-byte dtypes are
    bit-cast, 8-byte ones take two words per element, booleans and smaller
    integers or floats are widened exactly. Dtypes are JAX's (float64 is
    float32 unless 64-bit mode is on; Python scalars are 0-d arrays).
    `pack` and `unpack` run under `jit`; `unpack_host` splits a numpy copy
    of the buffer into arrays that are views of it where the dtype allows.
    A call on XLA's CPU backend costs a few microseconds per argument and
    result buffer, which for a small batched step is more than the step.
    """

    def __init__(self, example: Any):
        leaves, self.treedef = jax.tree_util.tree_flatten(example)
        self.shapes = [tuple(np.shape(leaf)) for leaf in leaves]
        self.dtypes = [np.dtype(jax.dtypes.canonicalize_dtype(jnp.result_type(leaf))) for leaf in leaves]
        self.kinds = [_kind(dtype) for dtype in self.dtypes]
        sizes = [
            int(np.prod(shape, dtype=np.int64)) * max(1, dtype.itemsize // 4)
            for shape, dtype in zip(self.shapes, self.dtypes)
        ]
        self.offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).tolist()

    @property
    def num_words(self) -> int:
        return self.offsets[-1]

    def pack(self, tree: Any) -> jax.Array:
        leaves = self.treedef.flatten_up_to(tree)
        words = [_to_words(jnp.asarray(leaf), *kind).reshape(-1) for leaf, kind in zip(leaves, self.kinds)]
        return jnp.concatenate(words) if words else jnp.zeros((0,), jnp.uint32)

    def unpack(self, buffer: jax.Array) -> Any:
        leaves = [
            _from_words(buffer[start:stop], dtype, kind, shape)
            for start, stop, dtype, kind, shape in zip(self.offsets, self.offsets[1:], self.dtypes, self.kinds, self.shapes)
        ]
        return self.treedef.unflatten(leaves)

    def unpack_host(self, buffer: np.ndarray) -> Any:
        leaves = [
            _from_words_host(buffer[start:stop], dtype, kind, shape)
            for start, stop, dtype, kind, shape in zip(self.offsets, self.offsets[1:], self.dtypes, self.kinds, self.shapes)
        ]
        return self.treedef.unflatten(leaves)


def _kind(dtype: np.dtype) -> tuple[str, int]:
    """("b" | "i" | "u" | "f", bytes per element) of a leaf's dtype, or a TypeError naming it."""
    for kind, family in (("b", jnp.bool_), ("i", jnp.signedinteger), ("u", jnp.unsignedinteger), ("f", jnp.floating)):
        if jnp.issubdtype(dtype, family) and dtype.itemsize in (1, 2, 4, 8):
            return kind, dtype.itemsize
    raise TypeError(f"Packing supports boolean, integer and real float leaves, got dtype {dtype}")


def _to_words(leaf: jax.Array, kind: str, itemsize: int) -> jax.Array:
    if itemsize >= 4:
        return jax.lax.bitcast_convert_type(leaf, jnp.uint32)
    if kind == "f":
        return jax.lax.bitcast_convert_type(leaf.astype(jnp.float32), jnp.uint32)
    if kind == "i":
        return jax.lax.bitcast_convert_type(leaf.astype(jnp.int32), jnp.uint32)
    return leaf.astype(jnp.uint32)


def _from_words(words: jax.Array, dtype: np.dtype, kind: tuple[str, int], shape: tuple[int, ...]) -> jax.Array:
    kind, itemsize = kind
    if itemsize == 8:
        return jax.lax.bitcast_convert_type(words.reshape(shape + (2,)), dtype)
    words = words.reshape(shape)
    if itemsize == 4:
        return jax.lax.bitcast_convert_type(words, dtype)
    if kind == "b":
        return words != 0
    if kind == "f":
        return jax.lax.bitcast_convert_type(words, jnp.float32).astype(dtype)
    if kind == "i":
        return jax.lax.bitcast_convert_type(words, jnp.int32).astype(dtype)
    return words.astype(dtype)


def _from_words_host(words: np.ndarray, dtype: np.dtype, kind: tuple[str, int], shape: tuple[int, ...]) -> np.ndarray:
    kind, itemsize = kind
    if itemsize >= 4:
        return words.view(dtype).reshape(shape)
    if kind == "b":
        return (words != 0).reshape(shape)
    if kind == "f":
        return words.view(np.float32).astype(dtype).reshape(shape)
    if kind == "i":
        return words.view(np.int32).astype(dtype).reshape(shape)
    return words.astype(dtype).reshape(shape)

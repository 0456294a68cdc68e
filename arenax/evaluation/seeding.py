"""Explicit random streams: one seed gives an independent numpy Generator per name, so an algorithm's
draws do not change when other algorithms are added."""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

Seed = Any  # int, np.random.Generator, np.random.SeedSequence, or a JAX PRNG key


def _jax_key_entropy(seed: Any) -> int | None:
    """The integer behind a JAX PRNG key (new-style or raw uint32), or None if `seed` is not one."""
    module = type(seed).__module__
    if not (module.startswith("jax") or module.startswith("jaxlib")):
        return None
    import jax

    if jax.dtypes.issubdtype(seed.dtype, jax.dtypes.prng_key):
        seed = jax.random.key_data(seed)
    words = np.asarray(seed)
    if words.dtype != np.uint32 or words.ndim != 1:
        raise TypeError(f"a JAX seed must be a single PRNG key, got an array of shape {words.shape} ({words.dtype})")
    return int.from_bytes(words.astype(">u4").tobytes(), "big")


def resolve_seed(seed: Seed) -> int:
    """The integer that reproduces a run: an int as given, entropy drawn from a Generator, or a JAX key's bits."""
    if isinstance(seed, (bool, np.bool_)):
        raise TypeError("seed must be an int, a numpy Generator, a SeedSequence or a JAX key, not a bool")
    if isinstance(seed, (int, np.integer)):
        if seed < 0:
            raise ValueError(f"seed must be non-negative, got {seed}")
        return int(seed)
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63 - 1))
    if isinstance(seed, np.random.SeedSequence):
        if not isinstance(seed.entropy, int):
            raise ValueError("a SeedSequence seed must have integer entropy")
        return seed.entropy
    entropy = _jax_key_entropy(seed)
    if entropy is None:
        raise TypeError(
            f"seed must be an int, a numpy Generator, a SeedSequence or a JAX key, got {type(seed).__name__}"
        )
    return entropy


def stream(seed: int, *names: str) -> np.random.Generator:
    """The Generator for `names` under `seed`; the same names always give the same draws."""
    key = tuple(zlib.crc32(name.encode()) for name in names)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))

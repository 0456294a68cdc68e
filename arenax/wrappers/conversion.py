"""Host-side conversions shared by the Gymnasium and PettingZoo views of a JAX environment."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from gymnasium import spaces


def cast_to_space(space: spaces.Space, value: Any) -> Any:
    """`value` (device or host arrays) as numpy arrays of exactly `space`'s dtypes."""
    if isinstance(space, spaces.Dict):
        return {name: cast_to_space(sub, value[name]) for name, sub in space.spaces.items()}
    if isinstance(space, spaces.Tuple):
        return tuple(cast_to_space(sub, v) for sub, v in zip(space.spaces, value))
    return np.asarray(value, dtype=space.dtype)


def host_tree(tree: Any) -> Any:
    """One device-to-host transfer of a whole pytree, as numpy arrays."""
    return jax.tree_util.tree_map(np.asarray, jax.device_get(tree))


def episode_key(seed: int | None, np_random: np.random.Generator) -> jax.Array:
    """The PRNG key of an episode: from `seed` where given, else drawn from the view's generator."""
    if seed is None:
        seed = int(np_random.integers(0, 2**31 - 1))
    return jax.random.PRNGKey(seed)

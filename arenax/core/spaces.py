"""JAX sampling of `gymnasium.spaces`, stacking of per-agent spaces, and checks of incoming actions."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from gymnasium import spaces

from arenax.core import prng


def sample(space: spaces.Space, key: jax.Array, mask: jax.Array | None = None) -> Any:
    """Draws one element of `space` with a JAX key; pure and jit-able.

    `mask` (Discrete: `[n]`; MultiDiscrete: `[..., max(nvec)]`) restricts the
    draw to the allowed actions, as `info["action_mask"]` gives them.
    Unbounded Box dimensions are drawn from a standard normal distribution,
    half-bounded ones from an exponential beside the bound, as Gymnasium does.
    """
    key = prng.sampling_key(key)
    if isinstance(space, spaces.Discrete):
        allowed = np.ones(int(space.n), bool) if mask is None else mask.astype(bool)
        return (_uniform_allowed(key, allowed) + int(space.start)).astype(_dtype(space))
    if isinstance(space, spaces.MultiDiscrete):
        nvec = np.asarray(space.nvec)
        allowed = np.arange(int(nvec.max())) < nvec[..., None]
        if mask is not None:
            allowed = jnp.logical_and(allowed, mask.astype(bool))
        return (_uniform_allowed(key, allowed) + np.asarray(space.start)).astype(_dtype(space))
    if isinstance(space, spaces.MultiBinary):
        return jax.random.bernoulli(key, 0.5, shape=space.shape).astype(_dtype(space))
    if isinstance(space, spaces.Box):
        return _sample_box(space, key)
    if isinstance(space, spaces.Dict):
        keys = jax.random.split(key, len(space.spaces))
        return {name: sample(sub, k) for (name, sub), k in zip(space.spaces.items(), keys)}
    if isinstance(space, spaces.Tuple):
        keys = jax.random.split(key, len(space.spaces))
        return tuple(sample(sub, k) for sub, k in zip(space.spaces, keys))
    raise TypeError(f"arenax.core.spaces.sample cannot sample a {type(space).__name__}: {space}")


def _dtype(space: spaces.Space):
    """The space's dtype as JAX stores it (int64 becomes int32 unless x64 is on)."""
    return jax.dtypes.canonicalize_dtype(space.dtype)


def _uniform_allowed(key: jax.Array, allowed: jax.Array) -> jax.Array:
    """For each row of `allowed [..., n]`, an index drawn uniformly among its True entries (0 where there is none).

    One uniform number per row picks the rank among the allowed entries: no
    logarithms, unlike Gumbel-max sampling (`jax.random.categorical`), whose
    two logarithms per entry were most of a small batch's random actions.
    """
    count = jnp.sum(allowed, axis=-1, dtype=jnp.int32)
    rank = jnp.floor(jax.random.uniform(key, count.shape) * count).astype(jnp.int32)
    rank = jnp.minimum(rank, count - 1)
    return jnp.argmax(jnp.cumsum(allowed, axis=-1, dtype=jnp.int32) > rank[..., None], axis=-1).astype(jnp.int32)


def _sample_box(space: spaces.Box, key: jax.Array) -> jax.Array:
    low = np.asarray(space.low, dtype=np.float64)
    high = np.asarray(space.high, dtype=np.float64)
    if np.issubdtype(space.dtype, np.integer):
        return jax.random.randint(
            key, space.shape, jnp.asarray(low, jnp.int32), jnp.asarray(high, jnp.int32) + 1
        ).astype(_dtype(space))
    key_uniform, key_normal, key_exp = jax.random.split(key, 3)
    bounded_low = np.isfinite(low)
    bounded_high = np.isfinite(high)
    safe_low = np.where(bounded_low, low, 0.0)
    safe_high = np.where(bounded_high, high, 0.0)
    uniform = jax.random.uniform(key_uniform, space.shape, minval=safe_low, maxval=safe_high)
    normal = jax.random.normal(key_normal, space.shape)
    exponential = jax.random.exponential(key_exp, space.shape)
    value = jnp.where(
        bounded_low & bounded_high,
        uniform,
        jnp.where(bounded_low, safe_low + exponential, jnp.where(bounded_high, safe_high - exponential, normal)),
    )
    return value.astype(_dtype(space))


def stack(space: spaces.Space, n: int) -> spaces.Space:
    """The space of `n` elements of `space` stacked on a new leading axis (agents)."""
    if isinstance(space, spaces.Discrete):
        return spaces.MultiDiscrete(
            np.full((n,), space.n, dtype=space.dtype),
            start=np.full((n,), space.start, dtype=space.dtype),
            dtype=space.dtype,
        )
    if isinstance(space, spaces.MultiDiscrete):
        return spaces.MultiDiscrete(
            np.broadcast_to(space.nvec, (n, *space.nvec.shape)).copy(),
            start=np.broadcast_to(space.start, (n, *space.start.shape)).copy(),
            dtype=space.dtype,
        )
    if isinstance(space, spaces.MultiBinary):
        return spaces.MultiBinary((n, *np.atleast_1d(space.n)))
    if isinstance(space, spaces.Box):
        return spaces.Box(
            low=np.broadcast_to(space.low, (n, *space.shape)),
            high=np.broadcast_to(space.high, (n, *space.shape)),
            dtype=space.dtype,
        )
    if isinstance(space, spaces.Dict):
        return spaces.Dict({name: stack(sub, n) for name, sub in space.spaces.items()})
    raise TypeError(f"arenax.core.spaces.stack cannot stack a {type(space).__name__}: {space}")


def check_action(space: spaces.Space, action: Any, name: str = "action_space") -> np.ndarray:
    """Returns `action` as a numpy array of `space`'s dtype, or raises a `ValueError` naming the space.

    Nothing is clipped, wrapped or cast silently: a wrong shape, a float for an
    integer space or a value outside the bounds is an error.
    """
    if isinstance(space, spaces.Dict):
        if not isinstance(action, dict) or set(action) != set(space.spaces):
            raise ValueError(f"{name} is {space}; got an action with keys {_describe(action)}")
        return {k: check_action(sub, action[k], f"{name}[{k!r}]") for k, sub in space.spaces.items()}
    array = np.asarray(action)
    if array.shape != space.shape:
        raise ValueError(f"{name} is {space} with shape {space.shape}; got an action of shape {array.shape}: {action!r}")
    if np.issubdtype(space.dtype, np.integer) and not np.issubdtype(array.dtype, np.integer):
        if not (np.issubdtype(array.dtype, np.bool_) and isinstance(space, spaces.MultiBinary)):
            raise ValueError(f"{name} is {space} with integer dtype {space.dtype}; got dtype {array.dtype}: {action!r}")
    if np.issubdtype(space.dtype, np.floating) and not (
        np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)
    ):
        raise ValueError(f"{name} is {space} with dtype {space.dtype}; got dtype {array.dtype}: {action!r}")
    cast = array.astype(space.dtype)
    if not space.contains(cast) or (np.issubdtype(array.dtype, np.floating) and np.any(np.isnan(array))):
        raise ValueError(f"{name} is {space}; the action {action!r} lies outside it")
    return cast


def _describe(value: Any) -> str:
    return repr(sorted(value)) if isinstance(value, dict) else f"of type {type(value).__name__}"


def to_numpy(tree: Any) -> Any:
    """The same pytree with every JAX array turned into a numpy array (scalars stay 0-d arrays)."""
    return jax.tree_util.tree_map(np.asarray, tree)

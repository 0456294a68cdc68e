"""Linear recurrences with episode resets, run by `lax.scan` or `lax.associative_scan`, whole or in chunks."""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp


def expand_resets(resets: jax.Array, ndim: int) -> jax.Array:
    """`resets[T, B]` (or `[B]`) with trailing unit axes up to `ndim` dimensions, for broadcasting."""
    return resets.reshape(resets.shape + (1,) * (ndim - resets.ndim))


def combine(earlier: tuple[jax.Array, jax.Array], later: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
    """The associative operator of `h -> a h + b`: apply `earlier`, then `later`."""
    a_earlier, b_earlier = earlier
    a_later, b_later = later
    return a_later * a_earlier, a_later * b_earlier + b_later


def linear_recurrence(
    decay: jax.Array, increment: jax.Array, resets: jax.Array, initial: jax.Array, mode: str
) -> tuple[jax.Array, jax.Array]:
    """All states of `h[t] = decay[t] * (1 - resets[t]) * h[t-1] + increment[t]`, `h[-1] = initial`.

    `increment` is [T, B, ...]; `decay` broadcasts against it (with or
    without the time axis); `resets` is [T, B]. The reset is folded into the
    decay, so the standard operator `combine` stays associative. Returns
    `(states[T, B, ...], states[-1])`. `mode` is "sequential" (`lax.scan`) or
    "associative" (`lax.associative_scan`).
    """
    keep = 1 - expand_resets(resets, increment.ndim).astype(increment.real.dtype)
    if mode == "sequential":
        per_step_decay = jnp.ndim(decay) == increment.ndim

        def one_step(state, step_inputs):
            if per_step_decay:
                decay_t, increment_t, keep_t = step_inputs
            else:
                (increment_t, keep_t), decay_t = step_inputs, decay
            state = decay_t * keep_t * state + increment_t
            return state, state

        xs = (decay, increment, keep) if per_step_decay else (increment, keep)
        last, states = jax.lax.scan(one_step, initial, xs)
        return states, last
    if mode == "associative":
        decays = jnp.broadcast_to(decay * keep, increment.shape)
        increment = increment.at[0].add(decays[0] * initial)
        _, states = jax.lax.associative_scan(combine, (decays, increment))
        return states, states[-1]
    raise ValueError(f"mode must be 'sequential' or 'associative', got {mode!r}")


def pad_time(tree: Any, length: int) -> Any:
    """Pads every leaf of `tree` with zeros along axis 0 up to `length`."""

    def pad(leaf: jax.Array) -> jax.Array:
        widths = [(0, length - leaf.shape[0])] + [(0, 0)] * (leaf.ndim - 1)
        return jnp.pad(leaf, widths)

    return jax.tree_util.tree_map(pad, tree)


def scan_chunks(
    body: Callable[[Any, Any, jax.Array], tuple[Any, Any]],
    carry: Any,
    sequences: Any,
    chunk_size: int,
) -> tuple[Any, Any]:
    """Runs `body(carry, chunk, valid) -> (carry, outputs)` over time chunks of `sequences`.

    `sequences` is a pytree of [T, ...] arrays; the last chunk is padded with
    zeros and `valid[chunk_size]` marks its real steps, which `body` must use
    to leave the carry untouched by padding. Each chunk is rematerialised in
    the backward pass, so memory holds one chunk's internals at a time.
    Returns the final carry and the outputs cut back to T steps.
    """
    length = jax.tree_util.tree_leaves(sequences)[0].shape[0]
    chunk_size = min(chunk_size, length)
    num_chunks = -(-length // chunk_size)
    padded = pad_time(sequences, num_chunks * chunk_size)
    valid = jnp.arange(num_chunks * chunk_size) < length

    def split(leaf: jax.Array) -> jax.Array:
        return leaf.reshape((num_chunks, chunk_size) + leaf.shape[1:])

    chunks = jax.tree_util.tree_map(split, (padded, valid))

    @jax.checkpoint
    def chunk_step(carry, chunk_and_valid):
        chunk, chunk_valid = chunk_and_valid
        return body(carry, chunk, chunk_valid)

    carry, outputs = jax.lax.scan(chunk_step, carry, chunks)

    def merge(leaf: jax.Array) -> jax.Array:
        return leaf.reshape((num_chunks * chunk_size,) + leaf.shape[2:])[:length]

    return carry, jax.tree_util.tree_map(merge, outputs)


def steps_since_start(resets: jax.Array, initial_count: jax.Array) -> jax.Array:
    """For each step t, how many earlier steps of the same episode are available as history.

    `resets[T, B]`; `initial_count[B]` is how many steps of history the carry
    already holds. A step with a reset has none; otherwise one more than the
    step before.
    """
    time = jnp.arange(resets.shape[0])[:, None]
    last_reset = running_max(jnp.where(resets, time, -1))
    return jnp.where(last_reset >= 0, time - last_reset, initial_count[None, :] + time)


def running_max(values: jax.Array) -> jax.Array:
    """Cumulative maximum along axis 0 by an associative scan.

    `lax.cummax` lowers to a reduce-window as long as the sequence, which some
    backends run in quadratic time.
    """
    return jax.lax.associative_scan(jnp.maximum, values, axis=0)

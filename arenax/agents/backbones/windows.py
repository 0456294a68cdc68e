"""Causal sliding windows over the last W inputs, with the history buffer in the carry and episode resets.

Short convolutions (Mamba, H3), local attention (TransNormer, TCNCA) and
local pooling (PoNet) read, at each step t, the inputs at lags 0..W-1. The
carry keeps the last W-1 inputs (`buffer[B, W-1, ...]`, oldest first) and
how many of them belong to the current episode (`count[B]`). A lag is valid
when it does not reach before the episode's first step; invalid lags are
masked, so they neither contribute to a sum nor win a max or a softmax.
Over a whole sequence, attention goes block by block (`sequence_window_attention`).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from arenax.agents.backbones.scan import expand_resets, steps_since_start


class WindowCarry(NamedTuple):
    buffer: jax.Array
    count: jax.Array


class Window(NamedTuple):
    """The inputs at each lag, `lags[j]` (shape of one time step's input, leading axes [T, B] or [B]),
    and where they are valid, `valid[j]` ([T, B] or [B])."""

    lags: list[jax.Array]
    valid: list[jax.Array]


def zero_window_carry(batch_size: int, window: int, shape: tuple[int, ...], dtype=jnp.float32) -> WindowCarry:
    """An empty history: a zero buffer of W-1 inputs of `shape` and a count of 0."""
    return WindowCarry(jnp.zeros((batch_size, window - 1) + shape, dtype), jnp.zeros((batch_size,), jnp.int32))


def sequence_window(carry: WindowCarry, inputs: jax.Array, resets: jax.Array) -> tuple[WindowCarry, Window]:
    """Every lag of `inputs[T, B, ...]` after the carry's history, and the history carried past the last step."""
    length = inputs.shape[0]
    history = carry.buffer.shape[1]
    padded = jnp.concatenate([jnp.swapaxes(carry.buffer, 0, 1), inputs], axis=0)
    since = steps_since_start(resets, carry.count)
    lags = [padded[history - lag : history - lag + length] for lag in range(history + 1)]
    valid = [since >= lag for lag in range(history + 1)]
    # The new buffer holds lags history-1 .. 0 of the last step, oldest first.
    last_since = since[-1]
    kept = jnp.arange(history - 1, -1, -1)[None, :] <= last_since[:, None]
    buffer = jnp.swapaxes(padded[length:], 0, 1)
    buffer = jnp.where(expand_resets(kept, buffer.ndim), buffer, 0)
    count = jnp.minimum(last_since + 1, history).astype(jnp.int32)
    return WindowCarry(buffer, count), Window(lags, valid)


def step_window(carry: WindowCarry, x: jax.Array, reset: jax.Array) -> tuple[WindowCarry, Window]:
    """The lags of one step's input `x[B, ...]` after the carry's history (emptied where `reset[B]`)."""
    history = carry.buffer.shape[1]
    buffer = jnp.where(expand_resets(reset, carry.buffer.ndim), 0, carry.buffer)
    count = jnp.where(reset, 0, carry.count)
    window = jnp.concatenate([buffer, x[:, None]], axis=1)
    lags = [window[:, history - lag] for lag in range(history + 1)]
    valid = [count >= lag for lag in range(history + 1)]
    return WindowCarry(window[:, 1:], jnp.minimum(count + 1, history).astype(jnp.int32)), Window(lags, valid)


def causal_convolution(window: Window, kernel: jax.Array) -> jax.Array:
    """sum_j kernel[j] * input[t - j] over valid lags; `kernel[W, ...]` broadcasts against one lag."""
    total = 0.0
    for lag, (value, valid) in enumerate(zip(window.lags, window.valid)):
        total = total + jnp.where(expand_resets(valid, value.ndim), kernel[lag] * value, 0)
    return total


def window_max(window: Window) -> jax.Array:
    """The elementwise maximum over valid lags (lag 0 is always valid)."""
    result = window.lags[0]
    for value, valid in zip(window.lags[1:], window.valid[1:]):
        result = jnp.where(expand_resets(valid, value.ndim), jnp.maximum(result, value), result)
    return result


def window_attention(queries: jax.Array, keys: Window, values: Window) -> jax.Array:
    """Softmax attention of `queries[B, H, d]` over the valid lags of one step's `keys` and `values`."""
    scale = queries.shape[-1] ** -0.5
    scores = jnp.stack([jnp.sum(queries * key, axis=-1) * scale for key in keys.lags], axis=-1)
    valid = jnp.stack(keys.valid, axis=-1)
    scores = jnp.where(valid[..., None, :], scores, -jnp.inf)
    weights = jax.nn.softmax(scores, axis=-1)
    return sum(weights[..., lag, None] * value for lag, value in enumerate(values.lags))


def sequence_window_attention(
    carry: WindowCarry, queries: jax.Array, keys_values: jax.Array, resets: jax.Array
) -> tuple[WindowCarry, jax.Array]:
    """Softmax attention of `queries[T, B, H, d]` over the last W steps of `keys_values[T, B, H, 2d]` ([k, v]).

    Steps go in blocks of W queries, each against the 2W keys that cover its
    lags (its own block and the one before), so the work is two batched
    matrix products rather than one product per lag. Returns the carry of
    [k, v] history and the attended values [T, B, H, d].
    """
    new_carry, _ = sequence_window(carry, keys_values, resets)
    length, batch = resets.shape
    history = carry.buffer.shape[1]
    width = history + 1
    blocks = -(-length // width)
    padded = jnp.concatenate([jnp.swapaxes(carry.buffer, 0, 1), keys_values], axis=0)
    padded = jnp.pad(padded, [(0, (blocks + 1) * width - padded.shape[0])] + [(0, 0)] * (padded.ndim - 1))
    padded = padded.reshape((blocks + 1, width) + padded.shape[1:])
    keys, values = jnp.split(jnp.concatenate([padded[:-1], padded[1:]], axis=1), 2, axis=-1)
    query_blocks = jnp.pad(queries, [(0, blocks * width - length)] + [(0, 0)] * (queries.ndim - 1))
    query_blocks = query_blocks.reshape((blocks, width) + queries.shape[1:])
    scores = jnp.einsum("nqbhd,nkbhd->nbhqk", query_blocks, keys) * queries.shape[-1] ** -0.5
    # Query j of a block sits at padded position j + history, key m at position m: its lag is the difference.
    lag = jnp.arange(width)[:, None] + history - jnp.arange(2 * width)[None, :]
    since = jnp.pad(steps_since_start(resets, carry.count), [(0, blocks * width - length), (0, 0)])
    since = since.reshape(blocks, width, batch)
    lag = lag[None, :, :, None]
    valid = (lag >= 0) & (lag <= history) & (lag <= since[:, :, None])  # [blocks, query, key, B]
    valid = jnp.transpose(valid, (0, 3, 1, 2))[:, :, None]
    weights = jax.nn.softmax(jnp.where(valid, scores, -jnp.inf), axis=-1)
    attended = jnp.einsum("nbhqk,nkbhd->nqbhd", weights, values)
    return new_carry, attended.reshape((blocks * width,) + queries.shape[1:])[:length]

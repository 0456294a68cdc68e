"""Causal linear attention with per-key decay and episode resets, step by step or in chunks (GLA's chunked form).

The recurrence, per head, with a matrix state S[dk, dv]:
    S[t] = diag(exp(log_decay[t])) (1 - reset[t]) S[t-1] + k[t]^T v[t],    o[t] = q[t] S[t].
Gated linear attention (data-dependent decay), TransNormer's NormAttention
and LongVQ's codebook attention (no decay) are all this recurrence.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from arenax.agents.backbones.scan import expand_resets, running_max, scan_chunks

MODES = ("sequential", "chunked")


def attention_step(
    state: jax.Array, q: jax.Array, k: jax.Array, v: jax.Array, log_decay: jax.Array | None, reset: jax.Array
) -> tuple[jax.Array, jax.Array]:
    """One step for `q, k[B, H, dk]`, `v[B, H, dv]`, `state[B, H, dk, dv]`; returns `(state, o[B, H, dv])`."""
    state = jnp.where(expand_resets(reset, 4), 0, state)
    if log_decay is not None:
        state = jnp.exp(log_decay)[..., None] * state
    state = state + k[..., None] * v[..., None, :]
    return state, jnp.einsum("bhk,bhkv->bhv", q, state)


def linear_attention(
    q: jax.Array,
    k: jax.Array,
    v: jax.Array,
    log_decay: jax.Array | None,
    resets: jax.Array,
    state: jax.Array,
    mode: str,
    chunk_size: int,
) -> tuple[jax.Array, jax.Array]:
    """Outputs `o[T, B, H, dv]` and the last state for `q, k[T, B, H, dk]`, `v[T, B, H, dv]`, `resets[T, B]`.

    `log_decay[T, B, H, dk]` or `[T, B, H, 1]` (at most 0), or None for no decay. "sequential"
    scans steps; "chunked" handles `chunk_size` steps at once: attention
    inside a chunk as a masked [C, C] product, the state carried between
    chunks. Decays inside a chunk are differences of cumulative log decays,
    never above 0, so nothing overflows; a reset at step j cuts every
    pair (i, j') with j' < j <= i and the carried state for steps i >= j.
    """
    if mode == "sequential":

        def one_step(state, step_inputs):
            q_t, k_t, v_t, decay_t, reset_t = step_inputs
            return attention_step(state, q_t, k_t, v_t, decay_t, reset_t)

        state, outputs = jax.lax.scan(one_step, state, (q, k, v, log_decay, resets))
        return outputs, state
    if mode != "chunked":
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if log_decay is None:
        log_decay = jnp.zeros(k.shape[:3] + (1,), k.dtype)

    def chunk_body(state, chunk, valid):
        q, k, v, log_decay, resets = chunk
        length = q.shape[0]
        valid = expand_resets(valid, 4)
        k = jnp.where(valid, k, 0)
        cumulative = jnp.cumsum(jnp.where(valid, log_decay, 0), axis=0)
        time = jnp.arange(length)
        last_reset = running_max(jnp.where(resets, time[:, None], -1))
        # pair (i, j) is live when j <= i and no episode starts in (j, i]
        live = (time[None, :, None] <= time[:, None, None]) & (time[None, :, None] >= last_reset[:, None, :])
        exponent = cumulative[:, None] - cumulative[None, :]
        decay = jnp.exp(jnp.where(live[..., None, None], exponent, -jnp.inf))
        if decay.shape[-1] == 1:  # one decay per head: no [C, C, dk] product needed
            scores = jnp.einsum("ibhk,jbhk->ijbh", q, k) * decay[..., 0]
        else:
            scores = jnp.einsum("ibhk,jbhk,ijbhk->ijbh", q, k, decay)
        inside = jnp.einsum("ijbh,jbhv->ibhv", scores, v)
        untouched = (last_reset < 0)[..., None, None]
        from_state = jnp.einsum("ibhk,bhkv->ibhv", q * jnp.exp(cumulative), state) * untouched
        to_end = jnp.exp(cumulative[-1][None] - cumulative) * (time[:, None] >= last_reset[-1][None])[..., None, None]
        state = jnp.exp(cumulative[-1])[..., None] * state * untouched[-1][..., None]
        state = state + jnp.einsum("jbhk,jbhv->bhkv", k * to_end, v)
        return state, inside + from_state

    state, outputs = scan_chunks(chunk_body, state, (q, k, v, log_decay, resets), chunk_size)
    return outputs, state

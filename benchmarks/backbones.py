"""Forward-plus-backward time of every backbone against a GRU and causal softmax attention, in one run.

Each entry is one jitted gradient of sum(outputs) with respect to the
parameters and inputs, over inputs[T, batch, features] with random episode
resets, timed as the best of `--repeats` calls after a compiling call.
Ratios are GRU time / backbone time and attention time / backbone time, so
above 1 means faster than the peer. Backbones run with mode="auto" unless
`--all-modes` also times every parallel mode they offer ("s5[associative]").
Attention is computed one block of queries at a time (memory-bounded,
quadratic work) and skipped beyond `--attention-max-length`.

Usage:
  python benchmarks/backbones.py --lengths 256 1024 4096 16384 --batch 64 --json results.json
  python benchmarks/backbones.py --lengths 256 1024 --backbones gru s5 lru --all-modes
"""

from __future__ import annotations

import argparse
import json
import time

import flax.linen as nn
import jax
import jax.numpy as jnp

from arenax.agents import backbones

ATTENTION = "attention"
ATTENTION_HEADS = 4
ATTENTION_BLOCK = 256
RESET_PROBABILITY = 0.01


def causal_attention(q: jax.Array, k: jax.Array, v: jax.Array) -> jax.Array:
    """Causal softmax attention of `q, k, v[B, T, H, d]`, one block of queries at a time.

    Each block's [B, H, block, T] scores are recomputed in the backward pass,
    so memory stays bounded at long T while the work stays quadratic.
    """
    batch, length, heads, size = q.shape
    block = min(ATTENTION_BLOCK, length)
    if length % block:
        raise ValueError(f"attention needs lengths that are multiples of {block}, got {length}")
    blocks = jnp.swapaxes(q.reshape(batch, length // block, block, heads, size), 0, 1)
    starts = jnp.arange(0, length, block)

    @jax.checkpoint
    def one_block(query_block_and_start):
        query_block, start = query_block_and_start
        scores = jnp.einsum("bqhd,bkhd->bhqk", query_block, k) * size**-0.5
        causal = (start + jnp.arange(block))[:, None] >= jnp.arange(length)[None, :]
        weights = jax.nn.softmax(jnp.where(causal, scores, -jnp.inf), axis=-1)
        return jnp.einsum("bhqk,bkhd->bqhd", weights, v)

    attended = jax.lax.map(one_block, (blocks, starts))
    return jnp.swapaxes(attended, 0, 1).reshape(q.shape)


class CausalAttention(nn.Module):
    """The peer: one layer of multi-head causal softmax attention, features wide."""

    features: int

    @nn.compact
    def __call__(self, inputs: jax.Array) -> jax.Array:
        x = jnp.swapaxes(inputs, 0, 1)  # [B, T, D]
        q, k, v = jnp.split(nn.Dense(3 * self.features)(x), 3, axis=-1)
        shape = x.shape[:2] + (ATTENTION_HEADS, self.features // ATTENTION_HEADS)
        attended = causal_attention(q.reshape(shape), k.reshape(shape), v.reshape(shape))
        return jnp.swapaxes(nn.Dense(self.features)(attended.reshape(x.shape)), 0, 1)


def time_call(fn, *args, repeats: int) -> tuple[float, float]:
    """Best wall time of `repeats` calls after the first, and the first call's time (which compiles)."""
    start = time.perf_counter()
    jax.block_until_ready(fn(*args))
    first = time.perf_counter() - start
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        best = min(best, time.perf_counter() - start)
    return best, first


def backbone_gradient(module: backbones.Backbone, inputs: jax.Array, resets: jax.Array):
    """A jitted forward+backward of `module` and its arguments."""
    carry = module.initialize_carry(inputs.shape[1])
    params = module.init(jax.random.key(0), carry, inputs, resets)

    # Carry and resets are arguments, not constants, so that XLA cannot fold the reset masks away.
    def loss(params, inputs, carry, resets):
        _, outputs = module.apply(params, carry, inputs, resets)
        return jnp.sum(outputs)

    return jax.jit(jax.grad(loss, argnums=(0, 1))), (params, inputs, carry, resets)


def attention_gradient(features: int, inputs: jax.Array):
    module = CausalAttention(features)
    params = module.init(jax.random.key(0), inputs)

    def loss(params, inputs):
        return jnp.sum(module.apply(params, inputs))

    return jax.jit(jax.grad(loss, argnums=(0, 1))), (params, inputs)


def entries(names: list[str], all_modes: bool, features: int) -> list[tuple[str, object]]:
    """(label, module) pairs: each backbone in mode "auto", and in every parallel mode when asked."""
    result = []
    for name in names:
        module = backbones.make(name, features=features)
        result.append((name, module))
        if all_modes:
            result += [(f"{name}[{mode}]", module.clone(mode=mode)) for mode in module.parallel_modes]
    return result


def ratio(peer: float | None, seconds: float | None) -> float | None:
    return None if peer is None or seconds is None else peer / seconds


def measure(length: int, args: argparse.Namespace, modules: list, with_attention: bool) -> dict[str, float | None]:
    """Seconds per forward+backward at length `length` by label (attention first if timed; None if a call failed)."""
    key = jax.random.key(length)
    inputs = jax.random.normal(key, (length, args.batch, args.features))
    resets = jax.random.bernoulli(jax.random.fold_in(key, 1), RESET_PROBABILITY, (length, args.batch))
    calls = [(ATTENTION, lambda: attention_gradient(args.features, inputs))] if with_attention else []
    calls += [(label, lambda module=module: backbone_gradient(module, inputs, resets)) for label, module in modules]
    timings = {}
    for label, build in calls:
        try:
            fn, fn_args = build()
            timings[label], first = time_call(fn, *fn_args, repeats=args.repeats)
        except jax.errors.JaxRuntimeError as error:  # out of memory, typically: record it and go on
            timings[label] = None
            print(f"T={length} {label:24s} failed: {str(error).splitlines()[0][:200]}", flush=True)
            continue
        milliseconds = 1e3 * timings[label]
        print(f"T={length} {label:24s} {milliseconds:10.2f} ms  (first call {first:.1f} s)", flush=True)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lengths", type=int, nargs="+", default=[256, 1024, 4096, 16384])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--backbones", nargs="+", default=None, help=f"names from {backbones.names()} (default: all)")
    parser.add_argument("--all-modes", action="store_true", help="also time every parallel mode of each backbone")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--attention-max-length", type=int, default=None, help="skip attention at longer lengths")
    parser.add_argument("--json", default=None, help="write the results to this path")
    args = parser.parse_args()

    names = args.backbones or backbones.names()
    unknown = sorted(set(names) - set(backbones.names()))
    if unknown:
        parser.error(f"unknown backbones {unknown}; valid names: {backbones.names()}")
    if "gru" not in names:
        names = ["gru", *names]
    device = jax.devices()[0]
    print(f"JAX device: {device.device_kind} ({device.platform}), jax {jax.__version__}")
    print(f"batch {args.batch}, features {args.features}, forward + backward, best of {args.repeats}")

    results = []
    for length in args.lengths:
        with_attention = args.attention_max_length is None or length <= args.attention_max_length
        if not with_attention:
            print(f"T={length}: attention skipped (--attention-max-length {args.attention_max_length})")
        timings = measure(length, args, entries(names, args.all_modes, args.features), with_attention)
        for label, seconds in timings.items():
            results.append(
                {
                    "backbone": label,
                    "length": length,
                    "seconds": seconds,
                    "gru_over_this": ratio(timings.get("gru"), seconds),
                    "attention_over_this": ratio(timings.get(ATTENTION), seconds),
                }
            )

    print_table(results, args.lengths)
    if args.json:
        meta = {"device": device.device_kind, "platform": device.platform, "batch": args.batch}
        meta.update({"features": args.features, "repeats": args.repeats, "jax": jax.__version__})
        with open(args.json, "w") as file:
            json.dump({**meta, "results": results}, file, indent=2)
        print(f"wrote {args.json}")


def print_table(results: list[dict], lengths: list[int]) -> None:
    """Milliseconds and speed-up over the GRU per backbone and length; "growth" is time(longest) / time(shortest)."""
    labels = list(dict.fromkeys(row["backbone"] for row in results))
    by_key = {(row["backbone"], row["length"]): row for row in results}
    columns = "".join(f"{f'T={length} ms (xGRU)':>22s}" for length in lengths)
    print("\n" + f"{'backbone':24s}" + columns + f"{'growth':>10s}")
    for label in labels:
        cells, seconds = [], []
        for length in lengths:
            row = by_key.get((label, length))
            if row is None or row["seconds"] is None:
                cells.append(f"{'-':>22s}")
                continue
            seconds.append(row["seconds"])
            speedup = "" if row["gru_over_this"] is None else f"({row['gru_over_this']:5.2f}x)"
            cells.append(f"{1e3 * row['seconds']:13.1f} {speedup:>8s}")
        growth = f"{seconds[-1] / seconds[0]:10.1f}" if len(seconds) > 1 else f"{'-':>10s}"
        print(f"{label:24s}" + "".join(cells) + growth)


if __name__ == "__main__":
    main()

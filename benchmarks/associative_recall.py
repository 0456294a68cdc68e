"""Associative recall (the H3 paper's synthetic task) learnt briefly by every backbone and by causal attention.

Each sequence draws its own random dictionary from keys (the first half of
the vocabulary) to values (the second half), lists key-value pairs sampled
from it, and ends with one of the keys it listed; the test target is that
key's value, so chance is 2 / vocab. Training also scores every listed key
seen earlier in its sequence (a denser signal for a brief budget, as
language-model training on these sequences gives). The model is a token
embedding, two pre-norm residual blocks (sequence mixer, then a two-layer
MLP), and a linear readout. The mixer is one backbone from
`arenax.agents.backbones` (parallel mode) or, as the reference, multi-head
causal softmax attention with learned positions. Every model gets the same
number of Adam steps on fresh batches (by default a linear warm-up, then cosine decay);
test accuracy is on fresh sequences. S4D and H3 run their diagonal SSMs as
FFT convolutions here, as their papers do: every sequence starts from the
zero carry, so there is no episode start inside one.

Usage:
  python benchmarks/associative_recall.py --steps 600 --seq-len 32 --json recall.json
  python benchmarks/associative_recall.py --backbones attention gru h3 --seq-len 128 --vocab 30
"""

from __future__ import annotations

import argparse
import json
import time

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from arenax.agents import backbones

ATTENTION = "attention"
ATTENTION_HEADS = 4
BLOCKS = 2
MLP_EXPANSION = 2
GRADIENT_CLIP = 1.0
TEST_SEQUENCES = 2048
TEST_BATCH = 256

# Backbones with an FFT convolution mode (no resets inside a sequence), which is far faster than their scan on CPUs.
CONVOLUTION_MODES = ("h3", "s4d")

# What the H3 paper (Fu et al., ICLR 2023, Table 2, two-layer models) reports for the mixers it also tried.
H3_PAPER = {
    ATTENTION: "solves (~100%)",
    "h3": "solves (~100%)",
    "s4d": "does not solve (well below H3)",
}


def recall_batch(key: jax.Array, batch: int, length: int, vocab: int) -> tuple[jax.Array, jax.Array, jax.Array]:
    """`batch` sequences `tokens[B, length]`, next-value targets `[B, length]` and a loss mask `[B, length]`.

    The mask is True at the final query and at every listed key seen earlier
    in the same sequence (its value is then recallable); training uses all of
    them, testing only the final query (`targets[:, -1]`). Token `vocab` is a
    start marker filling the front when pairs and query do not fill `length`.
    """
    keys_count = vocab // 2
    pairs = (length - 1) // 2
    dictionary_key, pair_key, query_key = jax.random.split(key, 3)
    # A random injection of keys into values per sequence (argsort of noise is a random permutation).
    dictionary = keys_count + jnp.argsort(
        jax.random.uniform(dictionary_key, (batch, vocab - keys_count)), axis=-1
    )[:, :keys_count]
    listed_keys = jax.random.randint(pair_key, (batch, pairs), 0, keys_count)
    listed_values = jnp.take_along_axis(dictionary, listed_keys, axis=-1)
    query = jnp.take_along_axis(listed_keys, jax.random.randint(query_key, (batch, 1), 0, pairs), axis=-1)
    answer = jnp.take_along_axis(dictionary, query, axis=-1)

    occurrences = jnp.cumsum(jax.nn.one_hot(listed_keys, keys_count, dtype=jnp.int32), axis=1)
    seen_before = jnp.take_along_axis(occurrences, listed_keys[..., None], axis=-1)[..., 0] > 1
    filler_length = length - 2 * pairs - 1

    def layout(at_keys, at_values, at_query, at_filler):
        pairs_part = jnp.stack([at_keys, at_values], axis=-1).reshape(batch, 2 * pairs)
        filler = jnp.full((batch, filler_length), at_filler, dtype=pairs_part.dtype)
        return jnp.concatenate([filler, pairs_part, at_query.astype(pairs_part.dtype)], axis=-1)

    tokens = layout(listed_keys, listed_values, query, vocab)
    targets = layout(listed_values, jnp.zeros_like(listed_values), answer, 0)
    mask = layout(seen_before, jnp.zeros_like(seen_before), jnp.ones_like(query, dtype=bool), False)
    return tokens, targets, mask


class CausalSelfAttention(nn.Module):
    """Multi-head causal softmax self-attention over `inputs[T, B, F]`."""

    features: int

    @nn.compact
    def __call__(self, inputs: jax.Array) -> jax.Array:
        x = jnp.swapaxes(inputs, 0, 1)
        shape = x.shape[:2] + (ATTENTION_HEADS, self.features // ATTENTION_HEADS)
        q, k, v = (part.reshape(shape) for part in jnp.split(nn.Dense(3 * self.features)(x), 3, axis=-1))
        attended = jax.nn.dot_product_attention(q, k, v, is_causal=True)
        return jnp.swapaxes(nn.Dense(self.features)(attended.reshape(x.shape)), 0, 1)


class RecallModel(nn.Module):
    """Embedding, `BLOCKS` residual (mixer, MLP) blocks, logits over the vocabulary at every position `[B, T, V]`."""

    mixer: str
    features: int
    vocab: int
    length: int

    @nn.compact
    def __call__(self, tokens: jax.Array) -> jax.Array:
        batch = tokens.shape[0]
        x = nn.Embed(self.vocab + 1, self.features)(tokens.T)  # [T, B, F]
        if self.mixer == ATTENTION:
            # Attention alone cannot tell which token follows which; recurrent mixers order by construction.
            x = x + self.param("positions", nn.initializers.normal(0.02), (self.length, 1, self.features))
        resets = jnp.zeros(tokens.T.shape, dtype=bool).at[0].set(True)
        for _ in range(BLOCKS):
            normed = nn.LayerNorm()(x)
            if self.mixer == ATTENTION:
                mixed = CausalSelfAttention(self.features)(normed)
            else:
                layer = backbones.make(self.mixer, features=self.features)
                carry = layer.initialize_carry(batch)
                if self.mixer in CONVOLUTION_MODES:
                    # Every sequence starts at step 0 from the zero carry: no episode start inside it.
                    _, mixed = layer.convolve(carry, normed)
                else:
                    _, mixed = layer(carry, normed, resets)
            x = x + mixed
            hidden = nn.gelu(nn.Dense(MLP_EXPANSION * self.features)(nn.LayerNorm()(x)))
            x = x + nn.Dense(self.features)(hidden)
        return jnp.swapaxes(nn.Dense(self.vocab)(nn.LayerNorm()(x)), 0, 1)


def train_and_test(mixer: str, args: argparse.Namespace) -> dict:
    """Trains one model for `args.steps` Adam steps and returns its test accuracy and timings."""
    model = RecallModel(mixer, args.features, args.vocab, args.seq_len)
    init_key, train_key, test_key = jax.random.split(jax.random.PRNGKey(args.seed), 3)
    sample_tokens, _, _ = recall_batch(init_key, args.batch, args.seq_len, args.vocab)
    params = model.init(init_key, sample_tokens)
    if args.schedule == "constant":
        schedule = optax.constant_schedule(args.lr)
    else:
        warmup = int(args.warmup * args.steps)
        schedule = optax.warmup_cosine_decay_schedule(0.0, args.lr, max(warmup, 1), max(args.steps, warmup + 1))
    optimizer = optax.chain(optax.clip_by_global_norm(GRADIENT_CLIP), optax.adam(schedule))
    opt_state = optimizer.init(params)

    def loss_fn(params, tokens, targets, mask):
        losses = optax.softmax_cross_entropy_with_integer_labels(model.apply(params, tokens), targets)
        return jnp.sum(losses * mask) / jnp.sum(mask)

    @jax.jit
    def train_step(params, opt_state, key):
        tokens, targets, mask = recall_batch(key, args.batch, args.seq_len, args.vocab)
        loss, grads = jax.value_and_grad(loss_fn)(params, tokens, targets, mask)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    @jax.jit
    def correct_count(params, key):
        tokens, targets, _ = recall_batch(key, TEST_BATCH, args.seq_len, args.vocab)
        return jnp.sum(jnp.argmax(model.apply(params, tokens)[:, -1], axis=-1) == targets[:, -1])

    start = time.perf_counter()
    params, opt_state, loss = train_step(params, opt_state, jax.random.fold_in(train_key, 0))
    jax.block_until_ready(loss)
    compile_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for step in range(1, args.steps):
        params, opt_state, loss = train_step(params, opt_state, jax.random.fold_in(train_key, step))
    final_loss = float(loss)
    train_seconds = time.perf_counter() - start

    test_keys = jax.random.split(test_key, TEST_SEQUENCES // TEST_BATCH)
    correct = sum(int(correct_count(params, key)) for key in test_keys)
    return {
        "backbone": mixer,
        "test_accuracy": correct / (len(test_keys) * TEST_BATCH),
        "final_train_loss": final_loss,
        "train_seconds": train_seconds,
        "first_step_seconds": compile_seconds,
        "h3_paper": H3_PAPER.get(mixer, "not in the paper"),
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backbones", nargs="+", default=[ATTENTION, *backbones.names()],
                        help=f"mixers to train: '{ATTENTION}' and/or backbone names")
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seq-len", type=int, default=64)
    parser.add_argument("--vocab", type=int, default=20)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3, help="peak Adam learning rate")
    parser.add_argument("--schedule", choices=("cosine", "constant"), default="cosine",
                        help="cosine: linear warm-up then cosine decay to 0; constant: --lr throughout")
    parser.add_argument("--warmup", type=float, default=0.1,
                        help="fraction of the steps spent warming the learning rate up linearly from 0; "
                        "cosine decay to 0 follows")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=None, help="also write the results to this path")
    args = parser.parse_args()
    unknown = sorted(set(args.backbones) - {ATTENTION, *backbones.names()})
    if unknown:
        parser.error(f"unknown backbones {unknown}; valid: {ATTENTION}, {', '.join(backbones.names())}")
    if args.vocab < 4 or args.vocab % 2:
        parser.error(f"--vocab must be an even number >= 4 (half keys, half values), got {args.vocab}")
    if args.seq_len < 3:
        parser.error(f"--seq-len must be at least 3 (one pair and a query), got {args.seq_len}")
    if args.features % ATTENTION_HEADS:
        parser.error(f"--features must be a multiple of {ATTENTION_HEADS} attention heads, got {args.features}")
    if not 0 <= args.warmup < 1:
        parser.error(f"--warmup must be a fraction in [0, 1), got {args.warmup}")
    if args.steps < 1 or args.batch < 1:
        parser.error("--steps and --batch must be positive")
    return args


def schedule_text(args: argparse.Namespace) -> str:
    return "constant" if args.schedule == "constant" else f"warm-up {args.warmup:.0%}, cosine decay"


def main() -> None:
    args = parse_args()
    print(f"device: {jax.devices()[0]}; vocab {args.vocab}, length {args.seq_len}, features {args.features}, "
          f"{args.steps} steps of batch {args.batch}, lr {args.lr} ({schedule_text(args)}); "
          f"chance {2 / args.vocab:.1%}")
    results = []
    print("| backbone | test accuracy | train loss | training s | first step s | H3 paper |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for mixer in args.backbones:
        row = train_and_test(mixer, args)
        results.append(row)
        print(f"| {mixer} | {row['test_accuracy']:.1%} | {row['final_train_loss']:.3f} | "
              f"{row['train_seconds']:.1f} | {row['first_step_seconds']:.1f} | {row['h3_paper']} |", flush=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"args": vars(args), "device": str(jax.devices()[0]), "results": results}, handle, indent=2)


if __name__ == "__main__":
    main()

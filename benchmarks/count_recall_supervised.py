"""How hard CountRecall-easy is for the PPO policy networks themselves: the same network trained on the answers by cross-entropy.

    .venv/bin/python benchmarks/count_recall_supervised.py --backbones gru lru s5 --features 128 --steps 2000

The network is `ppo.make_policy`'s actor-critic (encoder, backbone, tanh actor
head; the critic is unused) run in its parallel mode over whole episodes of
`arenax/CountRecall-easy-v0`. Every step, its actor logits are trained by
cross-entropy against the right answer (the count of the queried colour), on
fresh episodes (the environment does not depend on the answers given, so any
actions deal the same cards). This is the most information a learner can get
per step; PPO gets one sampled answer and whether it was right. The answer
accuracy on 256 fresh episodes is reported every `--steps / 8` steps: if the
network needs millions of labelled answers, PPO needs more still.
"""

from __future__ import annotations

import argparse
import json
import time

import jax
import jax.numpy as jnp
import optax

from arenax.baselines import ppo
from arenax.core import make

ENV_ID = "arenax/CountRecall-easy-v0"


def episode_sampler(env):
    """`sample(keys[B]) -> (obs[T, B, D], answers[T, B])` of whole episodes, with the right answer at every step."""
    length = env.episode_length()

    def episode(key: jax.Array):
        state, ts = env.reset(key)

        def step(carry, _):
            state, obs = carry
            answer = state.counts[state.query]
            state, ts = env.step(state, jnp.int32(0))
            return (state, ts.obs), (obs, answer)

        _, (obs, answers) = jax.lax.scan(step, (state, ts.obs), None, length=length)
        return obs, answers

    def sample(keys: jax.Array):
        obs, answers = jax.vmap(episode)(keys)
        return jnp.moveaxis(obs, 0, 1).astype(jnp.float32), jnp.moveaxis(answers, 0, 1)

    return sample, length


def train(backbone: str, features: int, steps: int, batch: int, lr: float, seed: int) -> list[dict]:
    env = make(ENV_ID)
    sample, length = episode_sampler(env)
    policy = ppo.make_policy(ppo.PPOConfig(env_id=ENV_ID, backbone=backbone, features=features), env.action_space.n)
    resets = jnp.zeros((length, batch), bool).at[0].set(True)
    test_resets = jnp.zeros((length, 256), bool).at[0].set(True)
    init_key, data_key = jax.random.split(jax.random.PRNGKey(seed))
    obs, _ = sample(jax.random.split(data_key, batch))
    params = policy.init(init_key, policy.initialize_carry(batch), obs, resets)
    optimizer = optax.adam(lr)
    opt_state = optimizer.init(params)

    def logits_of(params, obs, resets):
        _, logits, _ = policy.apply(params, policy.initialize_carry(obs.shape[1]), obs, resets)
        return logits

    def loss(params, obs, answers):
        log_probs = jax.nn.log_softmax(logits_of(params, obs, resets))
        return -jnp.take_along_axis(log_probs, answers[..., None], -1).mean()

    @jax.jit
    def update(params, opt_state, key):
        obs, answers = sample(jax.random.split(key, batch))
        value, grads = jax.value_and_grad(loss)(params, obs, answers)
        updates, opt_state = optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), opt_state, value

    @jax.jit
    def test_accuracy(params, key):
        obs, answers = sample(jax.random.split(key, 256))
        return (logits_of(params, obs, test_resets).argmax(-1) == answers).mean()

    rows, started = [], time.perf_counter()
    keys = jax.random.split(jax.random.fold_in(data_key, 1), steps)
    for i in range(steps):
        params, opt_state, value = update(params, opt_state, keys[i])
        if (i + 1) % max(steps // 8, 1) == 0 or i + 1 == steps:
            accuracy = float(test_accuracy(params, jax.random.PRNGKey(10_000 + seed)))
            row = {"backbone": backbone, "step": i + 1, "answers_seen": (i + 1) * batch * length,
                   "train_loss": float(value), "test_accuracy": accuracy, "seconds": time.perf_counter() - started}
            rows.append(row)
            print(f"{backbone:<6} step {i + 1:>6}  loss {row['train_loss']:.3f}  test accuracy {accuracy:.1%}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backbones", nargs="*", default=["gru", "lru", "s5"])
    parser.add_argument("--features", type=int, default=128)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=32, help="episodes per Adam step")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write every row to this file")
    args = parser.parse_args()
    rows = [row for name in args.backbones for row in train(name, args.features, args.steps, args.batch, args.lr, args.seed)]
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"config": vars(args), "rows": rows}, file, indent=2)


if __name__ == "__main__":
    main()

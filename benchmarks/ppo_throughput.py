"""PPO throughput (environment plus learner steps per second) of each backbone beside the memoryless MLP, at equal batch.

    .venv/bin/python benchmarks/ppo_throughput.py [--env RepeatPrevious-easy-v0] [--backbones gru lru s5]

Every backbone trains the same configuration as the memoryless policy (same
environments, rollout length, epochs, minibatches and widths); each is timed
over whole jitted chunks after a warm-up chunk that compiles it. The slowdown
is the memoryless policy's steps/s over the backbone's (target: at most 1.5).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import time

import jax

from arenax.agents import backbones
from arenax.baselines import ppo


def steps_per_second(config: ppo.PPOConfig, chunks: int) -> float:
    trainer = ppo.Trainer(config)
    state = trainer.init()
    state, _ = trainer.chunk(state)
    started = time.perf_counter()
    for _ in range(chunks):
        state, _ = trainer.chunk(state)
    elapsed = time.perf_counter() - started
    return chunks * config.updates_per_chunk * config.steps_per_update * config.num_seeds / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="RepeatPrevious-easy-v0")
    parser.add_argument("--backbones", nargs="*", default=backbones.names())
    parser.add_argument("--num-envs", type=int, default=32)
    parser.add_argument("--rollout-length", type=int, default=64)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--updates-per-chunk", type=int, default=4)
    parser.add_argument("--chunks", type=int, default=3)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    base = ppo.PPOConfig(
        env_id=args.env,
        features=args.features,
        num_envs=args.num_envs,
        rollout_length=args.rollout_length,
        updates_per_chunk=args.updates_per_chunk,
    )
    print(f"{platform.processor() or platform.machine()}, jax {jax.__version__} on {jax.default_backend()}")
    print(f"{args.env}: {args.num_envs} envs x {args.rollout_length} steps, features {args.features}, "
          f"{base.num_epochs} epochs x {base.num_minibatches} minibatches")
    memoryless = steps_per_second(base, args.chunks)
    results = {"mlp": {"steps_per_second": memoryless, "slowdown": 1.0}}
    print(f"{'backbone':<12} {'steps/s':>10} {'slowdown vs mlp':>16}")
    print(f"{'mlp':<12} {memoryless:>10.0f} {1.0:>16.2f}")
    for name in args.backbones:
        rate = steps_per_second(dataclasses.replace(base, backbone=name), args.chunks)
        results[name] = {"steps_per_second": rate, "slowdown": memoryless / rate}
        print(f"{name:<12} {rate:>10.0f} {memoryless / rate:>16.2f}", flush=True)
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"config": vars(args), "results": results}, file, indent=2)


if __name__ == "__main__":
    main()

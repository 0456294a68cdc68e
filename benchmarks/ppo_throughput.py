"""PPO throughput (environment plus learner steps per second) of each backbone beside the memoryless MLP, at equal batch.

    .venv/bin/python benchmarks/ppo_throughput.py [--env RepeatPrevious-easy-v0] [--backbones gru lru s5]
        [--backbone-size state_size=32]

Every backbone trains the same configuration as the memoryless policy (same
environments, rollout length, epochs, minibatches and widths). All policies
are compiled first (one warm-up chunk each); then their timed chunks take
turns, round after round, so that a change in the machine's load falls on all
of them alike, and each policy's rate is its median chunk. The slowdown is the
memoryless policy's steps/s over the backbone's (target: at most 1.5).
Beside it, the network's parameter count over the memoryless one's: every
weight of a dense or complex kernel is one multiply-add per sample, so this is
about the ratio of the networks' arithmetic; a slowdown near it means the
recurrent machinery (scans, resets, stored carries) costs little beyond that.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import time

import jax
import numpy as np

from arenax.agents import backbones
from arenax.baselines import ppo


class Timed:
    """One policy's trainer, compiled, with the seconds of each chunk timed so far."""

    def __init__(self, config: ppo.PPOConfig):
        self.config = config
        self.trainer = ppo.Trainer(config)
        self.state = self.trainer.init()
        self.parameters = sum(leaf.size for leaf in jax.tree_util.tree_leaves(self.state.learner.params))
        self.parameters //= config.num_seeds
        self.state, _ = self.trainer.chunk(self.state)
        self.seconds: list[float] = []

    def run_chunk(self) -> None:
        started = time.perf_counter()
        self.state, _ = self.trainer.chunk(self.state)
        self.seconds.append(time.perf_counter() - started)

    def steps_per_second(self) -> float:
        config = self.config
        return config.updates_per_chunk * config.steps_per_update * config.num_seeds / float(np.median(self.seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="RepeatPrevious-easy-v0")
    parser.add_argument("--backbones", nargs="*", default=backbones.names())
    parser.add_argument("--num-envs", type=int, default=32)
    parser.add_argument("--rollout-length", type=int, default=64)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--updates-per-chunk", type=int, default=4)
    parser.add_argument("--chunks", type=int, default=5, help="timed chunks per policy, taken in turns")
    parser.add_argument("--backbone-size", action="append", default=[], metavar="NAME=VALUE",
                        help="a size argument of every backbone listed (e.g. state_size=32); repeatable")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    sizes = {}
    for item in args.backbone_size:
        name, _, value = item.partition("=")
        if not value.lstrip("-").isdigit():
            parser.error(f"--backbone-size takes NAME=INTEGER, got {item!r}")
        sizes[name] = int(value)

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
    policies = {"mlp": Timed(base)}
    for name in args.backbones:
        policies[name] = Timed(dataclasses.replace(base, backbone=name, backbone_sizes=sizes))
    for _ in range(args.chunks):
        for timed in policies.values():
            timed.run_chunk()
    memoryless = policies["mlp"]
    print(f"{'backbone':<12} {'steps/s':>10} {'slowdown vs mlp':>16} {'parameters':>11} {'x mlp':>6}")
    results = {}
    for name, timed in policies.items():
        rate = timed.steps_per_second()
        slowdown = memoryless.steps_per_second() / rate
        size = timed.parameters / memoryless.parameters
        results[name] = {"steps_per_second": rate, "slowdown": slowdown, "parameters": timed.parameters}
        print(f"{name:<12} {rate:>10.0f} {slowdown:>16.2f} {timed.parameters:>11} {size:>6.2f}")
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"config": vars(args), "results": results}, file, indent=2)


if __name__ == "__main__":
    main()

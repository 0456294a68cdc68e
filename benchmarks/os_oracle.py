"""Success rates of the scripted oracle and the random baselines on every OS task, over many seeds.

Usage: python benchmarks/os_oracle.py [--seeds 20] [--random-seeds 5] [--tiers shell desktop]
"""

from __future__ import annotations

import argparse

import gymnasium as gym
import numpy as np

from arenax.envs.os import DESKTOP_TASKS, SHELL_TASKS, OraclePolicy, RandomDesktopPolicy, RandomPolicy, rollout

RANDOM_STEPS = 10


def rates(env_id, seeds, random_seeds, random_policy):
    env = gym.make(env_id)
    oracle = [rollout(env, OraclePolicy(env), seed)["score"] for seed in range(seeds)]
    env.unwrapped.max_steps = RANDOM_STEPS
    policy = random_policy(env, seed=0)
    random = [rollout(env, policy, 10_000 + seed)["score"] for seed in range(random_seeds)]
    env.close()
    return float(np.mean(oracle)), float(np.mean(random))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--random-seeds", type=int, default=5)
    parser.add_argument("--tiers", nargs="+", choices=("shell", "desktop"), default=["shell", "desktop"])
    args = parser.parse_args()
    ids = [(f"os-{name}-v0", RandomPolicy) for name in SHELL_TASKS] if "shell" in args.tiers else []
    ids += [(f"desktop-{name}-v0", RandomDesktopPolicy) for name in DESKTOP_TASKS] if "desktop" in args.tiers else []
    print(f"| task | oracle ({args.seeds} seeds) | random ({args.random_seeds} seeds, {RANDOM_STEPS} steps) |")
    print("|---|---|---|")
    for env_id, random_policy in ids:
        oracle, random = rates(f"arenax/{env_id}", args.seeds, args.random_seeds, random_policy)
        print(f"| {env_id} | {oracle:.2f} | {random:.2f} |", flush=True)


if __name__ == "__main__":
    main()

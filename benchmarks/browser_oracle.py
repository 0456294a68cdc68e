"""Success rate of each browser task's scripted oracle (the issue asks >= 95% over 50 seeds) and of random actions.

Every task of ours is played for --seeds seeds at each --difficulties level by its oracle through the real
observation and action interface (one shared Chromium), and for --random-seeds seeds by the random-action
baseline. Prints a Markdown table; --json writes the per-episode results.

Usage: python benchmarks/browser_oracle.py --seeds 50 --difficulties hard --random-seeds 5
Needs the `browser` extra (playwright) and Debian's chromium.
"""

from __future__ import annotations

import argparse
import json
import time

from arenax.envs.browser.browser import Browser
from arenax.envs.browser.env import BrowserEnv
from arenax.envs.browser.policies import OracleAgent, RandomAgent
from arenax.envs.browser.tasks import TASKS


def play(env: BrowserEnv, agent, seed: int) -> tuple[float, int]:
    observation, _ = env.reset(seed=seed)
    agent.reset()
    steps = 0
    while True:
        observation, reward, terminated, truncated, _ = env.step(agent.act(observation))
        steps += 1
        if terminated or truncated:
            return reward, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--difficulties", nargs="+", default=["hard"], choices=["easy", "medium", "hard"])
    parser.add_argument("--random-seeds", type=int, default=5)
    parser.add_argument("--tasks", nargs="+", default=sorted(TASKS))
    parser.add_argument("--json", help="write per-episode results here")
    args = parser.parse_args()
    browser = Browser()
    rows, records = [], []
    start = time.perf_counter()
    for name in args.tasks:
        rates = []
        for difficulty in args.difficulties:
            env = BrowserEnv(name, difficulty=difficulty, browser=browser)
            agent = OracleAgent(env)
            results = [play(env, agent, seed) for seed in range(args.seeds)]
            records += [{"task": name, "difficulty": difficulty, "agent": "oracle", "seed": seed, "reward": r,
                         "steps": s} for seed, (r, s) in enumerate(results)]
            rates.append(sum(r for r, _ in results) / len(results))
            env.close()
        env = BrowserEnv(name, difficulty=args.difficulties[-1], browser=browser)
        random_results = [play(env, RandomAgent(seed), seed) for seed in range(args.random_seeds)]
        env.close()
        records += [{"task": name, "difficulty": args.difficulties[-1], "agent": "random", "seed": seed, "reward": r,
                     "steps": s} for seed, (r, s) in enumerate(random_results)]
        random_rate = sum(r for r, _ in random_results) / len(random_results) if random_results else None
        rows.append((name, rates, random_rate))
        print(f"{name}: oracle {rates} random {random_rate} ({time.perf_counter() - start:.0f} s)", flush=True)
    browser.close()
    header = " | ".join(f"oracle {d} ({args.seeds} seeds)" for d in args.difficulties)
    print(f"\n| task | {header} | random {args.difficulties[-1]} ({args.random_seeds} seeds) |")
    print("| --- |" + " ---: |" * (len(args.difficulties) + 1))
    for name, rates, random_rate in rows:
        shown = "-" if random_rate is None else f"{random_rate:.0%}"
        print(f"| {name} | " + " | ".join(f"{r:.0%}" for r in rates) + f" | {shown} |")
    worst = min(min(rates) for _, rates, _ in rows)
    print(f"\nlowest oracle success rate: {worst:.0%}; total {time.perf_counter() - start:.0f} s")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(records, handle)


if __name__ == "__main__":
    main()

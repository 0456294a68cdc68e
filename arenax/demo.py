"""`arenax demo`: scripted random, memoryless and perfect-memory policies on the memory tasks, scored with `arenax.evaluation`.

It shows the three things users do in miniature: make environments, run
policies on them (here scripted ones, vmapped over episodes), and score the
results with interval estimates and probability of improvement.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import jax
import numpy as np
from rich.console import Console
from rich.table import Table

import arenax
from arenax.envs.memory import policies
from arenax.evaluation import command
from arenax.evaluation.export import write_csv

TASKS = (
    "RepeatFirst-easy-v0",
    "RepeatPrevious-easy-v0",
    "CountRecall-easy-v0",
    "Autoencode-easy-v0",
    "TMaze-easy-v0",
    "MineSweeper-easy-v0",
    "PositionOnlyCartPole-easy-v0",
    "NoisyPositionOnlyCartPole-easy-v0",
)
POLICIES = {
    "random": lambda env: policies.random_policy(env),
    "memoryless": policies.memoryless_policy,
    "perfect-memory": policies.perfect_memory_policy,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=int, default=5, help="runs per policy and task (default 5)")
    parser.add_argument("--episodes", type=int, default=32, help="episodes per run (default 32)")
    parser.add_argument("--reps", type=int, default=2000, help="bootstrap replicates (default 2000)")
    parser.add_argument("--out", type=Path, default=Path("runs/demo"), help="output folder (default runs/demo)")


def run(args: argparse.Namespace) -> int:
    if args.seeds < 2 or args.episodes < 1:
        raise SystemExit("arenax demo needs --seeds >= 2 (for intervals) and --episodes >= 1")
    console = Console()
    console.print(f"[bold]arenax demo[/bold] on {jax.devices()[0].platform}: {len(TASKS)} memory tasks x {len(POLICIES)} scripted policies x {args.seeds} seeds")
    rows = []
    table = Table(title="Mean episode return (measured / documented)")
    table.add_column("task", no_wrap=True)
    for name in POLICIES:
        table.add_column(name, no_wrap=True)
    started = time.perf_counter()
    for task in TASKS:
        env = arenax.make(task)
        reference = env.reference_returns()
        documented = {"random": reference["random"], "memoryless": reference["memoryless"], "perfect-memory": reference["perfect"]}
        cells = []
        for position, (name, make_policy) in enumerate(POLICIES.items()):
            key = jax.random.PRNGKey(1000 * position + len(rows))
            stats = policies.episode_stats(env, make_policy(env), key, args.seeds * args.episodes)
            returns = np.asarray(stats.returns).reshape(args.seeds, args.episodes).mean(axis=1)
            normalized = (returns - reference["random"]) / (reference["perfect"] - reference["random"])
            rows += [
                {"algorithm": name, "task": task, "seed": seed, "step": 0, "score": float(score)}
                for seed, score in enumerate(normalized)
            ]
            cells.append(f"{returns.mean():+.3f} / {documented[name]:+.3f}")
        table.add_row(task, *cells)
        console.print(f"  {task}: done ({time.perf_counter() - started:.0f} s)")
    console.print(table)

    scores_path = write_csv(args.out / "scores.csv", rows)


    score_parser = argparse.ArgumentParser()
    command.add_arguments(score_parser)
    score_args = score_parser.parse_args(
        [str(scores_path), "--out", str(args.out / "report"), "--reps", str(args.reps), "--no-curves"]
    )
    console.print("Scores are normalised per task: 0 = random policy, 1 = perfect memory (documented returns).")
    status = command.run(score_args)
    console.print(f"Report: {args.out / 'report' / 'report.html'} (and report.md, estimates.json, estimates.csv)")
    return status

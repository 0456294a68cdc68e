"""`arenax train bc|iql|cql --dataset ID`: train an offline baseline on a dataset, score it in the environment, write run folders.

The learners take arrays; this front loads the dataset and scores the
policies through `arenax.datasets` (the one place where baselines reach datasets).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

ALGORITHM_NAMES = ("bc", "iql", "cql")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`ALGORITHM --dataset ID [--seeds N] [--steps N] [--out DIR]` and the learners' hyperparameters."""
    parser.add_argument("algorithm", choices=ALGORITHM_NAMES, help="bc, iql (discrete or continuous actions) or cql (discrete only)")
    parser.add_argument("--dataset", required=True, help="dataset id, e.g. arenax/cartpole/medium-v0")
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds trained at once (vmapped)")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--steps", type=int, default=None, help="gradient steps (default: the algorithm's)")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--hidden", type=int, nargs="+", default=None, help="hidden layer widths")
    parser.add_argument("--gamma", type=float, default=None, help="discount (iql, cql)")
    parser.add_argument("--expectile", type=float, default=None, help="iql's expectile tau")
    parser.add_argument("--temperature", type=float, default=None, help="iql's inverse temperature beta")
    parser.add_argument("--alpha", type=float, default=None, help="cql's regulariser weight")
    parser.add_argument("--eval-steps", type=int, default=20_000, help="environment steps scoring each seed's policy")
    parser.add_argument("--out", default=None, help="run folder: <out>/<seed>/{config.json,metrics.jsonl}")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def config_from_args(args: argparse.Namespace):
    from arenax.baselines.offline import ALGORITHMS

    module = ALGORITHMS[args.algorithm]
    config_class = getattr(module, f"{args.algorithm.upper()}Config")
    names = {field.name for field in dataclasses.fields(config_class)}
    given = {
        "steps": args.steps,
        "batch_size": args.batch_size,
        "learning_rate": args.lr,
        "hidden": None if args.hidden is None else tuple(args.hidden),
        "gamma": args.gamma,
        "expectile": args.expectile,
        "temperature": args.temperature,
        "alpha": args.alpha,
    }
    unused = [name for name, value in given.items() if value is not None and name not in names]
    if unused:
        raise ValueError(f"{args.algorithm} takes no {', '.join(unused)}")
    return config_class(**{name: value for name, value in given.items() if value is not None})


def train_and_score(algorithm: str, config, dataset_id: str, seeds: list[int], eval_steps: int, on_chunk=None) -> dict:
    """Trains `algorithm` with `config` on the dataset for each seed and scores each policy; returns returns and scores."""
    from arenax.baselines.offline import ALGORITHMS
    from arenax.datasets import offline

    module = ALGORITHMS[algorithm]
    data = offline.transitions(dataset_id)
    states, losses = module.train(config, data, seeds, on_chunk)
    act = module.actor(config, data.num_actions, data.action_bounds) if data.continuous else module.actor(config, data.num_actions)
    returns, scores = offline.evaluate(dataset_id, act, states, eval_steps)
    return {
        "returns": returns.tolist(),
        "normalized_scores": scores.tolist(),
        "losses": {name: value.tolist() for name, value in losses.items()},
        "env_id": offline.dataset_env_id(dataset_id),
    }


def write_run_folders(out, algorithm: str, config, dataset_id: str, seeds: list[int], result: dict) -> None:
    """One run folder per seed under `out` (`<seed>/config.json`, `<seed>/metrics.jsonl`) from `train_and_score`'s result."""
    from pathlib import Path

    from arenax.baselines import run_log

    for seed, episode_return, score in zip(seeds, result["returns"], result["normalized_scores"]):
        folder = Path(out) / str(seed)
        run_log.write_config(
            folder,
            {
                "algorithm": algorithm,
                "env_id": result["env_id"],
                "backbone": "mlp",
                "seed": seed,
                "dataset": dataset_id,
                algorithm: dataclasses.asdict(config),
            },
        )
        run_log.keep_metrics(folder, [])
        run_log.append_metrics(folder, {"step": config.steps, "episode_return": episode_return, "normalized_score": score})


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    try:
        config = config_from_args(args)
        seeds = [args.seed + i for i in range(args.seeds)]
        if args.seeds < 1:
            raise ValueError(f"--seeds must be at least 1, got {args.seeds}")
        with _Progress(not args.no_progress, f"{args.algorithm} {args.dataset}") as on_chunk:
            result = train_and_score(args.algorithm, config, args.dataset, seeds, args.eval_steps, on_chunk)
    except (ValueError, TypeError, FileNotFoundError, OSError) as error:
        print(f"arenax train: {error}", file=sys.stderr)
        return 2
    if args.out is not None:
        write_run_folders(Path(args.out), args.algorithm, config, args.dataset, seeds, result)
    print(json.dumps({"algorithm": args.algorithm, "dataset": args.dataset, "seeds": seeds, **result}))
    return 0


class _Progress:
    def __init__(self, enabled: bool, description: str):
        self.enabled, self.description = enabled, description

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(TextColumn(self.description), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        self.progress.__enter__()
        task = self.progress.add_task("train", total=None)
        return lambda done, total: self.progress.update(task, completed=done, total=total)

    def __exit__(self, *exc_info) -> None:
        if self.enabled:
            self.progress.__exit__(*exc_info)

"""D4RL-style table: BC, IQL and discrete CQL against the behaviour policy on medium datasets, normalised scores over seeds.

Generates (or reuses) `arenax/<env>/medium-v0` for each environment, trains
each learner on it for several seeds at once, scores every seed's greedy
policy in the environment, and reports the mean normalised score with a 95%
stratified-bootstrap interval from `arenax.evaluation`. The behaviour row
scores the dataset's own episodes, split into as many groups as seeds. CQL
is discrete-only: its cell is empty on continuous-action datasets.

    MINARI_DATASETS_PATH=runs/datasets nice -n 10 .venv/bin/python benchmarks/offline_d4rl.py \
        --envs CartPole-v1 SMAX-3m-v0 Pendulum-v1 --steps 50000 --seeds 5 --updates 10000
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np


def score_dataset(
    dataset_id: str, seeds: list[int], updates: int, eval_steps: int, iql_settings: dict | None = None
) -> dict[str, np.ndarray]:
    from arenax.baselines.offline import bc, cql, iql
    from arenax.baselines.offline.command import train_and_score
    from arenax.datasets import episode_returns, normalized_score, offline

    configs = {
        "BC": ("bc", bc.BCConfig(steps=updates)),
        "IQL": ("iql", iql.IQLConfig(steps=updates, **(iql_settings or {}))),
        "CQL": ("cql", cql.CQLConfig(steps=updates)),
    }
    if offline.transitions(dataset_id).continuous:
        del configs["CQL"]
    returns = episode_returns(dataset_id)
    groups = np.array_split(returns, len(seeds))
    scores = {"behaviour": np.array([float(normalized_score(dataset_id, g.mean())) for g in groups])}
    for name, (algorithm, config) in configs.items():
        started = time.perf_counter()
        result = train_and_score(algorithm, config, dataset_id, seeds, eval_steps)
        scores[name] = np.array(result["normalized_scores"])
        print(f"{dataset_id} {name}: {np.round(scores[name], 1)} ({time.perf_counter() - started:.0f} s)", flush=True)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", nargs="+", default=["CartPole-v1", "SMAX-3m-v0"])
    parser.add_argument("--steps", type=int, default=50_000, help="transitions per medium dataset")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--updates", type=int, default=10_000, help="gradient steps per learner")
    parser.add_argument("--eval-steps", type=int, default=10_000, help="environment steps scoring each seed")
    parser.add_argument("--iql-temperature", type=float, default=None, help="IQL's beta (default: IQLConfig's, 3)")
    parser.add_argument("--iql-gamma", type=float, default=None, help="IQL's discount (default: IQLConfig's, 0.99)")
    parser.add_argument("--cache", default="~/.cache/arenax/behaviour")
    parser.add_argument("--json", default=None, help="also write the scores here")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    from arenax.datasets import DatasetExistsError, dataset_id, generate
    from arenax.evaluation import interval_estimates

    seeds = list(range(args.seeds))
    table: dict[str, dict[str, np.ndarray]] = {}
    for env_id in args.envs:
        identifier = dataset_id(env_id, "medium")
        try:
            generate(env_id, "medium", args.steps, 0, cache=args.cache)
        except DatasetExistsError:
            pass
        iql_settings = {"temperature": args.iql_temperature, "gamma": args.iql_gamma}
        iql_settings = {name: value for name, value in iql_settings.items() if value is not None}
        table[identifier] = score_dataset(identifier, seeds, args.updates, args.eval_steps, iql_settings)
    algorithms = ["behaviour", "BC", "IQL", "CQL"]
    print("\n| dataset | " + " | ".join(algorithms) + " |")
    print("| --- |" + " --- |" * len(algorithms))
    for identifier, scores in table.items():
        present = [a for a in algorithms if a in scores]
        estimates = interval_estimates({a: scores[a][:, None] for a in present}, metrics=("mean",), reps=2000, seed=0)
        cells = [
            f"{e.point:.1f} [{e.low:.1f}, {e.high:.1f}]" if a in estimates else "n/a (discrete only)"
            for a, e in ((a, estimates.get(a, {}).get("mean")) for a in algorithms)
        ]
        print(f"| {identifier} | " + " | ".join(cells) + " |")
    if args.json:
        with open(args.json, "w") as file:
            json.dump({k: {a: v.tolist() for a, v in s.items()} for k, s in table.items()}, file, indent=1)


if __name__ == "__main__":
    main()

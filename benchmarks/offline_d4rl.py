"""D4RL-style table: BC, IQL and discrete CQL against the behaviour policy on medium datasets, normalised scores over seeds.

Generates (or reuses) `arenax/<env>/medium-v0` for each environment, trains
each learner on it for several seeds at once, scores every seed's greedy
policy in the environment, and reports the mean normalised score with a 95%
stratified-bootstrap interval from `arenax.evaluation`. The behaviour row
scores the dataset's own episodes, split into as many groups as seeds.

    MINARI_DATASETS_PATH=runs/datasets nice -n 10 .venv/bin/python benchmarks/offline_d4rl.py \
        --envs CartPole-v1 SMAX-3m-v0 --steps 50000 --seeds 5 --updates 10000
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np


def score_dataset(dataset_id: str, seeds: list[int], updates: int, eval_steps: int) -> dict[str, np.ndarray]:
    from arenax.baselines.offline import bc, cql, iql
    from arenax.baselines.offline.command import train_and_score
    from arenax.datasets import episode_returns, normalized_score

    configs = {
        "BC": ("bc", bc.BCConfig(steps=updates)),
        "IQL": ("iql", iql.IQLConfig(steps=updates)),
        "CQL": ("cql", cql.CQLConfig(steps=updates)),
    }
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
        table[identifier] = score_dataset(identifier, seeds, args.updates, args.eval_steps)
    algorithms = ["behaviour", "BC", "IQL", "CQL"]
    print("\n| dataset | " + " | ".join(algorithms) + " |")
    print("| --- |" + " --- |" * len(algorithms))
    for identifier, scores in table.items():
        estimates = interval_estimates({a: scores[a][:, None] for a in algorithms}, metrics=("mean",), reps=2000, seed=0)
        cells = [f"{e.point:.1f} [{e.low:.1f}, {e.high:.1f}]" for e in (estimates[a]["mean"] for a in algorithms)]
        print(f"| {identifier} | " + " | ".join(cells) + " |")
    if args.json:
        with open(args.json, "w") as file:
            json.dump({k: {a: v.tolist() for a, v in s.items()} for k, s in table.items()}, file, indent=1)


if __name__ == "__main__":
    main()

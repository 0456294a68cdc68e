"""MOMAPPO's approximate Pareto fronts on beach, item gathering and walker-lite, against the best-known fronts.

For each environment: MOMAPPO trained on weights drawn from the simplex and
from a grid, single-objective PPO runs at fixed weights (the corners of the
simplex), and the scripted policies (random among them), all
evaluated into team return vectors. No analytic front is known for either
environment, so the best-known front is the non-dominated union of every
point evaluated here. Walker-lite has continuous actions (MOMAPPO's Gaussian
head). Each method's hypervolume and EUM are reported with
their ratios to the best-known front's; everything lands in a JSON file.

    nice -n 10 .venv/bin/python benchmarks/momappo_fronts.py --envs MO-Beach-v0 --out benchmarks/momappo_fronts_beach.json
    nice -n 10 .venv/bin/python benchmarks/momappo_fronts.py --envs MO-ItemGathering-v0 \
        --out benchmarks/momappo_fronts_item_gathering.json
    nice -n 10 .venv/bin/python benchmarks/momappo_fronts.py --envs MO-WalkerLite-v0 \
        --out benchmarks/momappo_fronts_walker.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from arenax import evaluation
from arenax.baselines import momappo, ppo
from arenax.core import make

SETTINGS = {
    # env id: (evaluation grid divisions, greedy evaluation, PPO settings)
    "MO-Beach-v0": (10, False, {"num_envs": 8, "rollout_length": 16}),
    "MO-ItemGathering-v0": (6, True, {"num_envs": 16, "rollout_length": 64}),
    "MO-WalkerLite-v0": (10, True, {"num_envs": 16, "rollout_length": 64}),
}
"""Beach's policies are evaluated sampling their actions (agents that see the same thing must still spread out);
item gathering's act greedily (sampling only wanders on the grid), and walker-lite's at their Gaussian's mean
(sampled pushes and lifts only shake the beam)."""


def fixed_weights(num_objectives: int) -> np.ndarray:
    """The simplex's corners: one objective each."""
    return np.eye(num_objectives)


def run_method(env, env_id, weight_set, weights, args, settings, greedy, seed_offset):
    """Trains PPO on `WeightConditioned(env, weight_set)` and evaluates it at `weights`; points per seed."""
    wrapped = momappo.WeightConditioned(env, weight_set)
    config = ppo.PPOConfig(
        env_id=env_id, algorithm="ippo", seed=args.seed + seed_offset, num_seeds=args.seeds,
        total_timesteps=args.total_timesteps[env_id], num_minibatches=4, learning_rate=args.learning_rate,
        entropy_coef=0.01, updates_per_chunk=10, **settings,
    )
    started = time.perf_counter()
    result = ppo.train(config, env=wrapped)
    params = result.state.learner.params
    points = momappo.evaluate_weights(wrapped, config, params, weights, args.episodes, seed=args.seed, greedy=greedy)
    return points, time.perf_counter() - started, config.num_updates * config.steps_per_update


def study(env_id: str, args) -> dict:
    env = make(env_id)
    d = int(env.reward_space.shape[0])
    divisions, greedy, settings = SETTINGS[env_id]
    weights = evaluation.simplex_weights(d, divisions)
    ref = list(momappo.REFERENCE_POINTS[env_id])
    methods: dict[str, dict] = {}
    for offset, sampler in enumerate(momappo.WEIGHT_SAMPLERS):
        points, seconds, steps = run_method(
            env, env_id, momappo.training_weights(sampler, d, divisions), weights, args, settings, greedy, offset * 100
        )
        methods[f"momappo-{sampler}"] = {"seconds": seconds, "steps_per_seed": steps, "points_per_seed": points.tolist()}
        print(f"{env_id} momappo-{sampler}: {seconds:.0f}s", file=sys.stderr, flush=True)
    # one PPO run per fixed weight, evaluated at that weight only
    fixed_points = []
    for index, w in enumerate(fixed_weights(d)):
        points, seconds, steps = run_method(env, env_id, w[None], w[None], args, settings, greedy, 1000 + 10 * index)
        fixed_points.append(points[:, 0])
        print(f"{env_id} fixed {w.round(3).tolist()}: {seconds:.0f}s", file=sys.stderr, flush=True)
    methods["ppo-fixed-weights"] = {
        "weights": fixed_weights(d).tolist(), "steps_per_seed": steps,
        "points_per_seed": np.stack(fixed_points, axis=1).tolist(),
    }
    scripted = momappo.scripted_points(env, episodes=args.episodes * 4, seed=args.seed)
    for name, point in scripted.items():
        methods[f"scripted-{name}"] = {"points_per_seed": [[point]]}
    everything = np.concatenate([np.asarray(m["points_per_seed"]).reshape(-1, d) for m in methods.values()])
    best = momappo.front_summary(everything, weights, ref)
    for method in methods.values():
        per_seed = [momappo.front_summary(np.asarray(p), weights, ref) for p in method["points_per_seed"]]
        method["hypervolume"] = [s["hypervolume"] for s in per_seed]
        method["eum"] = [s["eum"] for s in per_seed]
        method["front_per_seed"] = [s["front"] for s in per_seed]
        method["hypervolume_ratio"] = float(np.mean(method["hypervolume"]) / best["hypervolume"]) if best["hypervolume"] else None
        method["eum_ratio"] = float(np.mean(method["eum"]) / best["eum"]) if best["eum"] else None
    return {"ref_point": ref, "weights": weights.tolist(), "greedy": greedy, "best_known": best, "methods": methods}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--beach-timesteps", type=int, default=20_000, help="environment steps per seed per run")
    parser.add_argument("--item-gathering-timesteps", type=int, default=500_000)
    parser.add_argument("--walker-timesteps", type=int, default=150_000)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--learning-rate", type=float, default=3e-4)
    parser.add_argument("--episodes", type=int, default=32, help="evaluation episodes per weight")
    parser.add_argument("--out", default="benchmarks/momappo_fronts.json")
    args = parser.parse_args(argv)
    args.total_timesteps = {
        "MO-Beach-v0": args.beach_timesteps,
        "MO-ItemGathering-v0": args.item_gathering_timesteps,
        "MO-WalkerLite-v0": args.walker_timesteps,
    }
    results = {"command": " ".join(["python", "benchmarks/momappo_fronts.py", *(argv or sys.argv[1:])])}
    for env_id in args.envs:
        results[env_id] = study(env_id, args)
        best = results[env_id]["best_known"]
        print(f"{env_id}: best-known hypervolume {best['hypervolume']:.4g}, EUM {best['eum']:.4g}")
        for name, method in results[env_id]["methods"].items():
            print(f"  {name:22s} HV {np.mean(method['hypervolume']):9.4g} ({method['hypervolume_ratio']:.3f})"
                  f"  EUM {np.mean(method['eum']):8.4g} ({method['eum_ratio']:.3f})")
    Path(args.out).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()

"""Learning curves (PNG) and a results table of PPO run folders, with each task's documented reference returns.

    .venv/bin/python benchmarks/ppo_learning_curves.py --out benchmarks/figures/ppo_x.png gru=runs/x/gru mlp=runs/x/mlp

Each LABEL=FOLDER is a run folder of `arenax train ppo` (all its seeds are
drawn, their mean in bold). The table gives, per run, the training return of
the last chunk (mean over seeds, and the worst seed) and the return of the
final parameters acting greedily over 4000 steps of every environment.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import arenax  # noqa: E402
from arenax.baselines import ppo, run_log  # noqa: E402


def seed_curves(folder: Path, metric: str = "episode_return") -> list[tuple[np.ndarray, np.ndarray]]:
    curves = []
    for seed_folder in sorted(p for p in folder.iterdir() if (p / run_log.METRICS_FILE).exists()):
        records = [r for r in run_log.read_metrics(seed_folder) if r.get(metric) is not None]
        curves.append((np.array([r["step"] for r in records]), np.array([r[metric] for r in records])))
    return curves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", metavar="LABEL=FOLDER")
    parser.add_argument("--out", required=True, help="PNG file")
    parser.add_argument("--title")
    parser.add_argument("--eval-steps", type=int, default=4000)
    parser.add_argument("--metric", default="episode_return", help="logged metric to draw, e.g. won_rate for SMAX")
    args = parser.parse_args()

    figure, axes = plt.subplots(figsize=(6.4, 4.0))
    env_id = None
    what = args.metric.replace("_", " ")
    print(f"| run | last-chunk training {what}, mean (worst seed) | greedy {what} of final params, mean (worst seed) |")
    print("| --- | --- | --- |")
    for index, item in enumerate(args.runs):
        label, _, folder = item.partition("=")
        folder = Path(folder)
        colour = f"C{index}"
        curves = seed_curves(folder, args.metric)
        for steps, returns in curves:
            axes.plot(steps, returns, color=colour, alpha=0.3, linewidth=0.8)
        length = min(len(steps) for steps, _ in curves)
        mean = np.mean([returns[:length] for _, returns in curves], axis=0)
        axes.plot(curves[0][0][:length], mean, color=colour, linewidth=2, label=label)
        config, _, state = ppo.restore(folder)
        env_id = config.env_id
        greedy = ppo.evaluate_episodes(config, state.learner.params, num_steps=args.eval_steps)[args.metric]
        last = np.array([returns[-1] for _, returns in curves])
        print(f"| {label} | {last.mean():.3f} ({last.min():.3f}) | {greedy.mean():.3f} ({greedy.min():.3f}) |")
    env = arenax.make(env_id)
    if hasattr(env, "reference_returns") and args.metric == "episode_return":
        for (name, value), style in zip(env.reference_returns().items(), (":", "--", "-.")):
            axes.axhline(value, color="grey", linestyle=style, linewidth=1, label=f"{name} ({value:.3g})")
    axes.set_xlabel("environment steps per seed")
    axes.set_ylabel(f"mean {what} (training)")
    axes.set_title(args.title or env_id)
    axes.legend(fontsize=8, loc="best")
    figure.tight_layout()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.out, dpi=100)


if __name__ == "__main__":
    main()

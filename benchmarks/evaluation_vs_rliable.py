"""arenax.evaluation against rliable, side by side in one process, on 4 algorithms x 10 runs x 26 tasks.

Cases: the four aggregate metrics (IQM, mean, median, optimality gap) at 2000
and 50000 reps, run-score performance profiles at 2000 reps, and probability
of improvement for one pair at 2000 reps. Prints each library's seconds, the
ratio, and how far the two libraries' numbers are apart. Ratios use process
CPU time (both libraries run single-threaded), so that other jobs on a shared
machine do not skew them; wall-clock seconds are printed too.

    .venv/bin/python benchmarks/evaluation_vs_rliable.py            # everything (rliable needs minutes)
    .venv/bin/python benchmarks/evaluation_vs_rliable.py --quick    # skips the 50000-rep rliable run
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from rliable import library, metrics

import arenax.evaluation as ev

ALGORITHMS, RUNS, TASKS = 4, 10, 26
METRICS = ("iqm", "mean", "median", "optimality_gap")
TAUS = np.linspace(0.0, 8.0, 81)  # as in rliable's Atari examples


def score_data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(2021)
    task_difficulty = rng.gamma(2.0, 0.5, size=TASKS)
    return {
        f"algorithm_{a}": rng.gamma(2.0 + 0.5 * a, 0.5, size=(RUNS, TASKS)) * task_difficulty[None, :]
        for a in range(ALGORITHMS)
    }


def timed(function: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Median CPU and wall seconds over `repeats` calls (after an untimed warm-up when repeats > 1), last result."""
    if repeats > 1:
        function()
    cpu, wall, result = [], [], None
    for _ in range(repeats):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        result = function()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu), statistics.median(wall), result


def rliable_aggregates(scores: dict[str, np.ndarray], reps: int) -> dict[str, np.ndarray]:
    def aggregate(x: np.ndarray) -> np.ndarray:
        return np.array(
            [
                metrics.aggregate_iqm(x),
                metrics.aggregate_mean(x),
                metrics.aggregate_median(x),
                metrics.aggregate_optimality_gap(x),
            ]
        )

    np.random.seed(0)
    return library.get_interval_estimates(scores, aggregate, reps=reps)


def rliable_profiles(scores: dict[str, np.ndarray], reps: int) -> Any:
    np.random.seed(0)
    return library.create_performance_profile(scores, TAUS, reps=reps)


def rliable_improvement(x: np.ndarray, y: np.ndarray, reps: int) -> Any:
    np.random.seed(0)
    return library.get_interval_estimates(
        {"pair": [x, y]}, lambda a, b: np.array([metrics.probability_of_improvement(a, b)]), reps=reps
    )


def aggregate_gap(ours: dict[str, dict[str, ev.Estimate]], theirs: tuple[dict, dict]) -> float:
    """Largest relative difference between the two libraries' bounds (Monte-Carlo noise at equal reps)."""
    points, intervals = theirs
    gaps = []
    for name, estimates in ours.items():
        for i, metric in enumerate(METRICS):
            scale = abs(points[name][i]) + 1e-12
            gaps.append(abs(estimates[metric].point - points[name][i]) / scale)
            gaps.append(abs(estimates[metric].low - intervals[name][0, i]) / scale)
            gaps.append(abs(estimates[metric].high - intervals[name][1, i]) / scale)
    return max(gaps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the 50000-rep rliable run")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of each arenax case (median)")
    args = parser.parse_args()
    logging.getLogger("absl").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    scores = score_data()
    names = list(scores)
    x, y = scores[names[0]], scores[names[1]]
    # Untimed warm-up so that neither side pays first-call costs (lazy imports, caches) in a timed run.
    rliable_aggregates({names[0]: x}, 10)
    rliable_profiles({names[0]: x}, 10)
    rliable_improvement(x, y, 2)

    cases = [
        (
            "aggregates, 2000 reps",
            50,
            lambda: ev.interval_estimates(scores, reps=2000),
            lambda: rliable_aggregates(scores, 2000),
        ),
        (
            "aggregates, 50000 reps",
            50,
            lambda: ev.interval_estimates(scores, reps=50000),
            None if args.quick else lambda: rliable_aggregates(scores, 50000),
        ),
        (
            "profiles, 2000 reps",
            50,
            lambda: ev.performance_profiles(scores, TAUS, reps=2000),
            lambda: rliable_profiles(scores, 2000),
        ),
        (
            "P(improvement) 1 pair, 2000 reps",
            300,
            lambda: ev.probability_of_improvement(x, y, reps=2000),
            lambda: rliable_improvement(x, y, 2000),
        ),
    ]
    print(f"data: {ALGORITHMS} algorithms x {RUNS} runs x {TASKS} tasks; profiles at {TAUS.size} taus")
    header = f"{'arenax cpu s':>12s} {'rliable cpu s':>13s} {'ratio':>6s} {'target':>7s}"
    header += f" {'wall s (arenax, rliable)':>25s}"
    print(f"{'case':34s} {header}  agreement")
    for label, target, ours_call, theirs_call in cases:
        ours_seconds, ours_wall, ours = timed(ours_call, args.repeats)
        if theirs_call is None:
            print(f"{label:34s} {ours_seconds:12.4f} {'skipped':>13s}")
            continue
        theirs_seconds, theirs_wall, theirs = timed(theirs_call, 1)
        ratio = theirs_seconds / ours_seconds
        if label.startswith("aggregates"):
            agreement = f"max relative gap of bounds {aggregate_gap(ours, theirs):.3f}"
        elif label.startswith("profiles"):
            gap = max(np.max(np.abs(ours[n].high - theirs[1][n][1])) for n in names)
            agreement = f"max gap of upper bounds {gap:.3f}"
        else:
            agreement = f"point {ours.point:.4f} vs {float(theirs[0]['pair'][0]):.4f}"
        verdict = "ok" if ratio >= target else "MISSED"
        timing = f"{ours_seconds:12.4f} {theirs_seconds:13.2f} {ratio:6.0f} {target:>6d}x"
        timing += f" {ours_wall:12.4f} {theirs_wall:12.2f}"
        print(f"{label:34s} {timing}  {agreement} {verdict}")


if __name__ == "__main__":
    main()

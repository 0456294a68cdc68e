"""Sample-efficiency curves: an aggregate metric at each training step, with intervals that resample
whole runs, from logs aligned onto one step grid."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from arenax.evaluation.bootstrap import Progress, Sample, estimate_intervals, offset_progress
from arenax.evaluation.estimate import Estimate
from arenax.evaluation.intervals import check_interval_arguments
from arenax.evaluation.io import ScoreRecord, group_runs
from arenax.evaluation.metrics import canonical_metric, point_estimate
from arenax.evaluation.replicates import ReplicateMetrics
from arenax.evaluation.resampling import Draw
from arenax.evaluation.scores import ScoreMatrix, data_hash, matrix_from_runs, prepare_scores
from arenax.evaluation.seeding import Seed, resolve_seed


@dataclass(frozen=True)
class LearningCurves:
    """Scores of each algorithm on a common step grid: algorithm -> ScoreMatrix of runs x tasks x steps."""

    steps: np.ndarray
    scores: dict[str, ScoreMatrix]


def _run_curve(records: list[ScoreRecord]) -> tuple[np.ndarray, np.ndarray]:
    """Steps and scores of one run, sorted, with scores logged at the same step averaged."""
    logged = [(r.step, r.score) for r in records if r.step is not None and not math.isnan(r.score)]
    if not logged:
        return np.empty(0), np.empty(0)
    steps, scores = np.array(logged).T
    unique_steps, inverse = np.unique(steps, return_inverse=True)
    sums = np.bincount(inverse, weights=scores)
    return unique_steps, sums / np.bincount(inverse)


def common_step_grid(curves: Iterable[tuple[np.ndarray, np.ndarray]], num_steps: int) -> np.ndarray:
    """`num_steps` evenly spaced steps over the range that every run logged (integers when all steps are)."""
    logged = [steps for steps, _ in curves if steps.size]
    if not logged:
        raise ValueError("no run logged a score with a step; learning curves need step-stamped scores")
    first = max(steps[0] for steps in logged)
    last = min(steps[-1] for steps in logged)
    if first > last:
        raise ValueError(
            f"the runs share no common step range (latest first step {first:g} > earliest last step {last:g}); "
            "pass steps= explicitly and choose a nan_policy for runs that do not reach them"
        )
    grid = np.linspace(first, last, num_steps)
    if all(np.all(steps == np.round(steps)) for steps in logged):
        grid = np.unique(np.round(grid))
    return grid


def align_curves(
    records: Iterable[ScoreRecord],
    steps: Sequence[float] | np.ndarray | None = None,
    *,
    num_steps: int = 50,
    nan_policy: str = "raise",
    tasks: Sequence[str] | None = None,
) -> LearningCurves:
    """Interpolates every run's logged scores onto one step grid.

    steps=None uses `num_steps` points over the range all runs logged. A grid
    step outside a run's logged range gives NaN there, handled by nan_policy
    (raise, drop the run, or score it as the task's minimum).
    """
    runs = {key: _run_curve(run_records) for key, run_records in group_runs(records).items()}
    grid = common_step_grid(runs.values(), num_steps) if steps is None else np.asarray(steps, dtype=np.float64)
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)):
        raise ValueError("steps must be a non-empty 1-D sequence of finite numbers")
    per_algorithm: dict[str, dict[str, list[tuple[str, np.ndarray]]]] = defaultdict(lambda: defaultdict(list))
    all_tasks = set()
    for (algorithm, task, seed), (run_steps, run_scores) in runs.items():
        curve = np.full(grid.size, np.nan)
        if run_steps.size:
            inside = (grid >= run_steps[0]) & (grid <= run_steps[-1])
            curve[inside] = np.interp(grid[inside], run_steps, run_scores)
        per_algorithm[algorithm][task].append((seed, curve))
        all_tasks.add(task)
    task_order = list(tasks) if tasks is not None else sorted(all_tasks)
    matrices = {name: matrix_from_runs(runs, task_order, name) for name, runs in sorted(per_algorithm.items())}
    return LearningCurves(grid, prepare_scores(matrices, nan_policy=nan_policy, ndim=3, warn_single_runs=False))


def _as_curves(curves: LearningCurves | Mapping[str, Any], steps: Any, nan_policy: str, tasks: Any) -> LearningCurves:
    if isinstance(curves, LearningCurves):
        if steps is not None:
            raise ValueError("steps come from the LearningCurves object; do not pass them again")
        return LearningCurves(curves.steps, prepare_scores(curves.scores, nan_policy=nan_policy, tasks=tasks, ndim=3))
    matrices = prepare_scores(curves, nan_policy=nan_policy, tasks=tasks, ndim=3)
    n_steps = next(iter(matrices.values())).values.shape[2]
    grid = np.arange(n_steps, dtype=np.float64) if steps is None else np.asarray(steps, dtype=np.float64)
    if grid.shape != (n_steps,):
        raise ValueError(f"steps has shape {grid.shape} but the curves have {n_steps} steps")
    return LearningCurves(grid, matrices)


def sample_efficiency_curves(
    curves: LearningCurves | Mapping[str, Any],
    steps: Sequence[float] | np.ndarray | None = None,
    metric: str = "iqm",
    reps: int = 2000,
    confidence: float = 0.95,
    method: str = "percentile",
    seed: Seed = 0,
    *,
    task_bootstrap: bool = False,
    optimality_gap_threshold: float = 1.0,
    nan_policy: str = "raise",
    tasks: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Estimate]:
    """An aggregate metric at every step of each algorithm's learning curves, with intervals.

    Every bootstrap replicate draws a run once and uses it at every step, so
    the curves keep each run's correlation across time.

    curves: a LearningCurves (from align_curves) or algorithm -> runs x tasks x
    steps arrays (then `steps` labels the last axis). Returns algorithm ->
    Estimate whose arrays follow the steps.
    """
    check_interval_arguments(method, confidence, reps)
    name = canonical_metric(metric)
    aligned = _as_curves(curves, steps, nan_policy, tasks)
    digest = data_hash(aligned.scores)
    seed_value = resolve_seed(seed)
    results = {}
    for position, (algorithm, matrix) in enumerate(aligned.scores.items()):
        per_step = [ReplicateMetrics(matrix.at_step(step)) for step in range(aligned.steps.size)]

        def statistic(draws: Sequence[Draw], per_step: list[ReplicateMetrics] = per_step) -> np.ndarray:
            return np.stack(
                [metrics.evaluate(draws[0]).metric(name, optimality_gap_threshold) for metrics in per_step], axis=1
            )

        point = np.array([point_estimate(name, metrics.matrix, optimality_gap_threshold) for metrics in per_step])
        _, low, high = estimate_intervals(
            [Sample(matrix, algorithm)],
            statistic,
            point,
            reps=reps,
            seed=seed_value,
            method=method,
            confidence=confidence,
            task_bootstrap=task_bootstrap,
            names=[f"{name} of {algorithm} at step {step:g}" for step in aligned.steps],
            progress=offset_progress(progress, position * reps, len(aligned.scores) * reps),
        )
        results[algorithm] = Estimate(
            statistic=name,
            point=point,
            low=low,
            high=high,
            method=method,
            reps=int(reps),
            confidence=float(confidence),
            seed=seed_value,
            data_hash=digest,
            task_bootstrap=task_bootstrap,
            index_name="step",
            index=aligned.steps,
        )
    return results

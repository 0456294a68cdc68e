"""Interval of the difference metric(X) - metric(Y) between two algorithms, paired when they share seeds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from arenax.evaluation.bootstrap import Progress, Sample, estimate_intervals
from arenax.evaluation.estimate import Estimate
from arenax.evaluation.intervals import check_interval_arguments
from arenax.evaluation.metrics import canonical_metric, point_estimate
from arenax.evaluation.replicates import ReplicateMetrics
from arenax.evaluation.resampling import Draw
from arenax.evaluation.scores import ScoreMatrix, data_hash, prepare_scores
from arenax.evaluation.seeding import Seed, resolve_seed


def shares_seeds(matrix_x: ScoreMatrix, matrix_y: ScoreMatrix) -> bool:
    """Whether both matrices name their runs and every task has the same seed labels in both."""
    if matrix_x.seeds is None or matrix_y.seeds is None:
        return False
    return all(sorted(sx) == sorted(sy) for sx, sy in zip(matrix_x.seeds, matrix_y.seeds))


def align_by_seed(matrix_x: ScoreMatrix, matrix_y: ScoreMatrix) -> ScoreMatrix:
    """Y's runs reordered so that, in every task, run r has the same seed as X's run r."""
    values = np.full_like(matrix_y.values, np.nan)
    for t, (seeds_x, seeds_y) in enumerate(zip(matrix_x.seeds, matrix_y.seeds)):
        position = {seed: r for r, seed in enumerate(seeds_y)}
        values[: len(seeds_x), t] = matrix_y.values[[position[seed] for seed in seeds_x], t]
    return ScoreMatrix(values, matrix_x.run_counts.copy(), matrix_y.tasks, matrix_x.seeds)


def _pair(matrix_x: ScoreMatrix, matrix_y: ScoreMatrix, paired: bool | None) -> tuple[ScoreMatrix, bool]:
    if paired is None:
        paired = shares_seeds(matrix_x, matrix_y)
    if not paired:
        return matrix_y, False
    if matrix_x.seeds is not None and matrix_y.seeds is not None:
        if not shares_seeds(matrix_x, matrix_y):
            raise ValueError("paired=True needs the same seeds on every task for both algorithms")
        return align_by_seed(matrix_x, matrix_y), True
    if not np.array_equal(matrix_x.run_counts, matrix_y.run_counts):
        raise ValueError(
            f"paired=True needs the same number of runs per task, got {matrix_x.run_counts.tolist()} "
            f"and {matrix_y.run_counts.tolist()}"
        )
    return matrix_y, True


def difference_interval(
    scores_x: Any,
    scores_y: Any,
    metric: str = "iqm",
    reps: int = 2000,
    confidence: float = 0.95,
    method: str = "percentile",
    seed: Seed = 0,
    *,
    paired: bool | None = None,
    names: tuple[str, str] = ("x", "y"),
    task_bootstrap: bool = False,
    optimality_gap_threshold: float = 1.0,
    nan_policy: str = "raise",
    tasks: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> Estimate:
    """metric(X) - metric(Y) with a stratified bootstrap interval.

    Paired: run r of X and run r of Y are drawn together, which removes the
    seed-to-seed variation that both share. Unpaired: drawn independently.

    paired=None pairs runs when both inputs carry the same seed labels per
    task (ScoreMatrix.seeds, as loaded from run folders or tidy files);
    paired=True with plain arrays pairs row r of X with row r of Y.
    The Estimate's statistic records whether the runs were paired.
    """
    check_interval_arguments(method, confidence, reps)
    name = canonical_metric(metric)
    if names[0] == names[1]:
        raise ValueError(f"names must differ, got {names}")
    matrices = prepare_scores({names[0]: scores_x, names[1]: scores_y}, tasks=tasks, nan_policy=nan_policy)
    matrix_x = matrices[names[0]]
    matrix_y, is_paired = _pair(matrix_x, matrices[names[1]], paired)
    metrics_x, metrics_y = ReplicateMetrics(matrix_x), ReplicateMetrics(matrix_y)

    def statistic(draws: Sequence[Draw]) -> np.ndarray:
        value_x = metrics_x.evaluate(draws[0]).metric(name, optimality_gap_threshold)
        value_y = metrics_y.evaluate(draws[1]).metric(name, optimality_gap_threshold)
        return (value_x - value_y)[:, None]

    point = point_estimate(name, matrix_x, optimality_gap_threshold) - point_estimate(
        name, matrix_y, optimality_gap_threshold
    )
    streams = (names[0], names[0]) if is_paired else names
    seed_value = resolve_seed(seed)
    _, low, high = estimate_intervals(
        [Sample(matrix_x, streams[0]), Sample(matrix_y, streams[1])],
        statistic,
        np.array([point]),
        reps=reps,
        seed=seed_value,
        method=method,
        confidence=confidence,
        task_bootstrap=task_bootstrap,
        names=[f"{name}({names[0]}) - {name}({names[1]})"],
        progress=progress,
    )
    return Estimate(
        statistic=f"{name}_difference_{'paired' if is_paired else 'unpaired'}",
        point=float(point),
        low=float(low[0]),
        high=float(high[0]),
        method=method,
        reps=int(reps),
        confidence=float(confidence),
        seed=seed_value,
        data_hash=data_hash(matrices),
        task_bootstrap=task_bootstrap,
    )

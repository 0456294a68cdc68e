"""Rank aggregation across tasks: each algorithm's average rank (1 = best mean score on a task, ties
averaged), with stratified bootstrap intervals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from arenax.evaluation.bootstrap import Progress, Sample, estimate_intervals
from arenax.evaluation.estimate import Estimate
from arenax.evaluation.intervals import check_interval_arguments
from arenax.evaluation.metrics import task_means
from arenax.evaluation.replicates import ReplicateMetrics
from arenax.evaluation.resampling import Draw
from arenax.evaluation.scores import data_hash, prepare_scores
from arenax.evaluation.seeding import Seed, resolve_seed


def task_ranks(means: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Ranks of algorithms (axis 0), 1 = best, ties averaged; the other axes (tasks, replicates) are kept."""
    means = means if higher_is_better else -means
    better = (means[None, :] > means[:, None]).sum(axis=1)
    tied = (means[None, :] == means[:, None]).sum(axis=1) - 1
    return 1.0 + better + 0.5 * tied


def average_ranks(
    scores: Mapping[str, Any],
    reps: int = 2000,
    confidence: float = 0.95,
    method: str = "percentile",
    seed: Seed = 0,
    *,
    higher_is_better: bool = True,
    task_bootstrap: bool = False,
    nan_policy: str = "raise",
    tasks: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Estimate]:
    """Mean over tasks of each algorithm's rank by per-task mean score, with a stratified bootstrap interval."""
    check_interval_arguments(method, confidence, reps)
    matrices = prepare_scores(scores, tasks=tasks, nan_policy=nan_policy)
    if len(matrices) < 2:
        raise ValueError("ranking needs at least two algorithms")
    names = list(matrices)
    metrics = [ReplicateMetrics(matrix) for matrix in matrices.values()]

    def statistic(draws: Sequence[Draw]) -> np.ndarray:
        means = np.stack([m.evaluate(draw).task_means for m, draw in zip(metrics, draws)])
        return task_ranks(means, higher_is_better).mean(axis=2).T

    point = task_ranks(np.stack([task_means(matrix) for matrix in matrices.values()]), higher_is_better).mean(axis=1)
    seed_value = resolve_seed(seed)
    _, low, high = estimate_intervals(
        [Sample(matrix, name) for name, matrix in matrices.items()],
        statistic,
        point,
        reps=reps,
        seed=seed_value,
        method=method,
        confidence=confidence,
        task_bootstrap=task_bootstrap,
        names=[f"average rank of {name}" for name in names],
        progress=progress,
    )
    digest = data_hash(matrices)
    return {
        name: Estimate(
            "average_rank", float(point[i]), float(low[i]), float(high[i]), method, int(reps), float(confidence),
            seed_value, digest, task_bootstrap,
        )
        for i, name in enumerate(names)
    }

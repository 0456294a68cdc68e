"""Aggregate point estimates over a runs x tasks score matrix, with the published definitions
(Agarwal et al., 2021); ragged matrices pool or average only the runs that exist."""

from __future__ import annotations

from typing import Any

import numpy as np

from arenax.evaluation.scores import ScoreMatrix, as_score_matrix

TRIM_PROPORTION = 0.25

METRIC_NAMES = ("iqm", "mean", "median", "optimality_gap")
METRIC_ALIASES = {"og": "optimality_gap", "interquartile_mean": "iqm"}


def canonical_metric(name: str) -> str:
    key = METRIC_ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in METRIC_NAMES:
        raise ValueError(f"unknown metric {name!r}; known metrics: {', '.join(METRIC_NAMES)} (alias og)")
    return key


def _matrix(scores: Any, nan_policy: str) -> ScoreMatrix:
    if isinstance(scores, ScoreMatrix):
        return scores
    return as_score_matrix(scores, nan_policy=nan_policy)


def task_means(scores: Any, nan_policy: str = "raise") -> np.ndarray:
    """Mean score of each task over its runs."""
    matrix = _matrix(scores, nan_policy)
    if matrix.is_rectangular:
        return np.mean(matrix.values, axis=0)
    return np.array([np.mean(matrix.task_runs(t)) for t in range(matrix.n_tasks)])


def trimmed_mean(values: np.ndarray, proportion: float = TRIM_PROPORTION) -> float:
    """Mean of the sorted values after cutting floor(proportion * n) from each end (scipy's trim_mean)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    cut = int(proportion * values.size)
    kept = np.partition(values, (cut, values.size - cut - 1))[cut : values.size - cut]
    return float(np.mean(kept))


def mean(scores: Any, nan_policy: str = "raise") -> float:
    """Mean over tasks of the per-task mean score."""
    return float(np.mean(task_means(scores, nan_policy)))


def median(scores: Any, nan_policy: str = "raise") -> float:
    """Median over tasks of the per-task mean score."""
    return float(np.median(task_means(scores, nan_policy)))


def iqm(scores: Any, nan_policy: str = "raise") -> float:
    """Interquartile mean: the 25% trimmed mean of all runs x tasks scores pooled."""
    return trimmed_mean(_matrix(scores, nan_policy).pooled())


def optimality_gap(scores: Any, threshold: float = 1.0, nan_policy: str = "raise") -> float:
    """How far scores fall short of `threshold` on average, with scores above it counted as `threshold`."""
    return float(threshold - np.mean(np.minimum(_matrix(scores, nan_policy).pooled(), threshold)))


def point_estimate(name: str, matrix: ScoreMatrix, optimality_gap_threshold: float = 1.0) -> float:
    metric = canonical_metric(name)
    if metric == "optimality_gap":
        return optimality_gap(matrix, optimality_gap_threshold)
    return {"iqm": iqm, "mean": mean, "median": median}[metric](matrix)

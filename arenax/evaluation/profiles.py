"""Performance profiles: the fraction of run scores (or of task mean scores) above each threshold tau,
with pointwise intervals or simultaneous bands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from arenax.evaluation.bootstrap import Progress, Sample, estimate_intervals, offset_progress
from arenax.evaluation.estimate import Estimate
from arenax.evaluation.intervals import check_interval_arguments, simultaneous_band
from arenax.evaluation.metrics import task_means
from arenax.evaluation.replicates import ReplicateMetrics
from arenax.evaluation.resampling import Draw
from arenax.evaluation.scores import ScoreMatrix, data_hash, prepare_scores
from arenax.evaluation.seeding import Seed, resolve_seed

DISTRIBUTIONS = ("run", "average")


def profile_point(matrix: ScoreMatrix, taus: np.ndarray, distribution: str) -> np.ndarray:
    """The profile of the data itself: fraction of scores (run) or task means (average) above each tau."""
    values = matrix.pooled() if distribution == "run" else task_means(matrix)
    return np.mean(values[None, :] > taus[:, None], axis=1)


def default_taus(scores: Mapping[str, Any], num: int = 101) -> np.ndarray:
    """Evenly spaced thresholds from the lowest to the highest score of all algorithms."""
    matrices = prepare_scores(scores, nan_policy="min", warn_single_runs=False)  # failed runs leave the range as is
    pooled = np.concatenate([matrix.pooled() for matrix in matrices.values()])
    return np.linspace(pooled.min(), pooled.max(), num)


def _check_taus(taus: Any) -> np.ndarray:
    taus = np.asarray(taus, dtype=np.float64)
    if taus.ndim != 1 or taus.size == 0:
        raise ValueError(f"taus must be a non-empty 1-D sequence of thresholds, got shape {taus.shape}")
    if not np.all(np.isfinite(taus)):
        raise ValueError("taus must be finite")
    return taus


def performance_profiles(
    scores: Mapping[str, Any],
    taus: Sequence[float] | np.ndarray,
    reps: int = 2000,
    confidence: float = 0.95,
    method: str = "percentile",
    seed: Seed = 0,
    *,
    distribution: str = "run",
    simultaneous: bool = False,
    task_bootstrap: bool = False,
    nan_policy: str = "raise",
    tasks: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Estimate]:
    """Performance profile of each algorithm at `taus`, with a stratified bootstrap interval at each tau.

    distribution: "run" (run-score distribution) or "average" (average-score
    distribution). simultaneous=True replaces the pointwise intervals by a
    band that covers the whole profile at once with probability `confidence`
    (a sup-norm bootstrap band, recorded as method "sup_deviation").
    Returns algorithm -> Estimate whose arrays follow `taus`.
    """
    check_interval_arguments(method, confidence, reps)
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {DISTRIBUTIONS}, got {distribution!r}")
    taus = _check_taus(taus)
    matrices = prepare_scores(scores, tasks=tasks, nan_policy=nan_policy)
    digest = data_hash(matrices)
    seed_value = resolve_seed(seed)
    results = {}
    for position, (algorithm, matrix) in enumerate(matrices.items()):
        metrics = ReplicateMetrics(matrix)

        def statistic(draws: Sequence[Draw], metrics: ReplicateMetrics = metrics) -> np.ndarray:
            batch = metrics.evaluate(draws[0])
            if distribution == "run":
                return batch.run_score_distribution(taus)
            return batch.average_score_distribution(taus)

        point = profile_point(matrix, taus, distribution)
        replicates, low, high = estimate_intervals(
            [Sample(matrix, algorithm)],
            statistic,
            point,
            reps=reps,
            seed=seed_value,
            method="percentile" if simultaneous else method,
            confidence=confidence,
            task_bootstrap=task_bootstrap,
            names=[f"{algorithm} profile at tau={tau:g}" for tau in taus],
            progress=offset_progress(progress, position * reps, len(matrices) * reps),
        )
        band, method_used = "pointwise", method
        if simultaneous:
            low, high = simultaneous_band(replicates, point, confidence)
            band, method_used = "simultaneous", "sup_deviation"
        results[algorithm] = Estimate(
            statistic=f"{distribution}_score_distribution",
            point=point,
            low=np.clip(low, 0.0, 1.0),
            high=np.clip(high, 0.0, 1.0),
            method=method_used,
            reps=int(reps),
            confidence=float(confidence),
            seed=seed_value,
            data_hash=digest,
            task_bootstrap=task_bootstrap,
            band=band,
            index_name="tau",
            index=taus,
        )
    return results

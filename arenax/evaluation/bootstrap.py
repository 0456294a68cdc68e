"""Stratified bootstrap engine (replicates block by block, BCa jackknife) and `interval_estimates`
for aggregate metrics."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from arenax.evaluation.estimate import Estimate
from arenax.evaluation.intervals import check_interval_arguments, interval_bounds, jackknife_acceleration
from arenax.evaluation.metrics import METRIC_NAMES, canonical_metric, point_estimate
from arenax.evaluation.replicates import ReplicateMetrics
from arenax.evaluation.resampling import (
    Draw,
    block_size,
    block_stream,
    blocks,
    draw_runs,
    draw_tasks,
    identity_draw,
    jackknife_draw,
    jackknife_entries,
)
from arenax.evaluation.scores import ScoreMatrix, data_hash, prepare_scores
from arenax.evaluation.seeding import Seed, resolve_seed

Statistic = Callable[[Sequence[Draw]], np.ndarray]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Sample:
    """One score matrix in a bootstrap; samples with the same `stream` are resampled with the same run draws."""

    matrix: ScoreMatrix
    stream: str


def _block_size(samples: Sequence[Sample]) -> int:
    return min(block_size(sample.matrix) for sample in samples)


def bootstrap(
    samples: Sequence[Sample],
    statistic: Statistic,
    *,
    reps: int,
    seed: int,
    task_bootstrap: bool = False,
    progress: Progress | None = None,
) -> np.ndarray:
    """Replicates of `statistic`, shape (reps, statistics), drawn block by block (a few MB of working memory).

    Runs are resampled within each task; with `task_bootstrap` the tasks are
    resampled too, the same task draw serving every sample. Each block of
    replicates draws from its own stream of `seed`, named after the block
    and the sample's stream, so results do not depend on other samples.
    """
    n_tasks = samples[0].matrix.n_tasks
    outputs = []
    done = 0
    for block, size in blocks(reps, _block_size(samples)):
        slot_tasks = draw_tasks(n_tasks, size, block_stream(seed, block, "tasks")) if task_bootstrap else None
        draws: dict[str, Draw] = {}
        for sample in samples:
            if sample.stream not in draws:
                rng = block_stream(seed, block, "runs", sample.stream)
                draws[sample.stream] = draw_runs(sample.matrix, size, rng, slot_tasks)
        outputs.append(np.asarray(statistic([draws[sample.stream] for sample in samples]), dtype=np.float64))
        done += size
        if progress is not None:
            progress(done, reps)
    return np.concatenate(outputs, axis=0)


def acceleration(samples: Sequence[Sample], statistic: Statistic) -> np.ndarray:
    """BCa acceleration of each statistic from a leave-one-run-out jackknife within each task of each stream."""
    streams = list(dict.fromkeys(sample.stream for sample in samples))
    size = _block_size(samples)
    values, strata, sizes = [], [], []
    for stream_index, name in enumerate(streams):
        matrix = next(sample.matrix for sample in samples if sample.stream == name)
        left_out = jackknife_entries(matrix)
        for start in range(0, left_out.size, size):
            part = left_out[start : start + size]
            jackknife = jackknife_draw(matrix, part)
            draws = [jackknife if s.stream == name else identity_draw(s.matrix, part.size) for s in samples]
            values.append(np.asarray(statistic(draws), dtype=np.float64))
        strata.append(np.stack([np.full(left_out.size, stream_index), matrix.entry_task[left_out]], axis=1))
        sizes.append(matrix.run_counts[matrix.entry_task[left_out]].astype(np.float64))
    if not values:
        probe = statistic([identity_draw(sample.matrix) for sample in samples])
        return np.zeros(np.asarray(probe).shape[1])
    return jackknife_acceleration(np.concatenate(values), np.concatenate(strata), np.concatenate(sizes))


def estimate_intervals(
    samples: Sequence[Sample],
    statistic: Statistic,
    point: np.ndarray,
    *,
    reps: int,
    seed: int,
    method: str,
    confidence: float,
    task_bootstrap: bool,
    names: list[str],
    progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Replicates and (low, high) bounds of each statistic around `point`."""
    if method == "bca" and task_bootstrap:
        raise ValueError(
            "method='bca' supports resampling runs only; with task_bootstrap=True use 'percentile' or 'basic'"
        )
    replicates = bootstrap(
        samples,
        statistic,
        reps=reps,
        seed=seed,
        task_bootstrap=task_bootstrap,
        progress=progress,
    )
    accelerations = acceleration(samples, statistic) if method == "bca" else None
    low, high = interval_bounds(replicates, point, method, confidence, accelerations, names)
    return replicates, low, high


def offset_progress(progress: Progress | None, offset: int, total: int) -> Progress | None:
    """Reports a sub-task's progress as part of a larger total."""
    if progress is None:
        return None
    return lambda done, _: progress(offset + done, total)


def metric_statistic(metrics: ReplicateMetrics, names: Sequence[str], optimality_gap_threshold: float) -> Statistic:
    def statistic(draws: Sequence[Draw]) -> np.ndarray:
        batch = metrics.evaluate(draws[0])
        return np.stack([batch.metric(name, optimality_gap_threshold) for name in names], axis=1)

    return statistic


def interval_estimates(
    scores: Mapping[str, Any],
    metrics: Sequence[str] = METRIC_NAMES,
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
) -> dict[str, dict[str, Estimate]]:
    """Point estimates and stratified bootstrap intervals of aggregate metrics, per algorithm.

    scores: algorithm name -> runs x tasks scores (an array, a mapping
    {task: runs} for ragged data, or a ScoreMatrix). metrics: names among
    iqm, mean, median, optimality_gap (alias og). method: percentile, basic
    or bca (each metric gets its own acceleration). Returns
    result[algorithm][metric] -> Estimate with .point, .low, .high.
    """
    check_interval_arguments(method, confidence, reps)
    names = [canonical_metric(name) for name in metrics]
    if len(set(names)) != len(names) or not names:
        raise ValueError(f"metrics must name each metric once, got {list(metrics)}")
    matrices = prepare_scores(scores, tasks=tasks, nan_policy=nan_policy)
    digest = data_hash(matrices)
    seed_value = resolve_seed(seed)
    results: dict[str, dict[str, Estimate]] = {}
    for position, (algorithm, matrix) in enumerate(matrices.items()):
        statistic = metric_statistic(ReplicateMetrics(matrix), names, optimality_gap_threshold)
        points = np.array([point_estimate(name, matrix, optimality_gap_threshold) for name in names])
        _, low, high = estimate_intervals(
            [Sample(matrix, algorithm)],
            statistic,
            points,
            reps=reps,
            seed=seed_value,
            method=method,
            confidence=confidence,
            task_bootstrap=task_bootstrap,
            names=names,
            progress=offset_progress(progress, position * reps, len(matrices) * reps),
        )
        results[algorithm] = {
            name: Estimate(
                statistic=name,
                point=float(points[i]),
                low=float(low[i]),
                high=float(high[i]),
                method=method,
                reps=int(reps),
                confidence=float(confidence),
                seed=seed_value,
                data_hash=digest,
                task_bootstrap=task_bootstrap,
            )
            for i, name in enumerate(names)
        }
    return results

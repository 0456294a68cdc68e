"""Probability of improvement: P(X > Y) per task (Mann-Whitney U / (n_x n_y), ties count half),
averaged over tasks, computed by counting for all replicates at once."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from arenax.evaluation.bootstrap import Progress, Sample, estimate_intervals, offset_progress
from arenax.evaluation.estimate import Estimate
from arenax.evaluation.intervals import check_interval_arguments
from arenax.evaluation.resampling import Draw
from arenax.evaluation.scores import ScoreMatrix, data_hash, prepare_scores
from arenax.evaluation.seeding import Seed, resolve_seed


def comparison_matrices(matrix_x: ScoreMatrix, matrix_y: ScoreMatrix) -> np.ndarray:
    """(tasks, runs_x, runs_y): 1 where x beats y, 0.5 for a tie, 0 otherwise (and 0 on padding)."""
    x = matrix_x.values[:, :, None].transpose(1, 0, 2)
    y = matrix_y.values[:, :, None].transpose(1, 2, 0)
    # Comparisons with the NaN padding are False, so padded pairs count 0.
    return (x > y) + 0.5 * (x == y)


def _slot_counts(draw: Draw, matrix: ScoreMatrix) -> np.ndarray:
    """(slots, reps, max runs): how often each run position of each slot's task is drawn."""
    max_runs = matrix.values.shape[0]
    if draw.slot_tasks is None:
        counts = draw.counts
        if not matrix.is_rectangular:
            padded = np.zeros((draw.reps, matrix.n_tasks, max_runs))
            positions = np.arange(matrix.n_entries) - np.repeat(matrix.task_starts, matrix.run_counts)
            padded[:, matrix.entry_task, positions] = counts
            counts = padded
        return np.ascontiguousarray(counts.reshape(draw.reps, matrix.n_tasks, max_runs).transpose(1, 0, 2))
    # Position of each drawn run within its slot's task; unused positions go to an extra bin that is dropped.
    positions = draw.entries - matrix.task_starts[draw.slot_tasks][:, :, None]
    positions = np.where(draw.entries == draw.sentinel, max_runs, positions)
    slots = draw.entries.shape[1]
    slot_and_rep = np.arange(slots)[None, :, None] * draw.reps + np.arange(draw.reps)[:, None, None]
    offsets = positions + slot_and_rep * (max_runs + 1)
    counts = np.bincount(offsets.ravel(), minlength=slots * draw.reps * (max_runs + 1))
    return counts.reshape(slots, draw.reps, max_runs + 1)[:, :, :max_runs].astype(np.float64)


class ImprovementStatistic:
    """P(X > Y) on replicates given as draws of X's and Y's runs.

    Each task's comparison matrix K = [x_i > y_j] + 0.5 [x_i == y_j] is built
    once; a replicate's U is counts_x^T K counts_y.
    """

    def __init__(self, matrix_x: ScoreMatrix, matrix_y: ScoreMatrix):
        self.matrix_x = matrix_x
        self.matrix_y = matrix_y
        self.wins = comparison_matrices(matrix_x, matrix_y)

    def __call__(self, draws: Sequence[Draw]) -> np.ndarray:
        draw_x, draw_y = draws
        counts_x = _slot_counts(draw_x, self.matrix_x)
        counts_y = _slot_counts(draw_y, self.matrix_y)
        if draw_x.slot_tasks is None:
            beaten = np.matmul(counts_x, self.wins)
        else:
            beaten = np.einsum("tbi,btij->tbj", counts_x, self.wins[draw_x.slot_tasks])
        u_statistic = np.einsum("tbj,tbj->bt", beaten, counts_y)
        per_task = u_statistic / (draw_x.slot_sizes * draw_y.slot_sizes)
        return per_task.mean(axis=1)[:, None]

    def point(self) -> float:
        pairs = self.matrix_x.run_counts * self.matrix_y.run_counts
        return float(np.mean(self.wins.sum(axis=(1, 2)) / pairs))


def _improvement(
    matrix_x: ScoreMatrix,
    matrix_y: ScoreMatrix,
    names: tuple[str, str],
    *,
    reps: int,
    confidence: float,
    method: str,
    seed: int,
    digest: str,
    task_bootstrap: bool,
    progress: Progress | None,
) -> Estimate:
    statistic = ImprovementStatistic(matrix_x, matrix_y)
    point = statistic.point()
    _, low, high = estimate_intervals(
        [Sample(matrix_x, names[0]), Sample(matrix_y, names[1])],
        statistic,
        np.array([point]),
        reps=reps,
        seed=seed,
        method=method,
        confidence=confidence,
        task_bootstrap=task_bootstrap,
        names=[f"P({names[0]} > {names[1]})"],
        progress=progress,
    )
    return Estimate(
        statistic="probability_of_improvement",
        point=point,
        low=float(low[0]),
        high=float(high[0]),
        method=method,
        reps=int(reps),
        confidence=float(confidence),
        seed=seed,
        data_hash=digest,
        task_bootstrap=task_bootstrap,
    )


def probability_of_improvement(
    scores_x: Any,
    scores_y: Any,
    reps: int = 2000,
    confidence: float = 0.95,
    method: str = "percentile",
    seed: Seed = 0,
    *,
    names: tuple[str, str] = ("x", "y"),
    task_bootstrap: bool = False,
    nan_policy: str = "raise",
    tasks: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> Estimate:
    """P(X > Y) of two runs x tasks score matrices on the same tasks, with a stratified bootstrap interval.

    The runs of X and of Y are resampled independently within each task (and
    tasks jointly, with task_bootstrap=True); X and Y may have different run counts.
    """
    check_interval_arguments(method, confidence, reps)
    if names[0] == names[1]:
        raise ValueError(f"names must differ, got {names}")
    matrices = prepare_scores({names[0]: scores_x, names[1]: scores_y}, tasks=tasks, nan_policy=nan_policy)
    return _improvement(
        matrices[names[0]],
        matrices[names[1]],
        names,
        reps=reps,
        confidence=confidence,
        method=method,
        seed=resolve_seed(seed),
        digest=data_hash(matrices),
        task_bootstrap=task_bootstrap,
        progress=progress,
    )


def pairwise_probability_of_improvement(
    scores: Mapping[str, Any],
    reps: int = 2000,
    confidence: float = 0.95,
    method: str = "percentile",
    seed: Seed = 0,
    *,
    task_bootstrap: bool = False,
    nan_policy: str = "raise",
    tasks: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[tuple[str, str], Estimate]:
    """P(X > Y) with its interval for every ordered pair (X, Y) of distinct algorithms."""
    check_interval_arguments(method, confidence, reps)
    matrices = prepare_scores(scores, tasks=tasks, nan_policy=nan_policy)
    digest = data_hash(matrices)
    seed_value = resolve_seed(seed)
    pairs = list(itertools.permutations(matrices, 2))
    results = {}
    for position, (name_x, name_y) in enumerate(pairs):
        results[(name_x, name_y)] = _improvement(
            matrices[name_x],
            matrices[name_y],
            (name_x, name_y),
            reps=reps,
            confidence=confidence,
            method=method,
            seed=seed_value,
            digest=digest,
            task_bootstrap=task_bootstrap,
            progress=offset_progress(progress, position * reps, len(pairs) * reps),
        )
    return results

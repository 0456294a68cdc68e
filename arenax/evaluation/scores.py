"""Score matrices with named axes (runs x tasks), ragged run counts, failed-run policies and input hashing."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

NAN_POLICIES = ("raise", "drop", "min")


@dataclass(frozen=True, eq=False)
class ScoreMatrix:
    """Scores of one algorithm: `values[run, task]`, or `values[run, task, step]` for learning curves.

    Tasks may have different numbers of runs: task `t` holds its runs in
    `values[:run_counts[t], t]` and the rows below are NaN padding. `seeds`
    names the runs of each task (for pairing two algorithms run for run).
    """

    values: np.ndarray
    run_counts: np.ndarray
    tasks: tuple[str, ...]
    seeds: tuple[tuple[str, ...], ...] | None = None

    def __post_init__(self) -> None:
        values, counts = np.asarray(self.values), np.asarray(self.run_counts)
        if values.ndim not in (2, 3) or values.shape[1] != len(self.tasks):
            raise ValueError(f"values of shape {values.shape} do not fit runs x {len(self.tasks)} tasks")
        if counts.shape != (len(self.tasks),) or counts.min() < 1 or counts.max() > values.shape[0]:
            raise ValueError(f"run_counts {counts.tolist()} must give 1 to {values.shape[0]} runs for each task")
        if self.seeds is not None and [len(s) for s in self.seeds] != counts.tolist():
            raise ValueError("seeds must name exactly the runs of each task")

    @property
    def n_tasks(self) -> int:
        return len(self.tasks)

    @property
    def n_entries(self) -> int:
        """Runs over all tasks: the number of scores pooled by IQM and the optimality gap."""
        return int(self.run_counts.sum())

    @cached_property
    def is_rectangular(self) -> bool:
        return bool(np.all(self.run_counts == self.values.shape[0]))

    @cached_property
    def entry_task(self) -> np.ndarray:
        """Task index of each pooled entry, tasks in order and runs in order within a task."""
        return np.repeat(np.arange(self.n_tasks), self.run_counts)

    @cached_property
    def task_starts(self) -> np.ndarray:
        """Pooled index of each task's first run."""
        return np.concatenate([[0], np.cumsum(self.run_counts)[:-1]]).astype(np.intp)

    def pooled(self) -> np.ndarray:
        """Valid scores task by task: shape (entries,) or (entries, steps)."""
        return np.concatenate([self.values[:n, t] for t, n in enumerate(self.run_counts)], axis=0)

    def task_runs(self, task: int) -> np.ndarray:
        return self.values[: self.run_counts[task], task]

    def at_step(self, step: int) -> ScoreMatrix:
        """The runs x tasks matrix of a learning curve at one step index."""
        if self.values.ndim != 3:
            raise ValueError("at_step needs a runs x tasks x steps matrix")
        return ScoreMatrix(self.values[:, :, step], self.run_counts, self.tasks, self.seeds)


def _task_names(n_tasks: int) -> tuple[str, ...]:
    return tuple(f"task{t}" for t in range(n_tasks))


def _as_float_array(scores: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(scores, dtype=np.float64)
    except ValueError as error:
        raise ValueError(
            f"scores of {name!r} are ragged nested sequences; for different numbers of runs per task "
            "pass a mapping {task: 1-D array of runs}"
        ) from error
    return array


def _check_shape(array: np.ndarray, name: str, tasks: Sequence[str] | None, ndim: int) -> None:
    axes = "runs x tasks" if ndim == 2 else "runs x tasks x steps"
    if array.ndim == 1:
        raise ValueError(
            f"scores of {name!r} are 1-D with shape {array.shape}: expected a {axes} array; "
            "for one task use scores[:, None] (runs x 1), for one run scores[None, :] (1 x tasks)"
        )
    if array.ndim != ndim:
        raise ValueError(f"scores of {name!r} have shape {array.shape}: expected a {axes} array")
    if 0 in array.shape:
        raise ValueError(f"scores of {name!r} are empty (shape {array.shape})")
    if tasks is not None and len(tasks) != array.shape[1]:
        if len(tasks) == array.shape[0]:
            raise ValueError(
                f"scores of {name!r} have shape {array.shape} with the {len(tasks)} tasks on axis 0: "
                f"expected {axes}; transpose the array"
            )
        raise ValueError(
            f"scores of {name!r} have {array.shape[1]} tasks on axis 1 but {len(tasks)} task names were given"
        )


def _from_columns(columns: Mapping[str, Any], name: str, ndim: int) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    tasks = tuple(str(task) for task in columns)
    if not tasks:
        raise ValueError(f"scores of {name!r} name no tasks")
    runs = []
    for task, column in columns.items():
        array = _as_float_array(column, name)
        if array.ndim != ndim - 1:
            raise ValueError(
                f"runs of task {task!r} in {name!r} have shape {array.shape}: expected "
                + ("a 1-D array of runs" if ndim == 2 else "a runs x steps array")
            )
        if array.shape[0] == 0:
            raise ValueError(f"task {task!r} of {name!r} has no runs")
        runs.append(array)
    if ndim == 3 and len({array.shape[1] for array in runs}) > 1:
        raise ValueError(f"learning curves of {name!r} have different numbers of steps across tasks")
    counts = np.array([array.shape[0] for array in runs], dtype=np.intp)
    values = np.full((counts.max(), len(tasks), *runs[0].shape[1:]), np.nan)
    for t, array in enumerate(runs):
        values[: counts[t], t] = array
    return values, counts, tasks


def _compact(values: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moves the kept runs of each task to the top rows; keep is (runs, tasks)."""
    counts = keep.sum(axis=0).astype(np.intp)
    compacted = np.full((max(int(counts.max()), 1), *values.shape[1:]), np.nan)
    for t in range(values.shape[1]):
        compacted[: counts[t], t] = values[keep[:, t], t]
    return compacted, counts


def _failed(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """(runs, tasks) mask of real runs with a NaN score (at any step, for curves)."""
    real = np.arange(values.shape[0])[:, None] < counts[None, :]
    nan = np.isnan(values)
    if nan.ndim == 3:
        nan = nan.any(axis=2)
    return nan & real


def _describe_failures(failed: np.ndarray, tasks: Sequence[str]) -> str:
    per_task = failed.sum(axis=0)
    listed = [f"{tasks[t]}: {int(per_task[t])}" for t in np.flatnonzero(per_task)]
    return ", ".join(listed[:8]) + (", ..." if len(listed) > 8 else "")


def apply_nan_policy(
    matrix: ScoreMatrix, policy: str, name: str, task_minimum: np.ndarray | None = None
) -> ScoreMatrix:
    """Handles failed runs (NaN scores): 'raise', 'drop' them with a warning, or score them as 'min'.

    'min' gives a failed run the lowest finite score seen on its task (at its
    step, for curves); `task_minimum` supplies that minimum when it is taken
    over several algorithms.
    """
    if policy not in NAN_POLICIES:
        raise ValueError(f"nan_policy must be one of {NAN_POLICIES}, got {policy!r}")
    failed = _failed(matrix.values, matrix.run_counts)
    if not failed.any():
        return matrix
    summary = _describe_failures(failed, matrix.tasks)
    if policy == "raise":
        raise ValueError(
            f"{int(failed.sum())} failed runs (NaN scores) in {name!r} ({summary}); "
            "choose nan_policy='drop' or nan_policy='min'"
        )
    if policy == "drop":
        real = np.arange(matrix.values.shape[0])[:, None] < matrix.run_counts[None, :]
        values, counts = _compact(matrix.values, real & ~failed)
        empty = [matrix.tasks[t] for t in np.flatnonzero(counts == 0)]
        if empty:
            raise ValueError(f"every run of {name!r} failed on tasks {empty}; nothing is left to score")
        seeds = None
        if matrix.seeds is not None:
            seeds = tuple(
                tuple(seed for r, seed in enumerate(task_seeds) if not failed[r, t])
                for t, task_seeds in enumerate(matrix.seeds)
            )
        warnings.warn(f"dropped {int(failed.sum())} failed runs (NaN scores) of {name!r}: {summary}", stacklevel=3)
        return ScoreMatrix(values, counts, matrix.tasks, seeds)
    minimum = task_minimum if task_minimum is not None else _task_minimum([matrix])
    bad = [matrix.tasks[t] for t in range(matrix.n_tasks) if np.any(np.isnan(minimum[t]))]
    if bad:
        raise ValueError(f"nan_policy='min' needs a finite score on every task, but tasks {bad} have none")
    values = matrix.values.copy()
    nan = np.isnan(values) & (np.arange(values.shape[0])[:, None] < matrix.run_counts[None, :]).reshape(
        values.shape[:2] + (1,) * (values.ndim - 2)
    )
    values[nan] = np.broadcast_to(minimum[None], values.shape)[nan]
    return ScoreMatrix(values, matrix.run_counts, matrix.tasks, matrix.seeds)


def _task_minimum(matrices: Sequence[ScoreMatrix]) -> np.ndarray:
    """Lowest finite score per task (per task and step for curves) over all given matrices."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(np.stack([np.nanmin(m.values, axis=0) for m in matrices]), axis=0)


def _convert(scores: Any, name: str, tasks: Sequence[str] | None, ndim: int) -> ScoreMatrix:
    if isinstance(scores, ScoreMatrix):
        matrix = scores
        if matrix.values.ndim != ndim:
            raise ValueError(f"scores of {name!r} have shape {matrix.values.shape}; expected {ndim} axes")
        if tasks is not None and tuple(tasks) != matrix.tasks:
            raise ValueError(f"scores of {name!r} cover tasks {matrix.tasks}, expected {tuple(tasks)}")
    elif isinstance(scores, Mapping):
        values, counts, names = _from_columns(scores, name, ndim)
        if tasks is not None and tuple(tasks) != names:
            raise ValueError(f"scores of {name!r} cover tasks {names}, expected {tuple(tasks)}")
        matrix = ScoreMatrix(values, counts, names)
    else:
        array = _as_float_array(scores, name)
        _check_shape(array, name, tasks, ndim)
        names = tuple(str(task) for task in tasks) if tasks is not None else _task_names(array.shape[1])
        matrix = ScoreMatrix(array, np.full(array.shape[1], array.shape[0], dtype=np.intp), names)
    if np.isinf(matrix.values).any():
        raise ValueError(f"scores of {name!r} contain infinite values; scores must be finite (NaN marks a failed run)")
    return matrix


def as_score_matrix(
    scores: Any,
    *,
    name: str = "scores",
    tasks: Sequence[str] | None = None,
    nan_policy: str = "raise",
    ndim: int = 2,
) -> ScoreMatrix:
    """Checks and converts one algorithm's scores to a ScoreMatrix.

    Accepts a ScoreMatrix, a `runs x tasks` array (`runs x tasks x steps`
    when ndim=3), or a mapping `{task: runs}` for different numbers of runs
    per task. NaN marks a failed run, handled by `nan_policy`.
    """
    return apply_nan_policy(_convert(scores, name, tasks, ndim), nan_policy, name)


def _warn_single_runs(matrix: ScoreMatrix, name: str) -> None:
    single = [matrix.tasks[t] for t in np.flatnonzero(matrix.run_counts == 1)]
    if not single:
        return
    if len(single) == matrix.n_tasks:
        warnings.warn(
            f"{name!r} has one run per task: resampling runs cannot vary it, so its intervals have zero width "
            "(use more seeds, or task_bootstrap=True)",
            stacklevel=4,
        )
    else:
        shown = ", ".join(single[:5]) + (", ..." if len(single) > 5 else "")
        warnings.warn(f"{name!r} has one run on tasks {shown}: those tasks add no run-to-run uncertainty", stacklevel=4)


def _check_same_tasks(matrices: Mapping[str, ScoreMatrix]) -> None:
    counts = [m.n_tasks for m in matrices.values()]
    common = max(set(counts), key=counts.count)
    for name, matrix in matrices.items():
        if matrix.n_tasks != common:
            if matrix.values.shape[0] == common:
                raise ValueError(
                    f"scores of {name!r} have shape {matrix.values.shape[:2]} but the other algorithms have "
                    f"{common} tasks on axis 1: it looks like (tasks, runs); pass runs x tasks (transpose it)"
                )
            raise ValueError(f"{name!r} is scored on {matrix.n_tasks} tasks but the other algorithms on {common}")
    reference_name, reference = next(iter(matrices.items()))
    for name, matrix in matrices.items():
        if matrix.tasks != reference.tasks:
            raise ValueError(f"{name!r} is scored on tasks {matrix.tasks} but {reference_name!r} on {reference.tasks}")
        if matrix.values.ndim == 3 and matrix.values.shape[2] != reference.values.shape[2]:
            raise ValueError(f"learning curves of {name!r} and {reference_name!r} have different numbers of steps")


def prepare_scores(
    scores: Mapping[str, Any],
    *,
    tasks: Sequence[str] | None = None,
    nan_policy: str = "raise",
    ndim: int = 2,
    warn_single_runs: bool = True,
) -> dict[str, ScoreMatrix]:
    """Checks a mapping algorithm -> scores and converts it to ScoreMatrix objects on one set of tasks.

    Catches an algorithm whose array is transposed relative to the others,
    algorithms scored on different tasks, and single runs (zero-width
    intervals, with a warning). nan_policy='min' takes each task's minimum
    over all algorithms.
    """
    if not isinstance(scores, Mapping) or not scores:
        raise ValueError("scores must be a non-empty mapping of algorithm name -> runs x tasks scores")
    if nan_policy not in NAN_POLICIES:
        raise ValueError(f"nan_policy must be one of {NAN_POLICIES}, got {nan_policy!r}")
    matrices = {str(name): _convert(value, str(name), tasks, ndim) for name, value in scores.items()}
    _check_same_tasks(matrices)
    minimum = _task_minimum(list(matrices.values())) if nan_policy == "min" else None
    prepared = {}
    for name, matrix in matrices.items():
        prepared[name] = apply_nan_policy(matrix, nan_policy, name, minimum)
        if warn_single_runs:
            _warn_single_runs(prepared[name], name)
    return prepared


def data_hash(matrices: Mapping[str, ScoreMatrix]) -> str:
    """Short SHA-256 of the scores, task names, run counts and seeds, independent of mapping order."""
    digest = hashlib.sha256()
    for name in sorted(matrices):
        matrix = matrices[name]
        digest.update(repr((name, matrix.tasks, matrix.run_counts.tolist(), matrix.seeds)).encode())
        digest.update(repr(matrix.values.shape).encode())
        digest.update(np.ascontiguousarray(matrix.values, dtype="<f8").tobytes())
    return digest.hexdigest()[:16]


def seed_sort_key(seed: str) -> tuple[int, float, str]:
    """Numeric seeds in numeric order, then the others by name."""
    try:
        return (0, float(seed), "")
    except ValueError:
        return (1, 0.0, seed)


def matrix_from_runs(runs: Mapping[str, Sequence[tuple[str, Any]]], tasks: Sequence[str], name: str) -> ScoreMatrix:
    """A ScoreMatrix from {task: [(seed, score or curve), ...]}, runs ordered by seed, NaN kept for failed runs."""
    missing = [task for task in tasks if not runs.get(task)]
    if missing:
        raise ValueError(f"{name!r} has no runs on tasks {missing}; every algorithm must be scored on every task")
    ordered = {task: sorted(runs[task], key=lambda run: seed_sort_key(run[0])) for task in tasks}
    for task, task_runs in ordered.items():
        seeds = [seed for seed, _ in task_runs]
        if len(set(seeds)) != len(seeds):
            raise ValueError(f"{name!r} has several runs with the same seed on task {task!r}: {sorted(seeds)}")
    columns = {
        task: np.array([value for _, value in task_runs], dtype=np.float64)
        for task, task_runs in ordered.items()
    }
    ndim = 1 + next(iter(columns.values())).ndim
    values, counts, names = _from_columns(columns, name, ndim)
    seeds = tuple(tuple(seed for seed, _ in ordered[task]) for task in names)
    return ScoreMatrix(values, counts, names, seeds)

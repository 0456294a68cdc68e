"""Score normalization against per-task reference scores, (score - random) / (expert - random),
from arenax's packaged table or a user's CSV/JSON table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from arenax.evaluation.io import ScoreRecord
from arenax.evaluation.scores import ScoreMatrix, prepare_scores

PACKAGED_TABLE = "reference_scores.json"


@dataclass(frozen=True)
class ReferenceScores:
    """A task's reference scores: a random policy's return and an expert (or human, or perfect) return."""

    random: float
    expert: float
    source: str = ""

    def normalize(self, scores: Any) -> Any:
        return (np.asarray(scores, dtype=np.float64) - self.random) / (self.expert - self.random)


def _entry(task: str, row: Mapping[str, Any], where: str) -> ReferenceScores:
    expert = row.get("expert", row.get("human"))
    if "random" not in row or expert is None:
        raise ValueError(f"reference scores of {task!r} need 'random' and 'expert' (or 'human') ({where})")
    try:
        random_score, expert_score = float(row["random"]), float(expert)
    except (TypeError, ValueError) as error:
        raise ValueError(f"reference scores of {task!r} must be numbers ({where})") from error
    if not (np.isfinite(random_score) and np.isfinite(expert_score)):
        raise ValueError(f"reference scores of {task!r} must be finite ({where})")
    if random_score == expert_score:
        raise ValueError(f"reference scores of {task!r} have random == expert == {random_score}; cannot normalize")
    return ReferenceScores(random_score, expert_score, str(row.get("source", "")))


def _from_rows(rows: Iterable[Mapping[str, Any]], where: str) -> dict[str, ReferenceScores]:
    table = {}
    for number, row in enumerate(rows):
        if "task" not in row:
            raise ValueError(f"row {number} of {where} has no 'task'")
        task = str(row["task"]).strip()
        if task in table:
            raise ValueError(f"task {task!r} appears twice in {where}")
        table[task] = _entry(task, row, where)
    return table


def parse_reference_table(data: Any, where: str = "reference table") -> dict[str, ReferenceScores]:
    """A table from parsed JSON: {"tasks": {...}}, {task: {...}}, or a list of rows with a 'task' key."""
    if isinstance(data, Mapping) and "tasks" in data:
        data = data["tasks"]
    if isinstance(data, list):
        return _from_rows(data, where)
    if isinstance(data, Mapping):
        return {str(task): _entry(str(task), row, where) for task, row in data.items()}
    raise ValueError(f"{where}: expected a mapping of tasks or a list of rows")


def load_reference_table(path: str | Path | None = None) -> dict[str, ReferenceScores]:
    """A reference table from a CSV or JSON file, or arenax's own table when `path` is None.

    arenax's table is reference_scores.json beside this module; each
    environment family adds its tasks there. A CSV has columns task, random,
    expert (`human` may stand for expert); a JSON file holds
    {"tasks": {task: {"random": r, "expert": e}}}, a plain {task: {...}}
    mapping, or a list of rows.
    """
    if path is None:
        text = resources.files("arenax.evaluation").joinpath(PACKAGED_TABLE).read_text()
        return parse_reference_table(json.loads(text), PACKAGED_TABLE)
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with path.open(newline="") as handle:
            return _from_rows(csv.DictReader(handle), str(path))
    if path.suffix.lower() == ".json":
        return parse_reference_table(json.loads(path.read_text()), str(path))
    raise ValueError(f"{path}: reference tables are .csv or .json files")


def _lookup(table: Mapping[str, ReferenceScores], tasks: Sequence[str]) -> list[ReferenceScores]:
    missing = [task for task in tasks if task not in table]
    if missing:
        raise ValueError(f"no reference scores for tasks {missing}; known tasks: {sorted(table)}")
    return [table[task] for task in tasks]


def normalize_matrix(matrix: ScoreMatrix, table: Mapping[str, ReferenceScores]) -> ScoreMatrix:
    """A ScoreMatrix whose every task is normalized by its reference scores."""
    references = _lookup(table, matrix.tasks)
    random_scores = np.array([reference.random for reference in references])
    spans = np.array([reference.expert - reference.random for reference in references])
    shape = (1, matrix.n_tasks) + (1,) * (matrix.values.ndim - 2)
    values = (matrix.values - random_scores.reshape(shape)) / spans.reshape(shape)
    return replace(matrix, values=values)


def normalize_scores(
    scores: Mapping[str, Any],
    table: Mapping[str, ReferenceScores] | None = None,
    *,
    tasks: Sequence[str] | None = None,
    nan_policy: str = "raise",
) -> dict[str, ScoreMatrix]:
    """Normalized scores of each algorithm; plain arrays need `tasks` to name their columns."""
    table = load_reference_table() if table is None else table
    matrices = prepare_scores(scores, tasks=tasks, nan_policy=nan_policy, ndim=_ndim(scores))
    if tasks is None and any(matrix.tasks[0] == "task0" and "task0" not in table for matrix in matrices.values()):
        raise ValueError("plain arrays do not name their tasks: pass tasks=[...] to normalize them")
    return {name: normalize_matrix(matrix, table) for name, matrix in matrices.items()}


def _ndim(scores: Mapping[str, Any]) -> int:
    first = next(iter(scores.values()))
    if isinstance(first, ScoreMatrix):
        return first.values.ndim
    if isinstance(first, Mapping):
        return 1 + np.asarray(next(iter(first.values()))).ndim
    return np.asarray(first).ndim


def normalize_records(
    records: Iterable[ScoreRecord], table: Mapping[str, ReferenceScores] | None = None
) -> list[ScoreRecord]:
    """Records with every score normalized by its task's reference scores."""
    table = load_reference_table() if table is None else table
    records = list(records)
    references = dict(zip(sorted({r.task for r in records}), _lookup(table, sorted({r.task for r in records}))))
    return [replace(record, score=float(references[record.task].normalize(record.score))) for record in records]

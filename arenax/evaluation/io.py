"""Loading scores from tidy long files (CSV, JSON, JSONL) and from the run folders that `arenax train`
writes; loading head-to-head match records."""

from __future__ import annotations

import csv
import json
import math
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from arenax.evaluation.scores import ScoreMatrix, matrix_from_runs, prepare_scores

TIDY_COLUMNS = ("algorithm", "task", "seed", "score")
RUN_CONFIG = "config.json"
RUN_METRICS = "metrics.jsonl"
DEFAULT_SCORE_KEY = "episode_return"


@dataclass(frozen=True)
class ScoreRecord:
    """One logged score of one run; step is None when a file gives final scores only."""

    algorithm: str
    task: str
    seed: str
    step: float | None
    score: float


def _number(value: Any, what: str, where: str) -> float:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "nan", "null", "none")):
        return math.nan
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, got {value!r} ({where})")
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} must be a number, got {value!r} ({where})") from error


def _seed_label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _record(row: dict[str, Any], where: str) -> ScoreRecord:
    missing = [column for column in TIDY_COLUMNS if column not in row]
    if missing:
        needed = ", ".join(TIDY_COLUMNS)
        raise ValueError(f"missing columns {missing} ({where}); tidy rows need {needed} and optionally step")
    step = row.get("step")
    step_value = None if step in (None, "") else _number(step, "step", where)
    if step_value is not None and math.isnan(step_value):
        raise ValueError(f"step must be a number ({where})")
    return ScoreRecord(
        algorithm=str(row["algorithm"]).strip(),
        task=str(row["task"]).strip(),
        seed=_seed_label(row["seed"]),
        step=step_value,
        score=_number(row["score"], "score", where),
    )


def read_tidy(path: str | Path) -> list[ScoreRecord]:
    """Rows of a tidy CSV, JSON (a list of objects, or {"records": [...]}) or JSONL file.

    One row per (algorithm, task, seed, step) with columns `algorithm, task,
    seed, score` and optionally `step`; an empty or NaN score marks a failed run.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="") as handle:
            return [_record(row, f"{path}, line {number + 2}") for number, row in enumerate(csv.DictReader(handle))]
    if suffix == ".jsonl":
        records = []
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if line.strip():
                records.append(_record(_json_line(line, path, number), f"{path}, line {number}"))
        return records
    if suffix == ".json":
        data = json.loads(path.read_text())
        rows = data.get("records") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise ValueError(f"{path}: expected a list of rows or an object with a 'records' list")
        return [_record(row, f"{path}, row {number}") for number, row in enumerate(rows)]
    raise ValueError(f"{path}: unknown file type {suffix!r}; expected .csv, .json or .jsonl")


def _json_line(line: str, path: Path, number: int) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}, line {number}: not valid JSON ({error.msg})") from error
    if not isinstance(row, dict):
        raise ValueError(f"{path}, line {number}: expected a JSON object")
    return row


def is_run_folder(path: Path) -> bool:
    return (path / RUN_CONFIG).is_file()


def read_run_folder(folder: str | Path, score_key: str = DEFAULT_SCORE_KEY) -> list[ScoreRecord]:
    """Every logged score of one training run, or a single NaN record (a failed run) when it logged none.

    A run folder holds `config.json` with `algorithm`, `env_id` (the task) and
    `seed`, and `metrics.jsonl` with one JSON object per line holding at least
    `step` and the score key (`episode_return`). A config that names a
    `backbone` makes the algorithm `<algorithm>-<backbone>` (ppo-s5, ppo-mlp),
    so runs of one learner over several networks stay apart. Lines without the score key,
    such as loss logs, are skipped; a half-written last line (a run still
    writing) is skipped with a warning.
    """
    folder = Path(folder)
    config_path = folder / RUN_CONFIG
    try:
        config = json.loads(config_path.read_text())
    except FileNotFoundError as error:
        raise ValueError(f"{folder} is not a run folder: it has no {RUN_CONFIG}") from error
    missing = [key for key in ("algorithm", "env_id", "seed") if key not in config]
    if missing:
        raise ValueError(f"{config_path} lacks {missing}; a run config needs algorithm, env_id and seed")
    algorithm, task, seed = str(config["algorithm"]), str(config["env_id"]), _seed_label(config["seed"])
    if config.get("backbone"):
        algorithm = f"{algorithm}-{config['backbone']}"
    records = []
    metrics_path = folder / RUN_METRICS
    lines = metrics_path.read_text().splitlines() if metrics_path.is_file() else []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                warnings.warn(f"{metrics_path}, line {number}: skipped a half-written last line", stacklevel=2)
                continue
            raise ValueError(f"{metrics_path}, line {number}: not valid JSON") from None
        if not isinstance(row, dict) or row.get(score_key) is None:
            continue
        where = f"{metrics_path}, line {number}"
        if "step" not in row:
            raise ValueError(f"{where}: a line with {score_key!r} needs a 'step'")
        step, score = _number(row["step"], "step", where), _number(row[score_key], score_key, where)
        records.append(ScoreRecord(algorithm, task, seed, step, score))
    if not records:
        records.append(ScoreRecord(algorithm, task, seed, None, math.nan))
    return records


def find_run_folders(path: str | Path) -> list[Path]:
    """The run folders at or below `path`, in sorted order."""
    path = Path(path)
    if is_run_folder(path):
        return [path]
    return sorted(config.parent for config in path.rglob(RUN_CONFIG))


def load_records(paths: Iterable[str | Path], score_key: str = DEFAULT_SCORE_KEY) -> list[ScoreRecord]:
    """Records from any mix of tidy files, run folders and folders of run folders."""
    records: list[ScoreRecord] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            folders = find_run_folders(path)
            if not folders:
                raise ValueError(f"{path} holds no run folder (a folder with {RUN_CONFIG} and {RUN_METRICS})")
            for folder in folders:
                records.extend(read_run_folder(folder, score_key))
        elif path.is_file():
            records.extend(read_tidy(path))
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    if not records:
        raise ValueError("the inputs hold no scores")
    return records


def group_runs(records: Iterable[ScoreRecord]) -> dict[tuple[str, str, str], list[ScoreRecord]]:
    """Records per (algorithm, task, seed)."""
    runs: dict[tuple[str, str, str], list[ScoreRecord]] = defaultdict(list)
    for record in records:
        runs[(record.algorithm, record.task, record.seed)].append(record)
    return runs


def _final_score(key: tuple[str, str, str], records: list[ScoreRecord], last: int) -> float:
    stepless = [record for record in records if record.step is None]
    if stepless:
        if len(records) > 1:
            raise ValueError(
                f"run {key} has {len(records)} rows but not every row has a step; give steps or one row per run"
            )
        return records[0].score
    logged = sorted((record for record in records if not math.isnan(record.score)), key=lambda record: record.step)
    if not logged:
        return math.nan
    return float(np.mean([record.score for record in logged[-last:]]))


def final_scores(
    records: Iterable[ScoreRecord],
    *,
    last: int = 1,
    nan_policy: str = "raise",
    tasks: Sequence[str] | None = None,
) -> dict[str, ScoreMatrix]:
    """Each run's final score (mean of its `last` latest logged scores) as algorithm -> ScoreMatrix.

    Tasks are sorted by name unless `tasks` gives their order; runs are
    labelled by seed, so algorithms that share seeds can be paired.
    """
    if last < 1:
        raise ValueError(f"last must be at least 1, got {last}")
    per_algorithm: dict[str, dict[str, list[tuple[str, float]]]] = defaultdict(lambda: defaultdict(list))
    all_tasks = set()
    for key, run_records in group_runs(records).items():
        algorithm, task, seed = key
        per_algorithm[algorithm][task].append((seed, _final_score(key, run_records, last)))
        all_tasks.add(task)
    task_order = list(tasks) if tasks is not None else sorted(all_tasks)
    matrices = {name: matrix_from_runs(runs, task_order, name) for name, runs in sorted(per_algorithm.items())}
    return prepare_scores(matrices, nan_policy=nan_policy, warn_single_runs=False)


MATCH_COLUMNS = ("player_a", "player_b", "score_a")


@dataclass(frozen=True)
class MatchRecord:
    """One head-to-head game: score_a is 1 when player_a won, 0.5 for a draw, 0 when player_b won."""

    player_a: str
    player_b: str
    score_a: float
    task: str = ""


def _match(row: dict[str, Any], where: str) -> MatchRecord:
    missing = [column for column in MATCH_COLUMNS if column not in row]
    if missing:
        raise ValueError(f"missing columns {missing} ({where}); match rows need {', '.join(MATCH_COLUMNS)}")
    score = _number(row["score_a"], "score_a", where)
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score_a must lie in [0, 1] (1 win, 0.5 draw, 0 loss), got {row['score_a']!r} ({where})")
    player_a, player_b = str(row["player_a"]).strip(), str(row["player_b"]).strip()
    if player_a == player_b:
        raise ValueError(f"a player cannot play itself: {player_a!r} ({where})")
    return MatchRecord(player_a, player_b, score, str(row.get("task") or "").strip())


def read_matches(path: str | Path) -> list[MatchRecord]:
    """Match records from a CSV, JSON (list, or {"matches": [...]}) or JSONL file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="") as handle:
            return [_match(row, f"{path}, line {number + 2}") for number, row in enumerate(csv.DictReader(handle))]
    if suffix == ".jsonl":
        lines = path.read_text().splitlines()
        rows = [(n, _json_line(line, path, n)) for n, line in enumerate(lines, 1) if line.strip()]
        return [_match(row, f"{path}, line {n}") for n, row in rows]
    if suffix == ".json":
        data = json.loads(path.read_text())
        rows = data.get("matches") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise ValueError(f"{path}: expected a list of matches or an object with a 'matches' list")
        return [_match(row, f"{path}, row {number}") for number, row in enumerate(rows)]
    raise ValueError(f"{path}: unknown file type {suffix!r}; expected .csv, .json or .jsonl")

"""Scores a suite's run folders with `arenax.evaluation`: one scoring per section, one report, tidy per-run scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from arenax.bench.kinds import kind_of
from arenax.bench.runner import is_done, job_folder
from arenax.bench.suite import Suite
from arenax.evaluation.command import default_arguments, score_records
from arenax.evaluation.export import write_csv, write_json
from arenax.evaluation.io import final_scores, load_records
from arenax.evaluation.normalization import load_reference_table, normalize_records
from arenax.evaluation.report import Report, write_sectioned_report

SCORES_JSON = "scores.json"
SCORES_CSV = "scores.csv"


def section_records(suite: Suite, out: str | Path, section: str) -> list:
    """The section's scores (its kind's `SCORE_KEY`) from its finished jobs, normalized as the suite says.

    Skipped jobs are left out; scores that are normalized already (offline
    runs' D4RL scores) are not normalized again.
    """
    jobs = suite.sections[section]
    kind = kind_of(jobs[0].algorithm)
    folders = [job_folder(out, job) for job in jobs if is_done(job_folder(out, job))]
    records = load_records(folders, score_key=kind.SCORE_KEY)
    if suite.normalize != "none" and not kind.ALREADY_NORMALIZED:
        records = normalize_records(records, load_reference_table(None if suite.normalize == "arenax" else suite.normalize))
    return records


def score_suite(suite: Suite, out: str | Path, records: dict[str, list], *, reps: int = 2000, seed: int = 0) -> dict[str, Report]:
    """Section name -> its report (IQM, mean, median, optimality gap, profiles, improvement, curves) of its `records`."""
    args = default_arguments([str(out)], "--reps", str(reps), "--seed", str(seed), "--normalize", suite.normalize)
    return {section: score_records(logged, args) for section, logged in records.items() if logged}


def per_run_rows(records: dict[str, list]) -> list[dict]:
    """One row per (section, algorithm, task, seed): the run's final (normalized) score."""
    rows = []
    for section, logged in records.items():
        for algorithm, matrix in final_scores(logged).items():
            for t, task in enumerate(matrix.tasks):
                for r, value in enumerate(matrix.task_runs(t)):
                    seed = matrix.seeds[t][r] if matrix.seeds is not None else str(r)
                    rows.append({"section": section, "algorithm": algorithm, "task": task, "seed": seed, "score": float(value)})
    return rows


def task_table(rows: list[dict], normalized: bool) -> tuple[str, list[str], list[list[str]]]:
    """Mean final score per algorithm and task, with the range over seeds."""
    tasks = list(dict.fromkeys(row["task"] for row in rows))
    algorithms = list(dict.fromkeys(row["algorithm"] for row in rows))
    cells = []
    for algorithm in algorithms:
        line = [algorithm]
        for task in tasks:
            values = [row["score"] for row in rows if row["algorithm"] == algorithm and row["task"] == task]
            line.append(f"{np.mean(values):.3f} [{min(values):.3f}, {max(values):.3f}]" if values else "")
        cells.append(line)
    title = "Normalized final score per task" if normalized else "Final score per task"
    return f"{title}: mean over seeds [min, max]", ["algorithm", *tasks], cells


def write_suite_report(suite: Suite, out: str | Path, *, reps: int = 2000, seed: int = 0, with_plots: bool = True) -> dict[str, Path]:
    """Writes report.html, report.md, estimates.{json,csv}, scores.{json,csv} and plots into `out`.

    Fight-ladder sections add a ratings table per character (`arenax.bench.tournament`).
    """
    from arenax.bench.tournament import ladder_tables

    out = Path(out)
    records = {section: section_records(suite, out, section) for section in suite.sections}
    records = {section: logged for section, logged in records.items() if logged}
    rows = per_run_rows(records)
    reports = score_suite(suite, out, records, reps=reps, seed=seed)
    tables = [task_table(rows, suite.normalize != "none"), *ladder_tables(suite, out, reps=reps, seed=seed)]
    written = write_sectioned_report(out, f"arenax bench {suite.name}", reports, tables, with_plots=with_plots)
    written["scores_json"] = write_json(out / SCORES_JSON, {"suite": suite.name, "normalize": suite.normalize, "scores": rows})
    written["scores_csv"] = write_csv(out / SCORES_CSV, rows)
    return written

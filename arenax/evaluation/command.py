"""The `arenax score` command: scores run folders or tidy files and writes a report (JSON, CSV, plots, HTML)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from arenax.evaluation.bootstrap import interval_estimates
from arenax.evaluation.curves import align_curves, sample_efficiency_curves
from arenax.evaluation.improvement import pairwise_probability_of_improvement
from arenax.evaluation.intervals import METHODS
from arenax.evaluation.io import DEFAULT_SCORE_KEY, ScoreRecord, final_scores, group_runs, load_records
from arenax.evaluation.metrics import canonical_metric
from arenax.evaluation.normalization import load_reference_table, normalize_records
from arenax.evaluation.profiles import DISTRIBUTIONS, default_taus, performance_profiles
from arenax.evaluation.report import Report, write_report
from arenax.evaluation.scores import NAN_POLICIES, data_hash


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="RUNS_OR_FILES",
        help="run folders (config.json + metrics.jsonl), folders holding run folders, or tidy .csv/.json/.jsonl files",
    )
    parser.add_argument("--metrics", default="iqm,mean,median,og", help="comma-separated: iqm, mean, median, og")
    parser.add_argument("--reps", type=int, default=2000, help="bootstrap replicates (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    parser.add_argument("--out", type=Path, default=Path("report"), help="output folder (default report/)")
    parser.add_argument("--method", choices=METHODS, default="percentile", help="interval method")
    parser.add_argument("--confidence", type=float, default=0.95, help="interval coverage (default 0.95)")
    parser.add_argument("--task-bootstrap", action="store_true", help="resample tasks as well as runs")
    parser.add_argument("--og-threshold", type=float, default=1.0, help="optimality gap threshold (default 1.0)")
    parser.add_argument(
        "--normalize",
        default="none",
        metavar="none|arenax|TABLE",
        help="normalize scores by reference scores: arenax's own table, or a CSV/JSON table (default none)",
    )
    parser.add_argument("--nan-policy", choices=NAN_POLICIES, default="raise", help="failed runs: raise, drop or min")
    parser.add_argument("--score-key", default=DEFAULT_SCORE_KEY, help="score field of metrics.jsonl lines")
    parser.add_argument("--last", type=int, default=1, help="final score = mean of each run's last N logged scores")
    parser.add_argument("--profile", choices=DISTRIBUTIONS, default="run", help="performance profile kind")
    parser.add_argument("--taus", type=int, default=101, help="number of profile thresholds (default 101)")
    parser.add_argument("--curve-steps", type=int, default=50, help="points on the learning-curve step grid")
    parser.add_argument("--no-curves", action="store_true", help="skip sample-efficiency curves")
    parser.add_argument("--no-plots", action="store_true", help="write no PNG plots")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def _metrics(text: str) -> list[str]:
    names = [canonical_metric(name) for name in text.split(",") if name.strip()]
    if not names:
        raise ValueError("--metrics names no metric")
    return list(dict.fromkeys(names))


def _has_curves(records: list[ScoreRecord]) -> bool:
    """Whether some run logged scores at more than one step."""
    return any(len({r.step for r in run if r.step is not None}) > 1 for run in group_runs(records).values())


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], Callable[[int, int], None] | None]]:
    """Yields a factory of per-phase progress callbacks drawn with rich (or None when disabled)."""
    if not enabled:
        yield lambda description: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:

        def phase(description: str) -> Callable[[int, int], None]:
            task = bar.add_task(description, total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        yield phase


def _score(args: argparse.Namespace, phase: Callable[[str], Any]) -> Report:
    _metrics(args.metrics)
    records = load_records(args.inputs, args.score_key)
    if args.normalize != "none":
        table = load_reference_table(None if args.normalize == "arenax" else args.normalize)
        records = normalize_records(records, table)
    return score_records(records, args, phase)


def default_arguments(inputs: list[str], *options: str) -> argparse.Namespace:
    """The arguments `arenax score INPUTS OPTIONS...` would get, for callers that score from Python."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args([*inputs, *options])


def score_records(
    records: list[ScoreRecord], args: argparse.Namespace, phase: Callable[[str], Any] = lambda description: None
) -> Report:
    """The report of `records` (already normalized as `args.normalize` says) under the settings in `args`."""
    metrics = _metrics(args.metrics)
    matrices = final_scores(records, last=args.last, nan_policy=args.nan_policy)
    common = dict(reps=args.reps, confidence=args.confidence, method=args.method, seed=args.seed)
    settings = {
        "inputs": [str(path) for path in args.inputs],
        "algorithms": list(matrices),
        "tasks": list(next(iter(matrices.values())).tasks),
        **common,
        "task_bootstrap": args.task_bootstrap,
        "optimality_gap_threshold": args.og_threshold,
        "normalization": args.normalize,
        "nan_policy": args.nan_policy,
        "final_score": f"mean of the last {args.last} logged {args.score_key}",
    }
    report = Report(data_hash=data_hash(matrices), settings=settings)
    resampling = dict(task_bootstrap=args.task_bootstrap)
    report.aggregates = interval_estimates(
        matrices,
        metrics,
        **common,
        **resampling,
        optimality_gap_threshold=args.og_threshold,
        progress=phase("aggregate metrics"),
    )
    report.profiles = performance_profiles(
        matrices,
        default_taus(matrices, args.taus),
        **common,
        **resampling,
        distribution=args.profile,
        progress=phase("performance profiles"),
    )
    if len(matrices) > 1:
        report.improvements = pairwise_probability_of_improvement(
            matrices, **common, **resampling, progress=phase("probability of improvement")
        )
    if not args.no_curves and _has_curves(records):
        curves = align_curves(records, num_steps=args.curve_steps, nan_policy=args.nan_policy)
        settings["curves_data_hash"] = data_hash(curves.scores)
        report.curves = sample_efficiency_curves(
            curves,
            metric=metrics[0],
            **common,
            **resampling,
            optimality_gap_threshold=args.og_threshold,
            progress=phase("sample-efficiency curves"),
        )
    return report


def _summary(report: Report) -> str:
    lines = []
    for algorithm, estimates in report.aggregates.items():
        cells = [f"{metric} {e.point:.3f} [{e.low:.3f}, {e.high:.3f}]" for metric, e in estimates.items()]
        lines.append(f"{algorithm}: " + "; ".join(cells))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Runs `arenax score`; returns the exit status (2 for bad input)."""
    try:
        with _progress(not args.no_progress and sys.stderr.isatty()) as phase:
            report = _score(args, phase)
        written = write_report(args.out, report, with_plots=not args.no_plots)
    except (ValueError, FileNotFoundError) as error:
        print(f"arenax score: error: {error}", file=sys.stderr)
        return 2
    print(_summary(report))
    print(f"wrote {', '.join(str(path) for path in written.values())}")
    return 0

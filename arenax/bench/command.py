"""`arenax bench SUITE`: trains every job of a suite, scores the runs, and writes one report.

With `--coordinator HOST:PORT --num-processes N --process-id I` the same
command on N hosts trains the suite's PPO-family jobs together (`jax.distributed`);
process 0 shows the progress and writes every file.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from arenax.baselines import distributed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("suite", help="a packaged suite (demo, memory, marl, ...) or a path to a suite .toml file")
    parser.add_argument("--seeds", type=int, help="seeds per job, vmapped in one program (default: the suite's)")
    parser.add_argument("--out", type=Path, help="output folder (default runs/<suite>)")
    parser.add_argument("--devices", type=int, help="JAX devices that share each training job's environments (default: all)")
    parser.add_argument("--workers", type=int, default=1, help="processes playing browser and OS episodes in parallel (default 1)")
    parser.add_argument("--reps", type=int, default=2000, help="bootstrap replicates of the report (default 2000)")
    parser.add_argument("--no-plots", action="store_true", help="write no PNG plots")
    parser.add_argument("--no-progress", action="store_true", help="no progress display")
    distributed.add_arguments(parser)


@contextmanager
def _display(enabled: bool, suite, seeds: int) -> Iterator[tuple]:
    """Yields (on_job, on_chunk) callbacks that drive one overall bar with a status line per job."""
    if not enabled:
        yield None, None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from arenax.bench.runner import job_units

    chunks = {job.name: job_units(job, seeds) for job in suite.jobs}
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns) as progress:
        overall = progress.add_task(f"bench {suite.name}", total=sum(chunks.values()), status="")
        rows = {job.name: progress.add_task(f"  {job.name}", total=chunks[job.name], status="pending") for job in suite.jobs}

        def on_job(job, status: str) -> None:
            if status == "done" or status.startswith("skipped"):
                progress.update(rows[job.name], completed=chunks[job.name], status="done earlier" if status == "done" else status)
                progress.advance(overall, chunks[job.name])
            else:
                progress.update(rows[job.name], status=status)

        def on_chunk(job, chunk: int, records: list[dict]) -> None:
            returns = [r["episode_return"] for r in records if r.get("episode_return") is not None]
            shown = f"return {sum(returns) / len(returns):.3f}" if returns else "running"
            before = progress.tasks[rows[job.name]].completed
            progress.update(rows[job.name], completed=chunk, status=shown)
            progress.advance(overall, chunk - before)

        yield on_job, on_chunk


def _summary(outcomes) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="jobs")
    for column in ("job", "status", "seconds", "final return (mean over seeds)"):
        table.add_column(column)
    for outcome in outcomes:
        shown = "-" if outcome.final_return is None else f"{outcome.final_return:.3f}"
        table.add_row(outcome.job.name, outcome.status, f"{outcome.seconds:.0f}", shown)
    Console(stderr=True).print(table)


def _devices(count: int | None) -> list | None:
    """The first `count` of `jax.devices()`, or None (all of them)."""
    if count is None:
        return None
    import jax

    available = jax.devices()
    if not 1 <= count <= len(available):
        raise ValueError(f"--devices must be between 1 and {len(available)} (the devices JAX sees), got {count}")
    return available[:count]


def run(args: argparse.Namespace) -> int:
    from arenax.bench.report import write_suite_report
    from arenax.bench.runner import run_jobs
    from arenax.bench.suite import load_suite
    from arenax.core import UnknownEnvironmentError

    try:
        suite = load_suite(args.suite)
        if args.seeds is not None and args.seeds < 1:
            raise ValueError(f"--seeds must be at least 1, got {args.seeds}")
        if args.workers < 1:
            raise ValueError(f"--workers must be at least 1, got {args.workers}")
        cluster = distributed.cluster_from_args(args)
        if cluster is not None and args.devices is not None:
            raise ValueError("--devices cannot be combined with --coordinator: a multi-host run uses every device of every process")
        if cluster is not None:
            distributed.initialize(cluster)
        devices = _devices(args.devices)
    except (ValueError, UnknownEnvironmentError) as error:
        print(f"arenax bench: {error}", file=sys.stderr)
        return 2
    out = args.out or Path("runs") / suite.name
    seeds = args.seeds or suite.seeds
    primary = distributed.is_primary()
    try:
        with _display(primary and not args.no_progress and sys.stderr.isatty(), suite, seeds) as (on_job, on_chunk):
            outcomes = run_jobs(suite, out, seeds, devices=devices, on_job=on_job, on_chunk=on_chunk, workers=args.workers)
        if not primary:
            print(f"process {distributed.process_index()}: all jobs finished; process 0 writes the report in {out}")
            return 0
        _summary(outcomes)
        written = write_suite_report(suite, out, reps=args.reps, with_plots=not args.no_plots)
    except ValueError as error:
        print(f"arenax bench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\narenax bench: interrupted; run the same command again to resume from {out}", file=sys.stderr)
        return 130
    print(f"report: {written['html']}")
    return 0

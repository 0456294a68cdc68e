"""Runs a suite's jobs one after another, each through its kind (see `arenax.bench.kinds`), with resume.

A job's folder is `<out>/runs/<task>/<algorithm>-<variant>/`, holding one run
folder per seed (`<seed>/config.json`, `<seed>/metrics.jsonl`) and whatever
the kind keeps to resume (PPO's `checkpoints/`, rollouts' per-episode lines).
A job that finished has `done.json` there and is never run again; an
interrupted one resumes, so that a rerun ends where an uninterrupted run would.
Under `jax.distributed` every process runs the same jobs, as process 0 finds
them done or not, and only process 0 writes files.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from arenax.baselines import distributed, run_log
from arenax.bench.kinds import kind_of
from arenax.bench.suite import Job, Suite

DONE_FILE = "done.json"


@dataclass
class JobOutcome:
    job: Job
    folder: Path
    status: str
    """"done" (finished before this call), "trained" (finished now), "resumed" (finished now after an
    interruption) or "skipped" (cannot run here, e.g. an LLM agent with no endpoint configured)."""
    seconds: float
    final_return: float | None


def job_folder(out: str | Path, job: Job) -> Path:
    return Path(out) / "runs" / job.name


def job_units(job: Job, seeds: int) -> int:
    """How many progress units (chunks, gradient steps, episodes) the job reports."""
    return kind_of(job.algorithm).units(job, seeds)


def is_done(folder: Path) -> bool:
    return (folder / DONE_FILE).is_file()


def _final_return(folder: Path, seeds: int) -> float | None:
    """The mean over seeds of the last logged return."""
    returns = []
    for seed in range(seeds):
        logged = [r["episode_return"] for r in run_log.read_metrics(folder / str(seed)) if r.get("episode_return") is not None]
        returns += logged[-1:]
    return sum(returns) / len(returns) if returns else None


def skip_reason(job: Job) -> str | None:
    """Why the job cannot run on this machine, or None."""
    from arenax.bench.agents import LLM_URL, llm_configured

    if job.algorithm == "scripted" and job.variant == "llm" and not llm_configured():
        return f"no LLM endpoint: set {LLM_URL}"
    return None


def check_multi_process(suite: Suite) -> None:
    """Under `jax.distributed` with several processes, a ValueError names the jobs whose kind runs in one process only."""
    if distributed.process_count() == 1:
        return
    single = [job.name for job in suite.jobs if not kind_of(job.algorithm).SPANS_PROCESSES]
    if single:
        raise ValueError(
            f"{len(single)} job(s) of suite {suite.name!r} run in one process only, not across"
            f" {distributed.process_count()} processes (PPO-family jobs do): {', '.join(single)};"
            " run them without --coordinator"
        )


def run_jobs(
    suite: Suite,
    out: str | Path,
    seeds: int | None = None,
    *,
    devices: list[Any] | None = None,
    on_chunk: Callable[[Job, int, list[dict]], None] | None = None,
    on_job: Callable[[Job, str], None] | None = None,
    workers: int = 1,
) -> list[JobOutcome]:
    """Runs every job of `suite` not yet done under `out`; `on_chunk(job, units_done, records)` as it goes.

    `on_job(job, status)` is told "running" when a job starts and its final
    status when it ends. `devices` share each training job's environments;
    `workers` processes play the episodes of each rollout job. Under
    `jax.distributed` every process calls it; process 0 decides which jobs
    are done and alone writes.
    """
    seeds = suite.seeds if seeds is None else seeds
    check_multi_process(suite)
    found_done = distributed.agree([is_done(job_folder(out, job)) for job in suite.jobs])
    outcomes = []
    for job, done in zip(suite.jobs, found_done):
        kind = kind_of(job.algorithm)
        folder = job_folder(out, job)
        settings = kind.settings(job, seeds)
        if done:
            summary = json.loads((folder / DONE_FILE).read_text())
            if summary["config"] != settings:
                raise ValueError(
                    f"{folder} holds a finished job with other settings; use another --out for a different suite or seed count"
                )
            outcomes.append(JobOutcome(job, folder, "done", summary["seconds"], summary["final_return"]))
            if on_job is not None:
                on_job(job, "done")
            continue
        reason = skip_reason(job)
        if reason is not None:
            outcomes.append(JobOutcome(job, folder, "skipped", 0.0, None))
            if on_job is not None:
                on_job(job, f"skipped: {reason}")
            continue
        if on_job is not None:
            on_job(job, "running")
        started = time.perf_counter()
        progress = None if on_chunk is None else (lambda done, records, job=job: on_chunk(job, done, records))
        resumed = kind.run(job, folder, seeds, progress, devices, workers)
        seconds = time.perf_counter() - started
        status = "resumed" if resumed else "trained"
        final_return = _final_return(folder, seeds)
        summary = {"config": settings, "seconds": seconds, "final_return": final_return, "status": status}
        run_log.write_atomically(folder / DONE_FILE, json.dumps(summary, indent=1))
        outcomes.append(JobOutcome(job, folder, status, seconds, final_return))
        if on_job is not None:
            on_job(job, status)
    return outcomes

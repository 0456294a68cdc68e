"""Runs a suite's training jobs one after another, each one compiled program over all seeds, with resume.

A job's folder is `<out>/runs/<task>/<algorithm>-<backbone>/` (PPO's run folder:
`<seed>/config.json`, `<seed>/metrics.jsonl`, `checkpoints/`). A job that
finished has `done.json` there and is never run again; a job that was
interrupted resumes from its last checkpoint (every chunk is checkpointed), so
that a rerun ends exactly where an uninterrupted run would.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from arenax.baselines import ppo, run_log
from arenax.bench.suite import Job, Suite

DONE_FILE = "done.json"


@dataclass
class JobOutcome:
    job: Job
    folder: Path
    status: str
    """"done" (finished before this call), "trained" (finished now), or "resumed" (finished now from a checkpoint)."""
    seconds: float
    final_return: float | None


def job_folder(out: str | Path, job: Job) -> Path:
    return Path(out) / "runs" / job.name


def job_config(job: Job, seeds: int) -> ppo.PPOConfig:
    settings = {"checkpoint_every": 1, **job.config}
    return ppo.PPOConfig(env_id=job.task, algorithm=job.algorithm, backbone=job.backbone, seed=0, num_seeds=seeds, **settings)


def is_done(folder: Path) -> bool:
    return (folder / DONE_FILE).is_file()


def _final_return(folder: Path, config: ppo.PPOConfig) -> float | None:
    """The mean over seeds of the last logged training return."""
    returns = []
    for seed in config.seeds:
        logged = [r["episode_return"] for r in run_log.read_metrics(folder / str(seed)) if r.get("episode_return") is not None]
        returns += logged[-1:]
    return sum(returns) / len(returns) if returns else None


def run_jobs(
    suite: Suite,
    out: str | Path,
    seeds: int | None = None,
    *,
    devices: list[Any] | None = None,
    on_chunk: Callable[[Job, int, list[dict]], None] | None = None,
    on_job: Callable[[Job, str], None] | None = None,
) -> list[JobOutcome]:
    """Trains every job of `suite` not yet done under `out`; `on_chunk(job, chunk, records)` after each chunk.

    `on_job(job, status)` is told "running" when a job starts and its final status when it ends.
    """
    seeds = suite.seeds if seeds is None else seeds
    outcomes = []
    for job in suite.jobs:
        folder = job_folder(out, job)
        config = job_config(job, seeds)
        if is_done(folder):
            summary = json.loads((folder / DONE_FILE).read_text())
            if summary["config"] != config.to_dict():
                raise ValueError(
                    f"{folder} holds a finished job with other settings; use another --out for a different suite or seed count"
                )
            outcomes.append(JobOutcome(job, folder, "done", summary["seconds"], summary["final_return"]))
            if on_job is not None:
                on_job(job, "done")
            continue
        if on_job is not None:
            on_job(job, "running")
        started = time.perf_counter()
        chunk_done = None if on_chunk is None else (lambda chunk, records, job=job: on_chunk(job, chunk, records))
        result = ppo.train(config, folder, devices=devices, on_chunk=chunk_done)
        seconds = time.perf_counter() - started
        status = "trained" if result.chunks_run == config.num_chunks else "resumed"
        final_return = _final_return(folder, config)
        summary = {"config": config.to_dict(), "seconds": seconds, "final_return": final_return, "status": status}
        run_log.write_atomically(folder / DONE_FILE, json.dumps(summary, indent=1))
        outcomes.append(JobOutcome(job, folder, status, seconds, final_return))
        if on_job is not None:
            on_job(job, status)
    return outcomes

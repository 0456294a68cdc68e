"""PPO-family jobs (ppo, ippo, mappo): one backbone on one task, all seeds vmapped in one program, resumed from checkpoints."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable

from arenax.baselines import ppo
from arenax.bench.suite import Job

ALGORITHMS = ppo.ALGORITHMS
VARIANTS = "backbones"
GROUP_KEYS: tuple[str, ...] = ()
SCORE_KEY = "episode_return"
ALREADY_NORMALIZED = False
SPANS_PROCESSES = True
"""One sharded program over every process's devices; orbax checkpoints are collective."""
FIXED_FIELDS = ("env_id", "algorithm", "backbone", "seed", "num_seeds")
"""PPOConfig fields that a job sets itself; a group's config may not."""


def variants(group: dict[str, Any]) -> list[str]:
    return [str(backbone) for backbone in group[VARIANTS]]


def settable() -> set[str]:
    return {f.name for f in dataclasses.fields(ppo.PPOConfig)} - set(FIXED_FIELDS)


def check_task(task_id: str, row) -> None:
    if row.kind != "jax":
        raise ValueError(f"{task_id} is a {row.kind} environment; PPO jobs train JAX environments")


def config(job: Job, seeds: int) -> ppo.PPOConfig:
    settings = {"checkpoint_every": 1, **job.config}
    return ppo.PPOConfig(env_id=job.task, algorithm=job.algorithm, backbone=job.variant, seed=0, num_seeds=seeds, **settings)


def units(job: Job, seeds: int) -> int:
    """Progress units of the job: its chunks."""
    return config(job, seeds).num_chunks


def settings(job: Job, seeds: int) -> dict[str, Any]:
    return config(job, seeds).to_dict()


def run(
    job: Job,
    folder: Path,
    seeds: int,
    on_progress: Callable[[int, list[dict]], None] | None,
    devices=None,
    workers: int = 1,
) -> bool:
    """Trains (or resumes) the job; True when it started from a checkpoint."""
    run_config = config(job, seeds)
    result = ppo.train(run_config, folder, devices=devices, on_chunk=on_progress)
    return result.chunks_run != run_config.num_chunks

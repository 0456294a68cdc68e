"""Offline jobs (bc, iql, cql): a learner on the generated dataset of one task and tier, all seeds vmapped, scored in the environment.

A job generates its dataset first when it is missing (behaviour PPO, then
rollouts, as `arenax data generate` does; into Minari's datasets folder,
shared with the other jobs and with `arenax data`), trains, scores each
seed's greedy policy and writes one run folder per seed with the return and
the D4RL-normalized score. An interrupted job starts again from its dataset.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable

from arenax.bench.suite import Job

ALGORITHMS = ("bc", "iql", "cql")
VARIANTS = None
GROUP_KEYS = ("tier",)
SCORE_KEY = "normalized_score"
"""D4RL's 100 * (return - random) / (expert - random), with the dataset's own reference returns."""
ALREADY_NORMALIZED = True
SPANS_PROCESSES = False
"""Dataset generation writes Minari files from every process."""
JOB_FIELDS = {"eval_steps": 20_000, "dataset_steps": 100_000, "dataset_seed": 0, "behaviour": {}}
"""Settings of the job around the learner, with their defaults (`behaviour`: PPOConfig fields of the behaviour run)."""


def variants(group: dict[str, Any]) -> list[str]:
    """The dataset tier (default medium) is the job's variant."""
    from arenax.datasets.naming import check_tier

    return [check_tier(str(group.get("tier", "medium")))]


def _learner_class(algorithm: str):
    from arenax.baselines.offline import ALGORITHMS as MODULES

    return getattr(MODULES[algorithm], f"{algorithm.upper()}Config")


def settable() -> set[str]:
    names = set(JOB_FIELDS)
    for algorithm in ALGORITHMS:
        names |= {f.name for f in dataclasses.fields(_learner_class(algorithm))}
    return names


def check_task(task_id: str, row) -> None:
    if row.kind != "jax":
        raise ValueError(f"{task_id} is a {row.kind} environment; datasets are generated from JAX environments")


def split(job: Job) -> tuple[Any, dict[str, Any]]:
    """The learner's config and the job's own settings; a field the learner lacks is a ValueError."""
    learner_class = _learner_class(job.algorithm)
    names = {f.name for f in dataclasses.fields(learner_class)}
    given = {k: v for k, v in job.config.items() if k not in JOB_FIELDS}
    unknown = set(given) - names
    if unknown:
        raise ValueError(f"{job.name}: {job.algorithm} takes no {sorted(unknown)}")
    learner = {k: tuple(v) if isinstance(v, list) else v for k, v in given.items()}
    return learner_class(**learner), {**JOB_FIELDS, **{k: v for k, v in job.config.items() if k in JOB_FIELDS}}


def dataset(job: Job) -> str:
    from arenax.datasets.naming import dataset_id

    return dataset_id(job.task, job.variant)


def units(job: Job, seeds: int) -> int:
    """Progress units of the job: the learner's gradient steps."""
    return split(job)[0].steps


def settings(job: Job, seeds: int) -> dict[str, Any]:
    learner, own = split(job)
    return {"algorithm": job.algorithm, "dataset": dataset(job), "seeds": seeds, **own, **dataclasses.asdict(learner)}


def run(
    job: Job,
    folder: Path,
    seeds: int,
    on_progress: Callable[[int, list[dict]], None] | None,
    devices=None,
    workers: int = 1,
) -> bool:
    """Generates the dataset if missing, trains and scores every seed; never resumes (returns False)."""
    from arenax.baselines.offline.command import train_and_score, write_run_folders
    from arenax.datasets.generation import generate
    from arenax.datasets.storage import dataset_path

    learner, own = split(job)
    identifier = dataset(job)
    if not dataset_path(identifier).exists():
        generate(
            job.task, job.variant, own["dataset_steps"], own["dataset_seed"],
            cache=folder / "behaviour", behaviour_overrides=dict(own["behaviour"]),
        )
    report = None if on_progress is None else (lambda done, total: on_progress(done, []))
    result = train_and_score(job.algorithm, learner, identifier, list(range(seeds)), own["eval_steps"], report)
    write_run_folders(folder, job.algorithm, learner, identifier, list(range(seeds)), result)
    return False

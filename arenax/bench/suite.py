"""Benchmark suites as data: a TOML file names groups of (algorithm x backbone x task) training jobs and their settings.

A suite file holds a `description`, default `seeds`, the `normalize` table
(`"arenax"` for the packaged reference scores, a path, or `"none"`) and one or
more `[[group]]` tables:

```toml
[[group]]
section = "memory"                 # groups of one section are compared with each other
algorithm = "ppo"                  # ppo, ippo or mappo
backbones = ["mlp", "gru", "s5"]
tasks = ["RepeatFirst-easy-v0"]
[group.config]                     # any PPOConfig field but env_id, algorithm, backbone, seed, num_seeds
total_timesteps = 200000
```

Every algorithm of a section must train on every task of that section, so
that the section scores as one comparison.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

PACKAGED = "arenax.bench.suites"
FIXED_FIELDS = ("env_id", "algorithm", "backbone", "seed", "num_seeds")
"""PPOConfig fields that a job sets itself; a group's config may not."""


@dataclass(frozen=True)
class Job:
    """One training program: an algorithm with one backbone on one task, all seeds vmapped inside it."""

    section: str
    algorithm: str
    backbone: str
    task: str
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """`<task>/<algorithm>-<backbone>`, also the job's folder under the suite's output folder."""
        return f"{self.task}/{self.algorithm}-{self.backbone}"


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    seeds: int
    normalize: str
    jobs: tuple[Job, ...]

    @property
    def sections(self) -> dict[str, list[Job]]:
        grouped: dict[str, list[Job]] = {}
        for job in self.jobs:
            grouped.setdefault(job.section, []).append(job)
        return grouped


def packaged_suites() -> list[str]:
    """Names of the suites shipped with arenax."""
    return sorted(p.name.removesuffix(".toml") for p in resources.files(PACKAGED).iterdir() if p.name.endswith(".toml"))


def load_suite(name_or_path: str | Path) -> Suite:
    """A packaged suite by name (`demo`, `memory`, ...) or a user's suite file by path."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ValueError(f"suite file {path} does not exist")
        text, name, where = path.read_text(), path.stem, str(path)
    else:
        names = packaged_suites()
        if str(name_or_path) not in names:
            raise ValueError(f"unknown suite {str(name_or_path)!r}; packaged suites: {', '.join(names)}, or a path to a .toml file")
        text = resources.files(PACKAGED).joinpath(f"{name_or_path}.toml").read_text()
        name, where = str(name_or_path), f"packaged suite {name_or_path!r}"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{where} is not valid TOML: {error}") from error
    return parse_suite(name, data, where)


def parse_suite(name: str, data: dict[str, Any], where: str) -> Suite:
    """Checks a parsed suite and expands its groups into jobs; every problem is a ValueError naming `where`."""
    from arenax.baselines.ppo import ALGORITHMS, PPOConfig
    from arenax.core import spec

    unknown = set(data) - {"description", "seeds", "normalize", "group"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    groups = data.get("group")
    if not isinstance(groups, list) or not groups:
        raise ValueError(f"{where}: a suite needs at least one [[group]]")
    seeds = data.get("seeds", 3)
    if not isinstance(seeds, int) or seeds < 1:
        raise ValueError(f"{where}: seeds must be a positive integer, got {seeds!r}")
    config_fields = {f.name for f in dataclasses.fields(PPOConfig)} - set(FIXED_FIELDS)
    jobs = []
    for number, group in enumerate(groups, start=1):
        here = f"{where}, group {number}"
        missing = {"section", "algorithm", "backbones", "tasks"} - set(group)
        if missing:
            raise ValueError(f"{here}: missing {sorted(missing)}")
        extra = set(group) - {"section", "algorithm", "backbones", "tasks", "config"}
        if extra:
            raise ValueError(f"{here}: unknown keys {sorted(extra)}")
        if group["algorithm"] not in ALGORITHMS:
            raise ValueError(f"{here}: algorithm must be one of {', '.join(ALGORITHMS)}, got {group['algorithm']!r}")
        config = dict(group.get("config", {}))
        bad = set(config) - config_fields
        if bad:
            raise ValueError(f"{here}: config keys {sorted(bad)} are not settable; choose from {sorted(config_fields)}")
        for task in group["tasks"]:
            task_id = spec(task).id
            for backbone in group["backbones"]:
                jobs.append(Job(str(group["section"]), group["algorithm"], str(backbone), task_id, config))
    suite = Suite(name, str(data.get("description", "")), seeds, str(data.get("normalize", "arenax")), tuple(jobs))
    _check_jobs(suite, where)
    return suite


def _check_jobs(suite: Suite, where: str) -> None:
    names = [job.name for job in suite.jobs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"{where}: jobs appear twice: {repeated}")
    for section, jobs in suite.sections.items():
        tasks = {job.task for job in jobs}
        for algorithm in {f"{job.algorithm}-{job.backbone}" for job in jobs}:
            covered = {job.task for job in jobs if f"{job.algorithm}-{job.backbone}" == algorithm}
            if covered != tasks:
                raise ValueError(
                    f"{where}: in section {section!r}, {algorithm} lacks tasks {sorted(tasks - covered)};"
                    " every algorithm of a section must train on all of its tasks"
                )

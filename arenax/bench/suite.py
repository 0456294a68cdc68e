"""Benchmark suites as data: a TOML file names groups of training or rollout jobs and their settings.

A suite file holds a `description`, default `seeds`, the `normalize` setting
(`"arenax"` for the packaged reference scores, a path to a reference table, or
`"none"`; offline runs' D4RL-normalized scores are never normalized again) and
one or more `[[group]]` tables. The group's `algorithm` decides its kind:

```toml
[[group]]                          # PPO family: ppo, ippo, mappo
section = "memory"                 # groups of one section are compared with each other
algorithm = "ppo"
backbones = ["mlp", "gru", "s5"]
tasks = ["RepeatFirst-easy-v0"]
[group.config]                     # any PPOConfig field but env_id, algorithm, backbone, seed, num_seeds
total_timesteps = 200000

[[group]]                          # offline: bc, iql, cql on a generated dataset of each task
section = "offline"
algorithm = "iql"
tasks = ["CartPole-v1"]
tier = "medium"                    # the dataset tier (default medium); one tier per section
[group.config]                     # learner fields, plus eval_steps, dataset_steps, dataset_seed, behaviour (PPO fields)
steps = 5000

[[group]]                          # momappo: weight-conditioned PPO on a multi-objective task, scored by hypervolume
section = "mo"
algorithm = "momappo"
weights = ["simplex", "grid"]
tasks = ["MO-Beach-v0"]

[[group]]                          # scripted: agents rolled out on browser and OS tasks
section = "web"
algorithm = "scripted"
policies = ["oracle", "random", "llm"]   # llm runs when ARENAX_LLM_BASE_URL is set
tasks = ["web-click-button-v0"]
[group.config]
episodes = 20
```

Every algorithm of a section must run on every task of that section, and
its jobs must be of one kind (one score), so that the section scores as one
comparison.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

PACKAGED = "arenax.bench.suites"


@dataclass(frozen=True)
class Job:
    """One job: an algorithm in one variant on one task, over all seeds.

    The variant is the backbone of a PPO-family job, the dataset tier of an
    offline one, the agent of a scripted rollout.
    """

    section: str
    algorithm: str
    variant: str
    task: str
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """`<task>/<algorithm>-<variant>`, also the job's folder under the suite's output folder."""
        return f"{self.task}/{self.algorithm}-{self.variant}"


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
    unknown = set(data) - {"description", "seeds", "normalize", "group"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    groups = data.get("group")
    if not isinstance(groups, list) or not groups:
        raise ValueError(f"{where}: a suite needs at least one [[group]]")
    seeds = data.get("seeds", 3)
    if not isinstance(seeds, int) or seeds < 1:
        raise ValueError(f"{where}: seeds must be a positive integer, got {seeds!r}")
    normalize = str(data.get("normalize", "arenax"))
    jobs = []
    for number, group in enumerate(groups, start=1):
        jobs += _group_jobs(group, f"{where}, group {number}")
    suite = Suite(name, str(data.get("description", "")), seeds, normalize, tuple(jobs))
    _check_jobs(suite, where)
    return suite


def _group_jobs(group: dict[str, Any], here: str) -> list[Job]:
    from arenax.bench.kinds import kind_of
    from arenax.core import spec

    if "algorithm" not in group:
        raise ValueError(f"{here}: missing ['algorithm']")
    try:
        kind = kind_of(group["algorithm"])
    except ValueError as error:
        raise ValueError(f"{here}: {error}") from None
    required = {"section", "algorithm", "tasks"} | ({kind.VARIANTS} if kind.VARIANTS else set())
    missing = required - set(group)
    if missing:
        raise ValueError(f"{here}: missing {sorted(missing)}")
    extra = set(group) - required - {"config", *kind.GROUP_KEYS}
    if extra:
        raise ValueError(f"{here}: unknown keys {sorted(extra)} for a {group['algorithm']} group")
    config = dict(group.get("config", {}))
    bad = set(config) - kind.settable()
    if bad:
        raise ValueError(f"{here}: config keys {sorted(bad)} are not settable; choose from {sorted(kind.settable())}")
    try:
        variants = kind.variants(group)
    except ValueError as error:
        raise ValueError(f"{here}: {error}") from None
    jobs = []
    for task in group["tasks"]:
        row = spec(task)
        try:
            kind.check_task(row.id, row)
        except ValueError as error:
            raise ValueError(f"{here}: {error}") from None
        jobs += [Job(str(group["section"]), group["algorithm"], variant, row.id, config) for variant in variants]
    return jobs


def _check_jobs(suite: Suite, where: str) -> None:
    names = [job.name for job in suite.jobs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"{where}: jobs appear twice: {repeated}")
    from arenax.bench.kinds import kind_of

    for section, jobs in suite.sections.items():
        kinds = sorted({kind_of(job.algorithm).__name__.rsplit(".", 1)[-1] for job in jobs})
        if len(kinds) > 1:
            raise ValueError(f"{where}: section {section!r} mixes job kinds {kinds}; give each kind its own section")
        tasks = {job.task for job in jobs}
        for algorithm in {f"{job.algorithm}-{job.variant}" for job in jobs}:
            covered = {job.task for job in jobs if f"{job.algorithm}-{job.variant}" == algorithm}
            if covered != tasks:
                raise ValueError(
                    f"{where}: in section {section!r}, {algorithm} lacks tasks {sorted(tasks - covered)};"
                    " every algorithm of a section must train on all of its tasks"
                )

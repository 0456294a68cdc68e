"""The kinds of job a suite can hold, by algorithm: PPO-family training, offline training, MOMAPPO, scripted rollouts.

Each kind is a module with `ALGORITHMS`, `VARIANTS` (the group key listing
a job's variants, e.g. "backbones"), `GROUP_KEYS` (further keys a group may
set), `SCORE_KEY` (the logged number the report scores), `ALREADY_NORMALIZED`
(whether that number needs no reference table), `variants(group)`,
`settable()`, `check_task(id, row)`, `units(job, seeds)`, `settings(job,
seeds)`, `run(job, folder, seeds, on_progress, devices, workers)` and
`SPANS_PROCESSES` (whether every process of a `jax.distributed` run can take
part in a job: its JAX work is collective and it writes only through `run_log`).
"""

from __future__ import annotations

from types import ModuleType


def kinds() -> list[ModuleType]:
    from arenax.bench import momappo_jobs, offline_jobs, ppo_jobs, rollout_jobs

    return [ppo_jobs, offline_jobs, momappo_jobs, rollout_jobs]


def algorithms() -> list[str]:
    return [name for kind in kinds() for name in kind.ALGORITHMS]


def kind_of(algorithm: str) -> ModuleType:
    """The module that runs jobs of `algorithm`; a ValueError lists the known algorithms."""
    for kind in kinds():
        if algorithm in kind.ALGORITHMS:
            return kind
    raise ValueError(f"algorithm must be one of {', '.join(algorithms())}, got {algorithm!r}")


def checked_names(values: list, what: str, choices: tuple[str, ...]) -> list[str]:
    """A group's list of `what` (e.g. "policies") as strings, each one of `choices`; a ValueError names the others."""
    names = [str(value) for value in values]
    unknown = set(names) - set(choices)
    if unknown:
        raise ValueError(f"unknown {what} {sorted(unknown)}; choose from {', '.join(choices)}")
    return names

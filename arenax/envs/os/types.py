"""The shapes shared by OS tasks: a generated task instance, its set-up files, and the agent's final words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

if TYPE_CHECKING:
    from arenax.envs.os.evaluators import Evaluator
    from arenax.envs.os.sandbox import Limits

DONE = "DONE"
FAIL = "FAIL"
FINAL_ACTIONS = (DONE, FAIL)


@dataclass(frozen=True)
class SetupFile:
    """A file the task puts in the sandbox before the agent starts (relative paths are under the home)."""

    path: str
    data: str | bytes
    mode: int | None = None
    mtime: float | None = None


@dataclass(frozen=True)
class TaskInstance:
    """One generated task: what the agent is told, how the sandbox starts, how the end state is scored.

    `solution` is the scripted oracle's list of actions; an entry may be a function of the current observation
    (a desktop oracle that clicks what the accessibility tree shows). `apps` are the (command, window class)
    pairs a desktop task starts. An infeasible task is solved only by answering FAIL.
    """

    goal: str
    evaluator: "Evaluator | None"
    files: tuple[SetupFile, ...] = ()
    setup: tuple[str, ...] = ()
    solution: tuple[str | Callable[[dict], str], ...] = ()
    feasible: bool = True
    apps: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if self.feasible and self.evaluator is None:
            raise ValueError("a feasible task needs an evaluator")


@dataclass(frozen=True)
class TaskSpec:
    """A task family: its id stem, a one-line description, the generator of instances from a seeded rng, and
    the sandbox limits it needs when they differ from its tier's defaults (a browser needs more memory)."""

    name: str
    description: str
    generate: Callable[[np.random.Generator], TaskInstance]
    limits: "Limits | None" = None

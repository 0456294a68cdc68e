"""Infeasible tasks (as in OSWorld): the sandbox cannot do them, and only answering FAIL scores."""

from __future__ import annotations

import numpy as np

from arenax.envs.os.tasks.common import integer, words
from arenax.envs.os.types import SetupFile, TaskInstance, TaskSpec


def download_file(rng: np.random.Generator) -> TaskInstance:
    name = words(rng, 1)[0]
    return TaskInstance(
        goal=f"Download https://data.example.org/exports/{name}-{integer(rng, 1, 99)}.csv into ~/{name}.csv.",
        evaluator=None,
        feasible=False,
    )


def create_system_user(rng: np.random.Generator) -> TaskInstance:
    name = words(rng, 1)[0]
    return TaskInstance(
        goal=f"Create a new system user account named '{name}' with its own home folder under /home.",
        evaluator=None,
        feasible=False,
    )


def open_missing_spreadsheet(rng: np.random.Generator) -> TaskInstance:
    *present, missing = words(rng, 4)
    return TaskInstance(
        goal=f"Sum column B of the spreadsheet ~/reports/{missing}.xlsx and write the total to ~/answer.txt.",
        files=tuple(SetupFile(f"reports/{name}.csv", "a,b\n1,2\n") for name in present),
        evaluator=None,
        feasible=False,
    )


TASKS = (
    TaskSpec("infeasible-download", "infeasible: download a file (the sandbox has no network)", download_file),
    TaskSpec("infeasible-add-user", "infeasible: create a system user (no root in the sandbox)", create_system_user),
    TaskSpec("infeasible-missing-file", "infeasible: process a spreadsheet that does not exist",
             open_missing_spreadsheet),
)

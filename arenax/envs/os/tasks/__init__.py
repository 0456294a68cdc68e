"""Every shell task family by name (the id stem after `os-`)."""

from arenax.envs.os.tasks import files, git, infeasible, programs, system, text
from arenax.envs.os.types import TaskSpec

SHELL_TASKS: dict[str, TaskSpec] = {
    spec.name: spec
    for module in (files, text, system, git, programs, infeasible)
    for spec in module.TASKS
}

__all__ = ["SHELL_TASKS"]

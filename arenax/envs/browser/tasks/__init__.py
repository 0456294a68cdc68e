"""Our own web tasks; importing this package fills `TASKS` (name -> `Task`)."""

from arenax.envs.browser.tasks import apps, basic, memory, widgets  # noqa: F401 (importing registers their tasks)
from arenax.envs.browser.tasks.base import LEVELS, TASKS, Instance, Task

__all__ = ["LEVELS", "TASKS", "Instance", "Task"]

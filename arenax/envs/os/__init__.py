"""OS tasks in a bubblewrap sandbox: shell tasks (and desktop tasks) scored on the state the agent leaves."""

from arenax.core.registry import register
from arenax.envs.os.desktop_env import DesktopTaskEnv
from arenax.envs.os.env import ShellTaskEnv
from arenax.envs.os.prompts import (
    DESKTOP_SYSTEM_PROMPT,
    SHELL_SYSTEM_PROMPT,
    format_desktop_observation,
    format_shell_observation,
)
from arenax.envs.os.policies import OraclePolicy, RandomDesktopPolicy, RandomPolicy, rollout
from arenax.envs.os.sandbox import BubblewrapMissingError, Limits, Sandbox, SandboxError
from arenax.envs.os.tasks import SHELL_TASKS
from arenax.envs.os.tasks.desktop import DESKTOP_TASKS

FAMILY = "os"

for name, task in SHELL_TASKS.items():
    register(f"os-{name}-v0", "arenax.envs.os.env:ShellTaskEnv", family=FAMILY,
             description=f"shell: {task.description}", kwargs={"task": name}, kind="python")

for name, task in DESKTOP_TASKS.items():
    register(f"desktop-{name}-v0", "arenax.envs.os.desktop_env:DesktopTaskEnv", family=FAMILY,
             description=f"desktop: {task.description}", kwargs={"task": name}, kind="python")

__all__ = [
    "BubblewrapMissingError",
    "DESKTOP_SYSTEM_PROMPT",
    "DESKTOP_TASKS",
    "DesktopTaskEnv",
    "Limits",
    "OraclePolicy",
    "RandomDesktopPolicy",
    "RandomPolicy",
    "SHELL_SYSTEM_PROMPT",
    "SHELL_TASKS",
    "Sandbox",
    "SandboxError",
    "ShellTaskEnv",
    "format_desktop_observation",
    "format_shell_observation",
    "rollout",
]

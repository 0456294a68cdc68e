"""Web tasks in a real headless Chromium behind the Gymnasium API: our own seeded tasks and MiniWoB++'s.

`gym.make("arenax/web-click-button-v0")` (kwargs: difficulty, action_set, screenshot, bboxes, ...);
`gym.make("arenax/miniwob.click-button-v0")` when the `miniwob` package is installed.
"""

from arenax.core.registry import register
from arenax.envs.browser.miniwob import miniwob_tasks
from arenax.envs.browser.tasks import TASKS

FAMILY = "browser"

for _name, _task in sorted(TASKS.items()):
    register(
        f"web-{_name}-v0",
        "arenax.envs.browser.env:BrowserEnv",
        family=FAMILY,
        description=f"web task in headless Chromium: {_task.description}",
        kwargs={"task": _name},
        kind="python",
    )

for _name in miniwob_tasks():
    register(
        f"miniwob.{_name}-v0",
        "arenax.envs.browser.miniwob:MiniWoBEnv",
        family=FAMILY,
        description=f"MiniWoB++ task {_name} (from the miniwob package) in headless Chromium",
        kwargs={"task": _name},
        kind="python",
    )

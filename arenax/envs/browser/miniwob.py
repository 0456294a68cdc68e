"""MiniWoB++ tasks from the `miniwob` package's pages, driven through their `core.js` protocol."""

from __future__ import annotations

from typing import Any

from arenax.envs.browser.env import BrowserEnv, PageStart
from arenax.envs.browser.server import miniwob_html_dir, page_server
from arenax.envs.browser.session import Session

MAX_EPISODE_MS = 3_600_000
START_JS = """async (seed) => {
  Math.seedrandom(seed);
  core.EPISODE_MAX_TIME = %d;
  core.startEpisodeReal();
  while (typeof WOB_TASK_READY !== 'undefined' && !WOB_TASK_READY) await new Promise((r) => setTimeout(r, 20));
  return core.getUtterance();
}""" % MAX_EPISODE_MS
RESULT_JS = "() => [WOB_DONE_GLOBAL, WOB_RAW_REWARD_GLOBAL]"


def miniwob_tasks() -> list[str]:
    """The MiniWoB++ task names the installed `miniwob` package ships (empty when it is not installed)."""
    folder = miniwob_html_dir()
    return sorted(path.stem for path in (folder / "miniwob").glob("*.html")) if folder else []


class MiniWoBEpisodes:
    """Episodes of one MiniWoB++ page: seeded with `Math.seedrandom(seed)`, scored like BrowserGym.

    The reward is 1 when the page's raw reward is positive and 0 otherwise (the time decay of
    `WOB_REWARD_GLOBAL` is switched off by a one-hour `core.EPISODE_MAX_TIME`).
    """

    def __init__(self, task: str, max_steps: int = 20) -> None:
        if miniwob_html_dir() is None:
            raise ImportError("MiniWoB++ tasks need the miniwob package: pip install 'arenax[browser]'")
        if task not in miniwob_tasks():
            raise ValueError(f"unknown MiniWoB++ task {task!r}; the miniwob package ships {len(miniwob_tasks())}")
        self.name = f"miniwob.{task}"
        self.outcome_script = RESULT_JS
        self.task = task
        self._max_steps = max_steps

    def max_steps(self, difficulty: str) -> int:
        return self._max_steps

    @property
    def warm_url(self) -> str:
        """The task's page: every episode starts from it freshly loaded, so the next context loads it ahead."""
        return f"{page_server().origin}/miniwob/miniwob/{self.task}.html"

    async def begin(self, session: Session, seed: int, difficulty: str) -> PageStart:
        """Opens the (loaded ahead) task page; the episode starts in the same page call as the first observation."""
        await session.open(self.warm_url, self.warm_url)
        return PageStart(START_JS, seed)

    def outcome(self, session: Session, result: Any) -> tuple[float, bool]:
        if not result:
            return 0.0, False
        done, raw_reward = result
        return (1.0 if done and raw_reward > 0 else 0.0), bool(done)

    def end(self) -> None:
        return None


class MiniWoBEnv(BrowserEnv):
    """A MiniWoB++ task (`task` is its page name, e.g. "click-button") with `BrowserEnv`'s observations and actions.

    MiniWoB++ tasks have no difficulty levels; `max_steps` (default 20) is the step limit.
    """

    def __init__(self, task: str = "click-button", max_steps: int = 20, **kwargs: Any) -> None:
        super().__init__(episodes=MiniWoBEpisodes(task, max_steps), **kwargs)

"""`BrowserEnv`: a Gymnasium environment over one headless Chromium, for our own tasks and for MiniWoB++'s."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any, Protocol

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from arenax.envs.browser.actions import ACTION_SETS
from arenax.envs.browser.browser import Browser, BrowserFailure
from arenax.envs.browser.server import page_server
from arenax.envs.browser.session import Session
from arenax.envs.browser.tasks import TASKS
from arenax.envs.browser.tasks.base import LEVELS, Instance, Task
from arenax.envs.browser.types import MAX_BOXES, MAX_TEXT_CHARS, MAX_TREE_CHARS, clip_text, text_space

_SLOTS = itertools.count()
SUBMISSION_JS = "() => sessionStorage.getItem('arenax.submission')"
SPARE_CONTEXT_TIMES = ("after_reset", "after_episode")


@dataclass(frozen=True)
class PageStart:
    """An episode started by a page function (`script` called with `argument`), run in the same page call as the
    first observation; its result is the goal."""

    script: str
    argument: Any


class Episodes(Protocol):
    """Where episodes come from: our own generated tasks or MiniWoB++ pages."""

    name: str
    outcome_script: str  # a JS function run with every observation; its result goes to `outcome`

    @property
    def warm_url(self) -> str | None: ...  # the page the next episode's context is prepared with (None: stays blank)

    def max_steps(self, difficulty: str) -> int: ...

    async def begin(self, session: Session, seed: int, difficulty: str) -> str | PageStart: ...  # the goal

    def outcome(self, session: Session, result: Any) -> tuple[float, bool]: ...

    def end(self) -> None: ...


class OwnTaskEpisodes:
    """Episodes of one of our tasks: pages generated from the seed, scored by the task's validator."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.name = task.name
        self.outcome_script = "() => null" if task.answer_by_message else SUBMISSION_JS
        self.instance: Instance | None = None
        self._base_url: str | None = None
        self._slot = next(_SLOTS)

    def max_steps(self, difficulty: str) -> int:
        return self.task.max_steps[LEVELS.index(difficulty)]

    @property
    def warm_url(self) -> None:
        """None: the next episode's page stays at `about:blank`. Loading a same-origin blank page ahead cost about
        a fifth of an episode's Chromium CPU and did not make the reset's navigation any faster."""
        return None

    async def begin(self, session: Session, seed: int, difficulty: str) -> str:
        self.end()
        self.instance = self.task.instance(seed, difficulty)
        # The URL depends only on this object and the episode, so that the same seed gives the same observation.
        token = f"e{self._slot}-{self.name}-{difficulty}-{seed}"
        self._base_url = page_server().publish(self.instance.pages, token)
        await session.open(self._base_url + self.instance.start, self.warm_url)
        return self.instance.goal

    def outcome(self, session: Session, result: Any) -> tuple[float, bool]:
        assert self.instance is not None
        if self.task.answer_by_message:
            if not session.messages:
                return 0.0, False
            submission: Any = session.messages[-1]
        else:
            if result is None:
                return 0.0, False
            submission = json.loads(result)
        return (1.0 if self.task.score(self.instance, submission) else 0.0), True

    def end(self) -> None:
        if self._base_url is not None:
            page_server().withdraw(self._base_url)
            self._base_url = None


class BrowserEnv(gym.Env):
    """A web task in headless Chromium.

    Observation: a `Dict` of `goal`, `axtree_txt` (`[bid] role 'name', states` per line, indented by depth),
    `url` and `last_action_error` texts, plus `screenshot` (`Box` uint8, when `screenshot=True`) and
    `bboxes` (rows of bid, x, y, width, height; bid -1 pads; when `bboxes=True`).
    Action: a BrowserGym-style action string such as `click("12")` from `action_set` ("bid", "coord",
    "bid+coord"). A malformed or impossible action costs the step and sets `last_action_error`.
    Reward 1 when the task's validation accepts the submission, else 0; the episode terminates on
    submission and is truncated at the task's step limit, or when the browser crashes or hangs (it is
    restarted; `info["truncation_reason"]` says why).
    Every episode gets a fresh browser context, made ahead in the background: `spare_context="after_reset"`
    starts the next one as soon as a reset returns (a reset then rarely waits for it, but it competes with
    the episode's first steps for the CPU), `"after_episode"` once the episode terminates or is truncated
    (steps run undisturbed; a reset right after the last step waits for most of it). `spare_contexts` is how
    many coming episodes' contexts are kept made ahead, made one after the other: two (the default) let a
    reset in a tight loop find one ready more often, at a renderer process each; with `"after_episode"`,
    1 keeps all of their making after the episode.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 2}

    def __init__(
        self,
        task: str = "click-button",
        difficulty: str = "easy",
        action_set: str = "bid",
        screenshot: bool = False,
        bboxes: bool = False,
        viewport: tuple[int, int] = (800, 600),
        step_timeout: float = 10.0,
        max_steps: int | None = None,
        render_mode: str | None = None,
        browser: Browser | None = None,
        episodes: Episodes | None = None,
        spare_context: str = "after_reset",
        spare_contexts: int = 2,
    ) -> None:
        if episodes is None:
            if task not in TASKS:
                raise ValueError(f"unknown browser task {task!r}; known tasks: {', '.join(sorted(TASKS))}")
            episodes = OwnTaskEpisodes(TASKS[task])
        if difficulty not in LEVELS:
            raise ValueError(f"difficulty must be one of {LEVELS}, got {difficulty!r}")
        if action_set not in ACTION_SETS:
            raise ValueError(f"action_set must be one of {sorted(ACTION_SETS)}, got {action_set!r}")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        if step_timeout <= 0:
            raise ValueError(f"step_timeout must be positive, got {step_timeout}")
        if spare_context not in SPARE_CONTEXT_TIMES:
            raise ValueError(f"spare_context must be one of {SPARE_CONTEXT_TIMES}, got {spare_context!r}")
        if spare_contexts < 1:
            raise ValueError(f"spare_contexts must be at least 1, got {spare_contexts}")
        self.spare_context = spare_context
        self.episodes = episodes
        self.difficulty = difficulty
        self.screenshot = screenshot
        self.bboxes = bboxes
        self.viewport = tuple(viewport)
        self.step_timeout = float(step_timeout)
        self.max_steps = max_steps or episodes.max_steps(difficulty)
        self.render_mode = render_mode
        observation = {
            "goal": text_space(MAX_TEXT_CHARS),
            "axtree_txt": text_space(MAX_TREE_CHARS),
            "url": text_space(MAX_TEXT_CHARS),
            "last_action_error": text_space(MAX_TEXT_CHARS),
        }
        if screenshot:
            observation["screenshot"] = spaces.Box(0, 255, (self.viewport[1], self.viewport[0], 3), np.uint8)
        if bboxes:
            observation["bboxes"] = spaces.Box(-np.inf, np.inf, (MAX_BOXES, 5), np.float32)
        self.observation_space = spaces.Dict(observation)
        self.action_space = text_space(MAX_TEXT_CHARS)
        self._owns_browser = browser is None
        self.browser = browser or Browser()
        self.session = Session(self.browser, self.viewport, self.step_timeout * 800, action_set, spare_contexts)
        self.goal = ""
        self.seed_used: int | None = None
        self._steps = 0
        self._last_observation: dict[str, Any] | None = None

    @property
    def instance(self) -> Instance | None:
        """The generated episode of our own tasks (what the scripted oracle reads)."""
        return getattr(self.episodes, "instance", None)

    def _run(self, coroutine: Any, calls: int = 1) -> Any:
        """Runs `coroutine` on the browser's loop, allowing `step_timeout` for each of its `calls` browser calls."""
        try:
            return self.browser.runtime.run(coroutine, timeout=self.step_timeout * calls)
        except TimeoutError as error:
            raise BrowserFailure(f"browser hung: {error}") from None
        except BrowserFailure:
            raise
        except Exception as error:  # noqa: BLE001 (Playwright's errors once the browser is gone)
            from playwright.async_api import Error as PlaywrightError

            page = self.session.page
            gone = self.session.crashed or not self.browser.connected or page is None or page.is_closed()
            if isinstance(error, PlaywrightError) and gone:
                raise BrowserFailure(f"browser crashed: {str(error).splitlines()[0]}") from None
            raise

    def _recover(self) -> None:
        self.browser.kill()
        self.session.forget()
        self.browser.restart()

    async def _observe(self, prelude: tuple[str, Any] | None = None) -> dict[str, Any]:
        return await self.session.observe(self.screenshot, self.bboxes, self.episodes.outcome_script, prelude)

    async def _begin(self) -> tuple[str, dict[str, Any]]:
        """An episode's goal and first observation; then the next episode's context is started (or the last
        one's closed). One hand-over to the browser's thread: each costs a thread switch, slow on a busy CPU."""
        start = await self.episodes.begin(self.session, self.seed_used, self.difficulty)
        if isinstance(start, PageStart):
            tree = await self._observe((start.script, start.argument))
            goal = tree["prelude"]
        else:
            goal, tree = start, await self._observe()
        if self.spare_context == "after_reset":
            await self.session.prepare_next(self.episodes.warm_url)
        else:
            await self.session.release_last()
        return goal, tree

    async def _act(self, action: str) -> tuple[str, dict[str, Any]]:
        """The action's error message ('' if none) and the observation after it."""
        error = await self.session.run_action_text(action)
        return error, await self._observe()

    def _observation(self, tree: dict[str, Any], error: str) -> dict[str, Any]:
        observation: dict[str, Any] = {
            "goal": clip_text(self.goal, MAX_TEXT_CHARS),
            "axtree_txt": clip_text(tree["axtree_txt"], MAX_TREE_CHARS),
            "url": clip_text(tree["url"], MAX_TEXT_CHARS),
            "last_action_error": clip_text(error, MAX_TEXT_CHARS),
        }
        if self.screenshot:
            image = tree.get("screenshot")
            blank = np.zeros(self.observation_space["screenshot"].shape, np.uint8)
            observation["screenshot"] = image if image is not None and image.shape == blank.shape else blank
        if self.bboxes:
            boxes = np.full((MAX_BOXES, 5), -1.0, np.float32)
            rows = np.asarray(tree.get("boxes") or np.zeros((0, 5)), np.float32)[:MAX_BOXES]
            boxes[: len(rows)] = rows
            observation["bboxes"] = boxes
        self._last_observation = observation
        return observation

    def _info(self, success: bool = False, reason: str = "") -> dict[str, Any]:
        return {
            "task": self.episodes.name,
            "difficulty": self.difficulty,
            "seed": self.seed_used,
            "success": success,
            "truncation_reason": reason,
            "messages": list(self.session.messages),
        }

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self.seed_used = int(seed) if seed is not None else int(self.np_random.integers(2**31 - 1))
        self._steps = 0
        for attempt in range(2):
            try:
                self.goal, tree = self._run(self._begin(), calls=2)
                return self._observation(tree, ""), self._info()
            except BrowserFailure:
                if attempt == 1:
                    raise
                self._recover()
        raise AssertionError("unreachable")

    def step(self, action: str):
        if self.session.page is None:
            raise RuntimeError("call reset() before step() (and after an episode was truncated by a browser failure)")
        self._steps += 1
        try:
            error, tree = self._run(self._act(action), calls=2)
            observation = self._observation(tree, error)
            reward, terminated = self.episodes.outcome(self.session, tree["outcome"])
        except BrowserFailure as failure:
            self._recover()
            blank = {"axtree_txt": "", "url": "about:blank", "boxes": []}
            observation = self._observation(blank, failure.reason)
            return observation, 0.0, False, True, self._info(reason=failure.reason + "; the browser was restarted")
        except Exception as failure:  # noqa: BLE001 (an unreadable page, e.g. an error page, is the agent's problem)
            from playwright.async_api import Error as PlaywrightError

            if not isinstance(failure, PlaywrightError):
                raise
            page_url = self.session.page.url if self.session.page is not None else "about:blank"
            blank = {"axtree_txt": "", "url": page_url, "boxes": []}
            observation, reward, terminated = self._observation(blank, str(failure).splitlines()[0]), 0.0, False
        truncated = not terminated and self._steps >= self.max_steps
        if (terminated or truncated) and self.spare_context == "after_episode" and self.session.page is not None:
            self._run(self.session.prepare_next(self.episodes.warm_url))
        info = self._info(success=reward > 0, reason="step limit reached" if truncated else "")
        return observation, float(reward), bool(terminated), bool(truncated), info

    def render(self) -> np.ndarray | None:
        if self.render_mode != "rgb_array" or self.session.page is None:
            return None
        return self._run(self.session.screenshot())

    def close(self) -> None:
        self.episodes.end()
        if self.session.active:
            try:
                self._run(self.session.shutdown())
            except BrowserFailure:
                pass
        self.session.forget()
        if self._owns_browser:
            self.browser.close()
        super().close()

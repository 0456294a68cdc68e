"""The desktop tier: a gymnasium.Env whose episode is one GUI task on an X display inside a fresh sandbox.

Actions are pyautogui-style strings (`click(x, y)`, `type("...")`, `hotkey("ctrl", "s")`, `key("Return")`,
`scroll(n)`, `wait(s)`, ...) or DONE / FAIL; observations hold the goal, a screenshot and the AT-SPI
accessibility tree as text, like OSWorld's Linux observation.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from arenax.envs.os.desktop import DESKTOP_LIMITS, DesktopSession, parse_action
from arenax.envs.os.env import FINAL_INSTRUCTION, GOAL_LIMIT, printable, text_space
from arenax.envs.os.sandbox import SandboxError, finish_pending_releases
from arenax.envs.os.tasks.desktop import DESKTOP_TASKS
from arenax.envs.os.types import DONE, FAIL, TaskInstance, TaskSpec

TREE_LIMIT = 32768
ACTION_LIMIT = 2048


class DesktopTaskEnv(gym.Env):
    """One desktop task (`task` names a family in `arenax.envs.os.tasks.desktop.DESKTOP_TASKS`)."""

    metadata = {"render_modes": ["rgb_array"]}

    def __init__(self, task: str, max_steps: int = 30, width: int = 1024, height: int = 768,
                 render_mode: str | None = None):
        if task not in DESKTOP_TASKS:
            raise ValueError(f"unknown desktop task {task!r}; known: {', '.join(sorted(DESKTOP_TASKS))}")
        if max_steps < 1:
            raise ValueError(f"max_steps must be at least 1, got {max_steps}")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.spec_task: TaskSpec = DESKTOP_TASKS[task]
        self.max_steps = max_steps
        self.width, self.height = width, height
        self.render_mode = render_mode
        self.observation_space = spaces.Dict({
            "goal": text_space(GOAL_LIMIT),
            "screenshot": spaces.Box(0, 255, shape=(height, width, 3), dtype=np.uint8),
            "accessibility_tree": text_space(TREE_LIMIT),
            "feedback": text_space(1024),
        })
        self.action_space = text_space(ACTION_LIMIT)
        self.session: DesktopSession | None = None
        self._spare: DesktopSession | None = None
        self.instance: TaskInstance | None = None
        self.steps = 0
        self.last_observation: dict[str, Any] | None = None

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self._close_session(wait=False)
        self.instance = self.spec_task.generate(self.np_random)
        self.session = self._take_fresh_session()
        sandbox = self.session.sandbox
        if self.instance.files:
            sandbox.put_files([vars(item) for item in self.instance.files])
        for command in self.instance.setup:
            answer = sandbox.run(command)
            if answer["exit_code"] != 0:
                raise SandboxError(f"set-up of task {self.spec_task.name!r} failed: {answer['stderr']}")
        for command, window_class in self.instance.apps:
            self.session.launch(command, window_class)
        self.steps = 0
        self.last_observation = self._observe("")
        return self.last_observation, self._info(0.0)

    def step(self, action: str):
        if self.session is None or self.instance is None:
            raise RuntimeError("call reset() before step()")
        self.steps += 1
        word = action.strip()
        if word in (DONE, FAIL):
            score = self._final_score(declared_infeasible=word == FAIL)
            return self.last_observation, score, True, False, self._info(score)
        try:
            self.last_observation = self._observe(self._perform(word))
        except SandboxError as error:
            self.last_observation = {**self.last_observation, "feedback": printable(str(error), 1024)[0]}
            return self.last_observation, 0.0, True, False, self._info(0.0)
        truncated = self.steps >= self.max_steps
        score = self._final_score(declared_infeasible=False) if truncated else 0.0
        return self.last_observation, score, False, truncated, self._info(score)

    def _perform(self, action: str) -> str:
        """Performs the action; returns the feedback the agent sees (why it could not be parsed or failed)."""
        try:
            answer = self.session.perform(parse_action(action))
        except ValueError as error:
            return str(error)
        return f"action failed: {answer['stderr'].strip()}" if answer["exit_code"] != 0 else ""

    def _observe(self, feedback: str) -> dict[str, Any]:
        screenshot, tree = self.session.observe()
        return {
            "goal": printable(f"{self.instance.goal} {FINAL_INSTRUCTION}", GOAL_LIMIT)[0],
            "screenshot": screenshot,
            "accessibility_tree": printable(tree, TREE_LIMIT)[0],
            "feedback": printable(feedback, 1024)[0],
        }

    def _final_score(self, declared_infeasible: bool) -> float:
        if not self.instance.feasible:
            return float(declared_infeasible)
        if declared_infeasible:
            return 0.0
        try:
            return self.instance.evaluator.score(self.session.sandbox)
        except SandboxError:
            return 0.0

    def _info(self, score: float) -> dict[str, Any]:
        return {"task": self.spec_task.name, "score": float(score), "feasible": self.instance.feasible,
                "steps": self.steps}

    def render(self):
        if self.render_mode == "rgb_array" and self.last_observation is not None:
            return self.last_observation["screenshot"]
        return None

    def _take_fresh_session(self) -> DesktopSession:
        """A desktop no episode has touched: the spare whose display booted during the previous episode, and a
        new spare for the next reset."""
        spare, self._spare = self._spare, None
        if spare is None or not spare.sandbox.alive:
            spare = self._new_session()
        session = spare.ready()
        self._spare = self._new_session()
        return session

    def _new_session(self) -> DesktopSession:
        return DesktopSession(self.width, self.height, self.spec_task.limits or DESKTOP_LIMITS)

    def _close_session(self, wait: bool = True):
        if self.session is not None:
            self.session.close(wait=wait)
            self.session = None

    def close(self):
        self._close_session()
        if self._spare is not None:
            self._spare.close()
            self._spare = None
        finish_pending_releases()
        super().close()


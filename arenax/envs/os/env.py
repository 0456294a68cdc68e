"""The shell tier: a gymnasium.Env whose episode is one task in a fresh bubblewrap sandbox.

Actions are shell command strings (a Text space) or, with `action_mode="structured"`, a Dict naming one of
`run`, `read_file`, `write_file`, `list_dir`, `done`, `fail`. The episode ends when the agent answers DONE
(or FAIL, its way of declaring the task infeasible); the evaluator scores the sandbox's state then, or when
the step limit truncates the episode.
"""

from __future__ import annotations

import string
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from arenax.envs.os.sandbox import Limits, Sandbox, SandboxError, finish_pending_releases
from arenax.envs.os.tasks import SHELL_TASKS
from arenax.envs.os.types import DONE, FAIL, TaskInstance, TaskSpec

CHARSET = string.printable
TEXT_LIMIT = 4096
GOAL_LIMIT = 2048
CUT_MARK = "\n[...]\n"
FINAL_INSTRUCTION = f"When the task is complete, answer {DONE}; if it cannot be done on this machine, answer {FAIL}."
STRUCTURED_KINDS = ("run", "read_file", "write_file", "list_dir", "done", "fail")


def printable(text: str, limit: int) -> tuple[str, bool]:
    """`text` with non-printables as '?', cut to its first and last `limit // 2` characters when longer."""
    cleaned = "".join(c if c in CHARSET else "?" for c in text)
    if len(cleaned) <= limit:
        return cleaned, False
    half = (limit - len(CUT_MARK)) // 2
    return cleaned[:half] + CUT_MARK + cleaned[-half:], True


def text_space(limit: int) -> spaces.Text:
    return spaces.Text(max_length=limit, min_length=0, charset=CHARSET)


def observation_space() -> spaces.Dict:
    return spaces.Dict({
        "goal": text_space(GOAL_LIMIT),
        "stdout": text_space(TEXT_LIMIT),
        "stderr": text_space(TEXT_LIMIT),
        "stdout_truncated": spaces.Discrete(2),
        "stderr_truncated": spaces.Discrete(2),
        "exit_code": spaces.Box(0, 255, shape=(), dtype=np.int64),
        "cwd": text_space(256),
        "listing": text_space(TEXT_LIMIT),
    })


def structured_action_space() -> spaces.Dict:
    return spaces.Dict({
        "kind": spaces.Discrete(len(STRUCTURED_KINDS)),
        "command": text_space(TEXT_LIMIT),
        "path": text_space(256),
        "content": text_space(TEXT_LIMIT),
    })


class ShellTaskEnv(gym.Env):
    """One shell task (`task` names a family in `arenax.envs.os.tasks.SHELL_TASKS`) behind the Gymnasium API."""

    metadata = {"render_modes": ["ansi"]}

    def __init__(
        self,
        task: str,
        max_steps: int = 30,
        action_mode: str = "text",
        limits: Limits | None = None,
        render_mode: str | None = None,
    ):
        if task not in SHELL_TASKS:
            raise ValueError(f"unknown shell task {task!r}; known: {', '.join(sorted(SHELL_TASKS))}")
        if action_mode not in ("text", "structured"):
            raise ValueError(f"action_mode must be 'text' or 'structured', got {action_mode!r}")
        if max_steps < 1:
            raise ValueError(f"max_steps must be at least 1, got {max_steps}")
        if render_mode not in (None, "ansi"):
            raise ValueError(f"render_mode must be None or 'ansi', got {render_mode!r}")
        self.spec_task: TaskSpec = SHELL_TASKS[task]
        self.max_steps = max_steps
        self.action_mode = action_mode
        self.limits = limits or Limits()
        self.render_mode = render_mode
        self.observation_space = observation_space()
        self.action_space = text_space(TEXT_LIMIT) if action_mode == "text" else structured_action_space()
        self.sandbox: Sandbox | None = None
        self._spare: Sandbox | None = None
        self.instance: TaskInstance | None = None
        self.steps = 0
        self.last_observation: dict[str, Any] | None = None

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self._close_sandbox(wait=False)
        self.instance = self.spec_task.generate(self.np_random)
        self.sandbox = self._take_fresh_sandbox()
        if self.instance.files:
            self.sandbox.put_files([vars(item) for item in self.instance.files])
        if self.instance.setup:
            answer = self.sandbox.run("set -e\n" + "\n".join(self.instance.setup))
            if answer["exit_code"] != 0:
                raise SandboxError(f"set-up of task {self.spec_task.name!r} failed: {answer['stderr']}")
        answer = self.sandbox.run("cd ~", with_listing=True)
        self.steps = 0
        self.last_observation = self._observation(answer)
        return self.last_observation, self._info(score=0.0)

    def step(self, action):
        if self.sandbox is None or self.instance is None:
            raise RuntimeError("call reset() before step()")
        self.steps += 1
        kind, fields = self._parse(action)
        if kind in ("done", "fail"):
            score = self._final_score(declared_infeasible=kind == "fail")
            self.last_observation = self._observation({"cwd": self.last_observation["cwd"], "stdout": "", "stderr": "",
                                                       "exit_code": 0, "listing": self.last_observation["listing"]})
            return self.last_observation, score, True, False, self._info(score)
        try:
            answer = self._act(kind, fields)
        except SandboxError as error:
            answer = {"stdout": "", "stderr": f"sandbox error: {error}", "exit_code": 255, "cwd": "/home/agent",
                      "listing": ""}
            self.last_observation = self._observation(answer)
            return self.last_observation, 0.0, True, False, self._info(0.0)
        self.last_observation = self._observation(answer)
        truncated = self.steps >= self.max_steps
        score = self._final_score(declared_infeasible=False) if truncated else 0.0
        return self.last_observation, score, False, truncated, self._info(score)

    def _parse(self, action) -> tuple[str, dict]:
        if isinstance(action, str):
            word = action.strip()
            if word in (DONE, FAIL):
                return word.lower(), {}
            return "run", {"command": action}
        if isinstance(action, dict) and "kind" in action:
            kind = action["kind"]
            kind = STRUCTURED_KINDS[int(kind)] if not isinstance(kind, str) else kind
            if kind not in STRUCTURED_KINDS:
                raise ValueError(f"unknown action kind {kind!r}; one of {STRUCTURED_KINDS}")
            return kind, action
        raise ValueError(f"an action is a command string or a dict with a 'kind' of {STRUCTURED_KINDS}, got {action!r}")

    def _act(self, kind: str, fields: dict) -> dict:
        if kind == "run":
            return self.sandbox.run(str(fields.get("command", "")), with_listing=True)
        if kind == "write_file":
            return self.sandbox.request("write_file", path=str(fields["path"]), content=str(fields.get("content", "")),
                                        with_listing=True)
        return self.sandbox.request(kind, path=str(fields.get("path", ".")), with_listing=True)

    def _final_score(self, declared_infeasible: bool) -> float:
        if not self.instance.feasible:
            return float(declared_infeasible)
        if declared_infeasible:
            return 0.0
        try:
            return self.instance.evaluator.score(self.sandbox)
        except SandboxError:
            return 0.0

    def _observation(self, answer: dict) -> dict[str, Any]:
        stdout, stdout_cut = printable(answer.get("stdout", ""), TEXT_LIMIT)
        stderr, stderr_cut = printable(answer.get("stderr", ""), TEXT_LIMIT)
        return {
            "goal": printable(f"{self.instance.goal} {FINAL_INSTRUCTION}", GOAL_LIMIT)[0],
            "stdout": stdout,
            "stderr": stderr,
            "stdout_truncated": int(stdout_cut or answer.get("stdout_truncated", False)),
            "stderr_truncated": int(stderr_cut or answer.get("stderr_truncated", False)),
            "exit_code": np.array(answer.get("exit_code", 0), dtype=np.int64),
            "cwd": printable(answer.get("cwd", ""), 256)[0],
            "listing": printable(answer.get("listing", ""), TEXT_LIMIT)[0],
        }

    def _info(self, score: float) -> dict[str, Any]:
        return {"task": self.spec_task.name, "score": float(score), "feasible": self.instance.feasible,
                "steps": self.steps}

    def render(self):
        if self.render_mode != "ansi" or self.last_observation is None:
            return None
        obs = self.last_observation
        return f"goal: {obs['goal']}\n{obs['cwd']}$ (exit {int(obs['exit_code'])})\n{obs['stdout']}{obs['stderr']}"

    def _take_fresh_sandbox(self) -> Sandbox:
        """A sandbox no episode has touched: the spare started at the previous reset (it boots while the agent
        works, so reset does not wait for it), and a new spare for the next reset."""
        sandbox = self._spare if self._spare is not None and self._spare.alive else Sandbox(self.limits)
        self._spare = Sandbox(self.limits)
        return sandbox

    def _close_sandbox(self, wait: bool = True):
        if self.sandbox is not None:
            self.sandbox.close(wait=wait)
            self.sandbox = None

    def close(self):
        self._close_sandbox()
        if self._spare is not None:
            self._spare.close()
            self._spare = None
        finish_pending_releases()
        super().close()

"""Scripted agents for OS tasks: the oracle (plays each instance's scripted solution) and random baselines."""

from __future__ import annotations

import shlex
from typing import Any

import gymnasium as gym
import numpy as np

from arenax.envs.os.types import DONE, FAIL

WAIT = "wait(0.5)"
RANDOM_COMMANDS = (
    "ls", "ls -la", "pwd", "cd ~", "cd ..", "mkdir -p new_folder", "date", "du -sh .", "find . -maxdepth 2",
)


def as_action(env: gym.Env, command: str) -> Any:
    """A command string in the env's action format (text, or the structured Dict's `run`/`done`/`fail`)."""
    if getattr(env.unwrapped, "action_mode", "text") == "text":
        return command
    kind = {DONE: 4, FAIL: 5}.get(command, 0)
    return {"kind": kind, "command": command, "path": "", "content": ""}


class OraclePolicy:
    """Plays the current instance's scripted solution, then answers DONE (FAIL on infeasible tasks).

    A step that is a function of the observation may return None (what it looks for is not on screen yet):
    the oracle then waits and tries that step again, up to `patience` times.
    """

    def __init__(self, env: gym.Env, patience: int = 10):
        self.env = env
        self.patience = patience
        self.position = 0
        self.retries = 0

    def __call__(self, observation: dict) -> Any:
        core = self.env.unwrapped
        if core.steps == 0:
            self.position, self.retries = 0, 0
        plan = list(core.instance.solution) + [DONE if core.instance.feasible else FAIL]
        step = plan[min(self.position, len(plan) - 1)]
        action = step(observation) if callable(step) else step
        if action is None and self.retries < self.patience:
            self.retries += 1
            return as_action(self.env, WAIT)
        self.position, self.retries = self.position + 1, 0
        return as_action(self.env, WAIT if action is None else action)


class RandomPolicy:
    """Random shell activity on what the listing shows (look, enter, read, delete, create) and random DONE/FAIL."""

    def __init__(self, env: gym.Env, seed: int | None = None, stop_probability: float = 0.1):
        self.env = env
        self.rng = np.random.default_rng(seed)
        self.stop_probability = stop_probability

    def __call__(self, observation: dict) -> Any:
        if self.rng.random() < self.stop_probability:
            return as_action(self.env, DONE if self.rng.random() < 0.5 else FAIL)
        entries = [line for line in observation["listing"].splitlines() if line and line != "..."]
        if entries and self.rng.random() < 0.6:
            entry = shlex.quote("/home/agent/" + entries[self.rng.integers(len(entries))].rstrip("/"))
            verbs = ("cat", "cd", "rm -f", "ls -la", "wc -l", "touch")
            command = f"{verbs[self.rng.integers(len(verbs))]} {entry}"
        else:
            command = RANDOM_COMMANDS[self.rng.integers(len(RANDOM_COMMANDS))]
        return as_action(self.env, command)


class RandomDesktopPolicy:
    """Random mouse and keyboard activity on the desktop (clicks, typing, keys) and random DONE/FAIL."""

    KEYS = ("Return", "Escape", "Tab", "BackSpace", "Down", "Up")
    HOTKEYS = (("ctrl", "s"), ("ctrl", "a"), ("ctrl", "z"), ("alt", "f"))

    def __init__(self, env: gym.Env, seed: int | None = None, stop_probability: float = 0.1):
        self.env = env
        self.rng = np.random.default_rng(seed)
        self.stop_probability = stop_probability

    def __call__(self, observation: dict) -> str:
        if self.rng.random() < self.stop_probability:
            return DONE if self.rng.random() < 0.5 else FAIL
        height, width = observation["screenshot"].shape[:2]
        choice = self.rng.integers(4)
        if choice == 0:
            return f"click({self.rng.integers(width)}, {self.rng.integers(height)})"
        if choice == 1:
            return f"type({self.rng.choice(('hello', 'notes', '42', 'x'))!r})"
        if choice == 2:
            return f"key({self.KEYS[self.rng.integers(len(self.KEYS))]!r})"
        return "hotkey({}, {})".format(*(repr(k) for k in self.HOTKEYS[self.rng.integers(len(self.HOTKEYS))]))


def rollout(env: gym.Env, policy, seed: int) -> dict[str, Any]:
    """One episode; returns the final info (with `score`) and the total reward."""
    observation, info = env.reset(seed=seed)
    total, done = 0.0, False
    while not done:
        observation, reward, terminated, truncated, info = env.step(policy(observation))
        total += float(reward)
        done = terminated or truncated
    return {**info, "return": total}

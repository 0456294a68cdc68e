"""Time limit: truncates an episode after a fixed number of steps, never marking it terminated."""

from __future__ import annotations

from typing import Any

from arenax.core import TimeStep
from arenax.wrappers.base import Wrapper


class TimeLimit(Wrapper):
    """Sets `truncated` once the state's step count reaches `max_steps`.

    `terminated` is left as the environment gave it: a time limit is not a
    terminal state, and value bootstrapping and offline datasets rely on that.
    A step that both terminates and hits the limit counts as terminated only.
    """

    def __init__(self, env, max_steps: int):
        if max_steps < 1:
            raise ValueError(f"TimeLimit max_steps must be at least 1, got {max_steps}")
        super().__init__(env)
        self.max_steps = int(max_steps)

    def step(self, state: Any, action: Any) -> tuple[Any, TimeStep]:
        state, ts = self.env.step(state, action)
        return state, ts.replace(truncated=ts.truncated | ((state.time >= self.max_steps) & ~ts.terminated))

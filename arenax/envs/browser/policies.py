"""Agents for the browser tasks: the scripted oracle of each task of ours, and a random-action baseline."""

from __future__ import annotations

import random
from typing import Any

from arenax.envs.browser.axtree import AXTree
from arenax.envs.browser.tasks.base import WORDS, call


class OracleAgent:
    """Plays the task's scripted oracle: it reads the generated instance and finds bids in the tree.

    `act(observation)` returns the next action string; call `reset()` at the start of each episode.
    """

    def __init__(self, env: Any) -> None:
        self.env = env.unwrapped
        if getattr(self.env, "instance", None) is None and not hasattr(self.env.episodes, "task"):
            raise ValueError("the oracle needs one of arenax's own browser tasks (MiniWoB++ tasks have none)")
        self.memory: dict = {}

    def reset(self) -> None:
        self.memory = {}

    def act(self, observation: dict[str, Any]) -> str:
        task = self.env.episodes.task
        try:
            return task.oracle(self.env.instance, AXTree(observation["axtree_txt"]), self.memory)
        except LookupError:
            return "noop(100)"


class RandomAgent:
    """Uniformly random actions over the elements of the current tree: click, fill, select, scroll, press."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)

    def reset(self) -> None:
        return None

    def act(self, observation: dict[str, Any]) -> str:
        nodes = [node for node in AXTree(observation["axtree_txt"]).nodes if node.bid is not None]
        if not nodes:
            return "noop(100)"
        node = self.rng.choice(nodes)
        kind = self.rng.random()
        if node.role in ("textbox", "searchbox") and kind < 0.6:
            return call("fill", node.bid, self.rng.choice(WORDS))
        if node.role == "combobox" and kind < 0.6:
            return call("press", node.bid, self.rng.choice(["ArrowDown", "ArrowUp", "Enter"]))
        if kind < 0.05:
            return call("scroll", 0, self.rng.choice([-300, 300]))
        return call("click", node.bid)

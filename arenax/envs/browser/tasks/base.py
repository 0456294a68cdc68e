"""What a task of our own is: a seeded generator of pages, a validator of the submission, a scripted oracle."""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from arenax.envs.browser.axtree import AXTree

LEVELS = ("easy", "medium", "hard")

FIRST_NAMES = ("Alice", "Bruno", "Chen", "Dana", "Emeka", "Fatima", "Goran", "Hana", "Ivan", "Julia", "Kofi",
               "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor",
               "Wen", "Ximena", "Yusuf", "Zoe")
WORDS = ("amber", "basil", "cedar", "delta", "ember", "fjord", "grove", "harbor", "indigo", "juniper", "kelp",
         "lagoon", "maple", "nectar", "orbit", "pepper", "quartz", "raven", "saffron", "tundra", "umber",
         "velvet", "willow", "xenon", "yarrow", "zephyr", "bright", "calm", "dusty", "eager", "frosty", "gentle",
         "hollow", "icy", "jolly", "keen", "lively", "misty", "noble", "olive")
CITIES = ("Oslo", "Lima", "Cairo", "Quito", "Perth", "Dakar", "Hanoi", "Kyiv", "Porto", "Seoul", "Tunis",
          "Riga", "Accra", "Bern", "Doha", "Malmo", "Nice", "Split", "Turin", "Zagreb")
COLORS = ("red", "green", "blue", "yellow", "purple", "orange", "black", "white")

escape = html.escape
_STATIC = Path(__file__).resolve().parents[1] / "static"
# Inlined rather than linked: each request of a page costs a round trip through the loopback-only route.
_HELPERS_JS = (_STATIC / "arenax.js").read_text()
_TASKS_CSS = (_STATIC / "tasks.css").read_text()


def attr_json(value: Any) -> str:
    """A JSON value escaped for an HTML attribute (for `data-arenax-submit`)."""
    return escape(json.dumps(value), quote=True)


def page(title: str, body: str, script: str = "", style: str = "") -> str:
    """A complete task page that loads the shared helpers."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        f"<title>{escape(title)}</title><style>{_TASKS_CSS}{style}</style>"
        f"<script>{_HELPERS_JS}</script></head><body><main id='area'>{body}</main>"
        f"<script>{script}</script></body></html>"
    )


@dataclass
class Instance:
    """One generated episode: the goal, the pages (the first one opens), what the submission must equal."""

    goal: str
    pages: dict[str, str]
    expected: Any
    data: dict[str, Any] = field(default_factory=dict)
    start: str = "index.html"


Oracle = Callable[[Instance, AXTree, dict], str]


@dataclass(frozen=True)
class Task:
    """A task: `generate(rng, level)` makes an `Instance`; `oracle` picks the next action from the tree."""

    name: str
    description: str
    generate: Callable[[random.Random, int], Instance]
    oracle: Oracle
    max_steps: tuple[int, int, int] = (10, 15, 20)
    answer_by_message: bool = False
    multi_page: bool = False
    validate: Callable[[Instance, Any], bool] | None = None

    def instance(self, seed: int, difficulty: str) -> Instance:
        """The episode for `seed` at `difficulty` (the same seed gives the same pages)."""
        if difficulty not in LEVELS:
            raise ValueError(f"difficulty must be one of {LEVELS}, got {difficulty!r}")
        return self.generate(random.Random(f"{self.name}:{difficulty}:{seed}"), LEVELS.index(difficulty))

    def score(self, instance: Instance, submission: Any) -> bool:
        """True when `submission` solves `instance`."""
        if self.validate is not None:
            return bool(self.validate(instance, submission))
        return normalize(submission) == normalize(instance.expected)


def normalize(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split()).lower()
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize(item) for item in value]
    return value


TASKS: dict[str, Task] = {}


def task(name: str, description: str, **options: Any) -> Callable[[Callable], Callable]:
    """Registers the generator it decorates together with `options['oracle']`."""

    def decorate(generate: Callable[[random.Random, int], Instance]) -> Callable:
        if name in TASKS:
            raise ValueError(f"task {name!r} is defined twice")
        TASKS[name] = Task(name, description, generate, **options)
        return generate

    return decorate


def call(action: str, *args: Any) -> str:
    """An action string such as `click("12")` with its arguments quoted as Python literals."""
    return f"{action}({', '.join(repr(a) for a in args)})"

"""OSWorld-shaped evaluators: a getter reads the sandbox's final state, a metric scores it in [0, 1].

Getters run inside the episode's sandbox (as OSWorld's run inside its VM) after the agent has finished.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any, Protocol

from arenax.envs.os.sandbox import Sandbox

GETTER_TIMEOUT_S = 10.0
TREE_SCRIPT = (
    "import hashlib, os, sys\n"
    "root = os.path.expanduser(sys.argv[1])\n"
    "for base, dirs, files in os.walk(root):\n"
    "    for name in files:\n"
    "        path = os.path.join(base, name)\n"
    "        digest = hashlib.sha256(open(path, 'rb').read()).hexdigest() if os.path.isfile(path) else 'special'\n"
    "        print(os.path.relpath(path, root), digest)\n"
)


class Getter(Protocol):
    def __call__(self, sandbox: Sandbox) -> Any: ...


class Metric(Protocol):
    def __call__(self, value: Any) -> float: ...


@dataclass(frozen=True)
class Evaluator:
    """`metric(getter(sandbox))`, clipped to [0, 1]."""

    getter: Getter
    metric: Metric

    def score(self, sandbox: Sandbox) -> float:
        return float(min(1.0, max(0.0, self.metric(self.getter(sandbox)))))


@dataclass(frozen=True)
class FileText:
    """The text of a file under the home, or None when it does not exist."""

    path: str

    def __call__(self, sandbox: Sandbox) -> str | None:
        data = sandbox.fetch(self.path)
        return None if data is None else data.decode("utf-8", "replace")


@dataclass(frozen=True)
class CommandOutput:
    """The standard output of a shell command run in the home."""

    command: str

    def __call__(self, sandbox: Sandbox) -> str:
        return sandbox.run(f"cd ~\n{self.command}", timeout_s=GETTER_TIMEOUT_S)["stdout"]


@dataclass(frozen=True)
class FileTree:
    """Every regular file under a folder as `relative/path sha256` strings (a set)."""

    root: str

    def __call__(self, sandbox: Sandbox) -> frozenset[str]:
        command = f"python3 -c {shlex.quote(TREE_SCRIPT)} {shlex.quote(self.root)}"
        return frozenset(CommandOutput(command)(sandbox).splitlines())


@dataclass(frozen=True)
class Checks:
    """Named shell tests run in the home; the value is the list of which passed."""

    tests: tuple[str, ...]

    def __call__(self, sandbox: Sandbox) -> list[bool]:
        script = "\n".join(f"( {test} ) >/dev/null 2>&1 && echo 1 || echo 0" for test in self.tests)
        lines = CommandOutput(script)(sandbox).split()
        return [line == "1" for line in lines] + [False] * (len(self.tests) - len(lines))


def fraction_passed(value: list[bool]) -> float:
    return sum(value) / len(value)


@dataclass(frozen=True)
class GatedFraction:
    """0 unless the first `gates` checks pass (things that must stay as they were), else the fraction of the rest."""

    gates: int

    def __call__(self, value: list[bool]) -> float:
        if not all(value[: self.gates]):
            return 0.0
        targets = value[self.gates :]
        return sum(targets) / len(targets)


@dataclass(frozen=True)
class ExactText:
    """1 when the text equals `expected` after stripping surrounding whitespace on both sides."""

    expected: str

    def __call__(self, value: str | None) -> float:
        return float(value is not None and value.strip() == self.expected.strip())


@dataclass(frozen=True)
class NumberClose:
    """1 when the text parses as a number within `tolerance` of `expected`."""

    expected: float
    tolerance: float = 1e-6

    def __call__(self, value: str | None) -> float:
        try:
            return float(abs(float((value or "").strip()) - self.expected) <= self.tolerance)
        except ValueError:
            return 0.0


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


@dataclass(frozen=True)
class SetOverlap:
    """Partial credit by the Jaccard index |expected & got| / |expected | got| (1 only for the exact set),
    rescaled so that the task's `initial` state (when given) scores 0: credit is for progress, not for what
    was already right."""

    expected: frozenset
    initial: frozenset = frozenset()

    def __call__(self, value) -> float:
        baseline = jaccard(self.expected, self.initial)
        if baseline >= 1.0:
            return float(frozenset(value) == self.expected)
        return max(0.0, (jaccard(self.expected, frozenset(value)) - baseline) / (1.0 - baseline))


@dataclass(frozen=True)
class LineSetOverlap:
    """SetOverlap over the non-empty stripped lines of a text (None scores 0)."""

    expected: frozenset

    def __call__(self, value: str | None) -> float:
        if value is None:
            return 0.0
        return SetOverlap(self.expected)({line.strip() for line in value.splitlines() if line.strip()})


@dataclass(frozen=True)
class JsonFields:
    """Partial credit for a JSON object: the fraction of `expected` keys with equal values, 0 on extra keys."""

    expected: dict

    def __call__(self, value: str | None) -> float:
        try:
            got = json.loads(value or "")
        except ValueError:
            return 0.0
        if not isinstance(got, dict) or set(got) - set(self.expected):
            return 0.0
        return sum(got.get(key) == item for key, item in self.expected.items()) / len(self.expected)

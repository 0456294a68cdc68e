"""Parsing the accessibility-tree text (`[bid] role 'name', states`) into nodes that agents can search."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINE = re.compile(r"^(\t*)(?:\[(\w+)\] )?(\S+)(?: '((?:[^'\\]|\\.)*)')?(?:, (.*))?$")
_STATE = re.compile(r"(\w+)(?:=('(?:[^'\\]|\\.)*'|[^,]*))?(?:, |$)")


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@dataclass(frozen=True)
class Node:
    """One line of the tree; `bid` is None for text that belongs to no actionable element."""

    bid: str | None
    role: str
    name: str
    depth: int
    states: dict[str, str] = field(default_factory=dict)

    @property
    def value(self) -> str:
        return self.states.get("value", "")

    @property
    def checked(self) -> bool:
        return self.states.get("checked") == "true"


def parse_axtree(text: str) -> list[Node]:
    """The nodes of `text`, in document order."""
    nodes = []
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        tabs, bid, role, name, state_text = match.groups()
        states = {}
        for key, value in _STATE.findall(state_text or ""):
            states[key] = _unquote(value[1:-1]) if value.startswith("'") else (value or "true")
        nodes.append(Node(bid, role, _unquote(name or ""), len(tabs), states))
    return nodes


class AXTree:
    """Search helpers over a parsed tree (used by the scripted oracles and the random agent)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nodes = parse_axtree(text)

    def find_all(self, role: str | None = None, name: str | None = None, contains: str | None = None) -> list[Node]:
        return [
            node
            for node in self.nodes
            if (role is None or node.role == role)
            and (name is None or node.name == name)
            and (contains is None or contains in node.name)
        ]

    def find(self, role: str | None = None, name: str | None = None, contains: str | None = None) -> Node | None:
        found = self.find_all(role, name, contains)
        return found[0] if found else None

    def get(self, role: str | None = None, name: str | None = None, contains: str | None = None) -> Node:
        node = self.find(role, name, contains)
        if node is None or node.bid is None:
            raise LookupError(f"no element with role={role!r} name={name!r} contains={contains!r} in the tree")
        return node

    def bid(self, role: str | None = None, name: str | None = None, contains: str | None = None) -> str:
        return self.get(role, name, contains).bid  # type: ignore[return-value]

    def subtree(self, node: Node) -> list[Node]:
        """`node`'s descendants (the lines indented under it)."""
        start = self.nodes.index(node)
        out = []
        for other in self.nodes[start + 1 :]:
            if other.depth <= node.depth:
                break
            out.append(other)
        return out

    def texts(self) -> list[str]:
        return [node.name for node in self.nodes if node.role == "StaticText"]

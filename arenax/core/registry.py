"""The one table of environments: `register`, `make`, `list_envs`, and their Gymnasium registration."""

from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

import gymnasium

NAMESPACE = "arenax"

GYMNASIUM_ENTRY_POINT = "arenax.wrappers.gymnasium_env:make_gymnasium_env"
VECTOR_ENTRY_POINT = "arenax.wrappers.vector_env:make_vector_env"


@dataclass(frozen=True)
class EnvSpec:
    """One row of the table.

    `kind` is "jax" for `arenax.core.Environment` subclasses and "python" for
    plain `gymnasium.Env` classes (browser and OS tasks).
    """

    id: str
    entry_point: str | Callable[..., Any]
    family: str
    description: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    kind: str = "jax"
    multi_agent: bool = False

    def load(self) -> Callable[..., Any]:
        if callable(self.entry_point):
            return self.entry_point
        module, _, attribute = self.entry_point.partition(":")
        return getattr(importlib.import_module(module), attribute)


_REGISTRY: dict[str, EnvSpec] = {}


class UnknownEnvironmentError(LookupError):
    """An id that is not in the table; the message lists the closest registered ids."""


def register(
    id: str,
    entry_point: str | Callable[..., Any],
    *,
    family: str,
    description: str,
    kwargs: dict[str, Any] | None = None,
    kind: str = "jax",
    multi_agent: bool = False,
) -> EnvSpec:
    """Adds an environment to the table and to Gymnasium's registry as `arenax/<id>`."""
    if kind not in ("jax", "python"):
        raise ValueError(f"kind must be 'jax' or 'python', got {kind!r} for {id!r}")
    if id in _REGISTRY:
        raise ValueError(f"environment id {id!r} is already registered by family {_REGISTRY[id].family!r}")
    spec = EnvSpec(id, entry_point, family, description, dict(kwargs or {}), kind, multi_agent)
    _REGISTRY[id] = spec
    gym_id = f"{NAMESPACE}/{id}"
    if kind == "jax":
        gymnasium.register(
            gym_id,
            entry_point=GYMNASIUM_ENTRY_POINT,
            vector_entry_point=VECTOR_ENTRY_POINT,
            kwargs={"env_id": id},
        )
    else:
        gymnasium.register(gym_id, entry_point=entry_point, kwargs=spec.kwargs)
    return spec


def unregister(env_id: str) -> None:
    """Removes `env_id` from the table and from Gymnasium's registry (for temporary environments in tests)."""
    row = spec(env_id)
    del _REGISTRY[row.id]
    gymnasium.registry.pop(f"{NAMESPACE}/{row.id}", None)


def spec(env_id: str) -> EnvSpec:
    """The table's row for `env_id` (with or without the `arenax/` prefix)."""
    key = env_id.removeprefix(f"{NAMESPACE}/")
    if key not in _REGISTRY:
        close = difflib.get_close_matches(key, list(_REGISTRY), n=5, cutoff=0.5)
        hint = f" Closest registered ids: {', '.join(close)}." if close else ""
        raise UnknownEnvironmentError(
            f"Unknown arenax environment {env_id!r}.{hint} arenax.list_envs() lists all {len(_REGISTRY)} ids."
        )
    return _REGISTRY[key]


def make(env_id: str, **kwargs: Any) -> Any:
    """Builds the environment `env_id`; `kwargs` override the registered constructor arguments."""
    row = spec(env_id)
    return row.load()(**{**row.kwargs, **kwargs})


def list_envs(family: str | None = None) -> list[str]:
    """Every registered id (optionally of one family), sorted."""
    return sorted(i for i, s in _REGISTRY.items() if family is None or s.family == family)


def markdown_table() -> str:
    """The environment catalogue as a Markdown table, one row per id (the README embeds it)."""
    lines = ["| id | family | kind | agents | description |", "| --- | --- | --- | --- | --- |"]
    for env_id in list_envs():
        row = _REGISTRY[env_id]
        agents = "multi" if row.multi_agent else "single"
        lines.append(f"| `arenax/{env_id}` | {row.family} | {row.kind} | {agents} | {row.description} |")
    return "\n".join(lines) + "\n"

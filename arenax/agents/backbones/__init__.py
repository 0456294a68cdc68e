"""Sequence backbones with one interface (parallel mode, one-step mode, resets): `names()` and `make(name, **sizes)`."""

from __future__ import annotations

import dataclasses
from typing import Any

from arenax.agents.backbones.base import Backbone, resolve_mode
from arenax.agents.backbones.gla import GLA
from arenax.agents.backbones.gru import GRU
from arenax.agents.backbones.h3 import H3
from arenax.agents.backbones.longvq import LongVQ
from arenax.agents.backbones.lru import LRU
from arenax.agents.backbones.lstm import LSTM
from arenax.agents.backbones.mamba import Mamba
from arenax.agents.backbones.ponet import PoNet
from arenax.agents.backbones.s4d import S4D
from arenax.agents.backbones.s5 import S5
from arenax.agents.backbones.tcnca import TCNCA
from arenax.agents.backbones.transnormer import TransNormer

# name -> (class, fixed attributes); one class may serve several names (S5 with either initialisation).
_TABLE: dict[str, tuple[type[Backbone], dict[str, Any]]] = {
    "gru": (GRU, {}),
    "lstm": (LSTM, {}),
    "s4d": (S4D, {}),
    "s5": (S5, {"initialization": "eigen"}),
    "s5_ptd": (S5, {"initialization": "ptd"}),
    "lru": (LRU, {}),
    "h3": (H3, {}),
    "mamba": (Mamba, {}),
    "transnormer": (TransNormer, {}),
    "gla": (GLA, {}),
    "longvq": (LongVQ, {}),
    "ponet": (PoNet, {}),
    "tcnca": (TCNCA, {}),
}


def names() -> list[str]:
    """The registered backbone names, sorted."""
    return sorted(_TABLE)


def defaults(name: str) -> dict[str, Any]:
    """The sizes `make(name, ...)` accepts, with their defaults (`features` has none: it must be given)."""
    cls, fixed = _lookup(name)
    accepted = {}
    for field in dataclasses.fields(cls):
        if field.name in ("parent", "name") or field.name in fixed:
            continue
        accepted[field.name] = None if field.default is dataclasses.MISSING else field.default
    return accepted


def make(name: str, **sizes: Any) -> Backbone:
    """Builds backbone `name` from its sizes, e.g. `make("s5", features=64, state_size=64)`.

    `sizes` are module attributes: every backbone needs `features`, its
    output width (inputs may have any width); `defaults(name)` lists the
    others and their defaults (state sizes, heads, windows, chunk sizes,
    initialisation ranges, and `mode` where there is a choice of parallel
    scan). Unknown names and sizes raise ValueError listing the valid ones.
    """
    cls, fixed = _lookup(name)
    accepted = defaults(name)
    unknown = sorted(set(sizes) - set(accepted))
    if unknown:
        raise ValueError(f"backbone {name!r} does not take {unknown}; it takes {sorted(accepted)}")
    if "features" not in sizes:
        raise ValueError(f"backbone {name!r} needs features=<output width>")
    return cls(**fixed, **sizes)


def _lookup(name: str) -> tuple[type[Backbone], dict[str, Any]]:
    if name not in _TABLE:
        raise ValueError(f"unknown backbone {name!r}; valid names: {', '.join(names())}")
    return _TABLE[name]


__all__ = [
    "GLA",
    "GRU",
    "H3",
    "LRU",
    "LSTM",
    "S4D",
    "S5",
    "TCNCA",
    "Backbone",
    "LongVQ",
    "Mamba",
    "PoNet",
    "TransNormer",
    "defaults",
    "make",
    "names",
    "resolve_mode",
]

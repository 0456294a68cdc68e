"""The six characters: one frame-data table each, stacked into arrays indexed [character, move, column]."""

from __future__ import annotations

import numpy as np

from arenax.envs.fight.characters import blaze, bruno, mirage, ryn, tusk, vela
from arenax.envs.fight.characters.table import COLUMN, COLUMNS, STAT, STATS

ROSTER = (ryn, blaze, tusk, vela, bruno, mirage)
NAMES = tuple(module.NAME for module in ROSTER)
ARCHETYPES = tuple(module.ARCHETYPE for module in ROSTER)
NUM_CHARACTERS = len(ROSTER)
SPECIAL_NAMES = tuple(module.SPECIALS for module in ROSTER)

MOVE_DATA = np.stack([module.MOVES for module in ROSTER])
"""int32 `[NUM_CHARACTERS, NUM_MOVES, len(COLUMNS)]`: each character's frame data."""
STAT_DATA = np.stack([module.STATS for module in ROSTER])
"""int32 `[NUM_CHARACTERS, len(STATS)]`."""


def character_index(name: str) -> int:
    """The index of a character by name (case-insensitive), or a `ValueError` listing the roster."""
    key = str(name).lower()
    if key not in NAMES:
        raise ValueError(f"unknown character {name!r}; the roster is {NAMES}")
    return NAMES.index(key)


__all__ = [
    "ARCHETYPES",
    "COLUMN",
    "COLUMNS",
    "MOVE_DATA",
    "NAMES",
    "NUM_CHARACTERS",
    "SPECIAL_NAMES",
    "STAT",
    "STATS",
    "STAT_DATA",
    "character_index",
]

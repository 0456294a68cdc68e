"""The text spaces of the browser tasks: their character set, limits, and support for shared-memory vector envs."""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector.utils import read_from_shared_memory

MAX_TREE_CHARS = 100_000
MAX_TEXT_CHARS = 4_096
MAX_BOXES = 512
# Printable ASCII, whitespace, Latin-1 and the typographic marks pages commonly use; anything else reads as '?'.
CHARSET = frozenset(
    string.printable
    + "".join(chr(code) for code in range(0xA0, 0x180))
    + "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac\u2190\u2191\u2192\u2193\u2713\u2715\u00d7\u25b2\u25bc"
)
_CHARSET_STRING = "".join(sorted(CHARSET))


class PageText(spaces.Text):
    """A `Text` space whose values also travel through `AsyncVectorEnv`'s shared memory.

    Gymnasium 1.x reads a `Text` buffer once, when the vector env is built, so every later observation
    would read as that first snapshot; `PageText` buffers are read when the observation is copied out.
    """


class _SharedTexts(Sequence):
    """The texts of `n` environments, decoded from the shared buffer on access (a deep copy is a plain tuple)."""

    def __init__(self, space: PageText, memory: Any, n: int) -> None:
        self._codes = np.frombuffer(memory.get_obj(), dtype=np.int32).reshape(n, space.max_length)
        self._lookup = np.array([ord(c) for c in space.character_list] + [0], dtype=np.uint32)
        self._pad = len(space.character_list)

    def _decode(self, row: np.ndarray) -> str:
        used = row[row < self._pad]
        return self._lookup[used].tobytes().decode("utf-32-le")

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(self._decode(row) for row in self._codes[index])
        return self._decode(self._codes[index])

    def __deepcopy__(self, memo: dict) -> tuple[str, ...]:
        return tuple(self)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return repr(tuple(self))


@read_from_shared_memory.register(PageText)
def _read_page_texts(space: PageText, shared_memory: Any, n: int = 1) -> _SharedTexts:
    return _SharedTexts(space, shared_memory, n)


def text_space(max_length: int) -> PageText:
    return PageText(max_length=max_length, min_length=0, charset=_CHARSET_STRING)


def clip_text(text: str, max_length: int) -> str:
    """`text` in the space's character set, cut to `max_length` characters."""
    text = "".join(c if c in CHARSET else "?" for c in text)
    if len(text) > max_length:
        marker = "\n... (truncated)"
        text = text[: max_length - len(marker)] + marker
    return text

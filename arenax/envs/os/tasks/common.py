"""Helpers the task generators share: word lists and seeded choices."""

from __future__ import annotations

import numpy as np

WORDS = (
    "alpha", "amber", "apple", "arrow", "badge", "basil", "beach", "berry", "cable", "candle", "cedar", "chalk",
    "cloud", "comet", "coral", "delta", "dune", "ember", "fable", "fern", "flint", "frost", "garnet", "grove",
    "harbor", "hazel", "iris", "ivory", "jade", "jasper", "kettle", "lagoon", "lemon", "linen", "maple", "marble",
    "meadow", "mint", "nectar", "nova", "oak", "olive", "onyx", "opal", "orbit", "pebble", "pepper", "pine",
    "plume", "quartz", "raven", "reed", "ridge", "river", "saffron", "sage", "shadow", "silk", "slate", "spruce",
    "stone", "storm", "thistle", "tide", "topaz", "tulip", "umber", "velvet", "violet", "willow", "wren", "zephyr",
)


def words(rng: np.random.Generator, count: int) -> list[str]:
    """`count` distinct words in random order."""
    return [WORDS[i] for i in rng.choice(len(WORDS), size=count, replace=False)]


def sentence(rng: np.random.Generator, length: int) -> str:
    return " ".join(WORDS[i] for i in rng.integers(0, len(WORDS), size=length))


def integer(rng: np.random.Generator, low: int, high: int) -> int:
    """A Python int in [low, high]."""
    return int(rng.integers(low, high + 1))

"""Plain numpy drawing for the memory tasks' `render`: palettes, rectangles and a grid of cards."""

from __future__ import annotations

import numpy as np

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
GREEN = (40, 170, 60)
RED = (210, 40, 40)
GREY = (150, 150, 150)

CARDS_PER_ROW = 26
CELL = 10


def palette(num_values: int) -> np.ndarray:
    """`num_values` distinguishable RGB colors (uint8), evenly spaced in hue."""
    hues = np.arange(num_values) / max(num_values, 1)
    sector = hues * 6.0
    channel = np.stack([np.abs(sector - 3) - 1, 2 - np.abs(sector - 2), 2 - np.abs(sector - 4)], axis=-1)
    return (np.clip(channel, 0, 1) * 180 + 40).astype(np.uint8)


def canvas(height: int, width: int) -> np.ndarray:
    return np.full((height, width, 3), 255, np.uint8)


def fill(image: np.ndarray, top: int, left: int, height: int, width: int, color) -> None:
    """Fills a rectangle, clipped to the image."""
    image[max(top, 0) : max(top + height, 0), max(left, 0) : max(left + width, 0)] = color


def outline(image: np.ndarray, top: int, left: int, height: int, width: int, color) -> None:
    fill(image, top, left, height, 1, color)
    fill(image, top, left + width - 1, height, 1, color)
    fill(image, top, left, 1, width, color)
    fill(image, top + height - 1, left, 1, width, color)


def card_grid(values: np.ndarray, num_values: int, shown: np.ndarray, marks: dict[int, tuple]) -> np.ndarray:
    """A deck drawn as rows of colored cells, one color per card value.

    Cards not yet shown to the agent are faded; `marks` outlines chosen cards
    (position in the deck -> RGB), for example the current card and the answer.
    """
    colors = palette(num_values)
    rows = -(-len(values) // CARDS_PER_ROW)
    image = canvas(rows * CELL + 2, CARDS_PER_ROW * CELL + 2)
    for position, value in enumerate(np.asarray(values)):
        top, left = 1 + (position // CARDS_PER_ROW) * CELL, 1 + (position % CARDS_PER_ROW) * CELL
        color = colors[int(value)] if shown[position] else (colors[int(value)] // 4 + 190)
        fill(image, top + 1, left + 1, CELL - 2, CELL - 2, color)
    for position, color in marks.items():
        top, left = 1 + (position // CARDS_PER_ROW) * CELL, 1 + (position % CARDS_PER_ROW) * CELL
        outline(image, top - 1, left - 1, CELL + 2, CELL + 2, color)
    return image


def count_bars(counts: np.ndarray, most: int, framed: int | None = None) -> np.ndarray:
    """One vertical bar per card kind, as tall as its count out of `most`; `framed` outlines one kind."""
    counts = np.asarray(counts)
    colors = palette(len(counts))
    height, bar = 40, CELL * 2
    image = canvas(height + 2, CARDS_PER_ROW * CELL + 2)
    for kind, count in enumerate(counts):
        left = 1 + kind * bar
        filled = int(round(height * max(int(count), 0) / max(most, 1)))
        fill(image, 1 + height - filled, left + 2, filled, bar - 4, colors[kind])
        if kind == framed:
            outline(image, 0, left, height + 2, bar, BLACK)
    return image


def stack(*images: np.ndarray) -> np.ndarray:
    """Images one above the other, padded with white to the widest, a thin gap between them."""
    width = max(image.shape[1] for image in images)
    rows = []
    for image in images:
        padded = canvas(image.shape[0], width)
        padded[:, : image.shape[1]] = image
        rows += [padded, canvas(4, width)]
    return np.concatenate(rows[:-1], axis=0)

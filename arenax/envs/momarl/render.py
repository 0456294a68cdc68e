"""Plain numpy drawing for the multi-objective environments' `render`: canvas, rectangles, discs and palettes."""

from __future__ import annotations

import numpy as np

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
GREY = (170, 170, 170)
SAND = (236, 214, 160)
SEA = (90, 150, 220)
RED = (210, 50, 50)
YELLOW = (235, 200, 40)
BLUE = (40, 90, 200)


def palette(num_colors: int) -> np.ndarray:
    """`num_colors` distinguishable RGB colors (uint8), evenly spaced in hue."""
    hues = np.arange(num_colors) / max(num_colors, 1)
    sector = hues * 6.0
    channel = np.stack([np.abs(sector - 3) - 1, 2 - np.abs(sector - 2), 2 - np.abs(sector - 4)], axis=-1)
    return (np.clip(channel, 0, 1) * 180 + 40).astype(np.uint8)


def canvas(height: int, width: int, color=WHITE) -> np.ndarray:
    image = np.empty((height, width, 3), np.uint8)
    image[:] = color
    return image


def fill(image: np.ndarray, top: int, left: int, height: int, width: int, color) -> None:
    """Fills a rectangle, clipped to the image."""
    image[max(top, 0) : max(top + height, 0), max(left, 0) : max(left + width, 0)] = color


def disc(image: np.ndarray, row: float, col: float, radius: float, color) -> None:
    """Fills a disc centred at (`row`, `col`), clipped to the image."""
    rows, cols = np.ogrid[: image.shape[0], : image.shape[1]]
    image[(rows - row) ** 2 + (cols - col) ** 2 <= radius**2] = color


def line(image: np.ndarray, start: tuple[float, float], end: tuple[float, float], color, width: int = 2) -> None:
    """Draws a thick segment from `start` to `end` (row, col), clipped to the image."""
    steps = int(max(abs(end[0] - start[0]), abs(end[1] - start[1]), 1)) * 2
    for t in np.linspace(0.0, 1.0, steps + 1):
        row = start[0] + t * (end[0] - start[0])
        col = start[1] + t * (end[1] - start[1])
        fill(image, int(row) - width // 2, int(col) - width // 2, width, width, color)

"""Plain numpy drawing of a SMAX battle: units as discs with health bars, attacks as lines."""

from __future__ import annotations

import numpy as np

from arenax.envs.smax.types import FIRST_TARGET, HEALER, NUM_UNIT_TYPES

PIXELS_PER_UNIT = 12
BACKGROUND = (236, 232, 220)
TEAM_COLORS = ((40, 90, 200), (200, 50, 40))
HEAL_COLOR = (40, 170, 60)
DEAD_COLOR = (150, 150, 150)


def _type_colors() -> np.ndarray:
    hues = np.arange(NUM_UNIT_TYPES) / NUM_UNIT_TYPES * 6.0
    channels = np.stack([np.abs(hues - 3) - 1, 2 - np.abs(hues - 2), 2 - np.abs(hues - 4)], axis=-1)
    return (np.clip(channels, 0, 1) * 200 + 30).astype(np.uint8)


TYPE_COLORS = _type_colors()


def _disc(image: np.ndarray, centre: np.ndarray, radius: float, color) -> None:
    height, width = image.shape[:2]
    rows, cols = np.ogrid[:height, :width]
    image[(rows - centre[1]) ** 2 + (cols - centre[0]) ** 2 <= radius**2] = color


def _line(image: np.ndarray, start: np.ndarray, end: np.ndarray, color) -> None:
    count = int(np.abs(end - start).max()) + 1
    points = np.rint(np.linspace(start, end, count)).astype(int)
    height, width = image.shape[:2]
    keep = (points[:, 0] >= 0) & (points[:, 0] < width) & (points[:, 1] >= 0) & (points[:, 1] < height)
    image[points[keep, 1], points[keep, 0]] = color


def draw_battle(state, num_allies: int, ally_table: np.ndarray, enemy_table: np.ndarray) -> np.ndarray:
    """An RGB image of `state` (host arrays), north up: team colour rings, type-coloured centres, health bars."""
    params = state.params
    scale = PIXELS_PER_UNIT
    width = int(round(float(params.map_width) * scale))
    height = int(round(float(params.map_height) * scale))
    image = np.empty((height, width, 3), np.uint8)
    image[:] = BACKGROUND
    position = np.asarray(state.position, np.float64)
    pixels = np.stack([position[:, 0] * scale, height - 1 - position[:, 1] * scale], axis=1)
    unit_type = np.asarray(state.unit_type)
    health = np.asarray(state.health)
    max_health = np.asarray(params.unit_health)[unit_type]
    radius = np.maximum(np.asarray(params.unit_radius)[unit_type] * scale, 3.0)
    last_action = np.asarray(state.last_action)
    for unit in np.flatnonzero(health <= 0):
        _line(image, pixels[unit] - 3, pixels[unit] + 3, DEAD_COLOR)
        _line(image, pixels[unit] + np.array([-3, 3]), pixels[unit] + np.array([3, -3]), DEAD_COLOR)
    for unit in np.flatnonzero((health > 0) & (last_action >= FIRST_TARGET)):
        table = ally_table if HEALER[unit_type[unit]] else enemy_table
        target = table[unit, last_action[unit] - FIRST_TARGET]
        if target >= 0:
            color = HEAL_COLOR if HEALER[unit_type[unit]] else TEAM_COLORS[int(unit >= num_allies)]
            _line(image, pixels[unit], pixels[target], color)
    for unit in np.flatnonzero(health > 0):
        _disc(image, pixels[unit], radius[unit], TEAM_COLORS[int(unit >= num_allies)])
        _disc(image, pixels[unit], radius[unit] * 0.55, TYPE_COLORS[unit_type[unit]])
        top = int(pixels[unit, 1] - radius[unit] - 4)
        left = int(pixels[unit, 0] - radius[unit])
        span = int(2 * radius[unit])
        filled = int(round(span * float(health[unit] / max_health[unit])))
        if 0 <= top < height:
            row = image[top, max(left, 0) : max(left + span, 0)]
            row[:] = (200, 40, 40)
            image[top, max(left, 0) : max(left + filled, 0)] = (40, 180, 60)
    return image

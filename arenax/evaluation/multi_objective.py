"""Multi-objective metrics over sets of return vectors (maximisation): Pareto filtering, hypervolume, utility, spread."""

from __future__ import annotations

from typing import Callable

import numpy as np


def _as_points(points, name: str = "points") -> np.ndarray:
    array = np.asarray(points, dtype=np.float64)
    if array.ndim == 1 and array.size == 0:
        return array.reshape(0, 0)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array [n_points, n_objectives], got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite; got NaN or infinite values")
    return array


def pareto_mask(points) -> np.ndarray:
    """Boolean mask of the points that no other point weakly dominates with one strict improvement (maximisation).

    Duplicates of a non-dominated point are all kept; `pareto_front` keeps one of each. Each
    surviving candidate removes the points it dominates, so the cost is `n * front size`.
    """
    array = _as_points(points)
    candidates = np.arange(len(array))
    position = 0
    while position < len(candidates):
        point = array[candidates[position]]
        rest = array[candidates]
        survives = np.any(rest > point, axis=1) | np.all(rest == point, axis=1)
        candidates = candidates[survives]
        position = int(np.sum(survives[:position])) + 1
    mask = np.zeros(len(array), bool)
    mask[candidates] = True
    return mask


def pareto_front(points) -> np.ndarray:
    """The distinct non-dominated points of `points` (maximisation), sorted lexicographically."""
    array = _as_points(points)
    if len(array) == 0:
        return array
    front = np.unique(array[pareto_mask(array)], axis=0)
    return front


def cardinality(points) -> int:
    """The number of distinct non-dominated points."""
    return int(len(pareto_front(points)))


def hypervolume(points, ref_point) -> float:
    """The volume dominated by `points` and dominating `ref_point` (maximisation), computed exactly.

    Points that do not strictly dominate `ref_point` in every objective add
    nothing. Exact in any dimension: a sort and a sweep for 2 objectives,
    slices along the last objective above that, so the cost grows as about
    `n ** (d - 1) log n` (10,000 points in 2-D or 200 in 4-D take about a second or less).
    """
    ref = np.asarray(ref_point, dtype=np.float64)
    array = _as_points(points)
    if ref.ndim != 1:
        raise ValueError(f"ref_point must be a vector [n_objectives], got shape {ref.shape}")
    if len(array) == 0:
        return 0.0
    if array.shape[1] != ref.shape[0]:
        raise ValueError(f"points have {array.shape[1]} objectives but ref_point has {ref.shape[0]}")
    inside = array[np.all(array > ref, axis=1)]
    if len(inside) == 0:
        return 0.0
    return float(_hypervolume(inside - ref))


def _hypervolume(points: np.ndarray) -> float:
    """Hypervolume of non-negative points against the origin (dominated points allowed)."""
    dims = points.shape[1]
    if dims == 1:
        return float(points.max())
    if dims == 2:
        # sweep from the largest first objective down; the union's height is the running best second objective
        order = np.argsort(-points[:, 0], kind="stable")
        x = points[order, 0]
        best_y = np.maximum.accumulate(points[order, 1])
        widths = x - np.append(x[1:], 0.0)
        return float(np.sum(widths * best_y))
    if dims > 3:
        points = points[pareto_mask(points)]
    heights = np.unique(points[:, -1])[::-1]
    lower = np.append(heights[1:], 0.0)
    volume = 0.0
    for top, bottom in zip(heights, lower):
        volume += (top - bottom) * _hypervolume(points[points[:, -1] >= top, :-1])
    return volume


def simplex_weights(n_objectives: int, divisions: int) -> np.ndarray:
    """Every weight vector on the simplex with coordinates that are multiples of `1 / divisions` (Das and Dennis)."""
    if n_objectives < 1 or divisions < 1:
        raise ValueError(f"n_objectives and divisions must be positive, got {n_objectives} and {divisions}")

    def compositions(total: int, parts: int):
        if parts == 1:
            yield (total,)
            return
        for first in range(total, -1, -1):
            for rest in compositions(total - first, parts - 1):
                yield (first, *rest)

    return np.array(list(compositions(divisions, n_objectives)), dtype=np.float64) / divisions


def default_weights(n_objectives: int, target: int = 100) -> np.ndarray:
    """A simplex lattice of at least `target` weights (or the finest below 10,000 points)."""
    divisions = 1
    while len(simplex_weights(n_objectives, divisions)) < target:
        divisions += 1
    return simplex_weights(n_objectives, divisions)


def expected_utility(
    points,
    weights=None,
    utility: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> float:
    """Expected utility (EUM): the mean over `weights` of the best utility any point reaches.

    `utility(weights [k, d], points [n, d]) -> [k, n]` defaults to the linear
    scalarisation `weights @ points.T`; `weights` default to `default_weights`.
    """
    array = _as_points(points)
    if len(array) == 0:
        raise ValueError("expected_utility needs at least one point")
    weights = default_weights(array.shape[1]) if weights is None else _as_points(weights, "weights")
    if weights.shape[1] != array.shape[1]:
        raise ValueError(f"weights have {weights.shape[1]} objectives but points have {array.shape[1]}")
    values = weights @ array.T if utility is None else np.asarray(utility(weights, array), dtype=np.float64)
    return float(np.mean(values.max(axis=1)))


def maximum_utility_loss(points, reference_points, weights=None) -> float:
    """The largest loss of linear utility, over `weights`, of `points` against `reference_points` (MUL)."""
    array = _as_points(points)
    reference = _as_points(reference_points, "reference_points")
    weights = default_weights(array.shape[1]) if weights is None else _as_points(weights, "weights")
    loss = (weights @ reference.T).max(axis=1) - (weights @ array.T).max(axis=1)
    return float(loss.max())


def sparsity(points) -> float:
    """Mean squared gap between neighbouring front points along each objective (Xu et al., 2020); lower is denser."""
    front = pareto_front(points)
    if len(front) < 2:
        return 0.0
    ordered = np.sort(front, axis=0)
    return float(np.sum(np.diff(ordered, axis=0) ** 2) / (len(front) - 1))


def igd(points, reference_points) -> float:
    """Inverted generational distance: the mean distance from each reference point to the closest of `points`."""
    array = _as_points(points)
    reference = _as_points(reference_points, "reference_points")
    if len(array) == 0 or len(reference) == 0:
        raise ValueError("igd needs at least one point and one reference point")
    if array.shape[1] != reference.shape[1]:
        raise ValueError(f"points have {array.shape[1]} objectives but reference_points have {reference.shape[1]}")
    distances = np.linalg.norm(reference[:, None, :] - array[None, :, :], axis=-1)
    return float(distances.min(axis=1).mean())

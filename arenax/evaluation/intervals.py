"""Confidence intervals from bootstrap replicates: percentile, basic, and BCa with a per-statistic acceleration."""

from __future__ import annotations

import warnings
from statistics import NormalDist

import numpy as np

METHODS = ("percentile", "basic", "bca")
_NORMAL = NormalDist()


def check_interval_arguments(method: str, confidence: float, reps: int) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")
    if int(reps) != reps or reps < 2:
        raise ValueError(f"reps must be an integer of at least 2, got {reps}")


def jackknife_acceleration(values: np.ndarray, strata: np.ndarray, stratum_sizes: np.ndarray) -> np.ndarray:
    """BCa acceleration of each statistic (column) from a stratified leave-one-out jackknife.

    values: (left-out entries, statistics); strata: the stratum (task, or
    algorithm and task) of each left-out entry; stratum_sizes: that stratum's
    number of runs. With influence values u = (n - 1) / n * (mean of the
    stratum's jackknife values - value), taken within each stratum (the
    multi-sample BCa of Davison and Hinkley, 1997),
    a = sum(u^3) / (6 * sum(u^2)^(3/2)), column by column, so every statistic
    gets its own acceleration. With one stratum this is Efron's formula.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.shape[0] == 0:
        return np.zeros(values.shape[1])
    _, stratum_index = np.unique(strata, return_inverse=True, axis=0)
    stratum_index = stratum_index.reshape(-1)
    members = np.zeros((values.shape[0], stratum_index.max() + 1))
    members[np.arange(values.shape[0]), stratum_index] = 1.0
    stratum_means = (members.T @ values) / members.sum(axis=0)[:, None]
    scale = ((stratum_sizes - 1.0) / stratum_sizes)[:, None]
    influence = scale * (stratum_means[stratum_index] - values)
    numerator = np.sum(influence**3, axis=0)
    spread = np.sum(influence**2, axis=0)
    acceleration = np.zeros(values.shape[1])
    usable = spread > 0
    acceleration[usable] = numerator[usable] / (6.0 * spread[usable] ** 1.5)
    return acceleration


def _bca_probabilities(
    replicates: np.ndarray, point: float, acceleration: float, alpha: float, statistic: str
) -> tuple[tuple[float, float] | None, bool]:
    """The two adjusted quantile levels (None when every replicate equals the point estimate), and whether
    the bias correction was undefined (every replicate on one side of the point) and had to be clipped."""
    if np.all(replicates == point):
        return None, False
    reps = replicates.size
    below = float(np.mean(replicates < point))
    clipped = below in (0.0, 1.0)
    below = min(max(below, 0.5 / reps), 1.0 - 0.5 / reps)
    bias = _NORMAL.inv_cdf(below)
    levels = []
    for z in (_NORMAL.inv_cdf(alpha / 2.0), _NORMAL.inv_cdf(1.0 - alpha / 2.0)):
        denominator = 1.0 - acceleration * (bias + z)
        if denominator <= 0.0:
            raise ValueError(
                f"BCa acceleration {acceleration:.3g} for {statistic} is too large for this confidence level; "
                "use method='percentile'"
            )
        levels.append(_NORMAL.cdf(bias + (bias + z) / denominator))
    return (levels[0], levels[1]), clipped


def interval_bounds(
    replicates: np.ndarray,
    point: np.ndarray,
    method: str,
    confidence: float,
    acceleration: np.ndarray | None = None,
    names: list[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds, one per column of `replicates` (reps, statistics).

    Quantiles interpolate linearly between order statistics, as numpy's
    default (and rliable's) does.
    """
    replicates = np.asarray(replicates, dtype=np.float64)
    point = np.asarray(point, dtype=np.float64).reshape(-1)
    alpha = 1.0 - confidence
    if method in ("percentile", "basic"):
        # Quantiles along contiguous rows: numpy partitions a strided column several times slower.
        columns = np.ascontiguousarray(replicates.T)
        low, high = np.quantile(columns, [alpha / 2.0, 1.0 - alpha / 2.0], axis=1)
        if method == "basic":
            low, high = 2.0 * point - high, 2.0 * point - low
        return low, high
    if method != "bca":
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if acceleration is None:
        raise ValueError("BCa needs the jackknife acceleration of each statistic")
    columns = np.ascontiguousarray(replicates.T)
    low = np.empty(point.size)
    high = np.empty(point.size)
    undefined = []
    for column in range(point.size):
        statistic = names[column] if names else f"statistic {column}"
        levels, clipped = _bca_probabilities(columns[column], point[column], acceleration[column], alpha, statistic)
        if clipped:
            undefined.append(statistic)
        if levels is None:
            low[column] = high[column] = point[column]
        else:
            low[column], high[column] = np.quantile(columns[column], levels)
    if undefined:
        shown = ", ".join(undefined[:5]) + (f" and {len(undefined) - 5} more" if len(undefined) > 5 else "")
        warnings.warn(
            f"BCa bias correction is undefined for {shown}: every replicate lies on one side of the point "
            "estimate, so the proportion below it was clipped to 1/(2 reps)",
            stacklevel=3,
        )
    return low, high


def simultaneous_band(replicates: np.ndarray, point: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """A band around `point` that holds at every column at once.

    Its half-width is the `confidence` quantile of the largest deviation of a
    replicate from the point estimate over all columns (a sup-norm bootstrap band).
    """
    deviation = np.max(np.abs(replicates - point[None, :]), axis=1)  # (reps,)
    half_width = np.quantile(deviation, confidence)
    return point - half_width, point + half_width

"""Interval bounds agree with rliable's within Monte-Carlo error, taken from how bounds spread across seeds.

rliable draws from numpy's global legacy stream (it ignores random_state),
so each of its runs is seeded with np.random.seed.
"""

import logging

import numpy as np
import pytest

import arenax.evaluation as ev

library = pytest.importorskip("rliable.library", reason="rliable, a dev dependency, is the reference")
rliable_metrics = pytest.importorskip("rliable.metrics", reason="rliable, a dev dependency, is the reference")
logging.getLogger("absl").setLevel(logging.WARNING)

SEEDS = range(6)
REPS = 1000
SCORES = np.random.default_rng(2024).gamma(2.0, 0.6, size=(5, 4))
OTHER = np.random.default_rng(2025).gamma(2.6, 0.6, size=(4, 4))
METRICS = ("iqm", "mean", "median", "optimality_gap")


def aggregate(x):
    return np.array(
        [
            rliable_metrics.aggregate_iqm(x),
            rliable_metrics.aggregate_mean(x),
            rliable_metrics.aggregate_median(x),
            rliable_metrics.aggregate_optimality_gap(x),
        ]
    )


def assert_agree_within_monte_carlo_error(ours, theirs, floor=0.0):
    """ours, theirs: (seeds, ...) bounds. Means may differ by 5 standard errors of a difference of means."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    spread = np.sqrt((ours.std(axis=0, ddof=1) ** 2 + theirs.std(axis=0, ddof=1) ** 2) / 2)
    tolerance = 5.0 * spread * np.sqrt(2.0 / len(ours)) + floor
    gap = np.abs(ours.mean(axis=0) - theirs.mean(axis=0))
    assert np.all(gap <= tolerance), f"gaps {gap} exceed tolerances {tolerance}"
    assert np.all(spread > 0) or floor > 0


@pytest.mark.parametrize("method", ["percentile", "basic"])
def test_aggregate_intervals_agree_with_rliable(method):
    ours, theirs = [], []
    for seed in SEEDS:
        estimates = ev.interval_estimates({"a": SCORES}, reps=REPS, method=method, seed=seed)["a"]
        ours.append([[estimates[m].low for m in METRICS], [estimates[m].high for m in METRICS]])
        np.random.seed(seed)
        points, intervals = library.get_interval_estimates({"a": SCORES}, aggregate, reps=REPS, method=method)
        theirs.append(intervals["a"])
        np.testing.assert_allclose([estimates[m].point for m in METRICS], points["a"], rtol=1e-12)
    assert_agree_within_monte_carlo_error(ours, theirs)


def test_single_statistic_bca_agrees_with_rliable_on_one_task():
    # With one task and one statistic, rliable's jackknife and acceleration are the textbook ones.
    one_task = np.random.default_rng(5).exponential(size=(25, 1))
    ours, theirs = [], []
    for seed in SEEDS:
        results = ev.interval_estimates({"a": one_task}, metrics=("mean",), reps=REPS, method="bca", seed=seed)
        estimate = results["a"]["mean"]
        ours.append([estimate.low, estimate.high])
        np.random.seed(seed)
        _, intervals = library.get_interval_estimates(
            {"a": one_task}, lambda x: np.array([rliable_metrics.aggregate_mean(x)]), reps=REPS, method="bca"
        )
        theirs.append(intervals["a"][:, 0])
    assert_agree_within_monte_carlo_error(ours, theirs)


def test_performance_profile_intervals_agree_with_rliable():
    taus = np.array([0.5, 1.0, 1.5])
    ours, theirs = [], []
    for seed in SEEDS:
        profile = ev.performance_profiles({"a": SCORES}, taus, reps=500, seed=seed)["a"]
        ours.append([profile.low, profile.high])
        np.random.seed(seed)
        points, intervals = library.create_performance_profile({"a": SCORES}, taus, reps=500)
        theirs.append(intervals["a"])
        np.testing.assert_allclose(profile.point, points["a"])
    # Profiles move in steps of 1/20 (20 scores); allow a quarter of a step on top of the seed spread.
    assert_agree_within_monte_carlo_error(ours, theirs, floor=0.25 / SCORES.size)


def test_probability_of_improvement_intervals_agree_with_rliable():
    ours, theirs = [], []
    for seed in SEEDS:
        estimate = ev.probability_of_improvement(SCORES, OTHER, reps=400, seed=seed)
        ours.append([estimate.low, estimate.high])
        np.random.seed(seed)
        points, intervals = library.get_interval_estimates(
            {"pair": [SCORES, OTHER]},
            lambda x, y: np.array([rliable_metrics.probability_of_improvement(x, y)]),
            reps=400,
        )
        theirs.append(intervals["pair"][:, 0])
        assert estimate.point == pytest.approx(points["pair"][0], abs=1e-12)
    assert_agree_within_monte_carlo_error(ours, theirs)

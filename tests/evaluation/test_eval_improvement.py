"""Probability of improvement: Mann-Whitney counting per task, every ordered pair, intervals, ragged runs."""

import numpy as np
import pytest
from scipy import stats

import arenax.evaluation as ev


def test_point_is_the_mean_over_tasks_of_u_over_nx_ny_with_ties_half():
    x = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 5.0]])
    y = np.array([[2.0, 0.0], [0.0, 1.0]])
    estimate = ev.probability_of_improvement(x, y, reps=100)
    # Task 0: pairs (1,2) 0, (1,0) 1, (2,2) 0.5, (2,0) 1, (3,2) 1, (3,0) 1 -> 4.5/6.
    # Task 1: (0,0) 0.5, (0,1) 0, (0,0) 0.5, (0,1) 0, (5,0) 1, (5,1) 1 -> 3/6.
    assert estimate.point == pytest.approx((4.5 / 6 + 3 / 6) / 2)
    expected = np.mean(
        [stats.mannwhitneyu(x[:, t], y[:, t], alternative="greater").statistic / 6 for t in range(2)]
    )
    assert estimate.point == pytest.approx(expected)


def test_every_ordered_pair_and_complementary_replicates():
    rng = np.random.default_rng(0)
    scores = {name: rng.normal(loc, size=(5, 4)) for name, loc in (("a", 0.0), ("b", 0.5), ("c", 1.0))}
    pairs = ev.pairwise_probability_of_improvement(scores, reps=500, seed=3)
    assert set(pairs) == {("a", "b"), ("b", "a"), ("a", "c"), ("c", "a"), ("b", "c"), ("c", "b")}
    for (x, y), estimate in pairs.items():
        reverse = pairs[(y, x)]
        assert estimate.point + reverse.point == pytest.approx(1.0)
        # Each algorithm's runs use the same draws in every pair, so the intervals mirror each other.
        assert estimate.low == pytest.approx(1.0 - reverse.high)
        assert estimate.statistic == "probability_of_improvement"
    assert pairs[("c", "a")].point > 0.5 and pairs[("c", "a")].low > 0.5


def test_identical_algorithms_give_one_half():
    scores = np.random.default_rng(1).normal(size=(4, 3))
    assert ev.probability_of_improvement(scores, scores.copy(), reps=50).point == 0.5


def test_ragged_and_task_bootstrap_intervals():
    x = {"t1": [1.0, 2.0, 3.0], "t2": [0.5, 0.6]}
    y = {"t1": [1.5, 0.5], "t2": [0.1, 0.4, 0.2, 0.9]}
    for task_bootstrap in (False, True):
        estimate = ev.probability_of_improvement(x, y, reps=400, seed=0, task_bootstrap=task_bootstrap)
        assert 0.0 <= estimate.low <= estimate.point <= estimate.high <= 1.0
    bca = ev.probability_of_improvement(x, y, reps=400, seed=0, method="bca")
    assert bca.method == "bca" and bca.low < bca.high


def test_tasks_must_match():
    with pytest.raises(ValueError, match="3 tasks but the other algorithms on 2|scored on"):
        ev.probability_of_improvement(np.ones((3, 2)), np.ones((3, 3)), reps=10)

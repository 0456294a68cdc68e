"""Intervals of metric(X) - metric(Y): paired by shared seeds, unpaired otherwise."""

import numpy as np
import pytest

import arenax.evaluation as ev
from arenax.evaluation.scores import ScoreMatrix

RNG = np.random.default_rng(0)
# Seed effects shared by both algorithms dwarf the small, steady gain of X over Y.
SEED_EFFECT = RNG.normal(scale=2.0, size=(8, 3))
Y = SEED_EFFECT + RNG.normal(scale=0.1, size=(8, 3))
X = SEED_EFFECT + 0.3 + RNG.normal(scale=0.1, size=(8, 3))


def test_pairing_removes_shared_seed_variation():
    paired = ev.difference_interval(X, Y, metric="mean", paired=True, reps=1000, seed=0)
    unpaired = ev.difference_interval(X, Y, metric="mean", paired=False, reps=1000, seed=0)
    assert paired.point == pytest.approx(ev.mean(X) - ev.mean(Y)) == unpaired.point
    assert paired.statistic == "mean_difference_paired" and unpaired.statistic == "mean_difference_unpaired"
    assert paired.low > 0  # the gain is detected only when seeds are paired
    assert unpaired.low < 0 < unpaired.high
    assert paired.width < unpaired.width / 5


def with_seeds(values, seeds):
    counts = np.full(values.shape[1], values.shape[0])
    return ScoreMatrix(values, counts, ("t0", "t1", "t2"), tuple(tuple(seeds) for _ in range(values.shape[1])))


def test_shared_seed_labels_pair_runs_even_in_a_different_order():
    order = np.array([3, 0, 7, 1, 6, 2, 5, 4])
    x = with_seeds(X, [str(s) for s in range(8)])
    y_shuffled = with_seeds(Y[order], [str(s) for s in order])
    automatic = ev.difference_interval(x, y_shuffled, metric="iqm", reps=500, seed=1)
    explicit = ev.difference_interval(X, Y, metric="iqm", paired=True, reps=500, seed=1)
    assert automatic.statistic == "iqm_difference_paired"
    assert automatic.low == pytest.approx(explicit.low) and automatic.high == pytest.approx(explicit.high)
    other_seeds = with_seeds(Y, [str(s + 100) for s in range(8)])
    assert ev.difference_interval(x, other_seeds, reps=50).statistic == "iqm_difference_unpaired"
    with pytest.raises(ValueError, match="same seeds on every task"):
        ev.difference_interval(x, other_seeds, paired=True, reps=50)


def test_pairing_needs_equal_run_counts():
    with pytest.raises(ValueError, match="same number of runs per task"):
        ev.difference_interval(X, Y[:5], paired=True, reps=50)
    assert ev.difference_interval(X, Y[:5], reps=50, method="bca").statistic == "iqm_difference_unpaired"

"""Performance profiles: definitions, pointwise intervals, and simultaneous bands that cover the whole true profile."""

import numpy as np
import pytest
from scipy import stats

import arenax.evaluation as ev

TASK_MEANS = np.array([0.0, 0.5, 1.0, 1.5, 3.0])
TASK_SDS = np.array([1.0, 0.5, 1.0, 2.0, 1.0])
TAUS = np.linspace(-1.0, 4.0, 21)


def test_run_and_average_score_distributions():
    scores = np.array([[0.0, 2.0, 5.0], [1.0, 3.0, 5.0]])
    run = ev.performance_profiles({"a": scores}, [0.5, 2.5, 5.0], reps=50)["a"]
    average = ev.performance_profiles({"a": scores}, [0.5, 2.5, 5.0], reps=50, distribution="average")["a"]
    np.testing.assert_allclose(run.point, [5 / 6, 3 / 6, 0.0])
    np.testing.assert_allclose(average.point, [2 / 3, 1 / 3, 0.0])
    assert run.index_name == "tau" and np.array_equal(run.index, [0.5, 2.5, 5.0])
    assert np.all(run.low <= run.point) and np.all(run.point <= run.high)


def test_unsorted_taus_give_the_same_profile_as_sorted():
    scores = {"a": np.random.default_rng(0).normal(size=(6, 3))}
    taus = np.array([0.3, -1.0, 1.2, 0.0])
    shuffled = ev.performance_profiles(scores, taus, reps=300, seed=1)["a"]
    ordered = ev.performance_profiles(scores, np.sort(taus), reps=300, seed=1)["a"]
    order = np.argsort(taus)
    np.testing.assert_allclose(shuffled.point[order], ordered.point)
    np.testing.assert_allclose(shuffled.low[order], ordered.low)


def test_simultaneous_band_covers_the_whole_true_profile_and_pointwise_intervals_do_not():
    true_profile = np.array([1 - stats.norm.cdf((tau - TASK_MEANS) / TASK_SDS).mean() for tau in TAUS])
    data_sets = np.random.default_rng(0).normal(TASK_MEANS, TASK_SDS, size=(300, 20, TASK_MEANS.size))
    band_covers = pointwise_covers = 0
    for index, scores in enumerate(data_sets):
        band = ev.performance_profiles({"a": scores}, TAUS, reps=1000, seed=index, simultaneous=True)["a"]
        pointwise = ev.performance_profiles({"a": scores}, TAUS, reps=1000, seed=index)["a"]
        band_covers += np.all((band.low <= true_profile) & (true_profile <= band.high))
        pointwise_covers += np.all((pointwise.low <= true_profile) & (true_profile <= pointwise.high))
        assert np.all(band.low <= pointwise.low + 1e-12) and np.all(band.high >= pointwise.high - 1e-12)
    assert band.band == "simultaneous" and band.method == "sup_deviation"
    assert 0.92 <= band_covers / len(data_sets) <= 0.98
    assert pointwise_covers / len(data_sets) < 0.8


def test_taus_are_checked():
    with pytest.raises(ValueError, match="taus"):
        ev.performance_profiles({"a": np.ones((3, 2))}, [[0.1, 0.2]])
    with pytest.raises(ValueError, match="distribution"):
        ev.performance_profiles({"a": np.ones((3, 2))}, [0.1], distribution="median")


def test_default_taus_span_all_scores():
    taus = ev.default_taus({"a": np.array([[0.0, 1.0]]), "b": np.array([[3.0, -2.0]])}, num=6)
    np.testing.assert_allclose(taus, np.linspace(-2.0, 3.0, 6))

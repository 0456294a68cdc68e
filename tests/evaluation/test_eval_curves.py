"""Sample-efficiency curves: aligning logs onto a step grid, and intervals that resample whole runs across time."""

import numpy as np
import pytest

import arenax.evaluation as ev
from arenax.evaluation.io import ScoreRecord


def log(algorithm, task, seed, steps, scores):
    return [ScoreRecord(algorithm, task, str(seed), float(s), float(v)) for s, v in zip(steps, scores)]


def test_alignment_interpolates_on_the_common_step_range():
    records = log("a", "t", 0, [0, 100, 200, 300], [0.0, 1.0, 2.0, 3.0]) + log("a", "t", 1, [50, 250], [5.0, 7.0])
    curves = ev.align_curves(records, num_steps=3)
    np.testing.assert_array_equal(curves.steps, [50.0, 150.0, 250.0])
    np.testing.assert_allclose(curves.scores["a"].values[:, 0, :], [[0.5, 1.5, 2.5], [5.0, 6.0, 7.0]])


def test_duplicate_steps_are_averaged_and_explicit_grids_outside_a_run_follow_the_nan_policy():
    records = log("a", "t", 0, [0, 10, 10, 20], [1.0, 2.0, 4.0, 5.0]) + log("a", "t", 1, [0, 10], [1.0, 1.0])
    curves = ev.align_curves(records, steps=[0, 10])
    np.testing.assert_allclose(curves.scores["a"].values[0, 0], [1.0, 3.0])
    with pytest.raises(ValueError, match="1 failed runs"):
        ev.align_curves(records, steps=[0, 20])
    with pytest.warns(UserWarning, match="dropped 1 failed runs"):
        dropped = ev.align_curves(records, steps=[0, 20], nan_policy="drop")
    assert dropped.scores["a"].run_counts.tolist() == [1]
    with pytest.raises(ValueError, match="no common step range"):
        ev.align_curves(log("a", "t", 0, [0, 10], [1, 2]) + log("a", "t", 1, [20, 30], [1, 2]))


def test_points_are_the_metric_at_each_step():
    rng = np.random.default_rng(0)
    curves = {"a": rng.normal(size=(5, 3, 4)).cumsum(axis=2), "b": rng.normal(size=(4, 3, 4))}
    results = ev.sample_efficiency_curves(curves, steps=[0, 10, 20, 30], metric="iqm", reps=200)
    for name, data in curves.items():
        np.testing.assert_allclose(results[name].point, [ev.iqm(data[:, :, s]) for s in range(4)])
        np.testing.assert_array_equal(results[name].index, [0, 10, 20, 30])
        assert results[name].index_name == "step"


def test_whole_runs_are_resampled_consistently_across_steps():
    runs = np.random.default_rng(1).normal(size=(6, 3))
    # Every run gains exactly 1 per step: if runs are drawn once per replicate, every bound moves by exactly 1.
    curves = {"a": runs[:, :, None] + np.arange(5.0)[None, None, :]}
    for method in ("percentile", "bca"):
        result = ev.sample_efficiency_curves(curves, metric="mean", reps=500, seed=2, method=method)["a"]
        np.testing.assert_allclose(np.diff(result.low), 1.0)
        np.testing.assert_allclose(np.diff(result.high), 1.0)


def test_curves_from_logs_with_different_seeds_per_algorithm():
    records = []
    for seed in range(3):
        records += log("a", "t1", seed, [0, 5, 10], [0, seed, 2 * seed]) + log("a", "t2", seed, [0, 10], [0, 1])
    for seed in range(5):
        records += log("b", "t1", seed, [0, 10], [0, 3]) + log("b", "t2", seed, [0, 10], [1, seed])
    results = ev.sample_efficiency_curves(ev.align_curves(records, num_steps=3), metric="mean", reps=100)
    np.testing.assert_allclose(results["b"].point, [0.5, 0.5 * (1.5 + 1.5), 0.5 * (3 + 2.0)])
    with pytest.raises(ValueError, match="steps come from the LearningCurves"):
        ev.sample_efficiency_curves(ev.align_curves(records), steps=[1, 2])

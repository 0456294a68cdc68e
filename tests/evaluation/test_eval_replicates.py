"""The vectorized replicate statistics equal the plain metrics recomputed on each explicitly resampled data set."""

import numpy as np
import pytest
from scipy import stats

import arenax.evaluation as ev
from arenax.evaluation.improvement import ImprovementStatistic
from arenax.evaluation.replicates import ReplicateMetrics
from arenax.evaluation.resampling import (
    draw_runs,
    draw_tasks,
    identity_draw,
    jackknife_draw,
    jackknife_entries,
)
from arenax.evaluation.scores import as_score_matrix

RECTANGULAR = as_score_matrix(np.random.default_rng(0).normal(size=(6, 4)))
RAGGED = as_score_matrix({"a": [0.1, 0.9, 0.4], "b": [2.0, 1.0, 1.5, 0.2, 0.7], "c": [0.3], "d": [1.0, 1.0]})
TAUS = np.array([1.2, -0.5, 0.0, 0.4, 0.9, 3.0])


def explicit_replicates(matrix, draw):
    """Each replicate as a mapping slot -> drawn scores, built by plain indexing."""
    pooled = matrix.pooled()
    replicates = []
    for b in range(draw.reps):
        slots = {}
        for s in range(draw.entries.shape[1]):
            entries = draw.entries[b, s]
            slots[f"slot{s}"] = pooled[entries[entries != draw.sentinel]]
        replicates.append(slots)
    return replicates


def draws_of(matrix, rng):
    slot_tasks = draw_tasks(matrix.n_tasks, 7, rng)
    return {
        "runs": draw_runs(matrix, 9, rng),
        "runs and tasks": draw_runs(matrix, 7, rng, slot_tasks),
        "jackknife": jackknife_draw(matrix, jackknife_entries(matrix)),
        "identity": identity_draw(matrix, 2),
    }


@pytest.mark.parametrize("matrix", [RECTANGULAR, RAGGED], ids=["rectangular", "ragged"])
def test_metrics_on_replicates_equal_metrics_of_resampled_data(matrix):
    metrics = ReplicateMetrics(matrix)
    for kind, draw in draws_of(matrix, np.random.default_rng(1)).items():
        batch = metrics.evaluate(draw)
        replicates = explicit_replicates(matrix, draw)
        for name, expected in (
            ("iqm", [ev.iqm(r) for r in replicates]),
            ("mean", [ev.mean(r) for r in replicates]),
            ("median", [ev.median(r) for r in replicates]),
            ("optimality_gap", [ev.optimality_gap(r, 0.8) for r in replicates]),
        ):
            actual = batch.metric(name, 0.8)
            np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12, err_msg=f"{name} {kind}")
        run_profile = [[np.mean(np.concatenate(list(r.values())) > tau) for tau in TAUS] for r in replicates]
        average_profile = [[np.mean([v.mean() > tau for v in r.values()]) for tau in TAUS] for r in replicates]
        np.testing.assert_allclose(batch.run_score_distribution(TAUS), run_profile, err_msg=kind)
        np.testing.assert_allclose(batch.average_score_distribution(TAUS), average_profile, err_msg=kind)


def test_optimality_gap_with_negative_threshold_ignores_unused_positions():
    draw = draw_runs(RAGGED, 5, np.random.default_rng(2))
    expected = [ev.optimality_gap(r, -0.5) for r in explicit_replicates(RAGGED, draw)]
    np.testing.assert_allclose(ReplicateMetrics(RAGGED).evaluate(draw).optimality_gap(-0.5), expected, rtol=1e-12)


def test_probability_of_improvement_on_replicates_equals_mann_whitney_counts():
    rng = np.random.default_rng(3)
    # Rounded scores make ties common, which must count half.
    x = as_score_matrix({"a": np.round(rng.normal(size=4), 1), "b": [0.5, 0.5, 0.1], "c": [0.2, 0.3]})
    y = as_score_matrix({"a": np.round(rng.normal(size=3), 1), "b": [0.5, 0.0], "c": [0.3, 0.3, 0.1, 0.9]})
    statistic = ImprovementStatistic(x, y)
    slot_tasks = draw_tasks(3, 6, rng)
    for tasks in (None, slot_tasks):
        draw_x, draw_y = draw_runs(x, 6, rng, tasks), draw_runs(y, 6, rng, tasks)
        values = statistic([draw_x, draw_y])[:, 0]
        for b, (rx, ry) in enumerate(zip(explicit_replicates(x, draw_x), explicit_replicates(y, draw_y))):
            per_task = [
                stats.mannwhitneyu(rx[s], ry[s], alternative="greater").statistic / (rx[s].size * ry[s].size)
                for s in rx
            ]
            assert values[b] == pytest.approx(np.mean(per_task), abs=1e-12)


def test_draws_keep_each_task_inside_its_own_runs():
    draw = draw_runs(RAGGED, 200, np.random.default_rng(4))
    task_of_entry = np.append(RAGGED.entry_task, -1)
    drawn_tasks = task_of_entry[draw.entries]
    for t, runs in enumerate(RAGGED.run_counts):
        assert np.all(drawn_tasks[:, t, :runs] == t)
        assert np.all(draw.entries[:, t, runs:] == draw.sentinel)
    # Every run of task b is drawn at some point, with about equal frequency.
    frequencies = np.bincount(draw.entries[:, 1].ravel(), minlength=RAGGED.n_entries)[3:8] / (200 * 5)
    np.testing.assert_allclose(frequencies, 0.2, atol=0.03)

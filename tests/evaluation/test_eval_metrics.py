"""Point estimates: the published definitions, checked against rliable's functions and hand-computed ragged cases."""

import numpy as np
import pytest

import arenax.evaluation as ev
from arenax.evaluation.metrics import canonical_metric

rliable_metrics = pytest.importorskip("rliable.metrics", reason="rliable, a dev dependency, is the reference")


@pytest.mark.parametrize("shape", [(10, 26), (3, 5), (7, 1), (1, 4), (5, 2)])
def test_point_estimates_equal_rliable(shape):
    rng = np.random.default_rng(sum(shape))
    scores = rng.gamma(2.0, 0.6, size=shape)
    np.testing.assert_allclose(ev.iqm(scores), rliable_metrics.aggregate_iqm(scores), rtol=1e-12)
    np.testing.assert_allclose(ev.mean(scores), rliable_metrics.aggregate_mean(scores), rtol=1e-12)
    np.testing.assert_allclose(ev.median(scores), rliable_metrics.aggregate_median(scores), rtol=1e-12)
    for threshold in (1.0, 0.5, 2.0):
        np.testing.assert_allclose(
            ev.optimality_gap(scores, threshold),
            rliable_metrics.aggregate_optimality_gap(scores, threshold),
            rtol=1e-12,
        )


def test_iqm_uses_ties_and_trims_a_quarter_of_all_runs_x_tasks():
    scores = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 100.0], [5.0, 5.0]])
    # 8 scores: drop the 2 lowest (0, 1) and the 2 highest (5, 100); mean of 2, 3, 4, 5.
    assert ev.iqm(scores) == pytest.approx(3.5)


def test_ragged_scores_average_only_existing_runs():
    ragged = {"a": [1.0, 2.0, 3.0], "b": [10.0]}
    assert ev.mean(ragged) == pytest.approx((2.0 + 10.0) / 2)
    assert ev.median(ragged) == pytest.approx(6.0)
    assert ev.optimality_gap(ragged, 2.5) == pytest.approx(2.5 - np.mean([1.0, 2.0, 2.5, 2.5]))
    assert ev.iqm(ragged) == pytest.approx(2.5)  # 4 scores pooled: keep the middle two (2, 3)


def test_metric_names_and_aliases():
    assert canonical_metric("OG") == "optimality_gap"
    assert canonical_metric(" IQM ") == "iqm"
    with pytest.raises(ValueError, match="unknown metric 'mode'.*iqm, mean, median, optimality_gap"):
        canonical_metric("mode")

"""interval_estimates: reproducibility, interval methods (BCa per statistic), and the checks on its input."""

import warnings

import numpy as np
import pytest
from scipy import stats

import arenax.evaluation as ev
from arenax.evaluation.bootstrap import Sample, acceleration, metric_statistic
from arenax.evaluation.replicates import ReplicateMetrics
from arenax.evaluation.scores import as_score_matrix

RNG = np.random.default_rng(7)
SCORES = {"a": RNG.gamma(2.0, 0.5, size=(6, 5)), "b": RNG.gamma(3.0, 0.5, size=(6, 5))}
METRICS = ("iqm", "mean", "median", "optimality_gap")


def bounds(results):
    return np.array([[e.low, e.high] for algorithm in results.values() for e in algorithm.values()])


def test_same_seed_same_numbers_and_other_seeds_differ():
    first = ev.interval_estimates(SCORES, reps=300, seed=3)
    again = ev.interval_estimates(SCORES, reps=300, seed=3)
    other = ev.interval_estimates(SCORES, reps=300, seed=4)
    np.testing.assert_array_equal(bounds(first), bounds(again))
    assert not np.array_equal(bounds(first), bounds(other))


def test_an_algorithms_interval_does_not_depend_on_the_other_algorithms():
    together = ev.interval_estimates(SCORES, reps=300, seed=1)
    alone = ev.interval_estimates({"b": SCORES["b"]}, reps=300, seed=1)
    for metric in METRICS:
        assert together["b"][metric].low == alone["b"][metric].low
        assert together["b"][metric].high == alone["b"][metric].high


def test_generator_seed_is_recorded_as_an_integer_that_reproduces_the_draws():
    from_generator = ev.interval_estimates(SCORES, metrics=("iqm",), reps=200, seed=np.random.default_rng(5))
    recorded = from_generator["a"]["iqm"].seed
    replay = ev.interval_estimates(SCORES, metrics=("iqm",), reps=200, seed=recorded)
    assert replay["a"]["iqm"].low == from_generator["a"]["iqm"].low


def test_estimates_carry_their_provenance():
    results = ev.interval_estimates(SCORES, metrics=("og",), reps=250, confidence=0.9, method="basic", seed=2)
    estimate = results["a"]["optimality_gap"]
    assert (estimate.method, estimate.reps, estimate.confidence, estimate.seed) == ("basic", 250, 0.9, 2)
    assert estimate.data_hash == ev.data_hash(ev.prepare_scores(SCORES))
    assert estimate.low <= estimate.point <= estimate.high


def test_basic_interval_reflects_the_percentile_interval_around_the_point():
    percentile = ev.interval_estimates(SCORES, reps=400, method="percentile", seed=9)
    basic = ev.interval_estimates(SCORES, reps=400, method="basic", seed=9)
    for algorithm in SCORES:
        for metric in METRICS:
            p, b = percentile[algorithm][metric], basic[algorithm][metric]
            assert b.low == pytest.approx(2 * p.point - p.high)
            assert b.high == pytest.approx(2 * p.point - p.low)


def test_wider_confidence_gives_wider_intervals():
    narrow = ev.interval_estimates(SCORES, reps=500, confidence=0.5, seed=0)
    wide = ev.interval_estimates(SCORES, reps=500, confidence=0.99, seed=0)
    assert np.all(bounds(wide)[:, 1] - bounds(wide)[:, 0] > bounds(narrow)[:, 1] - bounds(narrow)[:, 0])


def test_bca_gives_each_statistic_its_own_interval_whatever_else_is_computed():
    together = ev.interval_estimates(SCORES, metrics=("iqm", "mean", "median"), reps=400, method="bca", seed=6)
    for metric in ("iqm", "mean", "median"):
        alone = ev.interval_estimates(SCORES, metrics=(metric,), reps=400, method="bca", seed=6)
        assert together["a"][metric].low == pytest.approx(alone["a"][metric].low, rel=1e-12)
        assert together["a"][metric].high == pytest.approx(alone["a"][metric].high, rel=1e-12)


def test_bca_acceleration_of_the_mean_of_task_means_has_its_closed_form():
    x = RNG.gamma(1.5, size=(7, 3))
    matrix = as_score_matrix(x)
    statistic = metric_statistic(ReplicateMetrics(matrix), ["mean", "iqm"], 1.0)
    accelerations = acceleration([Sample(matrix, "a")], statistic)
    # Jackknife influence of run j of task t on the mean of task means is proportional to x_tj - mean_t.
    deviations = x - x.mean(axis=0)
    expected = np.sum(deviations**3) / (6 * np.sum(deviations**2) ** 1.5)
    assert accelerations[0] == pytest.approx(expected, rel=1e-10)
    assert accelerations[1] != pytest.approx(accelerations[0])


def test_bca_on_one_task_agrees_with_scipy_within_monte_carlo_error():
    x = np.random.default_rng(11).exponential(size=30)
    ours = ev.interval_estimates({"a": x[:, None]}, metrics=("mean",), reps=20000, method="bca", seed=0)["a"]["mean"]
    scipy_interval = stats.bootstrap(
        (x,), np.mean, n_resamples=20000, method="BCa", random_state=np.random.default_rng(0)
    ).confidence_interval
    # Monte-Carlo error of a 2.5% quantile at 20000 reps is well under 2% of the standard error.
    tolerance = 0.05 * x.std() / np.sqrt(x.size)
    assert ours.low == pytest.approx(scipy_interval.low, abs=tolerance)
    assert ours.high == pytest.approx(scipy_interval.high, abs=tolerance)
    percentile = ev.interval_estimates({"a": x[:, None]}, metrics=("mean",), reps=20000, seed=0)["a"]["mean"]
    assert ours.high > percentile.high  # right-skewed data: BCa shifts the interval up


def test_task_bootstrap_adds_task_to_task_variation():
    runs_only = ev.interval_estimates(SCORES, metrics=("mean",), reps=1000, seed=0)["a"]["mean"]
    with_tasks = ev.interval_estimates(SCORES, metrics=("mean",), reps=1000, seed=0, task_bootstrap=True)["a"]["mean"]
    assert with_tasks.width > runs_only.width
    with pytest.raises(ValueError, match="bca.*task_bootstrap"):
        ev.interval_estimates(SCORES, reps=100, method="bca", task_bootstrap=True)


def test_ragged_runs_per_algorithm_and_task():
    ragged = {
        "a": {"t1": [0.1, 0.5, 0.9], "t2": [1.0, 1.2], "t3": [0.3, 0.2, 0.1, 0.0]},
        "b": {"t1": [0.4, 0.6], "t2": [0.2, 0.8, 1.5, 1.1, 0.9], "t3": [0.7, 0.6]},
    }
    results = ev.interval_estimates(ragged, reps=500, method="bca", seed=0)
    for algorithm, estimates in results.items():
        assert estimates["mean"].point == pytest.approx(np.mean([np.mean(v) for v in ragged[algorithm].values()]))
        for estimate in estimates.values():
            assert estimate.low <= estimate.point <= estimate.high
            assert estimate.width > 0


def test_one_run_warns_and_gives_zero_width_intervals():
    with pytest.warns(UserWarning, match="one run per task.*zero width"):
        results = ev.interval_estimates({"a": np.array([[0.2, 0.4, 0.9]])}, reps=100)
    assert all(e.width == 0 for e in results["a"].values())


def test_shape_mistakes_are_named():
    with pytest.raises(ValueError, match=r"1-D with shape \(10,\).*runs x tasks.*scores\[:, None\]"):
        ev.interval_estimates({"a": np.ones(10)})
    with pytest.raises(ValueError, match=r"'b'.*\(26, 10\).*26 tasks on axis 1.*\(tasks, runs\)"):
        ev.interval_estimates({"a": np.ones((10, 26)), "c": np.ones((5, 26)), "b": np.ones((26, 10))})
    with pytest.raises(ValueError, match=r"4 tasks on axis 0.*transpose"):
        ev.interval_estimates({"a": np.ones((4, 3))}, tasks=["w", "x", "y", "z"])
    with pytest.raises(ValueError, match="ragged nested sequences"):
        ev.interval_estimates({"a": [[1.0, 2.0], [3.0]]})
    with pytest.raises(ValueError, match="infinite"):
        ev.interval_estimates({"a": np.array([[1.0, np.inf]])})
    with pytest.raises(ValueError, match="confidence"):
        ev.interval_estimates(SCORES, confidence=95)
    with pytest.raises(ValueError, match="method"):
        ev.interval_estimates(SCORES, method="studentized")


def test_failed_runs_policies():
    a = np.array([[1.0, 2.0], [np.nan, 4.0], [3.0, 0.5]])
    b = np.array([[0.0, 9.0], [2.0, 8.0], [1.0, 7.0]])
    with pytest.raises(ValueError, match="1 failed runs.*'a'.*task0: 1.*nan_policy"):
        ev.interval_estimates({"a": a, "b": b}, reps=50)
    with pytest.warns(UserWarning, match="dropped 1 failed runs"):
        dropped = ev.prepare_scores({"a": a, "b": b}, nan_policy="drop")
    assert dropped["a"].run_counts.tolist() == [2, 3]
    assert ev.mean(dropped["a"]) == pytest.approx((2.0 + 6.5 / 3) / 2)
    minimum = ev.prepare_scores({"a": a, "b": b}, nan_policy="min")
    # The failed run scores the lowest score any algorithm reached on that task (b's 0.0).
    assert minimum["a"].values[1, 0] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ev.interval_estimates({"a": a, "b": b}, reps=50, nan_policy="min")


def test_a_jax_key_seeds_the_draws_reproducibly():
    jax = pytest.importorskip("jax")
    first = ev.interval_estimates(SCORES, metrics=("iqm",), reps=100, seed=jax.random.key(3))["a"]["iqm"]
    raw = ev.interval_estimates(SCORES, metrics=("iqm",), reps=100, seed=jax.random.PRNGKey(3))["a"]["iqm"]
    other = ev.interval_estimates(SCORES, metrics=("iqm",), reps=100, seed=jax.random.key(4))["a"]["iqm"]
    assert first.seed == raw.seed and first.low == raw.low
    assert first.seed != other.seed
    with pytest.raises(TypeError, match="seed must be"):
        ev.interval_estimates(SCORES, reps=100, seed="0")

"""Coverage: over many simulated data sets from a known distribution, the 95% IQM interval holds the true IQM 93-97%."""

import numpy as np
from scipy import optimize, stats

import arenax.evaluation as ev

# Five tasks, each with normal run-to-run scores; the population IQM is that of their equal mixture.
TASK_MEANS = np.array([0.0, 0.5, 1.0, 1.5, 3.0])
TASK_SDS = np.array([1.0, 0.5, 1.0, 2.0, 1.0])
RUNS = 20
DATA_SETS = 3000


def mixture_iqm() -> float:
    def cdf(x):
        return stats.norm.cdf((x - TASK_MEANS) / TASK_SDS).mean()

    q1 = optimize.brentq(lambda x: cdf(x) - 0.25, -50, 50)
    q3 = optimize.brentq(lambda x: cdf(x) - 0.75, -50, 50)
    lower, upper = (q1 - TASK_MEANS) / TASK_SDS, (q3 - TASK_MEANS) / TASK_SDS
    # E[X; q1 < X < q3] for each normal component, averaged over components, divided by the kept mass 1/2.
    partial = TASK_MEANS * (stats.norm.cdf(upper) - stats.norm.cdf(lower)) - TASK_SDS * (
        stats.norm.pdf(upper) - stats.norm.pdf(lower)
    )
    return float(partial.mean() / 0.5)


def test_iqm_interval_covers_the_true_iqm_about_95_percent_of_the_time():
    true_iqm = mixture_iqm()
    data_sets = np.random.default_rng(1).normal(TASK_MEANS, TASK_SDS, size=(DATA_SETS, RUNS, TASK_MEANS.size))
    covered = 0
    for index, scores in enumerate(data_sets):
        estimate = ev.interval_estimates({"a": scores}, metrics=("iqm",), reps=1000, seed=index)["a"]["iqm"]
        covered += estimate.low <= true_iqm <= estimate.high
    coverage = covered / DATA_SETS
    # With 3000 data sets the coverage estimate has a standard error of about 0.4%.
    assert 0.93 <= coverage <= 0.97, f"coverage {coverage:.3f}"

"""Scoring agents as "Deep RL at the Edge of the Statistical Precipice" asks: aggregate metrics with stratified
bootstrap intervals, performance profiles, probability of improvement, learning curves and head-to-head ratings; multi-objective metrics (hypervolume, expected utility, sparsity, IGD)."""

from arenax.evaluation.bootstrap import interval_estimates
from arenax.evaluation.curves import LearningCurves, align_curves, sample_efficiency_curves
from arenax.evaluation.differences import difference_interval
from arenax.evaluation.estimate import Estimate
from arenax.evaluation.improvement import pairwise_probability_of_improvement, probability_of_improvement
from arenax.evaluation.io import (
    MatchRecord,
    ScoreRecord,
    final_scores,
    load_records,
    read_matches,
    read_run_folder,
    read_tidy,
)
from arenax.evaluation.metrics import iqm, mean, median, optimality_gap
from arenax.evaluation.multi_objective import (
    cardinality,
    default_weights,
    expected_utility,
    hypervolume,
    igd,
    maximum_utility_loss,
    pareto_front,
    pareto_mask,
    simplex_weights,
    sparsity,
)
from arenax.evaluation.normalization import (
    ReferenceScores,
    load_reference_table,
    normalize_records,
    normalize_scores,
)
from arenax.evaluation.profiles import default_taus, performance_profiles
from arenax.evaluation.ranking import average_ranks
from arenax.evaluation.ratings import bradley_terry_ratings, elo_ratings
from arenax.evaluation.report import Report, write_report
from arenax.evaluation.scores import ScoreMatrix, as_score_matrix, data_hash, prepare_scores

_PLOTS = (
    "algorithm_colors",
    "plot_interval_estimates",
    "plot_performance_profiles",
    "plot_probability_of_improvement",
    "plot_sample_efficiency",
    "save_figure",
)


def __getattr__(name: str):
    if name in _PLOTS:
        from arenax.evaluation import plots

        return getattr(plots, name)
    raise AttributeError(f"module 'arenax.evaluation' has no attribute {name!r}")


__all__ = [
    "Estimate",
    "LearningCurves",
    "MatchRecord",
    "ReferenceScores",
    "Report",
    "ScoreMatrix",
    "ScoreRecord",
    "align_curves",
    "as_score_matrix",
    "average_ranks",
    "bradley_terry_ratings",
    "cardinality",
    "data_hash",
    "default_taus",
    "default_weights",
    "difference_interval",
    "elo_ratings",
    "expected_utility",
    "final_scores",
    "hypervolume",
    "igd",
    "interval_estimates",
    "iqm",
    "load_records",
    "load_reference_table",
    "maximum_utility_loss",
    "mean",
    "median",
    "normalize_records",
    "normalize_scores",
    "optimality_gap",
    "pairwise_probability_of_improvement",
    "pareto_front",
    "pareto_mask",
    "performance_profiles",
    "prepare_scores",
    "probability_of_improvement",
    "read_matches",
    "read_run_folder",
    "read_tidy",
    "sample_efficiency_curves",
    "simplex_weights",
    "sparsity",
    "write_report",
    *_PLOTS,
]

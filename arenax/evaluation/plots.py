"""Matplotlib figures (object API, no pyplot) for interval estimates, performance profiles,
probability of improvement and learning curves, with one colour per algorithm across plots."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib.figure import Figure

from arenax.evaluation.estimate import Estimate
from arenax.evaluation.export import atomic_write_bytes

# Okabe-Ito, then Tableau: distinguishable with common colour-vision deficiencies.
OKABE_ITO = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000")
TABLEAU = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7")
PALETTE = OKABE_ITO + TABLEAU

METRIC_LABELS = {"iqm": "IQM", "mean": "Mean", "median": "Median", "optimality_gap": "Optimality gap"}


def algorithm_colors(algorithms: Sequence[str]) -> dict[str, str]:
    """One fixed colour per algorithm, assigned in sorted name order (cycling past 16 algorithms)."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(sorted(set(algorithms)))}


def _colors(algorithms: Sequence[str], colors: Mapping[str, str] | None) -> Mapping[str, str]:
    colors = algorithm_colors(algorithms) if colors is None else colors
    missing = [name for name in algorithms if name not in colors]
    if missing:
        raise ValueError(f"no colour given for algorithms {missing}")
    return colors


def plot_interval_estimates(
    estimates: Mapping[str, Mapping[str, Estimate]],
    colors: Mapping[str, str] | None = None,
    metrics: Sequence[str] | None = None,
    xlabel: str = "Normalized score",
) -> Figure:
    """One panel per metric; each algorithm is a bar spanning its interval with a mark at the point estimate."""
    algorithms = list(estimates)
    colors = _colors(algorithms, colors)
    metrics = list(metrics) if metrics is not None else list(next(iter(estimates.values())))
    figure = Figure(figsize=(3.2 * len(metrics), 0.45 * len(algorithms) + 1.4), layout="constrained")
    axes = figure.subplots(1, len(metrics), sharey=True, squeeze=False)[0]
    for ax, metric in zip(axes, metrics):
        for row, algorithm in enumerate(algorithms):
            estimate = estimates[algorithm][metric]
            width = estimate.high - estimate.low
            ax.barh(row, width, left=estimate.low, height=0.6, color=colors[algorithm], alpha=0.75)
            ax.vlines(estimate.point, row - 0.3, row + 0.3, color="black", linewidth=1.5)
        ax.set_title(METRIC_LABELS.get(metric, metric))
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(range(len(algorithms)), algorithms)
    axes[0].invert_yaxis()
    return figure


def plot_performance_profiles(
    profiles: Mapping[str, Estimate],
    colors: Mapping[str, str] | None = None,
    xlabel: str = r"Normalized score ($\tau$)",
    ylabel: str | None = None,
) -> Figure:
    """Each algorithm's profile over tau with its interval (or band) shaded."""
    colors = _colors(list(profiles), colors)
    if ylabel is None:
        average = next(iter(profiles.values())).statistic == "average_score_distribution"
        ylabel = r"Fraction of tasks with mean score > $\tau$" if average else r"Fraction of runs with score > $\tau$"
    figure = Figure(figsize=(6, 4), layout="constrained")
    ax = figure.subplots()
    for algorithm, estimate in profiles.items():
        ax.plot(estimate.index, estimate.point, color=colors[algorithm], label=algorithm, linewidth=2)
        ax.fill_between(estimate.index, estimate.low, estimate.high, color=colors[algorithm], alpha=0.2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return figure


def plot_probability_of_improvement(
    improvements: Mapping[tuple[str, str], Estimate], colors: Mapping[str, str] | None = None
) -> Figure:
    """One bar per ordered pair (X, Y): the interval of P(X > Y), coloured by X, with a mark at the estimate."""
    pairs = list(improvements)
    colors = _colors([x for x, _ in pairs], colors)
    figure = Figure(figsize=(6, 0.4 * len(pairs) + 1.2), layout="constrained")
    ax = figure.subplots()
    for row, (x, y) in enumerate(pairs):
        estimate = improvements[(x, y)]
        ax.barh(row, estimate.high - estimate.low, left=estimate.low, height=0.6, color=colors[x], alpha=0.75)
        ax.vlines(estimate.point, row - 0.3, row + 0.3, color="black", linewidth=1.5)
    ax.axvline(0.5, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(pairs)), [f"P({x} > {y})" for x, y in pairs])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("Probability of improvement")
    ax.grid(axis="x", alpha=0.3)
    return figure


def plot_sample_efficiency(
    curves: Mapping[str, Estimate],
    colors: Mapping[str, str] | None = None,
    xlabel: str = "Environment steps",
    ylabel: str | None = None,
) -> Figure:
    """Each algorithm's aggregate metric over training steps with its interval shaded."""
    colors = _colors(list(curves), colors)
    figure = Figure(figsize=(6, 4), layout="constrained")
    ax = figure.subplots()
    for algorithm, estimate in curves.items():
        ax.plot(estimate.index, estimate.point, color=colors[algorithm], label=algorithm, linewidth=2)
        ax.fill_between(estimate.index, estimate.low, estimate.high, color=colors[algorithm], alpha=0.2)
    statistic = next(iter(curves.values())).statistic
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel or METRIC_LABELS.get(statistic, statistic))
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return figure


def figure_png(figure: Figure, dpi: int = 120) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def save_figure(figure: Figure, path: str | Path, dpi: int = 120) -> Path:
    """Saves a PNG atomically."""
    return atomic_write_bytes(path, figure_png(figure, dpi))


"""Aggregate metrics and score distributions of one score matrix, evaluated on a batch of bootstrap
replicates at once (IQM sorts small integer ranks; profiles histogram threshold buckets)."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from arenax.evaluation.metrics import TRIM_PROPORTION
from arenax.evaluation.resampling import Draw
from arenax.evaluation.scores import ScoreMatrix


class ReplicateMetrics:
    """Precomputed ranks of one runs x tasks matrix, for evaluating metrics on many replicates."""

    def __init__(self, matrix: ScoreMatrix):
        if matrix.values.ndim != 2:
            raise ValueError("ReplicateMetrics needs a runs x tasks matrix; take one step of a curve with at_step")
        self.matrix = matrix
        self.values = matrix.pooled()
        self.sentinel = self.values.size
        self.order = np.argsort(self.values, kind="stable")
        self.sorted_values = self.values[self.order]
        # The sentinel entry gets the largest rank, so it sorts after every real score.
        self.rank_of_entry = np.empty(self.sentinel + 1, dtype=np.int16 if self.sentinel < 2**15 else np.int32)
        self.rank_of_entry[self.order] = np.arange(self.sentinel)
        self.rank_of_entry[self.sentinel] = self.sentinel
        self.values_with_sentinel = np.append(self.values, 0.0)

    def evaluate(self, draw: Draw) -> BatchMetrics:
        return BatchMetrics(self, draw)


class BatchMetrics:
    """Metric values on one Draw; intermediate arrays shared by several metrics are computed once."""

    def __init__(self, metrics: ReplicateMetrics, draw: Draw):
        self.metrics = metrics
        self.draw = draw

    @cached_property
    def drawn_values(self) -> np.ndarray:
        """(reps, slots, max_runs) drawn scores, 0 at unused positions."""
        return self.metrics.values_with_sentinel.take(self.draw.entries)

    @cached_property
    def task_means(self) -> np.ndarray:
        """(reps, slots): mean drawn score of each task slot."""
        # einsum sums the short run axis several times faster than ndarray.sum.
        return np.einsum("bsr->bs", self.drawn_values) / self.draw.slot_sizes

    @cached_property
    def sorted_ranks(self) -> np.ndarray:
        """(reps, positions): ranks of the drawn scores in increasing order, unused positions last."""
        ranks = self.metrics.rank_of_entry.take(self.draw.entries.reshape(self.draw.reps, -1))
        ranks.sort(axis=1)
        return ranks

    def mean(self) -> np.ndarray:
        return self.task_means.mean(axis=1)

    def median(self) -> np.ndarray:
        ordered = np.sort(self.task_means, axis=1)
        middle = ordered.shape[1] // 2
        if ordered.shape[1] % 2:
            return ordered[:, middle]
        return 0.5 * (ordered[:, middle - 1] + ordered[:, middle])

    def iqm(self) -> np.ndarray:
        totals = self.draw.totals
        if self.draw.uniform_total:
            total = int(totals[0])
            low = int(TRIM_PROPORTION * total)
            return self.metrics.sorted_values.take(self.sorted_ranks[:, low : total - low]).mean(axis=1)
        low = np.floor(TRIM_PROPORTION * totals)
        high = totals - low
        positions = np.arange(self.sorted_ranks.shape[1])
        kept = (positions[None, :] >= low[:, None]) & (positions[None, :] < high[:, None])
        sorted_with_sentinel = np.append(self.metrics.sorted_values, 0.0)
        return (sorted_with_sentinel.take(self.sorted_ranks) * kept).sum(axis=1) / (high - low)

    def optimality_gap(self, threshold: float) -> np.ndarray:
        clipped_sum = np.minimum(self.drawn_values, threshold).reshape(self.draw.reps, -1).sum(axis=1)
        if threshold < 0:
            # Unused positions hold 0, which the clip turned into the threshold: take those back out.
            clipped_sum -= (self.draw.entries[0].size - self.draw.totals) * threshold
        return threshold - clipped_sum / self.draw.totals

    def run_score_distribution(self, taus: np.ndarray) -> np.ndarray:
        """(reps, taus): fraction of all drawn run x task scores above each tau."""
        tau_order = np.argsort(taus)
        sorted_taus = taus[tau_order]
        buckets = sorted_taus.size + 1
        # An entry's bucket is how many taus lie strictly below it; the sentinel gets a bucket of its own.
        bucket_of_entry = np.append(np.searchsorted(sorted_taus, self.metrics.values, side="left"), buckets)
        drawn = bucket_of_entry.take(self.draw.entries.reshape(self.draw.reps, -1))
        drawn += (np.arange(self.draw.reps) * (buckets + 1))[:, None]
        histogram = np.bincount(drawn.ravel(), minlength=self.draw.reps * (buckets + 1))
        histogram = histogram.reshape(self.draw.reps, buckets + 1)[:, :buckets]
        above_or_in = np.cumsum(histogram[:, ::-1], axis=1)[:, ::-1]
        fractions = np.empty((self.draw.reps, sorted_taus.size))
        fractions[:, tau_order] = above_or_in[:, 1:] / self.draw.totals[:, None]
        return fractions

    def average_score_distribution(self, taus: np.ndarray) -> np.ndarray:
        """(reps, taus): fraction of task slots whose mean score is above each tau."""
        return (self.task_means[:, :, None] > taus[None, None, :]).mean(axis=1)

    def metric(self, name: str, optimality_gap_threshold: float = 1.0) -> np.ndarray:
        if name == "optimality_gap":
            return self.optimality_gap(optimality_gap_threshold)
        return {"iqm": self.iqm, "mean": self.mean, "median": self.median}[name]()

"""The result type of every interval computation: a point estimate with its interval and provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Estimate:
    """A point estimate with its confidence interval and everything needed to reproduce it.

    `point`, `low` and `high` are floats, or arrays along `index` (the taus of
    a performance profile, the steps of a learning curve). `band` says
    whether array intervals hold at each index ("pointwise") or all at once
    ("simultaneous"). `seed` reproduces the draws; `data_hash` identifies the input.
    """

    statistic: str
    point: float | np.ndarray
    low: float | np.ndarray
    high: float | np.ndarray
    method: str
    reps: int
    confidence: float
    seed: int
    data_hash: str
    task_bootstrap: bool = False
    band: str = "pointwise"
    index_name: str | None = None
    index: np.ndarray | None = None

    @property
    def width(self) -> float | np.ndarray:
        return self.high - self.low

    def records(self, **labels: Any) -> list[dict[str, Any]]:
        """Flat rows (one per index value) for JSON and CSV output, with `labels` such as the algorithm."""
        provenance = {
            "statistic": self.statistic,
            "method": self.method,
            "reps": self.reps,
            "confidence": self.confidence,
            "seed": self.seed,
            "task_bootstrap": self.task_bootstrap,
            "band": self.band,
            "data_hash": self.data_hash,
        }
        if self.index is None:
            values = {"point": float(self.point), "low": float(self.low), "high": float(self.high)}
            return [{**labels, **provenance, **values}]
        return [
            {
                **labels,
                **provenance,
                self.index_name or "index": float(value),
                "point": float(point),
                "low": float(low),
                "high": float(high),
            }
            for value, point, low, high in zip(self.index, self.point, self.low, self.high)
        ]

    def __repr__(self) -> str:
        if self.index is None:
            interval = f"{float(self.point):.4g} [{float(self.low):.4g}, {float(self.high):.4g}]"
            return f"Estimate({self.statistic}: {interval}, {self.method}, {self.confidence:.0%}, reps={self.reps})"
        values = f"{len(self.index)} {self.index_name} values"
        return f"Estimate({self.statistic} over {values}, {self.method}, reps={self.reps})"

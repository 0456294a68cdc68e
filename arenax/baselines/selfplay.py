"""Self-play and fictitious self-play over a policy pool, as roles of a `Population`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arenax.baselines.population import PoolView, Role


@dataclass(frozen=True)
class SelfPlay(Role):
    """Plays its own latest snapshot (taken at the end of each generation)."""

    def weights(self, learner: int, pool: PoolView) -> np.ndarray:
        return pool.one_hot([pool.latest[learner]])


@dataclass(frozen=True)
class FictitiousSelfPlay(Role):
    """Plays a uniform mixture of its past snapshots (a reservoir sample of `archive` of them) and its latest.

    Fictitious play best-responds to the average of its past strategies; the archive is that
    average's sample.
    """

    archive: int = 4

    def weights(self, learner: int, pool: PoolView) -> np.ndarray:
        return pool.one_hot([pool.latest[learner], *pool.archives[learner]])

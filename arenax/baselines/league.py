"""A small league in the manner of AlphaStar, as roles of a `Population`: main agents, main exploiters, league exploiters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arenax.baselines.population import PoolView, Role


def league_snapshots(pool: PoolView) -> list[int]:
    """Every snapshot of a league member: latest and archived."""
    members = [i for i, role in enumerate(pool.roles) if isinstance(role, (MainAgent, MainExploiter, LeagueExploiter))]
    return [slot for i in members for slot in (pool.latest[i], *pool.archives[i])]


@dataclass(frozen=True)
class MainAgent(Role):
    """Half its games against its latest self, half against the league's snapshots uniformly.

    This is AlphaStar's prioritised fictitious self-play without the win-rate priorities.
    """

    archive: int = 2
    self_play_share: float = 0.5

    def weights(self, learner: int, pool: PoolView) -> np.ndarray:
        league = pool.one_hot(league_snapshots(pool))
        return self.self_play_share * pool.one_hot([pool.latest[learner]]) + (1 - self.self_play_share) * league


@dataclass(frozen=True)
class MainExploiter(Role):
    """Plays the current main agents only, looking for their weaknesses; restarts every `reset_every` generations."""

    archive: int = 1
    reset_every: int = 4

    def weights(self, learner: int, pool: PoolView) -> np.ndarray:
        mains = pool.learners_with_role(MainAgent)
        if not mains:
            raise ValueError("a MainExploiter needs a MainAgent in the population")
        return pool.one_hot([pool.latest[i] for i in mains])


@dataclass(frozen=True)
class LeagueExploiter(Role):
    """Plays every snapshot of the league uniformly, finding strategies no one counters; restarts every `reset_every` generations."""

    archive: int = 1
    reset_every: int = 6

    def weights(self, learner: int, pool: PoolView) -> np.ndarray:
        return pool.one_hot(league_snapshots(pool))

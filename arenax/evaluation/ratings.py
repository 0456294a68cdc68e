"""Head-to-head ratings from match records, online Elo and Bradley-Terry, on the Elo scale with
bootstrap intervals over matches."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from arenax.evaluation.estimate import Estimate
from arenax.evaluation.intervals import check_interval_arguments, interval_bounds
from arenax.evaluation.io import MatchRecord
from arenax.evaluation.resampling import block_stream, blocks
from arenax.evaluation.seeding import Seed, resolve_seed


@dataclass(frozen=True)
class MatchTable:
    """Matches encoded as player indices: players[a[m]] met players[b[m]] and scored score_a[m]."""

    players: tuple[str, ...]
    a: np.ndarray
    b: np.ndarray
    score_a: np.ndarray

    @property
    def n_matches(self) -> int:
        return self.a.size

    def digest(self) -> str:
        digest = hashlib.sha256(repr(self.players).encode())
        for array in (self.a, self.b, self.score_a):
            digest.update(np.ascontiguousarray(array, dtype="<f8").tobytes())
        return digest.hexdigest()[:16]


def match_table(matches: Iterable[MatchRecord | tuple[str, str, float]]) -> MatchTable:
    """Encodes MatchRecords or (player_a, player_b, score_a) tuples."""
    rows = [(m.player_a, m.player_b, m.score_a) if isinstance(m, MatchRecord) else tuple(m) for m in matches]
    if not rows:
        raise ValueError("no matches to rate")
    for row in rows:
        if len(row) != 3:
            raise ValueError(f"a match is (player_a, player_b, score_a), got {row!r}")
        if row[0] == row[1]:
            raise ValueError(f"a player cannot play itself: {row[0]!r}")
        if not 0.0 <= float(row[2]) <= 1.0:
            raise ValueError(f"score_a must lie in [0, 1] (1 win, 0.5 draw, 0 loss), got {row[2]!r}")
    players = tuple(sorted({str(row[0]) for row in rows} | {str(row[1]) for row in rows}))
    index = {player: i for i, player in enumerate(players)}
    return MatchTable(
        players,
        np.array([index[str(row[0])] for row in rows]),
        np.array([index[str(row[1])] for row in rows]),
        np.array([float(row[2]) for row in rows]),
    )


def _elo_replay(table: MatchTable, order: np.ndarray, k_factor: float, initial: float, scale: float) -> np.ndarray:
    """(players, reps) Elo ratings after replaying matches order[:, rep] for every replicate at once."""
    steps, reps = order.shape
    ratings = np.full((len(table.players), reps), initial)
    columns = np.arange(reps)
    for step in range(steps):
        match = order[step]
        a, b = table.a[match], table.b[match]
        expected = 1.0 / (1.0 + 10.0 ** ((ratings[b, columns] - ratings[a, columns]) / scale))
        change = k_factor * (table.score_a[match] - expected)
        ratings[a, columns] += change
        ratings[b, columns] -= change
    return ratings


def _bradley_terry(
    wins: np.ndarray, games: np.ndarray, tolerance: float, max_iterations: int
) -> np.ndarray:
    """(players, reps) log10 strengths maximizing the Bradley-Terry likelihood; wins (P, R), games (P, P, R)."""
    strengths = np.ones(wins.shape)
    # A player with no wins drives its strength to 0 (log -inf): the caller reports such replicates.
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(max_iterations):
            pair_sums = strengths[:, None, :] + strengths[None, :, :]
            updated = wins / np.sum(games / pair_sums, axis=1)
            updated /= np.exp(np.mean(np.log(updated), axis=0, keepdims=True))
            change = np.nanmax(np.abs(np.log(updated) - np.log(strengths)))
            strengths = updated
            if not change >= tolerance:
                break
        return np.log10(strengths)


def _pair_games(table: MatchTable, counts: np.ndarray, prior_games: float) -> tuple[np.ndarray, np.ndarray]:
    """Wins (P, R) and games (P, P, R) of each replicate from match counts (matches, R), plus the prior draws."""
    players = len(table.players)
    wins = np.zeros((players, counts.shape[1]))
    games = np.zeros((players, players, counts.shape[1]))
    np.add.at(wins, table.a, table.score_a[:, None] * counts)
    np.add.at(wins, table.b, (1.0 - table.score_a)[:, None] * counts)
    np.add.at(games, (table.a, table.b), counts)
    np.add.at(games, (table.b, table.a), counts)
    off_diagonal = 1.0 - np.eye(players)
    games += prior_games * off_diagonal[:, :, None]
    wins += prior_games * (players - 1) / 2.0
    return wins, games


def _check_bradley_terry_data(table: MatchTable, prior_games: float) -> None:
    if prior_games > 0:
        return
    wins, games = _pair_games(table, np.ones((table.n_matches, 1)), 0.0)
    played = games[:, :, 0].sum(axis=1)
    undefined = [table.players[i] for i in range(len(table.players)) if wins[i, 0] in (0.0, played[i])]
    if undefined:
        raise ValueError(
            f"players {undefined} won all or none of their points, so their Bradley-Terry strength is infinite; "
            "use prior_games > 0"
        )


def _estimates(
    table: MatchTable,
    point: np.ndarray,
    replicates: np.ndarray,
    statistic: str,
    *,
    reps: int,
    confidence: float,
    seed: int,
) -> dict[str, Estimate]:
    low, high = interval_bounds(replicates, point, "percentile", confidence)
    digest = table.digest()
    return {
        player: Estimate(
            statistic, float(point[i]), float(low[i]), float(high[i]), "percentile", reps, confidence, seed, digest
        )
        for i, player in enumerate(table.players)
    }


def _resampled_matches(table: MatchTable, reps: int, seed: int) -> Iterable[np.ndarray]:
    """(matches, block) indices of matches drawn with replacement, block by block."""
    size = int(min(max(2 ** 20 // (8 * (table.n_matches + len(table.players) ** 2)), 16), 512))
    for block, reps_in_block in blocks(reps, size):
        rng = block_stream(seed, block, "matches")
        yield rng.integers(0, table.n_matches, size=(table.n_matches, reps_in_block))


def elo_ratings(
    matches: Sequence[MatchRecord | tuple[str, str, float]],
    reps: int = 1000,
    confidence: float = 0.95,
    seed: Seed = 0,
    *,
    k_factor: float = 16.0,
    initial: float = 1500.0,
    scale: float = 400.0,
) -> dict[str, Estimate]:
    """Online Elo rating of each player after the matches in order, with a percentile bootstrap interval.

    Elo depends on match order: replicates replay resampled matches in their
    drawn (random) order, so the interval also covers order effects. For a
    fixed set of games, bradley_terry_ratings is the order-free summary.
    """
    check_interval_arguments("percentile", confidence, reps)
    table = match_table(matches)
    seed_value = resolve_seed(seed)
    point = _elo_replay(table, np.arange(table.n_matches)[:, None], k_factor, initial, scale)[:, 0]
    replicates = np.concatenate(
        [
            _elo_replay(table, order, k_factor, initial, scale).T
            for order in _resampled_matches(table, reps, seed_value)
        ]
    )
    return _estimates(table, point, replicates, "elo", reps=reps, confidence=confidence, seed=seed_value)


def bradley_terry_ratings(
    matches: Sequence[MatchRecord | tuple[str, str, float]],
    reps: int = 1000,
    confidence: float = 0.95,
    seed: Seed = 0,
    *,
    prior_games: float = 1.0,
    initial: float = 1500.0,
    scale: float = 400.0,
    tolerance: float = 1e-10,
    max_iterations: int = 10000,
) -> dict[str, Estimate]:
    """Bradley-Terry rating of each player (mean rating = `initial`), with a percentile bootstrap interval.

    Fitted by minorization-maximization (Hunter, 2004) for all replicates at
    once. Ratings are on the Elo scale (`scale` points = a factor 10 in odds).
    A draw counts as half a win for each side. `prior_games` virtual drawn
    games between every pair of players keep ratings finite for players
    who won all or none of their games; prior_games=0 gives the plain
    maximum-likelihood fit and raises if that does not exist.
    """
    check_interval_arguments("percentile", confidence, reps)
    if prior_games < 0:
        raise ValueError(f"prior_games must be non-negative, got {prior_games}")
    table = match_table(matches)
    _check_bradley_terry_data(table, prior_games)
    seed_value = resolve_seed(seed)

    def ratings(counts: np.ndarray) -> np.ndarray:
        wins, games = _pair_games(table, counts, prior_games)
        return initial + scale * _bradley_terry(wins, games, tolerance, max_iterations)

    point = ratings(np.ones((table.n_matches, 1)))[:, 0]
    parts = []
    for order in _resampled_matches(table, reps, seed_value):
        offsets = order * order.shape[1] + np.arange(order.shape[1])
        counts = np.bincount(offsets.ravel(), minlength=table.n_matches * order.shape[1]).reshape(table.n_matches, -1)
        parts.append(ratings(counts.astype(np.float64)).T)
    replicates = np.concatenate(parts)
    finite = np.all(np.isfinite(replicates), axis=1)
    if not finite.all():
        warnings.warn(
            f"{int((~finite).sum())} of {reps} replicates had no finite Bradley-Terry fit (a player won all or none "
            "of its resampled games) and were left out; use prior_games > 0",
            stacklevel=2,
        )
        replicates = replicates[finite]
    return _estimates(table, point, replicates, "bradley_terry", reps=reps, confidence=confidence, seed=seed_value)

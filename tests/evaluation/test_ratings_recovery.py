"""Elo and Bradley-Terry on synthetic round-robin tournaments with known strengths: order recovered, intervals cover."""

import numpy as np

import arenax.evaluation as ev

TRUE = {"hard": 1800.0, "medium": 1600.0, "easy": 1450.0, "random": 1150.0}  # mean 1500, the ratings' anchor


def round_robin(matches_per_pair: int, seed: int) -> list[tuple[str, str, float]]:
    rng = np.random.default_rng(seed)
    names = list(TRUE)
    records = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            p_a = 1.0 / (1.0 + 10 ** ((TRUE[b] - TRUE[a]) / 400))
            records.extend((a, b, float(win)) for win in rng.random(matches_per_pair) < p_a)
    order = rng.permutation(len(records))
    return [records[k] for k in order]


def test_both_ratings_recover_the_order_of_a_tournament():
    matches = round_robin(150, seed=3)
    elo = ev.elo_ratings(matches, reps=200, seed=0)
    bradley_terry = ev.bradley_terry_ratings(matches, reps=200, seed=0)
    for ratings in (elo, bradley_terry):
        assert sorted(TRUE, key=lambda name: -ratings[name].point) == list(TRUE)
        for name in TRUE:
            assert ratings[name].low <= ratings[name].point <= ratings[name].high
    spread = bradley_terry["hard"].point - bradley_terry["random"].point
    assert abs(spread - (TRUE["hard"] - TRUE["random"])) < 150


def test_bradley_terry_intervals_cover_the_true_ratings():
    covered = []
    for seed in range(30):
        ratings = ev.bradley_terry_ratings(round_robin(120, seed), reps=300, seed=seed)
        covered.extend(ratings[name].low <= TRUE[name] <= ratings[name].high for name in TRUE)
    # Nominal 95% per player over 120 intervals: below 85% only if the intervals are too narrow or biased.
    assert np.mean(covered) >= 0.85

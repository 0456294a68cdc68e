"""Head-to-head ratings (Elo, Bradley-Terry) from match records, and rank aggregation across tasks."""

import numpy as np
import pytest
from scipy import optimize

import arenax.evaluation as ev

STRENGTHS = {"alpha": 400.0, "beta": 200.0, "gamma": 0.0, "delta": -100.0}  # true Elo-scale ratings


def simulated_matches(games, seed=0):
    rng = np.random.default_rng(seed)
    players = list(STRENGTHS)
    matches = []
    for _ in range(games):
        a, b = rng.choice(len(players), size=2, replace=False)
        p_a = 1.0 / (1.0 + 10 ** ((STRENGTHS[players[b]] - STRENGTHS[players[a]]) / 400))
        outcome = rng.random()
        score = 0.5 if abs(outcome - p_a) < 0.05 else float(outcome < p_a)
        matches.append((players[a], players[b], score))
    return matches


def test_elo_replays_matches_in_order():
    ratings = ev.elo_ratings([("a", "b", 1.0), ("b", "a", 1.0)], reps=20, k_factor=16)
    expected_b_win = 1.0 / (1.0 + 10 ** ((1508.0 - 1492.0) / 400))
    change = 16 * (1.0 - expected_b_win)
    assert ratings["a"].point == pytest.approx(1508.0 - change)
    assert ratings["b"].point == pytest.approx(1492.0 + change)
    assert ratings["a"].statistic == "elo"


def test_bradley_terry_is_the_maximum_likelihood_fit():
    matches = simulated_matches(400)
    fitted = ev.bradley_terry_ratings(matches, reps=50, prior_games=0.0)
    players = sorted(STRENGTHS)
    index = {p: i for i, p in enumerate(players)}

    def negative_log_likelihood(ratings):
        total = 0.0
        for a, b, score in matches:
            p_a = 1.0 / (1.0 + 10 ** ((ratings[index[b]] - ratings[index[a]]) / 400))
            total -= score * np.log(p_a) + (1 - score) * np.log(1 - p_a)
        return total

    best = optimize.minimize(negative_log_likelihood, np.zeros(len(players)), method="BFGS").x
    best += 1500.0 - best.mean()
    for player in players:
        assert fitted[player].point == pytest.approx(best[index[player]], abs=0.05)
    order = sorted(players, key=lambda p: -fitted[p].point)
    assert order == ["alpha", "beta", "gamma", "delta"]


def test_bradley_terry_intervals_shrink_with_more_games():
    few = ev.bradley_terry_ratings(simulated_matches(300), reps=300, seed=1)
    many = ev.bradley_terry_ratings(simulated_matches(1200), reps=300, seed=1)
    for player in STRENGTHS:
        assert few[player].low <= few[player].point <= few[player].high
        assert many[player].width < 0.7 * few[player].width


def test_bradley_terry_needs_a_prior_for_an_unbeaten_player():
    matches = [("a", "b", 1.0), ("a", "b", 1.0), ("b", "c", 0.5), ("c", "a", 0.0)]
    with pytest.raises(ValueError, match=r"players \['a'\] won all or none.*prior_games > 0"):
        ev.bradley_terry_ratings(matches, prior_games=0.0)
    ratings = ev.bradley_terry_ratings(matches, reps=100)
    assert ratings["a"].point > ratings["c"].point > ratings["b"].point
    assert np.mean([r.point for r in ratings.values()]) == pytest.approx(1500.0)


def test_match_files_and_bad_matches(tmp_path):
    path = tmp_path / "matches.csv"
    path.write_text("player_a,player_b,score_a,task\nppo,random,1,fight\nrandom,ppo,0.5,fight\n")
    matches = ev.read_matches(path)
    assert matches[1] == ev.MatchRecord("random", "ppo", 0.5, "fight")
    assert set(ev.elo_ratings(matches, reps=10)) == {"ppo", "random"}
    with pytest.raises(ValueError, match="score_a must lie in"):
        ev.elo_ratings([("a", "b", 2.0)])
    with pytest.raises(ValueError, match="cannot play itself"):
        ev.bradley_terry_ratings([("a", "a", 1.0)])


def test_average_ranks_across_tasks():
    scores = {
        "best": np.array([[3.0, 3.0, 3.0], [3.2, 3.1, 2.9]]),
        "tied": np.array([[1.0, 2.0, 0.0], [1.0, 2.0, 0.0]]),
        "other": np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]),
    }
    ranks = ev.average_ranks(scores, reps=200)
    assert ranks["best"].point == 1.0
    # "tied" and "other" tie on task 0 (rank 2.5 each), then split 2/3 and 3/2.
    assert ranks["tied"].point == pytest.approx((2.5 + 2 + 3) / 3)
    assert ranks["other"].point == pytest.approx((2.5 + 3 + 2) / 3)
    assert ranks["best"].low == ranks["best"].high == 1.0
    lower_is_better = ev.average_ranks(scores, reps=50, higher_is_better=False)
    assert lower_is_better["best"].point == 3.0

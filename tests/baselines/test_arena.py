"""Arena matches between frozen policies and scripted players: scores from both seats, round robins, cut-offs."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from duel_game import ACTIONS, Duel

from arenax.baselines import ppo
from arenax.baselines.arena import Arena, Player, load_params, save_params

CONFIG = ppo.PPOConfig(env_id="duel", features=8)


@pytest.fixture(scope="module")
def arena():
    return Arena(Duel(), ppo.make_policy(CONFIG, ACTIONS), max_steps=10)


def always(template, action):
    params = jax.tree_util.tree_map(jnp.zeros_like, template)
    bias = params["params"]["actor_out"]["bias"].at[action].set(50.0)
    return {"params": {**params["params"], "actor_out": {**params["params"]["actor_out"], "bias": bias}}}


def test_scores_from_both_seats(arena):
    paper = Player(params=always(arena.template, 1))
    rock = Player(scripted="rock")
    # Every call plays batches of two matches: one compiled program for the whole module.
    scores = arena.scores(paper, rock, 4)
    assert scores.shape == (4,) and (scores == 1.0).all()
    assert (arena.scores(rock, paper, 4) == 0.0).all()
    seat_0, done = arena.seat_scores(rock, paper, 2)
    assert (seat_0 == 0.0).all() and done.all()
    # copy repeats rock's last action (rock, from the start): every round a tie.
    assert (arena.scores(Player(scripted="copy"), rock, 4) == 0.5).all()


def test_round_robin_records(arena):
    players = {
        "paper": Player(params=always(arena.template, 1)),
        "scissors": Player(params=always(arena.template, 2), greedy=True),
        "rock": Player(scripted="rock"),
    }
    records = arena.round_robin(players, 4)
    assert len(records) == 3 * 4
    by_pair = {}
    for a, b, score in records:
        by_pair.setdefault((a, b), []).append(score)
    assert by_pair == {("paper", "scissors"): [0.0] * 4, ("paper", "rock"): [1.0] * 4, ("scissors", "rock"): [0.0] * 4}


def test_cut_off_matches_are_draws(arena):
    scores, done = arena.seat_scores(Player(params=always(arena.template, 1)), Player(scripted="rock"), 2, max_steps=2)
    assert (scores == 0.5).all() and not done.any()


def test_players_and_params_files(arena, tmp_path):
    with pytest.raises(ValueError, match="exactly one"):
        Player()
    with pytest.raises(ValueError, match="exactly one"):
        Player(params=arena.template, scripted="rock")
    with pytest.raises(ValueError, match="no scripted policy 'lizard'"):
        arena.seat_scores(Player(scripted="lizard"), Player(scripted="rock"), 1)
    params = always(arena.template, 2)
    save_params(tmp_path / "agent.msgpack", params)
    loaded = load_params(tmp_path / "agent.msgpack", arena.template)
    for a, b in zip(jax.tree_util.tree_leaves(params), jax.tree_util.tree_leaves(loaded)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))

"""Self-play, fictitious self-play, the league and best responses on a tiny two-player game, as one PPO population."""

import jax
import numpy as np
import pytest
from duel_game import Duel

from arenax.baselines import ppo
from arenax.baselines.league import LeagueExploiter, MainAgent, MainExploiter, league_snapshots
from arenax.baselines.population import FixedOpponent, Population, population_config
from arenax.baselines.selfplay import FictitiousSelfPlay, SelfPlay

ROLES = [
    SelfPlay(),
    FictitiousSelfPlay(archive=2),
    MainAgent(archive=1),
    MainExploiter(archive=1, reset_every=2),
    LeagueExploiter(archive=1, reset_every=3),
    FixedOpponent(opponent="rock"),
]
GENERATIONS = 4
BASE = ppo.PPOConfig(env_id="duel-population", features=16, num_envs=16, rollout_length=12, num_minibatches=2,
                     learning_rate=3e-3, updates_per_chunk=4)


@pytest.fixture(scope="module")
def trained():
    config = population_config(BASE, len(ROLES), GENERATIONS, 2)
    population = Population(config, Duel(), ROLES, scripted=("rock", "copy"))
    weights_seen = []
    original = population.with_opponents

    def recording(state, pool, weights):
        weights_seen.append(np.asarray(weights))
        return original(state, pool, weights)

    population.with_opponents = recording
    result = population.run(GENERATIONS, 2)
    return population, result, weights_seen


def leaves(tree):
    return [np.asarray(leaf) for leaf in jax.tree_util.tree_leaves(tree)]


def test_pool_layout_and_role_weights(trained):
    population, _, weights_seen = trained
    view = population.view()
    assert population.pool_size == len(ROLES) + 2 + 1 + 1 + 1
    assert view.opponents[-2:] == ("rock", "copy")
    assert [len(a) for a in view.archives] == [0, 2, 1, 1, 1, 0]
    first, last = weights_seen[0], weights_seen[-1]
    np.testing.assert_allclose(first.sum(axis=1), 1.0)
    assert first[0, 0] == 1.0  # self-play: its latest snapshot
    # FSP: uniform over its latest and archived snapshots (none archived before the first snapshot).
    assert first[1, 1] == 1.0
    np.testing.assert_allclose(last[1, [1, *view.archives[1]]], 1 / 3)
    assert last[3, 2] == 1.0  # the main exploiter plays the main agent's latest snapshot
    league = league_snapshots(view)
    assert set(np.flatnonzero(last[4])) == set(league)  # the league exploiter: every league snapshot
    assert last[2, 2] == pytest.approx(0.5 + 0.5 / len(league))  # main: half self-play, half the league
    assert last[5, view.opponents.index("rock")] == 1.0


def test_pool_holds_the_learners_snapshots(trained):
    _, result, _ = trained
    # Restarts never follow the last generation, so every latest slot holds its learner's final parameters.
    for learner in range(len(ROLES)):
        snapshot = jax.tree_util.tree_map(lambda leaf: leaf[learner], result.pool)
        for a, b in zip(leaves(snapshot), leaves(result.params(learner))):
            np.testing.assert_array_equal(a, b)


def test_one_compiled_program_for_every_generation(trained):
    population, _, _ = trained
    assert population.trainer._chunk._cache_size() == 1


def test_best_response_beats_a_fixed_naive_opponent(trained):
    _, result, _ = trained
    records = [r for r in result.records if r["role"] == "FixedOpponent"]
    assert records[-1]["win_rate"] > 0.9 > records[0]["win_rate"]


def test_exploiter_restarts_from_its_initial_parameters(trained):
    population, result, _ = trained
    initial = population.initial.params
    state = population.restart(result.state, [3])
    for i, before, after in zip(leaves(initial), leaves(result.state.learner.params), leaves(state.learner.params)):
        np.testing.assert_array_equal(after[3], i[3])
        np.testing.assert_array_equal(after[2], before[2])
    assert any((b[3] != i[3]).any() for i, b in zip(leaves(initial), leaves(result.state.learner.params)))


def test_bad_populations():
    with pytest.raises(ValueError, match="num_seeds"):
        Population(BASE, Duel(), [SelfPlay(), SelfPlay()])
    config = population_config(BASE, 1, 1, 1)
    with pytest.raises(ValueError, match="memoryless"):
        Population(population_config(ppo.PPOConfig(backbone="gru"), 1, 1, 1), Duel(), [SelfPlay()])
    with pytest.raises(ValueError, match="too small"):
        Population(config, Duel(), [FictitiousSelfPlay(archive=3)], pool_size=2)
    population = Population(config, Duel(), [MainExploiter()])
    with pytest.raises(ValueError, match="needs a MainAgent"):
        MainExploiter().weights(0, population.view())
    with pytest.raises(ValueError, match="no fixed opponent 'paper'"):
        FixedOpponent(opponent="paper").weights(0, population.view())

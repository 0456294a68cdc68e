"""Datasets with continuous actions (Pendulum-v1) and of the fight ladder, generated tiny and loaded back."""

import dataclasses
import json

import jax
import minari
import numpy as np
import pytest

from arenax import datasets
from arenax.baselines import ppo
from arenax.datasets import behaviour, generate, offline

from tiny_data import TINY_BEHAVIOUR, minari_root  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("behaviour")


def stand_in_behaviour(config, cache, returns):
    """Caches untrained checkpoints for `config`, so that generation skips PPO training (tested on CartPole)."""
    untrained = ppo.PPO(dataclasses.replace(config, num_minibatches=1)).init(jax.random.PRNGKey(0)).learner.params
    untrained = jax.tree_util.tree_map(np.asarray, untrained)
    stand_in = behaviour.Behaviour(config, [untrained, untrained], [None, 0.0], 1, 0, returns)
    behaviour.save_behaviour(stand_in, behaviour.cache_folder(cache, config))


@pytest.fixture(scope="module")
def pendulum(minari_root, cache):  # noqa: F811
    config = behaviour.behaviour_config("Pendulum-v1", 0, **TINY_BEHAVIOUR)
    stand_in_behaviour(config, cache, {"random": -1200.0, "medium": -900.0, "expert": -200.0})
    medium = generate("Pendulum-v1", "medium", 400, 0, cache=cache, num_envs=2, behaviour_overrides=TINY_BEHAVIOUR)
    random = generate("Pendulum-v1", "random", 400, 0, cache=cache, num_envs=2, behaviour_overrides=TINY_BEHAVIOUR)
    return medium, random


def test_pendulum_datasets_hold_clipped_float_actions_and_timeouts(pendulum):
    medium, random = pendulum
    assert medium == "arenax/pendulum/medium-v0"
    for identifier in pendulum:
        data = datasets.get_dataset(identifier)
        n = len(data["rewards"])
        assert n == 400 and data["actions"].shape == (n, 1) and data["actions"].dtype == np.float32
        assert np.abs(data["actions"]).max() <= 2.0
        assert not data["terminals"].any() and data["timeouts"].sum() == 2 and data["timeouts"][[199, 399]].all()
        env = minari.load_dataset(identifier).recover_environment()
        assert env.action_space.shape == (1,) and env.action_space.high[0] == 2.0
    # The untrained Gaussian (std 1) clips some of its draws to the bounds; uniform random ones spread over them.
    assert (np.abs(datasets.get_dataset(medium)["actions"]) == 2.0).any()
    uniform = datasets.get_dataset(random)["actions"]
    assert uniform.min() < -1.8 and uniform.max() > 1.8 and abs(float(uniform.mean())) < 0.3


def test_pendulum_transitions_are_continuous_and_cql_refuses_them(pendulum):
    from arenax.baselines.offline import cql

    data = offline.transitions(pendulum[0])
    assert data.continuous and data.action_bounds == ((-2.0,), (2.0,)) and data.actions.shape == (400, 1)
    with pytest.raises(ValueError, match="discrete-only"):
        cql.train(cql.CQLConfig(steps=1), data, [0])


def test_fight_ladder_dataset_loads_through_minari_and_get_dataset(minari_root, cache):  # noqa: F811
    env_id = "FightLadder-Ryn-v0"
    config = behaviour.behaviour_config(env_id, 0, **TINY_BEHAVIOUR)
    stand_in_behaviour(config, cache, {"random": -5.0, "medium": 0.0, "expert": 10.0})
    identifier = generate(env_id, "medium", 50, 0, cache=cache, num_envs=2, behaviour_overrides=TINY_BEHAVIOUR)
    assert identifier == "arenax/fightladder-ryn/medium-v0"
    loaded = minari.load_dataset(identifier)
    data = datasets.get_dataset(identifier)
    n = len(data["actions"])
    assert n >= 50 and loaded.total_steps == n and loaded.total_episodes == int(data["episode_starts"].sum())
    assert data["observations"].shape == (n, *loaded.observation_space.shape)
    assert np.issubdtype(data["actions"].dtype, np.integer) and data["actions"].max() < 22
    assert (data["terminals"] | data["timeouts"])[np.flatnonzero(data["episode_starts"])[1:] - 1].all()
    metadata = json.loads((minari_root / identifier / "data" / "metadata.json").read_text())
    assert metadata["arenax_env_id"] == env_id and metadata["ref_max_score"] == 10.0
    assert loaded.recover_environment().action_space.n == 22


def test_train_command_runs_iql_on_the_pendulum_and_refuses_cql(pendulum, capsys):
    import argparse

    from arenax.baselines.offline import command

    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    # BC's continuous path is the policy half of IQL's (both tested on known answers in tests/baselines/offline).
    argv = ["iql", "--dataset", pendulum[0], "--seeds", "2", "--steps", "30", "--eval-steps", "200", "--hidden", "8",
            "--no-progress"]
    assert command.run(parser.parse_args(argv)) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["env_id"] == "Pendulum-v1" and len(summary["returns"]) == 2
    assert all(-2000.0 < r < 0.0 for r in summary["returns"])
    assert command.run(parser.parse_args(["cql", "--dataset", pendulum[0], "--steps", "5", "--no-progress"])) == 2
    assert "discrete-only" in capsys.readouterr().err

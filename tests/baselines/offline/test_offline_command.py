"""`arenax train iql --dataset ID`: loads a generated dataset, trains over seeds, scores in the environment, writes run folders."""

import argparse
import dataclasses
import json

import jax
import numpy as np
import pytest

from arenax.baselines import ppo, run_log
from arenax.baselines.offline import command

TINY_BEHAVIOUR = dict(total_timesteps=8 * 32 * 2 * 2, num_envs=8, rollout_length=32, updates_per_chunk=2, features=16)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("MINARI_DATASETS_PATH", str(tmp_path_factory.mktemp("minari")))
    from arenax.datasets import behaviour, generate

    # Untrained checkpoints stand in for the behaviour run (its training is tested in tests/datasets).
    cache = tmp_path_factory.mktemp("behaviour")
    config = behaviour.behaviour_config("CartPole-v1", 0, **TINY_BEHAVIOUR)
    untrained = ppo.PPO(dataclasses.replace(config, num_minibatches=1)).init(jax.random.PRNGKey(0)).learner.params
    untrained = jax.tree_util.tree_map(np.asarray, untrained)
    stand_in = behaviour.Behaviour(config, [untrained, untrained], [None, 0.0], 1, 0, {"random": 20.0, "medium": 25.0, "expert": 60.0})
    behaviour.save_behaviour(stand_in, behaviour.cache_folder(cache, config))
    identifier = generate(
        "CartPole-v1", "medium-replay", 400, 0, cache=cache, num_envs=16, behaviour_overrides=TINY_BEHAVIOUR
    )
    yield identifier
    mp.undo()


def parse(*argv):
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_train_iql_on_a_dataset_writes_scored_run_folders(dataset, tmp_path, capsys):
    from arenax.datasets import normalized_score

    args = parse("iql", "--dataset", dataset, "--seeds", "2", "--steps", "40", "--eval-steps", "300", "--hidden", "16",
                 "--out", str(tmp_path), "--no-progress")
    assert command.run(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["seeds"] == [0, 1] and summary["env_id"] == "CartPole-v1"
    np.testing.assert_allclose(summary["normalized_scores"], normalized_score(dataset, np.array(summary["returns"])))
    for seed in (0, 1):
        config = run_log.read_config(tmp_path / str(seed))
        assert config["algorithm"] == "iql" and config["dataset"] == dataset and config["iql"]["hidden"] == [16]
        (record,) = run_log.read_metrics(tmp_path / str(seed))
        assert record["step"] == 40 and record["normalized_score"] == pytest.approx(summary["normalized_scores"][seed])


def test_flags_of_another_algorithm_and_unknown_datasets_are_refused(dataset, capsys):
    assert command.run(parse("bc", "--dataset", dataset, "--alpha", "2", "--no-progress")) == 2
    assert "bc takes no alpha" in capsys.readouterr().err
    assert command.run(parse("cql", "--dataset", "arenax/none/medium-v0", "--no-progress")) == 2
    assert "not found" in capsys.readouterr().err

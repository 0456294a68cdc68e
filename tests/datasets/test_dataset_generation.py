"""Generated datasets: whole episodes, timeouts apart from terminals, determinism, tiers, Minari round trip, D4RL accessors."""

import dataclasses
import json

import jax
import minari
import numpy as np
import pytest

import arenax
from arenax import datasets
from arenax.baselines import ppo
from arenax.datasets import behaviour, generation
from tiny_data import TINY_BEHAVIOUR, minari_root, short_cartpole, tiny_generate  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("behaviour")


@pytest.fixture(scope="module")
def medium(minari_root, short_cartpole, cache):
    return tiny_generate(short_cartpole, "medium", 600, 7, cache)


def test_ids_follow_the_namespace_env_tier_version_scheme():
    assert datasets.dataset_id("SMAX-3m-v0", "medium") == "arenax/smax-3m/medium-v0"
    assert datasets.dataset_id("arenax/CartPole-v1", "medium-replay", 2) == "arenax/cartpole/medium-replay-v2"
    with pytest.raises(ValueError, match="unknown tier 'hard'"):
        datasets.dataset_id("CartPole-v1", "hard")


def test_d4rl_arrays_hold_whole_episodes_with_timeouts_apart_from_terminals(medium):
    data = datasets.get_dataset(medium)
    n = len(data["actions"])
    assert n >= 600
    assert data["observations"].shape == (n, 4) and data["observations"].dtype == np.float32
    assert set(data) >= {"observations", "actions", "rewards", "terminals", "timeouts", "next_observations"}
    ends = data["terminals"] | data["timeouts"]
    assert not (data["terminals"] & data["timeouts"]).any()
    assert data["timeouts"].any() and data["terminals"].any()
    # Every episode is whole: it starts right after the previous one ends, and the last step ends one.
    starts = data["episode_starts"]
    assert starts[0] and ends[-1]
    np.testing.assert_array_equal(starts[1:], ends[:-1])
    # The 30-step limit is a timeout, never a terminal; a fall before it (or on it) is a terminal.
    lengths = np.diff(np.append(np.flatnonzero(starts), n))
    assert (lengths[data["timeouts"][ends]] == 30).all()
    assert data["terminals"][ends][lengths < 30].all()
    # Next observations continue the episode, and every one of its steps earned the CartPole reward.
    inside = ~ends[:-1]
    np.testing.assert_array_equal(data["next_observations"][:-1][inside], data["observations"][1:][inside])
    np.testing.assert_array_equal(data["rewards"], 1.0)
    q = datasets.qlearning_dataset(medium)
    np.testing.assert_array_equal(q["next_observations"], data["next_observations"])


def test_metadata_records_policy_seed_version_and_reference_scores(medium, cache):
    dataset = datasets.load_dataset(medium)
    metadata = dataset.storage.metadata
    assert metadata["arenax_seed"] == 7 and metadata["arenax_env_version"] == 0 and metadata["arenax_tier"] == "medium"
    assert metadata["algorithm_name"].startswith("medium: ppo-mlp checkpoint")
    low, high = datasets.reference_scores(medium)
    assert (metadata["ref_min_score"], metadata["ref_max_score"]) == (low, high)
    trained = behaviour.load_behaviour(next(cache.glob("shortcartpole-test/seed7-*")))
    assert (low, high) == (trained.returns["random"], trained.returns["expert"])
    returns = datasets.episode_returns(medium)
    np.testing.assert_allclose(datasets.normalized_score(medium, returns), 100 * (returns - low) / (high - low))
    assert datasets.normalized_score(medium, low) == pytest.approx(0.0)
    assert datasets.normalized_score(medium, high) == pytest.approx(100.0)


def test_minari_loads_it_and_recovers_the_environment(medium):
    dataset = minari.load_dataset(medium)
    env = dataset.recover_environment()
    assert env.observation_space == dataset.observation_space and env.action_space == dataset.action_space
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    episode = next(dataset.iterate_episodes())
    assert len(episode.observations) == len(episode.actions) + 1


def test_generation_is_deterministic_given_the_seed(medium, short_cartpole, cache):
    again = tiny_generate(short_cartpole, "medium", 600, 7, cache, version=1)
    first, second = datasets.get_dataset(medium), datasets.get_dataset(again)
    assert first.keys() == second.keys()
    for key in first:
        np.testing.assert_array_equal(first[key], second[key], err_msg=key)


def test_tiers_are_made_of_the_right_checkpoints(medium, cache):
    trained = behaviour.load_behaviour(next(cache.glob("shortcartpole-test/seed7-*")))
    assert 0 <= trained.medium_index <= trained.expert_index < len(trained.checkpoints) == 4  # untrained + 3 chunks
    parts = generation.tier_parts(trained, "medium-replay", 100)
    assert [index for index, _ in parts] == list(range(trained.medium_index + 1))
    assert generation.tier_parts(trained, "medium-expert", 101) == [(trained.medium_index, 51), (trained.expert_index, 50)]
    assert generation.tier_parts(trained, "random", 10) == [(None, 10)]


def test_random_and_medium_expert_tiers(short_cartpole, cache, minari_root):
    random_id = tiny_generate(short_cartpole, "random", 300, 7, cache)
    mixed_id = tiny_generate(short_cartpole, "medium-expert", 300, 7, cache)
    metadata = datasets.load_dataset(mixed_id).storage.metadata
    assert metadata["algorithm_name"].count("checkpoint") == 2
    assert len(datasets.get_dataset(random_id)["actions"]) >= 300
    assert datasets.load_dataset(random_id).storage.metadata["algorithm_name"].startswith("random: uniform random")


def test_episode_and_sequence_sampling(medium):
    episodes = datasets.sample_episodes(medium, 3, seed=1)
    assert len(episodes) == 3 and len({e.id for e in episodes}) == 3
    again = datasets.sample_episodes(medium, 3, seed=1)
    assert [e.id for e in episodes] == [e.id for e in again]
    data = datasets.get_dataset(medium)
    batch = datasets.sample_sequences(data, 16, 20, np.random.default_rng(0))
    assert batch["observations"].shape == (16, 20, 4) and batch["mask"].shape == (16, 20)
    # A window never crosses into the next episode: it stops where its episode ends.
    ends = (batch["terminals"] | batch["timeouts"]) & batch["mask"]
    for row in range(16):
        valid = np.flatnonzero(batch["mask"][row])
        assert valid[0] == 0 and np.all(np.diff(valid) == 1)
        if valid[-1] < 19:
            assert ends[row, valid[-1]]
        assert not batch["resets"][row, 1:].any()
    with pytest.raises(ValueError, match="num_episodes"):
        datasets.sample_episodes(medium, 10**6)


def test_bad_requests_fail_before_any_work(minari_root, medium, short_cartpole, cache):
    with pytest.raises(datasets.DatasetExistsError, match="already exists"):
        tiny_generate(short_cartpole, "medium", 600, 7, cache)
    with pytest.raises(arenax.core.UnknownEnvironmentError):
        tiny_generate("NoSuchEnv-v0", "medium", 10, 0, cache)
    with pytest.raises(ValueError, match="steps must be at least 1"):
        tiny_generate(short_cartpole, "expert", 0, 0, cache)
    with pytest.raises(ValueError, match="unknown tier"):
        tiny_generate(short_cartpole, "best", 10, 0, cache)


def test_multi_agent_smax_keeps_agents_world_state_and_masks(minari_root, cache):
    config = behaviour.behaviour_config("SMAX-3m-v0", 0, **TINY_BEHAVIOUR)
    assert config.algorithm == "mappo"
    # Untrained checkpoints stand in for MAPPO's training (tested on CartPole above), which is slow to compile.
    stand_in_behaviour(config, cache)
    identifier = tiny_generate("SMAX-3m-v0", "random", 200, 0, cache)
    assert identifier == "arenax/smax-3m/random-v0"
    data = datasets.get_dataset(identifier)
    n = len(data["actions"])
    assert data["observations"].shape[:2] == (n, 3) and data["actions"].shape == (n, 3)
    assert data["infos/world_state"].shape[0] == n and data["infos/action_mask"].shape[:2] == (n, 3)
    masks = data["infos/action_mask"]
    assert np.take_along_axis(masks, data["actions"][..., None], -1).all()  # behaviour took allowed actions only
    np.testing.assert_allclose(data["rewards"], data["next_infos/agent_rewards"].sum(-1), rtol=1e-6)
    metadata = json.loads((minari_root / identifier / "data" / "metadata.json").read_text())
    assert metadata["arenax_agents"] == list(arenax.make("SMAX-3m-v0").agents)
    env = minari.load_dataset(identifier).recover_environment()
    assert env.action_space.shape == (3,)


def stand_in_behaviour(config, cache):
    """Caches a run of untrained checkpoints for `config`, so that generation skips PPO training."""
    untrained = ppo.PPO(dataclasses.replace(config, num_minibatches=1)).init(jax.random.PRNGKey(0)).learner.params
    untrained = jax.tree_util.tree_map(np.asarray, untrained)
    stand_in = behaviour.Behaviour(config, [untrained, untrained], [None, 0.0], 1, 0, {"random": 0.0, "medium": 0.5, "expert": 1.0})
    behaviour.save_behaviour(stand_in, behaviour.cache_folder(cache, config))


def test_data_command_generates_verifies_and_lists(minari_root, short_cartpole, cache, capsys):
    import argparse

    from arenax.datasets import command

    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    stand_in_behaviour(behaviour.behaviour_config(short_cartpole, 3, total_timesteps=1024), cache)
    argv = ["generate", short_cartpole, "--tier", "expert", "--steps", "150", "--seed", "3", "--num-envs", "8",
            "--cache", str(cache), "--behaviour-timesteps", "1024"]
    assert command.run(parser.parse_args(argv)) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["dataset_id"] == "arenax/shortcartpole-test/expert-v0" and summary["steps"] >= 150
    assert command.run(parser.parse_args(["verify", summary["dataset_id"]])) == 0
    assert json.loads(capsys.readouterr().out)["verified"] is True
    assert command.run(parser.parse_args(["list"])) == 0
    assert "arenax/shortcartpole-test/expert-v0" in capsys.readouterr().out
    assert command.run(parser.parse_args(argv + ["--no-progress"])) == 2
    assert "already exists" in capsys.readouterr().err


def test_memory_task_episodes_stay_whole_under_a_recurrent_behaviour(minari_root, cache):
    config = behaviour.behaviour_config("RepeatPrevious-easy-v0", 0, **TINY_BEHAVIOUR)
    assert config.backbone == "gru"
    stand_in_behaviour(config, cache)
    identifier = tiny_generate("RepeatPrevious-easy-v0", "medium", 300, 0, cache)
    data = datasets.get_dataset(identifier)
    starts = np.flatnonzero(data["episode_starts"])
    lengths = np.diff(np.append(starts, len(data["actions"])))
    # Every episode of this task has the same length; a cut one would be shorter.
    assert len(set(lengths.tolist())) == 1 and lengths[0] > 40
    assert data["terminals"][starts[1:] - 1].all() and data["terminals"][-1]
    assert len(data["actions"]) >= 300


def test_episodes_are_chosen_by_start_so_that_long_ones_are_not_left_out():
    from arenax.datasets.rollout import select_episodes

    done = np.zeros((10, 3), bool)
    done[[2, 5, 9], 0] = done[7, 1] = True
    done[[0, 1, 2, 3], 2] = True
    # Environment 2 runs an episode from step 4: only episodes started before it are certainly whole and unbiased.
    # By start: env 0 [0, 2] and env 1's 8-step [0, 7] come before env 2's short ones started later.
    starts, ends, available = select_episodes(done, 5)
    np.testing.assert_array_equal(starts, [0 * 10 + 0, 1 * 10 + 0])
    np.testing.assert_array_equal(ends, [0 * 10 + 2, 1 * 10 + 7])
    assert available == 11
    assert select_episodes(done, 100)[2] == 3 + 3 + 8 + 1 + 1 + 1 + 1 and len(select_episodes(done, 100)[0]) == 0

"""SMAX through the Gymnasium, vector and PettingZoo views: team control, malformed actions, rendering."""

import gymnasium as gym
import numpy as np
import pytest

import arenax


@pytest.fixture(scope="module")
def team_view():
    env = gym.make("arenax/SMAX-3m-v0", render_mode="rgb_array")
    env.reset(seed=0)
    return env


def test_the_team_view_stacks_agents_and_sums_their_reward(team_view):
    obs, info = team_view.reset(seed=1)
    assert obs.shape == (3, 49) and info["action_mask"].shape == (3, 13)
    total = 0.0
    for t in range(200):
        mask = info["action_mask"]
        action = np.array([np.flatnonzero(row)[t % row.sum()] for row in mask])
        obs, reward, terminated, truncated, info = team_view.step(action)
        assert reward == pytest.approx(info["agent_rewards"].sum())
        total += reward
        if terminated or truncated:
            break
    assert terminated or truncated
    assert bool(info["won"]) + bool(info["lost"]) + bool(info["draw"]) == 1
    assert 0.0 <= total <= 1.0 + 1e-5


@pytest.mark.parametrize(
    "action, problem",
    [
        (np.array([1, 1]), "shape"),
        (np.array([1.0, 1.0, 1.0]), "dtype"),
        (np.array([1, 1, 13]), "outside"),
        (np.array([1, -1, 1]), "outside"),
    ],
)
def test_the_team_view_rejects_malformed_actions(team_view, action, problem):
    team_view.reset(seed=2)
    with pytest.raises(ValueError, match=problem):
        team_view.step(action)


def test_render_draws_both_teams(team_view):
    team_view.reset(seed=3)
    frame = team_view.render()
    assert frame.dtype == np.uint8 and frame.shape == (384, 384, 3)
    colors = {tuple(c) for c in frame.reshape(-1, 3)}
    assert (40, 90, 200) in colors and (200, 50, 40) in colors


def test_parallel_view_rejects_bad_agent_actions_and_exposes_the_world_state():
    env = arenax.parallel_env("SMAX-3m-v0")
    observations, infos = env.reset(seed=0)
    assert set(observations) == {"ally_0", "ally_1", "ally_2"}
    assert infos["ally_0"]["action_mask"].shape == (13,)
    assert env.state().shape == (arenax.make("SMAX-3m-v0").world_state_size,)
    with pytest.raises(ValueError, match="outside"):
        env.step({"ally_0": 99, "ally_1": 1, "ally_2": 1})
    with pytest.raises(ValueError, match="missing"):
        env.step({"ally_0": 1})


def test_vector_view_steps_many_battles():
    envs = gym.make_vec("arenax/SMAX-3m-v0", num_envs=4)
    obs, info = envs.reset(seed=0)
    assert obs.shape == (4, 3, 49)
    obs, reward, terminated, truncated, info = envs.step(np.ones((4, 3), np.int64))
    assert reward.shape == (4,)
    envs.close()

"""`arenax play`: built-in policies chosen by name, per-agent overrides, one episode written as a GIF."""

import json

import jax.numpy as jnp
import numpy as np
import pytest
from PIL import Image

from arenax.cli import main
from arenax.core import register
from arenax.core.registry import unregister
from arenax.play import choose_policies
from wrappers.coordination_game import CoordinationGame

TWO_PLAYER = "TwoPlayerCoordination-test-v0"


class ScriptedCoordination(CoordinationGame):
    """Two agents with two extra built-in policies: always the lowest and always the highest allowed action."""

    def __init__(self):
        super().__init__(num_agents=2, num_actions=4)

    def scripted_policies(self):
        def lowest(key, state, ts):
            return jnp.argmax(ts.info["action_mask"], axis=-1)

        def highest(key, state, ts):
            return jnp.full((self.num_agents,), self.num_actions - 1)

        return {**super().scripted_policies(), "lowest": lowest, "highest": highest}


@pytest.fixture(scope="module", autouse=True)
def two_player_env():
    register(TWO_PLAYER, ScriptedCoordination, family="test", description="two agents", multi_agent=True)
    yield
    unregister(TWO_PLAYER)


def test_overrides_pick_each_agents_action_from_its_own_policy():
    import arenax

    env = arenax.make(TWO_PLAYER)
    act = choose_policies(env, "lowest", {1: "highest"})
    state, ts = env.reset(jnp.zeros(2, jnp.uint32))
    np.testing.assert_array_equal(act(jnp.zeros(2, jnp.uint32), state, ts), [0, 3])


def test_unknown_policy_and_agent_are_clear_errors(capsys):
    assert main(["play", TWO_PLAYER, "--policy", "clever"]) == 2
    assert "no built-in policy 'clever'; choose one of highest, lowest, random" in capsys.readouterr().err
    assert main(["play", "CartPole-v1", "--p2", "random"]) == 2
    assert "--p2 needs an environment with at least 2 agents" in capsys.readouterr().err


def test_play_writes_the_episode_as_a_gif(tmp_path, capsys):
    out = tmp_path / "match.gif"
    assert main(["play", f"arenax/{TWO_PLAYER}", "--p1", "highest", "--p2", "highest", "--out", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    # Both agents on the last action agree (reward 1 each) and end the episode at once.
    assert summary["steps"] == 1 and summary["terminated"] and summary["return"] == [1.0, 1.0]
    with Image.open(out) as gif:
        assert gif.n_frames == 2
    assert not list(tmp_path.glob("*.partial"))

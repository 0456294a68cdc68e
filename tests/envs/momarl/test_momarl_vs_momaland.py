"""The JAX environments give MOMAland's reward vectors and observations for the same states and actions."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from arenax.envs.momarl import MOBeach, MOConnect4, MOItemGathering, MORouteChoice, MOSurround

pytest.importorskip("momaland", reason="MOMAland (bench extra) is the reference these tests compare against")

KEY = jax.random.PRNGKey(0)


def test_beach_matches_momaland():
    from momaland.envs.beach.beach import MOBeachDomain

    for reward_mode in ("individual", "team"):
        theirs = MOBeachDomain(num_agents=12, reward_mode=reward_mode, num_timesteps=2)
        theirs.reset(seed=1)
        ours = MOBeach(num_agents=12, reward_mode=reward_mode, horizon=2)
        state, _ = ours.reset(KEY)
        state = state.replace(types=jnp.asarray(theirs._types), sections=jnp.asarray(theirs._state))
        rng = np.random.default_rng(0)
        for _ in range(2):
            actions = rng.integers(0, 3, 12)
            # MOMAland's moves are [LEFT, STAY, RIGHT] for actions 0, 1, 2, as ours
            obs, rewards, *_ = theirs.step({agent: int(a) for agent, a in zip(theirs.possible_agents, actions)})
            state, ts = ours.step(state, jnp.asarray(actions))
            np.testing.assert_allclose(ts.reward, [rewards[a] for a in theirs.possible_agents], rtol=1e-5)
            np.testing.assert_allclose(ts.obs, [obs[a] for a in theirs.possible_agents], rtol=1e-6)


def test_item_gathering_matches_momaland():
    from momaland.envs.item_gathering.item_gathering import MOItemGathering as Theirs

    theirs = Theirs()
    theirs.reset(seed=0)
    ours = MOItemGathering()
    state, _ = ours.reset(KEY)
    # the two agents start in opposite corners: they cannot meet within these moves, so no collision draw
    for step, actions in enumerate([(3, 2), (3, 4), (2, 1), (2, 4), (3, 1), (2, 4)]):
        _, rewards, *_ = theirs.step(dict(zip(theirs.possible_agents, actions)))
        state, ts = ours.step(state, jnp.asarray(actions))
        np.testing.assert_array_equal(ts.reward, [rewards[a] for a in theirs.possible_agents], err_msg=f"step {step}")
        np.testing.assert_array_equal(ours.world_map(state), theirs.state())


def test_route_choice_matches_momaland(monkeypatch):
    import networkx

    # MOMAland 0.2.0 reads its networks with networkx's pre-3.4 default edge key
    monkeypatch.setattr(networkx, "node_link_graph", functools.partial(networkx.node_link_graph, edges="links"))
    from momaland.envs.route_choice.route_choice import MORouteChoice as Theirs

    theirs = Theirs(problem_name="Braess_1_4200_10_c1", num_agents=4200)
    theirs.reset(seed=0)
    ours = MORouteChoice("braess", num_agents=4200)
    state, _ = ours.reset(KEY)
    actions = np.random.default_rng(0).integers(0, 3, 4200)
    _, rewards, *_, infos = theirs.step(dict(zip(theirs.possible_agents, actions.tolist())))
    _, ts = ours.step(state, jnp.asarray(actions))
    np.testing.assert_allclose(ts.reward, [rewards[a] for a in theirs.possible_agents], rtol=1e-4)
    np.testing.assert_allclose(ts.info["travel_time"], [infos[a]["latency"] for a in theirs.possible_agents], rtol=1e-4)


def test_connect4_matches_momaland():
    from momaland.envs.connect4.connect4 import MOConnect4 as Theirs

    rng = np.random.default_rng(0)
    for _ in range(3):
        theirs = Theirs(column_objectives=True)
        theirs.reset(seed=0)
        ours = MOConnect4(column_objectives=True)
        state, ts = ours.reset(KEY)
        done = False
        while not done:
            mover = theirs.agent_selection
            column = int(rng.choice(np.flatnonzero(theirs.observe(mover)["action_mask"])))
            theirs.step(column)
            action = jnp.full((2,), ours.pass_action).at[theirs.possible_agents.index(mover)].set(column)
            state, ts = ours.step(state, action)
            np.testing.assert_allclose(ts.reward, [theirs.rewards[a] for a in theirs.possible_agents], rtol=1e-6)
            done = bool(ts.terminated)
            assert done == all(theirs.terminations.values())
        np.testing.assert_array_equal(
            ts.obs[1], np.asarray(theirs.observe("player_1")["observation"], np.float32)
        )


def test_surround_matches_momaland():
    from momaland.envs.crazyrl.surround.surround import Surround

    theirs = Surround()
    theirs.reset(seed=0)
    ours = MOSurround()
    state, _ = ours.reset(KEY)
    rng = np.random.default_rng(0)
    for _ in range(30):
        actions = rng.uniform(-1, 1, (4, 3)).astype(np.float32)
        obs, rewards, terminations, *_ = theirs.step(dict(zip(theirs.possible_agents, actions)))
        state, ts = ours.step(state, jnp.asarray(actions))
        np.testing.assert_allclose(ts.reward, [rewards[a] for a in theirs.possible_agents], rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(ts.obs, [obs[a] for a in theirs.possible_agents], rtol=1e-5, atol=1e-5)
        assert bool(ts.terminated) == any(terminations.values())
        if bool(ts.terminated):
            break

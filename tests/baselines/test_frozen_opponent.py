"""The frozen-opponent wrapper: player 1 really acts with the drawn pool snapshot or scripted policy."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from duel_game import ACTIONS, Duel

from arenax.baselines import ppo
from arenax.baselines.frozen_opponent import FrozenOpponent, OpponentParams

class ThreePlayers(Duel):
    agents = ("a", "b", "c")


CONFIG = ppo.PPOConfig(env_id="duel", features=8)


def always(template, action):
    """Parameters of the shared network that put (almost) all probability on `action`."""
    params = jax.tree_util.tree_map(jnp.zeros_like, template)
    bias = params["params"]["actor_out"]["bias"].at[action].set(50.0)
    return {"params": {**params["params"], "actor_out": {**params["params"]["actor_out"], "bias": bias}}}


@pytest.fixture(scope="module")
def env():
    return FrozenOpponent(Duel(), ppo.make_policy(CONFIG, ACTIONS), pool_size=3, scripted=("copy", "rock"))


def pool_of(env, actions):
    return jax.tree_util.tree_map(lambda *leaves: jnp.stack(leaves), *[always(env.policy_template, a) for a in actions])


def test_opponent_plays_the_drawn_pool_snapshot(env):
    pool = pool_of(env, [1, 2, 1])
    step = jax.jit(env.step)
    for slot, expected in ((0, 1), (1, 2), (2, 1)):
        weights = jnp.zeros(5).at[slot].set(1.0)
        params = OpponentParams(Duel().default_params, pool, weights, jnp.bool_(False))
        state, ts = env.reset(jax.random.PRNGKey(slot), params)
        assert int(ts.info["opponent"]) == slot
        state, ts = step(state, jnp.int32(0))
        assert int(state.inner.last_actions[1]) == expected
        # The learner played rock: paper (1) beats it, scissors (2) loses to it.
        assert float(ts.reward) == {1: -1.0, 2: 1.0}[expected]


def test_scripted_slots_and_per_episode_draws(env):
    pool = pool_of(env, [1, 1, 1])
    weights = jnp.array([0.0, 0.0, 0.0, 1.0, 3.0])  # copy 1/4, rock 3/4
    params = OpponentParams(Duel().default_params, pool, weights, jnp.bool_(True))
    reset = jax.jit(jax.vmap(env.reset, in_axes=(0, None)))
    states, ts = reset(jax.random.split(jax.random.PRNGKey(0), 2000), params)
    drawn = np.asarray(ts.info["opponent"])
    assert set(np.unique(drawn)) == {3, 4}
    assert abs((drawn == 4).mean() - 0.75) < 0.04
    states, ts = jax.jit(jax.vmap(env.step))(states, jnp.full((2000,), 2, jnp.int32))
    opponent_actions = np.asarray(states.inner.last_actions[:, 1])
    assert (opponent_actions[drawn == 4] == 0).all()  # rock
    assert (opponent_actions[drawn == 3] == 0).all()  # copy of the learner's (initial) last action


def test_random_seats():
    env = FrozenOpponent(Duel(), ppo.make_policy(CONFIG, ACTIONS), pool_size=1, random_seat=True)
    params = OpponentParams(Duel().default_params, pool_of(env, [1]), jnp.ones(1), jnp.bool_(True))
    states, ts = jax.jit(jax.vmap(env.reset, in_axes=(0, None)))(jax.random.split(jax.random.PRNGKey(1), 400), params)
    seats = np.asarray(ts.info["seat"])
    assert 0.4 < seats.mean() < 0.6
    states, ts = jax.jit(jax.vmap(env.step))(states, jnp.zeros((400,), jnp.int32))
    played = np.asarray(states.inner.last_actions)
    rows = np.arange(400)
    assert (played[rows, seats] == 0).all() and (played[rows, 1 - seats] == 1).all()
    assert (np.asarray(ts.reward) == -1.0).all()  # the learner's rock lost to paper on either seat
    assert (np.asarray(ts.obs)[rows, :3] == np.eye(3)[0]).all()  # its own last action comes first


def test_match_outcome_info(env):
    params = OpponentParams(Duel().default_params, pool_of(env, [2, 2, 2]), jnp.array([1.0, 0, 0, 0, 0]), jnp.bool_(True))
    state, ts = env.reset(jax.random.PRNGKey(0), params)
    assert not bool(ts.info["won"])
    step = jax.jit(env.step)
    for _ in range(3):
        state, ts = step(state, jnp.int32(0))  # rock beats the pool's scissors every round
    assert bool(ts.terminated) and bool(ts.info["won"]) and float(ts.info["match_score"]) == 1.0


def test_bad_input(env):
    with pytest.raises(ValueError, match="two-player"):
        FrozenOpponent(ThreePlayers(), env.policy, 1)
    with pytest.raises(ValueError, match="no scripted policies"):
        FrozenOpponent(Duel(), env.policy, 1, scripted=("nonsense",))
    with pytest.raises(ValueError, match="at least one opponent"):
        FrozenOpponent(Duel(), env.policy, 0)
    bad = env.default_params.replace(weights=jnp.ones(3))
    with pytest.raises(ValueError, match="weights must have shape"):
        env.reset(jax.random.PRNGKey(0), bad)
    with pytest.raises(ValueError, match="not all zero"):
        env.reset(jax.random.PRNGKey(0), env.default_params.replace(weights=jnp.zeros(5)))

"""BC, IQL and discrete CQL on small synthetic datasets whose right answers are known."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from arenax.baselines.offline import Transitions, bc, cql, iql

STEPS = dict(steps=600, chunk=300, batch_size=128, learning_rate=3e-3, hidden=(32,))


def bandit(num=2048, seed=0, actions=3, behaviour=None):
    """One-step episodes: the observation's sign says which of actions 0 and 1 pays 1; the behaviour picks uniformly.

    `behaviour` biases the data: with probability 0.8 it picks the action that pays nothing.
    """
    rng = np.random.default_rng(seed)
    obs = rng.normal(size=(num, 2)).astype(np.float32)
    best = (obs[:, 0] > 0).astype(np.int64)
    if behaviour == "mostly-wrong":
        taken = np.where(rng.random(num) < 0.8, 1 - best, best)
    else:
        taken = rng.integers(0, 2, num)
    rewards = (taken == best).astype(np.float32)
    return obs, taken, rewards, best


def transitions(obs, taken, rewards, actions=3, mask=None):
    return Transitions.from_arrays(obs, taken, rewards, obs, np.ones(len(taken), bool), actions, mask, mask)


def accuracy(module, config, states, obs, best, mask=None):
    act = module.actor(config, 3)
    mask = np.ones((len(obs), 3), bool) if mask is None else mask
    chosen = jax.vmap(act, in_axes=(0, None, None, None))(states, jnp.asarray(obs), jnp.asarray(mask), jax.random.PRNGKey(0))
    return np.asarray(chosen == best).mean(axis=1), np.asarray(chosen)


@pytest.fixture(scope="module")
def wrong_data():
    obs, taken, rewards, best = bandit(behaviour="mostly-wrong")
    return transitions(obs, taken, rewards), obs, best


def test_bc_imitates_the_behaviour_and_iql_cql_improve_on_it(wrong_data):
    data, obs, best = wrong_data
    results = {}
    # A weak conservative weight: with 80% of the data on the wrong action, a strong one would hold CQL near the behaviour.
    learners = ((bc, bc.BCConfig(**STEPS)), (iql, iql.IQLConfig(**STEPS, temperature=10.0)), (cql, cql.CQLConfig(**STEPS, alpha=0.2)))
    for module, config in learners:
        states, losses = module.train(config, data, seeds=[0, 1])
        results[module.__name__.rsplit(".", 1)[-1]], _ = accuracy(module, config, states, obs, best)
        assert all(np.isfinite(v).all() for v in losses.values())
    # The behaviour mostly picks the action that pays nothing: BC copies that, the reward-aware learners do not.
    assert (results["bc"] < 0.35).all(), results
    assert (results["iql"] > 0.9).all(), results
    assert (results["cql"] > 0.9).all(), results


def test_seeds_train_independently_and_reproducibly(wrong_data):
    data, obs, best = wrong_data
    config = bc.BCConfig(**{**STEPS, "steps": 50, "chunk": 50})
    first, _ = bc.train(config, data, seeds=[0, 1])
    again, _ = bc.train(config, data, seeds=[0, 1])
    leaves, again_leaves = jax.tree_util.tree_leaves(first.params), jax.tree_util.tree_leaves(again.params)
    for a, b in zip(leaves, again_leaves):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(leaves[0][0], leaves[0][1])


def test_cql_keeps_actions_never_taken_below_the_taken_ones():
    obs, taken, rewards, best = bandit()
    config = cql.CQLConfig(**STEPS, alpha=1.0)
    data = transitions(obs, taken, rewards)
    states, _ = cql.train(config, data, seeds=[0])
    q = cql.network(config, 3).apply(jax.tree_util.tree_map(lambda x: x[0], states.params), jnp.asarray(obs))
    assert (np.asarray(q[:, 2]) < np.asarray(q[:, :2]).min(axis=1)).mean() > 0.95  # action 2 is absent from the data


def test_masked_actions_are_never_chosen():
    obs, taken, rewards, best = bandit()
    mask = np.ones((len(obs), 3), bool)
    mask[:, 1] = obs[:, 1] > 0  # action 1 sometimes forbidden
    taken = np.where(mask[np.arange(len(obs)), taken], taken, 0)
    rewards = (taken == best).astype(np.float32)
    data = transitions(obs, taken, rewards, mask=mask)
    for module, config in ((bc, bc.BCConfig(**STEPS)), (iql, iql.IQLConfig(**STEPS)), (cql, cql.CQLConfig(**STEPS))):
        states, _ = module.train(config, data, seeds=[0])
        _, chosen = accuracy(module, config, states, obs, best, mask)
        assert mask[np.arange(len(obs)), chosen[0]].all(), module.__name__


def test_bad_transitions_are_refused_with_the_reason():
    obs = np.zeros((4, 2), np.float32)
    with pytest.raises(ValueError, match=r"actions must lie in \[0, 2\)"):
        Transitions.from_arrays(obs, np.array([0, 1, 2, 0]), np.zeros(4), obs, np.zeros(4, bool), 2)
    with pytest.raises(ValueError, match="obs and next_obs must both be"):
        Transitions.from_arrays(obs, np.zeros(4, int), np.zeros(4), obs[:3], np.zeros(4, bool), 2)
    with pytest.raises(ValueError, match="rewards must have shape"):
        Transitions.from_arrays(obs, np.zeros(4, int), np.zeros(3), obs, np.zeros(4, bool), 2)
    with pytest.raises(ValueError, match="not allowed by their mask"):
        mask = np.array([[False, True]] * 4)
        Transitions.from_arrays(obs, np.zeros(4, int), np.zeros(4), obs, np.zeros(4, bool), 2, mask, mask)
    with pytest.raises(ValueError, match="expectile"):
        iql.IQLConfig(expectile=0.2)
    with pytest.raises(ValueError, match="alpha"):
        cql.CQLConfig(alpha=-1.0)

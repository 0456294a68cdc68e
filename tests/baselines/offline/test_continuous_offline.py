"""BC and IQL on continuous actions: a one-step task whose best action is known, with data mostly off it."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from arenax.baselines.offline import Transitions, bc, iql

STEPS = dict(steps=1500, chunk=500, batch_size=256, learning_rate=3e-3, hidden=(32, 32))
BOUNDS = ((-2.0, -2.0), (2.0, 2.0))


@pytest.fixture(scope="module")
def mostly_wrong():
    """The best action is the observation (within [-1, 1]^2); 70% of the data acts its opposite, all with noise."""
    rng = np.random.default_rng(0)
    n = 4096
    obs = rng.uniform(-1.0, 1.0, (n, 2)).astype(np.float32)
    wrong = rng.random(n) < 0.7
    actions = np.where(wrong[:, None], -obs, obs) + 0.2 * rng.normal(size=(n, 2))
    actions = np.clip(actions, -2.0, 2.0).astype(np.float32)
    rewards = -np.sum((actions - obs) ** 2, -1)
    data = Transitions.from_continuous(obs, actions, rewards, obs, np.ones(n, bool), *BOUNDS)
    return data, obs


def squared_error(module, config, states, obs):
    act = module.actor(config, 2, BOUNDS)
    chosen = jax.vmap(act, in_axes=(0, None, None, None))(states, jnp.asarray(obs), None, jax.random.PRNGKey(0))
    assert chosen.shape == (2, *obs.shape)
    return np.mean(np.sum((np.asarray(chosen) - obs[None]) ** 2, -1), axis=1)


def test_bc_copies_the_behaviour_and_iql_finds_the_best_action(mostly_wrong):
    data, obs = mostly_wrong
    bc_config, iql_config = bc.BCConfig(**STEPS), iql.IQLConfig(**STEPS, temperature=3.0)
    bc_states, bc_losses = bc.train(bc_config, data, seeds=[0, 1])
    iql_states, iql_losses = iql.train(iql_config, data, seeds=[0, 1])
    assert all(np.isfinite(v).all() for v in {**bc_losses, **iql_losses}.values())
    bc_error = squared_error(bc, bc_config, bc_states, obs)
    iql_error = squared_error(iql, iql_config, iql_states, obs)
    # BC's mean lands near the behaviour's, -0.4 x (error 1.96 x 2/3 = 1.3); IQL weights the good actions up.
    assert (bc_error > 0.8).all(), bc_error
    assert (iql_error < 0.25).all(), iql_error


def test_continuous_transitions_are_checked():
    obs = np.zeros((4, 2), np.float32)
    good = np.zeros((4, 1), np.float32)
    with pytest.raises(ValueError, match="must lie in"):
        Transitions.from_continuous(obs, good + 3.0, np.zeros(4), obs, np.zeros(4, bool), (-2.0,), (2.0,))
    with pytest.raises(ValueError, match=r"float \[N, 1\]"):
        Transitions.from_continuous(obs, np.zeros((4, 2), np.float32), np.zeros(4), obs, np.zeros(4, bool), (-2.0,), (2.0,))
    with pytest.raises(ValueError, match="low < high"):
        Transitions.from_continuous(obs, good, np.zeros(4), obs, np.zeros(4, bool), (2.0,), (-2.0,))
    data = Transitions.from_continuous(obs, good, np.zeros(4), obs, np.zeros(4, bool), (-2.0,), (2.0,))
    assert data.continuous and data.num_actions == 1 and data.sample(jax.random.PRNGKey(0), 3).actions.shape == (3, 1)

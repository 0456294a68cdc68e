"""IPPO and MAPPO: agents as rows of one batch with shared parameters, MAPPO's critic on the world state."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from arenax.baselines import ppo
from arenax.core import register
from arenax.core.registry import unregister
from wrappers.coordination_game import CoordinationGame

COORDINATION = "Coordination-test-v0"


@pytest.fixture(scope="module", autouse=True)
def coordination_env():
    register(COORDINATION, CoordinationGame, family="test", description="agents agree on an action", multi_agent=True)
    yield
    unregister(COORDINATION)


def small_config(algorithm: str, **overrides) -> ppo.PPOConfig:
    settings = dict(
        env_id=COORDINATION,
        algorithm=algorithm,
        num_envs=8,
        rollout_length=16,
        num_minibatches=2,
        total_timesteps=8 * 16 * 40,
        updates_per_chunk=40,
        learning_rate=3e-3,
        entropy_coef=0.0,
        features=32,
    )
    settings.update(overrides)
    return ppo.PPOConfig(**settings)


def test_algorithm_must_suit_the_environment():
    with pytest.raises(ValueError, match="multi-agent; train it with ippo or mappo"):
        ppo.PPO(small_config("ppo"))
    with pytest.raises(ValueError, match="single-agent; train it with ppo"):
        ppo.PPO(small_config("mappo", env_id="CartPole-v1"))
    with pytest.raises(ValueError, match="algorithm must be one of"):
        small_config("qmix")


def test_rows_are_agents_of_environments_and_the_critic_reads_the_world_state():
    learner = ppo.PPO(small_config("mappo"))
    state = learner.init(jax.random.PRNGKey(0))
    agents = learner.num_agents
    assert learner.rows == 8 * agents
    assert state.actor.obs.shape == (8 * agents, learner.obs_size)
    world_size = learner.env.reset(jax.random.PRNGKey(0))[1].info["world_state"].shape[-1]
    assert state.actor.critic_obs.shape == (8 * agents, world_size + agents)
    # The one-hot agent id tells the rows of one environment apart; the world state is shared by them.
    ids = np.asarray(state.actor.critic_obs[:agents, world_size:])
    np.testing.assert_array_equal(ids, np.eye(agents))
    np.testing.assert_array_equal(state.actor.critic_obs[0, :world_size], state.actor.critic_obs[agents - 1, :world_size])
    assert ppo.PPO(small_config("ippo")).init(jax.random.PRNGKey(0)).actor.critic_obs is None


@pytest.mark.parametrize("algorithm", ["ippo", "mappo"])
def test_agents_learn_to_coordinate(algorithm):
    config = small_config(algorithm)
    result = ppo.train(config)
    learned = ppo.evaluate(config, result.state.learner.params, num_steps=40)
    # Each agent scores 1 per step on which all three agree (the team's return adds up the three);
    # random play agrees on fewer than 1 step in 10.
    assert learned[0] > 3 * 4.0, learned

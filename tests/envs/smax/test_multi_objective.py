"""MO-SMAX: SMAX's battle with a reward vector of damage dealt and own losses, checked against the states it comes from."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import arenax
from arenax.envs.smax import SMAX
from arenax.envs.smax.multi_objective import MOSMAX


def play(env, policy_name, key, steps):
    """States and time steps of a jitted rollout of a scripted policy (stops at the episode's end)."""
    reset, step = jax.jit(env.reset), jax.jit(env.step)
    policy = jax.jit(env.scripted_policies()[policy_name])
    state, ts = reset(key)
    states, steps_taken = [state], [ts]
    for t in range(steps):
        state, ts = step(state, policy(jax.random.fold_in(key, t), state, ts))
        states.append(state)
        steps_taken.append(ts)
        if bool(ts.terminated | ts.truncated):
            break
    return states, steps_taken


def durability(state, units):
    return np.asarray(state.health + state.shield)[units]


@pytest.fixture(scope="module")
def battle_2s3z():
    env = arenax.make("MO-SMAX-2s3z-v0")
    return env, play(env, "heuristic", jax.random.PRNGKey(4), 120)


def test_registered_ids_are_multi_objective_smax():
    for env_id in ("MO-SMAX-3m-v0", "MO-SMAX-2s3z-v0"):
        assert arenax.spec(env_id).family == "momarl"
        env = arenax.make(env_id)
        assert isinstance(env, MOSMAX) and env.reward_space.shape == (2,)
        assert env.zero_reward().shape == (env.num_agents, 2)


def test_team_returns_are_the_lost_fractions_of_each_side(battle_2s3z):
    env, (states, steps) = battle_2s3z
    allies, enemies = slice(0, env.num_allies), slice(env.num_allies, None)
    rewards = np.stack([np.asarray(ts.reward) for ts in steps[1:]])
    np.testing.assert_allclose(rewards, rewards[:, :1].repeat(env.num_agents, 1), err_msg="agents share the team reward")
    first, params = states[0], states[0].params
    most = np.asarray(params.unit_health[first.unit_type] + params.unit_shield[first.unit_type])
    lost = [np.maximum(durability(a, slice(None)) - durability(b, slice(None)), 0.0) for a, b in zip(states, states[1:])]
    lost = np.stack(lost)
    dealt = lost[:, enemies].sum(1) / most[enemies].sum()
    taken = lost[:, allies].sum(1) / most[allies].sum()
    team = rewards.sum(axis=1)
    np.testing.assert_allclose(team[:, 0], dealt, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(team[:, 1], -taken, rtol=1e-5, atol=1e-6)
    assert team[:, 0].sum() > 0.1 and team[:, 1].sum() < -0.05, "the heuristic fight deals and takes damage"
    assert np.all(team[:, 0] >= 0) and np.all(team[:, 1] <= 0)
    assert all(env.reward_space.contains(np.asarray(ts.reward[i])) for ts in steps for i in range(env.num_agents))


def test_a_won_battle_deals_all_enemy_durability():
    env = arenax.make("MO-SMAX-3m-v0")
    _, steps = play(env, "heuristic", jax.random.PRNGKey(0), 100)
    assert bool(steps[-1].info["won"]), "the hard heuristic beats the medium one on 3m from this start"
    returns = np.sum([np.asarray(ts.reward).sum(0) for ts in steps], axis=0)
    np.testing.assert_allclose(returns[0], 1.0, rtol=1e-5)
    assert -1.0 < returns[1] < 0.0


def test_observations_and_info_are_smax_s():
    key = jax.random.PRNGKey(2)
    _, mo_steps = play(arenax.make("MO-SMAX-3m-v0"), "heuristic-easy", key, 8)
    _, steps = play(SMAX("3m"), "heuristic-easy", key, 8)
    for mo, plain in zip(mo_steps, steps):
        np.testing.assert_array_equal(mo.obs, plain.obs)
        for name in plain.info:
            np.testing.assert_array_equal(mo.info[name], plain.info[name])


def test_self_play_gives_each_team_its_own_view():
    env = MOSMAX("3m", self_play=True)
    state, ts = env.reset(jax.random.PRNGKey(1))
    hurt = state.replace(health=state.health.at[0].add(-9.0).at[4].add(-18.0))
    # both teams stop; the step's losses are the ones placed by hand
    reward = env.vector_reward(state, hurt, state.params)
    team_health = 3 * 45.0
    np.testing.assert_allclose(np.asarray(reward[:3]).sum(0), [18.0 / team_health, -9.0 / team_health], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(reward[3:]).sum(0), [9.0 / team_health, -18.0 / team_health], rtol=1e-6)
    assert jnp.all(reward[:3] == reward[0]) and jnp.all(reward[3:] == reward[3])

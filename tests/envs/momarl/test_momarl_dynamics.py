"""Rules and reward vectors of the multi-objective environments, checked against hand-computed values."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from arenax.envs.momarl import MOBeach, MOConnect4, MOItemGathering, MORouteChoice, MOSurround, MOWalker
from arenax.envs.momarl.beach import capacity_reward, mixture_reward
from arenax.envs.momarl.item_gathering import resolve_collisions

KEY = jax.random.PRNGKey(0)


def test_beach_section_rewards_by_hand():
    assert float(capacity_reward(jnp.float32(7.0), 7.0)) == pytest.approx(7 * np.exp(-1))
    assert float(capacity_reward(jnp.float32(14.0), 7.0)) == pytest.approx(14 * np.exp(-2))
    counts = jnp.array([[1.0, 3.0], [2.0, 2.0], [0.0, 0.0]])
    np.testing.assert_allclose(mixture_reward(counts), [0.25, 0.5, 0.0])


@pytest.mark.parametrize("reward_mode", ["individual", "team"])
def test_beach_rewards_come_after_the_last_step(reward_mode):
    env = MOBeach(num_agents=4, sections=3, reward_mode=reward_mode, horizon=2, capacity=2.0)
    state, _ = env.reset(KEY)
    state = state.replace(types=jnp.array([0, 1, 0, 0]), sections=jnp.array([0, 0, 1, 2]))
    state, ts = env.step(state, jnp.array([1, 1, 1, 1]))  # everybody stays
    assert not bool(ts.terminated) and np.all(np.asarray(ts.reward) == 0)
    state, ts = env.step(state, jnp.array([1, 1, 0, 1]))  # agent 2 walks left into section 0
    assert bool(ts.terminated)
    # section 0 holds types (0, 1, 0): occupation 3 exp(-3/2), mixture 1/3; section 2 holds one agent of type 0
    section_0 = [3 * np.exp(-1.5), 1 / 3]
    section_2 = [np.exp(-0.5), 0.0]
    if reward_mode == "individual":
        np.testing.assert_allclose(ts.reward, [section_0, section_0, section_0, section_2], rtol=1e-6)
    else:
        team = [section_0[0] + section_2[0], (1 / 3 + 0 + 0) / 3]
        np.testing.assert_allclose(ts.reward, [team] * 4, rtol=1e-6)
    # observation: type, section, capacity, agents there, share of own type there
    np.testing.assert_allclose(ts.obs[1], [1, 0, 2, 3, 1 / 3], rtol=1e-6)


def test_beach_rejects_bad_configuration():
    with pytest.raises(ValueError, match="reward_mode"):
        MOBeach(reward_mode="selfish")
    env = MOBeach(num_agents=4, sections=3)
    with pytest.raises(ValueError, match="type_distribution"):
        env.reset(KEY, env.default_params.replace(type_distribution=jnp.array([0.5, 0.6])))


def test_collisions_send_the_lower_priority_agent_back():
    old = jnp.array([[0, 0], [0, 2], [1, 1]])
    proposed = jnp.array([[0, 1], [0, 1], [1, 1]])  # agents 0 and 1 both step into (0, 1)
    settled = resolve_collisions(old, proposed, priority=jnp.array([0, 1, 2]))
    assert settled.tolist() == [[0, 0], [0, 1], [1, 1]]
    # an agent moving onto an agent that stays is sent back, and the one behind it too
    old = jnp.array([[0, 0], [0, 1], [0, 2]])
    proposed = jnp.array([[0, 0], [0, 0], [0, 1]])
    assert resolve_collisions(old, proposed, priority=jnp.array([0, 2, 1])).tolist() == old.tolist()


def small_map():
    return np.array([[1, 2, 0], [0, 0, 3], [1, 2, 0]])


@pytest.mark.parametrize("reward_mode", ["individual", "team"])
def test_item_gathering_pickups_and_termination(reward_mode):
    env = MOItemGathering(initial_map=small_map(), reward_mode=reward_mode)
    assert env.num_agents == 2 and env.reward_space.shape == (2,)
    state, ts = env.reset(KEY)
    assert ts.obs.shape == (2, 3, 3, 4) and float(ts.obs[0, 0, 0, 0]) == 1.0 and float(ts.obs[0, 2, 0, 1]) == 1.0
    state, ts = env.step(state, jnp.array([4, 4]))  # both step right onto a kind-0 item
    expected = [[1.0, 0.0], [1.0, 0.0]] if reward_mode == "individual" else [[2.0, 0.0], [2.0, 0.0]]
    np.testing.assert_allclose(ts.reward, expected)
    assert not bool(ts.terminated)
    state, ts = env.step(state, jnp.array([4, 0]))  # agent 0 moves right, then down onto the kind-1 item
    state, ts = env.step(state, jnp.array([2, 0]))
    assert np.asarray(ts.reward).sum() > 0 and bool(ts.terminated) and not bool(ts.truncated)


def test_item_gathering_observation_planes_follow_the_map():
    env = MOItemGathering()
    state, ts = env.reset(KEY)
    step = jax.jit(env.step)
    rng = np.random.default_rng(0)
    for _ in range(8):
        state, ts = step(state, jnp.asarray(rng.integers(0, 5, env.num_agents)))
        world, items, obs = np.asarray(env.world_map(state)), np.asarray(state.items), np.asarray(ts.obs)
        assert obs.dtype == np.float32
        for i in range(env.num_agents):
            np.testing.assert_array_equal(obs[i, ..., 0], world == -(i + 1), err_msg="own position")
            np.testing.assert_array_equal(obs[i, ..., 1], (world < 0) & (world != -(i + 1)), err_msg="other agents")
            for kind in range(env.num_kinds):
                np.testing.assert_array_equal(obs[i, ..., 2 + kind], items == kind + 1, err_msg=f"items of kind {kind}")


def test_item_gathering_pickup_probability_and_truncation():
    env = MOItemGathering(initial_map=small_map(), horizon=2)
    params = env.default_params.replace(pickup_probabilities=jnp.zeros(2))
    state, ts = env.reset(KEY, params)
    state, ts = env.step(state, jnp.array([4, 4]))
    assert np.asarray(ts.reward).sum() == 0, "items with pickup probability 0 stay on the map"
    state, ts = env.step(state, jnp.array([0, 0]))
    assert bool(ts.truncated) and not bool(ts.terminated)


def braess_rewards(actions):
    env = MORouteChoice("braess", num_agents=4)
    state, _ = env.reset(KEY)
    return env.step(state, jnp.asarray(actions))[1]


def test_route_choice_braess_equilibrium_and_optimum():
    bridge = braess_rewards([0, 0, 0, 0])  # route 0 = 1-2, 2-3, 3-4
    np.testing.assert_allclose(bridge.reward, [[-2 / 3, -2 / 3]] * 4, rtol=1e-6)
    np.testing.assert_allclose(bridge.info["travel_time"], [20.0] * 4)
    optimum = braess_rewards([1, 1, 2, 2])
    np.testing.assert_allclose(optimum.reward, [[-0.5, -1 / 6]] * 4, rtol=1e-6)
    np.testing.assert_allclose(optimum.info["travel_time"], [15.0] * 4)
    deviation = braess_rewards([0, 1, 2, 2])  # one driver leaves the optimum for the bridge
    # links 1-2 and 3-4 now carry 3 and 2 of the 4 drivers: time 7.5 + 0 + 5, toll 7.5 + 5, over 10 and 3 links
    np.testing.assert_allclose(deviation.reward[0], [-(0.75 + 0.5) / 3, -(0.75 + 0.5) / 3], rtol=1e-6)
    np.testing.assert_allclose(deviation.info["travel_time"][0], 12.5, rtol=1e-6)
    assert bool(optimum.terminated), "one round per episode by default"


def test_route_choice_observes_last_round():
    env = MORouteChoice("pigou", num_agents=2, horizon=2)
    state, ts = env.reset(KEY)
    assert np.all(np.asarray(ts.obs)[:, 1:] == 0) and ts.info["action_mask"].shape == (2, 2)
    state, ts = env.step(state, jnp.array([1, 1]))  # both on the congestible road: time 10, toll 10
    np.testing.assert_allclose(ts.reward, [[-1.0, -1.0]] * 2)
    np.testing.assert_allclose(ts.obs[0], [1.0, 1.0, 0.0, 1.0, 1.0])
    assert not bool(ts.terminated)


def play(env, state, columns):
    for i, column in enumerate(columns):
        mover = i % 2
        action = jnp.array([column, env.pass_action]) if mover == 0 else jnp.array([env.pass_action, column])
        state, ts = env.step(state, action)
    return state, ts


def test_connect4_vertical_win_scores_win_and_speed():
    env = MOConnect4()
    state, ts = env.reset(KEY)
    assert ts.info["action_mask"].tolist()[1] == [False] * 7 + [True], "the waiting player may only pass"
    state, ts = play(env, state, [3, 0, 3, 0, 3, 0, 3])
    assert bool(ts.terminated)
    speed = 1 - 7 / 42
    np.testing.assert_allclose(ts.reward, [[1.0, speed], [-1.0, -speed]], rtol=1e-6)


def test_connect4_diagonal_win_and_illegal_move():
    env = MOConnect4(width=4, height=4, column_objectives=True)
    state, _ = env.reset(KEY)
    # player_0 builds the rising diagonal (bottom-left to top-right)
    state, ts = play(env, state, [0, 1, 1, 2, 2, 3, 2, 3, 3, 0, 3])
    assert bool(ts.terminated) and float(ts.reward[0, 0]) == 1.0
    assert ts.reward.shape == (2, 6) and np.allclose(ts.reward[0, 2:], -np.asarray(ts.reward[1, 2:]))
    state, _ = env.reset(KEY)
    state, ts = play(env, state, [0, 0, 0, 0])
    assert not bool(ts.terminated) and not bool(ts.info["action_mask"][0, 0])
    state, ts = play(env, state, [0])  # a full column: player_0 loses
    assert bool(ts.terminated) and float(ts.reward[0, 0]) == -1.0 and float(ts.reward[1, 0]) == 1.0


def test_surround_rewards_closing_in_and_spreading_and_crashes():
    env = MOSurround(num_drones=2, start_positions=[[0.0, 0.0, 1.0], [2.0, 0.0, 1.0]], target=[0.0, 0.0, 2.0])
    state, _ = env.reset(KEY)
    state, ts = env.step(state, jnp.array([[0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]))  # drone 0 rises 0.2
    np.testing.assert_allclose(ts.reward[0], [0.2, np.hypot(2.0, 0.2)], rtol=1e-5)
    np.testing.assert_allclose(ts.reward[1], [0.0, np.hypot(2.0, 0.2)], rtol=1e-5)
    for _ in range(4):
        state, ts = env.step(state, jnp.array([[0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]))
    assert bool(ts.terminated) and np.asarray(ts.reward[0]).tolist() == [-10.0, -10.0], "drone 0 flew into the target"


def test_walker_speed_costs_stability():
    env = MOWalker()
    policies = env.scripted_policies()
    steps = 60

    def episode_return(policy, key):
        state, ts = env.reset(key)

        def body(carry, t):
            state, ts, total, alive = carry
            state, ts = env.step(state, policy(jax.random.fold_in(key, t), state, ts))
            total = total + alive * ts.reward[0]
            return (state, ts, total, alive * (1.0 - ts.terminated)), None

        (_, _, total, _), _ = jax.lax.scan(body, (state, ts, jnp.zeros(2), jnp.float32(1.0)), jnp.arange(steps))
        return total

    keys = jax.random.split(KEY, 16)
    careful = jax.jit(jax.vmap(lambda k: episode_return(policies["careful"], k)))(keys).mean(axis=0)
    hurried = jax.jit(jax.vmap(lambda k: episode_return(policies["hurried"], k)))(keys).mean(axis=0)
    assert hurried[0] > careful[0], "pushing harder carries the beam further"
    assert hurried[1] < careful[1], "and shakes it more"


def test_walker_fall_terminates_with_penalty():
    env = MOWalker()
    state, _ = env.reset(KEY)
    state = state.replace(angle=jnp.float32(0.49), angular_velocity=jnp.float32(1.0))
    state, ts = env.step(state, jnp.zeros((3, 2)))
    assert bool(ts.terminated) and float(ts.reward[0, 1]) < -10.0


@pytest.mark.parametrize(
    "env",
    [MOBeach(num_agents=8), MOItemGathering(), MORouteChoice(num_agents=8), MOConnect4(), MOSurround(), MOWalker()],
    ids=lambda env: env.name,
)
def test_scripted_policies_give_valid_actions(env):
    state, ts = env.reset(KEY)
    for name, policy in env.scripted_policies().items():
        action = np.asarray(policy(KEY, state, ts))
        assert env.action_space.contains(action.astype(env.action_space.dtype)), name
        if "action_mask" in ts.info:
            chosen = np.take_along_axis(np.asarray(ts.info["action_mask"]), action[:, None], axis=1)
            assert chosen.all(), f"{name} picked a masked action"


def test_item_gathering_randomise_shuffles_only_the_interior():
    env = MOItemGathering(randomise=True)
    maps = [np.asarray(env.reset(jax.random.PRNGKey(seed))[0].items) for seed in range(4)]
    assert any((maps[0] != other).any() for other in maps[1:]), "different episodes get different layouts"
    for items in maps:
        assert np.array_equal(np.bincount(items.ravel(), minlength=4), np.bincount(maps[0].ravel(), minlength=4))
        assert not items[:2].any() and not items[-2:].any() and not items[:, :2].any() and not items[:, -2:].any()

"""SMAX's rules on hand-placed battles: attacks, cooldowns, invalid attacks, shields, splash, suicide, healing, movement, endings."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import arenax
from arenax.envs.smax import SMAX, UNIT_TYPES
from arenax.envs.smax.types import FIRST_TARGET, NOOP, STOP

MARINE = UNIT_TYPES.index("marine")
KEY = jax.random.PRNGKey(0)


class Battle:
    """One environment with its jitted reset and step, and a way to place units by hand."""

    def __init__(self, env):
        self.env = env
        self.reset = jax.jit(env.reset)
        self.step = jax.jit(env.step)
        self.state, self.ts = self.reset(KEY)

    def place(self, positions, health=None, types=None, cooldown=None, params=None):
        state = self.state if params is None else self.reset(KEY, params)[0]
        types = state.unit_type if types is None else jnp.asarray([UNIT_TYPES.index(t) for t in types], jnp.int8)
        full = state.params.unit_health[types]
        return state.replace(
            position=jnp.asarray(positions, jnp.float32),
            unit_type=types,
            health=full if health is None else jnp.asarray(health, jnp.float32),
            shield=state.params.unit_shield[types],
            cooldown=jnp.zeros_like(state.cooldown) if cooldown is None else jnp.asarray(cooldown, jnp.float32),
        )

    def act(self, state, action):
        return self.step(state, jnp.asarray(action, jnp.int32))


@pytest.fixture(scope="module")
def three_marines():
    # the static opponent holds position, so only units in its range fight back
    return Battle(SMAX("3m", opponent="static"))


FAR_APART = [[4, 4], [4, 6], [4, 8], [28, 4], [28, 6], [28, 8]]


def test_an_attack_in_range_deals_the_damage_of_every_shot_fired_in_the_step(three_marines):
    battle = three_marines
    positions = [[10, 10], [4, 6], [4, 8], [14, 10], [28, 6], [28, 8]]
    state = battle.place(positions, health=[45, 45, 45, 45, 45, 45])
    params = state.params
    new_state, ts = battle.act(state, [FIRST_TARGET, STOP, STOP])
    damage = float(params.unit_damage[MARINE])
    # the marine 4 away also shoots back at ally 0 (in range 5)
    assert float(new_state.health[3]) == pytest.approx(45 - damage)
    assert float(new_state.health[0]) == pytest.approx(45 - damage)
    assert float(new_state.cooldown[0]) == pytest.approx(float(params.unit_cooldown[MARINE]) - float(params.time_per_step))
    most = 3 * 45 + 3 * 10 + 200
    np.testing.assert_allclose(np.asarray(ts.reward), damage / most / 3, rtol=1e-5)
    assert int(ts.info["invalid_attacks"].sum()) == 0


def test_a_unit_reloading_fires_only_once_its_cooldown_has_run_out(three_marines):
    battle = three_marines
    state = battle.place([[10, 10], [4, 6], [4, 8], [14, 10], [28, 6], [28, 8]], cooldown=[0.6, 0, 0, 10, 0, 0])
    after, _ = battle.act(state, [FIRST_TARGET, STOP, STOP])
    assert float(after.health[3]) == 45.0, "0.6 s of cooldown left is longer than the 0.5 s step"
    assert float(after.cooldown[0]) == pytest.approx(0.1)
    after, _ = battle.act(after, [FIRST_TARGET, STOP, STOP])
    assert float(after.health[3]) == pytest.approx(45 - 9.0)


def test_attacks_on_dead_absent_or_distant_targets_are_counted_no_ops(three_marines):
    battle = three_marines
    state = battle.place(FAR_APART, health=[45, 45, 45, 0, 45, 45])
    action = [FIRST_TARGET, FIRST_TARGET + 1, 10_000]
    after, ts = battle.act(state, action)
    np.testing.assert_array_equal(np.asarray(ts.info["invalid_attacks"]), [1, 1, 1])
    np.testing.assert_array_equal(np.asarray(after.health), np.asarray(state.health))
    np.testing.assert_array_equal(np.asarray(after.position[:3]), np.asarray(state.position[:3]))
    np.testing.assert_array_equal(np.asarray(after.last_action[:3]), [STOP, STOP, STOP])
    assert np.isfinite(np.asarray(ts.obs)).all() and np.isfinite(np.asarray(ts.reward)).all()
    mask = np.asarray(ts.info["action_mask"])
    assert not mask[:, FIRST_TARGET:].any(), "nothing is in range, so no attack is allowed"


def test_action_mask_allows_only_the_no_op_to_the_dead_and_attacks_in_range(three_marines):
    battle = three_marines
    state = battle.place([[10, 10], [4, 6], [4, 8], [14, 10], [28, 6], [16, 10]], health=[45, 0, 45, 45, 45, 45])
    mask = np.asarray(battle.env.action_mask(state))
    assert mask[1].tolist() == [True] + [False] * (mask.shape[1] - 1)
    assert not mask[0, NOOP] and mask[0, STOP]
    assert mask[0, FIRST_TARGET] and not mask[0, FIRST_TARGET + 1] and not mask[0, FIRST_TARGET + 2]


def test_moves_follow_the_compass_at_the_unit_speed_and_stay_on_the_map(three_marines):
    battle = three_marines
    state = battle.place([[10, 10], [0.5, 20], [10, 31.9], [28, 4], [28, 6], [28, 8]])
    after, ts = battle.act(state, [2 + 2, 2 + 6, 2 + 0])  # east, west, north
    step = 3.15 * 0.5
    np.testing.assert_allclose(np.asarray(after.position[0]), [10 + step, 10], atol=1e-5)
    np.testing.assert_allclose(np.asarray(after.position[1]), [0, 20], atol=1e-5)
    np.testing.assert_allclose(np.asarray(after.position[2]), [10, 32], atol=1e-5)
    mask = np.asarray(ts.info["action_mask"])
    assert not mask[1, 2 + 6] and not mask[2, 2 + 0], "moves off the map are masked"
    assert mask[0, 2:FIRST_TARGET].all()


def test_overlapping_units_are_pushed_apart(three_marines):
    battle = three_marines
    state = battle.place([[10, 10], [10.2, 10], [4, 8], [28, 4], [28, 6], [28, 8]])
    after, _ = battle.act(state, [STOP, STOP, STOP])
    gap = float(jnp.linalg.norm(after.position[0] - after.position[1]))
    assert gap > 0.2 + 0.1


def test_winning_ends_the_episode_and_a_flawless_win_returns_one(three_marines):
    battle = three_marines
    state = battle.place([[10, 10], [10, 11], [10, 12], [13, 10], [28, 6], [28, 8]], health=[45, 45, 45, 1, 0, 0])
    done_state, ts = battle.act(state, [FIRST_TARGET, STOP, STOP])
    assert bool(ts.terminated) and not bool(ts.truncated)
    assert bool(ts.info["won"]) and not bool(ts.info["lost"]) and not bool(ts.info["draw"])
    most = 3 * 45 + 3 * 10 + 200
    assert float(ts.reward.sum()) == pytest.approx((1 + 10 + 200) / most, rel=1e-5)


def test_losing_and_time_outs(three_marines):
    battle = three_marines
    state = battle.place([[10, 10], [10, 11], [10, 12], [13, 10], [28, 6], [28, 8]], health=[1, 0, 0, 45, 45, 45])
    _, ts = battle.act(state, [STOP, NOOP, NOOP])
    assert bool(ts.terminated) and bool(ts.info["lost"]) and not bool(ts.info["won"])
    state = battle.place(FAR_APART).replace(time=jnp.int32(battle.env.max_steps - 1))
    _, ts = battle.act(state, [STOP, STOP, STOP])
    assert bool(ts.truncated) and not bool(ts.terminated) and bool(ts.info["draw"])


def test_dead_agents_observe_zeros_and_obs_stay_in_the_box(three_marines):
    battle = three_marines
    state = battle.place([[10, 10], [10, 11], [10, 12], [13, 10], [28, 6], [28, 8]], health=[45, 0, 45, 45, 45, 45])
    _, ts = battle.act(state, [STOP, NOOP, STOP])
    obs = np.asarray(ts.obs)
    assert not obs[1].any()
    assert obs.min() >= -1 and obs.max() <= 1
    own, unit = battle.env.own_feature_size, battle.env.unit_feature_size
    ally_slot_0 = obs[0, own : own + unit]
    enemy_slot_0 = obs[0, own + 2 * unit : own + 3 * unit]
    assert ally_slot_0[0] == 0, "the dead ally is not visible"
    assert enemy_slot_0[0] == 1 and enemy_slot_0[2] == pytest.approx(3 / 9, rel=1e-4), "enemy 3 units east, sight 9"


def test_unit_stats_are_parameters_that_vmap(three_marines):
    battle = three_marines
    base = battle.env.default_params
    damages = jnp.array([5.0, 9.0, 20.0])
    params = jax.vmap(lambda d: base.replace(unit_damage=base.unit_damage.at[MARINE].set(d)))(damages)
    positions = [[10, 10], [4, 6], [4, 8], [14, 10], [28, 6], [28, 8]]

    def first_hit(p):
        state, _ = battle.env.reset(KEY, p)
        state = state.replace(position=jnp.asarray(positions, jnp.float32))
        after, _ = battle.env.step(state, jnp.array([FIRST_TARGET, STOP, STOP]))
        return after.health[3]

    np.testing.assert_allclose(np.asarray(jax.jit(jax.vmap(first_hit))(params)), 45.0 - np.asarray(damages))


@pytest.fixture(scope="module")
def protoss():
    return Battle(SMAX("v2-protoss-5v5", opponent="static"))


def test_shields_absorb_damage_first_and_splash_hits_enemies_around_the_target(protoss):
    battle = protoss
    types = ["colossus", "stalker", "stalker", "stalker", "stalker"] + ["stalker", "stalker", "zealot", "zealot", "zealot"]
    positions = [[10, 10], [2, 2], [2, 4], [2, 6], [2, 8], [16, 10], [16.8, 10], [30, 2], [30, 4], [30, 6]]
    state = battle.place(positions, types=types)
    after, _ = battle.act(state, [FIRST_TARGET, STOP, STOP, STOP, STOP])
    damage = float(state.params.unit_damage[UNIT_TYPES.index("colossus")])
    np.testing.assert_allclose(np.asarray(after.shield[5:7]), 80.0 - damage)
    np.testing.assert_allclose(np.asarray(after.health[5:7]), 80.0)
    assert float(after.shield[7]) == 50.0, "units outside the splash radius are untouched"


@pytest.fixture(scope="module")
def zerg():
    return Battle(SMAX("v2-zerg-5v5", opponent="static"))


def test_a_baneling_dies_in_its_explosion(zerg):
    battle = zerg
    types = ["baneling"] + ["zergling"] * 4 + ["zergling"] * 5
    positions = [[10, 10], [2, 2], [2, 4], [2, 6], [2, 8], [11, 10], [12, 11], [30, 2], [30, 4], [30, 6]]
    state = battle.place(positions, types=types)
    after, ts = battle.act(state, [FIRST_TARGET, STOP, STOP, STOP, STOP])
    assert float(after.health[0]) == 0.0
    np.testing.assert_allclose(np.asarray(after.health[5:7]), 35.0 - 20.0)
    assert float(after.health[7]) == 35.0
    assert int(ts.info["invalid_attacks"][0]) == 0


@pytest.fixture(scope="module")
def mmm():
    return Battle(SMAX("MMM", opponent="static"))


def test_a_medivac_heals_an_ally_in_range_up_to_its_full_health(mmm):
    battle = mmm
    positions = [[10, 10]] + [[10, 12]] + [[2 + i, 2] for i in range(8)] + [[30, 2 + 2 * i] for i in range(10)]
    health = [150, 40] + [45] * 8 + [150, 125, 125] + [45] * 7
    types = ["medivac", "marauder", "marauder"] + ["marine"] * 7
    state = battle.place(positions, health=health, types=types + types)
    mask = np.asarray(battle.env.action_mask(state))
    assert mask[0, FIRST_TARGET + 1] and not mask[0, FIRST_TARGET], "a medivac heals allies, not itself"
    after, ts = battle.act(state, [FIRST_TARGET + 1] + [STOP] * 9)
    assert float(after.health[1]) == pytest.approx(40 + 9.0)
    assert int(ts.info["invalid_attacks"][0]) == 0
    full = battle.place(positions, health=[150, 124] + health[2:], types=types + types)
    after, _ = battle.act(full, [FIRST_TARGET + 1] + [STOP] * 9)
    assert float(after.health[1]) == 125.0


def test_self_play_takes_both_teams_actions_and_rewards_each_team():
    env = arenax.make("SMAX-3m-selfplay-v0")
    assert env.agents == ("ally_0", "ally_1", "ally_2", "enemy_0", "enemy_1", "enemy_2")
    state, ts = env.reset(KEY)
    assert ts.obs.shape == (6, env.obs_size) and ts.info["action_mask"].shape == (6, env.num_actions)
    state = state.replace(position=jnp.asarray([[4, 4], [4, 12], [4, 20], [28, 4], [28, 12], [7, 4]], jnp.float32))
    after, ts = jax.jit(env.step)(state, jnp.array([STOP, STOP, STOP, STOP, STOP, FIRST_TARGET]))
    assert float(after.health[0]) == pytest.approx(45.0 - 9.0), "enemy_2 shot ally_0 (its target slot 0)"
    reward = np.asarray(ts.reward)
    assert (reward[:3] == 0).all() and (reward[3:] > 0).all()
    np.testing.assert_allclose(reward[3:].sum(), 9.0 / (3 * 45 + 3 * 10 + 200), rtol=1e-5)

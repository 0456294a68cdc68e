"""SMAX scenarios: the registered SMAC maps, procedural races, start positions, and unknown names."""

import jax
import numpy as np
import pytest

import arenax
from arenax.envs.smax import RACES, SMAC_MAPS, SMAX, UNIT_TYPES, get_scenario
from arenax.envs.smax.scenarios import draw_start

ISSUE_MAPS = [
    "3m", "8m", "25m", "5m_vs_6m", "8m_vs_9m", "10m_vs_11m", "27m_vs_30m", "2s3z", "3s5z",
    "3s5z_vs_3s6z", "3s_vs_5z", "6h_vs_8z", "2s_vs_1sc", "MMM",
]


def test_every_smac_map_is_registered_with_its_teams():
    registered = set(arenax.list_envs("smax"))
    for name in ISSUE_MAPS:
        assert f"SMAX-{name}-v0" in registered
    assert {"SMAX-v2-protoss-5v5-v0", "SMAX-v2-terran-5v5-v0", "SMAX-v2-zerg-5v5-v0", "SMAX-3m-selfplay-v0"} <= registered
    assert (SMAC_MAPS["27m_vs_30m"].num_allies, SMAC_MAPS["27m_vs_30m"].num_enemies) == (27, 30)
    assert SMAC_MAPS["MMM"].allies.count("medivac") == 1 and SMAC_MAPS["MMM"].allies.count("marine") == 7
    assert set(SMAC_MAPS["2s_vs_1sc"].enemies) == {"spine_crawler"}


def test_unknown_scenarios_fail_listing_the_valid_ones():
    with pytest.raises(ValueError, match="Valid scenarios: 3m, 8m.*27m_vs_30m.*v2-<race>"):
        get_scenario("4m_vs_99z")
    with pytest.raises(ValueError, match="Valid scenarios"):
        SMAX("v2-elves-5v5")
    with pytest.raises(ValueError, match="team sizes"):
        get_scenario("v2-zerg-0v5")
    with pytest.raises(ValueError, match="opponent must be one of"):
        SMAX("3m", opponent="brutal")


def test_procedural_scenarios_draw_the_race_types_mirrored_and_both_start_kinds():
    scenario = get_scenario("v2-terran-10v10")
    keys = jax.random.split(jax.random.PRNGKey(1), 64)
    types, positions = jax.vmap(lambda k: draw_start(k, scenario, 32.0, 32.0))(keys)
    types, positions = np.asarray(types), np.asarray(positions)
    allowed = {UNIT_TYPES.index(name) for name in RACES["terran"][0]}
    assert set(np.unique(types)) == allowed
    np.testing.assert_array_equal(types[:, :10], types[:, 10:])
    assert positions.min() >= 0 and positions.max() <= 32
    mirrored = np.all(np.isclose(positions[:, :10, 0], 32 - positions[:, 10:, 0], atol=1e-4), axis=1)
    assert 10 < mirrored.sum() < 54, "reflect and surround starts each happen about half of the time"


@pytest.mark.parametrize("name", ["27m_vs_30m", "v2-protoss-10v10"])
def test_start_positions_keep_units_apart(name):
    scenario = get_scenario(name)
    for seed in range(4):
        positions = np.asarray(draw_start(jax.random.PRNGKey(seed), scenario, 32.0, 32.0)[1])
        gaps = np.linalg.norm(positions[:, None] - positions[None], axis=-1) + np.eye(len(positions)) * 99
        assert gaps.min() > 0.85


def test_observation_layout_follows_smac():
    three = SMAX("3m")
    assert three.own_feature_size == 4 and three.unit_feature_size == 9, "one type and no shields: no extra columns"
    assert three.obs_size == 4 + (2 + 3) * 9
    protoss = SMAX("v2-protoss-5v5")
    assert protoss.unit_feature_size == 9 + 1 + 3, "a shield column and a three-type one-hot"
    uneven = SMAX("5m_vs_6m", self_play=True)
    assert uneven.single_agent_action_space.n == 10 + 6
    assert uneven.obs_size == 4 + (5 + 6) * 9, "self-play pads both teams to the larger one"

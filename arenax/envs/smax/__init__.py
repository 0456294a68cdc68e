"""SMAX, a StarCraft-lite for cooperative multi-agent RL: the SMAC maps, SMACv2-style races and self-play."""

from arenax.core import register
from arenax.envs.smax.env import SMAX
from arenax.envs.smax.multi_objective import MOSMAX
from arenax.envs.smax.scenarios import RACES, SMAC_MAPS, Scenario, get_scenario
from arenax.envs.smax.types import OPPONENT_LEVELS, UNIT_TYPES, SMAXParams, SMAXState

FAMILY = "smax"


def _describe(scenario: Scenario) -> str:
    def team(names):
        counts = {name: names.count(name) for name in dict.fromkeys(names)}
        return " + ".join(f"{count} {name}{'s' if count > 1 else ''}" for name, count in counts.items())

    return f"SMAC map {scenario.name}: {team(scenario.allies)} against {team(scenario.enemies)} (heuristic AI)"


for _name, _scenario in SMAC_MAPS.items():
    register(
        f"SMAX-{_name}-v0", SMAX, family=FAMILY, description=_describe(_scenario),
        kwargs={"scenario": _name}, multi_agent=True,
    )

PROCEDURAL = ("v2-protoss-5v5", "v2-terran-5v5", "v2-zerg-5v5", "v2-protoss-10v10")
for _name in PROCEDURAL:
    _race, _size = _name.split("-")[1:]
    register(
        f"SMAX-{_name}-v0", SMAX, family=FAMILY,
        description=f"SMACv2-style {_race} {_size}: unit types drawn per episode, surround or reflect starts",
        kwargs={"scenario": _name}, multi_agent=True,
    )

register(
    "SMAX-3m-selfplay-v0", SMAX, family=FAMILY,
    description="3m with both teams as agents (ally_*, enemy_*), each team rewarded for its own side",
    kwargs={"scenario": "3m", "self_play": True}, multi_agent=True,
)

for _name in ("3m", "2s3z"):
    register(
        f"MO-SMAX-{_name}-v0", MOSMAX, family="momarl",
        description=f"SMAC map {_name} with vector rewards per agent: damage dealt vs own losses (health and shield)",
        kwargs={"scenario": _name}, multi_agent=True,
    )

__all__ = [
    "MOSMAX", "OPPONENT_LEVELS", "RACES", "SMAC_MAPS", "SMAX", "SMAXParams", "SMAXState", "Scenario", "UNIT_TYPES",
    "get_scenario",
]

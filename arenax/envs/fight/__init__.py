"""A 2-D fighting game in pure JAX with six characters, scripted opponents and a 12-rung ladder (FightLadder-like)."""

from arenax.core import register
from arenax.envs.fight.characters import ARCHETYPES, NAMES
from arenax.envs.fight.env import Fight, FightLadder
from arenax.envs.fight.policies import LADDER, LEVELS, choose_actions

FAMILY = "fight"

register(
    "Fight-v0",
    Fight,
    family=FAMILY,
    description="two-player fighting game (ryn vs blaze by default), best of three rounds, 22 actions, frame skip 8",
    multi_agent=True,
)

for _name, _archetype in zip(NAMES, ARCHETYPES):
    register(
        f"FightLadder-{_name.capitalize()}-v0",
        FightLadder,
        family=FAMILY,
        description=f"play {_name} ({_archetype}) up a ladder of 12 scripted opponents of rising difficulty",
        kwargs={"character": _name},
    )

__all__ = ["LADDER", "LEVELS", "NAMES", "Fight", "FightLadder", "choose_actions"]

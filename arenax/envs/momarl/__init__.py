"""Multi-objective multi-agent environments (MOMAland-like): every agent gets a reward vector `[n_objectives]`."""

from arenax.core import register
from arenax.envs.momarl.beach import MOBeach
from arenax.envs.momarl.connect4 import MOConnect4
from arenax.envs.momarl.item_gathering import MOItemGathering
from arenax.envs.momarl.route_choice import MORouteChoice
from arenax.envs.momarl.surround import MOSurround
from arenax.envs.momarl.walker import MOWalker

FAMILY = "momarl"

ENVIRONMENTS = [
    ("MO-Beach-v0", MOBeach, {}, "beach problem domain: 100 agents of 2 types over 6 sections; occupation vs mixture"),
    (
        "MO-ItemGathering-v0",
        MOItemGathering,
        {},
        "item gathering on an 8x8 grid: 2 agents, one objective per item kind (3)",
    ),
    (
        "MO-RouteChoice-v0",
        MORouteChoice,
        {"network": "braess", "num_agents": 100},
        "route choice on Braess's network with marginal-cost tolls: 100 drivers; travel time vs toll",
    ),
    (
        "MO-Connect4-v0",
        MOConnect4,
        {},
        "Connect Four, 2 players in turn (the other passes); winning vs winning early",
    ),
    (
        "MO-Surround-v0",
        MOSurround,
        {},
        "CrazyRL-like surround: 4 drones with continuous velocities; closing on the target vs spreading out",
    ),
    (
        "MO-WalkerLite-v0",
        MOWalker,
        {},
        "3 walkers carry a beam with continuous push and lift; progress vs stability",
    ),
]

for env_id, entry_point, kwargs, description in ENVIRONMENTS:
    register(env_id, entry_point, family=FAMILY, description=description, kwargs=kwargs, multi_agent=True)

__all__ = ["MOBeach", "MOConnect4", "MOItemGathering", "MORouteChoice", "MOSurround", "MOWalker"]

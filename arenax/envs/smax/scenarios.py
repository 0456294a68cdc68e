"""SMAX scenarios: the SMAC maps, SMACv2-style procedural races, and the start states they generate."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from arenax.envs.smax.hashing import hashed_uniform
from arenax.envs.smax.rounding import rounded_product
from arenax.envs.smax.types import UNIT_TYPES


@dataclass(frozen=True)
class Scenario:
    """Who fights whom: unit type names of the controlled team (`allies`) and of the other team (`enemies`).

    A procedural scenario (`race` set) draws both teams' unit types from the
    race at every reset (the same types on both sides, as SMACv2 does) and
    starts them either surrounded or reflected; `allies` and `enemies` then
    only fix the team sizes.
    """

    name: str
    allies: tuple[str, ...]
    enemies: tuple[str, ...]
    episode_limit: int
    race: str | None = None

    @property
    def num_allies(self) -> int:
        return len(self.allies)

    @property
    def num_enemies(self) -> int:
        return len(self.enemies)

    @property
    def unit_types(self) -> np.ndarray:
        """Type index of every unit, allies first (placeholders for a procedural scenario)."""
        return np.array([UNIT_TYPES.index(name) for name in self.allies + self.enemies], np.int32)

    @property
    def possible_types(self) -> np.ndarray:
        """Sorted type indices that can appear in this scenario."""
        if self.race is not None:
            return np.array(sorted(UNIT_TYPES.index(name) for name in RACES[self.race][0]), np.int32)
        return np.unique(self.unit_types)


def _team(*groups: tuple[int, str]) -> tuple[str, ...]:
    return tuple(name for count, name in groups for _ in range(count))


def _symmetric(name: str, limit: int, *groups: tuple[int, str]) -> Scenario:
    return Scenario(name, _team(*groups), _team(*groups), limit)


SMAC_MAPS: dict[str, Scenario] = {
    s.name: s
    for s in [
        _symmetric("3m", 60, (3, "marine")),
        _symmetric("8m", 120, (8, "marine")),
        _symmetric("25m", 150, (25, "marine")),
        Scenario("5m_vs_6m", _team((5, "marine")), _team((6, "marine")), 70),
        Scenario("8m_vs_9m", _team((8, "marine")), _team((9, "marine")), 120),
        Scenario("10m_vs_11m", _team((10, "marine")), _team((11, "marine")), 150),
        Scenario("27m_vs_30m", _team((27, "marine")), _team((30, "marine")), 180),
        _symmetric("2s3z", 120, (2, "stalker"), (3, "zealot")),
        _symmetric("3s5z", 150, (3, "stalker"), (5, "zealot")),
        Scenario("3s5z_vs_3s6z", _team((3, "stalker"), (5, "zealot")), _team((3, "stalker"), (6, "zealot")), 170),
        Scenario("3s_vs_5z", _team((3, "stalker")), _team((5, "zealot")), 250),
        Scenario("6h_vs_8z", _team((6, "hydralisk")), _team((8, "zealot")), 150),
        Scenario("2s_vs_1sc", _team((2, "stalker")), _team((1, "spine_crawler")), 300),
        _symmetric("MMM", 150, (1, "medivac"), (2, "marauder"), (7, "marine")),
    ]
}
"""The SMAC maps by name, with SMAC's episode limits."""

RACES: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "protoss": (("stalker", "zealot", "colossus"), (0.45, 0.45, 0.1)),
    "terran": (("marine", "marauder", "medivac"), (0.45, 0.45, 0.1)),
    "zerg": (("zergling", "hydralisk", "baneling"), (0.45, 0.45, 0.1)),
}
"""SMACv2's unit types per race and the probability of drawing each."""

PROCEDURAL_PATTERN = re.compile(r"^v2-(protoss|terran|zerg)-(\d+)v(\d+)$")
MAX_PROCEDURAL_UNITS = 64
LATTICE_SPACING = 1.6
"""Distance between neighbouring start cells of a cluster (units are at most 2 wide)."""
START_COUNTER = 0xA11CE
"""The counter under which start states are hashed from the episode key."""
JITTER = 0.2
"""How far (in cells) a unit may start from the centre of its cell."""


def get_scenario(name: str) -> Scenario:
    """The scenario called `name`: a SMAC map or `v2-<race>-<allies>v<enemies>`; anything else is a `ValueError`."""
    if name in SMAC_MAPS:
        return SMAC_MAPS[name]
    match = PROCEDURAL_PATTERN.match(name) if isinstance(name, str) else None
    if match:
        race, allies, enemies = match.group(1), int(match.group(2)), int(match.group(3))
        if not (1 <= allies <= MAX_PROCEDURAL_UNITS and 1 <= enemies <= MAX_PROCEDURAL_UNITS):
            raise ValueError(f"SMAX scenario {name!r}: team sizes must lie in 1..{MAX_PROCEDURAL_UNITS}")
        placeholder = RACES[race][0][0]
        limit = 100 + 5 * max(allies, enemies)
        return Scenario(name, (placeholder,) * allies, (placeholder,) * enemies, limit, race=race)
    raise ValueError(
        f"Unknown SMAX scenario {name!r}. Valid scenarios: {', '.join(SMAC_MAPS)}, "
        f"or procedural 'v2-<race>-<allies>v<enemies>' with race in {sorted(RACES)} (e.g. 'v2-protoss-5v5')"
    )


def _cluster(jitter: jax.Array, centre: jax.Array) -> jax.Array:
    """Points around `centre` on the cells of a square lattice, each moved by `jitter` (in [0, 1)) within its cell.

    Cells are filled row by row from the lattice's centre outwards, so units
    start apart; the lattice grows with the number of units.
    """
    count = jitter.shape[0]
    side = int(np.ceil(np.sqrt(count)))
    cells = np.arange(count)
    lattice = np.stack([cells % side, cells // side], axis=1).astype(np.float32) - (side - 1) / 2
    return centre + rounded_product(LATTICE_SPACING, lattice + rounded_product(JITTER, 2 * jitter - 1))


def draw_start(key: jax.Array, scenario: Scenario, width: jax.Array, height: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Unit types (int8) and start positions of every unit, allies first, hashed from `key` (`hashing`).

    SMAC maps: their fixed types, in two clusters facing each other across the
    middle of the map. Procedural scenarios draw each ally's type from the race
    (the enemies mirror them) and start, each half of the time, "reflect"
    (allies clustered at a random point of the left half, enemies at the
    mirror images) or "surround" (allies clustered in the middle, enemies in
    up to four groups towards the corners).
    """
    n_a, n_e = scenario.num_allies, scenario.num_enemies
    size = jnp.stack([width, height])
    if scenario.race is None:
        jitter = hashed_uniform(key, START_COUNTER, 0, 2 * (n_a + n_e)).reshape(n_a + n_e, 2)
        allies = _cluster(jitter[:n_a], rounded_product(size, jnp.array([0.25, 0.5])))
        enemies = _cluster(jitter[n_a:], rounded_product(size, jnp.array([0.75, 0.5])))
        return jnp.asarray(scenario.unit_types, jnp.int8), jnp.concatenate([allies, enemies])
    count = max(n_a, n_e)
    # one draw: type choices, start kind, reflect centre, jitter of the (larger) first team, enemy jitter
    uniform = hashed_uniform(key, START_COUNTER, 0, count + 3 + 2 * count + 2 * n_e)
    names, probabilities = RACES[scenario.race]
    choices = np.array([UNIT_TYPES.index(n) for n in names], np.int8)
    cumulative = jnp.asarray(np.cumsum(probabilities)[:-1], jnp.float32)
    drawn = jnp.asarray(choices)[jnp.searchsorted(cumulative, uniform[:count], side="right")]
    unit_type = jnp.concatenate([drawn[:n_a], drawn[:n_e]])
    reflect_kind = uniform[count] < 0.5
    corner = jnp.array([0.15, 0.3]) + rounded_product(uniform[count + 1 : count + 3], jnp.array([0.2, 0.4]))
    centre = rounded_product(corner, size)
    jitter = uniform[count + 3 : 3 * count + 3].reshape(count, 2)
    enemy_jitter = uniform[3 * count + 3 :].reshape(n_e, 2)
    left = _cluster(jitter, centre)
    mirrored = jnp.stack([width - left[:, 0], left[:, 1]], axis=1)
    reflect = jnp.concatenate([left[:n_a], mirrored[:n_e]])
    corners = np.array([[1, 1], [1, -1], [-1, -1], [-1, 1]], np.float32)
    bounds = np.linspace(0, n_e, min(4, n_e) + 1).round().astype(int)
    groups = enumerate(zip(bounds[:-1], bounds[1:]))
    enemies = jnp.concatenate(
        [_cluster(enemy_jitter[a:b], rounded_product(size, 0.5 + 0.3 * corners[i])) for i, (a, b) in groups]
    )
    surround = jnp.concatenate([_cluster(jitter[:n_a], rounded_product(size, 0.5)), enemies])
    positions = jnp.where(reflect_kind, reflect, surround)
    return unit_type, positions

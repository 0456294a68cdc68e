"""Item gathering (Källström and Heintz, 2019): agents on a grid collect items of several kinds, one objective each."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.momarl.render import BLACK, GREY, canvas, disc, fill, palette

DEFAULT_MAP = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 4, 0, 0],
        [0, 0, 4, 0, 4, 5, 0, 0],
        [0, 0, 0, 3, 0, 0, 0, 0],
        [0, 0, 3, 3, 0, 5, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
        [1, 0, 0, 0, 0, 0, 0, 0],
    ]
)
"""MOMAland's default map: 1 marks an agent's start, values above 1 are item kinds (here 3 kinds)."""

MOVES = np.array([[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1]], np.int32)
"""Actions 0-4: stay, up, down, left, right."""


@struct.dataclass
class ItemGatheringParams:
    pickup_probabilities: jax.Array
    """Chance, per item kind, that stepping onto an item picks it up (`[n_objectives]`)."""
    horizon: int = 10
    """Steps before truncation."""


@struct.dataclass
class ItemGatheringState(EnvState):
    positions: jax.Array
    items: jax.Array


def resolve_collisions(old: jax.Array, proposed: jax.Array, priority: jax.Array) -> jax.Array:
    """Agents moving onto the same cell: the one of highest `priority` moves, the others stay where they were.

    An agent bumped back to its old cell can in turn block another agent that
    was moving there; repeating the rule once per agent settles every chain,
    since each round with a clash sends at least one agent back.
    """
    n = old.shape[0]
    moved = jnp.any(proposed != old, axis=1)

    def settle(_, positions):
        moved_now = jnp.any(positions != old, axis=1)
        same_cell = jnp.all(positions[:, None, :] == positions[None, :, :], axis=-1) & ~jnp.eye(n, dtype=bool)
        beaten = same_cell & (~moved_now[None, :] | (priority[None, :] > priority[:, None]))
        return jnp.where((moved_now & jnp.any(beaten, axis=1))[:, None], old, positions)

    return jax.lax.fori_loop(0, n, settle, jnp.where(moved[:, None], proposed, old))


class MOItemGathering(Environment[ItemGatheringState, ItemGatheringParams]):
    """Agents walk a grid and pick up items of several kinds; each kind is one objective.

    A JAX version of MOMAland's `moitem_gathering_v0` (default map: 8x8, 2
    agents, 3 item kinds with 3, 3 and 2 items, 10 steps).

    Objectives (`reward[n_agents, n_kinds]`, maximised): 1 in objective `k`
    for each item of kind `k` the agent picks up (`individual`), or the sum
    over all agents (`team`). Items are few and far apart, so within the
    horizon agents must choose which kinds to collect.
    Known front: none published; the ideal point is the item count of each
    kind (3, 3, 2 on the default map), out of reach in 10 steps.

    Observation (`Box(0, 1, (H, W, 2 + n_kinds))`, per agent): own position,
    other agents, one plane per item kind. Actions (`Discrete(5)`): stay, up,
    down, left, right; moves off the grid stay put, and agents moving onto
    one cell are settled by a random priority (the losers stay). With
    `randomise`, every reset shuffles the rows and the columns of the map's
    interior (2 cells from the border), as MOMAland's `randomise` does.
    Terminated when every item is gathered, truncated after `horizon` steps.
    `info["world_state"]` is MOMAland's map encoding (agents `-(i + 1)`,
    items `1..n_kinds`), flattened.
    """

    def __init__(
        self, initial_map=DEFAULT_MAP, reward_mode: str = "individual", horizon: int = 10, randomise: bool = False
    ):
        grid = np.asarray(initial_map, np.int32)
        if grid.ndim != 2 or np.any(grid < 0):
            raise ValueError(f"initial_map must be a 2-D grid of non-negative integers, got shape {grid.shape}")
        starts = np.argwhere(grid == 1)
        kinds = np.unique(grid[grid > 1])
        if len(starts) < 1 or len(kinds) < 1:
            raise ValueError("initial_map needs at least one agent start (1) and one item (values above 1)")
        if reward_mode not in ("individual", "team"):
            raise ValueError(f"reward_mode must be 'individual' or 'team', got {reward_mode!r}")
        self.reward_mode = reward_mode
        self.randomise = bool(randomise)
        self._horizon = int(horizon)
        self.height, self.width = grid.shape
        self.num_kinds = len(kinds)
        self.agents = tuple(f"agent_{i}" for i in range(len(starts)))
        self.start_positions = jnp.asarray(starts, jnp.int32)
        self.initial_items = jnp.asarray(np.searchsorted(kinds, grid) + 1, jnp.int32) * (grid > 1)
        item_counts = np.bincount(np.asarray(self.initial_items).ravel(), minlength=self.num_kinds + 1)[1:]
        self.item_counts = item_counts
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (self.height, self.width, 2 + self.num_kinds), np.float32)
        self.single_agent_action_space = spaces.Discrete(5)
        high = item_counts.astype(np.float32) * (self.num_agents if reward_mode == "team" else 1)
        self.reward_space = spaces.Box(0.0, high, (self.num_kinds,), np.float32)

    @property
    def default_params(self) -> ItemGatheringParams:
        return ItemGatheringParams(pickup_probabilities=jnp.ones((self.num_kinds,), jnp.float32), horizon=self._horizon)

    def check_params(self, params: ItemGatheringParams) -> None:
        if int(params.horizon) < 1:
            raise ValueError(f"MOItemGathering horizon must be at least 1, got {params.horizon}")
        probs = np.asarray(params.pickup_probabilities)
        if probs.shape != (self.num_kinds,) or np.any(probs < 0) or np.any(probs > 1):
            raise ValueError(f"pickup_probabilities must be {self.num_kinds} values in [0, 1], got {probs.tolist()}")

    def _shuffle_interior(self, key: jax.Array, items: jax.Array) -> jax.Array:
        if self.height <= 4 or self.width <= 4:
            return items
        key_rows, key_cols = jax.random.split(key)
        rows = jnp.arange(self.height).at[2:-2].set(2 + jax.random.permutation(key_rows, self.height - 4))
        cols = jnp.arange(self.width).at[2:-2].set(2 + jax.random.permutation(key_cols, self.width - 4))
        return items[rows][:, cols]

    def _occupancy(self, positions: jax.Array) -> jax.Array:
        """`[n_agents, H, W]`, true at each agent's cell (comparisons, not a scatter: XLA's CPU scatter is serial)."""
        rows = jnp.arange(self.height)[None, :, None] == positions[:, 0, None, None]
        cols = jnp.arange(self.width)[None, None, :] == positions[:, 1, None, None]
        return rows & cols

    def world_map(self, state: ItemGatheringState) -> jax.Array:
        """MOMAland's map: 0 empty, `-(i + 1)` agent `i`, `1..n_kinds` items."""
        ids = -(jnp.arange(self.num_agents, dtype=jnp.int32) + 1)
        agents = jnp.sum(self._occupancy(state.positions) * ids[:, None, None], axis=0)
        return jnp.where(agents < 0, agents, state.items)

    def _observe(self, state: ItemGatheringState) -> jax.Array:
        """Every plane picked by its channel index in one elementwise expression, which XLA fuses into one loop
        over the observation (concatenating planes built one by one made the whole step 1.6x slower)."""
        own = self._occupancy(state.positions)[..., None]
        others = jnp.any(own, axis=0, keepdims=True) & ~own
        channel = jnp.arange(2 + self.num_kinds)
        items = state.items[None, :, :, None] == channel - 1
        return jnp.where(channel == 0, own, jnp.where(channel == 1, others, items)).astype(jnp.float32)

    def _timestep(self, state, reward, terminated, truncated) -> TimeStep:
        info = {"world_state": self.world_map(state).reshape(-1).astype(jnp.float32)}
        return TimeStep(self._observe(state), reward, terminated, truncated, info)

    def reset_env(self, key, params):
        items = self._shuffle_interior(key, self.initial_items) if self.randomise else self.initial_items
        state = ItemGatheringState(
            key=key, params=params, time=jnp.int32(0), positions=self.start_positions, items=items
        )
        return state, self._timestep(state, self.zero_reward(), jnp.bool_(False), jnp.bool_(False))

    def step_env(self, key, state, action, params):
        # one flat draw gives the same numbers as shape (2, n), whose 2-D counters make JAX's threefry twice as slow
        priority, pickup_draw = jax.random.uniform(key, (2 * self.num_agents,)).reshape(2, self.num_agents)
        limits = jnp.array([self.height - 1, self.width - 1])
        proposed = jnp.clip(state.positions + jnp.asarray(MOVES)[action.astype(jnp.int32)], 0, limits)
        positions = resolve_collisions(state.positions, proposed, priority)
        found = state.items[positions[:, 0], positions[:, 1]]
        chance = params.pickup_probabilities[jnp.maximum(found - 1, 0)]
        picked = (found > 0) & (pickup_draw < chance)
        reward = jax.nn.one_hot(found - 1, self.num_kinds, dtype=jnp.float32) * picked[:, None]
        if self.reward_mode == "team":
            reward = jnp.broadcast_to(reward.sum(axis=0), reward.shape)
        picked_cells = jnp.any(self._occupancy(positions) & picked[:, None, None], axis=0)
        items = jnp.where(picked_cells, 0, state.items)
        state = state.replace(time=state.time + 1, positions=positions, items=items)
        terminated = ~jnp.any(items > 0)
        truncated = (state.time >= params.horizon) & ~terminated
        return state, self._timestep(state, reward, terminated, truncated)

    def scripted_policies(self):
        policies = super().scripted_policies()

        def nearest_item(key, state, ts):
            """Step towards the nearest remaining item (Manhattan distance), rows first."""
            rows, cols = jnp.meshgrid(jnp.arange(self.height), jnp.arange(self.width), indexing="ij")
            distance = jnp.abs(rows[None] - state.positions[:, 0, None, None]) + jnp.abs(
                cols[None] - state.positions[:, 1, None, None]
            )
            distance = jnp.where(state.items[None] > 0, distance, jnp.iinfo(jnp.int32).max)
            target = jnp.argmin(distance.reshape(self.num_agents, -1), axis=1)
            delta = jnp.stack([target // self.width, target % self.width], axis=1) - state.positions
            return jnp.select(
                [delta[:, 0] < 0, delta[:, 0] > 0, delta[:, 1] < 0, delta[:, 1] > 0], [1, 2, 3, 4], 0
            ).astype(jnp.int32)

        policies["nearest_item"] = nearest_item
        return policies

    def render(self, state: ItemGatheringState) -> np.ndarray:
        cell = 24
        image = canvas(self.height * cell, self.width * cell)
        item_colors = palette(self.num_kinds)
        agent_colors = palette(self.num_agents + 3)[::-1]
        items = np.asarray(state.items)
        for row in range(self.height):
            for col in range(self.width):
                if (row + col) % 2:
                    fill(image, row * cell, col * cell, cell, cell, (235, 235, 235))
                if items[row, col] > 0:
                    disc(image, row * cell + cell / 2, col * cell + cell / 2, cell / 4, item_colors[items[row, col] - 1])
        for i, (row, col) in enumerate(np.asarray(state.positions)):
            fill(image, row * cell + 3, col * cell + 3, cell - 6, cell - 6, agent_colors[i])
            fill(image, row * cell + 3, col * cell + 3, 2, cell - 6, BLACK)
        fill(image, 0, 0, 1, image.shape[1], GREY)
        return image

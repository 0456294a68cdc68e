"""POPGym's MineSweeper: clear a hidden board one click at a time, seeing only the last click's count."""

from __future__ import annotations

from math import comb

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.memory.render import BLACK, GREY, RED, canvas, fill, outline, palette

MAX_NEIGHBOURS = 8


@struct.dataclass
class MineSweeperParams:
    num_mines: int = 2


@struct.dataclass
class MineSweeperState(EnvState):
    mines: jax.Array
    revealed: jax.Array
    neighbour_mines: jax.Array


def neighbour_sum(grid: jax.Array) -> jax.Array:
    """For each cell of a 2-D grid, the sum of its (up to 8) neighbours, the cell itself left out."""
    height, width = grid.shape
    padded = jnp.pad(grid, 1)
    shifts = [(row, col) for row in (-1, 0, 1) for col in (-1, 0, 1) if row or col]
    return sum(padded[1 + row : 1 + row + height, 1 + col : 1 + col + width] for row, col in shifts)


class MineSweeper(Environment[MineSweeperState, MineSweeperParams]):
    """MineSweeper on a hidden `height x width` board, as POPGym defines it: no board in the observation.

    Action (`Discrete(height * width)`): the cell `row * width + col` to
    click. Observation (`Box(0, 1, (9 + height + width,))`): the number of
    mines around the clicked cell one-hot (0-8), then the clicked row and
    column one-hot, so the agent knows what it clicked; all zeros before the
    first click. A click never opens more than its own cell. With `n` safe
    cells: a new safe cell gives +1/n; a mine gives -0.5 - 1/n and
    terminates; a cell already cleared gives -0.5/(n - 2). Clearing every safe
    cell terminates; the episode is truncated after n clicks, so a perfect
    game scores 1.0 and the worst -1.0. The first click may hit a mine, as in
    POPGym. Variants: easy 4x4 with 2 mines, medium 6x6 with 6, hard 8x8 with 10.

    There is no `info["action_mask"]`: every cell may be clicked, and which
    cells are cleared is exactly what the agent has to remember.

    Expected returns (`reference_returns`), with N cells, m mines and n = N - m:

    - random policy (uniform clicks): exact by dynamic programming over the
      number of cleared cells: -0.231 (easy), -0.401 (medium), -0.432 (hard);
    - best memoryless policy known: the better of random clicking and a
      sweep in row-major order (click the cell after the one just clicked,
      which the observation gives). The sweep clears n/(m + 1) cells on
      average before it meets a mine: `1/(m + 1) - (0.5 + 1/n)(1 - 1/C(N, m))`.
      -0.231 (easy, random clicking), -0.390 (medium, sweep), -0.428 (hard,
      sweep);
    - perfect memory: at most `1 - (m/N)(1.5 + 1/n)`, since the first click
      is a blind guess: 0.804 (easy), 0.744 (medium), 0.763 (hard); boards
      that force later guesses lower it. The deduction solver of
      `arenax.envs.memory.policies` (single-cell and subset rules, then the
      least risky guess) scores about 0.77 (easy), 0.55 (medium), 0.56 (hard).
    """

    def __init__(self, height: int = 4, width: int = 4, num_mines: int = 2):
        for name, value in (("height", height), ("width", width)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"MineSweeper {name} must be a positive integer, got {value!r}")
        self.height, self.width = int(height), int(width)
        self.num_cells = self.height * self.width
        self.check_params(MineSweeperParams(num_mines=num_mines))
        self.num_mines = int(num_mines)
        obs_size = MAX_NEIGHBOURS + 1 + self.height + self.width
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (obs_size,), np.float32)
        self.single_agent_action_space = spaces.Discrete(self.num_cells)

    @property
    def default_params(self) -> MineSweeperParams:
        return MineSweeperParams(num_mines=self.num_mines)

    def check_params(self, params: MineSweeperParams) -> None:
        if not isinstance(params, MineSweeperParams):
            raise ValueError(f"MineSweeper takes MineSweeperParams, got {type(params).__name__}")
        mines = params.num_mines
        if isinstance(mines, bool) or not isinstance(mines, (int, np.integer, jax.Array, np.ndarray)):
            raise ValueError(f"MineSweeper num_mines must be an integer, got {mines!r}")
        if not 1 <= int(mines) <= self.num_cells - 3:
            raise ValueError(
                f"MineSweeper num_mines must lie in [1, {self.num_cells - 3}] on a {self.height}x{self.width} board "
                f"(at least 3 safe cells keep the rewards finite), got {int(mines)}"
            )

    def episode_length(self, params: MineSweeperParams | None = None) -> int:
        return self.num_cells - int((params or self.default_params).num_mines)

    def sweep_return(self, params: MineSweeperParams | None = None) -> float:
        """Expected return of clicking every cell in row-major order: n/(m + 1) safe cells, then a mine."""
        mines = int((params or self.default_params).num_mines)
        safe = self.num_cells - mines
        return 1 / (mines + 1) - (0.5 + 1 / safe) * (1 - 1 / comb(self.num_cells, mines))

    def random_clicking_return(self, params: MineSweeperParams | None = None) -> float:
        """Expected return of uniform random clicks, by dynamic programming over the number of cleared cells."""
        mines = int((params or self.default_params).num_mines)
        cells, safe = self.num_cells, self.num_cells - mines
        # probability of being still playing with `cleared` safe cells, before each step
        alive = np.zeros(safe + 1)
        alive[0] = 1.0
        cleared = np.arange(safe + 1)
        expected = 0.0
        for _ in range(safe):
            mine, repeat, new = mines / cells, cleared / cells, (safe - cleared) / cells
            expected += alive @ (mine * (-0.5 - 1 / safe) + repeat * (-0.5 / (safe - 2)) + new / safe)
            next_alive = alive * repeat
            next_alive[1:] += alive[:-1] * new[:-1]
            next_alive[safe] = 0.0
            alive = next_alive
        return float(expected)

    def reference_returns(self, params: MineSweeperParams | None = None) -> dict[str, float]:
        mines = int((params or self.default_params).num_mines)
        safe = self.num_cells - mines
        random_clicking = self.random_clicking_return(params)
        return {
            "random": random_clicking,
            "memoryless": max(self.sweep_return(params), random_clicking),
            "perfect": 1 - mines / self.num_cells * (1.5 + 1 / safe),
        }

    def reset_env(self, key, params):
        mines = _place_mines(key, self.num_cells, params.num_mines)
        grid = mines.reshape(self.height, self.width).astype(jnp.int32)
        state = MineSweeperState(
            key=key,
            params=params,
            time=jnp.int32(0),
            mines=mines,
            revealed=jnp.zeros((self.num_cells,), bool),
            neighbour_mines=neighbour_sum(grid).reshape(-1),
        )
        obs = jnp.zeros(self.single_agent_observation_space.shape, jnp.float32)
        return state, TimeStep(obs, jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), {})

    def step_env(self, key, state, action, params):
        safe = self.num_cells - params.num_mines
        hit_mine = state.mines[action]
        cleared_before = state.revealed[action]
        reward = jnp.where(
            hit_mine, -0.5 - 1.0 / safe, jnp.where(cleared_before, -0.5 / (safe - 2), 1.0 / safe)
        ).astype(jnp.float32)
        revealed = state.revealed.at[action].set(~hit_mine)
        time = state.time + 1
        terminated = hit_mine | (revealed.sum() >= safe)
        truncated = (time >= safe) & ~terminated
        obs = jnp.concatenate(
            [
                jax.nn.one_hot(state.neighbour_mines[action], MAX_NEIGHBOURS + 1, dtype=jnp.float32),
                jax.nn.one_hot(action // self.width, self.height, dtype=jnp.float32),
                jax.nn.one_hot(action % self.width, self.width, dtype=jnp.float32),
            ]
        )
        state = state.replace(revealed=revealed, time=time)
        return state, TimeStep(obs, reward, terminated, truncated, {})

    def render(self, state: MineSweeperState) -> np.ndarray:
        cell = 20
        image = canvas(self.height * cell + 2, self.width * cell + 2)
        colors = palette(MAX_NEIGHBOURS + 1)
        mines = np.asarray(state.mines).reshape(self.height, self.width)
        revealed = np.asarray(state.revealed).reshape(self.height, self.width)
        counts = np.asarray(state.neighbour_mines).reshape(self.height, self.width)
        for row in range(self.height):
            for col in range(self.width):
                top, left = 1 + row * cell, 1 + col * cell
                color = colors[counts[row, col]] if revealed[row, col] else GREY
                fill(image, top + 1, left + 1, cell - 2, cell - 2, color)
                if revealed[row, col]:
                    # one dot per neighbouring mine: the count without digits
                    for dot in range(counts[row, col]):
                        fill(image, top + 3 + 4 * (dot // 4), left + 3 + 4 * (dot % 4), 2, 2, BLACK)
                if mines[row, col]:
                    outline(image, top + 4, left + 4, cell - 8, cell - 8, RED)
        return image


def _place_mines(key: jax.Array, num_cells: int, num_mines: jax.Array) -> jax.Array:
    """`num_mines` distinct cells drawn uniformly, one at a time among the free ones.

    Cheaper than a permutation (a sort), which matters because auto-reset
    computes a reset at every step.
    """

    def place_one(i, mines):
        position = jax.random.randint(jax.random.fold_in(key, i), (), 0, num_cells - i)
        free_seen = jnp.cumsum(~mines)
        return mines.at[jnp.argmax(free_seen > position)].set(True)

    return jax.lax.fori_loop(0, num_mines, place_one, jnp.zeros((num_cells,), bool))

"""A MineSweeper player with perfect memory: it keeps every count it saw and deduces safe cells from them."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from arenax.envs.memory.minesweeper import MAX_NEIGHBOURS, MineSweeper

DEDUCTION_ROUNDS = 3
"""Rounds of the deduction rules per step; knowledge carries over, so later steps finish the work."""
CORNER_PREFERENCE = 1e-3
"""Among equally risky guesses, prefer cells with fewer neighbours: they more often show 0 and open the board."""


@struct.dataclass
class SolverState:
    cleared: jax.Array
    counts: jax.Array
    known_mines: jax.Array
    known_safe: jax.Array


def adjacency(height: int, width: int) -> np.ndarray:
    """`[cells, cells]` float32 matrix, 1 where two cells of the board touch (diagonals included)."""
    rows, cols = np.divmod(np.arange(height * width), width)
    touching = (np.abs(rows[:, None] - rows[None, :]) <= 1) & (np.abs(cols[:, None] - cols[None, :]) <= 1)
    return (touching & ~np.eye(height * width, dtype=bool)).astype(np.float32)


def make_solver(env: MineSweeper, num_mines: int):
    """`(init, act)` of the solver for a board of `env`'s shape holding `num_mines` mines."""
    neighbour_matrix = jnp.asarray(adjacency(env.height, env.width))
    degree = neighbour_matrix.sum(axis=1)

    def init(key: jax.Array) -> SolverState:
        empty = jnp.zeros((env.num_cells,), bool)
        return SolverState(
            cleared=empty, counts=jnp.zeros((env.num_cells,), jnp.float32), known_mines=empty, known_safe=empty
        )

    def deduce(cleared, counts, mines, safe):
        """One round of the rules. For cleared cells a, b with unknown neighbour sets U_a and U_b and
        missing mines m_a, m_b: m_a = 0 makes U_a safe and m_a = |U_a| makes it mines; where U_a lies
        inside U_b, U_b - U_a holds m_b - m_a mines, so it is all safe or all mines at the extremes."""
        unknown = (~safe & ~mines).astype(jnp.float32)
        unknown_sets = neighbour_matrix * unknown[None, :] * cleared[:, None]
        set_sizes = unknown_sets.sum(axis=1)
        missing = counts - neighbour_matrix @ mines.astype(jnp.float32)
        safe = safe | ((unknown_sets * ((missing == 0) & (set_sizes > 0))[:, None]).sum(axis=0) > 0)
        mines = mines | ((unknown_sets * ((missing == set_sizes) & (set_sizes > 0))[:, None]).sum(axis=0) > 0)

        contained = (unknown_sets @ (1.0 - unknown_sets).T == 0) & (set_sizes[:, None] > 0)
        extra_size = set_sizes[None, :] - set_sizes[:, None]
        extra_mines = missing[None, :] - missing[:, None]
        usable = contained & (extra_size > 0)
        extras_safe = (usable & (extra_mines == 0)).astype(jnp.float32)
        extras_mines = (usable & (extra_mines == extra_size)).astype(jnp.float32)
        # cell j lies in U_b - U_a when it is in U_b and not in U_a: count such (a, b) pairs per j
        outside = 1.0 - unknown_sets
        safe = safe | ((unknown_sets * (extras_safe.T @ outside)).sum(axis=0) > 0)
        mines = mines | ((unknown_sets * (extras_mines.T @ outside)).sum(axis=0) > 0)

        unknown = ~safe & ~mines
        mines_left = num_mines - mines.sum()
        safe = safe | (unknown & (mines_left == 0))
        mines = mines | (unknown & (unknown.sum() == mines_left))
        return mines, safe

    def risk(cleared, counts, mines, safe) -> jax.Array:
        """Each unknown cell's estimated chance of a mine (infinite for the others): the worst share of
        missing mines among the unknown neighbours of a cleared cell beside it, else the mine density."""
        unknown = ~safe & ~mines
        unknown_sets = neighbour_matrix * unknown[None, :].astype(jnp.float32) * cleared[:, None]
        set_sizes = unknown_sets.sum(axis=1)
        missing = counts - neighbour_matrix @ mines.astype(jnp.float32)
        share = jnp.where(set_sizes > 0, missing / jnp.maximum(set_sizes, 1.0), 0.0)
        worst_share = (unknown_sets * share[:, None]).max(axis=0)
        near_information = unknown_sets.sum(axis=0) > 0
        density = (num_mines - mines.sum()) / jnp.maximum(unknown.sum(), 1)
        estimate = jnp.where(near_information, worst_share, density) + CORNER_PREFERENCE * degree
        return jnp.where(unknown, estimate, jnp.inf)

    def act(state: SolverState, obs: jax.Array) -> tuple[SolverState, jax.Array]:
        row_code = obs[MAX_NEIGHBOURS + 1 : MAX_NEIGHBOURS + 1 + env.height]
        col_code = obs[MAX_NEIGHBOURS + 1 + env.height :]
        clicked = row_code.sum() > 0
        cell = jnp.argmax(row_code) * env.width + jnp.argmax(col_code)
        count = jnp.argmax(obs[: MAX_NEIGHBOURS + 1]).astype(jnp.float32)
        cleared = state.cleared.at[cell].set(state.cleared[cell] | clicked)
        counts = state.counts.at[cell].set(jnp.where(clicked, count, state.counts[cell]))
        mines, safe = jax.lax.fori_loop(
            0,
            DEDUCTION_ROUNDS,
            lambda _, known: deduce(cleared, counts, *known),
            (state.known_mines, state.known_safe | cleared),
        )
        to_clear = safe & ~cleared
        action = jnp.where(to_clear.any(), jnp.argmax(to_clear), jnp.argmin(risk(cleared, counts, mines, safe)))
        return SolverState(cleared=cleared, counts=counts, known_mines=mines, known_safe=safe), action.astype(jnp.int32)

    return init, act

"""Stratified bootstrap and jackknife replicates of a score matrix, drawn in blocks whose random
streams depend only on the seed and the data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from arenax.evaluation.scores import ScoreMatrix
from arenax.evaluation.seeding import stream

BLOCK_BYTES = 2**20


@dataclass(frozen=True, eq=False)
class Draw:
    """A batch of replicates of one ScoreMatrix.

    The matrix's runs are pooled task by task into entries. A replicate keeps
    the task layout: slot s holds as many draws as its task has runs, each
    naming one pooled entry of that task (drawn with replacement); with task
    resampling each slot first draws its task. Positions past a slot's size
    hold the sentinel entry, which statistics ignore.

    entries: (reps, slots, max_runs) integer pooled entry drawn at each position (sentinel past a slot's size).
    slot_sizes: (reps, slots) or (1, slots) runs drawn into each slot.
    slot_tasks: (reps, slots) the task drawn into each slot, or None when slot s is task s.
    sentinel: the entry index that marks an unused position (the number of pooled entries).
    """

    entries: np.ndarray
    slot_sizes: np.ndarray
    sentinel: int
    slot_tasks: np.ndarray | None = None

    @property
    def reps(self) -> int:
        return self.entries.shape[0]

    @cached_property
    def totals(self) -> np.ndarray:
        """Drawn scores in each replicate, shape (reps,)."""
        return np.broadcast_to(self.slot_sizes.sum(axis=1), (self.reps,))

    @cached_property
    def uniform_total(self) -> bool:
        """Whether every replicate draws the same number of scores (always so when slots keep their tasks)."""
        return self.slot_sizes.shape[0] == 1 or bool(np.all(self.totals == self.totals[0]))

    @cached_property
    def counts(self) -> np.ndarray:
        """(reps, entries) float64: how often each pooled entry is drawn in each replicate."""
        width = self.sentinel + 1
        offsets = self.entries.reshape(self.reps, -1) + (np.arange(self.reps) * width)[:, None]
        counts = np.bincount(offsets.ravel(), minlength=self.reps * width).reshape(self.reps, width)
        return counts[:, : self.sentinel].astype(np.float64)


def _layout(matrix: ScoreMatrix) -> np.ndarray:
    """(tasks, max_runs) pooled entry of each run position, the sentinel past a task's runs."""
    max_runs = matrix.values.shape[0]
    positions = np.arange(max_runs)[None, :]
    layout = matrix.task_starts[:, None] + positions
    return np.where(positions < matrix.run_counts[:, None], layout, matrix.n_entries).astype(np.intp)


def identity_draw(matrix: ScoreMatrix, reps: int = 1) -> Draw:
    """The original data, repeated `reps` times."""
    layout = _layout(matrix)
    entries = np.broadcast_to(layout[None], (reps, *layout.shape))
    return Draw(entries, matrix.run_counts[None, :].astype(np.float64), matrix.n_entries)


def _uint_dtype(high: int) -> type:
    return np.uint8 if high <= 2**8 else np.uint16 if high <= 2**16 else np.uint32


def draw_tasks(n_tasks: int, reps: int, rng: np.random.Generator) -> np.ndarray:
    """(reps, tasks): the task drawn with replacement into each slot."""
    return rng.integers(0, n_tasks, size=(reps, n_tasks))


def draw_runs(matrix: ScoreMatrix, reps: int, rng: np.random.Generator, slot_tasks: np.ndarray | None = None) -> Draw:
    """Runs drawn with replacement within each task (within each slot's task when tasks are drawn)."""
    counts, starts = matrix.run_counts, matrix.task_starts
    max_runs = matrix.values.shape[0]
    if slot_tasks is None:
        if matrix.is_rectangular:
            positions = rng.integers(0, max_runs, size=(reps, matrix.n_tasks, max_runs), dtype=_uint_dtype(max_runs))
            entries = positions + starts[None, :, None]
        else:
            entries = np.empty((reps, matrix.n_tasks, max_runs), dtype=np.intp)
            # One call per distinct run count keeps every draw an exact bounded integer.
            for size in np.unique(counts):
                tasks = np.flatnonzero(counts == size)
                positions = rng.integers(0, size, size=(reps, tasks.size, size), dtype=_uint_dtype(size))
                entries[:, tasks, :size] = positions + starts[tasks][None, :, None]
                entries[:, tasks, size:] = matrix.n_entries
        return Draw(entries, counts[None, :].astype(np.float64), matrix.n_entries)
    sizes = counts[slot_tasks]
    positions = rng.integers(0, sizes[:, :, None], size=(reps, matrix.n_tasks, max_runs))
    entries = positions + starts[slot_tasks][:, :, None]
    entries[np.arange(max_runs)[None, None, :] >= sizes[:, :, None]] = matrix.n_entries
    return Draw(entries, sizes.astype(np.float64), matrix.n_entries, slot_tasks)


def jackknife_draw(matrix: ScoreMatrix, left_out: np.ndarray) -> Draw:
    """One replicate per entry in `left_out`: the data with that one run removed from its task."""
    layout = _layout(matrix)
    entries = np.repeat(layout[None], left_out.size, axis=0)
    entries[entries == left_out[:, None, None]] = matrix.n_entries
    sizes = np.repeat(matrix.run_counts[None, :].astype(np.float64), left_out.size, axis=0)
    sizes[np.arange(left_out.size), matrix.entry_task[left_out]] -= 1.0
    return Draw(entries, sizes, matrix.n_entries)


def jackknife_entries(matrix: ScoreMatrix) -> np.ndarray:
    """Entries that a leave-one-out jackknife removes: those of tasks with at least two runs."""
    return np.flatnonzero(matrix.run_counts[matrix.entry_task] >= 2)


def block_size(matrix: ScoreMatrix) -> int:
    """Replicates per block: a power of two that keeps a block's arrays near BLOCK_BYTES (16 to 512)."""
    per_rep = 8 * matrix.n_tasks * matrix.values.shape[0]
    size = 2 ** int(np.floor(np.log2(max(BLOCK_BYTES // per_rep, 1))))
    return int(min(max(size, 16), 512))


def blocks(reps: int, size: int) -> list[tuple[int, int]]:
    """(block index, replicates in it) covering `reps`."""
    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")
    return [(index, min(size, reps - index * size)) for index in range((reps + size - 1) // size)]


def block_stream(seed: int, block: int, *names: str) -> np.random.Generator:
    return stream(seed, *names, f"block {block}")

"""Orbax checkpoints of a training state: save after a chunk, find the latest, restore it with its shardings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jax
import orbax.checkpoint as ocp

from arenax.baselines import distributed


class Checkpointer:
    """Keeps the latest `max_to_keep` checkpoints of one pytree in `directory`, one folder per step.

    Saving is synchronous and orbax writes each step to a temporary folder that
    it renames when complete, so a run killed mid-save leaves its previous
    checkpoint intact and the unfinished one is ignored (and removed on reopening).

    Under `jax.distributed` every process opens, saves and restores the same
    `directory` (orbax's saves and restores are collective: each process
    writes and reads the shards it holds, process 0 the metadata), so the
    folder must be shared by all hosts; opening checks that it is.
    """

    def __init__(self, directory: str | Path, max_to_keep: int = 2):
        options = ocp.CheckpointManagerOptions(
            max_to_keep=max_to_keep,
            enable_async_checkpointing=False,
            cleanup_tmp_directories=True,
        )
        self.directory = Path(directory).absolute()
        distributed.check_shared_folder(self.directory, "the checkpoint folder")
        self._manager = ocp.CheckpointManager(self.directory, options=options)

    def latest_step(self) -> int | None:
        return self._manager.latest_step()

    def save(self, step: int, state: Any) -> None:
        self._manager.save(step, args=ocp.args.StandardSave(state))
        self._manager.wait_until_finished()

    def restore(self, step: int, like: Any) -> Any:
        """The state saved at `step`, shaped, typed and sharded like `like` (arrays or `jax.ShapeDtypeStruct`s)."""
        abstract = jax.tree_util.tree_map(_abstract, like)
        return self._manager.restore(step, args=ocp.args.StandardRestore(abstract))

    def close(self) -> None:
        self._manager.close()


def _abstract(leaf: Any) -> jax.ShapeDtypeStruct:
    return jax.ShapeDtypeStruct(leaf.shape, leaf.dtype, sharding=getattr(leaf, "sharding", None))

"""Several processes (one per host) training as one JAX program via `jax.distributed`: the flags, joining, who writes files.
Process 0 alone writes run logs, done markers and reports; orbax checkpoints are collective, into one shared folder.
"""

from __future__ import annotations

import argparse
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

SHARED_MARKER = ".arenax-shared-check"


@dataclass(frozen=True)
class Cluster:
    """Where process 0 listens, how many processes join, and which one this is."""

    coordinator: str
    num_processes: int
    process_id: int


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds `--coordinator HOST:PORT --num-processes N --process-id I` (all three or none) to `parser`."""
    group = parser.add_argument_group(
        "multi-host training (jax.distributed)",
        "start the same command on every host, each with its own --process-id; all of them must share --out",
    )
    group.add_argument("--coordinator", metavar="HOST:PORT", help="address where process 0 listens and every process connects")
    group.add_argument("--num-processes", type=int, metavar="N", help="how many processes join the run")
    group.add_argument("--process-id", type=int, metavar="I", help="this process's rank, 0 to N-1 (0 writes the files)")


def parse_address(text: str) -> tuple[str, int]:
    """(host, port) of `HOST:PORT` (an IPv6 host in brackets, `[::1]:PORT`); a ValueError names what is wrong."""
    host, separator, port = text.rpartition(":")
    if not separator or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"--coordinator takes HOST:PORT with a port from 1 to 65535, got {text!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ValueError(f"--coordinator: write an IPv6 host in brackets, [HOST]:PORT, got {text!r}")
    if not host or any(character.isspace() for character in host):
        raise ValueError(f"--coordinator: {text!r} has no usable host name")
    return host, int(port)


def cluster_from_args(args: argparse.Namespace) -> Cluster | None:
    """The cluster the flags describe, or None when none is given; a ValueError names a missing or bad flag."""
    flags = {"--coordinator": args.coordinator, "--num-processes": args.num_processes, "--process-id": args.process_id}
    if all(value is None for value in flags.values()):
        return None
    missing = [flag for flag, value in flags.items() if value is None]
    if missing:
        raise ValueError(f"multi-host training needs --coordinator, --num-processes and --process-id together; missing {', '.join(missing)}")
    parse_address(args.coordinator)
    if args.num_processes < 1:
        raise ValueError(f"--num-processes must be at least 1, got {args.num_processes}")
    if not 0 <= args.process_id < args.num_processes:
        raise ValueError(
            f"--process-id must be between 0 and {args.num_processes - 1} (--num-processes {args.num_processes}), got {args.process_id}"
        )
    return Cluster(args.coordinator, args.num_processes, args.process_id)


def initialize(cluster: Cluster, timeout_s: int = 300) -> None:
    """Joins the cluster: gloo collectives on the CPU, then `jax.distributed.initialize`.

    Must run before JAX starts a backend (before any array is made). JAX
    aborts a process that cannot reach the coordinator within `timeout_s`.
    """
    import jax
    from jax._src import xla_bridge

    if xla_bridge.backends_are_initialized():
        raise RuntimeError("jax.distributed must be initialized before JAX starts a backend; initialize it first")
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=cluster.coordinator,
        num_processes=cluster.num_processes,
        process_id=cluster.process_id,
        initialization_timeout=timeout_s,
    )


def process_index() -> int:
    """This process's rank: 0 unless `jax.distributed` joined it to others (asks no backend to start otherwise)."""
    import jax

    return jax.process_index() if jax.distributed.is_initialized() else 0


def process_count() -> int:
    import jax

    return jax.process_count() if jax.distributed.is_initialized() else 1


def is_primary() -> bool:
    """Whether this process writes files (process 0, or the only one)."""
    return process_index() == 0


def agree(flags: Sequence[bool]) -> list[bool]:
    """The primary's `flags` on every process (a collective: all processes call it), e.g. which jobs it found done."""
    if process_count() == 1 or not flags:
        return list(flags)
    import numpy as np
    from jax.experimental import multihost_utils

    return [bool(flag) for flag in multihost_utils.broadcast_one_to_all(np.asarray(flags, dtype=bool))]


def check_shared_folder(folder: Path, purpose: str) -> None:
    """Raises a ValueError on every process unless all of them see process 0's files in `folder` (a collective).

    Process 0 writes a random token there; each process reads it back. Orbax
    checkpoints of a multi-process run need one folder that every host shares.
    """
    if process_count() == 1:
        return
    import numpy as np
    from jax.experimental import multihost_utils

    folder = Path(folder)
    marker = folder / SHARED_MARKER
    token = int(multihost_utils.broadcast_one_to_all(np.int32(secrets.randbits(31))))
    if is_primary():
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(token))
    multihost_utils.sync_global_devices("arenax shared folder check")
    seen = marker.is_file() and marker.read_text().strip() == str(token)
    everyone = multihost_utils.process_allgather(np.asarray(seen))
    if is_primary():
        marker.unlink()
    blind = [rank for rank, ok in enumerate(np.asarray(everyone).reshape(-1)) if not ok]
    if blind:
        raise ValueError(
            f"{purpose} {folder} is not shared by every process: process(es) {blind} do not see the files of process 0;"
            " a multi-host run needs its output folder on a filesystem that all hosts share, at the same path"
        )


def gloo_available() -> bool:
    """Whether this jaxlib has gloo, the CPU collectives that processes on several hosts use."""
    try:
        from jax._src.lib import _jax
    except ImportError:
        return False
    return hasattr(_jax, "make_gloo_tcp_collectives")

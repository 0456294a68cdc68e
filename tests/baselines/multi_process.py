"""Test helpers: start `arenax` commands as processes joined by `jax.distributed` on a free loopback port, and collect them."""

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Callable

import jax

REPOSITORY = Path(__file__).resolve().parents[2]
CLI = "import sys; from arenax.cli import main; sys.exit(main(sys.argv[1:]))"
TWO_DEVICES = "--xla_force_host_platform_device_count=2"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(arguments: list[str], **environment: str) -> subprocess.Popen:
    """`arenax ARGUMENTS` on the CPU, with the tests' compilation cache."""
    cache = str(jax.config.jax_compilation_cache_dir)
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONPATH": str(REPOSITORY), "JAX_COMPILATION_CACHE_DIR": cache, **environment}
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *arguments], env=env, cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def start_cluster(arguments_of: Callable[[int], list[str]], processes: int = 2) -> list[subprocess.Popen]:
    """`processes` processes joined on a free loopback port; `arguments_of(rank)` gives each one's arguments."""
    port = free_port()
    joined = ["--coordinator", f"127.0.0.1:{port}", "--num-processes", str(processes)]
    return [start([*arguments_of(rank), *joined, "--process-id", str(rank)]) for rank in range(processes)]


def finish(processes: list[subprocess.Popen], timeout: float = 240) -> list[tuple[int, str, str]]:
    """(exit status, stdout, stderr) of each process; any still running after `timeout` seconds is killed."""
    results = []
    try:
        for process in processes:
            stdout, stderr = process.communicate(timeout=timeout)
            results.append((process.returncode, stdout, stderr))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return results

"""Wall time of one `arenax train ppo` job three ways: one process with one CPU device, one process with two, two processes joined on loopback.

Usage: .venv/bin/python benchmarks/multi_host.py [--total-timesteps N] [--out DIR]

Every way trains the same seeds; the two-device and two-process runs must log
identical metrics (the same partitioned program; gloo's all-reduces over two
processes sum what the in-process ones sum). Wall times include start-up and compilation.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
CLI = "import sys; from arenax.cli import main; sys.exit(main(sys.argv[1:]))"


def train_arguments(total_timesteps: int, out: Path) -> list[str]:
    return [
        "train", "ppo", "--env", "CartPole-v1", "--seeds", "2", "--num-envs", "8", "--rollout-length", "64",
        "--features", "32", "--lr", "1e-3", "--updates-per-chunk", "10", "--checkpoint-every", "5",
        "--total-timesteps", str(total_timesteps), "--no-progress", "--out", str(out),
    ]


def launch(arguments: list[str], devices: int = 1) -> subprocess.Popen:
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONPATH": str(REPOSITORY)}
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    return subprocess.Popen([sys.executable, "-c", CLI, *arguments], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def timed(processes: list[subprocess.Popen]) -> float:
    started = time.perf_counter()
    for process in processes:
        _, stderr = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"a training process failed:\n{stderr[-3000:]}")
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def metrics(out: Path) -> list[list[dict]]:
    from arenax.baselines import run_log

    return [
        [{k: v for k, v in r.items() if k != "steps_per_second"} for r in run_log.read_metrics(out / seed)] for seed in ("0", "1")
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total-timesteps", type=int, default=40_960)
    parser.add_argument("--out", type=Path, help="where the three runs go (default: a temporary folder)")
    args = parser.parse_args()
    root = args.out or Path(tempfile.mkdtemp(prefix="arenax-multi-host-"))
    ways = {}
    ways["1 process, 1 device"] = timed([launch(train_arguments(args.total_timesteps, root / "one"))])
    ways["1 process, 2 devices"] = timed([launch(train_arguments(args.total_timesteps, root / "two-devices"), devices=2)])
    port = free_port()
    cluster = [
        launch([*train_arguments(args.total_timesteps, root / "two-processes"), "--coordinator", f"127.0.0.1:{port}",
                "--num-processes", "2", "--process-id", str(rank)])
        for rank in (0, 1)
    ]
    ways["2 processes (jax.distributed, gloo), 1 device each"] = timed(cluster)
    identical = metrics(root / "two-devices") == metrics(root / "two-processes")
    final = {name: [seed[-1]["episode_return"] for seed in metrics(root / folder)]
             for name, folder in zip(ways, ("one", "two-devices", "two-processes"))}
    baseline = ways["1 process, 1 device"]
    print(f"| way | wall s | vs 1 process, 1 device | final return (seed 0, seed 1) |\n|---|---|---|---|")
    for name, seconds in ways.items():
        returns = ", ".join(f"{r:.1f}" for r in final[name])
        print(f"| {name} | {seconds:.1f} | {seconds / baseline:.2f}x | {returns} |")
    print(json.dumps({"two_processes_log_the_same_metrics_as_two_devices": identical, "runs": str(root)}))


if __name__ == "__main__":
    main()

"""`arenax bench` on two processes joined by `jax.distributed`: process 0 alone writes, the scores match one process with two devices."""

import json
import sys
from pathlib import Path

import pytest

from arenax.baselines import distributed

sys.path.insert(0, str(Path(__file__).parents[1] / "baselines"))
from multi_process import TWO_DEVICES, finish, start, start_cluster  # noqa: E402

# The shapes of tests/baselines/test_distributed.py, so that their compiled programs are shared.
SUITE = """
description = "one PPO job on two processes"
seeds = 2
normalize = "arenax"

[[group]]
section = "tiny"
algorithm = "ppo"
backbones = ["mlp"]
tasks = ["CartPole-v1"]
[group.config]
total_timesteps = 512
num_envs = 4
rollout_length = 16
num_epochs = 2
num_minibatches = 2
updates_per_chunk = 2
features = 16
"""


def bench(suite: Path, out: Path) -> list[str]:
    return ["bench", str(suite), "--out", str(out), "--reps", "50", "--no-plots", "--no-progress"]


def test_two_processes_bench_as_one_process_with_two_devices_and_resume(tmp_path):
    if not distributed.gloo_available():
        pytest.skip("this jaxlib has no gloo CPU collectives, which processes need to train together on CPUs")
    suite = tmp_path / "tiny.toml"
    suite.write_text(SUITE)
    shared, single = tmp_path / "shared", tmp_path / "single"
    reference = start(bench(suite, single), XLA_FLAGS=TWO_DEVICES)
    results = finish([*start_cluster(lambda rank: bench(suite, shared)), reference])
    for returncode, _, stderr in results:
        assert returncode == 0, stderr[-3000:]
    (_, first, _), (_, second, _), _ = results
    assert f"report: {shared / 'report.html'}" in first
    assert "process 1: all jobs finished; process 0 writes the report" in second
    job = shared / "runs" / "CartPole-v1" / "ppo-mlp"
    assert sorted(p.name for p in job.iterdir()) == ["0", "1", "checkpoints", "done.json"]
    scores = json.loads((shared / "scores.json").read_text())
    assert scores == json.loads((single / "scores.json").read_text())

    rerun = finish(start_cluster(lambda rank: bench(suite, shared)))
    assert [returncode for returncode, _, _ in rerun] == [0, 0], rerun[0][2][-3000:] + rerun[1][2][-3000:]
    assert "│ done " in rerun[0][2], "process 0 found the job done and both skipped it"
    assert json.loads((shared / "scores.json").read_text()) == scores

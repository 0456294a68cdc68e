"""Multi-host training: the flags, one writer per run, and two processes on loopback training as one process with two devices."""

import argparse
import json

import jax
import numpy as np
import pytest
from multi_process import TWO_DEVICES, finish, start, start_cluster

from arenax.baselines import distributed, ppo, run_log

CHUNKS = 4
TRAIN = [
    "train", "ppo", "--env", "CartPole-v1", "--seeds", "2", "--features", "16", "--num-envs", "4",
    "--rollout-length", "16", "--epochs", "2", "--minibatches", "2", "--updates-per-chunk", "2",
    "--checkpoint-every", "1", "--total-timesteps", str(CHUNKS * 2 * 64), "--no-progress",
]


def parse(*flags: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    distributed.add_arguments(parser)
    return parser.parse_args(list(flags))


def test_flags_describe_a_cluster_or_nothing():
    assert distributed.cluster_from_args(parse()) is None
    cluster = distributed.cluster_from_args(parse("--coordinator", "10.0.0.1:1234", "--num-processes", "4", "--process-id", "3"))
    assert cluster == distributed.Cluster("10.0.0.1:1234", 4, 3)
    assert distributed.parse_address("[::1]:8476") == ("::1", 8476)
    assert distributed.parse_address("node-0.cluster:80") == ("node-0.cluster", 80)


@pytest.mark.parametrize(
    "flags, message",
    [
        (("--coordinator", "h:1", "--num-processes", "2"), "missing --process-id"),
        (("--num-processes", "2", "--process-id", "0"), "missing --coordinator"),
        (("--coordinator", "h:1", "--num-processes", "2", "--process-id", "2"), "--process-id must be between 0 and 1"),
        (("--coordinator", "h:1", "--num-processes", "2", "--process-id", "-1"), "--process-id must be between 0 and 1"),
        (("--coordinator", "h:1", "--num-processes", "0", "--process-id", "0"), "--num-processes must be at least 1"),
        (("--coordinator", "localhost", "--num-processes", "2", "--process-id", "0"), "HOST:PORT"),
        (("--coordinator", "h:99999", "--num-processes", "2", "--process-id", "0"), "port from 1 to 65535"),
        (("--coordinator", ":80", "--num-processes", "2", "--process-id", "0"), "HOST:PORT"),
        (("--coordinator", "::1:80", "--num-processes", "2", "--process-id", "0"), "IPv6 host in brackets"),
    ],
)
def test_bad_flags_are_named(flags, message):
    with pytest.raises(ValueError, match=message):
        distributed.cluster_from_args(parse(*flags))


def test_commands_refuse_bad_flags_before_joining(tmp_path, capsys):
    from arenax.cli import main

    assert main([*TRAIN, "--out", str(tmp_path), "--coordinator", "h:1", "--num-processes", "2", "--process-id", "5"]) == 2
    assert "--process-id must be between 0 and 1" in capsys.readouterr().err
    assert main(["bench", "demo", "--devices", "1", "--coordinator", "h:1", "--num-processes", "2", "--process-id", "0"]) == 2
    assert "--devices cannot be combined with --coordinator" in capsys.readouterr().err
    assert not jax.distributed.is_initialized()


def test_joining_after_jax_started_is_refused():
    jax.numpy.zeros(1).block_until_ready()
    with pytest.raises(RuntimeError, match="before JAX starts a backend"):
        distributed.initialize(distributed.Cluster("127.0.0.1:1", 2, 0))
    assert not jax.distributed.is_initialized()


def test_only_process_zero_writes_run_logs(tmp_path, monkeypatch):
    monkeypatch.setattr(distributed, "process_index", lambda: 1)
    run_log.write_config(tmp_path / "0", {"seed": 0})
    run_log.append_metrics(tmp_path / "0", {"step": 1, "episode_return": 1.0})
    run_log.keep_metrics(tmp_path / "0", [])
    assert not (tmp_path / "0").exists()
    monkeypatch.setattr(distributed, "process_index", lambda: 0)
    run_log.append_metrics(tmp_path / "0", {"step": 1, "episode_return": 1.0})
    assert run_log.read_metrics(tmp_path / "0") == [{"step": 1, "episode_return": 1.0}]


def test_multi_process_bench_takes_only_jobs_that_span_processes(monkeypatch):
    from arenax.bench.runner import check_multi_process
    from arenax.bench.suite import load_suite

    web = load_suite("web")
    check_multi_process(web)
    monkeypatch.setattr(distributed, "process_count", lambda: 2)
    check_multi_process(load_suite("demo"))
    with pytest.raises(ValueError, match=f"{len(web.jobs)} job\\(s\\) of suite 'web' run in one process only"):
        check_multi_process(web)


# Two processes on loopback


def summary(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def without_timing(records: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "steps_per_second"} for r in records]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A run trained by two processes (one CPU device each) and the same run in one process with two devices."""
    if not distributed.gloo_available():
        pytest.skip("this jaxlib has no gloo CPU collectives, which processes need to train together on CPUs")
    root = tmp_path_factory.mktemp("distributed")
    shared, single = root / "shared", root / "single"
    reference = start([*TRAIN, "--out", str(single)], XLA_FLAGS=TWO_DEVICES)
    cluster = start_cluster(lambda rank: [*TRAIN, "--out", str(shared)])
    results = finish([*cluster, reference])
    for returncode, _, stderr in results:
        assert returncode == 0, stderr[-3000:]
    return shared, single, [summary(stdout) for _, stdout, _ in results]


def test_two_processes_finish_and_process_zero_alone_writes(runs):
    shared, _, summaries = runs
    assert [(s["process_id"], s["num_processes"], s["chunks_run"]) for s in summaries[:2]] == [(0, 2, CHUNKS), (1, 2, CHUNKS)]
    assert summaries[2]["num_processes"] == 1
    assert sorted(p.name for p in shared.iterdir()) == ["0", "1", "checkpoints"]
    for seed in ("0", "1"):
        assert sorted(p.name for p in (shared / seed).iterdir()) == [run_log.CONFIG_FILE, run_log.METRICS_FILE]
        assert len(run_log.read_metrics(shared / seed)) == CHUNKS, "one line per chunk: a single writer"
    steps = sorted(int(p.name) for p in (shared / "checkpoints").iterdir() if p.name.isdigit())
    assert steps == [CHUNKS - 1, CHUNKS]
    assert not list(shared.rglob(distributed.SHARED_MARKER))


def test_two_processes_learn_exactly_as_one_process_with_two_devices(runs):
    """Same devices, same partitioned program: gloo's all-reduces over two processes sum what the in-process ones sum."""
    shared, single, _ = runs
    for seed in ("0", "1"):
        records = without_timing(run_log.read_metrics(shared / seed))
        assert records == without_timing(run_log.read_metrics(single / seed))
        assert any(r["episode_return"] is not None for r in records)
    _, _, state_shared = ppo.restore(shared)
    _, _, state_single = ppo.restore(single)
    for a, b in zip(jax.tree_util.tree_leaves(state_shared), jax.tree_util.tree_leaves(state_single)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_two_processes_resume_from_their_checkpoint(runs):
    shared, single, _ = runs
    for path in sorted((shared / "checkpoints" / str(CHUNKS)).rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (shared / "checkpoints" / str(CHUNKS)).rmdir()
    results = finish(start_cluster(lambda rank: [*TRAIN, "--out", str(shared)]))
    for returncode, _, stderr in results:
        assert returncode == 0, stderr[-3000:]
    assert [summary(stdout)["chunks_run"] for _, stdout, _ in results] == [1, 1]
    for seed in ("0", "1"):
        assert without_timing(run_log.read_metrics(shared / seed)) == without_timing(run_log.read_metrics(single / seed))


def test_an_output_folder_that_not_every_process_sees_is_refused(tmp_path):
    """Each process given its own folder stands in for hosts that share no filesystem."""
    results = finish(start_cluster(lambda rank: [*TRAIN, "--out", str(tmp_path / f"host{rank}")]))
    for returncode, _, stderr in results:
        assert returncode == 2, stderr[-3000:]
        assert "is not shared by every process: process(es) [1]" in stderr

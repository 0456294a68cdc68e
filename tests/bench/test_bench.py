"""`arenax bench`: suites as data, jobs resumed after an interruption, and a report that matches `arenax.evaluation`."""

import json

import numpy as np
import pytest

from arenax.bench import load_suite, packaged_suites, run_jobs, write_suite_report
from arenax.bench.runner import job_folder
from arenax.cli import main
from arenax.evaluation import interval_estimates
from arenax.evaluation.io import final_scores, load_records
from arenax.evaluation.normalization import normalize_records

TINY = """
description = "two tasks, two policies, seconds"
seeds = 2
normalize = "arenax"

[[group]]
section = "tiny"
algorithm = "ppo"
backbones = ["mlp", "gru"]
tasks = ["CartPole-v1", "TMaze-easy-v0"]
[group.config]
total_timesteps = 1024
num_envs = 4
num_minibatches = 2
rollout_length = 32
updates_per_chunk = 2
features = 16
"""


@pytest.fixture(scope="module")
def tiny_suite(tmp_path_factory):
    path = tmp_path_factory.mktemp("suite") / "tiny.toml"
    path.write_text(TINY)
    return load_suite(path)


@pytest.fixture(scope="module")
def finished(tiny_suite, tmp_path_factory):
    out = tmp_path_factory.mktemp("uninterrupted")
    outcomes = run_jobs(tiny_suite, out)
    write_suite_report(tiny_suite, out, reps=200)
    return out, outcomes


def test_packaged_suites_load_and_errors_name_the_problem(tmp_path):
    assert {"demo", "memory", "marl", "fight"} <= set(packaged_suites())
    for name in packaged_suites():
        assert load_suite(name).jobs, name
    demo = load_suite("demo")
    assert {job.variant for job in demo.sections["memory"]} == {"mlp", "gru", "s5", "lru", "transnormer"}
    with pytest.raises(ValueError, match="unknown suite 'nope'; packaged suites: .*demo"):
        load_suite("nope")
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY.replace("features = 16", "env_id = 'CartPole-v1'"))
    with pytest.raises(ValueError, match=r"config keys \['env_id'\] are not settable"):
        load_suite(bad)
    bad.write_text(TINY + '[[group]]\nsection = "tiny"\nalgorithm = "ppo"\nbackbones = ["s5"]\ntasks = ["CartPole-v1"]\n')
    with pytest.raises(ValueError, match=r"ppo-s5 lacks tasks \['TMaze-easy-v0'\]"):
        load_suite(bad)
    bad.write_text("seeds = 2\n")
    with pytest.raises(ValueError, match="needs at least one"):
        load_suite(bad)


def test_every_job_trains_all_seeds_in_one_run_folder(tiny_suite, finished):
    out, outcomes = finished
    assert [o.status for o in outcomes] == ["trained"] * 4
    for job in tiny_suite.jobs:
        folder = job_folder(out, job)
        assert sorted(p.name for p in folder.iterdir() if p.name.isdigit()) == ["0", "1"]
    # A finished job is not run again.
    assert [o.status for o in run_jobs(tiny_suite, out)] == ["done"] * 4


def test_report_numbers_are_the_evaluation_modules_on_the_same_logs(tiny_suite, finished):
    out, _ = finished
    for name in ("report.html", "report.md", "scores.json", "scores.csv", "estimates.json"):
        assert (out / name).is_file(), name
    records = normalize_records(load_records([job_folder(out, job) for job in tiny_suite.jobs]))
    matrices = final_scores(records)
    expected = interval_estimates(matrices, ["iqm", "mean"], reps=200, seed=0)
    estimates = json.loads((out / "estimates.json").read_text())["estimates"]
    for algorithm, by_metric in expected.items():
        for metric, estimate in by_metric.items():
            row = next(
                r for r in estimates
                if r["kind"] == "aggregate" and r["algorithm"] == algorithm and r["metric"] == metric
            )
            np.testing.assert_allclose([row["point"], row["low"], row["high"]], [estimate.point, estimate.low, estimate.high])
    scores = json.loads((out / "scores.json").read_text())["scores"]
    assert len(scores) == 2 * 2 * 2
    report = (out / "report.md").read_text()
    assert "Normalized final score per task" in report and "ppo-gru" in report


def test_an_interrupted_bench_resumes_to_the_same_scores(tiny_suite, finished, tmp_path):
    uninterrupted, _ = finished

    def interrupt(job, chunk, records):
        if job == tiny_suite.jobs[1] and chunk == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_jobs(tiny_suite, tmp_path, on_chunk=interrupt)
    statuses = [o.status for o in run_jobs(tiny_suite, tmp_path)]
    assert statuses == ["done", "resumed", "trained", "trained"]
    write_suite_report(tiny_suite, tmp_path, reps=200)
    assert json.loads((tmp_path / "scores.json").read_text()) == json.loads((uninterrupted / "scores.json").read_text())


def test_command_line_reports_bad_input(capsys):
    assert main(["bench", "nope"]) == 2
    assert "unknown suite 'nope'" in capsys.readouterr().err



TWO_DEVICES = """
import json, sys
from arenax.cli import main
suite, out = sys.argv[1], sys.argv[2]
for devices in ("1", "2"):
    assert main(["bench", suite, "--devices", devices, "--out", f"{out}/{devices}", "--reps", "50", "--no-plots", "--no-progress"]) == 0
"""


def _scores(folder):
    return json.loads((folder / "scores.json").read_text())["scores"]


def test_two_devices_score_as_one_device(tmp_path):
    """The same suite on one device and on two devices of one process."""
    import os
    import subprocess
    import sys

    import jax

    path = tmp_path / "tiny.toml"
    path.write_text(TINY.replace('backbones = ["mlp", "gru"]', 'backbones = ["mlp"]').replace('"CartPole-v1", "TMaze-easy-v0"', '"TMaze-easy-v0"'))
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "JAX_COMPILATION_CACHE_DIR": str(jax.config.jax_compilation_cache_dir)}
    local = subprocess.run(
        [sys.executable, "-c", TWO_DEVICES, str(path), str(tmp_path)],
        env={**env, "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}, capture_output=True, text=True, timeout=600,
    )
    assert local.returncode == 0, local.stderr[-3000:]
    one, two = _scores(tmp_path / "1"), _scores(tmp_path / "2")
    assert [(row["task"], row["seed"]) for row in one] == [(row["task"], row["seed"]) for row in two] == [
        ("TMaze-easy-v0", "0"),
        ("TMaze-easy-v0", "1"),
    ]
    np.testing.assert_allclose([row["score"] for row in two], [row["score"] for row in one], rtol=1e-4, atol=1e-6)


def test_importing_arenax_starts_no_jax_backend():
    """Importing arenax must leave the choice of devices (XLA flags, jax.distributed.initialize) to the caller."""
    import subprocess
    import sys

    probe = "import arenax.cli, arenax.bench.command\nfrom jax._src import xla_bridge\nprint(len(xla_bridge._backends))"
    finished = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert finished.stdout.strip() == "0"

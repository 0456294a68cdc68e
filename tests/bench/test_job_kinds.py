"""`arenax bench` beyond PPO: scripted rollouts on browser and OS tasks, offline learners on generated datasets."""

import json
import sys
from pathlib import Path

import pytest

from arenax.bench import load_suite, run_jobs, write_suite_report
from arenax.bench.runner import job_folder
from arenax.baselines import run_log

sys.path.insert(0, str(Path(__file__).parents[1] / "datasets"))
from tiny_data import TINY_BEHAVIOUR, minari_root  # noqa: E402,F401  (fixture)

SCRIPTED = """
description = "oracle and random on one browser and one shell task"
seeds = 1
normalize = "none"

[[group]]
section = "agents"
algorithm = "scripted"
policies = ["oracle", "random", "llm"]
tasks = ["web-click-button-v0", "os-sort-unique-v0"]
[group.config]
episodes = 3
max_steps = 20
"""

OFFLINE = """
description = "BC and IQL on a tiny CartPole dataset"
seeds = 2
normalize = "none"

[[group]]
section = "offline"
algorithm = "bc"
tasks = ["CartPole-v1"]
[group.config]
steps = 40
eval_steps = 300
dataset_steps = 400
behaviour = BEHAVIOUR

[[group]]
section = "offline"
algorithm = "iql"
tasks = ["CartPole-v1"]
[group.config]
steps = 40
eval_steps = 300
dataset_steps = 400
behaviour = BEHAVIOUR
"""


def _suite(tmp_path, name, text):
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return load_suite(path)


@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.delenv("ARENAX_LLM_BASE_URL", raising=False)
    suite = _suite(tmp_path_factory.mktemp("suite"), "scripted", SCRIPTED)
    out = tmp_path_factory.mktemp("scripted")
    outcomes = run_jobs(suite, out)
    write_suite_report(suite, out, reps=100, with_plots=False)
    yield suite, out, outcomes
    mp.undo()


def test_scripted_jobs_score_the_oracle_and_skip_an_unconfigured_llm(scripted):
    suite, out, outcomes = scripted
    statuses = {o.job.name: o.status for o in outcomes}
    assert statuses == {
        f"{task}/scripted-{policy}": "skipped" if policy == "llm" else "trained"
        for task in ("web-click-button-v0", "os-sort-unique-v0")
        for policy in ("oracle", "random", "llm")
    }
    scores = json.loads((out / "scores.json").read_text())["scores"]
    assert {row["algorithm"] for row in scores} == {"oracle", "random"}
    for job in suite.jobs:
        if job.variant == "llm":
            continue
        episodes = run_log.read_metrics(job_folder(out, job) / "0" / "episodes")
        assert [r["episode"] for r in episodes] == [0, 1, 2]
        summary = run_log.read_metrics(job_folder(out, job) / "0")
        assert len(summary) == 1 and summary[0]["episode_return"] == pytest.approx(
            sum(r["episode_return"] for r in episodes) / 3
        )
        if job.variant == "oracle":
            assert summary[0]["success_rate"] == 1.0, job.name
    oracle = [r["score"] for r in scores if r["algorithm"] == "oracle"]
    assert oracle == [1.0, 1.0]


def test_an_interrupted_rollout_resumes_in_worker_processes_to_the_same_episodes(scripted, tmp_path, monkeypatch):
    monkeypatch.delenv("ARENAX_LLM_BASE_URL", raising=False)
    suite, uninterrupted, _ = scripted
    victim = next(job for job in suite.jobs if job.variant == "random" and job.task.startswith("os-"))

    def interrupt(job, done, records):
        if job == victim and done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_jobs(suite, tmp_path, on_chunk=interrupt)
    assert len(run_log.read_metrics(job_folder(tmp_path, victim) / "0" / "episodes")) == 2
    statuses = {o.job.name: o.status for o in run_jobs(suite, tmp_path, workers=2)}
    assert statuses[victim.name] == "resumed"
    for job in suite.jobs:
        if job.variant != "llm":
            before = run_log.read_metrics(job_folder(uninterrupted, job) / "0" / "episodes")
            after = run_log.read_metrics(job_folder(tmp_path, job) / "0" / "episodes")
            assert sorted(after, key=lambda r: r["episode"]) == before, job.name


def test_suite_errors_name_the_group_and_the_problem(tmp_path):
    with pytest.raises(ValueError, match=r"group 1: unknown policies \['wizard'\]"):
        _suite(tmp_path, "a", SCRIPTED.replace('"llm"]', '"wizard"]'))
    with pytest.raises(ValueError, match="scripted jobs play browser and OS tasks"):
        _suite(tmp_path, "b", SCRIPTED.replace('"os-sort-unique-v0"', '"CartPole-v1"'))
    with pytest.raises(ValueError, match="algorithm must be one of .*scripted"):
        _suite(tmp_path, "c", SCRIPTED.replace('"scripted"', '"sarsa"'))
    with pytest.raises(ValueError, match=r"unknown keys \['backbones'\] for a scripted group"):
        _suite(tmp_path, "d", SCRIPTED.replace("[group.config]", 'backbones = ["mlp"]\n[group.config]'))
    with pytest.raises(ValueError, match="unknown tier 'hard'"):
        _suite(tmp_path, "e", OFFLINE.replace("BEHAVIOUR", "{}").replace('tasks = ["CartPole-v1"]', 'tasks = ["CartPole-v1"]\ntier = "hard"', 1))


def test_offline_jobs_generate_their_dataset_once_and_report_normalized_scores(minari_root, tmp_path):
    behaviour = "{ " + ", ".join(f"{k} = {v}" for k, v in TINY_BEHAVIOUR.items()) + " }"
    suite = _suite(tmp_path, "offline", OFFLINE.replace("BEHAVIOUR", behaviour))
    out = tmp_path / "out"
    outcomes = run_jobs(suite, out)
    assert [o.status for o in outcomes] == ["trained", "trained"]
    assert not (job_folder(out, suite.jobs[1]) / "behaviour").exists(), "the second job reused the dataset"
    assert (minari_root / "arenax" / "cartpole" / "medium-v0").is_dir()
    write_suite_report(suite, out, reps=100, with_plots=False)
    scores = json.loads((out / "scores.json").read_text())["scores"]
    logged = {
        (job.algorithm, str(seed)): run_log.read_metrics(job_folder(out, job) / str(seed))[-1]["normalized_score"]
        for job in suite.jobs
        for seed in range(2)
    }
    assert {(row["algorithm"].split("-")[0], row["seed"]): row["score"] for row in scores} == pytest.approx(logged)


FIGHT = """
description = "a few PPO updates on the fight ladder"
seeds = 2
normalize = "none"

[[group]]
section = "fight"
algorithm = "ppo"
backbones = ["mlp"]
tasks = ["FightLadder-Ryn-v0"]
[group.config]
total_timesteps = 512
num_envs = 4
num_minibatches = 2
rollout_length = 32
updates_per_chunk = 2
features = 16
"""


def test_a_fight_ladder_report_rates_every_seed_and_the_scripted_fighters(tmp_path, monkeypatch):
    import arenax.bench.tournament as tournament

    monkeypatch.setattr(tournament, "MATCH_STEPS", 40)
    suite = _suite(tmp_path, "fight", FIGHT)
    out = tmp_path / "out"
    run_jobs(suite, out)
    tables = tournament.ladder_tables(suite, out, matches=4, reps=50)
    assert len(tables) == 1
    title, header, rows = tables[0]
    assert "ryn against ryn" in title and header[:3] == ["player", "Bradley-Terry [95%]", "Elo [95%]"]
    names = {row[0] for row in rows}
    assert names == {"ppo-mlp seed 0", "ppo-mlp seed 1", "idle", "random", "easy", "medium", "hard"}
    mean_scores = [float(row[3]) for row in rows]
    assert abs(sum(mean_scores) / len(mean_scores) - 0.5) < 1e-6, "every match gives one side s and the other 1 - s"


MO = """
description = "MOMAPPO for a few updates on the beach problem domain"
seeds = 2
normalize = "arenax"

[[group]]
section = "mo"
algorithm = "momappo"
weights = ["simplex"]
tasks = ["MO-Beach-v0"]
[group.config]
total_timesteps = 640
num_envs = 4
rollout_length = 16
features = 16
divisions = 2
episodes = 2
"""


def test_momappo_jobs_score_the_hypervolume_of_each_seeds_front(tmp_path):
    from arenax.evaluation.normalization import load_reference_table

    suite = _suite(tmp_path, "mo", MO)
    out = tmp_path / "out"
    assert [o.status for o in run_jobs(suite, out)] == ["trained"]
    from arenax.bench.momappo_jobs import training_folder

    folder = job_folder(out, suite.jobs[0])
    results = json.loads((training_folder(folder) / "results.json").read_text())
    write_suite_report(suite, out, reps=50, with_plots=False)
    scores = json.loads((out / "scores.json").read_text())["scores"]
    reference = load_reference_table(None)["MO-Beach-v0"]
    for row, seed_result in zip(sorted(scores, key=lambda r: r["seed"]), results["seeds"]):
        logged = run_log.read_metrics(folder / str(seed_result["seed"]))[-1]
        assert logged["hypervolume"] == seed_result["hypervolume"]
        assert row["score"] == pytest.approx((logged["hypervolume"] - reference.random) / (reference.expert - reference.random))
    with pytest.raises(ValueError, match="mixes job kinds"):
        mixed = MO + '[[group]]\nsection = "mo"\nalgorithm = "ippo"\nbackbones = ["mlp"]\ntasks = ["MO-Beach-v0"]\n'
        _suite(tmp_path, "mixed", mixed)

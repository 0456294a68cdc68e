"""Loading scores: tidy CSV/JSON/JSONL files and `arenax train` run folders, down to per-algorithm score matrices."""

import json

import numpy as np
import pytest

import arenax.evaluation as ev
from arenax.evaluation.io import find_run_folders


def write_run(folder, algorithm, env_id, seed, lines):
    folder.mkdir(parents=True)
    config = {"algorithm": algorithm, "env_id": env_id, "seed": seed, "lr": 3e-4}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "metrics.jsonl").write_text("".join(line + "\n" for line in lines))


def metrics_lines(returns, start=0):
    lines = []
    for i, value in enumerate(returns):
        lines.append(json.dumps({"step": start + 1000 * (i + 1), "loss": 0.1}))
        lines.append(json.dumps({"step": start + 1000 * (i + 1), "episode_return": value, "episode_length": 20}))
    return lines


def test_tidy_csv_json_and_jsonl_load_the_same_records(tmp_path):
    rows = [
        {"algorithm": "ppo", "task": "CartPole-v1", "seed": 0, "step": 100, "score": 10.0},
        {"algorithm": "ppo", "task": "CartPole-v1", "seed": 0, "step": 200, "score": 30.0},
        {"algorithm": "ppo", "task": "CartPole-v1", "seed": 1, "step": 200, "score": 50.0},
    ]
    csv_path = tmp_path / "scores.csv"
    csv_path.write_text("algorithm,task,seed,step,score\n" + "".join(
        f"{r['algorithm']},{r['task']},{r['seed']},{r['step']},{r['score']}\n" for r in rows
    ))
    (tmp_path / "scores.json").write_text(json.dumps({"records": rows}))
    (tmp_path / "scores.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    loaded = [ev.read_tidy(tmp_path / name) for name in ("scores.csv", "scores.json", "scores.jsonl")]
    assert loaded[0] == loaded[1] == loaded[2]
    assert loaded[0][0] == ev.ScoreRecord("ppo", "CartPole-v1", "0", 100.0, 10.0)
    matrix = ev.final_scores(loaded[0])["ppo"]
    np.testing.assert_array_equal(matrix.values[:, 0], [30.0, 50.0])  # each run's score at its last step
    assert matrix.seeds == (("0", "1"),)


def test_final_score_window_and_failed_runs(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text(
        "algorithm,task,seed,step,score\n"
        "a,t,0,1,1.0\na,t,0,2,3.0\na,t,0,3,5.0\n"
        "a,t,1,1,2.0\na,t,1,2,2.0\n"
        "a,t,2,1,\n"
    )
    records = ev.read_tidy(path)
    with pytest.raises(ValueError, match="1 failed runs"):
        ev.final_scores(records)
    with pytest.warns(UserWarning, match="dropped 1 failed runs"):
        matrix = ev.final_scores(records, last=2, nan_policy="drop")["a"]
    np.testing.assert_array_equal(matrix.values[:, 0], [4.0, 2.0])


def test_tidy_rows_are_checked(tmp_path):
    missing = tmp_path / "missing.csv"
    missing.write_text("algorithm,task,score\na,t,1.0\n")
    with pytest.raises(ValueError, match=r"missing columns \['seed'\].*line 2"):
        ev.read_tidy(missing)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"algorithm": "a", "task": "t", "seed": 0, "score": "high"}\n')
    with pytest.raises(ValueError, match="score must be a number.*'high'"):
        ev.read_tidy(bad)
    stepless = tmp_path / "twice.csv"
    stepless.write_text("algorithm,task,seed,score\na,t,0,1.0\na,t,0,2.0\n")
    with pytest.raises(ValueError, match="2 rows but not every row has a step"):
        ev.final_scores(ev.read_tidy(stepless))
    with pytest.raises(ValueError, match="unknown file type"):
        ev.read_tidy(tmp_path / "scores.parquet")


def test_run_folders_give_seed_labelled_matrices(tmp_path):
    for algorithm, offset in (("ppo", 0.0), ("ppo-lstm", 100.0)):
        for seed in (10, 2):
            for task in ("CartPole-v1", "RepeatFirst-easy-v0"):
                returns = [offset + seed, offset + seed + 1, offset + seed + 2]
                folder = tmp_path / "runs" / f"{algorithm}-{task}-{seed}"
                write_run(folder, algorithm, task, seed, metrics_lines(returns))
    folders = find_run_folders(tmp_path / "runs")
    assert len(folders) == 8
    matrices = ev.final_scores(ev.load_records([tmp_path / "runs"]))
    assert list(matrices) == ["ppo", "ppo-lstm"]
    assert matrices["ppo"].tasks == ("CartPole-v1", "RepeatFirst-easy-v0")
    assert matrices["ppo"].seeds == (("2", "10"), ("2", "10"))  # numeric seed order
    np.testing.assert_array_equal(matrices["ppo-lstm"].values[:, 0], [104.0, 112.0])


def test_run_folder_backbone_joins_the_algorithm_name(tmp_path):
    for backbone in ("mlp", "s5"):
        folder = tmp_path / backbone
        folder.mkdir()
        config = {"algorithm": "ppo", "backbone": backbone, "env_id": "CartPole-v1", "seed": 0}
        (folder / "config.json").write_text(json.dumps(config))
        (folder / "metrics.jsonl").write_text("".join(line + "\n" for line in metrics_lines([1.0])))
    assert {record.algorithm for record in ev.load_records([tmp_path])} == {"ppo-mlp", "ppo-s5"}


def test_run_folder_without_scores_is_a_failed_run_and_half_written_lines_are_skipped(tmp_path):
    write_run(tmp_path / "crashed", "ppo", "CartPole-v1", 0, [json.dumps({"step": 10, "loss": 1.0})])
    records = ev.read_run_folder(tmp_path / "crashed")
    assert len(records) == 1 and np.isnan(records[0].score)
    write_run(tmp_path / "running", "ppo", "CartPole-v1", 1, metrics_lines([5.0, 7.0]) + ['{"step": 3000, "episode_re'])
    with pytest.warns(UserWarning, match="half-written last line"):
        records = ev.read_run_folder(tmp_path / "running")
    assert [r.score for r in records] == [5.0, 7.0]
    write_run(tmp_path / "corrupt", "ppo", "CartPole-v1", 2, ["{not json", *metrics_lines([1.0])])
    with pytest.raises(ValueError, match=r"corrupt.*metrics.jsonl, line 1: not valid JSON"):
        ev.read_run_folder(tmp_path / "corrupt")
    (tmp_path / "noconfig").mkdir()
    with pytest.raises(ValueError, match="holds no run folder"):
        ev.load_records([tmp_path / "noconfig"])
    write_run(tmp_path / "partial", "ppo", "CartPole-v1", 3, [])
    (tmp_path / "partial" / "config.json").write_text(json.dumps({"algorithm": "ppo"}))
    with pytest.raises(ValueError, match=r"lacks \['env_id', 'seed'\]"):
        ev.read_run_folder(tmp_path / "partial")


def test_missing_task_for_an_algorithm_is_an_error(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("algorithm,task,seed,score\na,t1,0,1\na,t2,0,1\nb,t1,0,2\n")
    with pytest.raises(ValueError, match=r"'b' has no runs on tasks \['t2'\]"):
        ev.final_scores(ev.read_tidy(path))

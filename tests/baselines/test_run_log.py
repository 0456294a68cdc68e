"""The run folder: atomic config writes, whole-line metrics appends, and the truncation used on resume."""

import json

from arenax.baselines import run_log


def test_config_is_written_atomically_and_read_back(tmp_path):
    run_log.write_config(tmp_path / "0", {"algorithm": "ppo", "seed": 0})
    run_log.write_config(tmp_path / "0", {"algorithm": "ppo", "seed": 1})
    assert run_log.read_config(tmp_path / "0") == {"algorithm": "ppo", "seed": 1}
    assert [p.name for p in (tmp_path / "0").iterdir()] == ["config.json"], "no temporary file left behind"
    assert run_log.read_config(tmp_path / "missing") is None


def test_metrics_lines_append_and_nan_becomes_null(tmp_path):
    run_log.append_metrics(tmp_path, {"step": 1, "episode_return": 2.5})
    run_log.append_metrics(tmp_path, {"step": 2, "episode_return": float("nan")})
    lines = (tmp_path / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [{"episode_return": 2.5, "step": 1}, {"episode_return": None, "step": 2}]


def test_a_partly_written_last_line_is_not_read(tmp_path):
    run_log.append_metrics(tmp_path, {"step": 1, "episode_return": 1.0})
    with open(tmp_path / "metrics.jsonl", "a") as file:
        file.write('{"step": 2, "episode_ret')
    assert run_log.read_metrics(tmp_path) == [{"step": 1, "episode_return": 1.0}]


def test_keep_metrics_replaces_the_file_with_the_kept_lines(tmp_path):
    for step in (1, 2, 3):
        run_log.append_metrics(tmp_path, {"step": step, "episode_return": 0.0})
    run_log.keep_metrics(tmp_path, [r for r in run_log.read_metrics(tmp_path) if r["step"] <= 2])
    assert [r["step"] for r in run_log.read_metrics(tmp_path)] == [1, 2]
    run_log.append_metrics(tmp_path, {"step": 3, "episode_return": 0.0})
    assert [r["step"] for r in run_log.read_metrics(tmp_path)] == [1, 2, 3]

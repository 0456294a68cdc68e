"""The `arenax score` command, its JSON/CSV/Markdown/HTML report, atomic writes, and one colour per algorithm."""

import argparse
import csv
import json
import os

import numpy as np
import pytest
from matplotlib.colors import to_hex

import arenax.evaluation as ev
from arenax.evaluation import command
from arenax.evaluation.export import atomic_write_text


def write_runs(root, rng):
    for algorithm, gain in (("ppo", 0.0), ("ppo-s5", 60.0)):
        for task in ("CartPole-v1", "Other-v0"):
            for seed in range(4):
                folder = root / f"{algorithm}_{task}_{seed}"
                folder.mkdir(parents=True)
                config = {"algorithm": algorithm, "env_id": task, "seed": seed}
                (folder / "config.json").write_text(json.dumps(config))
                returns = np.cumsum(rng.uniform(0, 40, size=6)) + gain
                lines = [json.dumps({"step": 500 * (i + 1), "episode_return": float(r)}) for i, r in enumerate(returns)]
                (folder / "metrics.jsonl").write_text("\n".join(lines) + "\n")


def parse(argv):
    parser = argparse.ArgumentParser(prog="arenax score")
    command.add_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("score")
    write_runs(root / "runs", np.random.default_rng(0))
    table = root / "reference.csv"
    table.write_text("task,random,expert\nCartPole-v1,22.0,500.0\nOther-v0,0.0,300.0\n")
    args = parse(
        [str(root / "runs"), "--reps", "200", "--seed", "3", "--out", str(root / "report"), "--normalize", str(table)]
        + ["--taus", "11", "--curve-steps", "4"]
    )
    assert command.run(args) == 0
    return root / "report"


def test_report_files_exist_and_nothing_half_written_is_left(report_dir):
    names = sorted(os.listdir(report_dir))
    assert names == sorted(
        [
            "estimates.csv",
            "estimates.json",
            "interval_estimates.png",
            "performance_profiles.png",
            "probability_of_improvement.png",
            "report.html",
            "report.md",
            "sample_efficiency.png",
        ]
    )


def test_every_estimate_records_its_provenance(report_dir):
    payload = json.loads((report_dir / "estimates.json").read_text())
    rows = payload["estimates"]
    kinds = {row["kind"] for row in rows}
    assert kinds == {"aggregate", "profile", "probability_of_improvement", "curve"}
    for row in rows:
        assert row["method"] in ("percentile", "sup_deviation")
        assert (row["reps"], row["seed"], row["confidence"]) == (200, 3, 0.95)
        # Curves come from the whole logs, the other estimates from final scores: each names its own input.
        expected_hash = payload["settings"]["curves_data_hash"] if row["kind"] == "curve" else payload["data_hash"]
        assert row["data_hash"] == expected_hash
        assert row["low"] <= row["point"] + 1e-12 and row["point"] <= row["high"] + 1e-12
    aggregates = {(r["algorithm"], r["metric"]) for r in rows if r["kind"] == "aggregate"}
    assert aggregates == {(a, m) for a in ("ppo", "ppo-s5") for m in ("iqm", "mean", "median", "optimality_gap")}
    with (report_dir / "estimates.csv").open() as handle:
        csv_rows = list(csv.DictReader(handle))
    assert len(csv_rows) == len(rows)
    assert payload["settings"]["normalization"].endswith("reference.csv")


def test_report_pages_show_tables_and_plots(report_dir):
    markdown = (report_dir / "report.md").read_text()
    assert "| algorithm | iqm | mean | median | optimality_gap |" in markdown
    assert "![Performance profiles](performance_profiles.png)" in markdown
    html = (report_dir / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 4
    assert "P(ppo-s5 &gt; ppo)" in html


def test_command_reports_bad_input(tmp_path, capsys):
    assert command.run(parse([str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert command.run(parse([str(tmp_path), "--metrics", "iqm,mode", "--out", str(tmp_path / "out")])) == 2
    assert "unknown metric 'mode'" in capsys.readouterr().err


def test_atomic_write_replaces_whole_files_and_cleans_up(tmp_path):
    target = tmp_path / "out" / "file.txt"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second")
    assert target.read_text() == "second"
    assert os.listdir(target.parent) == ["file.txt"]


def test_plots_use_one_colour_per_algorithm():
    rng = np.random.default_rng(0)
    scores = {"b": rng.normal(size=(4, 3)), "a": rng.normal(size=(4, 3))}
    colors = ev.algorithm_colors(list(scores))
    aggregates = ev.interval_estimates(scores, reps=50)
    profiles = ev.performance_profiles(scores, np.linspace(-1, 1, 5), reps=50)
    interval_figure = ev.plot_interval_estimates(aggregates, colors)
    profile_figure = ev.plot_performance_profiles(profiles, colors)
    bars = interval_figure.axes[0].patches
    assert [to_hex(bar.get_facecolor(), keep_alpha=False) for bar in bars] == [colors["b"], colors["a"]]
    lines = {line.get_label(): to_hex(line.get_color()) for line in profile_figure.axes[0].lines}
    assert lines == {"a": colors["a"], "b": colors["b"]}
    assert colors == ev.algorithm_colors(["a", "b"])  # assignment depends on names, not order

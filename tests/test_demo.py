"""`arenax demo` end to end, small: scripted policies scored, perfect memory above the memoryless policy."""

import json

from arenax.cli import main


def test_demo_writes_a_report_where_memory_wins(tmp_path):
    assert main(["demo", "--seeds", "2", "--episodes", "2", "--reps", "200", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "scores.csv").read_text().startswith("algorithm,task,seed,step,score\n")
    estimates = json.loads((tmp_path / "report" / "estimates.json").read_text())["estimates"]
    iqm = {row["algorithm"]: row for row in estimates if row["kind"] == "aggregate" and row["metric"] == "iqm"}
    assert iqm["perfect-memory"]["low"] > iqm["memoryless"]["high"]
    assert (tmp_path / "report" / "report.html").is_file()

"""Score normalization: arenax's packaged reference table and user-supplied CSV/JSON tables."""

import json

import numpy as np
import pytest

import arenax.evaluation as ev
from arenax.evaluation.io import ScoreRecord


def test_packaged_table_has_cartpole_and_normalizes_it():
    table = ev.load_reference_table()
    assert table["CartPole-v1"].random == 22.0 and table["CartPole-v1"].expert == 500.0
    normalized = ev.normalize_scores({"ppo": np.array([[22.0], [500.0], [261.0]])}, table, tasks=["CartPole-v1"])
    np.testing.assert_allclose(normalized["ppo"].values[:, 0], [0.0, 1.0, 0.5])


def test_every_packaged_entry_is_usable():
    for task, reference in ev.load_reference_table().items():
        assert np.isfinite(reference.random) and np.isfinite(reference.expert), task
        assert reference.expert != reference.random, task


def test_user_tables_from_csv_and_json(tmp_path):
    csv_path = tmp_path / "table.csv"
    csv_path.write_text("task,random,human\nPong,-20.7,14.6\nBreakout,1.7,30.5\n")
    json_path = tmp_path / "table.json"
    table = {"Pong": {"random": -20.7, "expert": 14.6}, "Breakout": {"random": 1.7, "expert": 30.5}}
    json_path.write_text(json.dumps(table))
    rows_path = tmp_path / "rows.json"
    rows_path.write_text(json.dumps([{"task": "Pong", "random": -20.7, "expert": 14.6}]))
    from_csv = ev.load_reference_table(csv_path)
    assert from_csv == ev.load_reference_table(json_path)
    assert ev.load_reference_table(rows_path)["Pong"] == from_csv["Pong"]
    records = [ScoreRecord("dqn", "Breakout", "0", None, 30.5), ScoreRecord("dqn", "Pong", "0", None, -20.7)]
    assert [r.score for r in ev.normalize_records(records, from_csv)] == pytest.approx([1.0, 0.0])


def test_bad_tables_and_unknown_tasks(tmp_path):
    same = tmp_path / "same.csv"
    same.write_text("task,random,expert\nx,1.0,1.0\n")
    with pytest.raises(ValueError, match="random == expert"):
        ev.load_reference_table(same)
    missing = tmp_path / "missing.csv"
    missing.write_text("task,random\nx,1.0\n")
    with pytest.raises(ValueError, match="need 'random' and 'expert'"):
        ev.load_reference_table(missing)
    with pytest.raises(ValueError, match=r"no reference scores for tasks \['Unknown-v0'\]"):
        ev.normalize_scores({"a": np.ones((2, 1))}, tasks=["Unknown-v0"])
    with pytest.raises(ValueError, match="pass tasks="):
        ev.normalize_scores({"a": np.ones((2, 1))})


def test_packaged_table_matches_the_environments_documented_returns():
    # The table is data so that evaluation never imports environments; this keeps it in step with them.
    from arenax.core import list_envs, make

    registered = set(list_envs())
    checked = 0
    for task, reference in ev.load_reference_table().items():
        if task not in registered:
            continue
        documented = getattr(make(task), "reference_returns", None)
        if documented is None:
            continue
        returns = documented()
        assert reference.random == pytest.approx(returns["random"], abs=1e-6), task
        assert reference.expert == pytest.approx(returns["perfect"], abs=1e-6), task
        checked += 1
    if checked == 0:
        pytest.skip("no registered environment documents reference_returns()")

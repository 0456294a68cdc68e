"""Evaluator metrics: exact and partial credit, progress over the initial state, gates, malformed answers."""

import json

import numpy as np
import pytest

from arenax.envs.os.evaluators import (
    ExactText,
    GatedFraction,
    JsonFields,
    LineSetOverlap,
    NumberClose,
    SetOverlap,
    fraction_passed,
)
from arenax.envs.os.tasks import SHELL_TASKS
from arenax.envs.os.tasks.system import IniMatch


def test_set_overlap_credits_progress_over_the_initial_state():
    initial = frozenset({"a", "b", "dup1", "dup2"})
    metric = SetOverlap(frozenset({"a", "b"}), initial)
    assert metric(initial) == 0.0
    assert metric({"a", "b"}) == 1.0
    assert 0.0 < metric({"a", "b", "dup1"}) < 1.0
    assert metric({"a"}) == 0.0  # deleting a keeper undoes the progress
    assert SetOverlap(frozenset({"x/1"}))({"x/1", "y"}) == 0.5


def test_text_number_and_line_metrics():
    assert ExactText("42")(" 42\n") == 1.0 and ExactText("42")(None) == 0.0
    assert NumberClose(10.5)("10.5\n") == 1.0 and NumberClose(10)("ten") == 0.0
    assert LineSetOverlap(frozenset({"a", "b"}))("b\na\n\n") == 1.0
    assert LineSetOverlap(frozenset({"a", "b"}))("a\n") == 0.5


def test_json_fields_give_partial_credit_and_reject_extra_keys():
    metric = JsonFields({"theme": "dark", "max_items": 9})
    assert metric(json.dumps({"theme": "dark", "max_items": 9})) == 1.0
    assert metric(json.dumps({"theme": "dark", "max_items": 3})) == 0.5
    assert metric(json.dumps({"theme": "dark", "max_items": 9, "deprecated_mode": True})) == 0.0
    assert metric("not json") == 0.0 and metric("[1]") == 0.0


def test_gates_and_fractions():
    assert GatedFraction(1)([True, True, False]) == 0.5
    assert GatedFraction(1)([False, True, True]) == 0.0
    assert fraction_passed([True, False, True, True]) == 0.75


def test_ini_match_scores_only_the_targets_and_guards_the_rest():
    expected = {"server": {"port": "9000", "host": "h"}, "logging": {"level": "debug"}}
    metric = IniMatch(json.dumps(expected), (("server", "port"), ("logging", "level")))
    assert metric(json.dumps(expected)) == 1.0
    assert metric(json.dumps({**expected, "logging": {"level": "info"}})) == 0.5
    assert metric(json.dumps({**expected, "server": {"port": "9000", "host": "other"}})) == 0.0


@pytest.mark.parametrize("name", sorted(SHELL_TASKS))
def test_generators_are_deterministic_in_the_seed(name):
    generate = SHELL_TASKS[name].generate
    first, again = generate(np.random.default_rng(7)), generate(np.random.default_rng(7))
    assert first.goal == again.goal and first.files == again.files and first.solution == again.solution

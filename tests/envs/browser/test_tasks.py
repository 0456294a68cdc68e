"""Task generators (no browser): seeded, varied, at every level; validators reject wrong answers."""

import pytest

from arenax.core import registry
from arenax.envs.browser.tasks import LEVELS, TASKS

MEMORY_TASKS = [name for name, task in TASKS.items() if name.startswith("memory-")]


def test_catalogue_size_and_registration():
    assert len(TASKS) >= 30
    assert len(MEMORY_TASKS) >= 5 and all(TASKS[name].multi_page for name in MEMORY_TASKS)
    for name in TASKS:
        row = registry.spec(f"web-{name}-v0")
        assert row.kind == "python" and row.family == "browser"


@pytest.mark.parametrize("name", sorted(TASKS))
def test_generation_is_seeded_and_varies(name):
    task = TASKS[name]
    for level in LEVELS:
        first, again = task.instance(7, level), task.instance(7, level)
        assert first.goal == again.goal and first.pages == again.pages and first.expected == again.expected
        assert first.start in first.pages and all(html.startswith("<!DOCTYPE html>") for html in first.pages.values())
        assert len(first.goal) > 10
    goals = {task.instance(seed, "medium").goal + str(task.instance(seed, "medium").pages) for seed in range(12)}
    assert len(goals) >= 6, f"{name}: 12 seeds gave only {len(goals)} distinct instances"


@pytest.mark.parametrize("name", sorted(TASKS))
def test_validation_rejects_wrong_submissions(name):
    task = TASKS[name]
    instance = task.instance(3, "hard")
    for wrong in (None, {}, "nonsense", {"answer": "nonsense"}, [], 0):
        assert not task.score(instance, wrong)


def test_unknown_difficulty_is_refused():
    with pytest.raises(ValueError, match="difficulty must be one of"):
        TASKS["click-button"].instance(0, "extreme")

"""MiniWoB++ tasks from the miniwob package, driven through core.js and scored from the page's globals."""

import pytest

from arenax.core import registry
from arenax.envs.browser.axtree import AXTree
from arenax.envs.browser.miniwob import MiniWoBEnv, miniwob_tasks

pytestmark = pytest.mark.skipif(not miniwob_tasks(), reason="the miniwob package (browser extra) is not installed")


@pytest.fixture(scope="module")
def env(browser):
    environment = MiniWoBEnv("click-button", browser=browser)
    yield environment
    environment.close()


def test_every_miniwob_page_is_registered():
    tasks = miniwob_tasks()
    assert len(tasks) >= 100
    assert all(registry.spec(f"miniwob.{task}-v0").kind == "python" for task in tasks)


def test_seeded_like_miniwob_and_scored_from_its_globals(env):
    first, _ = env.reset(seed=4)
    again, _ = env.reset(seed=4)
    assert first["goal"] == again["goal"] and first["goal"].startswith("Click on the")
    target = first["goal"].split('"')[1]
    bid = AXTree(first["axtree_txt"]).bid("button", target)
    observation, reward, terminated, truncated, info = env.step(f'click("{bid}")')
    assert (reward, terminated, info["success"]) == (1.0, True, True)
    observation, _ = env.reset(seed=5)
    target = observation["goal"].split('"')[1]
    wrong = next(n for n in AXTree(observation["axtree_txt"]).find_all("button") if n.name != target)
    _, reward, terminated, *_ = env.step(f'click("{wrong.bid}")')
    assert reward == 0.0 and terminated


def test_preloaded_page_keeps_no_state_between_episodes(env, assert_no_state_leaks):
    assert_no_state_leaks(env, 4)


def test_unknown_task_is_refused(browser):
    with pytest.raises(ValueError, match="unknown MiniWoB"):
        MiniWoBEnv("click-everything", browser=browser)


def test_pages_are_served_with_their_scripts_and_style_sheets_inlined():
    from arenax.envs.browser.server import inlined_page, miniwob_html_dir

    root = miniwob_html_dir()
    pages = sorted((root / "miniwob").glob("*.html"))
    inlined = {page.stem: inlined_page(page, root).decode() for page in pages}
    click_button = inlined["click-button"]
    assert "<script src=" not in click_button and "<link rel=\"stylesheet\"" not in click_button
    assert (root / "core" / "core.js").read_text() in click_button
    # A style sheet whose url(...) is relative to its own folder stays linked.
    assert any('href="../core/jquery-ui/jquery-ui.min.css"' in html for html in inlined.values())


def test_pages_built_on_inlined_libraries_work(browser):
    """navigate-tree runs on inlined jQuery and treeview scripts (its style sheet stays linked): solvable."""
    environment = MiniWoBEnv("navigate-tree", browser=browser)
    observation, _ = environment.reset(seed=3)
    name = observation["goal"].split('"')[1]
    tree = AXTree(observation["axtree_txt"])
    assert tree.bid("listitem", name)
    _, reward, terminated, *_ = environment.step(f'click("{tree.bid("generic", name)}")')
    environment.close()
    assert (reward, terminated) == (1.0, True)

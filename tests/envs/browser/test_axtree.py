"""The accessibility-tree text in a real page: iframes, shadow roots, hidden and scrolled-away content, stable bids."""

import random

import pytest

from arenax.envs.browser.axtree import AXTree, parse_axtree
from arenax.envs.browser.env import BrowserEnv, OwnTaskEpisodes
from arenax.envs.browser.tasks.base import Instance, Task, page

FRAME = page("Frame", "<button data-arenax-submit='{\"clicked\": \"frame\"}'>In frame</button>")
MAIN = page(
    "Structure",
    "<h1>Title</h1><button id='top'>Top</button><div id='host'></div>"
    "<iframe src='frame.html' title='Frame' width='300' height='80'></iframe>"
    "<div style='display:none'><button>Hidden</button></div>"
    "<div style='height:40px; overflow:auto' role='region' aria-label='Box'>"
    + "".join(f"<p>line {i}</p>" for i in range(30))
    + "</div><label>Plain <input id='plain' value='x'></label>"
    "<input type='password' aria-label='Secret' value='abc'><input type='checkbox' aria-label='Agree' checked>",
    "const root = document.getElementById('host').attachShadow({mode: 'open'});"
    "root.innerHTML = \"<button>Inside shadow</button><input aria-label='Shadow field'>\";"
    "document.getElementById('top').onclick = () => document.title = 'top clicked';",
)


def _structure(rng: random.Random, level: int) -> Instance:
    return Instance("inspect the page", {"index.html": MAIN, "frame.html": FRAME}, {"clicked": "frame"})


STRUCTURE = Task("structure", "test page", _structure, lambda instance, tree, memory: "noop()")


@pytest.fixture(scope="module")
def env(browser):
    environment = BrowserEnv(episodes=OwnTaskEpisodes(STRUCTURE), browser=browser, bboxes=True, action_set="bid+coord")
    yield environment
    environment.close()


def test_tree_reaches_into_iframes_and_shadow_roots(env):
    observation, _ = env.reset(seed=0)
    tree = AXTree(observation["axtree_txt"])
    for role, name in [("heading", "Title"), ("button", "Top"), ("button", "Inside shadow"),
                       ("textbox", "Shadow field"), ("Iframe", "Frame"), ("button", "In frame")]:
        assert tree.find(role, name) is not None and tree.find(role, name).bid, (role, name, observation["axtree_txt"])
    assert tree.find(name="Hidden") is None
    visible_lines = [n.name for n in tree.nodes if n.name.startswith("line ")]
    assert "line 0" in visible_lines and "line 29" not in visible_lines
    assert tree.get("textbox", "Plain").value == "x"
    assert tree.get("textbox", "Secret").value == "•••"
    assert tree.get("checkbox", "Agree").checked
    frame = tree.get("Iframe", "Frame")
    assert tree.get("button", "In frame") in tree.subtree(frame)


def test_bids_are_stable_and_act_inside_shadow_roots_and_frames(env):
    observation, _ = env.reset(seed=0)
    before = {(n.role, n.name): n.bid for n in parse_axtree(observation["axtree_txt"])}
    field = before[("textbox", "Shadow field")]
    observation, *_ = env.step(f'fill("{field}", "typed")')
    assert observation["last_action_error"] == ""
    after = {(n.role, n.name): n.bid for n in parse_axtree(observation["axtree_txt"])}
    assert all(after[key] == bid for key, bid in before.items() if key in after)
    assert AXTree(observation["axtree_txt"]).get("textbox", "Shadow field").value == "typed"
    observation, reward, terminated, truncated, info = env.step(f'click("{before[("button", "In frame")]}")')
    assert (reward, terminated, truncated) == (1.0, True, False) and info["success"]


def test_bounding_boxes_and_coordinate_actions(env):
    observation, _ = env.reset(seed=0)
    tree = AXTree(observation["axtree_txt"])
    boxes = {int(row[0]): row[1:] for row in observation["bboxes"] if row[0] >= 0}
    frame, inner = boxes[int(tree.bid("Iframe", "Frame"))], boxes[int(tree.bid("button", "In frame"))]
    assert frame[0] <= inner[0] and inner[0] + inner[2] <= frame[0] + frame[2]
    assert frame[1] <= inner[1] and inner[1] + inner[3] <= frame[1] + frame[3]
    x, y, w, h = inner
    observation, reward, terminated, *_ = env.step(f"mouse_click({x + w / 2}, {y + h / 2})")
    assert reward == 1.0 and terminated


KEYS = page(
    "Keys",
    "<form data-arenax-form><label>Word <input name='word'></label><label><input type='checkbox' name='ok' value='y'>"
    "Ok</label><select name='pick'><option>one</option><option>two</option></select></form>",
)


def _keys(rng: random.Random, level: int) -> Instance:
    return Instance("type and press Enter", {"index.html": KEYS}, {"word": "hi", "ok": ["y"], "pick": "two"})


KEYS_TASK = Task("keys", "test page", _keys, lambda instance, tree, memory: "noop()")


def test_keyboard_check_and_select_actions(browser):
    env = BrowserEnv(episodes=OwnTaskEpisodes(KEYS_TASK), browser=browser, bboxes=True, action_set="bid+coord")
    observation, _ = env.reset(seed=0)
    tree = AXTree(observation["axtree_txt"])
    box = next(row for row in observation["bboxes"] if int(row[0]) == int(tree.bid("textbox", "Word")))
    observation, *_ = env.step(f"mouse_click({box[1] + 4}, {box[2] + box[4] / 2})\nkeyboard_type('hi')")
    assert AXTree(observation["axtree_txt"]).get("textbox", "Word").value == "hi"
    observation, *_ = env.step(f'check("{tree.bid("checkbox", "Ok")}")\ncheck("{tree.bid("checkbox", "Ok")}")')
    assert AXTree(observation["axtree_txt"]).get("checkbox", "Ok").checked
    observation, *_ = env.step(f'select_option("{tree.bid("combobox")}", "two")')
    assert AXTree(observation["axtree_txt"]).get("combobox").value == "two"
    observation, *_ = env.step(f'select_option("{tree.bid("combobox")}", "three")')
    assert "no option" in observation["last_action_error"]
    observation, reward, terminated, *_ = env.step(f'press("{tree.bid("textbox", "Word")}", "Enter")')
    assert reward == 1.0 and terminated
    env.close()

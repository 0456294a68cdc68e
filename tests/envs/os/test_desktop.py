"""The desktop tier: action parsing, screenshots, the accessibility tree, and a GUI task solved by its oracle."""

import base64
import shutil

import gymnasium as gym
import numpy as np
import pytest

import arenax
from arenax.envs.os import DESKTOP_TASKS, OraclePolicy, RandomDesktopPolicy, rollout
from arenax.envs.os.desktop import (
    REQUIRED_PROGRAMS,
    DesktopUnavailableError,
    decode_pixels,
    find_node,
    parse_action,
    require_desktop_programs,
    xdotool_command,
)

def desktop_ready() -> bool:
    try:
        require_desktop_programs()
    except DesktopUnavailableError:
        return False
    return shutil.which("bwrap") is not None and shutil.which("mousepad") is not None


needs_desktop = pytest.mark.skipif(
    not desktop_ready(), reason="needs bwrap, mousepad, " + ", ".join(REQUIRED_PROGRAMS) + ", python3-pyatspi"
)


def test_at_least_eight_desktop_tasks_are_registered():
    ids = [i for i in arenax.list_envs("os") if i.startswith("desktop-")]
    assert len(ids) >= 8 and "desktop-save-note-v0" in ids
    assert {f"desktop-{name}-v0" for name in DESKTOP_TASKS} == set(ids)


def test_actions_become_xdotool_commands():
    assert xdotool_command(parse_action("click(10, 20.6)")) == "xdotool mousemove --sync 10 21 && xdotool click 1"
    assert xdotool_command(parse_action("right_click(1, 2)")).endswith("xdotool click 3")
    assert "--repeat 2" in xdotool_command(parse_action("double_click(1, 2)"))
    assert xdotool_command(parse_action('hotkey("ctrl", "s")')) == "xdotool key ctrl+s"
    assert xdotool_command(parse_action('key("enter")')) == "xdotool key Return"
    assert xdotool_command(parse_action('type("a b\\nc")')) == (
        "xdotool type --delay 25 -- 'a b' && xdotool key Return && xdotool type --delay 25 -- c")
    assert xdotool_command(parse_action("scroll(-3)")) == "xdotool click --repeat 3 5"
    assert xdotool_command(parse_action('type("$(rm -rf ~)")')).endswith("-- '$(rm -rf ~)'")


@pytest.mark.parametrize("text, message", [
    ("click(1)", "two numbers"), ("explode()", "unknown desktop action"), ("click(x, 2)", "literals"),
    ("os.system('ls')", "a call like"), ("type(", "cannot parse"), ("wait(60)", "seconds"),
])
def test_bad_actions_are_rejected_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        xdotool_command(parse_action(text))


@pytest.mark.parametrize("channels", [3, 4])
def test_screen_pixels_are_decoded_from_padded_rows(channels):
    height, width, stride = 3, 5, 5 * channels + 3
    image = np.random.default_rng(0).integers(0, 256, size=(height, width, channels), dtype=np.uint8)
    rows = np.zeros((height, stride), np.uint8)
    rows[:, : width * channels] = image.reshape(height, -1)
    data = rows.tobytes()[: (height - 1) * stride + width * channels]  # GDK leaves the last row unpadded
    answer = {"height": height, "width": width, "rowstride": stride, "channels": channels,
              "pixels": base64.b64encode(data).decode()}
    np.testing.assert_array_equal(decode_pixels(answer), image[..., :3])


def test_find_node_reads_the_accessibility_text():
    tree = ("[desktop frame] 'main' (0, 0, 1024, 768)\n"
            "  [menu item] 'Word Wrap      ' (188, 25, 295, 25)\n"
            "  [menu item] 'Hidden' (-2147483648, -2147483648, 1, 1)\n"
            "  [icon] '' (162, 72, 88, 65) text='report.txt'\n")
    assert find_node(tree, "menu item", "Word Wrap") == (335, 37)
    assert find_node(tree, "icon", "report.txt") == (206, 104)
    assert find_node(tree, "menu item", "Hidden") is None


def test_missing_programs_say_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DesktopUnavailableError, match="apt-get install xvfb xdotool"):
        require_desktop_programs()


@needs_desktop
def test_a_desktop_episode_observes_the_screen_and_is_solved_by_its_oracle():
    env = gym.make("arenax/desktop-append-todo-v0")
    observation, info = env.reset(seed=3)
    space = env.observation_space
    assert space.contains(observation)
    screen = observation["screenshot"]
    assert screen.shape == (768, 1024, 3) and screen.std() > 5
    tree = observation["accessibility_tree"]
    assert "[application] 'mousepad'" in tree and "todo.txt" in tree
    observation, reward, terminated, truncated, _ = env.step("teleport(1, 2)")
    assert "unknown desktop action" in observation["feedback"] and not terminated and reward == 0.0
    probe = env.unwrapped.session.sandbox.run("cat /etc/shadow; ls /root; python3 -c "
                                              "'import socket; socket.create_connection((\"1.1.1.1\", 53), 1)'")
    assert probe["exit_code"] != 0 and probe["stdout"] == "" and "unreachable" in probe["stderr"]
    random_policy = RandomDesktopPolicy(env, seed=0)
    action = random_policy(observation)
    assert action in ("DONE", "FAIL") or parse_action(action).name in ("click", "type", "key", "hotkey")
    info = rollout(env, OraclePolicy(env), seed=3)
    env.close()
    assert info["score"] == 1.0

"""The desktop tier's machinery: an X server (Xvfb), a window manager, a D-Bus session and AT-SPI inside the
sandbox, pyautogui-style actions turned into xdotool commands, screenshots and the accessibility tree as text."""

from __future__ import annotations

import ast
import base64
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from arenax.envs.os.sandbox import Limits, Sandbox, SandboxError

DISPLAY = ":0"
DESKTOP_BINDS = ("/etc/fonts", "/etc/X11", "/etc/xdg", "/etc/gtk-3.0", "/etc/dbus-1")
DESKTOP_ENV = {
    "DISPLAY": DISPLAY,
    "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/bus",
    "XDG_RUNTIME_DIR": "/run",
    "GSETTINGS_BACKEND": "keyfile",
    "GTK_THEME": "Adwaita",
    "NO_AT_BRIDGE": "0",
    "GTK_MODULES": "gail:atk-bridge",
}
DESKTOP_LIMITS = Limits(memory_bytes=4 << 30, processes=256, open_files=1024, command_timeout_s=15.0,
                        home_bytes=64 << 20, tmp_bytes=128 << 20)
REQUIRED_PROGRAMS = ("Xvfb", "xdotool", "dbus-daemon", "matchbox-window-manager")
REQUIRED_SYSTEM_MODULES = ("pyatspi", "gi")
SYSTEM_DIST_PACKAGES = "/usr/lib/python3/dist-packages"
ACCESSIBILITY_SOURCE = (Path(__file__).parent / "accessibility.py").read_text()
BUTTONS = {"left": 1, "middle": 2, "right": 3}
ACTION_NAMES = ("click", "double_click", "right_click", "move_to", "drag_to", "scroll", "type", "key", "hotkey",
                "wait")
XDOTOOL_KEYS = {"enter": "Return", "return": "Return", "esc": "Escape", "escape": "Escape", "tab": "Tab",
                "backspace": "BackSpace", "delete": "Delete", "space": "space", "up": "Up", "down": "Down",
                "left": "Left", "right": "Right", "home": "Home", "end": "End", "pageup": "Prior",
                "pagedown": "Next", "ctrl": "ctrl", "control": "ctrl", "alt": "alt", "shift": "shift",
                "win": "super", "super": "super", "f2": "F2"}


class DesktopUnavailableError(RuntimeError):
    """A program the desktop tier needs is missing from the system."""


@dataclass(frozen=True)
class Action:
    """One parsed desktop action: its name and literal arguments."""

    name: str
    args: tuple


def parse_action(text: str) -> Action:
    """Parses `click(10, 20)`, `type("hi")`, `hotkey("ctrl", "s")`, ... (literal arguments only)."""
    try:
        call = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise ValueError(f"cannot parse desktop action {text!r}: {error.msg}") from None
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or call.keywords:
        raise ValueError(f"a desktop action is a call like click(10, 20), got {text!r}")
    if call.func.id not in ACTION_NAMES:
        raise ValueError(f"unknown desktop action {call.func.id!r}; known: {', '.join(ACTION_NAMES)}")
    try:
        args = tuple(ast.literal_eval(arg) for arg in call.args)
    except ValueError:
        raise ValueError(f"desktop action arguments must be literals, got {text!r}") from None
    return Action(call.func.id, args)


def xdotool_key(name: str) -> str:
    return XDOTOOL_KEYS.get(name.lower(), name)


def xdotool_command(action: Action) -> str:
    """The shell command that performs `action` on the sandbox's display."""
    name, args = action.name, action.args
    if name in ("click", "double_click", "right_click", "move_to", "drag_to"):
        if len(args) != 2 or not all(isinstance(a, (int, float)) for a in args):
            raise ValueError(f"{name} takes two numbers (x, y), got {args!r}")
        x, y = (int(round(a)) for a in args)
        move = f"xdotool mousemove --sync {x} {y}"
        if name == "move_to":
            return move
        if name == "drag_to":
            return f"xdotool mousedown 1 && {move} && xdotool mouseup 1"
        button = 3 if name == "right_click" else 1
        repeat = " --repeat 2 --delay 80" if name == "double_click" else ""
        return f"{move} && xdotool click{repeat} {button}"
    if name == "scroll":
        if len(args) != 1 or not isinstance(args[0], int):
            raise ValueError(f"scroll takes one integer (positive scrolls up), got {args!r}")
        return f"xdotool click --repeat {abs(args[0])} {4 if args[0] > 0 else 5}"
    if name == "type":
        if len(args) != 1 or not isinstance(args[0], str):
            raise ValueError(f"type takes one string, got {args!r}")
        lines = [f"xdotool type --delay 25 -- {shlex.quote(line)}" if line else "true" for line in args[0].split("\n")]
        return " && xdotool key Return && ".join(lines)
    if name in ("key", "hotkey"):
        if not args or not all(isinstance(a, str) for a in args):
            raise ValueError(f"{name} takes key names as strings, got {args!r}")
        if name == "key":
            return "xdotool key " + " ".join(shlex.quote(xdotool_key(a)) for a in args)
        return "xdotool key " + shlex.quote("+".join(xdotool_key(a) for a in args))
    if len(args) != 1 or not isinstance(args[0], (int, float)) or not 0 <= args[0] <= 5:
        raise ValueError(f"wait takes a number of seconds in [0, 5], got {args!r}")
    return f"sleep {float(args[0])}"


def decode_pixels(answer: dict) -> np.ndarray:
    """An RGB uint8 image from the executor's raw GDK pixbuf rows (which may be padded to a stride)."""
    height, width, stride, channels = answer["height"], answer["width"], answer["rowstride"], answer["channels"]
    data = base64.b64decode(answer["pixels"])
    rows = np.frombuffer(data, np.uint8, count=(height - 1) * stride + width * channels)
    rows = np.pad(rows, (0, height * stride - rows.size)).reshape(height, stride)
    return rows[:, : width * channels].reshape(height, width, channels)[..., :3].copy()


def require_desktop_programs() -> None:
    missing = [program for program in REQUIRED_PROGRAMS if shutil.which(program) is None]
    missing += [f"the system python's {module}" for module in REQUIRED_SYSTEM_MODULES
                if not Path(SYSTEM_DIST_PACKAGES, module).is_dir()]
    if missing:
        raise DesktopUnavailableError(
            f"the desktop tier needs {', '.join(missing)}: install them with `apt-get install xvfb xdotool dbus-x11 "
            "at-spi2-core python3-pyatspi python3-gi gir1.2-gtk-3.0 matchbox-window-manager`"
        )


class DesktopSession:
    """A sandbox running Xvfb, a D-Bus session bus (for AT-SPI) and the task's applications."""

    def __init__(self, width: int = 1024, height: int = 768, limits: Limits = DESKTOP_LIMITS):
        """Starts the sandbox and asks it to start the display without waiting: `ready()` waits (so a spare
        session boots in the background)."""
        require_desktop_programs()
        self.width, self.height = width, height
        self.sandbox = Sandbox(limits, extra_ro_binds=DESKTOP_BINDS, extra_env=DESKTOP_ENV)
        start = (
            f"(Xvfb {DISPLAY} -screen 0 {width}x{height}x24 -nolisten tcp -nocursor >/run/xvfb.log 2>&1 &)\n"
            "(dbus-daemon --session --address=unix:path=/run/bus --nofork --nopidfile >/run/dbus.log 2>&1 &)\n"
            "for i in $(seq 500); do [ -e /tmp/.X11-unix/X0 ] && [ -e /run/bus ] && break; sleep 0.01; done\n"
            "[ -e /tmp/.X11-unix/X0 ] || { cat /run/xvfb.log >&2; exit 1; }\n"
            "(matchbox-window-manager -use_titlebar no -use_cursor no >/run/wm.log 2>&1 &)"
        )
        self.sandbox.send("run", command=start, timeout=limits.command_timeout_s, with_listing=False)
        self._send_observe(screenshot=False, max_nodes=1)  # loads the observer's libraries and starts AT-SPI early
        self._started = False

    def ready(self) -> "DesktopSession":
        """Waits until the display is up and the observer loaded (once)."""
        if not self._started:
            answer = self.sandbox.receive("run")
            if answer["exit_code"] != 0:
                self.sandbox.close()
                raise SandboxError(f"the X server did not start: {answer['stderr']}")
            self.sandbox.receive("observe")
            self._started = True
        return self

    def _send_observe(self, screenshot: bool, max_nodes: int) -> None:
        self.sandbox.send("observe", accessibility_source=ACCESSIBILITY_SOURCE, max_nodes=max_nodes,
                          screenshot=screenshot)

    def launch(self, command: str, window_class: str, timeout_s: float = 30.0) -> None:
        """Starts an application in the background and waits until its window is mapped."""
        # Polled rather than `search --sync`, which gives up when a window vanishes mid-search (Chromium's do).
        answer = self.sandbox.run(
            f"(cd ~ && {command} >/run/app.log 2>&1 &)\n"
            f"end=$((SECONDS + {int(timeout_s)}))\n"
            "while [ $SECONDS -lt $end ]; do\n"
            f"  xdotool search --onlyvisible --class {shlex.quote(window_class)} >/dev/null 2>&1 && exit 0\n"
            "  sleep 0.05\n"
            "done\n"
            "exit 1",
            timeout_s=timeout_s + 5,
        )
        if answer["exit_code"] != 0:
            log = self.sandbox.run("cat /run/app.log")["stdout"]
            raise SandboxError(f"{command!r} showed no {window_class!r} window: {log[-1000:]}")

    def perform(self, action: Action, attempts: int = 3) -> dict:
        """Runs the action's xdotool command; retried when the X server refused the connection (seen under load)."""
        for _ in range(attempts):
            answer = self.sandbox.run(xdotool_command(action) + " && sleep 0.15")
            if answer["exit_code"] == 0 or "Can't open display" not in answer["stderr"]:
                break
        return answer

    def observe(self, screenshot: bool = True, max_nodes: int = 400) -> tuple[np.ndarray | None, str]:
        """(screenshot as RGB or None, accessibility tree text), read by the sandbox's executor."""
        self._send_observe(screenshot, max_nodes)
        answer = self.sandbox.receive("observe")
        return (decode_pixels(answer) if screenshot else None), answer["accessibility_tree"]

    def close(self, wait: bool = True) -> None:
        self.sandbox.close(wait=wait)


NODE_LINE = re.compile(r"^\s*\[(?P<role>[^\]]+)\] (?P<name>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
                       r" \((?P<x>-?\d+), (?P<y>-?\d+), (?P<w>-?\d+), (?P<h>-?\d+)\)(?: text=(?P<text>.*))?")


def find_node(tree: str, role: str, label: str) -> tuple[int, int] | None:
    """Centre of the first on-screen node of the accessibility tree text with this role whose name is `label`
    or whose text starts with it (None if there is none)."""
    for line in tree.splitlines():
        match = NODE_LINE.match(line)
        if match is None or match["role"] != role:
            continue
        name = ast.literal_eval(match["name"]).strip()
        text = match["text"] or ""
        if name == label or text[1:].startswith(label):
            x, y, w, h = (int(match[key]) for key in "xywh")
            if w > 1 and h > 1 and x >= 0 and y >= 0:
                return x + w // 2, y + h // 2
    return None

"""Text for language-model agents: system prompts and observation formatting for the shell and desktop tiers."""

from __future__ import annotations

from typing import Any

SHELL_SYSTEM_PROMPT = """You are an agent operating a Linux computer through a bash shell, as user `agent`
in /home/agent. Each turn you see the goal, the output of your last command (stdout, stderr, exit code), the current
directory and a listing of your home folder. Reply with exactly one bash command (it may span several
lines) alone in a ```code block```. When the goal is reached reply DONE; if the goal cannot be reached on
this machine (for example it needs the internet or administrator rights) reply FAIL."""

DESKTOP_SYSTEM_PROMPT = """You are an agent operating a Linux desktop with the mouse and keyboard.
Each turn you see the goal, feedback on your last action and the screen's accessibility tree, one visible
element a line as [role] 'name' (x, y, width, height). Reply with exactly one action alone in a
```code block```: click(x, y), double_click(x, y), right_click(x, y), move_to(x, y), drag_to(x, y),
scroll(n), type("text"), key("Return"), hotkey("ctrl", "s"), wait(seconds). When the goal is reached
reply DONE; if it cannot be reached on this machine reply FAIL."""


def format_shell_observation(observation: dict[str, Any]) -> str:
    """A shell task's observation `Dict` as the text the model reads."""
    parts = [f"Goal: {observation['goal']}", f"Current directory: {observation['cwd']}",
             f"Exit code of the last command: {int(observation['exit_code'])}"]
    for stream in ("stdout", "stderr"):
        if observation[stream]:
            cut = " (truncated)" if observation[f"{stream}_truncated"] else ""
            parts.append(f"{stream}{cut}:\n{observation[stream]}")
    parts.append("Home folder:\n" + observation["listing"])
    return "\n".join(parts)


def format_desktop_observation(observation: dict[str, Any]) -> str:
    """A desktop task's observation as text (the screenshot is left to multimodal callers)."""
    parts = [f"Goal: {observation['goal']}"]
    if observation["feedback"]:
        parts.append(f"Feedback on the last action: {observation['feedback']}")
    parts.append("Accessibility tree:\n" + observation["accessibility_tree"])
    return "\n".join(parts)

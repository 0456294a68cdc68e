"""BrowserGym-style action strings parsed with `ast` against a whitelist of calls (never evaluated)."""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from typing import Any

MAX_ACTIONS_PER_STEP = 10


class ActionError(ValueError):
    """An action string that cannot be parsed or does not fit the action set."""


# The signatures below are the grammar: a call must bind to one of them.
def click(bid: str, button: str = "left", modifiers: list = ()): ...
def dblclick(bid: str, button: str = "left", modifiers: list = ()): ...
def hover(bid: str): ...
def fill(bid: str, value: str): ...
def clear(bid: str): ...
def focus(bid: str): ...
def check(bid: str): ...
def uncheck(bid: str): ...
def select_option(bid: str, options): ...
def press(bid: str, key_comb: str): ...
def drag_and_drop(from_bid: str, to_bid: str): ...
def scroll(delta_x: float, delta_y: float): ...
def goto(url: str): ...
def go_back(): ...
def go_forward(): ...
def noop(wait_ms: float = 1000): ...
def send_msg_to_user(text: str): ...
def mouse_move(x: float, y: float): ...
def mouse_click(x: float, y: float, button: str = "left"): ...
def mouse_dblclick(x: float, y: float, button: str = "left"): ...
def mouse_drag_and_drop(from_x: float, from_y: float, to_x: float, to_y: float): ...
def keyboard_type(text: str): ...
def keyboard_press(key: str): ...


BID_ACTIONS = (
    click, dblclick, hover, fill, clear, focus, check, uncheck, select_option, press, drag_and_drop,
)
NAVIGATION_ACTIONS = (scroll, goto, go_back, go_forward, noop, send_msg_to_user)
COORDINATE_ACTIONS = (mouse_move, mouse_click, mouse_dblclick, mouse_drag_and_drop, keyboard_type, keyboard_press)

ACTION_SETS = {
    "bid": BID_ACTIONS + NAVIGATION_ACTIONS,
    "coord": COORDINATE_ACTIONS + NAVIGATION_ACTIONS,
    "bid+coord": BID_ACTIONS + NAVIGATION_ACTIONS + COORDINATE_ACTIONS,
}

_BUTTONS = ("left", "middle", "right")
_MODIFIERS = ("Alt", "Control", "ControlOrMeta", "Meta", "Shift")


@dataclass(frozen=True)
class Action:
    """One parsed call: its name and its arguments bound by name."""

    name: str
    args: dict[str, Any]


def _literal(node: ast.expr) -> Any:
    """The value of a literal argument (strings, numbers, lists/tuples of them); anything else is refused."""
    value = getattr(node, "value", None)
    if isinstance(node, ast.Constant) and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand)
        if isinstance(value, (int, float)):
            return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(element) for element in node.elts]
    raise ActionError(f"arguments must be string or number literals, got `{ast.unparse(node)}`")


def _check_types(name: str, args: dict[str, Any]) -> None:
    for key, value in args.items():
        if key.endswith("bid") or key in ("value", "url", "text", "key_comb", "key", "button"):
            if isinstance(value, (int, float)) and key.endswith("bid"):
                args[key] = str(value)
            elif not isinstance(value, str):
                raise ActionError(f"{name}: argument {key!r} must be a string, got {value!r}")
        elif key in ("x", "y", "from_x", "from_y", "to_x", "to_y", "delta_x", "delta_y", "wait_ms"):
            if not isinstance(value, (int, float)):
                raise ActionError(f"{name}: argument {key!r} must be a number, got {value!r}")
        elif key == "options":
            options = value if isinstance(value, list) else [value]
            if not options or not all(isinstance(o, str) for o in options):
                raise ActionError(f"{name}: options must be a string or a list of strings, got {value!r}")
            args[key] = options
        elif key == "modifiers":
            modifiers = list(value)
            if any(m not in _MODIFIERS for m in modifiers):
                raise ActionError(f"{name}: modifiers must be among {_MODIFIERS}, got {value!r}")
            args[key] = modifiers
    if args.get("button", "left") not in _BUTTONS:
        raise ActionError(f"{name}: button must be one of {_BUTTONS}, got {args['button']!r}")


def parse_actions(text: str, action_set: str = "bid") -> list[Action]:
    """Parses one or more calls (one a line) such as `click("12")` into `Action`s.

    Raises `ActionError` naming the problem for anything that is not a whitelisted call with
    literal arguments that bind to its signature.
    """
    if action_set not in ACTION_SETS:
        raise ValueError(f"action_set must be one of {sorted(ACTION_SETS)}, got {action_set!r}")
    allowed = {function.__name__: function for function in ACTION_SETS[action_set]}
    if not isinstance(text, str) or not text.strip():
        raise ActionError("empty action: expected a call such as noop()")
    try:
        tree = ast.parse(text.strip(), mode="exec")
    except SyntaxError as error:
        raise ActionError(f"cannot parse action {text.strip()[:80]!r}: {error.msg}") from None
    if len(tree.body) > MAX_ACTIONS_PER_STEP:
        raise ActionError(f"at most {MAX_ACTIONS_PER_STEP} actions per step, got {len(tree.body)}")
    actions = []
    for statement in tree.body:
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
            raise ActionError(f"expected a function call, got `{ast.unparse(statement)[:80]}`")
        call = statement.value
        if not isinstance(call.func, ast.Name):
            raise ActionError(f"expected a plain action name, got `{ast.unparse(call.func)[:80]}`")
        name = call.func.id
        if name not in allowed:
            raise ActionError(f"unknown action {name!r}; this action set ({action_set}) allows {', '.join(allowed)}")
        if any(keyword.arg is None for keyword in call.keywords):
            raise ActionError(f"{name}: ** arguments are not allowed")
        positional = [_literal(argument) for argument in call.args]
        keywords = {keyword.arg: _literal(keyword.value) for keyword in call.keywords}
        try:
            bound = inspect.signature(allowed[name]).bind(*positional, **keywords)
        except TypeError as error:
            raise ActionError(f"{name}: {error}") from None
        bound.apply_defaults()
        args = dict(bound.arguments)
        _check_types(name, args)
        actions.append(Action(name, args))
    return actions

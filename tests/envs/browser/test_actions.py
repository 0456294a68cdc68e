"""The action parser: whitelisted calls with literal arguments only, clear errors for everything else."""

import pytest

from arenax.envs.browser.actions import MAX_ACTIONS_PER_STEP, Action, ActionError, parse_actions


def test_parses_calls_positional_and_keyword():
    assert parse_actions('click("12")') == [Action("click", {"bid": "12", "button": "left", "modifiers": []})]
    assert parse_actions("fill(bid='7', value='hello')") == [Action("fill", {"bid": "7", "value": "hello"})]
    assert parse_actions("scroll(0, -250.5)") == [Action("scroll", {"delta_x": 0, "delta_y": -250.5})]
    assert parse_actions('select_option("3", ["a", "b"])')[0].args["options"] == ["a", "b"]
    assert parse_actions('select_option("3", "a")')[0].args["options"] == ["a"]
    assert parse_actions('click(12, modifiers=["Shift"])')[0].args == {"bid": "12", "button": "left", "modifiers": ["Shift"]}


def test_several_actions_one_per_line():
    actions = parse_actions('hover("4")\nscroll(0, 300)')
    assert [a.name for a in actions] == ["hover", "scroll"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty action"),
        ("click(", "cannot parse"),
        ("import os", "expected a function call"),
        ("x = 1", "expected a function call"),
        ("os.system('ls')", "plain action name"),
        ("__import__('os')", "unknown action"),
        ("eval('1')", "unknown action"),
        ("click(open('/etc/passwd'))", "literals"),
        ("click(bid)", "literals"),
        ("click(**{'bid': '1'})", "not allowed"),
        ("click('1', 'left', [], 4)", "too many positional"),
        ("fill('1')", "missing a required argument"),
        ("fill('1', 3)", "must be a string"),
        ("scroll('a', 1)", "must be a number"),
        ("click('1', button='top')", "button must be"),
        ("click('1', modifiers=['Hyper'])", "modifiers must be"),
        ("select_option('1', [])", "options"),
    ],
)
def test_rejects_with_a_clear_message(text, message):
    with pytest.raises(ActionError, match=message):
        parse_actions(text)


def test_action_sets_restrict_the_calls():
    parse_actions("mouse_click(10, 20)", "coord")
    with pytest.raises(ActionError, match="unknown action 'mouse_click'"):
        parse_actions("mouse_click(10, 20)", "bid")
    with pytest.raises(ActionError, match="unknown action 'click'"):
        parse_actions('click("1")', "coord")
    with pytest.raises(ValueError, match="action_set must be one of"):
        parse_actions("noop()", "everything")


def test_too_many_actions():
    with pytest.raises(ActionError, match="at most"):
        parse_actions("\n".join(["noop()"] * (MAX_ACTIONS_PER_STEP + 1)))

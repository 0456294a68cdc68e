"""The README's environment catalogue is the registry's, and its commands exist."""

from pathlib import Path

from arenax.cli import build_parser
from arenax.core import registry

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- catalogue:start -->\n", "<!-- catalogue:end -->"


def test_catalogue_is_current():
    text = README.read_text()
    assert START in text and END in text, "README.md lacks the catalogue markers"
    embedded = text.split(START, 1)[1].split(END, 1)[0]
    assert embedded == registry.markdown_table(), "README catalogue is stale: run `arenax list --markdown`"


def test_readme_commands_are_real_subcommands():
    choices = build_parser()._subparsers._group_actions[0].choices
    text = README.read_text()
    for name in choices:
        assert f"arenax {name}" in text, f"README does not mention `arenax {name}`"

"""`arenax list`: the registered environments, as a table or as the README's Markdown catalogue."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

import arenax
from arenax.core import registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--family", help="only this family (memory, smax, momarl, fight, browser, os)")
    parser.add_argument("--markdown", action="store_true", help="print the README's Markdown catalogue")


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        print(registry.markdown_table(), end="")
        return 0
    table = Table("id", "family", "kind", "agents", "description")
    for env_id in arenax.list_envs(args.family):
        row = arenax.spec(env_id)
        table.add_row(f"arenax/{env_id}", row.family, row.kind, "multi" if row.multi_agent else "single", row.description)
    Console().print(table)
    return 0

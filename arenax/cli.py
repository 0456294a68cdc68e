"""The `arenax` command: `list`, `demo`, `play`, and the subcommands that the training and evaluation modules provide."""

from __future__ import annotations

import argparse
import importlib
import sys

SUBCOMMANDS = {
    "list": ("arenax.catalogue", "list the registered environments"),
    "demo": ("arenax.demo", "roll out scripted and random policies over the memory tasks and score them"),
    "train": (
        "arenax.baselines.command",
        "train a baseline (ppo, ippo, mappo) on an environment, vmapped over seeds; `train bc|iql|cql --dataset ID` trains"
        " offline; `train momappo --env MO-...` trains a weight-conditioned policy and evaluates its Pareto front",
    ),
    "score": ("arenax.evaluation.command", "score run folders or tidy score files and write a report"),
    "data": ("arenax.datasets.command", "generate, list and verify offline D4RL-style datasets (Minari)"),
    "bench": ("arenax.bench.command", "train every job of a benchmark suite, score the runs, and write one report"),
    "play": ("arenax.play", "roll out one episode under built-in policies and write it as a GIF"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arenax", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def offline_parser() -> argparse.ArgumentParser:
    from arenax.baselines.offline import command

    parser = argparse.ArgumentParser(prog="arenax train", description=command.__doc__)
    command.add_arguments(parser)
    parser.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Offline learners take a dataset instead of an environment: `arenax train bc|iql|cql` has a parser of its own.
    from arenax.baselines.offline.command import ALGORITHM_NAMES as OFFLINE

    if len(argv) >= 2 and argv[0] == "train" and argv[1] in OFFLINE:
        args = offline_parser().parse_args(argv[1:])
    elif len(argv) >= 2 and argv[0] == "train" and argv[1] == "momappo":
        from arenax.baselines import momappo

        try:
            momappo.main(argv[2:])
        except (ValueError, FileNotFoundError) as error:
            print(f"arenax train momappo: {error}", file=sys.stderr)
            return 2
        return 0
    else:
        args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

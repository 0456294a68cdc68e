"""`arenax data`: generate a dataset (`generate ENV --tier T --steps N --seed S`), list, verify and describe them."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from arenax.datasets.generation import DEFAULT_CACHE
    from arenax.datasets.naming import TIERS

    actions = parser.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    generate = actions.add_parser("generate", help="generate a D4RL-style dataset from an environment's behaviour policies")
    generate.add_argument("env", help="environment id, e.g. CartPole-v1 or arenax/SMAX-3m-v0")
    generate.add_argument("--tier", choices=TIERS, default="medium", help="behaviour policy tier (D4RL's)")
    generate.add_argument("--steps", type=int, default=1_000_000, help="at least this many transitions, whole episodes")
    generate.add_argument("--seed", type=int, default=0, help="seed of the behaviour training and of the rollouts")
    generate.add_argument("--version", type=int, default=0, help="dataset version: the id ends in -v<version>")
    generate.add_argument("--num-envs", type=int, default=256, help="environments stepped at once on the device")
    generate.add_argument("--cache", default=str(DEFAULT_CACHE), help="folder caching trained behaviour policies")
    generate.add_argument(
        "--behaviour-timesteps", type=int, default=None, help="override the behaviour PPO run's environment steps"
    )
    generate.add_argument("--no-progress", action="store_true", help="no progress bar")
    actions.add_parser("list", help="list the arenax datasets in MINARI_DATASETS_PATH")
    verify = actions.add_parser("verify", help="check a dataset's files against their checksums")
    verify.add_argument("dataset_id", help="e.g. arenax/cartpole/medium-v0")


def run(args: argparse.Namespace) -> int:
    from arenax.core import UnknownEnvironmentError
    from arenax.datasets import storage

    try:
        if args.data_command == "generate":
            return _generate(args)
        if args.data_command == "verify":
            folder = storage.verify(args.dataset_id)
            print(json.dumps({"dataset_id": args.dataset_id, "path": str(folder), "verified": True}))
            return 0
        return _list()
    except (ValueError, TypeError, UnknownEnvironmentError, FileNotFoundError, FileExistsError, OSError) as error:
        print(f"arenax data: {error}", file=sys.stderr)
        return 2


def _generate(args: argparse.Namespace) -> int:
    from arenax.datasets.access import episode_returns, normalized_score
    from arenax.datasets.generation import generate
    from arenax.datasets.offline import dataset_metadata

    overrides = {} if args.behaviour_timesteps is None else {"total_timesteps": args.behaviour_timesteps}
    with _Progress(not args.no_progress, args) as (on_training, on_progress):
        identifier = generate(
            args.env,
            args.tier,
            args.steps,
            args.seed,
            version=args.version,
            num_envs=args.num_envs,
            cache=args.cache,
            behaviour_overrides=overrides,
            on_training=on_training,
            on_progress=on_progress,
        )
    returns = episode_returns(identifier)
    print(
        json.dumps(
            {
                "dataset_id": identifier,
                "episodes": len(returns),
                "steps": dataset_metadata(identifier)["total_steps"],
                "mean_return": float(returns.mean()),
                "normalized_score": float(normalized_score(identifier, returns.mean())),
            }
        )
    )
    return 0


def _list() -> int:
    import minari

    for identifier, metadata in minari.list_local_datasets(prefix="arenax").items():
        print(f"{identifier}\t{metadata.get('total_episodes')} episodes\t{metadata.get('total_steps')} steps")
    return 0


class _Progress:
    """Rich progress bars for the behaviour training (when not cached) and the generation."""

    def __init__(self, enabled: bool, args: argparse.Namespace):
        self.enabled, self.args = enabled, args

    def __enter__(self):
        if not self.enabled:
            return None, None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        self.progress.__enter__()
        tasks: dict[str, int] = {}

        def on_training(done: int, total: int) -> None:
            if "train" not in tasks:
                tasks["train"] = self.progress.add_task(f"behaviour ppo {self.args.env}", total=total)
            self.progress.update(tasks["train"], completed=done)

        def on_progress(done: int) -> None:
            if "generate" not in tasks:
                tasks["generate"] = self.progress.add_task(
                    f"{self.args.tier} transitions {self.args.env}", total=self.args.steps
                )
            self.progress.update(tasks["generate"], completed=done)

        return on_training, on_progress

    def __exit__(self, *exc_info) -> None:
        if self.enabled:
            self.progress.__exit__(*exc_info)

"""`arenax train`: the command-line front of the baselines (`add_arguments` builds the parser, `run` trains)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from arenax.baselines import distributed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds `ALGORITHM --env ID --backbone NAME --seeds N --out DIR` and the PPO hyperparameters to `parser`."""
    from arenax.baselines.ppo import ALGORITHMS, PPOConfig

    defaults = PPOConfig()
    parser.add_argument(
        "algorithm", choices=ALGORITHMS, help="ppo (single-agent), ippo or mappo (multi-agent, shared parameters)"
    )
    parser.add_argument("--env", required=True, help="environment id, e.g. arenax/RepeatFirst-easy-v0")
    parser.add_argument("--backbone", default=defaults.backbone, help="'mlp' (memoryless) or a backbone name, e.g. s5, lru, gru")
    parser.add_argument("--seeds", type=int, default=defaults.num_seeds, help="number of seeds trained at once (vmapped)")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="first seed")
    parser.add_argument("--out", required=True, help="run folder: <out>/<seed>/{config.json,metrics.jsonl}, <out>/checkpoints")
    parser.add_argument("--total-timesteps", type=int, default=defaults.total_timesteps, help="environment steps per seed")
    parser.add_argument("--num-envs", type=int, default=defaults.num_envs)
    parser.add_argument("--rollout-length", type=int, default=defaults.rollout_length)
    parser.add_argument("--epochs", type=int, default=defaults.num_epochs)
    parser.add_argument("--minibatches", type=int, default=defaults.num_minibatches)
    parser.add_argument("--lr", type=float, default=defaults.learning_rate)
    parser.add_argument("--no-anneal", action="store_true", help="keep the learning rate constant")
    parser.add_argument("--gamma", type=float, default=defaults.gamma)
    parser.add_argument("--gae-lambda", type=float, default=defaults.gae_lambda)
    parser.add_argument("--clip-eps", type=float, default=defaults.clip_eps)
    parser.add_argument("--entropy-coef", type=float, default=defaults.entropy_coef)
    parser.add_argument("--value-coef", type=float, default=defaults.value_coef)
    parser.add_argument("--max-grad-norm", type=float, default=defaults.max_grad_norm)
    parser.add_argument("--reward-scale", type=float, default=defaults.reward_scale, help="rewards are multiplied by this for learning")
    parser.add_argument("--features", type=int, default=defaults.features, help="width of the backbone and hidden layers")
    parser.add_argument(
        "--backbone-size",
        action="append",
        default=[],
        metavar="NAME=INT",
        help="a further backbone size, e.g. state_size=32 (repeatable)",
    )
    parser.add_argument(
        "--replay-rollouts",
        type=int,
        default=defaults.replay_rollouts,
        help="previous rollouts replayed before each one in training, so stored carries do not go stale",
    )
    parser.add_argument("--updates-per-chunk", type=int, default=defaults.updates_per_chunk)
    parser.add_argument("--checkpoint-every", type=int, default=defaults.checkpoint_every, help="chunks between checkpoints")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    distributed.add_arguments(parser)


def config_from_args(args: argparse.Namespace):
    """The `PPOConfig` that `args` describe (the environment by its registry id, without `arenax/`).

    A bad value raises ValueError naming it; an unknown environment, `UnknownEnvironmentError`.
    """
    from arenax.baselines.ppo import PPOConfig
    from arenax.core import spec

    return PPOConfig(
        env_id=spec(args.env).id,
        algorithm=args.algorithm,
        backbone=args.backbone,
        features=args.features,
        backbone_sizes=_parse_sizes(args.backbone_size),
        seed=args.seed,
        num_seeds=args.seeds,
        total_timesteps=args.total_timesteps,
        num_envs=args.num_envs,
        rollout_length=args.rollout_length,
        num_epochs=args.epochs,
        num_minibatches=args.minibatches,
        learning_rate=args.lr,
        anneal_learning_rate=not args.no_anneal,
        gamma=args.gamma,
        gae_lambda=args.gae_lambda,
        clip_eps=args.clip_eps,
        entropy_coef=args.entropy_coef,
        value_coef=args.value_coef,
        max_grad_norm=args.max_grad_norm,
        reward_scale=args.reward_scale,
        replay_rollouts=args.replay_rollouts,
        updates_per_chunk=args.updates_per_chunk,
        checkpoint_every=args.checkpoint_every,
    )


def run(args: argparse.Namespace) -> int:
    """Trains as `args` say; returns 0, or 2 after printing what is wrong with the arguments.

    With `--coordinator`, this process first joins the others (`jax.distributed`);
    all of them train one run and process 0 writes its logs and progress bar.
    """
    from arenax.baselines import ppo
    from arenax.core import UnknownEnvironmentError

    try:
        cluster = distributed.cluster_from_args(args)
        config = config_from_args(args)
        if cluster is not None:
            distributed.initialize(cluster)
        trainer_result = ppo.train(config, args.out, progress=not args.no_progress and distributed.is_primary())
    except (ValueError, TypeError, UnknownEnvironmentError) as error:
        print(f"arenax train: {error}", file=sys.stderr)
        return 2
    summary = {
        "out": str(args.out),
        "chunks_run": trainer_result.chunks_run,
        "process_id": distributed.process_index(),
        "num_processes": distributed.process_count(),
        "config": dataclasses.asdict(config),
    }
    print(json.dumps(summary))
    return 0


def _parse_sizes(items: list[str]) -> dict[str, int]:
    sizes = {}
    for item in items:
        name, separator, value = item.partition("=")
        if not separator or not name or not value.lstrip("-").isdigit():
            raise ValueError(f"--backbone-size takes NAME=INT, got {item!r}")
        sizes[name] = int(value)
    return sizes


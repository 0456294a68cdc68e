"""`arenax play`: one episode of an environment under its built-in policies, written as a GIF of rendered frames.

Policies come from `env.scripted_policies()` (`random` everywhere, plus the
family's scripted agents, e.g. SMAX's `heuristic`). `--policy` drives every
agent; `--p1` and `--p2` override the first and second agent of a two-player
environment.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("env", help="environment id, e.g. SMAX-3m-v0 or arenax/Fight-v0")
    parser.add_argument("--policy", default="random", help="built-in policy for every agent (default: random)")
    parser.add_argument("--p1", help="built-in policy of the first agent (overrides --policy)")
    parser.add_argument("--p2", help="built-in policy of the second agent (overrides --policy)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=1000, help="stop after this many steps if the episode runs on")
    parser.add_argument("--out", help="GIF file to write (no frames are rendered without it)")
    parser.add_argument("--fps", type=int, default=15)


def choose_policies(env: Any, policy: str, overrides: dict[int, str]) -> Callable[[jax.Array, Any, Any], jax.Array]:
    """One `act(key, state, ts)` for all agents: `policy` for each, except the agents named in `overrides`."""
    available = env.scripted_policies()
    for name in {policy, *overrides.values()}:
        if name not in available:
            raise ValueError(f"{env.name} has no built-in policy {name!r}; choose one of {', '.join(sorted(available))}")
    for index in overrides:
        if index >= env.num_agents or not env.is_multi_agent:
            raise ValueError(f"--p{index + 1} needs an environment with at least {index + 1} agents; {env.name} has {len(env.agents) or 1}")
    if not overrides:
        return available[policy]
    names = [overrides.get(i, policy) for i in range(env.num_agents)]

    def act(key: jax.Array, state: Any, ts: Any) -> jax.Array:
        joint = {name: available[name](jax.random.fold_in(key, i), state, ts) for i, name in enumerate(dict.fromkeys(names))}
        return jnp.stack([joint[name][agent] for agent, name in enumerate(names)])

    return act


def play(env: Any, act: Callable, seed: int, max_steps: int, render: bool) -> tuple[list[np.ndarray], dict[str, Any]]:
    """Frames (when `render`) and a summary of one episode: steps, return per agent, and how it ended."""
    reset, step, act = jax.jit(env.reset), jax.jit(env.step), jax.jit(act)
    key = jax.random.PRNGKey(seed)
    state, ts = reset(key)
    frames = [env.render(state)] if render else []
    total = np.zeros_like(np.asarray(ts.reward), dtype=np.float64)
    steps = 0
    while steps < max_steps and not bool(ts.terminated | ts.truncated):
        state, ts = step(state, act(jax.random.fold_in(key, steps), state, ts))
        total += np.asarray(ts.reward)
        steps += 1
        if render:
            frames.append(env.render(state))
    summary = {
        "env": env.name,
        "steps": steps,
        "return": total.tolist(),
        "terminated": bool(ts.terminated),
        "truncated": bool(ts.truncated),
        **{name: np.asarray(value).tolist() for name, value in ts.info.items() if _is_outcome(value)},
    }
    return frames, summary


def _is_outcome(value: Any) -> bool:
    array = np.asarray(value) if not isinstance(value, dict) else None
    return array is not None and array.ndim == 0 and array.dtype == bool


def write_gif(frames: list[np.ndarray], path: Path, fps: int) -> None:
    """Writes `frames` as an animated GIF through a temporary file, so a half-written GIF never appears."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    images = [Image.fromarray(np.asarray(frame, np.uint8)) for frame in frames]
    partial = path.with_name(path.name + ".partial")
    images[0].save(partial, format="GIF", save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0)
    partial.replace(path)


def run(args: argparse.Namespace) -> int:
    import arenax
    from arenax.core import UnknownEnvironmentError

    overrides = {i: name for i, name in enumerate((args.p1, args.p2)) if name is not None}
    try:
        row = arenax.spec(args.env)
        if row.kind != "jax":
            raise ValueError(f"arenax play rolls out JAX environments; {row.id} is a {row.kind!r} environment")
        env = arenax.make(row.id)
        act = choose_policies(env, args.policy, overrides)
        if args.max_steps < 1 or args.fps < 1:
            raise ValueError("--max-steps and --fps must be at least 1")
    except (ValueError, UnknownEnvironmentError) as error:
        print(f"arenax play: {error}", file=sys.stderr)
        return 2
    frames, summary = play(env, act, args.seed, args.max_steps, render=args.out is not None)
    if args.out is not None:
        write_gif(frames, Path(args.out), args.fps)
        summary["out"] = str(args.out)
    print(json.dumps(summary))
    return 0

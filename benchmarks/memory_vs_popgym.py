"""Steps per second of the arenax memory tasks side by side with POPGym's numpy originals, in one process.

Per task:
  popgym        POPGym's environment stepped from Python with random actions (one env)
  arenax-gym    gym.make("arenax/ID") stepped from Python the same way (one env, jitted step)
  arenax-scan   jit(lax.scan(vmap(step))) with auto-reset and uniform random actions, for each --num-envs
Ratios are against `popgym`.

Usage: python benchmarks/memory_vs_popgym.py --num-envs 1 1024 --steps 2000
Needs the `bench` extra (popgym).
"""

from __future__ import annotations

import argparse
import importlib
import json
import time

import gymnasium as gym
import jax
import jax.numpy as jnp

import arenax
from arenax.wrappers import AutoReset

TASKS = {
    "RepeatPrevious-easy-v0": "popgym.envs.repeat_previous:RepeatPreviousEasy",
    "CountRecall-easy-v0": "popgym.envs.count_recall:CountRecallEasy",
    "Autoencode-easy-v0": "popgym.envs.autoencode:AutoencodeEasy",
    "MineSweeper-easy-v0": "popgym.envs.minesweeper:MineSweeperEasy",
    "PositionOnlyCartPole-easy-v0": "popgym.envs.position_only_cartpole:PositionOnlyCartPoleEasy",
}


def python_loop_steps_per_second(env, steps: int) -> float:
    env.reset(seed=0)
    env.action_space.seed(0)
    actions = [env.action_space.sample() for _ in range(steps)]
    start = time.perf_counter()
    for action in actions:
        _, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def scan_steps_per_second(env_id: str, num_envs: int, steps: int) -> float:
    env = AutoReset(arenax.make(env_id))

    @jax.jit
    def run(key):
        state, ts = jax.vmap(env.reset)(jax.random.split(key, num_envs))

        def body(carry, i):
            state, ts = carry
            # one randint per step: categorical sampling (sample_action) would cost more than the step itself
            actions = jax.random.randint(jax.random.fold_in(key, i), (num_envs,), 0, env.action_space.n)
            state, ts = jax.vmap(env.step)(state, actions)
            return (state, ts), ts.reward.sum() + ts.obs.sum()

        _, sums = jax.lax.scan(body, (state, ts), jnp.arange(steps))
        return sums.sum()

    jax.block_until_ready(run(jax.random.PRNGKey(0)))
    best = float("inf")
    for repeat in range(3):
        start = time.perf_counter()
        jax.block_until_ready(run(jax.random.PRNGKey(repeat + 1)))
        best = min(best, time.perf_counter() - start)
    return num_envs * steps / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--num-envs", type=int, nargs="+", default=[1, 1024])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--tasks", nargs="+", default=list(TASKS))
    args = parser.parse_args()
    rows = []
    for env_id in args.tasks:
        module, _, name = TASKS[env_id].partition(":")
        popgym = python_loop_steps_per_second(getattr(importlib.import_module(module), name)(), args.steps)
        arenax_gym = python_loop_steps_per_second(gym.make(f"arenax/{env_id}").unwrapped, args.steps)
        row = {"task": env_id, "popgym": popgym, "arenax-gym": arenax_gym, "arenax-gym/popgym": arenax_gym / popgym}
        for num_envs in args.num_envs:
            scan = scan_steps_per_second(env_id, num_envs, args.steps)
            row[f"arenax-scan@{num_envs}"] = scan
            row[f"arenax-scan@{num_envs}/popgym"] = scan / popgym
        rows.append(row)
        print(json.dumps({k: (round(v, 2) if isinstance(v, float) else v) for k, v in row.items()}), flush=True)


if __name__ == "__main__":
    main()

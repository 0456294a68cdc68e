"""Game frames per second of the JAX fighting game (Fight-v0), side by side with a Genesis emulator process.

FightLadder plays Street Fighter II (Genesis) through stable-retro, one emulator per process. Its paper
gives no frames-per-second figure, so the peer measured here is a documented stand-in: stable-retro's
Genesis core running the Airstriker-Genesis ROM that ships with stable-retro, one process, random
buttons, one emulator frame per step (`pip install stable-retro`). Rates are given per wall second
and per CPU second of the process; frames per CPU second compare one core of each.

arenax: `jit(lax.scan(vmap(env.step)))` over N matches of Fight-v0 (two players, uniform random
actions drawn before the timed run, frame skip 8), timed after compilation (fastest of 3 runs);
game frames = N * steps * 8.

Usage: python benchmarks/fight_throughput.py --num-matches 1 1024 4096 --steps 64 --pixel-steps 8
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time

import jax
import jax.numpy as jnp

from arenax.envs.fight import Fight


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(fn, *args, repeats=3):
    """(wall, cpu) seconds of the fastest of `repeats` calls after a compiling call, and the compile wall time."""
    start = time.perf_counter()
    jax.block_until_ready(fn(*args))
    compile_seconds = time.perf_counter() - start
    best = (float("inf"), float("inf"))
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), cpu_seconds()
        jax.block_until_ready(fn(*args))
        best = min(best, (time.perf_counter() - wall, cpu_seconds() - cpu))
    return best, compile_seconds


def arenax_frames(observation: str, num_matches: int, steps: int):
    env = Fight(observation=observation)
    key = jax.random.PRNGKey(0)
    actions = jax.random.randint(key, (steps, num_matches, 2), 0, env.single_agent_action_space.n)

    @jax.jit
    def run(key, actions):
        state, ts = jax.vmap(env.reset)(jax.random.split(key, num_matches))

        def body(state, step_actions):
            state, ts = jax.vmap(env.step)(state, step_actions)
            return state, jnp.sum(ts.obs.astype(jnp.float32)) + ts.reward.sum()

        _, sums = jax.lax.scan(body, state, actions)
        return sums.sum()

    (wall, cpu), compile_seconds = timed(run, key, jax.block_until_ready(actions))
    frames = num_matches * steps * env.frame_skip
    return frames / wall, frames / cpu, compile_seconds


def retro_frames(frames: int):
    import stable_retro

    env = stable_retro.make("Airstriker-Genesis-v0", render_mode=None)
    env.reset(seed=0)
    for _ in range(100):
        env.step(env.action_space.sample())
    wall, cpu = time.perf_counter(), cpu_seconds()
    for _ in range(frames):
        _, _, terminated, truncated, _ = env.step(env.action_space.sample())
        if terminated or truncated:
            env.reset()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    env.close()
    return frames / wall, frames / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--num-matches", type=int, nargs="+", default=[1, 1024, 4096])
    parser.add_argument("--steps", type=int, default=64, help="agent steps per match with feature observations")
    parser.add_argument("--pixel-steps", type=int, default=8, help="agent steps per match with pixel observations")
    parser.add_argument("--retro-frames", type=int, default=3000)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()

    retro_wall, retro_cpu = retro_frames(args.retro_frames)
    print(f"devices: {jax.devices()}  cores: {os.cpu_count()}")
    print(f"stable-retro Genesis (Airstriker), 1 process: {retro_wall:,.0f} frames/s wall, {retro_cpu:,.0f} frames/CPU-s")
    print(f"{'obs':>8} {'matches':>8} {'frames/s':>13} {'frames/CPU-s':>13} {'x retro/core':>13} {'compile s':>9}")
    rows = []
    for observation, steps in (("features", args.steps), ("pixels", args.pixel_steps)):
        for num_matches in args.num_matches:
            per_wall, per_cpu, compile_seconds = arenax_frames(observation, num_matches, steps)
            row = {
                "observation": observation,
                "num_matches": num_matches,
                "frames_per_s": per_wall,
                "frames_per_cpu_s": per_cpu,
                "ratio_per_core": per_cpu / retro_cpu,
                "compile_s": compile_seconds,
            }
            rows.append(row)
            print(
                f"{observation:>8} {num_matches:>8} {per_wall:>13,.0f} {per_cpu:>13,.0f} {row['ratio_per_core']:>13,.0f}"
                f" {compile_seconds:>9.1f}",
                flush=True,
            )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"retro_frames_per_s": retro_wall, "retro_frames_per_cpu_s": retro_cpu, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()

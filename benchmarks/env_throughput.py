"""Environment steps per second of an arenax environment, side by side with gymnax and Gymnasium.

Four measurements per batch size, in one process:
  arenax-scan   jit(vmap(step)) inside lax.scan with auto-reset and random valid actions
  gymnax-scan   the same loop over gymnax's CartPole-v1 (its step auto-resets)
  arenax-vec    gym.make_vec("arenax/ID") driven from Python with numpy actions
  gym-sync      Gymnasium's SyncVectorEnv over the classic numpy CartPole-v1
The two Python-driven loops are timed in alternating rounds and each reports its median round, so that
a shared machine's changing load falls on both.

Usage: python benchmarks/env_throughput.py CartPole-v1 --num-envs 1 64 1024 4096
"""

from __future__ import annotations

import argparse
import json
import time

import gymnasium as gym
import jax
import jax.numpy as jnp
import numpy as np

import arenax
from arenax.wrappers import AutoReset


def time_call(fn, *args, repeats=3):
    """Best wall time of `repeats` calls (after the first, which compiles), and the compile time."""
    start = time.perf_counter()
    jax.block_until_ready(fn(*args))
    compile_seconds = time.perf_counter() - start
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        best = min(best, time.perf_counter() - start)
    return best, compile_seconds


def checksum(tree):
    """A scalar that depends on every leaf, so that XLA cannot drop the work that made them."""
    return sum(jnp.sum(leaf.astype(jnp.float32)) for leaf in jax.tree_util.tree_leaves(tree))


def arenax_scan(env_id, num_envs, steps):
    env = AutoReset(arenax.make(env_id))

    @jax.jit
    def run(key):
        keys = jax.random.split(key, num_envs)
        state, ts = jax.vmap(env.reset)(keys)

        def body(carry, i):
            state, ts = carry
            actions = jax.vmap(env.sample_action)(jax.random.split(jax.random.fold_in(key, i), num_envs), ts)
            state, ts = jax.vmap(env.step)(state, actions)
            return (state, ts), checksum(ts.obs) + ts.reward.sum()

        _, sums = jax.lax.scan(body, (state, ts), jnp.arange(steps))
        return sums.sum()

    return time_call(run, jax.random.PRNGKey(0))


def gymnax_scan(num_envs, steps):
    import gymnax

    env, params = gymnax.make("CartPole-v1")

    @jax.jit
    def run(key):
        obs, state = jax.vmap(env.reset, in_axes=(0, None))(jax.random.split(key, num_envs), params)

        def body(state, i):
            step_key, action_key = jax.random.split(jax.random.fold_in(key, i))
            actions = jax.vmap(env.action_space(params).sample)(jax.random.split(action_key, num_envs))
            obs, state, reward, *_ = jax.vmap(env.step, in_axes=(0, 0, 0, None))(
                jax.random.split(step_key, num_envs), state, actions, params
            )
            return state, checksum(obs) + reward.sum()

        _, sums = jax.lax.scan(body, state, jnp.arange(steps))
        return sums.sum()

    return time_call(run, jax.random.PRNGKey(0))


def python_vector_loops(num_envs, rounds, arenax_steps, gym_steps, env_id):
    """Steps/s of `gym.make_vec("arenax/ID")` and `SyncVectorEnv`, timed in alternating rounds (median of each)."""
    arenax_envs = gym.make_vec(f"arenax/{env_id}", num_envs=num_envs)
    gym_envs = gym.make_vec("CartPole-v1", num_envs=num_envs, vectorization_mode="sync")
    rates = {"arenax": [], "gym": []}
    for name, envs in (("arenax", arenax_envs), ("gym", gym_envs)):
        envs.reset(seed=0)
        envs.step(envs.action_space.sample())
    actions = [arenax_envs.action_space.sample() for _ in range(8)]
    for _ in range(rounds):
        for name, envs, steps in (("arenax", arenax_envs, arenax_steps), ("gym", gym_envs, gym_steps)):
            start = time.perf_counter()
            for i in range(steps):
                envs.step(actions[i % 8])
            rates[name].append(num_envs * steps / (time.perf_counter() - start))
    arenax_envs.close()
    gym_envs.close()
    return float(np.median(rates["arenax"])), float(np.median(rates["gym"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("env_id", nargs="?", default="CartPole-v1")
    parser.add_argument("--num-envs", type=int, nargs="+", default=[1, 64, 1024, 4096])
    parser.add_argument("--scan-steps", type=int, default=1000, help="steps per environment in the scanned loops")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of the two Python-driven loops")
    parser.add_argument(
        "--loop-env-steps", type=int, default=2_000_000, help="environment steps per round of the arenax vector loop"
    )
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()

    print(f"devices: {jax.devices()}  env: {args.env_id}")
    header = f"{'num_envs':>8} {'arenax-scan':>13} {'gymnax-scan':>13} {'ratio':>6} {'arenax-vec':>12} {'gym-sync':>10} {'ratio':>7} {'compile s':>9}"
    print(header)
    rows = []
    for num_envs in args.num_envs:
        total = num_envs * args.scan_steps
        arenax_seconds, arenax_compile = arenax_scan(args.env_id, num_envs, args.scan_steps)
        gymnax_seconds, _ = gymnax_scan(num_envs, args.scan_steps)
        arenax_steps = max(10, min(5000, args.loop_env_steps // num_envs))
        gym_steps = max(5, min(5000, args.loop_env_steps // 40 // num_envs))
        vec_sps, sync_sps = python_vector_loops(num_envs, args.rounds, arenax_steps, gym_steps, args.env_id)
        row = {
            "num_envs": num_envs,
            "arenax_scan_sps": total / arenax_seconds,
            "gymnax_scan_sps": total / gymnax_seconds,
            "arenax_vec_sps": vec_sps,
            "gym_sync_sps": sync_sps,
            "arenax_compile_s": arenax_compile,
        }
        row["scan_ratio"] = row["arenax_scan_sps"] / row["gymnax_scan_sps"]
        row["vec_ratio"] = row["arenax_vec_sps"] / row["gym_sync_sps"]
        rows.append(row)
        print(
            f"{num_envs:>8} {row['arenax_scan_sps']:>13,.0f} {row['gymnax_scan_sps']:>13,.0f} {row['scan_ratio']:>6.2f}"
            f" {row['arenax_vec_sps']:>12,.0f} {row['gym_sync_sps']:>10,.0f} {row['vec_ratio']:>7.1f} {arenax_compile:>9.2f}",
            flush=True,
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"env_id": args.env_id, "device": str(jax.devices()[0]), "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()

"""Throughput of arenax's SMAX against JaxMARL's SMAX (HeuristicEnemySMAX), side by side in one process.

Both run uniformly random valid actions against their heuristic opponent under
`jit` + `vmap` + `lax.scan` with auto-reset; every observation, world state and
reward is summed into the scan's carry so that nothing is optimised away.
arenax runs twice: with the per-environment `Vectorize(AutoReset(env))`, which
(like JaxMARL's `step`) computes a fresh episode for every environment on every
step, and with `VectorAutoReset(Vectorize(env), reset_chunk)` as `gym.make_vec`
builds it, which resets only the ended environments, a sixteenth of the batch
at a time (same outputs bit for bit).
Reports environment steps per second of wall-clock time and per CPU second of
the process (median of `--repeats` timed calls after compilation, the three
rollouts timed in turns), their ratios, compile CPU seconds and the bytes of
state per environment. Wall
time is what a user waits for (XLA spreads a large batch's kernels over the
cores); CPU time is less skewed by other jobs on a shared machine, but it
also counts the second core's share of a multi-threaded kernel and its
waiting, so on a quiet machine read the wall-clock columns.

    .venv/bin/python benchmarks/smax_vs_jaxmarl.py --maps 3m 2s3z 27m_vs_30m --num-envs 1 16 256 1024 4096
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np

import arenax
from arenax.wrappers import AutoReset, VectorAutoReset, Vectorize
from arenax.wrappers.vector_env import RESET_CHUNKS


def tree_bytes(tree) -> int:
    return int(sum(np.asarray(leaf).nbytes for leaf in jax.tree_util.tree_leaves(tree)))


def arenax_rollout(map_name: str, num_envs: int, length: int, batch_reset: bool = False):
    """(init, rollout) of arenax's SMAX: `rollout(carry) -> carry` runs `length` steps of `num_envs` environments."""
    env = arenax.make(f"SMAX-{map_name}-v0")
    if batch_reset:
        vec = VectorAutoReset(Vectorize(env, num_envs), reset_chunk=max(1, num_envs // RESET_CHUNKS))
    else:
        vec = Vectorize(AutoReset(env), num_envs)

    def init(key):
        state, ts = vec.reset(key)
        return state, ts, key, jnp.float32(0.0)

    def rollout(carry):
        def body(carry, _):
            state, ts, key, total = carry
            key, action_key = jax.random.split(key)
            action = vec.sample_action(action_key, ts)
            state, ts = vec.step(state, action)
            total = total + jnp.sum(ts.obs) + jnp.sum(ts.info["world_state"]) + jnp.sum(ts.reward)
            return (state, ts, key, total), None

        return jax.lax.scan(body, carry, None, length)[0]

    single, _ = env.reset(jax.random.PRNGKey(0))
    return init, rollout, (tree_bytes(single.replace(params=None)), tree_bytes(single.params))


def jaxmarl_rollout(map_name: str, num_envs: int, length: int):
    """The same for JaxMARL's `HeuristicEnemySMAX` (its `step` auto-resets)."""
    import jaxmarl
    from jaxmarl.environments.smax import map_name_to_scenario

    env = jaxmarl.make("HeuristicEnemySMAX", scenario=map_name_to_scenario(map_name))
    agents = env.agents

    def init(key):
        obs, state = jax.vmap(env.reset)(jax.random.split(key, num_envs))
        return state, key, jnp.float32(0.0)

    def rollout(carry):
        def body(carry, _):
            state, key, total = carry
            key, action_key, step_key = jax.random.split(key, 3)
            avail = jax.vmap(env.get_avail_actions)(state)
            keys = jax.random.split(action_key, len(agents))
            actions = {
                agent: jax.random.categorical(k, jnp.where(avail[agent] > 0, 0.0, -jnp.inf), axis=-1)
                for agent, k in zip(agents, keys)
            }
            obs, state, reward, _, _ = jax.vmap(env.step)(jax.random.split(step_key, num_envs), state, actions)
            total = total + sum(jnp.sum(o) for o in obs.values()) + sum(jnp.sum(r) for r in reward.values())
            return (state, key, total), None

        return jax.lax.scan(body, carry, None, length)[0]

    _, single = env.reset(jax.random.PRNGKey(0))
    return init, rollout, (tree_bytes(single), 0)


def measure(makers: dict, map_name: str, num_envs: int, length: int, repeats: int) -> dict[str, dict]:
    """Compiles every rollout in `makers`, then times them in turns (`repeats` rounds), so that a change in the
    machine's load falls on all of them alike; medians per rollout."""
    runs = {}
    for name, make in makers.items():
        init, rollout, bytes_per_env = make(map_name, num_envs, length)
        carry = jax.jit(init)(jax.random.PRNGKey(0))
        start = time.process_time()
        compiled = jax.jit(rollout).lower(carry).compile()
        compile_s = time.process_time() - start
        runs[name] = {"call": compiled, "carry": jax.block_until_ready(compiled(carry)), "wall": [], "cpu": [],
                      "compile_s": compile_s, "bytes_per_env": bytes_per_env}
    for _ in range(repeats):
        for run in runs.values():
            start, start_cpu = time.perf_counter(), time.process_time()
            run["carry"] = jax.block_until_ready(run["call"](run["carry"]))
            run["wall"].append(time.perf_counter() - start)
            run["cpu"].append(time.process_time() - start_cpu)
    return {
        name: {
            "steps_per_s": num_envs * length / statistics.median(run["wall"]),
            "steps_per_cpu_s": num_envs * length / statistics.median(run["cpu"]),
            "compile_s": run["compile_s"],
            "bytes_per_env": run["bytes_per_env"],
        }
        for name, run in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maps", nargs="+", default=["3m", "2s3z", "27m_vs_30m"])
    parser.add_argument("--num-envs", nargs="+", type=int, default=[1, 16, 256, 1024, 4096])
    parser.add_argument("--env-steps", type=int, default=2048, help="environment steps per timed call (batch x scan length)")
    parser.add_argument("--min-length", type=int, default=8, help="shortest scan")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}; median of {args.repeats}")
    print(
        "| map | envs | arenax steps/s | arenax batch-reset steps/s | JaxMARL steps/s | ratio | ratio batch-reset | "
        "arenax steps/CPU-s | arenax batch-reset steps/CPU-s | JaxMARL steps/CPU-s | CPU ratio | CPU ratio batch-reset | "
        "arenax compile CPU s | JaxMARL compile CPU s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    sizes = {}
    for map_name in args.maps:
        for num_envs in args.num_envs:
            length = max(args.min_length, args.env_steps // num_envs)
            makers = {"ours": arenax_rollout, "batched": functools.partial(arenax_rollout, batch_reset=True),
                      "theirs": jaxmarl_rollout}
            measured = measure(makers, map_name, num_envs, length, args.repeats)
            ours, batched, theirs = measured["ours"], measured["batched"], measured["theirs"]
            sizes[map_name] = (*ours["bytes_per_env"], theirs["bytes_per_env"][0])
            cells = []
            for clock in ("steps_per_s", "steps_per_cpu_s"):
                rate, batch_rate, peer = ours[clock], batched[clock], theirs[clock]
                cells += [f"{rate:,.0f}", f"{batch_rate:,.0f}", f"{peer:,.0f}", f"{rate / peer:.2f}x", f"{batch_rate / peer:.2f}x"]
            cells += [f"{ours['compile_s']:.1f}", f"{theirs['compile_s']:.1f}"]
            print(f"| {map_name} | {num_envs} | " + " | ".join(cells) + " |", flush=True)
    print("\n| map | arenax state bytes/env (+ params) | JaxMARL state bytes/env |\n| --- | ---: | ---: |")
    for map_name, (ours, params, theirs) in sizes.items():
        print(f"| {map_name} | {ours:,} (+ {params:,}) | {theirs:,} |")


if __name__ == "__main__":
    main()

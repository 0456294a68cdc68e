"""Steps per second of the multi-objective environments side by side with MOMAland's numpy originals, in one process.

Per environment (same configuration on both sides):
  momaland      MOMAland's environment stepped from Python with random (masked) actions, one env
  arenax@N      jit(lax.scan(Vectorize(AutoReset(env), N).step)) with random (masked) actions,
                observations, rewards and episode ends of every step computed (the program returns them);
                a fresh episode is computed for every env on every step and kept where one ended
  batch@N       the same with `VectorAutoReset(Vectorize(env, N))`: the batch's fresh episodes are
                computed only on steps where some episode ended (fixed horizons: once per episode)
Ratios are arenax@N env-steps/s over MOMAland's; MOMAland has no batched mode, so N of its envs
run N times slower. Each rate is given per wall-clock second and per second of this process's CPU
time (all threads): on a shared machine the CPU-time rates are the ones that do not depend on what
else runs, and the CPU-time ratio is the conservative one (JAX may use several cores, MOMAland one).

Usage: python benchmarks/momarl_vs_momaland.py --num-envs 1 64 1024 --seconds 2
Needs the `bench` extra (momaland). MOMAland 0.2.0's route choice reads its networks with
`networkx.node_link_graph`, whose default edge key changed in networkx 3.4; this script passes
`edges="links"` for it.
"""

from __future__ import annotations

import argparse
import functools
import json
import time

import jax
import jax.numpy as jnp
import numpy as np
from gymnasium import spaces as gym_spaces

import arenax
from arenax.wrappers import AutoReset, VectorAutoReset, Vectorize

# (arenax id, arenax kwargs, MOMAland module, MOMAland kwargs, MOMAland API)
PAIRS = [
    ("MO-Beach-v0", {"horizon": 10}, "momaland.envs.beach.mobeach_v0", {"num_timesteps": 10}, "parallel"),
    ("MO-ItemGathering-v0", {}, "momaland.envs.item_gathering.moitem_gathering_v0", {}, "parallel"),
    ("MO-RouteChoice-v0", {"num_agents": 4200}, "momaland.envs.route_choice.moroute_choice_v0", {}, "parallel"),
    ("MO-Connect4-v0", {}, "momaland.envs.connect4.moconnect4_v0", {"column_objectives": False}, "aec"),
    ("MO-Surround-v0", {}, "momaland.envs.crazyrl.surround.surround_v0", {}, "parallel"),
    ("MO-WalkerLite-v0", {}, None, {}, None),
]


def momaland_env(module: str, kwargs: dict, api: str):
    if "route_choice" in module:
        import networkx

        if "edges" not in getattr(networkx.node_link_graph, "keywords", {}):
            networkx.node_link_graph = functools.partial(networkx.node_link_graph, edges="links")
    import importlib

    factory = importlib.import_module(module)
    return factory.parallel_env(**kwargs) if api == "parallel" else factory.raw_env(**kwargs)


class Clock:
    """Wall-clock and process CPU seconds since it started."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def elapsed(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def uniform_action(space, draw: float, rng=np.random.default_rng(1)):
    """A uniform random action of a Discrete space from one uniform draw, or of a Box from `rng`."""
    if isinstance(space, gym_spaces.Discrete):
        return int(space.start + int(draw * space.n))
    return rng.uniform(space.low, space.high).astype(space.dtype)


def momaland_steps_per_second(env, api: str, seconds: float) -> tuple[float, float]:
    """Env steps per wall and per CPU second (one AEC step is one move), random actions, reset at episode ends."""
    rng = np.random.default_rng(0)
    env.reset(seed=0)
    steps, clock = 0, Clock()
    while clock.elapsed()[0] < seconds:
        if api == "parallel":
            if not env.agents:
                env.reset()
            draws = rng.random(len(env.agents))
            env.step({agent: uniform_action(env.action_space(agent), u) for agent, u in zip(env.agents, draws)})
        else:
            obs, _, terminated, truncated, _ = env.last()
            if terminated or truncated:
                env.reset()
                continue
            env.step(int(rng.choice(np.flatnonzero(obs["action_mask"]))))
        steps += 1
    wall, cpu = clock.elapsed()
    return steps / wall, steps / cpu


def random_actions(env, key: jax.Array, ts, num_envs: int) -> jax.Array:
    """Uniform random actions of every agent of `num_envs` envs, drawn in one batch (masked ones excluded).

    Cheaper than vmapping `env.sample_action` over split keys, whose per-env key splitting and Gumbel
    draws cost more than these environments' steps; MOMAland's side draws its actions in bulk too.
    """
    space = env.single_agent_action_space
    shape = (num_envs, env.num_agents)
    if isinstance(space, gym_spaces.Box):
        return jax.random.uniform(key, shape + space.shape, minval=space.low, maxval=space.high)
    if "action_mask" in ts.info:
        # one random word per agent: the k-th allowed action, k uniform below the number allowed
        mask = ts.info["action_mask"]
        allowed = jnp.cumsum(mask, axis=-1)
        k = jax.random.bits(key, shape) % jnp.maximum(allowed[..., -1], 1).astype(jnp.uint32)
        return jnp.argmax(allowed > k[..., None].astype(allowed.dtype), axis=-1).astype(jnp.int32)
    return (jax.random.bits(key, shape) % space.n).astype(jnp.int32)


def arenax_steps_per_second(
    env_id: str, kwargs: dict, num_envs: int, seconds: float, per_env_reset: bool
) -> tuple[float, float]:
    if per_env_reset:
        env = Vectorize(AutoReset(arenax.make(env_id, **kwargs)), num_envs)
    else:
        env = VectorAutoReset(Vectorize(arenax.make(env_id, **kwargs), num_envs))

    def run(key, steps):
        state, ts = env.reset(key)

        def body(carry, i):
            state, ts = carry
            actions = random_actions(env, jax.random.fold_in(key, i), ts, num_envs)
            state, ts = env.step(state, actions)
            return (state, ts), ts.reward.sum()

        (_, ts), sums = jax.lax.scan(body, (state, ts), jnp.arange(steps))
        # returning the last observations keeps every step's observations live: with only the rewards read,
        # XLA would drop the observation computation from the loop, which MOMAland's side always pays for
        return sums.sum(), ts.obs

    compiled = jax.jit(run, static_argnums=1)
    jax.block_until_ready(compiled(jax.random.PRNGKey(0), 16))
    clock = Clock()
    jax.block_until_ready(compiled(jax.random.PRNGKey(1), 16))
    # one more compilation at the scan length that takes about a tenth of the budget
    wanted = 16 * (seconds / 10) / max(clock.elapsed()[0], 1e-6)
    steps = int(min(4096, max(16, 2 ** round(np.log2(wanted)))))
    jax.block_until_ready(compiled(jax.random.PRNGKey(0), steps))
    runs = []
    for repeat in range(3):
        clock = Clock()
        jax.block_until_ready(compiled(jax.random.PRNGKey(repeat + 2), steps))
        runs.append(clock.elapsed())
    wall, cpu = min(run[0] for run in runs), min(run[1] for run in runs)
    return num_envs * steps / wall, num_envs * steps / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--num-envs", type=int, nargs="+", default=[1, 64, 1024])
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget of MOMAland's loop per environment")
    parser.add_argument("--envs", nargs="+", default=[pair[0] for pair in PAIRS])
    args = parser.parse_args()
    for env_id, kwargs, module, peer_kwargs, api in PAIRS:
        if env_id not in args.envs:
            continue
        agents = arenax.make(env_id, **kwargs).num_agents
        row = {"env": env_id, "agents": agents}
        peer = None
        if module is not None:
            peer = momaland_steps_per_second(momaland_env(module, peer_kwargs, api), api, args.seconds)
            row["momaland"], row["momaland_cpu"] = peer
        for num_envs in args.num_envs:
            for name, per_env_reset in (("arenax", True), ("batch", False)):
                ours = arenax_steps_per_second(env_id, kwargs, num_envs, args.seconds, per_env_reset)
                row[f"{name}@{num_envs}"], row[f"{name}@{num_envs}_cpu"] = ours
                if peer is not None:
                    row[f"{name}_ratio@{num_envs}"] = ours[0] / peer[0]
                    row[f"{name}_ratio@{num_envs}_cpu"] = ours[1] / peer[1]
        print(json.dumps({k: (float(f"{v:.4g}") if isinstance(v, float) else v) for k, v in row.items()}), flush=True)


if __name__ == "__main__":
    main()

"""Win rates of a PPO agent trained on the fight ladder against every ladder opponent, one rung at a time, many matches in parallel.

Trains PPO on `FightLadder-<Character>-v0` into a run folder (or loads the run already there), then plays
its greedy policy against each of the 12 rungs with `LadderParams(ladder_index=k, climb=False)`:
`--matches` matches per rung, all rungs and matches vmapped in one jitted loop that stops when every
match has ended. Uniformly random play is measured in the same run as the reference.

Usage: python benchmarks/fight_ladder_eval.py --run runs/fight-ladder-ppo --matches 128 [--train-steps 1000000]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from arenax.baselines import ppo
from arenax.baselines.encoding import observation_encoder
from arenax.envs.fight import FightLadder
from arenax.envs.fight.policies import LADDER
from arenax.envs.fight.types import NUM_ACTIONS, LadderParams

MAX_STEPS = 3 * 99 * 60 // 8 + 8
"""Steps of the longest match: three full rounds at frame skip 8."""


def train_or_load(run: Path, character: str, steps: int, seed: int):
    env_id = f"FightLadder-{character.capitalize()}-v0"
    if not (run / "checkpoints").exists():
        config = ppo.PPOConfig(
            env_id=env_id, seed=seed, num_envs=64, rollout_length=64, learning_rate=5e-4,
            total_timesteps=steps, updates_per_chunk=5,
        )
        ppo.train(config, run)
    config, policy, state = ppo.restore(run)
    if config.env_id != env_id:
        raise ValueError(f"{run} trained {config.env_id}, not {env_id}")
    return config, policy, state


def ladder_results(env: FightLadder, policy, params, matches: int, seed: int) -> dict[str, np.ndarray]:
    """Per rung and player (0 the greedy policy, 1 uniformly random): wins, draws, losses and matches unfinished."""
    encode, _ = observation_encoder(env.observation_space)
    rungs = len(LADDER)

    def match(kind, rung, key):
        params_env = LadderParams(character=env.character, ladder_index=rung, climb=False)
        reset_key, key = jax.random.split(key)
        state, ts = env.reset(reset_key, params_env)

        def body(carry):
            state, ts, done, score, t, key = carry
            key, act_key = jax.random.split(key)
            _, logits, _ = policy.apply(params, (), encode(ts.obs)[None], jnp.ones((1,), bool), method="step")
            action = jnp.where(kind == 0, jnp.argmax(logits[0]), jax.random.randint(act_key, (), 0, NUM_ACTIONS))
            next_state, next_ts = env.step(state, action)
            ended = ~done & next_ts.info["match_ended"]
            score = jnp.where(ended, next_ts.info["match_score"], score)
            keep = lambda new, old: jax.tree_util.tree_map(lambda a, b: jnp.where(done, b, a), new, old)  # noqa: E731
            return keep(next_state, state), keep(next_ts, ts), done | next_ts.terminated, score, t + 1, key

        carry = (state, ts, jnp.bool_(False), jnp.float32(-1.0), jnp.int32(0), key)
        return jax.lax.while_loop(lambda c: ~c[2] & (c[4] < MAX_STEPS), body, carry)[3]

    kinds = jnp.repeat(jnp.arange(2), rungs * matches)
    rung_ids = jnp.tile(jnp.repeat(jnp.arange(rungs), matches), 2)
    keys = jax.random.split(jax.random.PRNGKey(seed), kinds.size)
    scores = np.asarray(jax.jit(jax.vmap(match))(kinds, rung_ids, keys)).reshape(2, rungs, matches)
    return {
        "wins": (scores == 1.0).sum(-1),
        "draws": (scores == 0.5).sum(-1),
        "losses": (scores == 0.0).sum(-1),
        "unfinished": (scores < 0).sum(-1),
    }


def wilson(wins: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a win rate."""
    if n == 0:
        return float("nan"), float("nan")
    p = wins / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=Path("runs/fight-ladder-ppo"))
    parser.add_argument("--character", default="ryn")
    parser.add_argument("--train-steps", type=int, default=1_000_000, help="PPO steps when the run folder is empty")
    parser.add_argument("--matches", type=int, default=128, help="matches per rung")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the table as JSON")
    args = parser.parse_args()
    jax.config.update("jax_compilation_cache_dir", os.path.expanduser("~/.cache/arenax/jax-compilation"))

    config, policy, state = train_or_load(args.run, args.character, args.train_steps, args.seed)
    env = FightLadder(args.character)
    params = jax.tree_util.tree_map(lambda leaf: leaf[0], state.learner.params)
    started = time.perf_counter()
    results = ladder_results(env, policy, params, args.matches, args.seed)
    seconds = time.perf_counter() - started
    steps = config.num_updates * config.steps_per_update
    print(f"{config.env_id}: PPO ({steps:,} steps, seed {config.seed}), greedy; {args.matches} matches per rung, "
          f"evaluated in {seconds:.0f} s (with compilation)")
    print("| rung | opponent | level | PPO wins | draws | losses | win rate (95% CI) | random play's win rate |")
    print("| ---: | --- | --- | ---: | ---: | ---: | --- | ---: |")
    rows = []
    for rung, (character, level) in enumerate(LADDER):
        wins, draws, losses = (int(results[k][0, rung]) for k in ("wins", "draws", "losses"))
        n = args.matches
        low, high = wilson(wins, n)
        random_rate = results["wins"][1, rung] / n
        print(f"| {rung} | {character} | {level} | {wins} | {draws} | {losses} | {wins / n:.2f} ({low:.2f}-{high:.2f}) "
              f"| {random_rate:.2f} |")
        rows.append({"rung": rung, "opponent": character, "level": level, "wins": wins, "draws": draws,
                     "losses": losses, "matches": n, "win_rate": wins / n, "random_win_rate": float(random_rate)})
    unfinished = int(results["unfinished"].sum())
    if unfinished:
        print(f"{unfinished} matches did not end within {MAX_STEPS} steps")
    if args.json:
        args.json.write_text(json.dumps({"env_id": config.env_id, "train_steps": steps, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()

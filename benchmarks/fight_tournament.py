"""Round-robin tournament of scripted and trained fighters with Elo and Bradley-Terry ratings, and exploitability by best responses.

Stages (each saves its output under --out and is skipped when that output exists):
1. population: self-play, fictitious self-play and a league (main agent, main exploiter, league
   exploiter) trained at once as one PPO population on Fight-v0 (ryn vs ryn), from scratch.
2. tournament: those five, the PPO agent trained on the ladder (--ladder-run) and the scripted idle,
   random, easy, medium and hard players play every pair --matches times (half from each seat; trained
   policies sample their actions); Elo and Bradley-Terry ratings with 95% bootstrap intervals.
3. exploitability: a fresh PPO best response is trained against each of five frozen targets with the
   same budget as a population learner, then plays --matches matches against its target: its mean
   score minus 0.5 estimates the target's exploitability (a lower bound for that budget).

Usage: python benchmarks/fight_tournament.py --out runs/fight-tournament --ladder-run runs/fight-ladder-ppo \
    --generations 8 --chunks-per-generation 3 --matches 64
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import jax
import numpy as np

import arenax.evaluation as ev
from arenax.baselines import ppo
from arenax.baselines.arena import Arena, Player, load_params, save_params
from arenax.baselines.league import LeagueExploiter, MainAgent, MainExploiter
from arenax.baselines.population import FixedOpponent, Population, population_config
from arenax.baselines.selfplay import FictitiousSelfPlay, SelfPlay
from arenax.envs.fight import Fight

SCRIPTED = ("idle", "random", "easy", "medium", "hard")
ROLES = {
    "self_play": SelfPlay(),
    "fictitious_self_play": FictitiousSelfPlay(archive=3),
    "league_main": MainAgent(archive=2),
    "main_exploiter": MainExploiter(archive=1, reset_every=4),
    "league_exploiter": LeagueExploiter(archive=1, reset_every=6),
}
TARGETS = ("random", "ppo_ladder", "self_play", "fictitious_self_play", "league_main")
MAX_STEPS = 3 * 99 * 60 // 8 + 8


def base_config(args) -> ppo.PPOConfig:
    config = ppo.PPOConfig(
        env_id="Fight-v0-population", num_envs=args.num_envs, rollout_length=64, learning_rate=5e-4, updates_per_chunk=5,
    )
    return population_config(config, len(ROLES), args.generations, args.chunks_per_generation)


def log_generation(stage: str, started: float):
    def report(generation: int, records: list[dict]) -> None:
        rates = ", ".join(f"{r['role']} {r['win_rate'] if r['win_rate'] is None else round(r['win_rate'], 2)}" for r in records)
        print(f"[{stage}] generation {generation} ({time.perf_counter() - started:.0f} s): training win rates {rates}", flush=True)

    return report


def train_population(args, env: Fight) -> dict[str, Path]:
    folder = args.out / "agents"
    paths = {name: folder / f"{name}.msgpack" for name in ROLES}
    if all(path.exists() for path in paths.values()):
        return paths
    started = time.perf_counter()
    population = Population(
        base_config(args), env, list(ROLES.values()), scripted=SCRIPTED, pool_size=args.pool_size,
        random_seat=args.random_seat,
    )
    result = population.run(args.generations, args.chunks_per_generation, log_generation("population", started))
    for learner, (name, path) in enumerate(paths.items()):
        save_params(path, result.params(learner))
    (args.out / "population_records.json").write_text(json.dumps(result.records, indent=1))
    print(f"[population] trained in {time.perf_counter() - started:.0f} s", flush=True)
    return paths


def trained_players(args, arena: Arena, paths: dict[str, Path]) -> dict[str, Player]:
    _, _, state = ppo.restore(args.ladder_run)
    players = {"ppo_ladder": Player(params=jax.tree_util.tree_map(lambda leaf: np.asarray(leaf[0]), state.learner.params))}
    players.update({name: Player(params=load_params(path, arena.template)) for name, path in paths.items()})
    return players


def tournament(args, arena: Arena, players: dict[str, Player]) -> None:
    path = args.out / "tournament_matches.json"
    if not path.exists():
        started = time.perf_counter()
        records = arena.round_robin(players, args.matches, seed=args.seed)
        path.write_text(json.dumps(records))
        print(f"[tournament] {len(records)} matches in {time.perf_counter() - started:.0f} s", flush=True)
    records = [tuple(r) for r in json.loads(path.read_text())]
    order = np.random.default_rng(args.seed).permutation(len(records))
    shuffled = [records[i] for i in order]  # Elo replays matches in order: no pair-by-pair drift
    elo = ev.elo_ratings(shuffled, reps=args.reps, seed=args.seed)
    bt = ev.bradley_terry_ratings(records, reps=args.reps, seed=args.seed)
    score = {name: [] for name in players}
    for a, b, s in records:
        score[a].append(s)
        score[b].append(1.0 - s)
    print(f"\nRound robin: {len(players)} players, {args.matches} matches per pair, {len(records)} matches; "
          f"95% percentile bootstrap intervals over matches ({args.reps} replicates)")
    print("| player | Bradley-Terry (95% CI) | Elo (95% CI) | mean score |")
    print("| --- | --- | --- | ---: |")
    for name in sorted(players, key=lambda n: -bt[n].point):
        print(f"| {name} | {bt[name].point:.0f} ({bt[name].low:.0f} to {bt[name].high:.0f}) | "
              f"{elo[name].point:.0f} ({elo[name].low:.0f} to {elo[name].high:.0f}) | {np.mean(score[name]):.2f} |")
    pairs = {}
    for a, b, s in records:
        pairs.setdefault((a, b), []).append(s)
    names = sorted(players, key=lambda n: -bt[n].point)
    print("\nMean score of the row player against the column player:")
    print("| | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))
    for a in names:
        cells = []
        for b in names:
            if a == b:
                cells.append("-")
            else:
                s = pairs.get((a, b)) or [1.0 - x for x in pairs[(b, a)]]
                cells.append(f"{np.mean(s):.2f}")
        print(f"| {a} | " + " | ".join(cells) + " |")


def exploitability(args, env: Fight, arena: Arena, players: dict[str, Player]) -> None:
    folder = args.out / "best_responses"
    paths = {target: folder / f"{target}.msgpack" for target in TARGETS}
    if not all(path.exists() for path in paths.values()):
        started = time.perf_counter()
        fixed = {name: players[name].params for name in TARGETS if name not in SCRIPTED}
        population = Population(
            base_config(args), env, [FixedOpponent(opponent=target) for target in TARGETS],
            scripted=SCRIPTED, fixed=fixed, pool_size=args.pool_size, random_seat=args.random_seat,
        )
        result = population.run(args.generations, args.chunks_per_generation, log_generation("best responses", started))
        for learner, path in enumerate(paths.values()):
            save_params(path, result.params(learner))
        (args.out / "best_response_records.json").write_text(json.dumps(result.records, indent=1))
    steps = args.generations * args.chunks_per_generation * base_config(args).updates_per_chunk * base_config(args).steps_per_update
    print(f"\nExploitability: PPO best response trained {steps:,} steps against each frozen target, "
          f"then {args.matches} matches (half from each seat; both sample their actions)")
    print("| target | best response wins | draws | losses | BR win rate | BR mean score | exploitability (score - 0.5) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for index, (target, path) in enumerate(paths.items()):
        response = Player(params=load_params(path, arena.template))
        target_player = Player(scripted=target) if target in SCRIPTED else players[target]
        scores = arena.scores(response, target_player, args.matches, seed=args.seed + 1000 + 2 * index)
        wins, draws, losses = (int((scores == v).sum()) for v in (1.0, 0.5, 0.0))
        print(f"| {target} | {wins} | {draws} | {losses} | {wins / scores.size:.2f} | {scores.mean():.2f} | "
              f"{scores.mean() - 0.5:+.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/fight-tournament"))
    parser.add_argument("--ladder-run", type=Path, default=Path("runs/fight-ladder-ppo"))
    parser.add_argument("--generations", type=int, default=8)
    parser.add_argument("--chunks-per-generation", type=int, default=3)
    parser.add_argument("--num-envs", type=int, default=64)
    parser.add_argument("--pool-size", type=int, default=12)
    parser.add_argument("--matches", type=int, default=64, help="matches per pair (tournament) and per best response")
    parser.add_argument("--reps", type=int, default=1000, help="bootstrap replicates")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--random-seat", action="store_true",
                        help="learners and best responses train on a random seat per episode (default: seat 0)")
    parser.add_argument("--stages", nargs="+", default=["tournament", "exploitability"],
                        choices=["tournament", "exploitability"])
    args = parser.parse_args()
    jax.config.update("jax_compilation_cache_dir", os.path.expanduser("~/.cache/arenax/jax-compilation"))
    args.out.mkdir(parents=True, exist_ok=True)

    env = Fight(characters=("ryn", "ryn"))
    paths = train_population(args, env)
    arena = Arena(env, ppo.make_policy(base_config(args), env.single_agent_action_space.n), MAX_STEPS)
    players = trained_players(args, arena, paths)
    everyone = {name: Player(scripted=name) for name in SCRIPTED}
    everyone.update(players)
    if "tournament" in args.stages:
        tournament(args, arena, everyone)
    if "exploitability" in args.stages:
        exploitability(args, env, arena, everyone)


if __name__ == "__main__":
    main()

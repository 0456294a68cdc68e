"""The ratings table of a fight-ladder section: its trained memoryless agents and the scripted fighters in a round robin.

For each character of the section, every seed of every memoryless job
(`ppo-mlp` on `FightLadder-<Character>-v0`) and the scripted idle, random,
easy, medium and hard fighters play each other on the two-player game with
both fighters that character (half the matches from each seat); the matches
give Elo and Bradley-Terry ratings with bootstrap intervals
(`arenax.evaluation`). Recurrent agents are left out: the arena plays
memoryless policies only.
"""

from __future__ import annotations

from pathlib import Path

import jax
import numpy as np

from arenax.bench.runner import is_done, job_folder
from arenax.bench.suite import Job, Suite

LADDER_PREFIX = "FightLadder-"
MATCHES_PER_PAIR = 32
MATCH_STEPS = 3 * 99 * 60 // 8 + 8
"""Agent steps that cover three full rounds at the default frame skip: a match that lasts longer is a draw."""
Table = tuple[str, list[str], list[list[str]]]


def is_ladder_section(jobs: list[Job]) -> bool:
    return all(job.task.startswith(LADDER_PREFIX) for job in jobs)


def rated_players(suite: Suite, out: str | Path, section: str) -> dict[str, tuple[object, dict[str, object]]]:
    """Character -> (the agents' network, {player name: Player}): every seed of the section's finished memoryless jobs."""
    from arenax.baselines import ppo
    from arenax.baselines.arena import Player

    players: dict[str, tuple[object, dict[str, object]]] = {}
    for job in suite.sections[section]:
        folder = job_folder(out, job)
        if job.variant != ppo.MEMORYLESS or not is_done(folder):
            continue
        _, policy, state = ppo.restore(folder)
        character = job.task.removeprefix(LADDER_PREFIX).removesuffix("-v0").lower()
        named = players.setdefault(character, (policy, {}))[1]
        seeds = jax.tree_util.tree_leaves(state.learner.params)[0].shape[0]
        for seed in range(seeds):
            params = jax.tree_util.tree_map(lambda leaf, seed=seed: np.asarray(leaf[seed]), state.learner.params)
            named[f"{job.algorithm}-{job.variant} seed {seed}"] = Player(params=params)
    return players


def ratings_table(title: str, records: list[tuple[str, str, float]], reps: int, seed: int) -> Table:
    """Bradley-Terry and Elo ratings (95% intervals) and mean score per player, strongest first."""
    from arenax import evaluation

    order = np.random.default_rng(seed).permutation(len(records))
    elo = evaluation.elo_ratings([records[i] for i in order], reps=reps, seed=seed)
    bradley_terry = evaluation.bradley_terry_ratings(records, reps=reps, seed=seed)
    scores: dict[str, list[float]] = {}
    for a, b, score in records:
        scores.setdefault(a, []).append(score)
        scores.setdefault(b, []).append(1.0 - score)
    rows = [
        [
            name,
            f"{bradley_terry[name].point:.0f} [{bradley_terry[name].low:.0f}, {bradley_terry[name].high:.0f}]",
            f"{elo[name].point:.0f} [{elo[name].low:.0f}, {elo[name].high:.0f}]",
            f"{np.mean(scores[name]):.2f}",
        ]
        for name in sorted(scores, key=lambda n: -bradley_terry[n].point)
    ]
    return title, ["player", "Bradley-Terry [95%]", "Elo [95%]", "mean score"], rows


def ladder_tables(
    suite: Suite, out: str | Path, *, matches: int = MATCHES_PER_PAIR, reps: int = 2000, seed: int = 0
) -> list[Table]:
    """One ratings table per character of every fight-ladder section of `suite`."""
    from arenax.baselines.arena import Arena, Player
    from arenax.envs.fight import Fight

    tables = []
    for section, jobs in suite.sections.items():
        if not is_ladder_section(jobs):
            continue
        for character, (policy, trained) in rated_players(suite, out, section).items():
            env = Fight(characters=(character, character))
            arena = Arena(env, policy, MATCH_STEPS)
            players = {**trained, **{name: Player(scripted=name) for name in env.scripted_policies()}}
            records = arena.round_robin(players, matches, seed=seed)
            title = (
                f"Ratings, {section}: {character} against {character}, round robin of {matches} matches per pair"
                " (half from each seat; trained agents sample their actions)"
            )
            tables.append(ratings_table(title, records, reps, seed))
    return tables

"""Scripted rollout jobs: an agent (oracle, random or LLM) plays browser or OS tasks, one logged line per episode.

Episode `i` of seed `s` resets the task, and seeds a fresh agent, with
`s * EPISODE_SEEDS + i`, so a job that was interrupted continues after its
last logged episode and ends as an uninterrupted one would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import gymnasium as gym

from arenax.baselines import run_log
from arenax.bench.agents import POLICIES, make_agent
from arenax.bench.suite import Job

ALGORITHMS = ("scripted",)
VARIANTS = "policies"
GROUP_KEYS: tuple[str, ...] = ()
DEFAULTS = {"episodes": 20, "max_steps": 100}
EPISODE_SEEDS = 1_000_000


def variants(group: dict[str, Any]) -> list[str]:
    names = [str(policy) for policy in group[VARIANTS]]
    unknown = set(names) - set(POLICIES)
    if unknown:
        raise ValueError(f"unknown policies {sorted(unknown)}; choose from {', '.join(POLICIES)}")
    return names


def settable() -> set[str]:
    return set(DEFAULTS)


def check_task(task_id: str, row) -> None:
    if row.family not in ("browser", "os"):
        raise ValueError(f"{task_id} is a {row.family} environment; scripted jobs play browser and OS tasks")


def options(job: Job) -> dict[str, int]:
    chosen = {**DEFAULTS, **job.config}
    for name, value in chosen.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{job.name}: {name} must be a positive integer, got {value!r}")
    return chosen


def units(job: Job, seeds: int) -> int:
    """Progress units of the job: its episodes over all seeds."""
    return options(job)["episodes"] * seeds


def settings(job: Job, seeds: int) -> dict[str, Any]:
    return {"algorithm": job.variant, "env_id": job.task, "seeds": seeds, **options(job)}


def play_episode(env: gym.Env, agent: Any, seed: int, max_steps: int) -> tuple[float, int, bool]:
    """One episode: its return, its length and whether the agent succeeded (a positive return)."""
    observation, _ = env.reset(seed=seed)
    agent.reset()
    total, steps = 0.0, 0
    for steps in range(1, max_steps + 1):
        observation, reward, terminated, truncated, _ = env.step(agent.act(observation))
        total += float(reward)
        if terminated or truncated:
            break
    return total, steps, total > 0


def run(job: Job, folder: Path, seeds: int, on_progress: Callable[[int, list[dict]], None] | None, devices=None) -> bool:
    """Plays the episodes not yet logged; True when some were logged before this call.

    Each episode is a line of `<seed>/episodes.jsonl`; when a seed's episodes
    are all played, its `metrics.jsonl` gets one line: the mean return and
    success rate over them (what the report scores).
    """
    chosen = options(job)
    resumed, done = False, 0
    env = gym.make(f"arenax/{job.task}")
    try:
        for seed in range(seeds):
            seed_folder = folder / str(seed)
            run_log.write_config(seed_folder, {"algorithm": job.variant, "env_id": job.task, "seed": seed, **chosen})
            episodes = episodes_folder(seed_folder)
            logged = run_log.read_metrics(episodes)
            run_log.keep_metrics(episodes, logged)
            resumed |= bool(logged)
            done += len(logged)
            for episode in range(len(logged), chosen["episodes"]):
                episode_seed = seed * EPISODE_SEEDS + episode
                agent = make_agent(job.variant, env, episode_seed)
                episode_return, length, success = play_episode(env, agent, episode_seed, chosen["max_steps"])
                record = {"episode": episode, "episode_return": episode_return, "length": length, "success": success}
                run_log.append_metrics(episodes, record)
                logged.append(record)
                done += 1
                if on_progress is not None:
                    on_progress(done, [record])
            summary = {
                "step": sum(r["length"] for r in logged),
                "episodes": len(logged),
                "episode_return": sum(r["episode_return"] for r in logged) / len(logged),
                "success_rate": sum(r["success"] for r in logged) / len(logged),
            }
            run_log.keep_metrics(seed_folder, [summary])
    finally:
        env.close()
    return resumed


def episodes_folder(seed_folder: Path) -> Path:
    """Where a seed's per-episode lines live (a `metrics.jsonl` of their own, beside the seed's summary)."""
    return seed_folder / "episodes"

"""Scripted rollout jobs: an agent (oracle, random or LLM) plays browser or OS tasks, one logged line per episode.

Episode `i` of seed `s` resets the task, and seeds a fresh agent, with
`s * EPISODE_SEEDS + i`, so a job that was interrupted plays only the
episodes it has not logged and ends as an uninterrupted one would. With
several workers, each worker process keeps one environment (one browser or
sandbox) and plays whole episodes; the oracle agents read the task instance
inside the environment, which is why episodes, not steps, go to the workers
(`gym.make_vec(..., vectorization_mode="async")` shares only observations).
"""

from __future__ import annotations

import atexit
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable, Iterator

import gymnasium as gym

from arenax.baselines import run_log
from arenax.bench.agents import POLICIES, make_agent
from arenax.bench.kinds import checked_names
from arenax.bench.suite import Job

ALGORITHMS = ("scripted",)
VARIANTS = "policies"
GROUP_KEYS: tuple[str, ...] = ()
SCORE_KEY = "episode_return"
ALREADY_NORMALIZED = False
SPANS_PROCESSES = False
"""Episodes are played by Python processes, not JAX devices."""
DEFAULTS = {"episodes": 20, "max_steps": 100}
EPISODE_SEEDS = 1_000_000


def variants(group: dict[str, Any]) -> list[str]:
    return checked_names(group[VARIANTS], VARIANTS, POLICIES)


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


def run(
    job: Job,
    folder: Path,
    seeds: int,
    on_progress: Callable[[int, list[dict]], None] | None,
    devices=None,
    workers: int = 1,
) -> bool:
    """Plays the episodes not yet logged, in `workers` processes; True when some were logged before this call.

    Each episode is a line of `<seed>/episodes/metrics.jsonl`; when a seed's
    episodes are all played, its `metrics.jsonl` gets one line: the mean return
    and success rate over them (what the report scores).
    """
    chosen = options(job)
    logged: dict[int, list[dict]] = {}
    for seed in range(seeds):
        seed_folder = folder / str(seed)
        run_log.write_config(seed_folder, {"algorithm": job.variant, "env_id": job.task, "seed": seed, **chosen})
        logged[seed] = run_log.read_metrics(episodes_folder(seed_folder))
        run_log.keep_metrics(episodes_folder(seed_folder), logged[seed])
    resumed = any(logged.values())
    done = sum(map(len, logged.values()))
    pending = [
        seed * EPISODE_SEEDS + episode
        for seed in range(seeds)
        for episode in sorted(set(range(chosen["episodes"])) - {r["episode"] for r in logged[seed]})
    ]
    with Players(job.task, job.variant, chosen["max_steps"], workers) as players:
        for episode_seed, (episode_return, length, success) in players.play(pending):
            seed, episode = divmod(episode_seed, EPISODE_SEEDS)
            record = {"episode": episode, "episode_return": episode_return, "length": length, "success": success}
            run_log.append_metrics(episodes_folder(folder / str(seed)), record)
            logged[seed].append(record)
            done += 1
            if on_progress is not None:
                on_progress(done, [record])
    for seed, records in logged.items():
        summary = {
            "step": sum(r["length"] for r in records),
            "episodes": len(records),
            "episode_return": sum(r["episode_return"] for r in records) / len(records),
            "success_rate": sum(r["success"] for r in records) / len(records),
        }
        run_log.keep_metrics(folder / str(seed), [summary])
    return resumed


class Players:
    """Plays episodes of one task with one agent: in this process, or in `workers` processes each with its own environment."""

    def __init__(self, task: str, policy: str, max_steps: int, workers: int):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.task, self.policy, self.max_steps, self.workers = task, policy, max_steps, workers
        self.env = None
        self.pool = None

    def __enter__(self) -> "Players":
        if self.workers == 1:
            self.env = gym.make(f"arenax/{self.task}")
        else:
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_open_worker, initargs=(self.task,))
        return self

    def __exit__(self, *exc_info) -> None:
        if self.env is not None:
            self.env.close()
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def play(self, episode_seeds: list[int]) -> Iterator[tuple[int, tuple[float, int, bool]]]:
        """(episode seed, (return, length, success)) for every seed, in the order the episodes finish."""
        if self.pool is None:
            for seed in episode_seeds:
                yield seed, play_episode(self.env, make_agent(self.policy, self.env, seed), seed, self.max_steps)
            return
        futures = {self.pool.submit(_play_in_worker, self.policy, seed, self.max_steps): seed for seed in episode_seeds}
        for future in as_completed(futures):
            yield futures[future], future.result()


_WORKER_ENV: gym.Env | None = None


def _open_worker(task: str) -> None:
    global _WORKER_ENV
    _WORKER_ENV = gym.make(f"arenax/{task}")
    atexit.register(_WORKER_ENV.close)


def _play_in_worker(policy: str, seed: int, max_steps: int) -> tuple[float, int, bool]:
    return play_episode(_WORKER_ENV, make_agent(policy, _WORKER_ENV, seed), seed, max_steps)


def episodes_folder(seed_folder: Path) -> Path:
    """Where a seed's per-episode lines live (a `metrics.jsonl` of their own, beside the seed's summary)."""
    return seed_folder / "episodes"

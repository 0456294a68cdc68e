"""MOMAPPO jobs: a weight-conditioned policy trained on a multi-objective task, scored by the hypervolume of its front.

The variant is how episodes draw their weights (`simplex` or `grid`). Each
seed's run folder gets one line with the hypervolume, EUM and cardinality of
the front its policy reaches over the evaluation weights. Training (PPO's own
logs and checkpoints, and MOMAPPO's results.json) lives beside the job folder,
in `<job folder>.training`, so that an interrupted job resumes its training
and the report reads only the fronts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from arenax.baselines import run_log
from arenax.bench.kinds import checked_names
from arenax.bench.suite import Job

ALGORITHMS = ("momappo",)
VARIANTS = "weights"
GROUP_KEYS: tuple[str, ...] = ()
SCORE_KEY = "hypervolume"
ALREADY_NORMALIZED = False
SPANS_PROCESSES = False
"""MOMAPPO writes results.json from every process."""
DEFAULTS: dict[str, Any] = {
    "algorithm": "ippo",
    "total_timesteps": 200_000,
    "num_envs": 16,
    "rollout_length": 64,
    "learning_rate": 3e-4,
    "entropy_coef": 0.01,
    "features": 64,
    "divisions": 10,
    "episodes": 16,
    "greedy": False,
}


def variants(group: dict[str, Any]) -> list[str]:
    from arenax.baselines.momappo import WEIGHT_SAMPLERS

    return checked_names(group[VARIANTS], VARIANTS, WEIGHT_SAMPLERS)


def settable() -> set[str]:
    return set(DEFAULTS)


def check_task(task_id: str, row) -> None:
    from arenax.core import make

    if row.kind != "jax" or not row.multi_agent or make(task_id).reward_space is None:
        raise ValueError(f"{task_id} is not a multi-objective multi-agent JAX environment; MOMAPPO trains those")


def configs(job: Job, seeds: int):
    """The MOMAPPO and PPO configurations of the job."""
    from arenax.baselines import ppo
    from arenax.baselines.momappo import MOMAPPOConfig

    chosen = {**DEFAULTS, **job.config}
    momappo_config = MOMAPPOConfig(
        env_id=job.task, weights=job.variant, divisions=chosen["divisions"],
        evaluation_episodes=chosen["episodes"], greedy=chosen["greedy"],
    )
    ppo_config = ppo.PPOConfig(
        env_id=job.task, algorithm=chosen["algorithm"], seed=0, num_seeds=seeds,
        total_timesteps=chosen["total_timesteps"], num_envs=chosen["num_envs"], rollout_length=chosen["rollout_length"],
        num_minibatches=min(4, chosen["num_envs"]), learning_rate=chosen["learning_rate"],
        entropy_coef=chosen["entropy_coef"], features=chosen["features"], updates_per_chunk=5,
    )
    return momappo_config, ppo_config


def units(job: Job, seeds: int) -> int:
    """Progress units of the job: one, when its front is evaluated."""
    return 1


def settings(job: Job, seeds: int) -> dict[str, Any]:
    momappo_config, ppo_config = configs(job, seeds)
    return {"weights": momappo_config.weights, "divisions": momappo_config.divisions,
            "episodes": momappo_config.evaluation_episodes, "greedy": momappo_config.greedy, "ppo": ppo_config.to_dict()}


def run(
    job: Job,
    folder: Path,
    seeds: int,
    on_progress: Callable[[int, list[dict]], None] | None,
    devices=None,
    workers: int = 1,
) -> bool:
    """Trains (or resumes) the policy, evaluates its front per seed; True when training resumed from a checkpoint."""
    from arenax.baselines import momappo

    momappo_config, ppo_config = configs(job, seeds)
    training = training_folder(folder)
    resumed = (training / "ppo" / "checkpoints").is_dir()
    results = momappo.train(momappo_config, ppo_config, training)
    records = []
    for seed_result in results["seeds"]:
        seed_folder = folder / str(seed_result["seed"])
        run_log.write_config(
            seed_folder, {"algorithm": job.algorithm, "backbone": job.variant, "env_id": job.task, "seed": seed_result["seed"]}
        )
        record = {"step": ppo_config.num_updates * ppo_config.steps_per_update, **{
            key: seed_result[key] for key in ("hypervolume", "eum", "cardinality")
        }}
        run_log.keep_metrics(seed_folder, [record])
        records.append(record)
    if on_progress is not None:
        on_progress(1, records)
    return resumed


def training_folder(folder: Path) -> Path:
    return folder.with_name(folder.name + ".training")

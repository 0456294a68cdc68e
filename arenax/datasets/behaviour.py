"""Behaviour policies of the D4RL tiers: one PPO run per environment and seed, its policy after every chunk kept as a checkpoint.

The expert is the checkpoint with the best training return; medium is the
checkpoint whose return lies closest to a third of the way from random to the
expert; medium-replay replays the checkpoints up to medium. Runs use a constant
learning rate, so that a checkpoint does not depend on how long the run was
meant to be. A trained run is cached in a folder and reused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import jax
import numpy as np
from flax import serialization

from arenax.baselines import ppo, run_log
from arenax.core import make, spec
from arenax.datasets.naming import env_slug
from arenax.datasets.rollout import Collector, Episodes, ppo_policy, random_policy

MEDIUM_FRACTION = 1 / 3
"""Medium's place between the random policy's return (0) and the expert's (1), as in D4RL."""

BEHAVIOUR_SETTINGS: dict[str, dict[str, Any]] = {
    "CartPole-v1": dict(total_timesteps=120_000, num_envs=16, rollout_length=64, learning_rate=1e-3, updates_per_chunk=5),
    "RepeatPrevious-easy-v0": dict(
        backbone="gru", total_timesteps=400_000, num_envs=32, rollout_length=64, learning_rate=1e-3,
        updates_per_chunk=10, entropy_coef=0.003,
    ),
    "Pendulum-v1": dict(
        total_timesteps=200_000, num_envs=16, rollout_length=128, num_epochs=10, learning_rate=1e-3, gamma=0.9,
        entropy_coef=0.0, reward_scale=0.1, updates_per_chunk=2,
    ),
    "SMAX-3m-v0": dict(
        algorithm="mappo", total_timesteps=300_000, num_envs=32, rollout_length=64, learning_rate=1e-3,
        updates_per_chunk=10,
    ),
}
"""PPO settings that reach a useful expert on the CPU in minutes; other environments use PPO's defaults."""

CHECKPOINT_FILE = "checkpoints.msgpack"
SUMMARY_FILE = "behaviour.json"


def behaviour_config(env_id: str, seed: int = 0, **overrides: Any) -> ppo.PPOConfig:
    """The PPO configuration of `env_id`'s behaviour policies (mappo for multi-agent environments with a world state)."""
    row = spec(env_id)
    settings: dict[str, Any] = {"algorithm": "ippo" if row.multi_agent else "ppo"}
    settings.update(BEHAVIOUR_SETTINGS.get(row.id, {}))
    settings.update(overrides)
    return ppo.PPOConfig(env_id=row.id, seed=seed, num_seeds=1, anneal_learning_rate=False, **settings)


@dataclass
class Behaviour:
    """A trained run's checkpoints (index 0 is the untrained policy) and the tiers chosen among them."""

    config: ppo.PPOConfig
    checkpoints: list[Any]
    training_returns: list[float | None]
    expert_index: int
    medium_index: int
    returns: dict[str, float]
    """Mean episode return of the random, medium and expert behaviour policies (random and expert are the reference scores)."""
    folder: Path | None = None

    @property
    def ref_min_score(self) -> float:
        return self.returns["random"]

    @property
    def ref_max_score(self) -> float:
        return self.returns["expert"]

    def describe(self, index: int) -> str:
        return f"ppo-{self.config.backbone} checkpoint {index} of {len(self.checkpoints) - 1} ({self.config.algorithm})"


LATER_PPO_FIELDS = {"reward_scale": 1.0}
"""PPOConfig fields added after behaviour runs were cached: at these defaults they stay out of the cache key, so older caches still match."""


def cache_folder(cache: str | Path, config: ppo.PPOConfig) -> Path:
    settings = {k: v for k, v in config.to_dict().items() if not (k in LATER_PPO_FIELDS and v == LATER_PPO_FIELDS[k])}
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]
    return Path(cache) / env_slug(config.env_id) / f"seed{config.seed}-{digest}"


def train_behaviour(
    config: ppo.PPOConfig,
    cache: str | Path | None = None,
    *,
    evaluation_steps: int = 20_000,
    on_chunk: Callable[[int, int], None] | None = None,
) -> Behaviour:
    """Trains (or loads from `cache`) the behaviour run of `config`, then picks and scores its tiers."""
    folder = cache_folder(cache, config) if cache is not None else None
    if folder is not None and (folder / SUMMARY_FILE).exists():
        return load_behaviour(folder)
    trainer = ppo.Trainer(config, jax.devices()[:1])
    state = trainer.init()
    checkpoints = [_first_seed(state.learner.params)]
    training_returns: list[float | None] = [None]
    for chunk_index in range(1, config.num_chunks + 1):
        state, metrics = trainer.chunk(state)
        record = ppo.chunk_records(config, chunk_index, metrics, seconds=1.0)[0]  # only its returns are used
        checkpoints.append(_first_seed(state.learner.params))
        training_returns.append(record["episode_return"])
        if on_chunk is not None:
            on_chunk(chunk_index, config.num_chunks)
    behaviour = choose_tiers(config, checkpoints, training_returns, evaluation_steps)
    if folder is not None:
        save_behaviour(behaviour, folder)
    return behaviour


def _first_seed(params: Any) -> Any:
    return jax.tree_util.tree_map(lambda leaf: np.asarray(leaf[0]), params)


def evaluate_returns(config: ppo.PPOConfig, params: Any | None, steps: int, seed: int) -> float:
    """Mean return of whole episodes of the PPO policy `params` (sampling), or of the random policy when None."""
    return float(rollout(config, params, steps, seed, num_envs=32).returns.mean())


def rollout(config: ppo.PPOConfig, params: Any | None, steps: int, seed: int, num_envs: int = 256, progress=None) -> Episodes:
    """Whole episodes covering `steps` transitions of the PPO policy `params` (sampling), or of the random policy when None."""
    learner = ppo.PPO(dataclasses.replace(config, num_minibatches=1))
    policy = random_policy(learner.actions) if params is None else ppo_policy(learner)
    collector = _collector(config, policy.name, num_envs, policy)
    return collector.collect(params, steps, jax.random.PRNGKey(seed), progress)


_COLLECTORS: dict[tuple, Collector] = {}


def _collector(config: ppo.PPOConfig, policy_name: str, num_envs: int, policy) -> Collector:
    """One jitted collector per configuration, policy kind and batch size (their programs compile once)."""
    key = (json.dumps(config.to_dict(), sort_keys=True), policy_name, num_envs)
    if key not in _COLLECTORS:
        _COLLECTORS[key] = Collector(config, policy, num_envs)
    return _COLLECTORS[key]


def choose_tiers(
    config: ppo.PPOConfig, checkpoints: list[Any], training_returns: list[float | None], evaluation_steps: int
) -> Behaviour:
    random_return = evaluate_returns(config, None, evaluation_steps, config.seed)
    # PPO reports the mean return of a row (one agent); a dataset's return is the team's, summed over agents.
    num_agents = make(config.env_id).num_agents
    curve = np.array([-np.inf if r is None else r * num_agents for r in training_returns])
    # The latest chunk with the best training return; its checkpoint is the policy that chunk ended with.
    expert_index = len(curve) - 1 - int(np.argmax(curve[1:][::-1]))
    expert_return = evaluate_returns(config, checkpoints[expert_index], evaluation_steps, config.seed)
    target = random_return + MEDIUM_FRACTION * (expert_return - random_return)
    crossing = int(np.argmax(curve >= target)) if (curve >= target).any() else expert_index
    candidates = sorted({max(crossing - 1, 0), crossing, min(crossing + 1, expert_index)})
    scored = {i: evaluate_returns(config, checkpoints[i], evaluation_steps, config.seed) for i in candidates}
    medium_index = min(scored, key=lambda i: abs(scored[i] - target))
    return Behaviour(
        config=config,
        checkpoints=checkpoints,
        training_returns=training_returns,
        expert_index=expert_index,
        medium_index=medium_index,
        returns={"random": random_return, "medium": scored[medium_index], "expert": expert_return},
    )


def save_behaviour(behaviour: Behaviour, folder: Path) -> None:
    """Writes the checkpoints, then the summary that marks the folder complete (each file atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    blob = serialization.msgpack_serialize({str(i): p for i, p in enumerate(behaviour.checkpoints)})
    temporary = folder / (CHECKPOINT_FILE + ".tmp")
    temporary.write_bytes(blob)
    temporary.replace(folder / CHECKPOINT_FILE)
    summary = {
        "config": behaviour.config.to_dict(),
        "training_returns": behaviour.training_returns,
        "expert_index": behaviour.expert_index,
        "medium_index": behaviour.medium_index,
        "returns": behaviour.returns,
        "checkpoint_sha256": hashlib.sha256(blob).hexdigest(),
    }
    run_log.write_atomically(folder / SUMMARY_FILE, json.dumps(summary, indent=2) + "\n")
    behaviour.folder = folder


def load_behaviour(folder: str | Path) -> Behaviour:
    folder = Path(folder)
    summary = json.loads((folder / SUMMARY_FILE).read_text())
    blob = (folder / CHECKPOINT_FILE).read_bytes()
    if hashlib.sha256(blob).hexdigest() != summary["checkpoint_sha256"]:
        raise OSError(f"{folder / CHECKPOINT_FILE} is corrupted: its SHA-256 differs from {folder / SUMMARY_FILE}'s")
    restored = serialization.msgpack_restore(blob)
    return Behaviour(
        config=ppo.PPOConfig(**summary["config"]),
        checkpoints=[restored[str(i)] for i in range(len(restored))],
        training_returns=summary["training_returns"],
        expert_index=summary["expert_index"],
        medium_index=summary["medium_index"],
        returns=summary["returns"],
        folder=folder,
    )

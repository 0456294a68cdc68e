"""Offline D4RL-style datasets generated from arenax environments and stored as Minari datasets: generate, store, load, score."""

from arenax.datasets.access import (
    episode_returns,
    get_dataset,
    load_dataset,
    normalized_score,
    qlearning_dataset,
    reference_scores,
    sample_episodes,
    sample_sequences,
)
from arenax.datasets.generation import generate
from arenax.datasets.naming import TIERS, dataset_id
from arenax.datasets.storage import DatasetBusyError, DatasetError, DatasetExistsError, verify

__all__ = [
    "TIERS",
    "DatasetBusyError",
    "DatasetError",
    "DatasetExistsError",
    "dataset_id",
    "episode_returns",
    "generate",
    "get_dataset",
    "load_dataset",
    "normalized_score",
    "qlearning_dataset",
    "reference_scores",
    "sample_episodes",
    "sample_sequences",
    "verify",
]

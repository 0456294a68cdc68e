"""D4RL-style access to a verified dataset: flat arrays (`get_dataset`, `qlearning_dataset`), episodes, sequences, normalised scores.

Time limits are in `timeouts`, never in `terminals`. Minari keeps every
episode's last observation, so `qlearning_dataset` keeps the last step of a
time-limited episode (D4RL had to drop it for want of that observation).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from arenax.datasets import storage


def load_dataset(dataset_id: str):
    """The `minari.MinariDataset` of `dataset_id`, after its files have been checked against their checksums."""
    return storage.load(dataset_id)


def _episodes(dataset) -> list[dict]:
    return list(dataset.storage.get_episodes(dataset.episode_indices))


def get_dataset(dataset_id: str) -> dict[str, np.ndarray]:
    """`observations, actions, rewards, terminals, timeouts` over all steps, plus `infos/<key>` (the info of each observation).

    Also `episode_starts` (True at each episode's first step) and
    `next_observations` and `next_infos/<key>` (the observation after each step).
    """
    episodes = _episodes(load_dataset(dataset_id))
    if not episodes:
        raise ValueError(f"dataset {dataset_id!r} holds no episodes")
    data: dict[str, Any] = {
        "observations": np.concatenate([e["observations"][:-1] for e in episodes]),
        "next_observations": np.concatenate([e["observations"][1:] for e in episodes]),
        "actions": np.concatenate([e["actions"] for e in episodes]),
        "rewards": np.concatenate([e["rewards"] for e in episodes]).astype(np.float32),
        "terminals": np.concatenate([e["terminations"] for e in episodes]).astype(bool),
        "timeouts": np.concatenate([e["truncations"] for e in episodes]).astype(bool),
        "episode_starts": np.concatenate([np.arange(len(e["rewards"])) == 0 for e in episodes]),
    }
    for key in episodes[0]["infos"] or {}:
        data[f"infos/{key}"] = np.concatenate([e["infos"][key][:-1] for e in episodes])
        data[f"next_infos/{key}"] = np.concatenate([e["infos"][key][1:] for e in episodes])
    return data


def qlearning_dataset(dataset_id: str) -> dict[str, np.ndarray]:
    """`observations, actions, next_observations, rewards, terminals` (plus `timeouts` and the infos) for Q-learning."""
    return get_dataset(dataset_id)


def episode_returns(dataset_id: str) -> np.ndarray:
    """The undiscounted return of every episode of the dataset (team return for multi-agent data)."""
    return np.array([float(e["rewards"].sum()) for e in _episodes(load_dataset(dataset_id))])


def sample_episodes(dataset_id: str, num_episodes: int, seed: int = 0) -> list:
    """`num_episodes` whole episodes (Minari `EpisodeData`) drawn without replacement, reproducibly from `seed`."""
    dataset = load_dataset(dataset_id)
    if not 1 <= num_episodes <= dataset.total_episodes:
        raise ValueError(f"num_episodes must be between 1 and {dataset.total_episodes}, got {num_episodes}")
    dataset.set_seed(seed)
    return list(dataset.sample_episodes(num_episodes))


def sample_sequences(data: dict[str, np.ndarray], batch_size: int, length: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Windows of `length` steps from inside episodes of `get_dataset`'s `data`, for sequence models.

    A window starts at any step and stops at its episode's end: the rest is
    padding, with `mask` False. `resets` is True where an episode starts, so a
    recurrent model resets its memory there. Leaves are `[batch, length, ...]`.
    """
    if batch_size < 1 or length < 1:
        raise ValueError(f"batch_size and length must be at least 1, got {batch_size} and {length}")
    starts_flag = data["episode_starts"]
    episode_of = np.cumsum(starts_flag) - 1
    episode_end = np.append(np.flatnonzero(starts_flag)[1:], len(starts_flag))[episode_of]
    first = rng.integers(0, len(starts_flag), batch_size)
    index = first[:, None] + np.arange(length)[None]
    mask = index < episode_end[first][:, None]
    index = np.where(mask, index, first[:, None])
    batch = {key: value[index] for key, value in data.items() if key != "episode_starts"}
    batch["mask"] = mask
    batch["resets"] = starts_flag[index] & mask
    return batch


def reference_scores(dataset_id: str) -> tuple[float, float]:
    """`(ref_min_score, ref_max_score)`: mean returns of the random and expert behaviour policies."""
    import json

    metadata = json.loads((storage.verify(dataset_id) / "data" / "metadata.json").read_text())
    if metadata.get("ref_min_score") is None or metadata.get("ref_max_score") is None:
        raise ValueError(f"dataset {dataset_id!r} records no reference scores")
    return float(metadata["ref_min_score"]), float(metadata["ref_max_score"])


def normalized_score(dataset_id: str, returns: Any) -> np.ndarray:
    """D4RL's normalised score, `100 * (return - random) / (expert - random)`, of one return or an array of them."""
    low, high = reference_scores(dataset_id)
    if high == low:
        raise ValueError(f"dataset {dataset_id!r} has equal random and expert reference scores ({low}); cannot normalise")
    return 100.0 * (np.asarray(returns, dtype=np.float64) - low) / (high - low)

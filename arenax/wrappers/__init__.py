"""Wrappers of JAX environments (auto-reset, time limit, statistics, normalisation, batching) and their Gymnasium and PettingZoo views."""

from arenax.wrappers.autoreset import AutoReset
from arenax.wrappers.base import Wrapper
from arenax.wrappers.episode_statistics import EpisodeStatistics
from arenax.wrappers.gymnasium_env import GymnasiumEnv
from arenax.wrappers.normalize import NormalizeObservation, NormalizeReward
from arenax.wrappers.pettingzoo_env import PettingZooParallelEnv, parallel_env
from arenax.wrappers.time_limit import TimeLimit
from arenax.wrappers.vector_env import JaxVectorEnv
from arenax.wrappers.vectorize import Vectorize

__all__ = [
    "AutoReset",
    "EpisodeStatistics",
    "GymnasiumEnv",
    "JaxVectorEnv",
    "NormalizeObservation",
    "NormalizeReward",
    "PettingZooParallelEnv",
    "TimeLimit",
    "Vectorize",
    "Wrapper",
    "parallel_env",
]

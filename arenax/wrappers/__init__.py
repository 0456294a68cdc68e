"""Wrappers of JAX environments (auto-reset, time limit, statistics, normalisation, batching) and their Gymnasium and PettingZoo views."""

from arenax.wrappers.autoreset import AutoReset
from arenax.wrappers.base import Wrapper
from arenax.wrappers.episode_statistics import EpisodeStatistics
from arenax.wrappers.gymnasium_env import GymnasiumEnv
from arenax.wrappers.linear_reward import LinearReward
from arenax.wrappers.normalize import NormalizeObservation, NormalizeReward
from arenax.wrappers.time_limit import TimeLimit
from arenax.wrappers.vector_autoreset import VectorAutoReset
from arenax.wrappers.vector_env import JaxVectorEnv
from arenax.wrappers.vectorize import Vectorize

__all__ = [
    "AutoReset",
    "EpisodeStatistics",
    "GymnasiumEnv",
    "JaxVectorEnv",
    "LinearReward",
    "NormalizeObservation",
    "NormalizeReward",
    "PettingZooParallelEnv",
    "TimeLimit",
    "VectorAutoReset",
    "Vectorize",
    "Wrapper",
    "parallel_env",
]


def __getattr__(name: str):
    # PettingZoo loads on first use: Gymnasium's import hook loads arenax, and so this package, while a program
    # may be importing pettingzoo itself (which imports gymnasium); importing it here then would be circular.
    if name in ("PettingZooParallelEnv", "parallel_env"):
        from arenax.wrappers import pettingzoo_env

        return getattr(pettingzoo_env, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""arenax: vectorized JAX environments, agent tasks, long-memory baselines and trustworthy evaluation behind one Gymnasium API."""

from arenax import envs
from arenax.core import list_envs, make, spec
from arenax.wrappers import parallel_env

__version__ = "0.1.0"

__all__ = ["envs", "list_envs", "make", "parallel_env", "spec"]

"""arenax: vectorized JAX environments, agent tasks, long-memory baselines and trustworthy evaluation behind one Gymnasium API."""

import os

# XLA's concurrency-optimised CPU scheduler can deadlock while running the seed-vmapped
# training programs (seen with jax 0.10 on 2 cores). XLA reads the flag when JAX starts its
# CPU backend, so it is set here, before anything of arenax computes.
if "xla_cpu_enable_concurrency_optimized_scheduler" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + " --xla_cpu_enable_concurrency_optimized_scheduler=false"
    ).strip()

# A Python-driven step (gym.make_vec, the Gymnasium and PettingZoo views) is one small jitted call and one
# host copy; JAX's asynchronous CPU dispatch hands each call to another thread and back, which cost a third
# of the step at 1024 CartPoles. Like the flag above it takes effect only if set before JAX starts its CPU
# backend; the environment variable JAX_CPU_ENABLE_ASYNC_DISPATCH, where set, decides instead.
if "JAX_CPU_ENABLE_ASYNC_DISPATCH" not in os.environ:
    import jax

    jax.config.update("jax_cpu_enable_async_dispatch", False)


from arenax import envs  # noqa: E402
from arenax.core import list_envs, make, spec

__version__ = "0.1.0"


def parallel_env(env_id: str, render_mode: str | None = None, **kwargs):
    """The PettingZoo `ParallelEnv` of the registered multi-agent environment `env_id` (PettingZoo loads on first use)."""
    from arenax.wrappers.pettingzoo_env import parallel_env as pettingzoo_view

    return pettingzoo_view(env_id, render_mode=render_mode, **kwargs)

__all__ = ["envs", "list_envs", "make", "parallel_env", "spec"]

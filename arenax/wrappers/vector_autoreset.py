"""Auto-reset of a whole batch (wraps `Vectorize`): the resets are computed only on steps where an episode ends."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from arenax.core import TimeStep
from arenax.core.environment import next_episode_key
from arenax.wrappers.base import Wrapper
from arenax.wrappers.vectorize import Vectorize


def select_rows(done: jax.Array, on_true: Any, on_false: Any) -> Any:
    """Leaf-wise `where` over two batched pytrees, `done[n]` choosing per leading row."""

    def pick(a, b):
        return jnp.where(done.reshape(done.shape + (1,) * (a.ndim - 1)), a, b)

    return jax.tree_util.tree_map(pick, on_true, on_false)


class VectorAutoReset(Wrapper):
    """`Vectorize(AutoReset(env), n)`, with the batch's resets skipped on steps where no episode ends.

    Wraps `Vectorize(env, n)` and returns, bit for bit, what
    `Vectorize(AutoReset(env), n)` returns (same keys, same observations,
    `info["final_obs"]` and `info["final_info"]`). The difference is cost: the
    per-environment auto-reset computes a fresh episode for every environment
    on every step and throws most of them away, while here the fresh episodes
    are computed inside a `lax.cond` on "some episode ended", so tasks whose
    episodes end together (fixed horizons) pay for resets once per episode.
    Under a further `vmap` (over seeds, say) the cond turns into a select and
    this costs what `Vectorize(AutoReset(env))` costs.
    """

    def __init__(self, env: Vectorize):
        if not isinstance(env, Vectorize):
            raise TypeError(f"VectorAutoReset wraps a Vectorize environment, got {type(env).__name__}")
        super().__init__(env)

    @property
    def num_envs(self) -> int:
        return self.env.num_envs

    def sample_action(self, key: jax.Array, ts: TimeStep | None = None) -> Any:
        return self.env.sample_action(key, ts)

    def reset(self, key: jax.Array, params: Any = None) -> tuple[Any, TimeStep]:
        state, ts = self.env.reset(key, params)
        return state, ts.replace(info={**ts.info, "final_obs": ts.obs, "final_info": ts.info})

    def step(self, state: Any, action: Any) -> tuple[Any, TimeStep]:
        state, ts = self.env.step(state, action)
        done = ts.terminated | ts.truncated

        def fresh_episodes(state):
            keys = jax.vmap(next_episode_key)(state.key)
            return jax.vmap(self.env.env.reset)(keys, state.params)

        def no_episodes(state):
            shapes = jax.eval_shape(fresh_episodes, state)
            return jax.tree_util.tree_map(lambda leaf: jnp.zeros(leaf.shape, leaf.dtype), shapes)

        reset_state, reset_ts = jax.lax.cond(jnp.any(done), fresh_episodes, no_episodes, state)
        next_state = select_rows(done, reset_state, state)
        obs = select_rows(done, reset_ts.obs, ts.obs)
        info = select_rows(done, reset_ts.info, ts.info)
        return next_state, ts.replace(obs=obs, info={**info, "final_obs": ts.obs, "final_info": ts.info})

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
    With `reset_chunk=k`, the ended rows are gathered k at a time, reset, and
    scattered back in a `lax.while_loop` (no pass when none ended, one when up
    to k did), so tasks whose episodes end a few at a time (CartPole's under a
    random policy) pay only for the resets they use. Under a further `vmap`
    (over seeds, say) the cond turns into a select that computes every branch,
    and the loop runs until every copy is done.
    """

    def __init__(self, env: Vectorize, reset_chunk: int | None = None):
        if not isinstance(env, Vectorize):
            raise TypeError(f"VectorAutoReset wraps a Vectorize environment, got {type(env).__name__}")
        if reset_chunk is not None and not 1 <= reset_chunk <= env.num_envs:
            raise ValueError(f"reset_chunk must lie in [1, num_envs={env.num_envs}], got {reset_chunk}")
        super().__init__(env)
        self.reset_chunk = reset_chunk

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
        if self.reset_chunk is None:
            state, obs, info = self._reset_batch(done, state, ts)
        else:
            state, obs, info = self._reset_rows(done, state, ts)
        return state, ts.replace(obs=obs, info={**info, "final_obs": ts.obs, "final_info": ts.info})

    def _reset_batch(self, done: jax.Array, state: Any, ts: TimeStep) -> tuple[Any, Any, Any]:
        """Fresh episodes for the whole batch behind a `lax.cond` on any episode ending, selected by row."""

        def fresh_episodes(state):
            keys = jax.vmap(next_episode_key)(state.key)
            return jax.vmap(self.env.env.reset)(keys, state.params)

        def no_episodes(state):
            shapes = jax.eval_shape(fresh_episodes, state)
            return jax.tree_util.tree_map(lambda leaf: jnp.zeros(leaf.shape, leaf.dtype), shapes)

        reset_state, reset_ts = jax.lax.cond(jnp.any(done), fresh_episodes, no_episodes, state)
        return select_rows(done, (reset_state, reset_ts.obs, reset_ts.info), (state, ts.obs, ts.info))

    def _reset_rows(self, done: jax.Array, state: Any, ts: TimeStep) -> tuple[Any, Any, Any]:
        """Fresh episodes for the ended rows only, `reset_chunk` rows per pass of a `lax.while_loop`."""

        def next_rows(carry):
            pending, batch = carry
            rows = jnp.nonzero(pending, size=self.reset_chunk, fill_value=self.num_envs)[0]
            picked = jax.tree_util.tree_map(lambda leaf: jnp.take(leaf, rows, axis=0, mode="clip"), batch[0])
            fresh_state, fresh_ts = jax.vmap(self.env.env.reset)(jax.vmap(next_episode_key)(picked.key), picked.params)
            fresh = (fresh_state, fresh_ts.obs, fresh_ts.info)
            batch = jax.tree_util.tree_map(lambda leaf, new: leaf.at[rows].set(new, mode="drop"), batch, fresh)
            return pending.at[rows].set(False, mode="drop"), batch

        _, batch = jax.lax.while_loop(lambda carry: jnp.any(carry[0]), next_rows, (done, (state, ts.obs, ts.info)))
        return batch

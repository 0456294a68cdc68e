"""Auto-reset: a finished episode restarts inside the same `step`, its last observation kept in `info`."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from arenax.core import TimeStep
from arenax.core.environment import next_episode_key
from arenax.wrappers.base import Wrapper


def select(condition: jax.Array, on_true: Any, on_false: Any) -> Any:
    """Leaf-wise `where` over two pytrees of the same structure, `condition` a scalar."""
    return jax.tree_util.tree_map(lambda a, b: jnp.where(condition, a, b), on_true, on_false)


class AutoReset(Wrapper):
    """Resets the episode in the step that ends it (Gymnasium's "same-step" autoreset).

    On the step where `terminated | truncated`, the returned `obs` is the first
    observation of the next episode, while `reward`, `terminated` and
    `truncated` belong to the step that ended; the last observation of the old
    episode is `info["final_obs"]` (equal to `obs` on every other step), its
    info is `info["final_info"]`, and the rest of `info` (action masks
    included) belongs to the observation returned.
    The next episode keeps the parameters of the state, so vmapped parameters
    stay with their environment.
    """

    def reset(self, key: jax.Array, params: Any = None) -> tuple[Any, TimeStep]:
        state, ts = self.env.reset(key, params)
        return state, ts.replace(info={**ts.info, "final_obs": ts.obs, "final_info": ts.info})

    def step(self, state: Any, action: Any) -> tuple[Any, TimeStep]:
        state, ts = self.env.step(state, action)
        reset_state, reset_ts = self.env.reset(next_episode_key(state.key), state.params)
        done = ts.terminated | ts.truncated
        next_state = select(done, reset_state, state)
        info = select(done, reset_ts.info, ts.info)
        obs = select(done, reset_ts.obs, ts.obs)
        return next_state, ts.replace(obs=obs, info={**info, "final_obs": ts.obs, "final_info": ts.info})

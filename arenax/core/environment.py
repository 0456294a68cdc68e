"""The base class of every JAX environment: pure `reset` and `step` over a `State` pytree."""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Generic, TypeVar

import jax
import jax.numpy as jnp
import numpy as np
from gymnasium import spaces as gym_spaces

from arenax.core import prng, spaces
from arenax.core.types import EnvState, TimeStep

State = TypeVar("State", bound=EnvState)
Params = TypeVar("Params")


class Environment(Generic[State, Params]):
    """A JAX environment with no mutable state of its own.

    Subclasses set the spaces in `__init__` and implement `reset_env`,
    `step_env` and `default_params`; users call `reset` and `step`:

        state, ts = env.reset(key)            # or env.reset(key, params)
        state, ts = env.step(state, action)

    The key and the parameters travel inside the state, so `step` takes neither.
    Spaces describe exactly the arrays exchanged: a multi-agent environment
    declares `agents` and one agent's spaces, and its `observation_space` and
    `action_space` stack them on a leading agent axis.
    """

    agents: tuple[str, ...] = ()
    """Names of the agents of a multi-agent environment; empty for one agent."""

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["rgb_array"], "render_fps": 30}

    single_agent_observation_space: gym_spaces.Space
    single_agent_action_space: gym_spaces.Space
    reward_space: gym_spaces.Box | None = None
    """For multi-objective environments: the Box of one agent's reward vector."""

    @property
    def num_agents(self) -> int:
        return max(len(self.agents), 1)

    @property
    def is_multi_agent(self) -> bool:
        return len(self.agents) > 0

    @property
    def observation_space(self) -> gym_spaces.Space:
        if self.is_multi_agent:
            return spaces.stack(self.single_agent_observation_space, self.num_agents)
        return self.single_agent_observation_space

    @property
    def action_space(self) -> gym_spaces.Space:
        if self.is_multi_agent:
            return spaces.stack(self.single_agent_action_space, self.num_agents)
        return self.single_agent_action_space

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def default_params(self) -> Params:
        raise NotImplementedError

    def check_params(self, params: Params) -> None:
        """Raises a `ValueError` naming the problem when `params` cannot work.

        Called by `reset` with concrete parameters; under a transformation
        (jit, vmap) the parameters are traced and cannot be checked.
        """

    def reset(self, key: jax.Array, params: Params | None = None) -> tuple[State, TimeStep]:
        """Starts an episode; `params` default to `default_params`.

        `key` becomes the episode's key. `reset_env` draws from it (and may
        split it, or fold in numbers below `NEXT_EPISODE_STREAM`); step `t`
        draws from `fold_in(key, STEP_STREAM + t)`, a stream `reset_env` never
        reaches, so a step that needs no randomness costs no PRNG work.
        """
        if params is None:
            params = self.default_params
        if not _is_traced(params):
            self.check_params(params)
        params = jax.tree_util.tree_map(jnp.asarray, params)
        state, ts = self.reset_env(key, params)
        return state.with_key(key), ts

    def step(self, state: State, action: Any) -> tuple[State, TimeStep]:
        """Advances one step; the episode's parameters and key come from `state`.

        `step_env` must advance `state.time` by one.
        """
        step_key = prng.fold_in(state.key, jnp.uint32(STEP_STREAM) + state.time.astype(jnp.uint32))
        return self.step_env(step_key, state, action, state.params)

    def reset_env(self, key: jax.Array, params: Params) -> tuple[State, TimeStep]:
        """Family-specific reset, drawing from `key` (split it as needed); the base class sets the state's key."""
        raise NotImplementedError

    def step_env(self, key: jax.Array, state: State, action: Any, params: Params) -> tuple[State, TimeStep]:
        """Family-specific step, given a fresh key for this step's randomness."""
        raise NotImplementedError

    def sample_action(self, key: jax.Array, ts: TimeStep | None = None) -> Any:
        """A random valid action, honouring `ts.info["action_mask"]` where there is one."""
        mask = None if ts is None else ts.info.get("action_mask")
        return spaces.sample(self.action_space, key, mask)

    def scripted_policies(self) -> dict[str, Callable[[jax.Array, State, TimeStep], Any]]:
        """Built-in policies by name, each `act(key, state, ts) -> action` for every agent (`arenax play` uses them).

        `"random"` (uniform over valid actions) is always there; families add their scripted agents.
        """
        return {"random": lambda key, state, ts: self.sample_action(key, ts)}

    def render(self, state: State) -> np.ndarray:
        """An RGB `uint8` image of `state`; may be slow, never inside `jit`."""
        raise NotImplementedError(f"{self.name} has no renderer")

    def zero_reward(self) -> jax.Array:
        """A reward of the right shape filled with zeros, for `reset`."""
        shape = (self.num_agents,) if self.is_multi_agent else ()
        if self.reward_space is not None:
            shape = shape + self.reward_space.shape
        return jnp.zeros(shape, jnp.float32)

    def __repr__(self) -> str:
        return f"{self.name}()"


STEP_STREAM = 2**31
"""Step `t` of an episode draws from `fold_in(episode_key, STEP_STREAM + t)`."""
NEXT_EPISODE_STREAM = 2**31 - 1
"""The next episode's key is `fold_in(episode_key, NEXT_EPISODE_STREAM)`, above anything `reset_env` folds in."""


def next_episode_key(key: jax.Array) -> jax.Array:
    """The key of the episode that follows the one with `key` (auto-reset); no step or reset of that episode uses it."""
    return prng.fold_in(key, jnp.uint32(NEXT_EPISODE_STREAM))


def _is_traced(tree: Any) -> bool:
    return any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(tree))

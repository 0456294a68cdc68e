"""The base of the JAX environment wrappers: delegate everything, override what changes."""

from __future__ import annotations

from typing import Any

import jax

from arenax.core import Environment, TimeStep


class Wrapper(Environment):
    """Wraps an `Environment`; attributes it does not define come from the wrapped one."""

    def __init__(self, env: Environment):
        self.env = env

    def __getattr__(self, name: str) -> Any:
        if name == "env":
            raise AttributeError(name)
        return getattr(self.env, name)

    @property
    def agents(self) -> tuple[str, ...]:
        return self.env.agents

    @property
    def single_agent_observation_space(self):
        return self.env.single_agent_observation_space

    @property
    def single_agent_action_space(self):
        return self.env.single_agent_action_space

    @property
    def observation_space(self):
        return self.env.observation_space

    @property
    def action_space(self):
        return self.env.action_space

    @property
    def reward_space(self):
        return self.env.reward_space

    @property
    def default_params(self) -> Any:
        return self.env.default_params

    @property
    def unwrapped(self) -> Environment:
        return self.env.unwrapped if isinstance(self.env, Wrapper) else self.env

    @property
    def name(self) -> str:
        return f"{type(self).__name__}<{self.env.name}>"

    def check_params(self, params: Any) -> None:
        self.env.check_params(params)

    def reset(self, key: jax.Array, params: Any = None) -> tuple[Any, TimeStep]:
        return self.env.reset(key, params)

    def step(self, state: Any, action: Any) -> tuple[Any, TimeStep]:
        return self.env.step(state, action)

    def inner_state(self, state: Any) -> Any:
        """The wrapped environment's state inside `state` (the same object for stateless wrappers)."""
        return state

    def render(self, state: Any):
        return self.env.render(self.inner_state(state))

    def __repr__(self) -> str:
        return self.name

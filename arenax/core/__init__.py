"""The contract every environment family builds on: base class, pytrees, spaces and the registry."""

from arenax.core import spaces
from arenax.core.environment import Environment
from arenax.core.registry import EnvSpec, UnknownEnvironmentError, list_envs, make, register, spec
from arenax.core.types import EnvState, TimeStep, WrapperState

__all__ = [
    "EnvSpec",
    "EnvState",
    "Environment",
    "TimeStep",
    "UnknownEnvironmentError",
    "WrapperState",
    "list_envs",
    "make",
    "register",
    "spaces",
    "spec",
]

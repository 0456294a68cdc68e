"""Small test environments for the PPO tests: short CartPole episodes that truncate, and random action masks."""

import contextlib

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep, register
from arenax.core.registry import unregister
from arenax.envs.memory.cartpole import CartPole, CartPoleParams

SHORT_CARTPOLE = "ShortCartPole-test-v0"
MASKED_CHOICE = "MaskedChoice-test-v0"
NUM_CHOICES = 4
MASKED_EPISODE_LENGTH = 8


class ShortCartPole(CartPole):
    """CartPole truncated after 6 steps, so that rollouts hold many truncations."""

    @property
    def default_params(self) -> CartPoleParams:
        return CartPoleParams(max_steps=6)


@struct.dataclass
class MaskedChoiceState(EnvState):
    mask: jax.Array


class MaskedChoice(Environment):
    """Each step a random non-empty subset of 4 actions is allowed (`info["action_mask"]`, also observed).

    The reward favours the highest action whether allowed or not, so a learner
    that ignored the mask would be drawn to forbidden actions.
    """

    def __init__(self):
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (NUM_CHOICES,), np.float32)
        self.single_agent_action_space = spaces.Discrete(NUM_CHOICES)

    @property
    def default_params(self):
        return ()

    def _draw_mask(self, key):
        mask = jax.random.bernoulli(key, 0.5, (NUM_CHOICES,))
        return mask.at[0].set(mask[0] | ~mask.any())

    def _timestep(self, mask, reward, terminated):
        return TimeStep(mask.astype(jnp.float32), reward, terminated, jnp.bool_(False), {"action_mask": mask})

    def reset_env(self, key, params):
        mask = self._draw_mask(key)
        return MaskedChoiceState(key, params, jnp.int32(0), mask), self._timestep(mask, jnp.float32(0), jnp.bool_(False))

    def step_env(self, key, state, action, params):
        mask = self._draw_mask(key)
        time = state.time + 1
        reward = action.astype(jnp.float32)
        state = state.replace(time=time, mask=mask)
        return state, self._timestep(mask, reward, time >= MASKED_EPISODE_LENGTH)


@contextlib.contextmanager
def registered_test_envs():
    """Registers the test environments for PPO (which trains by id) and removes them afterwards,
    so that registry-driven tests elsewhere never see them."""
    register(SHORT_CARTPOLE, ShortCartPole, family="test", description="CartPole truncated after 6 steps")
    register(MASKED_CHOICE, MaskedChoice, family="test", description="random action masks")
    try:
        yield
    finally:
        unregister(SHORT_CARTPOLE)
        unregister(MASKED_CHOICE)

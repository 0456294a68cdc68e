"""Flat float32 vectors from observations, and the action head an action space asks for, for the baselines' networks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from gymnasium import spaces


def observation_encoder(space: spaces.Space) -> tuple[Callable[[Any], jax.Array], int]:
    """A function mapping one observation of `space` to a float32 vector, and that vector's length.

    Boxes are flattened, discrete observations one-hot encoded; a Dict or Tuple
    concatenates its parts in a fixed order. The function is pure and vmaps.
    """
    if isinstance(space, spaces.Box):
        size = int(np.prod(space.shape))
        return (lambda obs: jnp.reshape(obs, (size,)).astype(jnp.float32)), size
    if isinstance(space, spaces.Discrete):
        n, start = int(space.n), int(space.start)
        return (lambda obs: jax.nn.one_hot(obs - start, n, dtype=jnp.float32)), n
    if isinstance(space, spaces.MultiDiscrete):
        nvec, start = np.asarray(space.nvec).reshape(-1), np.asarray(space.start).reshape(-1)
        width = int(nvec.max())
        valid = np.arange(width) < nvec[:, None]

        def encode_multi_discrete(obs):
            one_hot = jax.nn.one_hot(jnp.reshape(obs, (-1,)) - start, width, dtype=jnp.float32)
            return one_hot[valid]

        return encode_multi_discrete, int(nvec.sum())
    if isinstance(space, spaces.MultiBinary):
        size = int(np.prod(space.shape))
        return (lambda obs: jnp.reshape(obs, (size,)).astype(jnp.float32)), size
    if isinstance(space, (spaces.Dict, spaces.Tuple)):
        parts = space.spaces.items() if isinstance(space, spaces.Dict) else enumerate(space.spaces)
        keys, encoders, sizes = [], [], []
        for key, sub in parts:
            encode, size = observation_encoder(sub)
            keys.append(key)
            encoders.append(encode)
            sizes.append(size)
        return (lambda obs: jnp.concatenate([e(obs[k]) for k, e in zip(keys, encoders)])), sum(sizes)
    raise TypeError(f"cannot encode observations of a {type(space).__name__} space for a network: {space}")


def num_discrete_actions(space: spaces.Space) -> int:
    """The number of actions of a `Discrete` action space starting at 0; any other space is an error."""
    if not isinstance(space, spaces.Discrete):
        raise TypeError(f"PPO here supports Discrete action spaces only; the environment's action space is {space}")
    if int(space.start) != 0:
        raise TypeError(f"PPO here supports Discrete action spaces starting at 0; got start={space.start} in {space}")
    return int(space.n)


@dataclass(frozen=True)
class ActionLayout:
    """What a policy head emits: `size` discrete actions, or a `size`-dimensional continuous action within [low, high]."""

    size: int
    continuous: bool = False
    low: tuple[float, ...] | None = None
    high: tuple[float, ...] | None = None


def action_layout(space: spaces.Space) -> ActionLayout:
    """A `Discrete` space (from 0) gives a categorical head; a 1-D float `Box` with finite bounds a Gaussian one."""
    if isinstance(space, spaces.Box):
        if len(space.shape) != 1 or not np.issubdtype(space.dtype, np.floating):
            raise TypeError(f"continuous actions must be a 1-D float Box; the environment's action space is {space}")
        if not (np.isfinite(space.low).all() and np.isfinite(space.high).all()):
            raise TypeError(f"continuous actions need finite bounds to clip to; the environment's action space is {space}")
        low, high = (tuple(float(v) for v in bound) for bound in (space.low, space.high))
        return ActionLayout(int(space.shape[0]), True, low, high)
    return ActionLayout(num_discrete_actions(space))

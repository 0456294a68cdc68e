"""The interface every sequence backbone shares: zero carry, parallel mode over a sequence, one recurrent step."""

from __future__ import annotations

from typing import Any, ClassVar

import flax.linen as nn
import jax
import jax.numpy as jnp

Carry = Any

SCAN_MODES = ("sequential", "associative")


def resolve_mode(mode: str, cpu: str = "sequential", accelerator: str = "associative") -> str:
    """Turns "auto" into the faster parallel mode for the default JAX platform: `cpu` there, else `accelerator`.

    On CPUs an associative scan does about log(T) times the work of a
    sequential `lax.scan` and gains nothing from its parallelism, so
    recurrences default to "sequential" there and "associative" on GPUs and TPUs.
    """
    if mode != "auto":
        return mode
    return cpu if jax.default_backend() == "cpu" else accelerator


def reset_carry(carry: Carry, reset: jax.Array) -> Carry:
    """Zeroes every leaf of `carry` (leading batch axis) where `reset[B]` is True."""

    def zero_where_reset(leaf: jax.Array) -> jax.Array:
        mask = reset.reshape(reset.shape + (1,) * (leaf.ndim - 1))
        return jnp.where(mask, jnp.zeros_like(leaf), leaf)

    return jax.tree_util.tree_map(zero_where_reset, carry)


class Backbone(nn.Module):
    """A sequence model with a parallel mode (training) and a one-step recurrent mode (acting).

    Sizes are module attributes; `features` is the output width of every
    backbone, and inputs may have any width D. The three calls:

    - `initialize_carry(batch_size)`: the zero state, a pytree of arrays whose
      leading axis is the batch;
    - `__call__(carry, inputs[T, B, D], resets[T, B])` -> `(carry, outputs[T, B, features])`;
    - `step(carry, x[B, D], reset[B])` -> `(carry, y[B, features])`.

    `resets[t]` True means `inputs[t]` is the first observation of a new
    episode (as the auto-reset wrapper returns it): the state is zeroed before
    step t reads `inputs[t]`. Parameters come from
    `module.init(key, carry, inputs, resets)` and serve both modes.
    """

    features: int

    # The concrete values the `mode` attribute may take (none for backbones without one).
    parallel_modes: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self):
        check_positive(self, "features")
        self.check_sizes()
        super().__post_init__()

    def check_sizes(self) -> None:
        """Raises ValueError for sizes that cannot work; subclasses add their own checks."""

    def initialize_carry(self, batch_size: int) -> Carry:
        """The zero state of `batch_size` fresh episodes; every backbone defines it."""
        raise NotImplementedError(f"{type(self).__name__} does not define initialize_carry")

    def step(self, carry: Carry, x: jax.Array, reset: jax.Array) -> tuple[Carry, jax.Array]:
        """One recurrent step; every backbone defines it."""
        raise NotImplementedError(f"{type(self).__name__} does not define step")


def check_positive(module: nn.Module, *names: str) -> None:
    """Raises ValueError naming the first attribute in `names` that is not a positive integer."""
    for name in names:
        value = getattr(module, name)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{type(module).__name__}: {name} must be a positive integer, got {value!r}")


def check_choice(module: nn.Module, name: str, choices: tuple[str, ...]) -> None:
    """Raises ValueError when attribute `name` is not one of `choices`."""
    value = getattr(module, name)
    if value not in choices:
        raise ValueError(f"{type(module).__name__}: {name} must be one of {choices}, got {value!r}")


def check_sequence(inputs: jax.Array, resets: jax.Array) -> None:
    """Raises ValueError unless `inputs` is [T, B, D] and `resets` is [T, B]."""
    if inputs.ndim != 3:
        raise ValueError(f"inputs must be [T, B, D], got shape {inputs.shape}")
    if resets.shape != inputs.shape[:2]:
        raise ValueError(f"resets must be [T, B] = {inputs.shape[:2]} like inputs, got shape {resets.shape}")


def check_step(x: jax.Array, reset: jax.Array) -> None:
    """Raises ValueError unless `x` is [B, D] and `reset` is [B]."""
    if x.ndim != 2:
        raise ValueError(f"x must be [B, D] for one step, got shape {x.shape}")
    if reset.shape != x.shape[:1]:
        raise ValueError(f"reset must be [B] = {x.shape[:1]} like x, got shape {reset.shape}")

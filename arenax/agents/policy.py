"""The actor-critic network of the PPO baselines: an encoder, a memory backbone (or a memoryless layer), two heads, and their action distributions."""

from __future__ import annotations

from typing import Any, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

Carry = Any


class Gaussian(NamedTuple):
    """A diagonal Gaussian over continuous actions: `mean[..., D]`, `log_std[..., D]` (the continuous policy head's output)."""

    mean: jax.Array
    log_std: jax.Array


Head = Any
"""What the actor head emits: logits `[..., A]` for discrete actions, a `Gaussian` for continuous ones."""


class ActorCritic(nn.Module):
    """Maps observations to action logits and state values, through a backbone's memory when it has one.

    `backbone` is a module with the backbone interface (`initialize_carry`,
    parallel `__call__(carry, inputs[T, B, D], resets[T, B])` and one-step
    `step(carry, x[B, D], reset[B])`), or None for a memoryless policy whose
    middle layer is a plain dense layer and whose carry is empty. Both kinds
    share the encoder layer and heads, so that they differ in memory only.
    `resets[t]` True means that `obs[t]` is the first observation of an episode.

    For a backbone, that episode-start flag is also an input of the encoder,
    whose ReLU can zero a feature except at an episode's start: a linear
    recurrence (S5, LRU) sums its inputs, and could not otherwise keep an
    episode's first observation apart from the later ones (as RepeatFirst
    asks). The memoryless policy does not see it: whether the episode has a
    past is itself a bit of memory, and it would lift that policy above the
    memoryless ceilings that the memory tasks document. Its encoder keeps the
    tanh of the usual PPO MLP, which balances CartPole more reliably.

    With `centralised_critic`, the value head reads an input of its own
    instead of the actor's features: a memoryless MLP over `critic_obs`
    (MAPPO's critic on the world state), so that acting stays decentralised.

    With `continuous`, `num_actions` counts action dimensions and the actor
    head emits a `Gaussian`: a mean per dimension and a log standard
    deviation that is a parameter of its own, independent of the state
    (PPO's usual continuous head), starting at 0 (std 1).
    """

    num_actions: int
    backbone: nn.Module | None = None
    hidden_size: int = 64
    centralised_critic: bool = False
    continuous: bool = False

    def setup(self):
        def dense(width: int, scale: float) -> nn.Dense:
            return nn.Dense(width, kernel_init=nn.initializers.orthogonal(scale))

        self.encoder = dense(self.hidden_size, np.sqrt(2))
        if self.backbone is None:
            self.memoryless = dense(self.hidden_size, np.sqrt(2))
        self.actor_hidden = dense(self.hidden_size, np.sqrt(2))
        # Small initial logits keep the first policy close to uniform (Andrychowicz et al., 2021).
        self.actor_out = dense(self.num_actions, 0.01)
        if self.continuous:
            self.log_std = self.param("log_std", nn.initializers.zeros, (self.num_actions,))
        if self.centralised_critic:
            self.critic_encoder = dense(self.hidden_size, np.sqrt(2))
        self.critic_hidden = dense(self.hidden_size, np.sqrt(2))
        self.critic_out = dense(1, 1.0)

    def initialize_carry(self, batch_size: int) -> Carry:
        """The zero memory of `batch_size` fresh episodes (an empty tuple for a memoryless policy)."""
        if self.backbone is None:
            return ()
        return self.backbone.initialize_carry(batch_size)

    def __call__(
        self, carry: Carry, obs: jax.Array, resets: jax.Array, critic_obs: jax.Array | None = None
    ) -> tuple[Carry, Head, jax.Array]:
        """Parallel mode over a sequence: `obs[T, B, D]`, `resets[T, B]` -> carry, `logits[T, B, A]` (or a `Gaussian`), `values[T, B]`."""
        features = self._encode(obs, resets)
        if self.backbone is None:
            features = nn.tanh(self.memoryless(features))
        else:
            carry, features = self.backbone(carry, features, resets)
        return (carry, *self._heads(features, critic_obs))

    def step(
        self, carry: Carry, obs: jax.Array, reset: jax.Array, critic_obs: jax.Array | None = None
    ) -> tuple[Carry, Head, jax.Array]:
        """One-step mode for acting: `obs[B, D]`, `reset[B]` -> carry, `logits[B, A]` (or a `Gaussian`), `value[B]`."""
        features = self._encode(obs, reset)
        if self.backbone is None:
            features = nn.tanh(self.memoryless(features))
        else:
            carry, features = self.backbone.step(carry, features, reset)
        return (carry, *self._heads(features, critic_obs))

    def _encode(self, obs: jax.Array, resets: jax.Array) -> jax.Array:
        if self.backbone is None:
            return nn.tanh(self.encoder(obs))
        with_start = jnp.concatenate([obs, resets[..., None].astype(obs.dtype)], axis=-1)
        return nn.relu(self.encoder(with_start))

    def _heads(self, features: jax.Array, critic_obs: jax.Array | None) -> tuple[Head, jax.Array]:
        logits = self.actor_out(nn.tanh(self.actor_hidden(features)))
        if self.continuous:
            logits = Gaussian(logits, jnp.broadcast_to(self.log_std, logits.shape))
        if self.centralised_critic:
            if critic_obs is None:
                raise ValueError("a centralised critic needs critic_obs")
            features = nn.tanh(self.critic_encoder(critic_obs))
        value = self.critic_out(nn.tanh(self.critic_hidden(features)))
        return logits, jnp.squeeze(value, -1)


# Action distributions of the actor head: categorical over allowed actions, or a diagonal Gaussian


def masked_logits(logits: jax.Array, mask: jax.Array) -> jax.Array:
    # The most negative finite float rather than -inf keeps entropy and its gradient finite.
    return jnp.where(mask, logits, jnp.finfo(logits.dtype).min)


def sample_action(head: Head, mask: jax.Array, key: jax.Array) -> jax.Array:
    """An allowed action drawn from logits, or an unclipped draw from a `Gaussian` (masks do not apply to it)."""
    if isinstance(head, Gaussian):
        return head.mean + jnp.exp(head.log_std) * jax.random.normal(key, head.mean.shape, head.mean.dtype)
    return jax.random.categorical(key, masked_logits(head, mask))


def greedy_action(head: Head, mask: jax.Array) -> jax.Array:
    """The most likely allowed action, or the Gaussian's mean."""
    if isinstance(head, Gaussian):
        return head.mean
    return jnp.argmax(masked_logits(head, mask), -1)


def log_prob(head: Head, mask: jax.Array, action: jax.Array) -> jax.Array:
    """The log-probability (density, summed over dimensions, for a `Gaussian`) of `action`."""
    if isinstance(head, Gaussian):
        z = (action - head.mean) * jnp.exp(-head.log_std)
        return (-0.5 * z**2 - head.log_std - 0.5 * jnp.log(2 * jnp.pi)).sum(-1)
    log_probs = jax.nn.log_softmax(masked_logits(head, mask))
    return jnp.take_along_axis(log_probs, action[..., None], -1)[..., 0]


def entropy(head: Head, mask: jax.Array) -> jax.Array:
    """The entropy of the distribution over allowed actions (differential entropy for a `Gaussian`)."""
    if isinstance(head, Gaussian):
        return (head.log_std + 0.5 * jnp.log(2 * jnp.pi * jnp.e)).sum(-1)
    log_probs = jax.nn.log_softmax(masked_logits(head, mask))
    return -(jnp.exp(log_probs) * log_probs).sum(-1)

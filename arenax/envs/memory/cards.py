"""Shoes of playing cards for the POPGym card tasks: what each deck holds, dealing, one-hot codes."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

DECK_SIZE = 52
NUM_SUITS = 4
NUM_RANKS = 13
NUM_COLORS = 2

CARD_KINDS = {"colors": NUM_COLORS, "suits": NUM_SUITS, "ranks": NUM_RANKS}
"""What a task may tell cards apart by, and how many kinds of card that makes."""


@struct.dataclass
class CardGameParams:
    """The card tasks have no numeric parameters: the deck, fixed at construction, sets everything."""


def check_num_decks(task: str, num_decks: int) -> int:
    """`num_decks` as an int, or a `ValueError` naming the task."""
    if isinstance(num_decks, bool) or not isinstance(num_decks, (int, np.integer)) or num_decks < 1:
        raise ValueError(f"{task} num_decks must be a positive integer, got {num_decks!r}")
    return int(num_decks)


def check_card_game_params(task: str, params: object) -> None:
    """Card tasks accept only `CardGameParams`; anything else is another task's parameters."""
    if not isinstance(params, CardGameParams):
        raise ValueError(f"{task} takes CardGameParams, got {type(params).__name__}")


def full_shoe(num_kinds: int, num_decks: int) -> jax.Array:
    """How many cards of each kind a fresh shoe of `num_decks` decks holds (int32, `[num_kinds]`)."""
    return jnp.full((num_kinds,), DECK_SIZE * num_decks // num_kinds, jnp.int32)


def draw(key: jax.Array, remaining: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Deals one card from each shoe: its kind, drawn in proportion to the cards left, and the counts left after it.

    `remaining` is `[..., num_kinds]`, one shoe per leading index, all dealt
    from with one random draw. Dealing kinds one at a time in proportion to
    what is left gives exactly the kind sequences of a shuffled deck, with no
    shuffle (a sort) at reset: auto-reset computes a reset at every step, so a
    shuffle there would cost far more than the step itself.
    """
    num_kinds = remaining.shape[-1]
    position = jax.random.randint(key, remaining.shape[:-1], 0, jnp.maximum(remaining.sum(axis=-1), 1))
    kind = jnp.sum(jnp.cumsum(remaining, axis=-1) <= position[..., None], axis=-1).astype(jnp.int32)
    # an empty shoe (only past the end of an episode) deals kind 0 and stays empty
    kind = jnp.where(kind < num_kinds, kind, 0)
    dealt = jax.nn.one_hot(kind, num_kinds, dtype=jnp.int32) * (remaining > 0)
    return kind, remaining - dealt


def one_hot(values: jax.Array, size: int) -> jax.Array:
    """float32 one-hot codes, the observation format of every card task."""
    return jax.nn.one_hot(values, size, dtype=jnp.float32)

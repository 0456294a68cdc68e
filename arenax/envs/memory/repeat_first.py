"""POPGym's RepeatFirst: at every step, answer the suit of the first card of the episode."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.memory import cards
from arenax.envs.memory.render import BLACK, GREEN, card_grid, count_bars, stack


@struct.dataclass
class RepeatFirstState(EnvState):
    remaining: jax.Array
    """Cards of each suit not dealt yet."""
    first_suit: jax.Array
    suit: jax.Array
    """The suit on screen."""


class RepeatFirst(Environment[RepeatFirstState, cards.CardGameParams]):
    """Cards of `num_decks` shuffled decks are dealt one a step; the agent must name the first card's suit.

    Observation: the current card's suit, one-hot (`Box(0, 1, (4,))`). Action:
    a suit (`Discrete(4)`). Every one of the `T = 52 * num_decks - 1` steps is
    scored, the first included (the first card is then on screen): +1/T when
    the action is the first card's suit, -1/T otherwise. The episode
    terminates when the deck is spent. POPGym's variants: easy 1 deck,
    medium 8, hard 16.

    Expected returns (`reference_returns`), with `N = 52 * num_decks`:

    - random policy: -0.5 (a quarter of the answers right);
    - best memoryless policy: echo the current suit, right at the first step
      and afterwards with probability (N/4 - 1)/(N - 1), just under 1/4
      (the first card is no longer in the deck); the return is
      `(2 + (N - 2)(N - 4)/(2(N - 1)))/(N - 1) - 1`: -0.4994 (easy),
      -0.49999 (medium), -0.499998 (hard). No memoryless policy does better:
      the expected score is linear in the probability of echoing;
    - perfect memory: 1.0.
    """

    def __init__(self, num_decks: int = 1):
        self.num_decks = cards.check_num_decks("RepeatFirst", num_decks)
        self.num_cards = cards.DECK_SIZE * self.num_decks
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (cards.NUM_SUITS,), np.float32)
        self.single_agent_action_space = spaces.Discrete(cards.NUM_SUITS)

    @property
    def default_params(self) -> cards.CardGameParams:
        return cards.CardGameParams()

    def check_params(self, params: cards.CardGameParams) -> None:
        cards.check_card_game_params(self.name, params)

    def episode_length(self, params: cards.CardGameParams | None = None) -> int:
        return self.num_cards - 1

    def reference_returns(self, params: cards.CardGameParams | None = None) -> dict[str, float]:
        n = self.num_cards
        expected_correct = 1 + (n - 2) * (n - 4) / (4 * (n - 1))
        return {"random": -0.5, "memoryless": 2 * expected_correct / (n - 1) - 1, "perfect": 1.0}

    def reset_env(self, key, params):
        suit, remaining = cards.draw(key, cards.full_shoe(cards.NUM_SUITS, self.num_decks))
        state = RepeatFirstState(
            key=key, params=params, time=jnp.int32(0), remaining=remaining, first_suit=suit, suit=suit
        )
        obs = cards.one_hot(suit, cards.NUM_SUITS)
        return state, TimeStep(obs, jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), {})

    def step_env(self, key, state, action, params):
        reward = jnp.where(action == state.first_suit, 1.0, -1.0).astype(jnp.float32) / self.episode_length()
        suit, remaining = cards.draw(key, state.remaining)
        time = state.time + 1
        terminated = time >= self.episode_length()
        state = state.replace(time=time, remaining=remaining, suit=suit)
        obs = cards.one_hot(suit, cards.NUM_SUITS)
        return state, TimeStep(obs, reward, terminated, jnp.bool_(False), {})

    def render(self, state: RepeatFirstState) -> np.ndarray:
        """The first card (green frame), the card on screen (black frame), then the cards left of each suit."""
        shown = card_grid(
            np.asarray([state.first_suit, state.suit]), cards.NUM_SUITS, np.ones(2, bool), {0: GREEN, 1: BLACK}
        )
        return stack(shown, count_bars(np.asarray(state.remaining), self.num_cards // cards.NUM_SUITS))

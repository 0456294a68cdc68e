"""POPGym's Autoencode: watch a whole deck go by, then recite its suits in reverse (or in order)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.memory import cards
from arenax.envs.memory.render import BLACK, GREEN, card_grid


@struct.dataclass
class AutoencodeState(EnvState):
    remaining: jax.Array
    """Cards of each suit not shown yet."""
    dealt: jax.Array
    """Suits shown so far, in order (`[52 * num_decks]`)."""


class Autoencode(Environment[AutoencodeState, cards.CardGameParams]):
    """The `N = 52 * num_decks` cards are shown one a step, then the agent recites their suits.

    Observation: the suit on screen one-hot (zeros once all cards are shown),
    then a play flag that is 1 when the action taken on this observation is
    scored (`Box(0, 1, (5,))`). Action: a suit (`Discrete(4)`). The watch
    phase lasts N - 1 steps, with reward 0; the last card comes with the
    play flag set, and from then on the agent names one card a step, last
    card first (POPGym's rule; `reverse=False` asks for them in dealing
    order): +1/N right, -1/N wrong. The episode terminates after the N-th
    answer (2N - 1 steps). POPGym's variants: easy 1 deck, medium 2, hard 3.

    Expected returns (`reference_returns`):

    - random policy: -0.5;
    - best memoryless policy: in reverse order the first answer is the card
      on screen; later observations are all alike, so a quarter of the other
      N - 1 answers are right: `(1 - (N - 1)/2)/N`, -0.4712 (easy), -0.4856
      (medium), -0.4904 (hard). In dealing order the first answer is any
      suit but the one on screen (right with probability (N/4)/(N - 1)):
      `(N/(2(N - 1)) - 1 - (N - 1)/2)/N`;
    - perfect memory: 1.0.
    """

    def __init__(self, num_decks: int = 1, reverse: bool = True):
        self.num_decks = cards.check_num_decks("Autoencode", num_decks)
        if not isinstance(reverse, (bool, np.bool_)):
            raise ValueError(f"Autoencode reverse must be a bool, got {reverse!r}")
        self.reverse = bool(reverse)
        self.num_cards = cards.DECK_SIZE * self.num_decks
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (cards.NUM_SUITS + 1,), np.float32)
        self.single_agent_action_space = spaces.Discrete(cards.NUM_SUITS)

    @property
    def default_params(self) -> cards.CardGameParams:
        return cards.CardGameParams()

    def check_params(self, params: cards.CardGameParams) -> None:
        cards.check_card_game_params(self.name, params)

    def episode_length(self, params: cards.CardGameParams | None = None) -> int:
        return 2 * self.num_cards - 1

    def reference_returns(self, params: cards.CardGameParams | None = None) -> dict[str, float]:
        n = self.num_cards
        first_answer = 1.0 if self.reverse else n / (2 * (n - 1)) - 1
        return {"random": -0.5, "memoryless": (first_answer - (n - 1) / 2) / n, "perfect": 1.0}

    def reset_env(self, key, params):
        suit, remaining = cards.draw(key, cards.full_shoe(cards.NUM_SUITS, self.num_decks))
        dealt = jnp.zeros((self.num_cards,), jnp.int32).at[0].set(suit)
        state = AutoencodeState(key=key, params=params, time=jnp.int32(0), remaining=remaining, dealt=dealt)
        return state, TimeStep(
            self._observe(suit, state.time), jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), {}
        )

    def step_env(self, key, state, action, params):
        last_shown = self.num_cards - 1
        answer_index = jnp.clip(state.time - last_shown, 0, last_shown)
        asked = last_shown - answer_index if self.reverse else answer_index
        score = jnp.where(action == state.dealt[asked], 1.0, -1.0) / self.num_cards
        reward = jnp.where(state.time >= last_shown, score, 0.0).astype(jnp.float32)
        suit, remaining = cards.draw(key, state.remaining)
        time = state.time + 1
        dealt = state.dealt.at[time].set(suit, mode="drop")
        state = state.replace(time=time, remaining=remaining, dealt=dealt)
        terminated = time >= self.episode_length()
        return state, TimeStep(self._observe(suit, time), reward, terminated, jnp.bool_(False), {})

    def _observe(self, suit: jax.Array, time: jax.Array) -> jax.Array:
        last_shown = self.num_cards - 1
        card = jnp.where(time <= last_shown, cards.one_hot(suit, cards.NUM_SUITS), 0.0)
        playing = (time >= last_shown).astype(jnp.float32)
        return jnp.concatenate([card, playing[None]])

    def render(self, state: AutoencodeState) -> np.ndarray:
        """The suits shown so far; black frame: the card on screen, green: the card to name now."""
        time = int(state.time)
        last_shown = self.num_cards - 1
        shown = np.arange(self.num_cards) <= time
        marks = {min(time, last_shown): BLACK}
        if time >= last_shown:
            answer_index = min(time - last_shown, last_shown)
            marks[last_shown - answer_index if self.reverse else answer_index] = GREEN
        return card_grid(np.asarray(state.dealt), cards.NUM_SUITS, shown, marks)

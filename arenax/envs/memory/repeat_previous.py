"""POPGym's RepeatPrevious: answer the suit of the card dealt a fixed number of steps ago."""

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
class RepeatPreviousParams:
    k: int = 4
    """Which card to repeat: the k-th most recent one, the current card counting as the first."""


@struct.dataclass
class RepeatPreviousState(EnvState):
    remaining: jax.Array
    """Cards of each suit not dealt yet."""
    dealt: jax.Array
    """Suits dealt so far, in order (`[52 * num_decks]`, zeros beyond `time`)."""


class RepeatPrevious(Environment[RepeatPreviousState, RepeatPreviousParams]):
    """Cards are dealt one a step; the agent must name the suit of the card shown `k - 1` steps ago.

    `k` counts as POPGym's does: k = 1 is the current card, k = 4 the card
    three steps back. Observation: the current suit one-hot, then a flag that
    is 1 when the action taken on this observation is scored
    (`Box(0, 1, (5,))`). Action: a suit (`Discrete(4)`). An episode deals
    all `N = 52 * num_decks` cards (N - 1 steps) and terminates; the first
    k - 1 steps are not scored, each of the other `N - k` gives +1/(N - k)
    for the right suit and -1/(N - k) otherwise. POPGym's variants: easy
    1 deck and k = 4, medium 2 decks and k = 32, hard 3 decks and k = 64.

    Expected returns (`reference_returns`):

    - random policy: -0.5;
    - best memoryless policy (k > 1): answer any suit but the current one,
      right with probability (N/4)/(N - 1), since the current card is not the
      one asked for; return `N/(2(N - 1)) - 1`: -0.4902 (easy), -0.4951
      (medium), -0.4968 (hard). With k = 1 the task needs no memory (1.0);
    - perfect memory: 1.0.
    """

    def __init__(self, num_decks: int = 1, k: int = 4):
        self.num_decks = cards.check_num_decks("RepeatPrevious", num_decks)
        self.num_cards = cards.DECK_SIZE * self.num_decks
        self._check_k(k)
        self.k = int(k)
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (cards.NUM_SUITS + 1,), np.float32)
        self.single_agent_action_space = spaces.Discrete(cards.NUM_SUITS)

    def _check_k(self, k) -> None:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k < self.num_cards:
            raise ValueError(
                f"RepeatPrevious k must be an integer in [1, {self.num_cards - 1}] for {self.num_decks} deck(s) "
                f"of 52 cards (at least one step must be scored), got {k!r}"
            )

    @property
    def default_params(self) -> RepeatPreviousParams:
        return RepeatPreviousParams(k=self.k)

    def check_params(self, params: RepeatPreviousParams) -> None:
        if not isinstance(params, RepeatPreviousParams):
            raise ValueError(f"RepeatPrevious takes RepeatPreviousParams, got {type(params).__name__}")
        self._check_k(int(params.k))

    def episode_length(self, params: RepeatPreviousParams | None = None) -> int:
        return self.num_cards - 1

    def reference_returns(self, params: RepeatPreviousParams | None = None) -> dict[str, float]:
        k = int((params or self.default_params).k)
        n = self.num_cards
        memoryless = 1.0 if k == 1 else n / (2 * (n - 1)) - 1
        return {"random": -0.5, "memoryless": memoryless, "perfect": 1.0}

    def reset_env(self, key, params):
        suit, remaining = cards.draw(key, cards.full_shoe(cards.NUM_SUITS, self.num_decks))
        dealt = jnp.zeros((self.num_cards,), jnp.int32).at[0].set(suit)
        state = RepeatPreviousState(key=key, params=params, time=jnp.int32(0), remaining=remaining, dealt=dealt)
        obs = self._observe(suit, state.time, params)
        return state, TimeStep(obs, jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), {})

    def step_env(self, key, state, action, params):
        scored = state.time >= params.k - 1
        asked = state.dealt[jnp.maximum(state.time + 1 - params.k, 0)]
        score = jnp.where(action == asked, 1.0, -1.0) / (self.num_cards - params.k)
        reward = jnp.where(scored, score, 0.0).astype(jnp.float32)
        suit, remaining = cards.draw(key, state.remaining)
        time = state.time + 1
        dealt = state.dealt.at[time].set(suit, mode="drop")
        state = state.replace(time=time, remaining=remaining, dealt=dealt)
        terminated = time >= self.episode_length()
        return state, TimeStep(self._observe(suit, time, params), reward, terminated, jnp.bool_(False), {})

    def _observe(self, suit: jax.Array, time: jax.Array, params: RepeatPreviousParams) -> jax.Array:
        scored = (time >= params.k - 1).astype(jnp.float32)
        return jnp.concatenate([cards.one_hot(suit, cards.NUM_SUITS), scored[None]])

    def render(self, state: RepeatPreviousState) -> np.ndarray:
        """The suits dealt so far; black frame: the card on screen, green: the card asked for."""
        time = min(int(state.time), self.num_cards - 1)
        shown = np.arange(self.num_cards) <= time
        marks = {time: BLACK}
        asked = time + 1 - int(state.params.k)
        if asked >= 0:
            marks[asked] = GREEN
        return card_grid(np.asarray(state.dealt), cards.NUM_SUITS, shown, marks)

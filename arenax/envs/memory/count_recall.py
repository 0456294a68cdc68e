"""POPGym's CountRecall: answer how many cards of the queried kind have been dealt so far."""

from __future__ import annotations

from math import comb

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.memory import cards
from arenax.envs.memory.render import card_grid, count_bars, stack


@struct.dataclass
class CountRecallState(EnvState):
    left: jax.Array
    """Cards of each kind not dealt yet: `[2, kinds]`, the value deck then the query deck."""
    counts: jax.Array
    """Value cards of each kind dealt so far, the one on screen included: the answers."""
    value: jax.Array
    query: jax.Array


class CountRecall(Environment[CountRecallState, cards.CardGameParams]):
    """Two decks deal a value card and a query card each step; the agent counts the values dealt.

    Cards are told apart by `deck_type`: colors (2 kinds), suits (4) or ranks
    (13); each of the `K` kinds appears `C = 52 * num_decks / K` times in the
    value deck. Observation: the new value card's kind one-hot, then the query
    card's kind one-hot (`Box(0, 1, (2K,))`). The answer to a query is how many
    value cards of the queried kind have been dealt so far, the one on screen
    included, so it ranges over 0..C and the action space is `Discrete(C + 1)`
    (the JAX ports' `Discrete(2)` cannot say most answers). Every one of the
    `T = 52 * num_decks - 1` steps is scored: +1/T right, -1/T wrong; the
    episode terminates when the decks are spent. POPGym's variants: easy 1 deck
    of colors (C = 26), medium 2 decks of suits (C = 26), hard 4 decks of
    ranks (C = 16).

    Expected returns (`reference_returns`):

    - random policy: `2/(C + 1) - 1`: -0.926 (easy, medium), -0.882 (hard);
    - best memoryless policy: the observation tells only whether the value on
      screen matches the query; the count is then 1 plus, or else equal to, a
      hypergeometric draw from the cards dealt before, whose size the agent
      cannot see. Answering the most likely count of each case over the whole
      episode (`memoryless_answers`) gives -0.923 (easy), -0.924 (medium),
      -0.881 (hard): barely better than chance;
    - perfect memory: 1.0.
    """

    def __init__(self, num_decks: int = 1, deck_type: str = "colors"):
        self.num_decks = cards.check_num_decks("CountRecall", num_decks)
        if deck_type not in cards.CARD_KINDS:
            raise ValueError(f"CountRecall deck_type must be one of {sorted(cards.CARD_KINDS)}, got {deck_type!r}")
        self.deck_type = deck_type
        self.num_kinds = cards.CARD_KINDS[deck_type]
        self.num_cards = cards.DECK_SIZE * self.num_decks
        self.max_count = self.num_cards // self.num_kinds
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (2 * self.num_kinds,), np.float32)
        self.single_agent_action_space = spaces.Discrete(self.max_count + 1)

    @property
    def default_params(self) -> cards.CardGameParams:
        return cards.CardGameParams()

    def check_params(self, params: cards.CardGameParams) -> None:
        cards.check_card_game_params(self.name, params)

    def episode_length(self, params: cards.CardGameParams | None = None) -> int:
        return self.num_cards - 1

    def memoryless_answers(self) -> tuple[int, int, float]:
        """The best memoryless answers when value and query match and when not, and their expected score count."""
        n, c, k = self.num_cards, self.max_count, self.num_kinds
        match_mass = np.zeros(c + 1)
        other_mass = np.zeros(c + 1)
        for dealt_before in range(n - 1):
            for h in range(c):
                match_mass[h + 1] += _hypergeometric(h, n - 1, c - 1, dealt_before)
            for h in range(c + 1):
                other_mass[h] += _hypergeometric(h, n - 1, c, dealt_before)
        answer_match, answer_other = int(match_mass.argmax()), int(other_mass.argmax())
        expected_correct = match_mass[answer_match] / k + other_mass[answer_other] * (1 - 1 / k)
        return answer_match, answer_other, float(expected_correct)

    def reference_returns(self, params: cards.CardGameParams | None = None) -> dict[str, float]:
        steps = self.episode_length()
        memoryless = 2 * self.memoryless_answers()[2] / steps - 1
        return {"random": 2 / (self.max_count + 1) - 1, "memoryless": memoryless, "perfect": 1.0}

    def reset_env(self, key, params):
        shoes = jnp.stack([cards.full_shoe(self.num_kinds, self.num_decks)] * 2)
        (value, query), left = cards.draw(key, shoes)
        counts = jnp.zeros((self.num_kinds,), jnp.int32).at[value].set(1)
        state = CountRecallState(
            key=key, params=params, time=jnp.int32(0), left=left, counts=counts, value=value, query=query
        )
        return state, TimeStep(self._observe(value, query), jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), {})

    def step_env(self, key, state, action, params):
        reward = jnp.where(action == state.counts[state.query], 1.0, -1.0).astype(jnp.float32) / self.episode_length()
        (value, query), left = cards.draw(key, state.left)
        time = state.time + 1
        counts = state.counts.at[value].add(1)
        state = state.replace(time=time, left=left, counts=counts, value=value, query=query)
        terminated = time >= self.episode_length()
        return state, TimeStep(self._observe(value, query), reward, terminated, jnp.bool_(False), {})

    def _observe(self, value: jax.Array, query: jax.Array) -> jax.Array:
        return jnp.concatenate([cards.one_hot(value, self.num_kinds), cards.one_hot(query, self.num_kinds)])

    def render(self, state: CountRecallState) -> np.ndarray:
        """The kinds on screen (value, query), then one bar per kind dealt so far, the queried kind framed."""
        on_screen = card_grid(np.asarray([state.value, state.query]), self.num_kinds, np.ones(2, bool), {})
        return stack(on_screen, count_bars(np.asarray(state.counts), self.max_count, framed=int(state.query)))


def _hypergeometric(successes_drawn: int, population: int, successes: int, draws: int) -> float:
    """P(successes_drawn) when drawing `draws` of `population` items without replacement."""
    if successes_drawn > min(successes, draws) or draws - successes_drawn > population - successes:
        return 0.0
    return (
        comb(successes, successes_drawn)
        * comb(population - successes, draws - successes_drawn)
        / comb(population, draws)
    )

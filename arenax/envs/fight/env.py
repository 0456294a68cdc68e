"""The fighting game as arenax environments: `Fight` (two players) and `FightLadder` (one player against the ladder)."""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from gymnasium import spaces

from arenax.core import Environment, TimeStep
from arenax.envs.fight.characters import NAMES, NUM_CHARACTERS, character_index
from arenax.envs.fight.frame_data import stat
from arenax.envs.fight.match import advance_frames, new_match
from arenax.envs.fight.observation import FEATURE_SIZE, features
from arenax.envs.fight.policies import LADDER, LADDER_CHARACTERS, LEVELS, choose_actions, ladder_opponent
from arenax.envs.fight.render import draw
from arenax.envs.fight.types import (
    NUM_ACTIONS,
    FightParams,
    FightState,
    LadderParams,
    LadderState,
    Match,
    RewardParams,
)

OBSERVATIONS = ("features", "pixels")
RENDER_SIZE = (180, 320)


class _FightBase:
    """What both modes share: constructor checks, spaces, observation, reward, rendering."""

    def _configure(self, frame_skip: int, observation: str, pixel_size: int) -> None:
        for name, value in (("frame_skip", frame_skip), ("pixel_size", pixel_size)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{type(self).__name__} {name} must be a positive integer, got {value!r}")
        if observation not in OBSERVATIONS:
            raise ValueError(f"{type(self).__name__} observation must be one of {OBSERVATIONS}, got {observation!r}")
        self.frame_skip, self.observation, self.pixel_size = int(frame_skip), observation, int(pixel_size)
        if observation == "features":
            self.single_agent_observation_space = spaces.Box(-1.0, 1.0, (FEATURE_SIZE,), np.float32)
        else:
            self.single_agent_observation_space = spaces.Box(0, 255, (self.pixel_size, self.pixel_size, 3), np.uint8)
        self.single_agent_action_space = spaces.Discrete(NUM_ACTIONS)

    def _observe(self, match: Match, round_seconds: jax.Array, players: int = 2) -> jax.Array:
        """Observations `[players, ...]`, row i as player i sees the match."""
        if self.observation == "features":
            return features(match, round_seconds)[:players]
        size = self.pixel_size
        return jax.vmap(lambda viewer: draw(match, round_seconds, viewer, size, size))(jnp.arange(players))

    @staticmethod
    def _rewards(match: Match, events, weights: RewardParams) -> jax.Array:
        """Per player: `dealt_weight * dealt - taken_weight * taken + round_bonus * (won - lost)`.

        Damage is measured in health bars; rounds count when won or lost outright (not drawn).
        """
        taken = events.damage_taken / stat(match.fighters.character, "health").astype(jnp.float32)
        won = events.rounds_won.astype(jnp.float32)
        damage = weights.dealt_weight * taken[::-1] - weights.taken_weight * taken
        reward = damage + weights.round_bonus * (won - won[::-1])
        return reward.astype(jnp.float32)

    @staticmethod
    def _check_common(name: str, params: Any) -> None:
        seconds = params.round_seconds
        if isinstance(seconds, bool) or np.ndim(seconds) != 0 or int(seconds) != seconds or int(seconds) < 1:
            raise ValueError(f"{name} round_seconds must be a positive integer, got {seconds!r}")
        for field in ("dealt_weight", "taken_weight", "round_bonus"):
            value = getattr(params.reward, field)
            if np.ndim(value) != 0 or not np.isfinite(float(value)):
                raise ValueError(f"{name} reward.{field} must be a finite number, got {value!r}")

    def render(self, state) -> np.ndarray:
        height, width = RENDER_SIZE
        return np.asarray(draw(state.match, state.params.round_seconds, jnp.int32(-1), height, width))


def _character(name_or_index: str | int) -> int:
    if isinstance(name_or_index, (int, np.integer)) and not isinstance(name_or_index, bool):
        if not 0 <= int(name_or_index) < NUM_CHARACTERS:
            raise ValueError(f"character index must lie in [0, {NUM_CHARACTERS}), got {name_or_index}")
        return int(name_or_index)
    return character_index(name_or_index)


def _match_score(match: Match) -> jax.Array:
    """Player 0's result of a finished match: 1 win, 0.5 draw, 0 loss."""
    return (match.outcome.astype(jnp.float32) + 1.0) / 2.0


class Fight(_FightBase, Environment[FightState, FightParams]):
    """Two-player fighting game, best of three rounds, for competitive multi-agent RL.

    Agents `player_0` and `player_1` act at once; one agent step holds the action for `frame_skip`
    logic frames (60 per second; FightLadder uses 8). Actions (`Discrete(22)`): 9 directions relative
    to the fighter's facing (0 neutral, 1 up, 2 up-forward, 3 forward, 4 down-forward, 5 down,
    6 down-back, 7 back, 8 up-back), 7 buttons (9-15: light/medium/heavy punch, light/medium/heavy
    kick, throw) and 6 special moves (16-21: the character's table rows, performed at once, as
    FightLadder's scripted special inputs). Holding back blocks (down-back blocks low), tapping forward
    twice dashes, a thrown fighter escapes with THROW; see `arenax.envs.fight.moves` and
    `arenax.envs.fight.combat` for the priority of contradictory inputs and simultaneous hits.

    Observation (`observation="features"`): `Box(-1, 1, (FEATURE_SIZE,))` per agent, its own fighter
    first (position, velocity, health, meter, facing, stance, current move one-hot and its progress,
    stun and its kind, combo, rounds won, character, projectile), then the opponent's, then the round
    timer, rounds played, distance and height difference; `observation="pixels"`: an
    `pixel_size x pixel_size` RGB frame drawn in JAX, the viewer marked and its health bar on the left.
    Reward per agent: FightLadder's shape, `3 * damage dealt - damage taken` in health bars plus 1 for
    a round won outright and -1 for one lost (weights in `params.reward`). The episode terminates when
    the match ends (the round timer bounds it); `info["match_score"]` is then 1 win, 0.5 draw, 0 loss.
    Characters are `params.characters` (indices into `NAMES`), so they can be vmapped over.
    """

    agents = ("player_0", "player_1")

    def __init__(
        self,
        characters: tuple[str | int, str | int] = ("ryn", "blaze"),
        frame_skip: int = 8,
        observation: str = "features",
        pixel_size: int = 84,
    ):
        if len(characters) != 2:
            raise ValueError(f"Fight takes two characters, got {characters!r}")
        self.characters = tuple(_character(c) for c in characters)
        self._configure(frame_skip, observation, pixel_size)

    @property
    def default_params(self) -> FightParams:
        return FightParams(characters=jnp.asarray(self.characters, jnp.int32))

    def check_params(self, params: FightParams) -> None:
        if not isinstance(params, FightParams):
            raise ValueError(f"Fight takes FightParams, got {type(params).__name__}")
        characters = np.asarray(params.characters)
        if characters.shape != (2,) or not np.issubdtype(characters.dtype, np.integer):
            raise ValueError(f"Fight params.characters must be two integers, got {params.characters!r}")
        if ((characters < 0) | (characters >= NUM_CHARACTERS)).any():
            raise ValueError(f"Fight params.characters must lie in [0, {NUM_CHARACTERS}) ({NAMES}), got {characters}")
        self._check_common("Fight", params)

    def reset_env(self, key, params):
        match = new_match(params.characters, params.round_seconds)
        state = FightState(key=key, params=params, time=jnp.int32(0), match=match)
        zero = jnp.zeros((2,), jnp.float32)
        return state, TimeStep(
            self._observe(match, params.round_seconds), zero, jnp.bool_(False), jnp.bool_(False), self._info(match)
        )

    def step_env(self, key, state, action, params):
        actions = jnp.asarray(action, jnp.int32)
        match, events = advance_frames(state.match, actions, params.round_seconds, self.frame_skip)
        reward = self._rewards(match, events, params.reward)
        state = state.replace(match=match, time=state.time + 1)
        obs = self._observe(match, params.round_seconds)
        return state, TimeStep(obs, reward, match.over, jnp.bool_(False), self._info(match))

    @staticmethod
    def _info(match: Match) -> dict[str, jax.Array]:
        score = _match_score(match)
        return {
            "health": (match.fighters.health / stat(match.fighters.character, "health")).astype(jnp.float32),
            "rounds_won": match.fighters.rounds_won,
            "match_score": jnp.where(match.over, jnp.stack([score, 1.0 - score]), 0.0).astype(jnp.float32),
        }

    def scripted_policies(self) -> dict[str, Callable]:
        """`random`, `idle` (never presses anything) and the scripted AI at each level, for both players."""
        policies = super().scripted_policies()
        policies["idle"] = lambda key, state, ts: jnp.zeros((2,), jnp.int32)
        for index, level in enumerate(LEVELS):
            policies[level] = lambda key, state, ts, index=index: choose_actions(
                key, state.match, jnp.full((2,), index, jnp.int32)
            )
        return policies


class FightLadder(_FightBase, Environment[LadderState, LadderParams]):
    """One player climbs a ladder of 12 scripted opponents of rising difficulty (FightLadder's single-player mode).

    The agent is player 0 playing `character`; the opponent is ladder rung `rung`'s character and AI
    level (`arenax.envs.fight.policies.LADDER`: four easy, four medium, four hard). An episode starts
    at `params.ladder_index`. With `params.climb` (the default) it is an arcade run: a match won moves
    on to the next rung within the same episode (a fresh match, health and meter reset), a match lost
    or drawn, or the last rung won, terminates it. With `climb=False` the episode is one match against
    rung `ladder_index`, which is how evaluation targets one opponent. Actions, observations (the
    agent's view) and reward are those of `Fight` for player 0; the opponent decides once per agent
    step, as the agent does. `info`: `ladder_rung`, `opponent_character`, `opponent_level`,
    `matches_won`, and `match_ended` with `match_score` (1 win, 0.5 draw, 0 loss) of a match that
    ended during the step.
    """

    def __init__(
        self, character: str | int = "ryn", frame_skip: int = 8, observation: str = "features", pixel_size: int = 84
    ):
        self.character = _character(character)
        self._configure(frame_skip, observation, pixel_size)

    @property
    def default_params(self) -> LadderParams:
        return LadderParams(character=self.character)

    @property
    def ladder(self) -> tuple[tuple[str, str], ...]:
        return LADDER

    def check_params(self, params: LadderParams) -> None:
        if not isinstance(params, LadderParams):
            raise ValueError(f"FightLadder takes LadderParams, got {type(params).__name__}")
        if not 0 <= int(params.character) < NUM_CHARACTERS or int(params.character) != params.character:
            raise ValueError(
                f"FightLadder params.character must lie in [0, {NUM_CHARACTERS}) ({NAMES}), got {params.character!r}"
            )
        if not 0 <= int(params.ladder_index) < len(LADDER) or int(params.ladder_index) != params.ladder_index:
            raise ValueError(
                f"FightLadder params.ladder_index must be a rung in [0, {len(LADDER)}), got {params.ladder_index!r}"
            )
        if np.asarray(params.climb).dtype != np.bool_:
            raise ValueError(f"FightLadder params.climb must be a bool, got {params.climb!r}")
        self._check_common("FightLadder", params)

    def _characters(self, params: LadderParams, rung: jax.Array) -> jax.Array:
        return jnp.stack([jnp.asarray(params.character, jnp.int32), jnp.asarray(LADDER_CHARACTERS)[rung]])

    def reset_env(self, key, params):
        rung = jnp.asarray(params.ladder_index, jnp.int32)
        match = new_match(self._characters(params, rung), params.round_seconds)
        state = LadderState(key=key, params=params, time=jnp.int32(0), match=match, rung=rung, matches_won=jnp.int32(0))
        obs = self._observe(match, params.round_seconds, 1)[0]
        info = self._info(state, jnp.bool_(False), jnp.float32(0.0))
        return state, TimeStep(obs, jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), info)

    def step_env(self, key, state, action, params):
        _, level = ladder_opponent(state.rung)
        opponent_action = choose_actions(key, state.match, jnp.stack([level, level]))[1]
        actions = jnp.stack([jnp.asarray(action, jnp.int32), opponent_action])
        match, events = advance_frames(state.match, actions, params.round_seconds, self.frame_skip)
        reward = self._rewards(match, events, params.reward)[0]
        won = match.over & (match.outcome == 1)
        climbs = won & params.climb & (state.rung < len(LADDER) - 1)
        rung = state.rung + climbs.astype(jnp.int32)
        fresh = new_match(self._characters(params, rung), params.round_seconds)
        next_match = jax.tree_util.tree_map(lambda a, b: jnp.where(climbs, a, b), fresh, match)
        state = state.replace(
            match=next_match, rung=rung, matches_won=state.matches_won + won.astype(jnp.int32), time=state.time + 1
        )
        obs = self._observe(next_match, params.round_seconds, 1)[0]
        info = self._info(state, match.over, _match_score(match))
        return state, TimeStep(obs, reward, match.over & ~climbs, jnp.bool_(False), info)

    @staticmethod
    def _info(state: LadderState, ended: jax.Array, score: jax.Array) -> dict[str, jax.Array]:
        character, level = ladder_opponent(state.rung)
        return {
            "ladder_rung": state.rung,
            "opponent_character": character,
            "opponent_level": level,
            "matches_won": state.matches_won,
            "match_ended": ended,
            "match_score": jnp.where(ended, score, 0.0).astype(jnp.float32),
        }

    def scripted_policies(self) -> dict[str, Callable]:
        """`random`, `idle` and the scripted AI at each level playing the agent's fighter."""
        policies = super().scripted_policies()
        policies["idle"] = lambda key, state, ts: jnp.int32(0)
        for index, level in enumerate(LEVELS):
            policies[level] = lambda key, state, ts, index=index: choose_actions(
                key, state.match, jnp.full((2,), index, jnp.int32)
            )[0]
        return policies

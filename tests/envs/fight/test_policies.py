"""The scripted AI: levels ordered by strength in head-to-head matches, and the ladder built from them."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from arenax.envs.fight.characters import NUM_CHARACTERS
from arenax.envs.fight.match import advance_frames, new_match
from arenax.envs.fight.policies import LADDER, LADDER_LEVELS, LEVELS, MOVE_ACTION, choose_actions

ROUND_SECONDS = 20
MATCHES = 48
STEPS = 3 * ROUND_SECONDS * 60 // 8 + 2


@pytest.fixture(scope="module")
def play():
    """`play(key, levels[2])`: outcomes (+1 player 0 won) of MATCHES matches between two AI levels, random characters."""

    def one_match(key, levels):
        characters = jax.random.randint(key, (2,), 0, NUM_CHARACTERS)
        match = new_match(characters, ROUND_SECONDS)

        def body(match, step_key):
            actions = choose_actions(step_key, match, levels)
            return advance_frames(match, actions, ROUND_SECONDS, 8)[0], None

        match, _ = jax.lax.scan(body, match, jax.random.split(jax.random.fold_in(key, 1), STEPS))
        return match.outcome, match.over

    return jax.jit(jax.vmap(one_match, in_axes=(0, None)))


def score(play, levels, seed):
    outcome, over = play(jax.random.split(jax.random.PRNGKey(seed), MATCHES), jnp.asarray(levels))
    assert bool(over.all()), "every match ends within three rounds of the timer"
    return float(np.mean((np.asarray(outcome) + 1) / 2))


def test_harder_levels_beat_easier_ones(play):
    hard_vs_easy = score(play, [2, 0], 0)
    medium_vs_easy = score(play, [1, 0], 1)
    hard_vs_medium = score(play, [2, 1], 2)
    assert hard_vs_easy > 0.8, hard_vs_easy
    assert medium_vs_easy > 0.6, medium_vs_easy
    assert hard_vs_medium > 0.6, hard_vs_medium


def test_move_actions_start_their_moves():
    from arenax.envs.fight.types import ACTION_BUTTON, ACTION_SPECIAL, BUTTON_MOVE, FIRST_SPECIAL, MOVE_STANCE

    for move, action in enumerate(MOVE_ACTION[3:], start=3):
        if ACTION_SPECIAL[action] >= 0:
            assert move == FIRST_SPECIAL + ACTION_SPECIAL[action]
        else:
            assert BUTTON_MOVE[MOVE_STANCE[move], ACTION_BUTTON[action]] == move


def test_the_ladder_rises_through_the_levels():
    assert len(LADDER) == 12 and {level for _, level in LADDER} == set(LEVELS)
    assert np.all(np.diff(LADDER_LEVELS) >= 0)
    assert len({name for name, _ in LADDER}) == NUM_CHARACTERS, "every character appears on the ladder"

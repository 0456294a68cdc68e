"""The memory tasks' rules: a plain-Python referee on random deals, hand-made boards, variants, bad configurations."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import arenax
from arenax.envs.memory import (
    Autoencode,
    CountRecall,
    MineSweeper,
    NoisyPositionOnlyCartPole,
    PositionOnlyCartPole,
    RepeatFirst,
    RepeatPrevious,
    TMaze,
)
from arenax.envs.memory.cards import CardGameParams
from arenax.envs.memory.cartpole import CartPoleParams
from arenax.envs.memory.minesweeper import MineSweeperParams, neighbour_sum
from arenax.envs.memory.repeat_previous import RepeatPreviousParams
from arenax.envs.memory.tmaze import TMazeParams

KEY = jax.random.PRNGKey(0)


def play(env, state, actions):
    """Steps `env` from `state` through `actions`; returns the final state and the stacked time steps."""
    step = jax.jit(env.step)
    steps = []
    for action in actions:
        state, ts = step(state, jnp.int32(action))
        steps.append(ts)
    return state, jax.tree_util.tree_map(lambda *x: np.stack(x), *steps)


def random_episode(env, seed):
    """A whole episode of uniform random actions in one scan: first observation, actions, time steps."""
    key = jax.random.PRNGKey(seed)

    @jax.jit
    def run(key):
        state, first = env.reset(key)
        actions = jax.random.randint(jax.random.fold_in(key, 1), (env.episode_length(),), 0, env.action_space.n)
        _, steps = jax.lax.scan(lambda state, action: env.step(state, action), state, actions)
        return first.obs, actions, steps

    return jax.tree_util.tree_map(np.asarray, run(key))


# ---- registry -------------------------------------------------------------------------------

POPGYM_SETTINGS = {
    "RepeatPrevious-easy-v0": {"num_cards": 52, "k": 4},
    "RepeatPrevious-medium-v0": {"num_cards": 104, "k": 32},
    "RepeatPrevious-hard-v0": {"num_cards": 156, "k": 64},
    "RepeatFirst-easy-v0": {"num_cards": 52},
    "RepeatFirst-medium-v0": {"num_cards": 416},
    "RepeatFirst-hard-v0": {"num_cards": 832},
    "CountRecall-easy-v0": {"num_cards": 52, "deck_type": "colors"},
    "CountRecall-medium-v0": {"num_cards": 104, "deck_type": "suits"},
    "CountRecall-hard-v0": {"num_cards": 208, "deck_type": "ranks"},
    "Autoencode-easy-v0": {"num_cards": 52},
    "Autoencode-medium-v0": {"num_cards": 104},
    "Autoencode-hard-v0": {"num_cards": 156},
    "PositionOnlyCartPole-easy-v0": {"max_steps": 200},
    "PositionOnlyCartPole-medium-v0": {"max_steps": 400},
    "PositionOnlyCartPole-hard-v0": {"max_steps": 600},
    "NoisyPositionOnlyCartPole-easy-v0": {"max_steps": 200, "noise": 0.1},
    "NoisyPositionOnlyCartPole-medium-v0": {"max_steps": 200, "noise": 0.2},
    "NoisyPositionOnlyCartPole-hard-v0": {"max_steps": 200, "noise": 0.3},
    "TMaze-easy-v0": {"corridor_length": 10},
    "TMaze-medium-v0": {"corridor_length": 100},
    "TMaze-hard-v0": {"corridor_length": 1000},
    "TMaze-long-v0": {"corridor_length": 10000},
    "MineSweeper-easy-v0": {"height": 4, "width": 4, "num_mines": 2},
    "MineSweeper-medium-v0": {"height": 6, "width": 6, "num_mines": 6},
    "MineSweeper-hard-v0": {"height": 8, "width": 8, "num_mines": 10},
}


def test_every_variant_is_registered_with_popgym_settings():
    assert set(POPGYM_SETTINGS) | {"CartPole-v1", "Pendulum-v1"} == set(arenax.list_envs("memory"))
    for env_id, settings in POPGYM_SETTINGS.items():
        spec = arenax.spec(env_id)
        assert spec.family == "memory" and spec.description and "\n" not in spec.description
        env = arenax.make(env_id)
        for name, value in settings.items():
            assert (
                getattr(env, name) == pytest.approx(value) if isinstance(value, float) else getattr(env, name) == value
            )


# ---- card tasks -------------------------------------------------------------------------------


def test_repeat_first_scores_every_step_against_the_first_suit():
    env = RepeatFirst()
    first_obs, actions, steps = random_episode(env, 0)
    first_suit = first_obs.argmax()
    expected = np.where(actions == first_suit, 1.0, -1.0) / 51
    np.testing.assert_allclose(steps.reward, expected, rtol=1e-6)
    assert steps.terminated.tolist() == [False] * 50 + [True] and not steps.truncated.any()
    # the episode deals one whole deck: 13 cards of each suit, the last one never shown
    shown = np.concatenate([[first_suit], steps.obs[:-1].argmax(axis=1)])
    np.testing.assert_array_equal(np.bincount(shown, minlength=4) + np.eye(4, dtype=int)[steps.obs[-1].argmax()], 13)


@pytest.mark.parametrize("num_decks, k", [(1, 3), (2, 32), (1, 1)])
def test_repeat_previous_scores_the_card_k_minus_one_steps_back(num_decks, k):
    env = RepeatPrevious(num_decks=num_decks, k=k)
    n = 52 * num_decks
    first_obs, actions, steps = random_episode(env, k)
    suits = np.concatenate([[first_obs[:4].argmax()], steps.obs[:, :4].argmax(axis=1)])
    expected = [0.0 if t < k - 1 else (1 if actions[t] == suits[t + 1 - k] else -1) / (n - k) for t in range(n - 1)]
    np.testing.assert_allclose(steps.reward, expected, rtol=1e-6)
    flags = np.concatenate([[first_obs[4]], steps.obs[:, 4]])
    np.testing.assert_array_equal(flags[:-1], np.arange(n - 1) >= k - 1)
    np.testing.assert_array_equal(np.bincount(suits, minlength=4), n // 4)


def test_repeat_previous_k_is_a_parameter():
    env = RepeatPrevious()
    state, ts = env.reset(KEY, RepeatPreviousParams(k=1))
    assert ts.obs[4] == 1.0, "with k = 1 every step is scored"
    _, steps = play(env, state, [int(np.argmax(ts.obs[:4]))])
    assert steps.reward[0] == pytest.approx(1 / 51)


def test_count_recall_action_space_covers_every_count():
    for env_id, most in [("CountRecall-easy-v0", 26), ("CountRecall-medium-v0", 26), ("CountRecall-hard-v0", 16)]:
        env = arenax.make(env_id)
        assert env.action_space.n == most + 1, f"{env_id} must allow every count from 0 to {most}"


@pytest.mark.parametrize("num_decks, deck_type", [(1, "colors"), (4, "ranks")])
def test_count_recall_rewards_the_count_of_the_queried_kind(num_decks, deck_type):
    env = CountRecall(num_decks=num_decks, deck_type=deck_type)
    kinds, n = env.num_kinds, 52 * num_decks
    first_obs, actions, steps = random_episode(env, num_decks)
    observations = np.concatenate([first_obs[None], steps.obs])
    values, queries = observations[:, :kinds].argmax(axis=1), observations[:, kinds:].argmax(axis=1)
    answers = [np.sum(values[: t + 1] == queries[t]) for t in range(n - 1)]
    expected = np.where(actions == np.asarray(answers), 1.0, -1.0) / (n - 1)
    np.testing.assert_allclose(steps.reward, expected, rtol=1e-6)
    np.testing.assert_array_equal(np.bincount(values, minlength=kinds), n // kinds)
    np.testing.assert_array_equal(np.bincount(queries, minlength=kinds), n // kinds)


def test_count_recall_counts_up_to_the_largest_possible_answer():
    env = CountRecall(deck_type="colors")
    state, _ = env.reset(KEY)
    # all 26 red cards dealt, the one on screen included, and red is asked for
    state = state.replace(
        counts=jnp.asarray([3, 26], jnp.int32), query=jnp.int32(1), left=jnp.asarray([[23, 0], [10, 15]])
    )
    _, steps = play(env, state, [26])
    assert steps.reward[0] == pytest.approx(1 / 51)
    assert env.action_space.contains(np.int64(26))


@pytest.mark.parametrize("reverse", [True, False])
def test_autoencode_watches_then_recites(reverse):
    env = Autoencode(reverse=reverse)
    state, ts = env.reset(KEY)
    watch_steps = 51
    state, watching = play(env, state, [0] * watch_steps)
    suits = np.concatenate([[ts.obs[:4].argmax()], watching.obs[:, :4].argmax(axis=1)])
    np.testing.assert_array_equal(np.bincount(suits, minlength=4), 13)
    np.testing.assert_array_equal(watching.reward, 0.0)
    assert ts.obs[4] == 0.0 and watching.obs[:-1, 4].tolist() == [0.0] * 50 and watching.obs[-1, 4] == 1.0
    answers = suits[::-1] if reverse else suits
    _, playing = play(env, state, list(answers[:-1]) + [(answers[-1] + 1) % 4])
    np.testing.assert_allclose(playing.reward, [1 / 52] * 51 + [-1 / 52], rtol=1e-6)
    np.testing.assert_array_equal(playing.obs[:, :4], 0.0)
    np.testing.assert_array_equal(playing.obs[:, 4], 1.0)
    assert playing.terminated.tolist() == [False] * 51 + [True]


def test_card_tasks_reject_foreign_parameters():
    with pytest.raises(ValueError, match="CardGameParams"):
        RepeatFirst().reset(KEY, TMazeParams())
    with pytest.raises(ValueError, match="RepeatPreviousParams"):
        RepeatPrevious().reset(KEY, CardGameParams())


# ---- T-maze -------------------------------------------------------------------------------------


def test_tmaze_rewards_only_the_junction_choice():
    env = TMaze(corridor_length=4)
    for seed in range(2):
        state, ts = env.reset(jax.random.PRNGKey(seed))
        cue = int(state.cue)
        np.testing.assert_array_equal(ts.obs, np.eye(3, dtype=np.float32)[cue])
        for choice, reward in [(cue, 1.0), (1 - cue, -1.0)]:
            _, steps = play(env, state, [1 - choice] * 4 + [choice])
            np.testing.assert_array_equal(steps.reward, [0, 0, 0, 0, reward])
            assert steps.terminated.tolist() == [False] * 4 + [True]
            np.testing.assert_array_equal(steps.obs[:, :2], 0.0)
            np.testing.assert_array_equal(steps.obs[:, 2], [0, 0, 0, 1, 1])


def test_tmaze_delay_is_a_parameter_up_to_thousands_of_steps():
    env = TMaze(corridor_length=5000)
    assert env.default_params.corridor_length == 5000 and env.episode_length() == 5001

    def episode(params):
        state, ts = env.reset(KEY, params)
        cue = state.cue

        def step(carry, _):
            state, done, reward, length = carry
            state, ts = env.step(state, cue)
            reward = reward + jnp.where(done, 0.0, ts.reward)
            length = length + (~done).astype(jnp.int32)
            return (state, done | ts.terminated, reward, length), None

        (_, done, reward, length), _ = jax.lax.scan(
            step, (state, jnp.bool_(False), jnp.float32(0), jnp.int32(0)), None, length=5001
        )
        return done, reward, length

    corridors = jnp.asarray([3, 250, 5000])
    done, reward, length = jax.jit(jax.vmap(episode))(TMazeParams(corridor_length=corridors))
    assert done.all()
    np.testing.assert_array_equal(length, corridors + 1)
    np.testing.assert_array_equal(reward, 1.0)


# ---- MineSweeper --------------------------------------------------------------------------------


def test_minesweeper_neighbour_counts_match_a_brute_force_count():
    env = MineSweeper(6, 5, 7)
    for seed in range(3):
        state, _ = env.reset(jax.random.PRNGKey(seed))
        mines = np.asarray(state.mines).reshape(6, 5)
        assert mines.sum() == 7
        expected = np.zeros((6, 5), int)
        for r in range(6):
            for c in range(5):
                window = mines[max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2]
                expected[r, c] = window.sum() - mines[r, c]
        np.testing.assert_array_equal(np.asarray(state.neighbour_mines).reshape(6, 5), expected)
    np.testing.assert_array_equal(neighbour_sum(jnp.ones((3, 3), jnp.int32)), [[3, 5, 3], [5, 8, 5], [3, 5, 3]])


def test_minesweeper_places_the_mines_uniformly():
    env = MineSweeper(4, 4, 3)
    states, _ = jax.jit(jax.vmap(env.reset))(jax.random.split(KEY, 4000))
    mines = np.asarray(states.mines)
    assert np.all(mines.sum(axis=1) == 3)
    # each cell holds a mine with probability 3/16; 4000 boards give a standard error of about 0.006
    np.testing.assert_allclose(mines.mean(axis=0), 3 / 16, atol=0.025)


def minesweeper_with_mines_at(env, cells):
    state, ts = env.reset(KEY)
    mines = jnp.zeros(env.num_cells, bool).at[jnp.asarray(cells)].set(True)
    grid = mines.reshape(env.height, env.width).astype(jnp.int32)
    return state.replace(mines=mines, neighbour_mines=neighbour_sum(grid).reshape(-1)), ts


def test_minesweeper_rewards_new_cells_repeats_and_mines():
    env = MineSweeper(4, 4, 2)
    state, ts = minesweeper_with_mines_at(env, [5, 15])
    np.testing.assert_array_equal(ts.obs, 0.0)
    n = 14
    _, steps = play(env, state, [0, 0, 2, 5])
    np.testing.assert_allclose(steps.reward, [1 / n, -0.5 / (n - 2), 1 / n, -0.5 - 1 / n], rtol=1e-6)
    assert steps.terminated.tolist() == [False, False, False, True]
    # click on cell 2 (row 0, col 2): one mine (cell 5) touches it
    np.testing.assert_array_equal(steps.obs[2, :9], np.eye(9)[1])
    np.testing.assert_array_equal(steps.obs[2, 9:13], np.eye(4)[0])
    np.testing.assert_array_equal(steps.obs[2, 13:], np.eye(4)[2])


def test_minesweeper_clearing_the_board_scores_one_and_wasting_clicks_truncates():
    env = MineSweeper(4, 4, 2)
    state, _ = minesweeper_with_mines_at(env, [5, 15])
    safe = [c for c in range(16) if c not in (5, 15)]
    _, steps = play(env, state, safe)
    assert steps.reward.sum() == pytest.approx(1.0, abs=1e-5)
    assert steps.terminated.tolist() == [False] * 13 + [True] and not steps.truncated.any()
    _, steps = play(env, state, [0] * 14)
    assert steps.truncated.tolist() == [False] * 13 + [True] and not steps.terminated.any()
    assert steps.reward.sum() == pytest.approx(1 / 14 - 0.5 * 13 / 12, abs=1e-5)


def test_minesweeper_num_mines_is_a_parameter():
    env = MineSweeper(4, 4, 2)
    state, _ = env.reset(KEY, MineSweeperParams(num_mines=5))
    assert int(state.mines.sum()) == 5
    assert env.episode_length(MineSweeperParams(num_mines=5)) == 11


# ---- CartPole variants ------------------------------------------------------------------------


def test_position_only_cartpole_scales_rewards_and_truncates_at_its_length():
    env = PositionOnlyCartPole(max_steps=7)
    state, ts = env.reset(KEY)
    np.testing.assert_array_equal(ts.obs, np.asarray(state.physics)[[0, 2]])
    state, steps = play(env, state, [0, 1] * 3 + [0])
    np.testing.assert_allclose(steps.reward, 1 / 7, rtol=1e-6)
    assert steps.truncated.tolist() == [False] * 6 + [True] and not steps.terminated.any()
    np.testing.assert_array_equal(steps.obs[-1], np.asarray(state.physics)[[0, 2]])


def test_noisy_cartpole_noise_is_real_and_has_the_configured_scale():
    env = NoisyPositionOnlyCartPole(noise=0.1)
    state, ts = env.reset(KEY)
    # the same physical state observed twice gives two different observations
    step = jax.jit(env.step)
    _, a = step(state, jnp.int32(1))
    _, b = step(state.replace(key=jax.random.PRNGKey(99)), jnp.int32(1))
    assert not np.allclose(a.obs, b.obs)
    errors = []
    for seed in range(200):
        state, ts = env.reset(jax.random.PRNGKey(seed))
        errors.append(np.asarray(ts.obs) - np.asarray(state.physics)[[0, 2]])
    errors = np.asarray(errors)
    assert np.all(np.abs(errors.mean(axis=0)) < 0.03)
    np.testing.assert_allclose(errors.std(axis=0), 0.1, rtol=0.2)
    for env_id, noise in [("NoisyPositionOnlyCartPole-medium-v0", 0.2), ("NoisyPositionOnlyCartPole-hard-v0", 0.3)]:
        assert float(arenax.make(env_id).default_params.observation_noise) == pytest.approx(noise)


# ---- configurations that cannot work ---------------------------------------------------------

BAD_CONSTRUCTORS = [
    (lambda: RepeatFirst(num_decks=0), "num_decks must be a positive integer"),
    (lambda: RepeatFirst(num_decks=1.5), "num_decks must be a positive integer"),
    (lambda: RepeatPrevious(num_decks=1, k=52), r"k must be an integer in \[1, 51\]"),
    (lambda: RepeatPrevious(k=0), r"k must be an integer in \[1, 51\]"),
    (lambda: CountRecall(deck_type="jokers"), "deck_type must be one of"),
    (lambda: CountRecall(num_decks=-1), "num_decks must be a positive integer"),
    (lambda: Autoencode(num_decks=0), "num_decks must be a positive integer"),
    (lambda: Autoencode(reverse="yes"), "reverse must be a bool"),
    (lambda: TMaze(corridor_length=0), "corridor_length must be a positive integer"),
    (lambda: TMaze(corridor_length=2.5), "corridor_length must be a positive integer"),
    (lambda: MineSweeper(height=0), "height must be a positive integer"),
    (lambda: MineSweeper(4, 4, num_mines=14), r"num_mines must lie in \[1, 13\]"),
    (lambda: MineSweeper(4, 4, num_mines=0), r"num_mines must lie in \[1, 13\]"),
    (lambda: PositionOnlyCartPole(max_steps=0), "max_steps must be a positive integer"),
    (lambda: NoisyPositionOnlyCartPole(noise=0.0), "noise must be a positive number"),
    (lambda: NoisyPositionOnlyCartPole(noise=0.1, max_steps=-3), "max_steps must be a positive integer"),
]


@pytest.mark.parametrize("build, message", BAD_CONSTRUCTORS)
def test_impossible_constructor_arguments_raise(build, message):
    with pytest.raises(ValueError, match=message):
        build()


BAD_PARAMS = [
    (RepeatPrevious(), RepeatPreviousParams(k=0), r"k must be an integer in \[1, 51\]"),
    (RepeatPrevious(num_decks=2), RepeatPreviousParams(k=104), r"k must be an integer in \[1, 103\]"),
    (TMaze(), TMazeParams(corridor_length=-1), "corridor_length must be a positive integer"),
    (MineSweeper(), MineSweeperParams(num_mines=20), r"num_mines must lie in \[1, 13\]"),
    (MineSweeper(), TMazeParams(), "MineSweeperParams"),
    (PositionOnlyCartPole(), CartPoleParams(max_steps=0), "max_steps must be at least 1"),
    (NoisyPositionOnlyCartPole(), CartPoleParams(observation_noise=-0.1), "observation_noise must be >= 0"),
]


@pytest.mark.parametrize("env, params, message", BAD_PARAMS)
def test_impossible_params_raise_in_reset(env, params, message):
    with pytest.raises(ValueError, match=message):
        env.reset(KEY, params)


# ---- rendering and reference returns ---------------------------------------------------------


@pytest.mark.parametrize(
    "env",
    [RepeatFirst(), RepeatPrevious(), CountRecall(), Autoencode(), TMaze(), MineSweeper(), PositionOnlyCartPole()],
)
def test_render_gives_an_rgb_image(env):
    state, _ = env.reset(KEY)
    frame = env.render(state)
    assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3 and frame.shape[0] > 10
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 2, "the image shows something besides the background"


def test_reference_returns_are_ordered_and_match_the_closed_forms():
    for env_id in POPGYM_SETTINGS:
        returns = arenax.make(env_id).reference_returns()
        assert returns["random"] <= returns["memoryless"] + 1e-9 < returns["perfect"] <= 1.0, env_id
    n = 52
    assert RepeatFirst().reference_returns()["memoryless"] == pytest.approx(2 * (1 + 50 * 48 / (4 * 51)) / 51 - 1)
    assert RepeatPrevious().reference_returns()["memoryless"] == pytest.approx(n / (2 * (n - 1)) - 1)
    assert Autoencode().reference_returns()["memoryless"] == pytest.approx((1 - 51 / 2) / 52)
    assert CountRecall().reference_returns()["random"] == pytest.approx(2 / 27 - 1)
    sweep = 1 / 7 - (0.5 + 1 / 30) * (1 - 1 / math.comb(36, 6))
    assert MineSweeper(6, 6, 6).reference_returns()["memoryless"] == pytest.approx(sweep)
    with pytest.raises(ValueError, match="reference returns only for 200 steps"):
        NoisyPositionOnlyCartPole(noise=0.15).reference_returns()

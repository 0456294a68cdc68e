"""JAX sampling of Gymnasium spaces, stacking per-agent spaces, and the checks of incoming actions."""

import jax
import numpy as np
import pytest
from gymnasium import spaces as gym_spaces

from arenax.core import spaces

SPACES = [
    gym_spaces.Discrete(5, start=-2),
    gym_spaces.MultiDiscrete([3, 4, 2]),
    gym_spaces.MultiBinary(6),
    gym_spaces.Box(-1.0, 2.0, (3, 2), np.float32),
    gym_spaces.Box(np.array([-np.inf, 0.0, -np.inf], np.float32), np.array([np.inf, np.inf, 1.0], np.float32)),
    gym_spaces.Box(0, 9, (4,), np.int32),
    gym_spaces.Dict({"a": gym_spaces.Discrete(3), "b": gym_spaces.Box(0.0, 1.0, (2,), np.float32)}),
]


@pytest.mark.parametrize("space", SPACES, ids=str)
def test_samples_lie_in_the_space(space):
    draws = jax.jit(jax.vmap(lambda k: spaces.sample(space, k)))(jax.random.split(jax.random.PRNGKey(0), 256))
    for i in range(256):
        assert space.contains(jax.tree_util.tree_map(lambda leaf: np.asarray(leaf[i]).astype(leaf.dtype), draws))


def test_discrete_samples_cover_the_range_and_honour_masks():
    space = gym_spaces.Discrete(4, start=1)
    keys = jax.random.split(jax.random.PRNGKey(1), 400)
    free = np.asarray(jax.vmap(lambda k: spaces.sample(space, k))(keys))
    assert set(free.tolist()) == {1, 2, 3, 4}
    mask = np.array([False, True, False, True])
    masked = np.asarray(jax.vmap(lambda k: spaces.sample(space, k, mask))(keys))
    assert set(masked.tolist()) == {2, 4}


def test_masked_draws_are_uniform_over_the_allowed_actions():
    space = gym_spaces.MultiDiscrete([7, 7, 7])
    mask = np.array([[1, 0, 1, 1, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 1, 1, 1, 1]], bool)
    keys = jax.random.split(jax.random.PRNGKey(3), 20000)
    draws = np.asarray(jax.jit(jax.vmap(lambda k: spaces.sample(space, k, mask)))(keys))
    for row, allowed in enumerate(mask):
        counts = np.bincount(draws[:, row], minlength=7)
        assert np.all(counts[~allowed] == 0)
        expected = len(keys) / allowed.sum()
        # binomial standard deviation is at most sqrt(20000 / 4) = 71: 5 of them
        assert np.all(np.abs(counts[allowed] - expected) < 355), counts


def test_a_row_with_nothing_allowed_draws_the_first_action():
    space = gym_spaces.MultiDiscrete([3, 3])
    mask = np.array([[False, False, False], [False, True, False]])
    draws = np.asarray(jax.vmap(lambda k: spaces.sample(space, k, mask))(jax.random.split(jax.random.PRNGKey(4), 20)))
    assert np.all(draws == [0, 1])


def test_multidiscrete_mask_per_row():
    space = gym_spaces.MultiDiscrete([3, 3])
    mask = np.array([[True, False, False], [False, False, True]])
    draws = np.asarray(jax.vmap(lambda k: spaces.sample(space, k, mask))(jax.random.split(jax.random.PRNGKey(2), 50)))
    assert np.all(draws == [0, 2])


def test_stack_spaces():
    assert spaces.stack(gym_spaces.Discrete(5), 3) == gym_spaces.MultiDiscrete([5, 5, 5])
    box = spaces.stack(gym_spaces.Box(-1.0, 1.0, (2,), np.float32), 4)
    assert box.shape == (4, 2) and box.dtype == np.float32
    with pytest.raises(TypeError, match="cannot stack a Text"):
        spaces.stack(gym_spaces.Text(5), 2)


@pytest.mark.parametrize(
    "space, action, message",
    [
        (gym_spaces.Discrete(3), 3, "outside"),
        (gym_spaces.Discrete(3), 1.0, "integer dtype"),
        (gym_spaces.Discrete(3), [1], "shape"),
        (gym_spaces.Box(-1.0, 1.0, (2,), np.float32), [0.0, 1.5], "outside"),
        (gym_spaces.Box(-1.0, 1.0, (2,), np.float32), [0.0, np.nan], "outside"),
        (gym_spaces.Box(-1.0, 1.0, (2,), np.float32), [0.0], "shape"),
        (gym_spaces.MultiDiscrete([2, 2]), [1, 2], "outside"),
        (gym_spaces.Dict({"a": gym_spaces.Discrete(2)}), {"b": 0}, "keys"),
    ],
)
def test_check_action_rejects_and_names_the_space(space, action, message):
    with pytest.raises(ValueError, match=message) as error:
        spaces.check_action(space, action)
    assert str(space) in str(error.value)


def test_check_action_casts_valid_actions_to_the_space_dtype():
    box = gym_spaces.Box(-1.0, 1.0, (2,), np.float32)
    assert spaces.check_action(box, [0, 1]).dtype == np.float32
    assert spaces.check_action(gym_spaces.Discrete(3), np.int32(2)).dtype == np.int64

"""Observation encoding and action-space checks of the baselines."""

import jax.numpy as jnp
import numpy as np
import pytest
from gymnasium import spaces

from arenax.baselines.encoding import num_discrete_actions, observation_encoder


def test_box_is_flattened_to_float32():
    encode, size = observation_encoder(spaces.Box(-1, 1, (2, 3), np.float32))
    assert size == 6
    out = encode(jnp.arange(6.0).reshape(2, 3))
    assert out.dtype == jnp.float32 and out.tolist() == [0, 1, 2, 3, 4, 5]


def test_discrete_is_one_hot_from_its_start():
    encode, size = observation_encoder(spaces.Discrete(3, start=1))
    assert size == 3
    assert encode(jnp.int32(2)).tolist() == [0, 1, 0]


def test_multi_discrete_concatenates_one_hots_of_each_width():
    encode, size = observation_encoder(spaces.MultiDiscrete([2, 3]))
    assert size == 5
    assert encode(jnp.array([1, 2])).tolist() == [0, 1, 0, 0, 1]


def test_dict_concatenates_parts_in_key_order():
    space = spaces.Dict({"a": spaces.Discrete(2), "b": spaces.Box(0, 1, (2,), np.float32)})
    encode, size = observation_encoder(space)
    assert size == 4
    assert encode({"a": jnp.int32(1), "b": jnp.array([0.5, 0.25])}).tolist() == [0, 1, 0.5, 0.25]


def test_unsupported_spaces_are_named_in_the_error():
    with pytest.raises(TypeError, match="Text"):
        observation_encoder(spaces.Text(5))
    with pytest.raises(TypeError, match="Discrete action spaces only"):
        num_discrete_actions(spaces.Box(-1, 1, (2,)))
    with pytest.raises(TypeError, match="starting at 0"):
        num_discrete_actions(spaces.Discrete(3, start=1))
    assert num_discrete_actions(spaces.Discrete(5)) == 5

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from arenax.wrappers.packing import Packing


def mixed_tree():
    rng = np.random.default_rng(0)
    return {
        "flag": rng.random((3, 2)) > 0.5,
        "small": rng.integers(-128, 127, (3,), dtype=np.int8),
        "word": rng.integers(0, 2**16, (3, 4), dtype=np.uint16),
        "half": rng.normal(size=(2,)).astype(np.float16),
        "brain": jnp.asarray(rng.normal(size=(3,)), jnp.bfloat16),
        "count": rng.integers(-(2**31), 2**31 - 1, (5,), dtype=np.int32),
        "key": rng.integers(0, 2**32, (3, 2), dtype=np.uint32),
        "value": np.array([np.nan, -0.0, np.inf, 1e-40, 3.5], np.float32),
        "nested": (np.float32(2.5), {"empty": np.zeros((0, 3), np.float32)}),
    }


def assert_same_tree(got, want):
    assert jax.tree_util.tree_structure(got) == jax.tree_util.tree_structure(want)
    for have, expected in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want), strict=True):
        have, expected = np.asarray(have), np.asarray(expected)
        assert have.dtype == expected.dtype and have.shape == expected.shape
        assert have.tobytes() == expected.tobytes()


def test_round_trips_every_leaf_bit_for_bit_under_jit_and_on_the_host():
    tree = mixed_tree()
    packing = Packing(tree)
    buffer = jax.jit(packing.pack)(tree)
    assert buffer.dtype == jnp.uint32 and buffer.shape == (packing.num_words,)
    assert_same_tree(jax.jit(packing.unpack)(buffer), tree)
    assert_same_tree(packing.unpack_host(np.array(buffer)), tree)


def test_words_per_leaf_follow_the_layout():
    packing = Packing({"a": jax.ShapeDtypeStruct((4, 2), jnp.float32), "b": jax.ShapeDtypeStruct((3,), jnp.bool_)})
    assert packing.offsets == [0, 8, 11]


def test_an_empty_tree_packs_to_an_empty_buffer():
    packing = Packing({})
    assert packing.pack({}).shape == (0,)
    assert packing.unpack_host(np.zeros(0, np.uint32)) == {}


def test_an_unsupported_dtype_is_named():
    with pytest.raises(TypeError, match="complex64"):
        Packing({"z": np.zeros(2, np.complex64)})

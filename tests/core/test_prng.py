"""arenax.core.prng: the same bits as jax.random from raw keys, without the threefry loop."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from arenax.core import prng

KEYS = jax.random.split(jax.random.PRNGKey(7), 4)


@pytest.mark.parametrize("data", [0, 1, 12345, 2**31 - 1, 2**31, 2**32 - 1])
def test_fold_in_matches_jax(data):
    for key in KEYS:
        np.testing.assert_array_equal(prng.fold_in(key, data), jax.random.fold_in(key, data))


@pytest.mark.parametrize("num", [1, 2, 3, 16, 17])
def test_split_matches_jax(num):
    for key in KEYS:
        np.testing.assert_array_equal(prng.split(key, num), jax.random.split(key, num))


@pytest.mark.parametrize("shape", [(), (5,), (3, 7), (2, 3, 5)])
def test_samplers_draw_the_same_numbers(shape):
    for key in KEYS:
        fast = prng.sampling_key(key)
        for draw in (
            lambda k: jax.random.uniform(k, shape),
            lambda k: jax.random.normal(k, shape),
            lambda k: jax.random.exponential(k, shape),
            lambda k: jax.random.randint(k, shape, -3, 100),
            lambda k: jax.random.bernoulli(k, 0.3, shape),
            lambda k: jax.random.bits(k, shape, jnp.uint8),
            lambda k: jax.random.bits(k, shape, jnp.uint16),
            lambda k: jax.random.bits(k, shape, jnp.uint32),
            lambda k: jax.random.categorical(k, jnp.zeros((*shape, 13))),
        ):
            np.testing.assert_array_equal(draw(fast), draw(key))


def test_masked_categorical_under_jit_and_vmap():
    mask = jax.random.bernoulli(jax.random.PRNGKey(1), 0.5, (len(KEYS), 3, 13)).at[..., 0].set(True)
    logits = jnp.where(mask, 0.0, -jnp.inf)
    ours = jax.jit(jax.vmap(lambda k, l: jax.random.categorical(prng.sampling_key(k), l)))(KEYS, logits)
    np.testing.assert_array_equal(ours, jax.vmap(jax.random.categorical)(KEYS, logits))
    assert bool(jnp.all(jnp.take_along_axis(mask, ours[..., None], -1)))


def test_no_loop_in_the_compiled_hash():
    """The point of the module: XLA gets straight-line code, where jax.random's CPU lowering has a while loop."""
    ours = jax.jit(jax.vmap(lambda k: prng.fold_in(k, 3))).lower(KEYS).compile().as_text()
    theirs = jax.jit(jax.vmap(lambda k: jax.random.fold_in(k, 3))).lower(KEYS).compile().as_text()
    assert " while(" not in ours
    assert " while(" in theirs  # if JAX stops looping, this module can go


def test_typed_keys_and_the_unpartitionable_mode_defer_to_jax():
    typed = jax.random.key(3)
    assert jax.random.key_impl(prng.split(typed, 2)) == jax.random.key_impl(typed)
    assert prng.sampling_key(typed) is typed
    raw = KEYS[0]
    jax.config.update("jax_threefry_partitionable", False)
    try:
        np.testing.assert_array_equal(prng.split(raw, 5), jax.random.split(raw, 5))
        assert prng.sampling_key(raw) is raw
    finally:
        jax.config.update("jax_threefry_partitionable", True)

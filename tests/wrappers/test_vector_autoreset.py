import jax
import jax.numpy as jnp
import numpy as np
import pytest

import arenax
from arenax.wrappers import AutoReset, TimeLimit, VectorAutoReset, Vectorize

from coordination_game import CoordinationGame

STEPS = 40


def rollouts(make_env, num_envs, key, reset_chunk=None):
    """The same random-action rollout through `Vectorize(AutoReset(env))` and `VectorAutoReset(Vectorize(env))`."""
    per_env = Vectorize(AutoReset(make_env()), num_envs)
    batched = VectorAutoReset(Vectorize(make_env(), num_envs), reset_chunk=reset_chunk)

    def run(env):
        state, ts = env.reset(key)

        def body(carry, i):
            state, ts = carry
            state, ts = env.step(state, env.sample_action(jax.random.fold_in(key, i), ts))
            return (state, ts), (state, ts)

        return jax.lax.scan(body, (state, ts), jnp.arange(STEPS))[1]

    return jax.jit(lambda: (run(per_env), run(batched)))()


@pytest.mark.parametrize(
    "make_env",
    [
        pytest.param(lambda: TimeLimit(arenax.make("CartPole-v1"), max_steps=9), id="cartpole-time-limit"),
        pytest.param(lambda: arenax.make("CartPole-v1"), id="cartpole-staggered-ends"),
        pytest.param(lambda: TimeLimit(arenax.make("RepeatFirst-easy-v0"), max_steps=7), id="fixed-horizon"),
        pytest.param(lambda: CoordinationGame(objectives=2), id="multi-agent-multi-objective"),
    ],
)
@pytest.mark.parametrize("reset_chunk", [None, 2])
def test_matches_the_per_environment_auto_reset_bit_for_bit(make_env, reset_chunk):
    expected, got = rollouts(make_env, 32, jax.random.PRNGKey(3), reset_chunk)
    done = np.asarray(expected[1].terminated | expected[1].truncated)
    assert done.any() and not done.all(), "the rollout must both end and continue episodes"
    for want, have in zip(jax.tree_util.tree_leaves(expected), jax.tree_util.tree_leaves(got), strict=True):
        np.testing.assert_array_equal(np.asarray(have), np.asarray(want))


def test_the_resets_sit_behind_a_cond_on_any_episode_ending():
    env = VectorAutoReset(Vectorize(arenax.make("CartPole-v1"), 4))
    state, ts = env.reset(jax.random.PRNGKey(0))
    jaxpr = jax.make_jaxpr(env.step)(state, jnp.zeros(4, jnp.int32))
    assert any(eqn.primitive.name == "cond" for eqn in jaxpr.jaxpr.eqns)


def test_the_staggered_rollout_needs_several_chunks_on_some_steps():
    expected, _ = rollouts(lambda: arenax.make("CartPole-v1"), 32, jax.random.PRNGKey(3), 2)
    ended = np.asarray(expected[1].terminated | expected[1].truncated).sum(axis=1)
    assert ended.max() > 2 and np.any((ended > 0) & (ended < 32))


def test_chunked_resets_loop_over_the_ended_rows():
    env = VectorAutoReset(Vectorize(arenax.make("CartPole-v1"), 4), reset_chunk=2)
    state, ts = env.reset(jax.random.PRNGKey(0))
    jaxpr = jax.make_jaxpr(env.step)(state, jnp.zeros(4, jnp.int32))
    assert any(eqn.primitive.name == "while" for eqn in jaxpr.jaxpr.eqns)


def test_wraps_only_a_vectorized_environment():
    with pytest.raises(TypeError, match="wraps a Vectorize environment"):
        VectorAutoReset(arenax.make("CartPole-v1"))
    with pytest.raises(ValueError, match="reset_chunk must lie in \\[1, num_envs=4\\], got 5"):
        VectorAutoReset(Vectorize(arenax.make("CartPole-v1"), 4), reset_chunk=5)

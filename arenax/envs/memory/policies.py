"""Scripted reference policies for the memory tasks (perfect memory, best memoryless, random) and their rollout.

A policy is a pair of pure functions, `init(key) -> policy_state` and
`act(policy_state, obs) -> (policy_state, action)`, so it can be scanned,
vmapped and jitted; call `init` again at every episode start.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp

from arenax.envs.memory import cards
from arenax.envs.memory.autoencode import Autoencode
from arenax.envs.memory.cartpole import PositionOnlyCartPole
from arenax.envs.memory.cartpole_control import make_controller
from arenax.envs.memory.count_recall import CountRecall
from arenax.envs.memory.minesweeper import MAX_NEIGHBOURS, MineSweeper
from arenax.envs.memory.minesweeper_solver import make_solver
from arenax.envs.memory.repeat_first import RepeatFirst
from arenax.envs.memory.repeat_previous import RepeatPrevious
from arenax.envs.memory.tmaze import TMaze

MEMORYLESS_CARTPOLE_CART_WEIGHT = -0.4
"""The memoryless CartPole rule pushes towards `theta + weight * x`; this weight did best in a search over [-1, 0.4]."""


class ScriptedPolicy(NamedTuple):
    init: Callable[[jax.Array], Any]
    act: Callable[[Any, jax.Array], tuple[Any, jax.Array]]


class EpisodeStats(NamedTuple):
    returns: jax.Array
    lengths: jax.Array
    finished: jax.Array


def _stateless(choose: Callable[[jax.Array], jax.Array]) -> ScriptedPolicy:
    return ScriptedPolicy(
        init=lambda key: jnp.zeros((), jnp.int32),
        act=lambda state, obs: (state, jnp.asarray(choose(obs), jnp.int32)),
    )


def _unwrapped(env):
    return getattr(env, "unwrapped", env)


def perfect_memory_policy(env, params: Any = None) -> ScriptedPolicy:
    """The scripted policy that uses the whole history; it reaches each task's documented perfect-memory return."""
    env = _unwrapped(env)
    params = env.default_params if params is None else params
    if isinstance(env, RepeatFirst):
        return _repeat_first()
    if isinstance(env, RepeatPrevious):
        return _repeat_previous(int(params.k))
    if isinstance(env, CountRecall):
        return _count_recall(env)
    if isinstance(env, Autoencode):
        return _autoencode(env)
    if isinstance(env, TMaze):
        return _tmaze()
    if isinstance(env, MineSweeper):
        return ScriptedPolicy(*make_solver(env, int(params.num_mines)))
    if isinstance(env, PositionOnlyCartPole):
        return ScriptedPolicy(*make_controller(params))
    raise TypeError(f"no scripted perfect-memory policy for {type(env).__name__}")


def memoryless_policy(env, params: Any = None) -> ScriptedPolicy:
    """The best policy known that acts on the current observation alone (see each task's docstring)."""
    env = _unwrapped(env)
    params = env.default_params if params is None else params
    if isinstance(env, RepeatFirst):
        return _stateless(lambda obs: jnp.argmax(obs))
    if isinstance(env, RepeatPrevious):
        shift = 0 if int(params.k) == 1 else 1
        return _stateless(lambda obs: (jnp.argmax(obs[: cards.NUM_SUITS]) + shift) % cards.NUM_SUITS)
    if isinstance(env, CountRecall):
        answer_match, answer_other, _ = env.memoryless_answers()
        kinds = env.num_kinds
        return _stateless(
            lambda obs: jnp.where(jnp.argmax(obs[:kinds]) == jnp.argmax(obs[kinds:]), answer_match, answer_other)
        )
    if isinstance(env, Autoencode):
        shift = 0 if env.reverse else 1

        def autoencode(obs):
            card_on_screen = obs[: cards.NUM_SUITS].sum() > 0
            return jnp.where(card_on_screen, (jnp.argmax(obs[: cards.NUM_SUITS]) + shift) % cards.NUM_SUITS, 0)

        return _stateless(autoencode)
    if isinstance(env, TMaze):
        return _stateless(lambda obs: 0)
    if isinstance(env, MineSweeper):
        if env.random_clicking_return(params) >= env.sweep_return(params):
            return random_policy(env)
        return _stateless(lambda obs: _minesweeper_sweep(env, obs))
    if isinstance(env, PositionOnlyCartPole):
        return _stateless(lambda obs: obs[1] + MEMORYLESS_CARTPOLE_CART_WEIGHT * obs[0] > 0)
    raise TypeError(f"no scripted memoryless policy for {type(env).__name__}")


def random_policy(env) -> ScriptedPolicy:
    """Uniform actions (honouring no mask: none of the memory tasks has one); its state is a PRNG key."""

    def act(key, obs):
        key, draw = jax.random.split(key)
        return key, env.sample_action(draw)

    return ScriptedPolicy(init=lambda key: key, act=act)


def episode_stats(env, policy: ScriptedPolicy, key: jax.Array, num_episodes: int, params: Any = None) -> EpisodeStats:
    """Plays `num_episodes` whole episodes of `policy` in parallel; each runs `env.episode_length(params)` steps.

    Rewards after an episode's end are ignored; `finished` says whether it ended in time.
    """
    params = env.default_params if params is None else params
    num_steps = env.episode_length(params)

    def one_episode(key):
        env_key, policy_key = jax.random.split(key)
        state, ts = env.reset(env_key, params)

        def step(carry, _):
            state, obs, policy_state, done, total, length = carry
            policy_state, action = policy.act(policy_state, obs)
            state, ts = env.step(state, action)
            total = total + jnp.where(done, 0.0, ts.reward)
            length = length + (~done).astype(jnp.int32)
            done = done | ts.terminated | ts.truncated
            return (state, ts.obs, policy_state, done, total, length), None

        carry = (state, ts.obs, policy.init(policy_key), jnp.bool_(False), jnp.float32(0.0), jnp.int32(0))
        (_, _, _, done, total, length), _ = jax.lax.scan(step, carry, None, length=num_steps)
        return EpisodeStats(total, length, done)

    return jax.jit(jax.vmap(one_episode))(jax.random.split(key, num_episodes))


def _repeat_first() -> ScriptedPolicy:
    def act(state, obs):
        first, seen = state
        first = jnp.where(seen, first, jnp.argmax(obs)).astype(jnp.int32)
        return (first, jnp.bool_(True)), first

    return ScriptedPolicy(init=lambda key: (jnp.int32(0), jnp.bool_(False)), act=act)


def _repeat_previous(k: int) -> ScriptedPolicy:
    """A ring buffer of the last k suits: slot t % k holds the suit seen at step t."""

    def act(state, obs):
        buffer, time = state
        buffer = buffer.at[time % k].set(jnp.argmax(obs[: cards.NUM_SUITS]).astype(jnp.int32))
        return (buffer, time + 1), buffer[(time + 1) % k]

    return ScriptedPolicy(init=lambda key: (jnp.zeros((k,), jnp.int32), jnp.int32(0)), act=act)


def _count_recall(env: CountRecall) -> ScriptedPolicy:
    kinds = env.num_kinds

    def act(counts, obs):
        counts = counts + obs[:kinds].astype(jnp.int32)
        return counts, counts[jnp.argmax(obs[kinds:])]

    return ScriptedPolicy(init=lambda key: jnp.zeros((kinds,), jnp.int32), act=act)


def _autoencode(env: Autoencode) -> ScriptedPolicy:
    """Stores every suit shown, then reads them back in the asked order."""
    last_shown = env.num_cards - 1

    def act(state, obs):
        seen, time = state
        slot = jnp.minimum(time, last_shown)
        seen = seen.at[slot].set(jnp.where(time <= last_shown, jnp.argmax(obs[: cards.NUM_SUITS]), seen[slot]))
        answer_index = jnp.clip(time - last_shown, 0, last_shown)
        asked = last_shown - answer_index if env.reverse else answer_index
        return (seen, time + 1), seen[asked]

    return ScriptedPolicy(init=lambda key: (jnp.zeros((env.num_cards,), jnp.int32), jnp.int32(0)), act=act)


def _tmaze() -> ScriptedPolicy:
    def act(cue, obs):
        cue = jnp.where(obs[:2].sum() > 0, jnp.argmax(obs[:2]), cue).astype(jnp.int32)
        return cue, cue

    return ScriptedPolicy(init=lambda key: jnp.int32(0), act=act)


def _minesweeper_sweep(env: MineSweeper, obs: jax.Array) -> jax.Array:
    """Clicks the cell after the one just clicked (cell 0 first): row-major order with no memory."""
    row_code = obs[MAX_NEIGHBOURS + 1 : MAX_NEIGHBOURS + 1 + env.height]
    col_code = obs[MAX_NEIGHBOURS + 1 + env.height :]
    clicked = row_code.sum() > 0
    last = jnp.argmax(row_code) * env.width + jnp.argmax(col_code)
    return jnp.where(clicked, (last + 1) % env.num_cells, 0)

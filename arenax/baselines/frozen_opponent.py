"""A two-player environment seen by player 0 alone: player 1 is a frozen policy from a pool, or a scripted one, drawn per episode."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from arenax.agents.policy import ActorCritic
from arenax.baselines.encoding import num_discrete_actions, observation_encoder
from arenax.core import Environment, EnvState, TimeStep


@struct.dataclass
class OpponentParams:
    """The wrapped environment's params, the frozen pool and how opponents are drawn.

    `pool` is the policy's parameter pytree with a leading axis of `pool_size` snapshots;
    `weights[pool_size + len(scripted)]` are the (unnormalised) chances of each opponent, pool
    snapshots first, drawn at the start of every episode; `greedy` makes pool policies play their
    most likely action instead of sampling. All of it is traced, so a jitted training loop takes a
    new pool or new weights without compiling again.
    """

    env: Any
    pool: Any
    weights: jax.Array
    greedy: jax.Array


@struct.dataclass
class OpponentState(EnvState):
    inner: Any
    last: TimeStep
    """The wrapped environment's latest time step, which the opponent acts on."""
    opponent: jax.Array
    """Index of this episode's opponent into `FrozenOpponent.opponents`."""
    seat: jax.Array
    """The learner's seat this episode (0 or 1); the opponent takes the other."""


def policy_logits(policy: ActorCritic, encode, params: Any, obs: Any) -> jax.Array:
    """Action logits `[A]` of a memoryless policy for one observation."""
    features = encode(obs)[None]
    _, logits, _ = policy.apply(params, (), features, jnp.ones((1,), bool), None, method="step")
    return logits[0]


def masked(logits: jax.Array, info: dict, seat: int | jax.Array) -> jax.Array:
    mask = info.get("action_mask")
    return logits if mask is None else jnp.where(mask[seat], logits, jnp.finfo(logits.dtype).min)


class FrozenOpponent(Environment[OpponentState, OpponentParams]):
    """Player 0 of a two-player `env` against an opponent drawn per episode from a pool of frozen policies or `scripted` ones.

    The observation, action and reward are the learner's, who sits on seat 0, or with `random_seat`
    on a seat drawn per episode (so that it learns both sides of an asymmetric game). `policy` is the
    memoryless network every pool snapshot shares (`ppo.make_policy` of the learner's config); it
    plays the other seat on that seat's observation. `scripted` names entries of
    `env.scripted_policies()`. `info`: `opponent` (index into `opponents`), `seat`, and when the
    wrapped info reports `score_key` (per seat: 1 win, 0.5 draw, 0 loss at the end), the learner's
    `match_score` and `won` (the match ended and the learner won it), which PPO logs as `win_rate`.
    """

    def __init__(
        self,
        env: Environment,
        policy: ActorCritic,
        pool_size: int,
        scripted: tuple[str, ...] = (),
        score_key: str = "match_score",
        random_seat: bool = False,
    ):
        if not env.is_multi_agent or env.num_agents != 2:
            raise ValueError(f"FrozenOpponent needs a two-player environment, got {env.name} with agents {env.agents}")
        if policy.backbone is not None:
            raise ValueError("FrozenOpponent pool policies must be memoryless (backbone 'mlp'): they keep no carry")
        if isinstance(pool_size, bool) or int(pool_size) != pool_size or pool_size < 0:
            raise ValueError(f"FrozenOpponent pool_size must be a non-negative integer, got {pool_size!r}")
        available = env.scripted_policies()
        unknown = [name for name in scripted if name not in available]
        if unknown:
            raise ValueError(f"{env.name} has no scripted policies {unknown}; it has {sorted(available)}")
        if pool_size + len(scripted) == 0:
            raise ValueError("FrozenOpponent needs at least one opponent: a pool slot or a scripted policy")
        self.env, self.policy, self.pool_size = env, policy, int(pool_size)
        self.scripted = tuple(scripted)
        self._scripted_acts = [available[name] for name in self.scripted]
        self.score_key, self.random_seat = score_key, bool(random_seat)
        self.single_agent_observation_space = env.single_agent_observation_space
        self.single_agent_action_space = env.single_agent_action_space
        self.encode, obs_size = observation_encoder(env.single_agent_observation_space)
        num_actions = num_discrete_actions(env.single_agent_action_space)
        if policy.num_actions != num_actions:
            raise ValueError(f"the pool policy has {policy.num_actions} actions, {env.name} has {num_actions}")
        one = policy.init(jax.random.PRNGKey(0), (), jnp.zeros((1, 1, obs_size)), jnp.ones((1, 1), bool))
        self.policy_template = one
        self._default_pool = jax.tree_util.tree_map(lambda leaf: jnp.stack([leaf] * self.pool_size), one)

    @property
    def opponents(self) -> tuple[str, ...]:
        return tuple(f"pool_{i}" for i in range(self.pool_size)) + self.scripted

    @property
    def default_params(self) -> OpponentParams:
        weights = jnp.ones((len(self.opponents),), jnp.float32)
        return OpponentParams(self.env.default_params, self._default_pool, weights, jnp.bool_(False))

    def check_params(self, params: OpponentParams) -> None:
        if not isinstance(params, OpponentParams):
            raise ValueError(f"FrozenOpponent takes OpponentParams, got {type(params).__name__}")
        self.env.check_params(params.env)
        weights = np.asarray(params.weights, np.float64)
        if weights.shape != (len(self.opponents),):
            raise ValueError(f"FrozenOpponent weights must have shape ({len(self.opponents)},), got {weights.shape}")
        if not np.all(np.isfinite(weights)) or (weights < 0).any() or weights.sum() <= 0:
            raise ValueError(f"FrozenOpponent weights must be finite, non-negative and not all zero, got {weights}")
        expected = jax.tree_util.tree_structure(self._default_pool)
        if jax.tree_util.tree_structure(params.pool) != expected:
            raise ValueError("FrozenOpponent pool must have the structure of the policy's parameters")
        for leaf, template in zip(jax.tree_util.tree_leaves(params.pool), jax.tree_util.tree_leaves(self._default_pool)):
            if np.shape(leaf) != template.shape:
                raise ValueError(f"FrozenOpponent pool leaves must be {template.shape} (pool first), got {np.shape(leaf)}")

    def reset_env(self, key, params):
        env_key, draw_key, seat_key = jax.random.split(key, 3)
        inner, ts = self.env.reset(env_key, params.env)
        opponent = jax.random.categorical(draw_key, jnp.log(params.weights.astype(jnp.float32)))
        seat = jax.random.bernoulli(seat_key).astype(jnp.int32) if self.random_seat else jnp.int32(0)
        state = OpponentState(
            key=key, params=params, time=jnp.int32(0), inner=inner, last=ts, opponent=opponent, seat=seat
        )
        timestep = TimeStep(ts.obs[seat], jnp.float32(0.0), jnp.bool_(False), jnp.bool_(False), self._info(ts, state))
        return state, timestep

    def step_env(self, key, state, action, params):
        opponent_action = self.opponent_action(key, state, params)
        action = jnp.asarray(action, jnp.int32)
        actions = jnp.where(state.seat == 0, jnp.stack([action, opponent_action]), jnp.stack([opponent_action, action]))
        inner, ts = self.env.step(state.inner, actions)
        state = state.replace(inner=inner, last=ts, time=state.time + 1)
        reward = ts.reward[state.seat].astype(jnp.float32)
        return state, TimeStep(ts.obs[state.seat], reward, ts.terminated, ts.truncated, self._info(ts, state))

    def opponent_action(self, key: jax.Array, state: OpponentState, params: OpponentParams) -> jax.Array:
        """The opponent's action: the drawn pool snapshot's or scripted policy's, for the seat the learner leaves."""
        seat = 1 - state.seat
        keys = jax.random.split(key, 1 + len(self._scripted_acts))
        choices = []
        if self.pool_size:
            slot = jnp.clip(state.opponent, 0, self.pool_size - 1)
            snapshot = jax.tree_util.tree_map(lambda leaf: leaf[slot], params.pool)
            logits = masked(policy_logits(self.policy, self.encode, snapshot, state.last.obs[seat]), state.last.info, seat)
            sampled = jax.random.categorical(keys[0], logits)
            choices.append(jnp.where(params.greedy, jnp.argmax(logits), sampled))
        for act_key, act in zip(keys[1:], self._scripted_acts):
            choices.append(jnp.asarray(act(act_key, state.inner, state.last))[seat])
        choices = jnp.stack(choices).astype(jnp.int32)
        index = state.opponent - self.pool_size + 1 if self.pool_size else state.opponent
        return choices[jnp.clip(index, 0, len(choices) - 1)]

    def _info(self, ts: TimeStep, state: OpponentState) -> dict[str, jax.Array]:
        info = {"opponent": jnp.asarray(state.opponent, jnp.int32), "seat": state.seat}
        if self.score_key in ts.info:
            score = ts.info[self.score_key][state.seat].astype(jnp.float32)
            info["match_score"] = score
            info["won"] = ts.terminated & (score == 1.0)
        return info

    def render(self, state: OpponentState) -> np.ndarray:
        return self.env.render(state.inner)

    @property
    def name(self) -> str:
        return f"FrozenOpponent<{self.env.name}>"

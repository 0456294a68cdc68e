"""Matches between frozen policies and scripted players of a two-player environment, thousands at once: head-to-head scores and round robins."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import serialization

from arenax.agents.policy import ActorCritic
from arenax.baselines.encoding import observation_encoder
from arenax.baselines.frozen_opponent import masked, policy_logits
from arenax.core import Environment


@dataclass(frozen=True)
class Player:
    """A frozen policy (`params` of the arena's network) or a scripted policy of the environment (`scripted` name)."""

    params: Any = None
    scripted: str | None = None
    greedy: bool = False
    """A policy plays its most likely action instead of sampling."""

    def __post_init__(self):
        if (self.params is None) == (self.scripted is None):
            raise ValueError("a Player is either a policy (params) or a scripted policy (scripted name), exactly one")


class Arena:
    """Plays `Player`s against each other on a two-player `env`; every match runs until it terminates or `max_steps`.

    One compiled program serves every pairing: the players' parameters, kinds and the step limit are traced.

    `policy` is the memoryless network all policy players share. A match's score is seat 0's
    `info[score_key][0]` when it terminates (1 win, 0.5 draw, 0 loss); one cut off by
    `max_steps` counts as a draw and is reported.
    """

    def __init__(self, env: Environment, policy: ActorCritic, max_steps: int, score_key: str = "match_score"):
        if not env.is_multi_agent or env.num_agents != 2:
            raise ValueError(f"an Arena needs a two-player environment, got {env.name} with agents {env.agents}")
        if policy.backbone is not None:
            raise ValueError("Arena policies must be memoryless (backbone 'mlp')")
        if int(max_steps) < 1:
            raise ValueError(f"max_steps must be at least 1, got {max_steps}")
        self.env, self.policy, self.max_steps, self.score_key = env, policy, int(max_steps), score_key
        self.scripted = tuple(env.scripted_policies())
        self._acts = [env.scripted_policies()[name] for name in self.scripted]
        self.encode, obs_size = observation_encoder(env.single_agent_observation_space)
        self.template = policy.init(jax.random.PRNGKey(0), (), jnp.zeros((1, 1, obs_size)), jnp.ones((1, 1), bool))
        self._play = jax.jit(jax.vmap(self._match, in_axes=(None, None, 0, None)))

    def _seat_inputs(self, player: Player) -> tuple[Any, jax.Array, jax.Array]:
        if player.scripted is not None:
            if player.scripted not in self.scripted:
                raise ValueError(f"{self.env.name} has no scripted policy {player.scripted!r}; it has {self.scripted}")
            return self.template, jnp.int32(1 + self.scripted.index(player.scripted)), jnp.bool_(False)
        return player.params, jnp.int32(0), jnp.bool_(player.greedy)

    def _match(self, seats: tuple, kinds: tuple, key: jax.Array, max_steps: jax.Array) -> tuple[jax.Array, jax.Array]:
        (params_0, params_1), (kind_0, greedy_0, kind_1, greedy_1) = seats, kinds
        reset_key, key = jax.random.split(key)
        state, ts = self.env.reset(reset_key)

        def actions(step_key, state, ts):
            keys = jax.random.split(step_key, 2 + len(self._acts))
            scripted = [jnp.asarray(act(k, state, ts)) for k, act in zip(keys[2:], self._acts)]
            chosen = []
            for seat, params, kind, greedy in ((0, params_0, kind_0, greedy_0), (1, params_1, kind_1, greedy_1)):
                logits = masked(policy_logits(self.policy, self.encode, params, ts.obs[seat]), ts.info, seat)
                policy_action = jnp.where(greedy, jnp.argmax(logits), jax.random.categorical(keys[seat], logits))
                options = jnp.stack([policy_action, *[a[seat] for a in scripted]]).astype(jnp.int32)
                chosen.append(options[kind])
            return jnp.stack(chosen)

        def body(carry):
            state, ts, done, score, t, key = carry
            key, step_key = jax.random.split(key)
            next_state, next_ts = self.env.step(state, actions(step_key, state, ts))
            ended = ~done & next_ts.terminated
            score = jnp.where(ended, next_ts.info[self.score_key][0].astype(jnp.float32), score)
            keep = lambda new, old: jax.tree_util.tree_map(lambda a, b: jnp.where(done, b, a), new, old)  # noqa: E731
            return keep(next_state, state), keep(next_ts, ts), done | next_ts.terminated, score, t + 1, key

        carry = (state, ts, jnp.bool_(False), jnp.float32(0.5), jnp.int32(0), key)
        _, _, done, score, _, _ = jax.lax.while_loop(lambda c: ~c[2] & (c[4] < max_steps), body, carry)
        return score, done

    def seat_scores(
        self, seat_0: Player, seat_1: Player, num_matches: int, seed: int = 0, max_steps: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Seat 0's score in each of `num_matches` matches, and whether each ended before `max_steps` (default the arena's)."""
        params_0, kind_0, greedy_0 = self._seat_inputs(seat_0)
        params_1, kind_1, greedy_1 = self._seat_inputs(seat_1)
        keys = jax.random.split(jax.random.PRNGKey(seed), num_matches)
        limit = jnp.int32(self.max_steps if max_steps is None else max_steps)
        score, done = self._play((params_0, params_1), (kind_0, greedy_0, kind_1, greedy_1), keys, limit)
        return np.asarray(score), np.asarray(done)

    def scores(self, a: Player, b: Player, num_matches: int, seed: int = 0) -> np.ndarray:
        """`a`'s scores over `num_matches` matches against `b`, half from each seat (`a` on seat 0 first)."""
        first = (num_matches + 1) // 2
        as_seat_0, _ = self.seat_scores(a, b, first, seed)
        as_seat_1, _ = self.seat_scores(b, a, num_matches - first, seed + 1)
        return np.concatenate([as_seat_0, 1.0 - as_seat_1])

    def round_robin(
        self, players: dict[str, Player], matches_per_pair: int, seed: int = 0
    ) -> list[tuple[str, str, float]]:
        """Every pair of `players` plays `matches_per_pair` matches; (player_a, player_b, score_a) per match for the ratings."""
        records = []
        for index, (name_a, name_b) in enumerate(itertools.combinations(players, 2)):
            scores = self.scores(players[name_a], players[name_b], matches_per_pair, seed + 2 * index)
            records.extend((name_a, name_b, float(score)) for score in scores)
        return records


def save_params(path: str | Path, params: Any) -> None:
    """Writes one policy's parameters (flax msgpack)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(serialization.to_bytes(jax.device_get(params)))


def load_params(path: str | Path, template: Any) -> Any:
    """Reads parameters written by `save_params`, shaped like `template` (e.g. `Arena.template`)."""
    return serialization.from_bytes(template, Path(path).read_bytes())

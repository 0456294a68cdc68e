"""Several PPO learners trained at once against a shared pool of frozen snapshots: the engine of self-play, FSP and the league."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from arenax.baselines import ppo
from arenax.baselines.encoding import num_discrete_actions
from arenax.baselines.frozen_opponent import FrozenOpponent, OpponentParams
from arenax.core import Environment


@dataclass(frozen=True)
class PoolView:
    """What a role sees of the pool when it chooses its opponents: the slots and who filled them."""

    roles: tuple["Role", ...]
    opponents: tuple[str, ...]
    """Names of all opponents: pool slots, then the scripted policies."""
    latest: tuple[int, ...]
    """Slot of each learner's latest snapshot."""
    archives: tuple[tuple[int, ...], ...]
    """Filled archive slots of each learner (its past snapshots)."""
    fixed: dict[str, int]
    """Slot or scripted index of each fixed opponent, by name."""

    def learners_with_role(self, role_type: type) -> list[int]:
        return [i for i, role in enumerate(self.roles) if isinstance(role, role_type)]

    def one_hot(self, indices: Sequence[int]) -> np.ndarray:
        """Uniform weights over the opponents at `indices` (repeats count more)."""
        weights = np.zeros(len(self.opponents))
        np.add.at(weights, np.asarray(indices, int), 1.0)
        if weights.sum() == 0:
            raise ValueError("a role chose no opponent")
        return weights / weights.sum()


@dataclass(frozen=True)
class Role:
    """How one learner picks its opponents; subclasses define `weights`.

    `archive` past snapshots of the learner are kept in the pool (a uniform reservoir sample
    over its generations); `reset_every` > 0 restarts the learner from its initial parameters
    and optimiser state every that many generations (exploiters).
    """

    archive: int = 0
    reset_every: int = 0

    @property
    def name(self) -> str:
        return type(self).__name__

    def weights(self, learner: int, pool: PoolView) -> np.ndarray:
        raise NotImplementedError


@dataclass(frozen=True)
class FixedOpponent(Role):
    """Trains against one fixed opponent: a frozen policy given to the population or a scripted one."""

    opponent: str = ""

    def weights(self, learner: int, pool: PoolView) -> np.ndarray:
        if self.opponent not in pool.fixed:
            raise ValueError(f"no fixed opponent {self.opponent!r}; the population has {sorted(pool.fixed)}")
        return pool.one_hot([pool.fixed[self.opponent]])


@dataclass
class PopulationResult:
    state: ppo.TrainState
    pool: Any
    records: list[dict]
    """One record per generation and learner: role, win rate, mean return, episodes."""

    def params(self, learner: int) -> Any:
        """The final parameters of one learner (no seed axis)."""
        return jax.tree_util.tree_map(lambda leaf: np.asarray(leaf[learner]), self.state.learner.params)


class Population:
    """Learners with `roles` (one PPO seed each) playing the two-player `env` against frozen opponents.

    Every learner is one seed of a single `ppo.Trainer` over a `FrozenOpponent` environment, so the
    whole population is one compiled program. Between generations the host updates the pool (each
    learner's latest snapshot, a reservoir sample of its history, fixed opponents) and each learner's
    opponent weights, and writes them into the traced environment parameters: no recompilation.

    `fixed` frozen policies (name -> parameters of the shared network) and the `scripted`
    policies of `env` are available as opponents by name. `pool_size` pads the pool so that
    populations of the same size and config share one compiled program. `random_seat` seats each
    learner on a random side per episode (see `FrozenOpponent`).
    """

    def __init__(
        self,
        config: ppo.PPOConfig,
        env: Environment,
        roles: Sequence[Role],
        *,
        scripted: tuple[str, ...] = (),
        fixed: dict[str, Any] | None = None,
        pool_size: int | None = None,
        random_seat: bool = False,
    ):
        if config.algorithm != "ppo" or config.backbone != ppo.MEMORYLESS:
            raise ValueError("a population trains memoryless PPO learners (algorithm 'ppo', backbone 'mlp')")
        if config.num_seeds != len(roles):
            raise ValueError(f"config.num_seeds ({config.num_seeds}) must equal the number of roles ({len(roles)})")
        fixed = dict(fixed or {})
        clash = set(fixed) & set(scripted)
        if clash:
            raise ValueError(f"fixed opponents {sorted(clash)} have the names of scripted policies")
        self.config, self.roles = config, tuple(roles)
        starts = np.cumsum([len(roles), *[role.archive for role in roles]])
        self._archive_slots = [tuple(range(starts[i], starts[i + 1])) for i in range(len(roles))]
        self._fixed_slots = {name: int(starts[-1]) + i for i, name in enumerate(fixed)}
        needed = int(starts[-1]) + len(fixed)
        self.pool_size = needed if pool_size is None else int(pool_size)
        if self.pool_size < needed:
            raise ValueError(f"pool_size {pool_size} is too small: the roles and fixed opponents need {needed} slots")
        policy = ppo.make_policy(config, num_discrete_actions(env.single_agent_action_space))
        self.env = FrozenOpponent(env, policy, self.pool_size, scripted, random_seat=random_seat)
        self.trainer = ppo.Trainer(config, jax.devices()[:1], env=self.env)
        self._fixed_params = fixed
        self._archived = [0] * len(roles)
        self._archive_fill = [[] for _ in roles]
        self._rng = np.random.default_rng(config.seed)

    def view(self) -> PoolView:
        opponents = self.env.opponents
        fixed = dict(self._fixed_slots)
        fixed.update({name: opponents.index(name) for name in self.env.scripted})
        return PoolView(
            roles=self.roles,
            opponents=opponents,
            latest=tuple(range(len(self.roles))),
            archives=tuple(tuple(slots) for slots in self._archive_fill),
            fixed=fixed,
        )

    def init(self) -> tuple[ppo.TrainState, Any]:
        """The initial training state and pool (every learner's latest slot holds its initial parameters)."""
        state = self.trainer.init()
        self.initial = jax.tree_util.tree_map(jnp.copy, state.learner)  # chunks donate the state's buffers
        pool = jax.tree_util.tree_map(
            lambda leaf: jnp.zeros((self.pool_size, *leaf.shape[1:]), leaf.dtype), state.learner.params
        )
        pool = self._write(pool, list(range(len(self.roles))), state.learner.params, list(range(len(self.roles))))
        for name, params in self._fixed_params.items():
            single = jax.tree_util.tree_map(lambda leaf: jnp.asarray(leaf)[None], params)
            pool = self._write(pool, [self._fixed_slots[name]], single, [0])
        return state, pool

    @staticmethod
    def _write(pool: Any, slots: list[int], params: Any, learners: list[int]) -> Any:
        slots, learners = np.asarray(slots, int), np.asarray(learners, int)
        return jax.tree_util.tree_map(lambda p, s: p.at[slots].set(jnp.asarray(s)[learners]), pool, params)

    def with_opponents(self, state: ppo.TrainState, pool: Any, weights: np.ndarray) -> ppo.TrainState:
        """`state` whose environments draw from `pool` with per-learner `weights[learners, opponents]`."""
        weights = jnp.asarray(weights, jnp.float32)

        def replace(node):
            if not isinstance(node, OpponentParams):
                return node
            envs = node.weights.shape[1]
            learners = weights.shape[0]
            return node.replace(
                pool=jax.tree_util.tree_map(lambda p: jnp.broadcast_to(p, (learners, envs, *p.shape)), pool),
                weights=jnp.broadcast_to(weights[:, None, :], (learners, envs, weights.shape[1])),
            )

        state = jax.tree_util.tree_map(replace, state, is_leaf=lambda node: isinstance(node, OpponentParams))
        return jax.device_put(state, self.trainer.shardings)

    def snapshot(self, pool: Any, state: ppo.TrainState) -> Any:
        """Writes every learner's parameters to its latest slot and, by reservoir sampling, to its archive."""
        learners = list(range(len(self.roles)))
        pool = self._write(pool, learners, state.learner.params, learners)
        slots, sources = [], []
        for i, role in enumerate(self.roles):
            if not role.archive:
                continue
            seen = self._archived[i]
            self._archived[i] += 1
            if seen < role.archive:
                slot = self._archive_slots[i][seen]
                self._archive_fill[i].append(slot)
            else:
                drawn = int(self._rng.integers(0, seen + 1))
                if drawn >= role.archive:
                    continue
                slot = self._archive_slots[i][drawn]
            slots.append(slot)
            sources.append(i)
        return self._write(pool, slots, state.learner.params, sources) if slots else pool

    def restart(self, state: ppo.TrainState, learners: list[int]) -> ppo.TrainState:
        """Learners `learners` start over from their initial parameters and optimiser state."""
        chosen = np.zeros(len(self.roles), bool)
        chosen[learners] = True
        mask = jnp.asarray(chosen)

        def pick(initial, current):
            shaped = mask.reshape((-1,) + (1,) * (current.ndim - 1))
            return jnp.where(shaped, initial, current)

        learner = state.learner.replace(
            params=jax.tree_util.tree_map(pick, self.initial.params, state.learner.params),
            opt_state=jax.tree_util.tree_map(pick, self.initial.opt_state, state.learner.opt_state),
        )
        return jax.device_put(state.replace(learner=learner), self.trainer.shardings)

    def run(
        self,
        generations: int,
        chunks_per_generation: int,
        on_generation: Callable[[int, list[dict]], None] | None = None,
    ) -> PopulationResult:
        """Trains `generations` rounds of `chunks_per_generation` PPO chunks, updating the pool after each."""
        if generations < 1 or chunks_per_generation < 1:
            raise ValueError(f"generations and chunks_per_generation must be >= 1, got {generations}, {chunks_per_generation}")
        state, pool = self.init()
        records = []
        for generation in range(1, generations + 1):
            view = self.view()
            weights = np.stack([role.weights(i, view) for i, role in enumerate(self.roles)])
            state = self.with_opponents(state, pool, weights)
            totals = {"episodes": 0.0, "won_sum": 0.0, "episode_return_sum": 0.0}
            totals = {name: np.zeros(len(self.roles)) for name in totals}
            for _ in range(chunks_per_generation):
                state, metrics = self.trainer.chunk(state)
                for name in totals:
                    totals[name] += np.asarray(metrics.get(name, np.zeros(len(self.roles))), np.float64)
            generation_records = [
                {
                    "generation": generation,
                    "learner": i,
                    "role": role.name,
                    "episodes": int(round(totals["episodes"][i])),
                    "win_rate": _ratio(totals["won_sum"][i], totals["episodes"][i]),
                    "episode_return": _ratio(totals["episode_return_sum"][i], totals["episodes"][i]),
                }
                for i, role in enumerate(self.roles)
            ]
            records.extend(generation_records)
            if on_generation is not None:
                on_generation(generation, generation_records)
            pool = self.snapshot(pool, state)
            restarting = [i for i, role in enumerate(self.roles) if role.reset_every and generation % role.reset_every == 0]
            if restarting and generation < generations:
                state = self.restart(state, restarting)
        return PopulationResult(state, pool, records)


def _ratio(total: float, count: float) -> float | None:
    return float(total / count) if count else None


def population_config(config: ppo.PPOConfig, learners: int, generations: int, chunks_per_generation: int) -> ppo.PPOConfig:
    """`config` with one seed per learner and a total budget matching the generations (for the learning-rate schedule)."""
    steps = generations * chunks_per_generation * config.updates_per_chunk * config.steps_per_update
    return dataclasses.replace(config, num_seeds=learners, total_timesteps=steps)

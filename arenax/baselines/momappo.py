"""MOMAPPO: weight-conditioned PPO with shared parameters, evaluated over a weight set into an approximate Pareto front.

Read top to bottom: the wrapper that draws a weight vector per episode,
appends it to every agent's observation (and to the world state of MAPPO's
critic) and scalarises the vector reward with it; training through the
existing PPO (`ppo.train(config, out, env=wrapped)`); evaluation of the
trained policy at each weight of a set, giving one vector of per-objective
team returns (the sum over agents) per weight, whose non-dominated subset is
the approximate front; its hypervolume and expected utility (EUM); and the
command line (`main`), which writes everything to `results.json`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path
from typing import Any, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax import evaluation
from arenax.baselines import ppo
from arenax.agents.policy import greedy_action, sample_action
from arenax.baselines.encoding import action_layout, observation_encoder
from arenax.core import Environment, TimeStep, WrapperState, make
from arenax.core.environment import NEXT_EPISODE_STREAM
from arenax.wrappers.base import Wrapper

WEIGHT_SAMPLERS = ("simplex", "grid")
"""Per episode, a weight vector drawn uniformly on the simplex, or uniformly among the points of a simplex grid."""
WEIGHT_STREAM = NEXT_EPISODE_STREAM - 1
"""The episode key is folded with this number to draw the weights, a stream that environments' resets do not use."""
REFERENCE_POINTS = {
    "MO-Beach-v0": (0.0, 0.0),
    "MO-ItemGathering-v0": (0.0, 0.0, 0.0),
    "MO-SMAX-3m-v0": (0.0, -1.0),
    "MO-SMAX-2s3z-v0": (0.0, -1.0),
    "MO-WalkerLite-v0": (-40.0, -200.0),
}
"""Hypervolume reference points (team returns, maximised) where the returns' worst values are known, or (walker-lite,
whose objectives have no floor) below what falling or walking gives: a beam dropped at once costs its 3 walkers
(-30, -30), random pushes and lifts average (-30, -47), the scripted walkers (163, -29) and (428, -91)."""
MAX_EVALUATION_STEPS = 10_000
"""Evaluation episodes that have not ended after this many steps are cut off (every registered one ends sooner)."""


# The weight-conditioned environment


@struct.dataclass
class WeightedState(WrapperState):
    weights: jax.Array
    """This episode's weight vector `[n_objectives]`."""


class WeightConditioned(Wrapper):
    """A multi-objective multi-agent environment turned into a scalar one conditioned on a weight vector.

    Every episode draws a weight vector `w` (uniformly on the simplex when
    `weight_set` is None, else uniformly among its rows `[k, n_objectives]`;
    one row fixes the weights), appends it to every agent's flattened
    observation and to `info["world_state"]`, and rewards each agent with
    `reward @ w`. `reset_with_weights` starts an episode with given weights.
    """

    def __init__(self, env: Environment, weight_set: Any = None):
        super().__init__(env)
        if not env.is_multi_agent or env.reward_space is None:
            raise ValueError(f"{env.name} must be a multi-agent environment with vector rewards (reward_space) for MOMAPPO")
        space = env.single_agent_observation_space
        if not isinstance(space, spaces.Box):
            raise ValueError(f"MOMAPPO appends weights to Box observations; {env.name} observes {space}")
        self.num_objectives = int(env.reward_space.shape[0])
        self.weight_set = None
        if weight_set is not None:
            table = np.asarray(weight_set, np.float32)
            if table.ndim != 2 or table.shape[1] != self.num_objectives or len(table) == 0:
                raise ValueError(f"weight_set must have shape [k, {self.num_objectives}], got {table.shape}")
            if np.any(table < 0) or not np.allclose(table.sum(axis=1), 1.0, atol=1e-5):
                raise ValueError("every row of weight_set must be non-negative and sum to 1")
            self.weight_set = jnp.asarray(table)
        low = np.concatenate([space.low.reshape(-1), np.zeros(self.num_objectives)]).astype(np.float32)
        high = np.concatenate([space.high.reshape(-1), np.ones(self.num_objectives)]).astype(np.float32)
        self._observation_space = spaces.Box(low, high, dtype=np.float32)

    @property
    def single_agent_observation_space(self):
        return self._observation_space

    @property
    def observation_space(self):
        return Environment.observation_space.fget(self)

    @property
    def reward_space(self):
        return None

    def zero_reward(self) -> jax.Array:
        return jnp.zeros((self.num_agents,), jnp.float32)

    def draw_weights(self, key: jax.Array) -> jax.Array:
        if self.weight_set is None:
            return jax.random.dirichlet(key, jnp.ones(self.num_objectives, jnp.float32))
        return self.weight_set[jax.random.randint(key, (), 0, self.weight_set.shape[0])]

    def condition(self, ts: TimeStep, weights: jax.Array) -> TimeStep:
        """The environment's time step seen under `weights`: observations and world state with `w`, reward `reward @ w`."""
        n = self.num_agents
        tiled = jnp.broadcast_to(weights, (n, self.num_objectives))
        obs = jnp.concatenate([ts.obs.reshape(n, -1).astype(jnp.float32), tiled], axis=-1)
        info = dict(ts.info)
        if "world_state" in info:
            world = info["world_state"].astype(jnp.float32)
            if world.ndim == 1:
                info["world_state"] = jnp.concatenate([world, weights])
            else:
                info["world_state"] = jnp.concatenate([world.reshape(n, -1), tiled], axis=-1)
        reward = jnp.sum(ts.reward * weights, axis=-1).astype(jnp.float32)
        return ts.replace(obs=obs, reward=reward, info=info)

    def reset_with_weights(self, key: jax.Array, weights: jax.Array, params: Any = None) -> tuple[WeightedState, TimeStep]:
        env_state, ts = self.env.reset(key, params)
        weights = jnp.asarray(weights, jnp.float32)
        return WeightedState(env_state, weights), self.condition(ts, weights)

    def reset(self, key: jax.Array, params: Any = None) -> tuple[WeightedState, TimeStep]:
        return self.reset_with_weights(key, self.draw_weights(jax.random.fold_in(key, WEIGHT_STREAM)), params)

    def step(self, state: WeightedState, action: Any) -> tuple[WeightedState, TimeStep]:
        env_state, ts = self.env.step(state.env_state, action)
        return state.replace(env_state=env_state), self.condition(ts, state.weights)

    def inner_state(self, state: WeightedState) -> Any:
        return state.env_state


def training_weights(sampler: str, num_objectives: int, divisions: int) -> np.ndarray | None:
    """The `weight_set` of `WeightConditioned` for a sampler of `WEIGHT_SAMPLERS` (None: the whole simplex)."""
    if sampler not in WEIGHT_SAMPLERS:
        raise ValueError(f"weights must be one of {WEIGHT_SAMPLERS}, got {sampler!r}")
    return None if sampler == "simplex" else evaluation.simplex_weights(num_objectives, divisions)


# Evaluation over a weight set


def critic_input(world_state: jax.Array, num_agents: int) -> jax.Array:
    """MAPPO's critic rows for one environment: its world state and a one-hot agent id (as `ppo.PPO.critic_input`)."""
    world = world_state.astype(jnp.float32)
    world = jnp.broadcast_to(world, (num_agents, world.shape[-1])) if world.ndim == 1 else world.reshape(num_agents, -1)
    return jnp.concatenate([world, jnp.eye(num_agents, dtype=jnp.float32)], axis=-1)


def evaluate_weights(
    wrapped: WeightConditioned,
    config: ppo.PPOConfig,
    params: Any,
    weights: np.ndarray,
    episodes: int,
    *,
    seed: int = 0,
    greedy: bool = False,
) -> np.ndarray:
    """Mean team return vectors `[seeds, len(weights), n_objectives]` of `episodes` episodes at each weight.

    `params` carry a leading seed axis (as `ppo.train` returns them). The
    team return is the sum over agents of their reward vectors; the policy
    samples its actions unless `greedy` (the most likely allowed action, or
    a Gaussian head's mean), and continuous actions are clipped to the
    action space's bounds, as in training.
    """
    layout = action_layout(wrapped.single_agent_action_space)
    policy = ppo.make_policy(config, layout.size, layout.continuous)
    encode, _ = observation_encoder(wrapped.single_agent_observation_space)
    n = wrapped.num_agents
    mappo = config.algorithm == "mappo"

    def episode(params, w, key):
        reset_key, key = jax.random.split(key)
        env_state, inner_ts = wrapped.env.reset(reset_key)
        ts = wrapped.condition(inner_ts, w)
        start = (env_state, ts, policy.initialize_carry(n), jnp.ones(n, bool), jnp.bool_(False),
                 jnp.zeros(wrapped.num_objectives, jnp.float32), jnp.int32(0))

        def running(loop):
            return ~loop[4] & (loop[6] < MAX_EVALUATION_STEPS)

        def body(loop):
            env_state, ts, carry, reset, _, total, t = loop
            critic = critic_input(ts.info["world_state"], n) if mappo else None
            carry, head, _ = policy.apply(params, carry, jax.vmap(encode)(ts.obs), reset, critic, method="step")
            mask = ts.info.get("action_mask", jnp.ones((n, layout.size), bool)).astype(bool)
            step_key = jax.random.fold_in(key, t)
            action = greedy_action(head, mask) if greedy else sample_action(head, mask, step_key)
            if layout.continuous:
                action = jnp.clip(action, jnp.asarray(layout.low), jnp.asarray(layout.high))
            env_state, inner_ts = wrapped.env.step(env_state, action)
            total = total + inner_ts.reward.sum(axis=0)
            done = inner_ts.terminated | inner_ts.truncated
            return env_state, wrapped.condition(inner_ts, w), carry, jnp.zeros(n, bool), done, total, t + 1

        return jax.lax.while_loop(running, body, start)[5]

    def at_weight(params, w, key):
        return jax.vmap(episode, in_axes=(None, None, 0))(params, w, jax.random.split(key, episodes)).mean(axis=0)

    def per_seed(params, key):
        keys = jax.random.split(key, len(weights))
        return jax.vmap(at_weight, in_axes=(None, 0, 0))(params, jnp.asarray(weights, jnp.float32), keys)

    num_seeds = jax.tree_util.tree_leaves(params)[0].shape[0]
    keys = jax.random.split(jax.random.PRNGKey(seed), num_seeds)
    return np.asarray(jax.jit(jax.vmap(per_seed))(params, keys), np.float64)


def scripted_points(env: Environment, episodes: int, seed: int = 0) -> dict[str, list[float]]:
    """Mean team return vector of each of `env.scripted_policies()` (random included) over `episodes` episodes."""

    def run(act, key):
        reset_key, key = jax.random.split(key)
        state, ts = env.reset(reset_key)
        start = (state, ts, jnp.bool_(False), jnp.zeros(env.reward_space.shape, jnp.float32), jnp.int32(0))

        def body(loop):
            state, ts, _, total, t = loop
            state, ts = env.step(state, act(jax.random.fold_in(key, t), state, ts))
            return state, ts, ts.terminated | ts.truncated, total + ts.reward.sum(axis=0), t + 1

        return jax.lax.while_loop(lambda loop: ~loop[2] & (loop[4] < MAX_EVALUATION_STEPS), body, start)[3]

    keys = jax.random.split(jax.random.PRNGKey(seed), episodes)
    return {
        name: np.asarray(jax.jit(jax.vmap(lambda k, act=act: run(act, k)))(keys)).mean(axis=0).tolist()
        for name, act in env.scripted_policies().items()
    }


def front_summary(points: np.ndarray, weights: np.ndarray, ref_point: Sequence[float]) -> dict[str, Any]:
    """The non-dominated subset of `points`, its hypervolume against `ref_point`, and EUM over `weights`."""
    points = np.asarray(points, np.float64)
    front = evaluation.pareto_front(points)
    return {
        "front": front.tolist(),
        "hypervolume": evaluation.hypervolume(front, ref_point),
        "eum": evaluation.expected_utility(points, weights),
        "cardinality": evaluation.cardinality(points),
        "sparsity": evaluation.sparsity(points),
    }


def reference_point(env_id: str, given: Sequence[float] | None, num_objectives: int) -> list[float]:
    if given is not None:
        if len(given) != num_objectives:
            raise ValueError(f"--ref-point needs {num_objectives} numbers for {env_id}, got {len(given)}")
        return [float(x) for x in given]
    if env_id not in REFERENCE_POINTS:
        raise ValueError(
            f"no default hypervolume reference point for {env_id} (known: {', '.join(REFERENCE_POINTS)}); pass --ref-point"
        )
    return list(REFERENCE_POINTS[env_id])


# Training and the command line


@dataclasses.dataclass(frozen=True)
class MOMAPPOConfig:
    """What a MOMAPPO run adds to PPO's configuration: the environment's arguments and the weights."""

    env_id: str = "MO-ItemGathering-v0"
    env_kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    weights: str = "simplex"
    """One of `WEIGHT_SAMPLERS`."""
    divisions: int = 10
    """Divisions of the simplex grid for training ("grid") and for evaluation."""
    evaluation_episodes: int = 16
    greedy: bool = False
    ref_point: tuple[float, ...] | None = None


def train(config: MOMAPPOConfig, ppo_config: ppo.PPOConfig, out: str | Path | None = None, progress: bool = False):
    """Trains MOMAPPO and evaluates it over the grid of weights; returns the results (also written to `out/results.json`)."""
    env = make(config.env_id, **config.env_kwargs)
    num_objectives = int(env.reward_space.shape[0]) if env.reward_space is not None else 0
    ref = reference_point(config.env_id, config.ref_point, num_objectives)
    wrapped = WeightConditioned(env, training_weights(config.weights, num_objectives, config.divisions))
    started = time.perf_counter()
    result = ppo.train(ppo_config, None if out is None else Path(out) / "ppo", env=wrapped, progress=progress)
    seconds = time.perf_counter() - started
    weights = evaluation.simplex_weights(num_objectives, config.divisions)
    points = evaluate_weights(
        wrapped, ppo_config, result.state.learner.params, weights, config.evaluation_episodes,
        seed=ppo_config.seed, greedy=config.greedy,
    )
    results = {
        "config": {**dataclasses.asdict(config), "ppo": ppo_config.to_dict()},
        "training_seconds": seconds,
        "ref_point": ref,
        "weights": weights.tolist(),
        "seeds": [
            {"seed": seed, "points": seed_points.tolist(), **front_summary(seed_points, weights, ref)}
            for seed, seed_points in zip(ppo_config.seeds, points)
        ],
        "union": front_summary(points.reshape(-1, num_objectives), weights, ref),
    }
    if out is not None:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "results.json").write_text(json.dumps(results, indent=1))
    return results


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="arenax train momappo", description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="MO-ItemGathering-v0", help="a registered multi-objective multi-agent JAX env")
    parser.add_argument("--env-kwargs", default="{}", help="JSON object of constructor arguments for the env")
    parser.add_argument("--weights", choices=WEIGHT_SAMPLERS, default="simplex", help="how each episode draws its weights")
    parser.add_argument("--divisions", type=int, default=10, help="simplex grid divisions (training grid and evaluation set)")
    parser.add_argument("--algorithm", choices=ppo.MULTI_AGENT_ALGORITHMS, default="ippo")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=1, help="number of seeds trained at once")
    parser.add_argument("--total-timesteps", type=int, default=200_000, help="environment steps per seed")
    parser.add_argument("--num-envs", type=int, default=16)
    parser.add_argument("--rollout-length", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=3e-4)
    parser.add_argument("--entropy-coef", type=float, default=0.01)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--episodes", type=int, default=16, help="evaluation episodes per weight")
    parser.add_argument("--greedy", action="store_true", help="evaluate the most likely actions instead of sampling")
    parser.add_argument("--ref-point", type=float, nargs="+", help="hypervolume reference point (team returns)")
    parser.add_argument("--out", required=True, help="run folder: PPO's logs and checkpoints, and results.json")
    parser.add_argument("--progress", action="store_true")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    env_kwargs = json.loads(args.env_kwargs)
    if not isinstance(env_kwargs, dict):
        raise ValueError(f"--env-kwargs must be a JSON object, got {args.env_kwargs!r}")
    config = MOMAPPOConfig(
        env_id=args.env, env_kwargs=env_kwargs, weights=args.weights, divisions=args.divisions,
        evaluation_episodes=args.episodes, greedy=args.greedy,
        ref_point=None if args.ref_point is None else tuple(args.ref_point),
    )
    ppo_config = ppo.PPOConfig(
        env_id=args.env, algorithm=args.algorithm, seed=args.seed, num_seeds=args.seeds,
        total_timesteps=args.total_timesteps, num_envs=args.num_envs, rollout_length=args.rollout_length,
        num_minibatches=min(4, args.num_envs), learning_rate=args.learning_rate, entropy_coef=args.entropy_coef,
        features=args.features, updates_per_chunk=5,
    )
    results = train(config, ppo_config, args.out, progress=args.progress)
    union = results["union"]
    print(f"{args.env}: hypervolume {union['hypervolume']:.4g}, EUM {union['eum']:.4g}, "
          f"{union['cardinality']} front points; results in {Path(args.out) / 'results.json'}")
    return results


if __name__ == "__main__":
    main()

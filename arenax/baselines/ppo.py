"""Recurrent PPO, IPPO and MAPPO with any memory backbone (or a memoryless MLP): the whole loop under `jit`, vmapped over seeds, sharded over devices.

Read top to bottom: configuration, environment and network, the pytrees of
the training state, one PPO update (rollout, advantages, epochs of minibatch
steps), the jitted chunk of updates, and the Python loop that runs chunks with
a progress bar, writes metrics and checkpoints, and resumes a killed run.

Recurrence follows truncated backpropagation through time: each rollout of
`rollout_length` steps stores the memory (carry) its acting policy started
from, and every epoch replays the rollout from that carry in the backbone's
parallel mode, hidden state reset wherever an episode starts. With
`replay_rollouts = K > 0`, training replays the previous K rollouts before the
current one from the carry stored K rollouts ago (losses on the current one
only), so that the carries of episodes no longer than K rollouts are
recomputed by the current parameters instead of going stale across epochs.

Multi-agent environments train with parameters shared by all agents: every
agent of every environment is one row of the batch (IPPO, whose critic sees
the agent's own observation), or, for MAPPO, the critic of every row reads the
environment's `info["world_state"]` and a one-hot agent id instead (a
memoryless centralised critic; the actor keeps its backbone). Each agent's row
receives its own reward (the team reward in cooperative environments); the
logged `episode_return` of a multi-agent environment is the sum over agents.

Actions: a `Discrete` action space gets a categorical head (masked by
`info["action_mask"]`), a `Box` one a Gaussian head with a state-independent
log std; its unclipped draws are trained on (their log-probabilities are the
Gaussian's) and clipped to the space's bounds only when stepping the
environment.

Devices: the environments (and everything acting on them) are split over
`jax.devices()` by `jax.sharding`, parameters replicated; the loss is a mean
over environments that live on all devices, so XLA averages the gradients
across devices (an all-reduce) and every device applies the same update.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import struct
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from arenax.agents.policy import ActorCritic, entropy, greedy_action, log_prob, sample_action
from arenax.agents.policy import masked_logits as masked_logits  # re-exported: acting code masks logits as PPO does
from arenax.baselines import run_log
from arenax.baselines.checkpoint import Checkpointer
from arenax.baselines.encoding import action_layout, observation_encoder
from arenax.core import Environment, make, spec
from arenax.wrappers import AutoReset, EpisodeStatistics, Vectorize

ALGORITHMS = ("ppo", "ippo", "mappo")
"""ppo for single-agent environments; ippo and mappo for multi-agent ones."""
MULTI_AGENT_ALGORITHMS = ("ippo", "mappo")
OUTCOMES = ("won",)
"""Boolean `info` entries of an episode's last step that the metrics report as rates (e.g. `win_rate`)."""
MEMORYLESS = "mlp"
ENV_AXIS = "envs"
LOSS_DIAGNOSTICS = ("policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction")


# Configuration


@dataclass(frozen=True)
class PPOConfig:
    """Everything that defines a PPO run; `seed` is the first of `num_seeds` consecutive seeds trained at once."""

    env_id: str = "CartPole-v1"
    algorithm: str = "ppo"
    """One of `ALGORITHMS`."""
    backbone: str = MEMORYLESS
    """`MEMORYLESS` ("mlp") for the memoryless policy, else a name of `arenax.agents.backbones.names()`."""
    features: int = 64
    """Width of the backbone's output (and of every hidden layer of the network)."""
    backbone_sizes: dict[str, int] = field(default_factory=dict)
    """Further size arguments of `arenax.agents.backbones.make` (e.g. a state size)."""
    seed: int = 0
    num_seeds: int = 1
    total_timesteps: int = 500_000
    """Environment steps per seed; rounded up to whole chunks."""
    num_envs: int = 8
    rollout_length: int = 128
    num_epochs: int = 4
    num_minibatches: int = 4
    """Minibatches split the environments, so that each keeps whole sequences."""
    learning_rate: float = 2.5e-4
    anneal_learning_rate: bool = True
    gamma: float = 0.99
    gae_lambda: float = 0.95
    clip_eps: float = 0.2
    entropy_coef: float = 0.01
    value_coef: float = 0.5
    max_grad_norm: float = 0.5
    reward_scale: float = 1.0
    """Rewards are multiplied by this for learning only (logged returns are the environment's)."""
    replay_rollouts: int = 0
    updates_per_chunk: int = 10
    """Updates run by one jitted call between two progress reports."""
    checkpoint_every: int = 10
    """Chunks between two checkpoints (the last chunk is always checkpointed)."""

    def __post_init__(self):
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"PPOConfig.algorithm must be one of {', '.join(ALGORITHMS)}, got {self.algorithm!r}")
        positive = ("features", "num_seeds", "total_timesteps", "num_envs", "rollout_length", "num_epochs",
                    "num_minibatches", "updates_per_chunk", "checkpoint_every")
        for name in positive:
            if int(getattr(self, name)) < 1:
                raise ValueError(f"PPOConfig.{name} must be at least 1, got {getattr(self, name)}")
        if self.num_envs % self.num_minibatches:
            raise ValueError(
                f"PPOConfig.num_envs ({self.num_envs}) must be a multiple of num_minibatches ({self.num_minibatches}):"
                " minibatches split the environments"
            )
        if not 0.0 < self.gamma <= 1.0 or not 0.0 <= self.gae_lambda <= 1.0:
            raise ValueError(f"PPOConfig needs 0 < gamma <= 1 and 0 <= gae_lambda <= 1, got {self.gamma}, {self.gae_lambda}")
        for name in ("learning_rate", "clip_eps", "max_grad_norm", "reward_scale"):
            if not float(getattr(self, name)) > 0:
                raise ValueError(f"PPOConfig.{name} must be positive, got {getattr(self, name)}")
        for name in ("entropy_coef", "value_coef", "replay_rollouts", "seed"):
            if getattr(self, name) < 0:
                raise ValueError(f"PPOConfig.{name} must be >= 0, got {getattr(self, name)}")

    @property
    def steps_per_update(self) -> int:
        return self.num_envs * self.rollout_length

    @property
    def num_chunks(self) -> int:
        return -(-self.total_timesteps // (self.steps_per_update * self.updates_per_chunk))

    @property
    def num_updates(self) -> int:
        return self.num_chunks * self.updates_per_chunk

    @property
    def seeds(self) -> list[int]:
        return [self.seed + i for i in range(self.num_seeds)]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# Environment and network


def make_env(env_id: str, num_envs: int, algorithm: str = "ppo", env: Environment | None = None) -> Vectorize:
    """`num_envs` auto-resetting copies of a JAX environment that report episode returns.

    `algorithm` must suit the environment: ppo a single-agent one, ippo and
    mappo a multi-agent one (mappo also needs `info["world_state"]`). `env`,
    when given, is trained instead of the registered `env_id` (which then
    only names the run): a wrapped or otherwise customised JAX environment.
    """
    if env is None:
        row = spec(env_id)
        if row.kind != "jax":
            raise ValueError(f"PPO trains JAX environments only; {env_id!r} is a {row.kind!r} environment")
        env = make(env_id)
    if env.is_multi_agent and algorithm not in MULTI_AGENT_ALGORITHMS:
        raise ValueError(f"{env_id!r} is multi-agent; train it with ippo or mappo, not {algorithm}")
    if not env.is_multi_agent and algorithm in MULTI_AGENT_ALGORITHMS:
        raise ValueError(f"{env_id!r} is single-agent; train it with ppo, not {algorithm}")
    if env.reward_space is not None:
        raise ValueError(f"{env_id!r} has vector rewards {env.reward_space}; this PPO needs a scalar reward")
    return Vectorize(EpisodeStatistics(AutoReset(env)), num_envs)


def make_policy(config: PPOConfig, num_actions: int, continuous: bool = False) -> ActorCritic:
    """The network of `config`; `num_actions` counts action dimensions when `continuous`."""
    centralised = config.algorithm == "mappo"
    if config.backbone == MEMORYLESS:
        return ActorCritic(num_actions, None, config.features, centralised, continuous)
    from arenax.agents import backbones

    if config.backbone not in backbones.names():
        choices = ", ".join([MEMORYLESS, *backbones.names()])
        raise ValueError(f"unknown backbone {config.backbone!r}; choose one of {choices}")
    backbone = backbones.make(config.backbone, features=config.features, **config.backbone_sizes)
    return ActorCritic(num_actions, backbone, config.features, centralised, continuous)


# The training state: pytrees whose leaves carry a leading seed axis under `vmap`


@struct.dataclass
class Learner:
    """What every device holds whole: parameters, optimiser state, PRNG key, updates done."""

    params: Any
    opt_state: Any
    key: jax.Array
    updates: jax.Array


@struct.dataclass
class Past:
    """The previous `replay_rollouts` rollouts that training replays before the current one; env axis first."""

    obs: jax.Array  # [B, K, T, D]
    resets: jax.Array  # [B, K, T]
    carries: Any  # leaves [B, K, ...]: the carry each of them started from


@struct.dataclass
class Actor:
    """The acting side, every leaf with the environment axis first (sharded over devices).

    `B` counts rows: environments times agents (agents vary fastest).
    """

    env_state: Any
    obs: jax.Array  # [B, D]: the next observation to act on
    reset: jax.Array  # [B]: True where `obs` starts an episode
    action_mask: jax.Array  # [B, A] (all True for continuous actions)
    critic_obs: jax.Array | None  # [B, C]: the centralised critic's input (MAPPO), else None
    carry: Any  # the memory before `obs`
    past: Past | None


@struct.dataclass
class TrainState:
    learner: Learner
    actor: Actor


@struct.dataclass
class Transition:
    """One environment step of a rollout, each leaf `[B, ...]` (stacked to `[T, B, ...]`)."""

    obs: jax.Array
    reset: jax.Array
    action_mask: jax.Array
    critic_obs: jax.Array | None
    action: jax.Array  # [B] discrete, or [B, D] continuous (the unclipped draw)
    log_prob: jax.Array
    value: jax.Array
    reward: jax.Array
    terminated: jax.Array
    truncated: jax.Array
    final_value: jax.Array  # value of the ended episode's last observation, for bootstrapping on truncation
    episode_return: jax.Array  # return of the episode that ended at this step (0 where none did)
    episode_length: jax.Array
    episode_done: jax.Array
    outcomes: dict[str, jax.Array]  # each of `OUTCOMES` the environment reports, True where an episode ended so


@struct.dataclass
class Batch:
    """What the loss needs, env axis first for `carry` and second (after time) for the rest."""

    carry: Any
    obs: jax.Array  # [W, B, D]: the replayed window, W = (K + 1) T
    resets: jax.Array  # [W, B]
    critic_obs: jax.Array | None  # [W, B, C]
    action_mask: jax.Array  # [T, B, A]
    action: jax.Array
    log_prob: jax.Array
    value: jax.Array
    advantage: jax.Array
    target: jax.Array


class PPO:
    """The pure functions of one PPO run: `init(key)` and `chunk(state)`, both for one seed (vmap them)."""

    def __init__(self, config: PPOConfig, env: Environment | None = None):
        self.config = config
        self.env = make_env(config.env_id, config.num_envs, config.algorithm, env)
        single = self.env.env
        self.num_agents = single.num_agents
        self.rows = config.num_envs * self.num_agents
        observation_space, action_space = single.observation_space, single.action_space
        if single.is_multi_agent:
            observation_space, action_space = single.single_agent_observation_space, single.single_agent_action_space
        self.encode, self.obs_size = observation_encoder(observation_space)
        self.actions = action_layout(action_space)
        self.num_actions = self.actions.size
        self.policy = make_policy(config, self.num_actions, self.actions.continuous)
        _, first = jax.eval_shape(self.env.reset, jax.random.PRNGKey(0))
        if config.algorithm == "mappo" and "world_state" not in first.info:
            raise ValueError(f"mappo needs info['world_state'] for its critic, and {config.env_id!r} has none")
        self.outcomes = tuple(name for name in OUTCOMES if name in first.info)
        steps = config.num_updates * config.num_epochs * config.num_minibatches
        learning_rate = (
            optax.linear_schedule(config.learning_rate, 0.0, steps) if config.anneal_learning_rate else config.learning_rate
        )
        self.optimizer = optax.chain(
            optax.clip_by_global_norm(config.max_grad_norm), optax.adam(learning_rate, eps=1e-5)
        )

    def rows_of(self, x: jax.Array) -> jax.Array:
        """`[E, N, ...]` per agent (or `[E, ...]` single-agent) to `[E * N, ...]` rows."""
        return x.reshape((self.rows, *x.shape[2 if self.env.is_multi_agent else 1 :]))

    def per_row(self, x: jax.Array) -> jax.Array:
        """`[E]` per environment to `[E * N]` rows, repeated over agents."""
        return jnp.repeat(x, self.num_agents, axis=0)

    def encode_rows(self, obs: Any) -> jax.Array:
        leading = (self.config.num_envs, self.num_agents) if self.env.is_multi_agent else (self.config.num_envs,)
        encode = self.encode
        for _ in leading:
            encode = jax.vmap(encode)
        return encode(obs).reshape(self.rows, self.obs_size)

    def critic_input(self, info: dict) -> jax.Array | None:
        """MAPPO's critic input per row: the world state and a one-hot agent id.

        `info["world_state"]` is `[E, W]` (one vector per environment) or `[E, N, ...]` (one per agent).
        """
        if self.config.algorithm != "mappo":
            return None
        world = info["world_state"].astype(jnp.float32)
        num_envs, n = self.config.num_envs, self.num_agents
        if world.ndim == 2:  # one vector per environment, shared by its agents
            world = jnp.broadcast_to(world[:, None], (num_envs, n, world.shape[-1]))
        world = world.reshape(num_envs, n, -1)
        agent_ids = jnp.broadcast_to(jnp.eye(n, dtype=jnp.float32), (num_envs, n, n))
        return jnp.concatenate([world, agent_ids], -1).reshape(self.rows, -1)

    def observe(self, ts) -> tuple[jax.Array, jax.Array, jax.Array | None]:
        """Rows of encoded observations, action masks, and critic inputs (None unless MAPPO)."""
        obs = self.encode_rows(ts.obs)
        mask = ts.info.get("action_mask")
        mask = jnp.ones((self.rows, self.num_actions), bool) if mask is None else self.rows_of(mask)
        return obs, mask.astype(bool), self.critic_input(ts.info)

    def act_on(self, actions: jax.Array) -> jax.Array:
        """Row actions `[E * N, ...]` to the environment's `[E, N, ...]` (or `[E, ...]`), continuous ones clipped to their bounds."""
        if self.actions.continuous:
            actions = jnp.clip(actions, jnp.asarray(self.actions.low), jnp.asarray(self.actions.high))
        leading = (self.config.num_envs, self.num_agents) if self.env.is_multi_agent else (self.rows,)
        return actions.reshape(leading + actions.shape[1:])

    def init(self, key: jax.Array) -> TrainState:
        config = self.config
        policy_key, env_key, key = jax.random.split(key, 3)
        env_state, ts = self.env.reset(env_key)
        obs, mask, critic_obs = self.observe(ts)
        carry = self.policy.initialize_carry(self.rows)
        params = self.policy.init(
            policy_key, carry, obs[None], jnp.ones((1, self.rows), bool), None if critic_obs is None else critic_obs[None]
        )
        past = None
        if config.replay_rollouts:
            k, t, b = config.replay_rollouts, config.rollout_length, self.rows
            # Resets everywhere make the placeholder history inert: the state is zeroed before each step of it.
            past = Past(
                obs=jnp.zeros((b, k, t, self.obs_size), jnp.float32),
                resets=jnp.ones((b, k, t), bool),
                carries=jax.tree_util.tree_map(lambda leaf: jnp.stack([leaf] * k, axis=1), carry),
            )
        learner = Learner(params, self.optimizer.init(params), key, jnp.int32(0))
        actor = Actor(env_state, obs, jnp.ones(self.rows, bool), mask, critic_obs, carry, past)
        return TrainState(learner, actor)

    # One update: rollout, advantages, epochs of minibatch steps

    def rollout(self, params, actor: Actor, key: jax.Array) -> tuple[Actor, Transition, jax.Array]:
        def env_step(actor: Actor, step_key: jax.Array):
            carry, logits, value = self.policy.apply(
                params, actor.carry, actor.obs, actor.reset, actor.critic_obs, method="step"
            )
            action = sample_action(logits, actor.action_mask, step_key)
            action_log_prob = log_prob(logits, actor.action_mask, action)
            env_state, ts = self.env.step(actor.env_state, self.act_on(action))
            next_obs, next_mask, next_critic_obs = self.observe(ts)
            final_obs = self.encode_rows(ts.info["final_obs"])
            final_critic_obs = self.critic_input(ts.info["final_info"])
            # The ended episode's last observation continues that episode's memory: no reset.
            no_reset = jnp.zeros_like(actor.reset)
            _, _, final_value = self.policy.apply(params, carry, final_obs, no_reset, final_critic_obs, method="step")
            episode = ts.info["episode"]
            done = self.per_row(episode["done"])
            transition = Transition(
                obs=actor.obs,
                reset=actor.reset,
                action_mask=actor.action_mask,
                critic_obs=actor.critic_obs,
                action=action,
                log_prob=action_log_prob,
                value=value,
                reward=self.rows_of(ts.reward).astype(jnp.float32) * self.config.reward_scale,
                terminated=self.per_row(ts.terminated),
                truncated=self.per_row(ts.truncated),
                final_value=final_value,
                episode_return=jnp.where(done, self.rows_of(episode["return"]), 0.0).astype(jnp.float32),
                episode_length=jnp.where(done, self.per_row(episode["length"]), 0),
                episode_done=done,
                outcomes={
                    name: done & self.per_row(ts.info["final_info"][name].astype(bool)) for name in self.outcomes
                },
            )
            next_actor = actor.replace(
                env_state=env_state,
                obs=next_obs,
                reset=self.per_row(ts.done),
                action_mask=next_mask,
                critic_obs=next_critic_obs,
                carry=carry,
            )
            return next_actor, transition

        keys = jax.random.split(key, self.config.rollout_length)
        actor, transitions = jax.lax.scan(env_step, actor, keys)
        _, _, last_value = self.policy.apply(params, actor.carry, actor.obs, actor.reset, actor.critic_obs, method="step")
        return actor, transitions, last_value

    def advantages(self, transitions: Transition, last_value: jax.Array) -> jax.Array:
        """GAE: bootstrap from the next value, from the final observation's on truncation, from nothing on termination."""
        config = self.config
        next_value = jnp.concatenate([transitions.value[1:], last_value[None]])
        bootstrap = jnp.where(transitions.truncated, transitions.final_value, next_value)
        bootstrap = jnp.where(transitions.terminated, 0.0, bootstrap)
        delta = transitions.reward + config.gamma * bootstrap - transitions.value
        continues = 1.0 - (transitions.terminated | transitions.truncated).astype(jnp.float32)

        def backward(following: jax.Array, step: tuple[jax.Array, jax.Array]):
            delta_t, continues_t = step
            advantage = delta_t + config.gamma * config.gae_lambda * continues_t * following
            return advantage, advantage

        _, advantage = jax.lax.scan(backward, jnp.zeros_like(last_value), (delta, continues), reverse=True)
        return advantage

    def loss(self, params, batch: Batch) -> tuple[jax.Array, dict[str, jax.Array]]:
        config = self.config
        _, logits, values = self.policy.apply(params, batch.carry, batch.obs, batch.resets, batch.critic_obs)
        logits = jax.tree_util.tree_map(lambda leaf: leaf[-config.rollout_length :], logits)
        values = values[-config.rollout_length :]
        log_ratio = log_prob(logits, batch.action_mask, batch.action) - batch.log_prob
        ratio = jnp.exp(log_ratio)
        advantage = (batch.advantage - batch.advantage.mean()) / (batch.advantage.std() + 1e-8)
        clipped_ratio = jnp.clip(ratio, 1.0 - config.clip_eps, 1.0 + config.clip_eps)
        policy_loss = -jnp.minimum(ratio * advantage, clipped_ratio * advantage).mean()
        clipped_values = batch.value + jnp.clip(values - batch.value, -config.clip_eps, config.clip_eps)
        value_loss = 0.5 * jnp.maximum((values - batch.target) ** 2, (clipped_values - batch.target) ** 2).mean()
        mean_entropy = entropy(logits, batch.action_mask).mean()
        total = policy_loss + config.value_coef * value_loss - config.entropy_coef * mean_entropy
        diagnostics = {
            "policy_loss": policy_loss,
            "value_loss": value_loss,
            "entropy": mean_entropy,
            "approx_kl": ((ratio - 1.0) - log_ratio).mean(),
            "clip_fraction": (jnp.abs(ratio - 1.0) > config.clip_eps).mean(),
        }
        return total, diagnostics

    def training_batch(self, actor_before: Actor, transitions: Transition, advantage: jax.Array) -> Batch:
        obs, resets, carry = transitions.obs, transitions.reset, actor_before.carry
        critic_obs = transitions.critic_obs
        past = actor_before.past
        if past is not None:
            k, t = self.config.replay_rollouts, self.config.rollout_length
            past_obs = jnp.moveaxis(past.obs.reshape(self.rows, k * t, -1), 0, 1)
            past_resets = jnp.moveaxis(past.resets.reshape(self.rows, k * t), 0, 1)
            obs = jnp.concatenate([past_obs, obs])
            resets = jnp.concatenate([past_resets, resets])
            carry = jax.tree_util.tree_map(lambda leaf: leaf[:, 0], past.carries)
            if critic_obs is not None:
                # The memoryless critic's values on the replayed window are discarded by the loss.
                critic_obs = jnp.concatenate([jnp.zeros((k * t, *critic_obs.shape[1:]), critic_obs.dtype), critic_obs])
        return Batch(
            carry=carry,
            obs=obs,
            resets=resets,
            critic_obs=critic_obs,
            action_mask=transitions.action_mask,
            action=transitions.action,
            log_prob=transitions.log_prob,
            value=transitions.value,
            advantage=advantage,
            target=advantage + transitions.value,
        )

    def learn(self, learner: Learner, batch: Batch, key: jax.Array) -> tuple[Learner, dict[str, jax.Array]]:
        config = self.config
        rows_per_minibatch = self.rows // config.num_minibatches

        def minibatch_step(learner: Learner, row_indices: jax.Array):
            minibatch = Batch(
                carry=jax.tree_util.tree_map(lambda leaf: leaf[row_indices], batch.carry),
                critic_obs=None if batch.critic_obs is None else batch.critic_obs[:, row_indices],
                **{
                    name: getattr(batch, name)[:, row_indices]
                    for name in ("obs", "resets", "action_mask", "action", "log_prob", "value", "advantage", "target")
                },
            )
            grads, diagnostics = jax.grad(self.loss, has_aux=True)(learner.params, minibatch)
            updates, opt_state = self.optimizer.update(grads, learner.opt_state, learner.params)
            params = optax.apply_updates(learner.params, updates)
            return learner.replace(params=params, opt_state=opt_state), diagnostics

        def epoch(learner: Learner, epoch_key: jax.Array):
            order = jax.random.permutation(epoch_key, self.rows)
            return jax.lax.scan(minibatch_step, learner, order.reshape(config.num_minibatches, rows_per_minibatch))

        learner, diagnostics = jax.lax.scan(epoch, learner, jax.random.split(key, config.num_epochs))
        return learner, jax.tree_util.tree_map(jnp.mean, diagnostics)

    def update(self, state: TrainState) -> tuple[TrainState, dict[str, jax.Array]]:
        learner, actor_before = state.learner, state.actor
        key, rollout_key, learn_key = jax.random.split(learner.key, 3)
        actor, transitions, last_value = self.rollout(learner.params, actor_before, rollout_key)
        advantage = self.advantages(transitions, last_value)
        batch = self.training_batch(actor_before, transitions, advantage)
        learner, diagnostics = self.learn(learner.replace(key=key), batch, learn_key)
        if actor.past is not None:
            actor = actor.replace(past=self.remember(actor.past, actor_before.carry, transitions))
        # Every agent's row reports its environment's episode: per environment, returns add up over the
        # agents (the team's return), lengths and counts do not.
        per_env = 1.0 / self.num_agents
        metrics = {
            **diagnostics,
            "episode_return_sum": transitions.episode_return.sum(),
            "episode_length_sum": transitions.episode_length.sum() * per_env,
            "episodes": transitions.episode_done.sum() * per_env,
            **{f"{name}_sum": won.sum() * per_env for name, won in transitions.outcomes.items()},
        }
        return TrainState(learner.replace(updates=learner.updates + 1), actor), metrics

    @staticmethod
    def remember(past: Past, carry: Any, transitions: Transition) -> Past:
        """Slides the replay window by one rollout: drops the oldest, appends the one just trained on."""

        def push(history: jax.Array, newest: jax.Array) -> jax.Array:
            return jnp.concatenate([history[:, 1:], newest[:, None]], axis=1)

        return Past(
            obs=push(past.obs, jnp.moveaxis(transitions.obs, 0, 1)),
            resets=push(past.resets, jnp.moveaxis(transitions.reset, 0, 1)),
            carries=jax.tree_util.tree_map(push, past.carries, carry),
        )

    def chunk(self, state: TrainState) -> tuple[TrainState, dict[str, jax.Array]]:
        """`updates_per_chunk` updates; loss diagnostics averaged over them, episode statistics summed."""
        state, metrics = jax.lax.scan(lambda s, _: self.update(s), state, None, length=self.config.updates_per_chunk)
        summed = ("episode_return_sum", "episode_length_sum", "episodes", *(f"{name}_sum" for name in OUTCOMES))
        return state, {name: value.sum() if name in summed else value.mean() for name, value in metrics.items()}


# Seeds, devices and the jitted functions


def state_shardings(state: Any, mesh: Mesh) -> Any:
    """The learner replicated on every device; the actor's environments split over the mesh (after the seed axis)."""
    replicated = NamedSharding(mesh, PartitionSpec())
    by_env = NamedSharding(mesh, PartitionSpec(None, ENV_AXIS))
    return TrainState(
        learner=jax.tree_util.tree_map(lambda _: replicated, state.learner),
        actor=jax.tree_util.tree_map(lambda _: by_env, state.actor),
    )


@dataclass
class Trainer:
    """The jitted, seed-vmapped, device-sharded `init` and `chunk` of a config."""

    config: PPOConfig
    devices: list[Any] | None = None
    env: Environment | None = None
    """Trained instead of the registered `config.env_id` when given (see `make_env`)."""

    def __post_init__(self):
        self.ppo = PPO(self.config, self.env)
        devices = list(self.devices or jax.devices())
        if self.config.num_envs % len(devices):
            raise ValueError(
                f"num_envs ({self.config.num_envs}) must be a multiple of the number of devices ({len(devices)}),"
                " which share the environments"
            )
        self.mesh = Mesh(np.array(devices), (ENV_AXIS,))
        keys = self.seed_keys()
        abstract = jax.eval_shape(jax.vmap(self.ppo.init), keys)
        self.shardings = state_shardings(abstract, self.mesh)
        self.abstract_state = jax.tree_util.tree_map(
            lambda leaf, sharding: jax.ShapeDtypeStruct(leaf.shape, leaf.dtype, sharding=sharding),
            abstract,
            self.shardings,
        )
        replicated = NamedSharding(self.mesh, PartitionSpec())
        self._init = jax.jit(jax.vmap(self.ppo.init), out_shardings=self.shardings)
        self._chunk = jax.jit(
            jax.vmap(self.ppo.chunk),
            in_shardings=(self.shardings,),
            out_shardings=(self.shardings, replicated),
            donate_argnums=0,
        )

    def seed_keys(self) -> jax.Array:
        return jnp.stack([jax.random.PRNGKey(seed) for seed in self.config.seeds])

    def init(self) -> TrainState:
        return self._init(jax.device_put(self.seed_keys(), NamedSharding(self.mesh, PartitionSpec())))

    def chunk(self, state: TrainState) -> tuple[TrainState, dict[str, np.ndarray]]:
        state, metrics = self._chunk(state)
        return state, jax.device_get(metrics)


# The Python loop: progress, metrics, checkpoints, resume


@dataclass
class TrainResult:
    state: TrainState
    """The final training state; `state.learner.params` has a leading seed axis."""
    chunks_run: int
    """Chunks run by this call (fewer than `config.num_chunks` when it resumed)."""


def seed_config(config: PPOConfig, seed: int) -> dict[str, Any]:
    """The `config.json` of one seed's folder: what `arenax score` reads, plus every hyperparameter."""
    return {
        "algorithm": config.algorithm,
        "env_id": config.env_id,
        "backbone": config.backbone,
        "seed": seed,
        "total_timesteps": config.num_updates * config.steps_per_update,
        "ppo": config.to_dict(),
    }


def chunk_records(config: PPOConfig, chunk_index: int, metrics: dict[str, np.ndarray], seconds: float) -> list[dict]:
    """One metrics line per seed for the chunk just run (`chunk_index` counts from 1)."""
    updates = chunk_index * config.updates_per_chunk
    records = []
    for i in range(config.num_seeds):
        episodes = int(round(float(metrics["episodes"][i])))
        records.append(
            {
                "step": updates * config.steps_per_update,
                "update": updates,
                "chunk": chunk_index,
                "episode_return": _per_episode(metrics["episode_return_sum"][i], episodes),
                "episode_length": _per_episode(metrics["episode_length_sum"][i], episodes),
                "episodes": episodes,
                **{name: float(metrics[name][i]) for name in LOSS_DIAGNOSTICS},
                **{
                    f"{name}_rate": _per_episode(metrics[f"{name}_sum"][i], episodes)
                    for name in OUTCOMES
                    if f"{name}_sum" in metrics
                },
                "steps_per_second": config.updates_per_chunk * config.steps_per_update * config.num_seeds / seconds,
            }
        )
    return records


def _per_episode(total: float, episodes: int) -> float | None:
    return float(total) / episodes if episodes else None


def train(
    config: PPOConfig,
    out: str | Path | None = None,
    *,
    progress: bool = False,
    devices: list[Any] | None = None,
    on_chunk: Callable[[int, list[dict]], None] | None = None,
    env: Environment | None = None,
) -> TrainResult:
    """Trains `config.num_seeds` seeds at once; with `out`, logs to and resumes from that run folder.

    The folder holds `<seed>/config.json`, `<seed>/metrics.jsonl` and
    `checkpoints/`. A run restarted on a folder with a checkpoint continues
    from it, drops any metrics lines written after it, and ends exactly as an
    uninterrupted run would. `on_chunk(chunk_index, records)` is called after
    each chunk with that chunk's metrics lines (one per seed). `env` replaces
    the registered `config.env_id` (see `make_env`).
    """
    trainer = Trainer(config, devices, env)
    run_folders = [Path(out) / str(seed) for seed in config.seeds] if out is not None else []
    checkpointer = Checkpointer(Path(out) / "checkpoints") if out is not None else None
    state, done_chunks = None, 0
    if out is not None:
        _check_same_run(run_folders, config)
        done_chunks = checkpointer.latest_step() or 0
        if done_chunks:
            state = checkpointer.restore(done_chunks, trainer.abstract_state)
        for seed, folder in zip(config.seeds, run_folders):
            run_log.write_config(folder, seed_config(config, seed))
            last_step = done_chunks * config.updates_per_chunk * config.steps_per_update
            run_log.keep_metrics(folder, [r for r in run_log.read_metrics(folder) if r["step"] <= last_step])
    if state is None:
        state = trainer.init()
    try:
        with _ProgressBar(progress, config, done_chunks) as advance:
            for chunk_index in range(done_chunks + 1, config.num_chunks + 1):
                started = time.perf_counter()
                state, metrics = trainer.chunk(state)
                records = chunk_records(config, chunk_index, metrics, time.perf_counter() - started)
                for folder, record in zip(run_folders, records):
                    run_log.append_metrics(folder, record)
                if checkpointer is not None and (
                    chunk_index % config.checkpoint_every == 0 or chunk_index == config.num_chunks
                ):
                    checkpointer.save(chunk_index, state)
                if on_chunk is not None:
                    on_chunk(chunk_index, records)
                advance(records)
    finally:
        if checkpointer is not None:
            checkpointer.close()
    return TrainResult(state, config.num_chunks - done_chunks)


def _check_same_run(run_folders: list[Path], config: PPOConfig) -> None:
    for seed, folder in zip(config.seeds, run_folders):
        existing = run_log.read_config(folder)
        if existing is not None:
            # Fields added to PPOConfig after a run was saved count as their defaults.
            existing = {**existing, "ppo": {**PPOConfig().to_dict(), **existing.get("ppo", {})}}
        if existing is not None and existing != seed_config(config, seed):
            wanted = seed_config(config, seed)["ppo"]
            differences = {k: (existing.get("ppo", {}).get(k), v) for k, v in wanted.items() if existing.get("ppo", {}).get(k) != v}
            raise ValueError(
                f"{folder} holds a run with another configuration (saved vs requested: {differences});"
                " choose another output folder to start a new run"
            )


class _ProgressBar:
    """A rich progress bar over chunks showing the mean return over seeds, or nothing when disabled."""

    def __init__(self, enabled: bool, config: PPOConfig, done_chunks: int):
        self.enabled, self.config, self.done_chunks = enabled, config, done_chunks

    def __enter__(self) -> Callable[[list[dict]], None]:
        if not self.enabled:
            return lambda records: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        config = self.config
        self.progress = Progress(
            TextColumn(f"ppo {config.env_id} {config.backbone}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("return {task.fields[episode_return]}"),
            TimeRemainingColumn(),
        )
        self.progress.__enter__()
        task = self.progress.add_task("train", total=config.num_chunks, completed=self.done_chunks, episode_return="-")

        def advance(records: list[dict]) -> None:
            returns = [r["episode_return"] for r in records if r["episode_return"] is not None]
            shown = f"{np.mean(returns):.2f}" if returns else "-"
            self.progress.update(task, advance=1, episode_return=shown)

        return advance

    def __exit__(self, *exc_info) -> None:
        if self.enabled:
            self.progress.__exit__(*exc_info)


def evaluate(config: PPOConfig, params: Any, num_steps: int, *, greedy: bool = True, seed: int = 0) -> np.ndarray:
    """Mean return of the episodes that `params` (one set per seed) finish in `num_steps` steps of `config.num_envs` environments.

    `greedy` acts on the most likely allowed action (a Gaussian's mean) instead of sampling. One
    value per seed; NaN for a seed none of whose episodes finished. For a
    multi-agent environment the return is the team's: the sum over its agents.
    """
    return evaluate_episodes(config, params, num_steps, greedy=greedy, seed=seed)["episode_return"]


def evaluate_episodes(
    config: PPOConfig, params: Any, num_steps: int, *, greedy: bool = True, seed: int = 0
) -> dict[str, np.ndarray]:
    """Like `evaluate`, with the outcome rates too: `episode_return`, `episodes`, and `<outcome>_rate` per seed."""
    ppo = PPO(config)

    def run(params: Any, key: jax.Array) -> dict[str, jax.Array]:
        env_key, key = jax.random.split(key)
        env_state, ts = ppo.env.reset(env_key)
        obs, mask, critic_obs = ppo.observe(ts)
        start = (env_state, obs, jnp.ones(ppo.rows, bool), mask, critic_obs, ppo.policy.initialize_carry(ppo.rows))

        def env_step(acting, step_key):
            env_state, obs, reset, mask, critic_obs, carry = acting
            carry, logits, _ = ppo.policy.apply(params, carry, obs, reset, critic_obs, method="step")
            action = greedy_action(logits, mask) if greedy else sample_action(logits, mask, step_key)
            env_state, ts = ppo.env.step(env_state, ppo.act_on(action))
            next_obs, next_mask, next_critic_obs = ppo.observe(ts)
            episode = ts.info["episode"]
            done = ppo.per_row(episode["done"])
            finished = {
                "episode_return": jnp.where(done, ppo.rows_of(episode["return"]), 0.0).sum(),
                "episodes": done.sum(),
                **{name: (done & ppo.per_row(ts.info["final_info"][name].astype(bool))).sum() for name in ppo.outcomes},
            }
            return (env_state, next_obs, ppo.per_row(ts.done), next_mask, next_critic_obs, carry), finished

        _, totals = jax.lax.scan(env_step, start, jax.random.split(key, num_steps))
        episodes = totals["episodes"].sum() / ppo.num_agents
        results = {"episode_return": totals["episode_return"].sum() / episodes, "episodes": episodes}
        results.update({f"{name}_rate": totals[name].sum() / ppo.num_agents / episodes for name in ppo.outcomes})
        return results

    keys = jax.random.split(jax.random.PRNGKey(seed), config.num_seeds)
    return {name: np.asarray(value) for name, value in jax.jit(jax.vmap(run))(params, keys).items()}


def restore(out: str | Path) -> tuple[PPOConfig, ActorCritic, TrainState]:
    """The configuration, network and latest training state of the run folder `out` (params have a seed axis)."""
    out = Path(out)
    folders = sorted(p for p in out.iterdir() if (p / run_log.CONFIG_FILE).exists()) if out.is_dir() else []
    if not folders:
        raise FileNotFoundError(f"{out} holds no PPO run (no <seed>/{run_log.CONFIG_FILE})")
    config = PPOConfig(**run_log.read_config(folders[0])["ppo"])
    config = dataclasses.replace(config, seed=min(run_log.read_config(f)["seed"] for f in folders))
    checkpointer = Checkpointer(out / "checkpoints")
    try:
        step = checkpointer.latest_step()
        if step is None:
            raise FileNotFoundError(f"{out} has no checkpoint yet")
        trainer = Trainer(config, jax.devices()[:1])
        return config, trainer.ppo.policy, checkpointer.restore(step, trainer.abstract_state)
    finally:
        checkpointer.close()

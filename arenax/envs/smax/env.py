"""SMAX: a vectorised StarCraft-lite battle between two teams of units, after SMAC and JaxMARL's SMAX."""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from gymnasium import spaces

from arenax.core import Environment, TimeStep
from arenax.envs.smax import policies, rounding
from arenax.envs.smax.render import draw_battle
from arenax.envs.smax.scenarios import draw_start, get_scenario
from arenax.envs.smax.types import (
    DEFAULT_SHIELD,
    DEFAULT_SPLASH_RADIUS,
    FIRST_TARGET,
    HEALER,
    MOVE_DIRECTIONS,
    NOOP,
    NUM_UNIT_TYPES,
    OPPONENT_LEVELS,
    STOP,
    SUICIDE,
    SMAXParams,
    SMAXState,
)

class SMAX(Environment[SMAXState, SMAXParams]):
    """A SMAC-like battle: the agents control one team, the built-in heuristic AI (or more agents) the other.

    Constructor: `scenario` (a SMAC map such as "3m" or a procedural
    "v2-<race>-<n>v<m>", see `scenarios.get_scenario`), `self_play` (both
    teams are agents: `ally_*` then `enemy_*`), `opponent` (the heuristic's
    level in `OPPONENT_LEVELS`, the default of `params.opponent_level`) and
    `max_steps` (default: the scenario's SMAC episode limit).

    Actions (`Discrete(10 + T)`, T = the larger team's size): 0 no-op (the
    only action of a dead unit), 1 stop, 2..9 move N, NE, E, SE, S, SW, W, NW,
    10 + j attack enemy j (a healer instead heals ally j of its own team). A
    unit that attacks does not move; its weapon fires as many times as its
    cooldown allows within the step's `time_per_step` seconds. An attack on a
    dead, absent or out-of-range target is a stop, counted in
    `info["invalid_attacks"]`; `info["action_mask"]` forbids it.

    Observation of each agent (`Box(-1, 1)`, zeros while the agent is dead):
    its own health, [shield,] weapon cooldown, x, y, [unit type one-hot]; then
    for each other unit of its team and each enemy, in a fixed order:
    visible, distance, relative x, relative y (divided by its sight range),
    health, [shield,] cooldown, last move (dx, dy), attacked last step,
    [unit type one-hot]; a unit out of sight (or dead) is all zeros. As in
    SMAC, the shield column appears only when the scenario has shielded types
    and the one-hot only when it has more than one type. In self-play both
    teams use one layout padded to the larger team.

    Reward (SMAC's shaped team reward): damage dealt to enemy health and
    shields, plus `reward_kill_bonus` per kill and `reward_win_bonus` for a
    win, divided by the most a team can earn, so that a flawless win's team
    return is 1; every agent of the team receives an equal share (1/n), so
    the team's return is the sum over its agents, which the Gymnasium view
    reports. `terminated` when a team is wiped out, `truncated` at
    `params.max_steps`.

    Info: `action_mask [agents, actions]`; `world_state` (one vector per
    environment for centralised critics: every unit's alive flag, health,
    [shield,] cooldown, x, y, last move, attacked flag, [type one-hot], plus
    the elapsed fraction of the episode; a critic that wants it per agent
    appends the agent's id); `won`, `lost`, `draw` (set on the step that ends
    the episode, from the first team's side: a draw is a time-out or both
    teams dying together); `invalid_attacks [agents]` (1 where the agent's
    attack this step was a no-op).
    """

    def __init__(
        self,
        scenario: str = "3m",
        self_play: bool = False,
        opponent: str = "medium",
        max_steps: int | None = None,
    ):
        if opponent not in OPPONENT_LEVELS:
            raise ValueError(f"SMAX opponent must be one of {OPPONENT_LEVELS}, got {opponent!r}")
        if max_steps is not None and (not isinstance(max_steps, (int, np.integer)) or max_steps < 1):
            raise ValueError(f"SMAX max_steps must be a positive integer, got {max_steps!r}")
        self.scenario = get_scenario(scenario)
        self.self_play = bool(self_play)
        self.opponent = opponent
        self.max_steps = int(max_steps) if max_steps is not None else self.scenario.episode_limit
        n_a, n_e = self.scenario.num_allies, self.scenario.num_enemies
        self.num_allies, self.num_enemies, self.num_units = n_a, n_e, n_a + n_e
        self.num_targets = max(n_a, n_e)
        self.num_actions = FIRST_TARGET + self.num_targets
        names = [f"ally_{i}" for i in range(n_a)] + ([f"enemy_{i}" for i in range(n_e)] if self_play else [])
        self.agents = tuple(names)
        self._build_tables()
        self.single_agent_observation_space = spaces.Box(-1.0, 1.0, (self.obs_size,), np.float32)
        self.single_agent_action_space = spaces.Discrete(self.num_actions)

    def _build_tables(self) -> None:
        """Static tables: the unit each target slot names, per unit, and the observation layout's sizes."""
        n_a, n_units = self.num_allies, self.num_units
        team = np.arange(n_units) >= n_a
        members = [np.arange(n_a), np.arange(n_a, n_units)]
        self.team = team
        self.enemy_table = np.full((n_units, self.num_targets), -1, np.int32)
        self.ally_table = np.full((n_units, self.num_targets), -1, np.int32)
        for unit in range(n_units):
            mine, theirs = members[int(team[unit])], members[1 - int(team[unit])]
            self.enemy_table[unit, : len(theirs)] = theirs
            self.ally_table[unit, : len(mine)] = np.where(mine == unit, -1, mine)
        self.ally_slots = (self.num_targets if self.self_play else n_a) - 1
        self.enemy_slots = self.num_targets if self.self_play else self.num_enemies
        first, second = slice(0, n_a), slice(n_a, n_units)
        # (own units, enemy units, team size) of each team of agents, in agent order
        self.agent_teams = [(first, second, n_a)] + ([(second, first, self.num_enemies)] if self.self_play else [])
        types = self.scenario.possible_types
        self.type_columns = types if len(types) > 1 else types[:0]
        self.has_shields = bool(np.any(DEFAULT_SHIELD[types] > 0))
        self.has_splash = bool(np.any(DEFAULT_SPLASH_RADIUS[types] > 0))
        self.has_healers = bool(np.any(HEALER[types]))
        self.has_suicide = bool(np.any(SUICIDE[types]))
        type_bits = len(self.type_columns)
        self.unit_feature_size = 9 + int(self.has_shields) + type_bits
        self.own_feature_size = 4 + int(self.has_shields) + type_bits
        self.obs_size = self.own_feature_size + (self.ally_slots + self.enemy_slots) * self.unit_feature_size
        self.world_state_size = n_units * (8 + int(self.has_shields) + type_bits) + 1

    @property
    def default_params(self) -> SMAXParams:
        return SMAXParams(max_steps=self.max_steps, opponent_level=OPPONENT_LEVELS.index(self.opponent))

    def check_params(self, params: SMAXParams) -> None:
        if not isinstance(params, SMAXParams):
            raise ValueError(f"SMAX takes SMAXParams, got {type(params).__name__}")
        for name in ("unit_health", "unit_shield", "unit_damage", "unit_cooldown", "unit_attack_range",
                     "unit_sight_range", "unit_speed", "unit_radius", "unit_splash_radius"):
            value = np.asarray(getattr(params, name))
            if value.shape != (NUM_UNIT_TYPES,):
                raise ValueError(f"SMAXParams.{name} must have shape ({NUM_UNIT_TYPES},) (one per unit type), got {value.shape}")
            if np.any(value < 0) or not np.all(np.isfinite(value)):
                raise ValueError(f"SMAXParams.{name} must be finite and non-negative, got {value}")
        for name in ("unit_health", "unit_cooldown", "unit_sight_range"):
            if np.any(np.asarray(getattr(params, name)) <= 0):
                raise ValueError(f"SMAXParams.{name} must be positive for every unit type")
        if float(params.time_per_step) <= 0:
            raise ValueError(f"SMAXParams.time_per_step must be positive, got {params.time_per_step}")
        if float(params.map_width) < 8 or float(params.map_height) < 8:
            raise ValueError(f"SMAX maps must be at least 8 x 8, got {params.map_width} x {params.map_height}")
        if int(params.max_steps) < 1:
            raise ValueError(f"SMAXParams.max_steps must be at least 1, got {params.max_steps}")
        if not 0 <= int(params.opponent_level) < len(OPPONENT_LEVELS):
            raise ValueError(f"SMAXParams.opponent_level must index {OPPONENT_LEVELS}, got {params.opponent_level}")
        if not 0.0 <= float(params.opponent_idle_probability) <= 1.0:
            raise ValueError(f"SMAXParams.opponent_idle_probability must lie in [0, 1], got {params.opponent_idle_probability}")

    # ----------------------------------------------------------------- reset and step

    def reset_env(self, key: jax.Array, params: SMAXParams) -> tuple[SMAXState, TimeStep]:
        unit_type, position = draw_start(key, self.scenario, params.map_width, params.map_height)
        n = self.num_units
        state = SMAXState(
            key=key,
            params=params,
            time=jnp.int32(0),
            position=position,
            health=params.unit_health[unit_type],
            shield=params.unit_shield[unit_type],
            cooldown=jnp.zeros(n, jnp.float32),
            unit_type=unit_type,
            last_action=jnp.full(n, STOP, jnp.int8),
        )
        outcome = jnp.bool_(False)
        info = self._info(state, outcome, outcome, outcome, jnp.zeros(len(self.agents), jnp.int32))
        return state, TimeStep(self._observe(state), self.zero_reward(), outcome, outcome, info)

    def step_env(self, key: jax.Array, state: SMAXState, action: jax.Array, params: SMAXParams):
        action = jnp.asarray(action).astype(jnp.int32)
        if not self.self_play:
            opponent = policies.heuristic_actions(state, params.opponent_level, 1, self.num_allies, self.has_healers)
            action = jnp.concatenate([action, opponent])
        unit_type = state.unit_type
        alive = state.health > 0
        dt = params.time_per_step

        # attacks (and heals), resolved together from the positions at the start of the step
        slot = action - FIRST_TARGET
        wants_target = alive & (slot >= 0) & (slot < self.num_targets)
        safe_slot = jnp.clip(slot, 0, self.num_targets - 1)
        healer = jnp.asarray(HEALER)[unit_type] if self.has_healers else jnp.zeros(self.num_units, bool)
        table = jnp.where(healer[:, None], jnp.asarray(self.ally_table), jnp.asarray(self.enemy_table))
        target = jnp.take_along_axis(table, safe_slot[:, None], axis=1)[:, 0]
        safe_target = jnp.maximum(target, 0)
        to_target = state.position[safe_target] - state.position
        target_distance = rounding.distance(to_target[:, 0], to_target[:, 1])
        attacking = (
            wants_target
            & (target >= 0)
            & alive[safe_target]
            & (target_distance <= params.unit_attack_range[unit_type])
        )
        invalid_attack = alive & (action >= FIRST_TARGET) & ~attacking
        reload = params.unit_cooldown[unit_type]
        ready = attacking & (state.cooldown <= dt)
        shots = jnp.where(ready, jnp.floor((dt - state.cooldown) / reload) + 1.0, 0.0)
        if self.has_suicide:
            shots = jnp.where(jnp.asarray(SUICIDE)[unit_type], jnp.minimum(shots, 1.0), shots)
        cooldown = jnp.where(
            ready, state.cooldown + rounding.rounded_product(shots, reload) - dt, jnp.maximum(state.cooldown - dt, 0.0)
        )
        amount = rounding.rounded_product(shots, params.unit_damage[unit_type])
        units = jnp.arange(self.num_units)
        hit = safe_target[:, None] == units[None, :]
        if self.has_splash:
            splash = params.unit_splash_radius[unit_type]
            around_target = state.position[safe_target][:, None, :] - state.position[None, :, :]
            near = rounding.distance(around_target[..., 0], around_target[..., 1]) <= splash[:, None]
            opposing = jnp.asarray(self.team)[:, None] != jnp.asarray(self.team)[None, :]
            hit = hit | (near & opposing & alive[None, :] & (splash > 0)[:, None])
        # every attacker's amount (a rounded product, see `rounding`) on every unit it hits, summed over attackers
        damage = jnp.sum(jnp.where(hit & ~healer[:, None], amount[:, None], 0.0), axis=0)
        absorbed = jnp.minimum(state.shield, damage)
        health = jnp.maximum(state.health - (damage - absorbed), 0.0)
        if self.has_suicide:
            health = jnp.where(jnp.asarray(SUICIDE)[unit_type] & (shots > 0), 0.0, health)
        max_health = params.unit_health[unit_type]
        if self.has_healers:
            heal = jnp.sum(jnp.where(hit & healer[:, None], amount[:, None], 0.0), axis=0)
            health = jnp.where(health > 0, jnp.minimum(health + heal, max_health), 0.0)
        shield = state.shield - absorbed
        max_shield = params.unit_shield[unit_type]
        regen = rounding.rounded_product(params.shield_regen, dt)
        shield = jnp.where(damage > 0, shield, jnp.minimum(shield + regen, max_shield))
        shield = jnp.where(health > 0, shield, 0.0)

        # movement of living units that chose a move, then units pushed apart where they overlap
        moving = alive & (action >= 2) & (action < FIRST_TARGET)
        direction = jnp.asarray(MOVE_DIRECTIONS)[jnp.clip(action - 2, 0, 7)]
        stride = rounding.rounded_product(direction, (params.unit_speed[unit_type] * dt)[:, None])
        step = jnp.where(moving[:, None], stride, 0.0)
        bounds = jnp.stack([params.map_width, params.map_height])
        position = jnp.clip(state.position + step, 0.0, bounds)
        position = self._push_apart(position, health > 0, params.unit_radius[unit_type], params.unit_speed[unit_type] > 0)
        position = jnp.clip(position, 0.0, bounds)

        carried = jnp.where(attacking, action, jnp.where(moving, action, jnp.where(alive, STOP, NOOP)))
        new_state = state.replace(
            time=state.time + 1,
            position=position,
            health=health,
            shield=shield,
            cooldown=cooldown,
            last_action=carried.astype(jnp.int8),
        )

        now_alive = health > 0
        first_alive = jnp.any(now_alive[: self.num_allies])
        second_alive = jnp.any(now_alive[self.num_allies :])
        terminated = ~(first_alive & second_alive)
        truncated = (new_state.time >= params.max_steps) & ~terminated
        won = first_alive & ~second_alive
        lost = second_alive & ~first_alive
        draw = (terminated & ~first_alive & ~second_alive) | truncated

        lost_durability = jnp.maximum(state.health + state.shield - health - shield, 0.0)
        kills = (alive & ~now_alive).astype(jnp.float32)
        rewards = [self._team_reward(params, unit_type, lost_durability, kills, won, 1)]
        if self.self_play:
            rewards.append(self._team_reward(params, unit_type, lost_durability, kills, lost, 0))
        reward = jnp.concatenate(
            [jnp.full((size,), r / size) for r, size in zip(rewards, (self.num_allies, self.num_enemies))]
        ).astype(jnp.float32)

        invalid = invalid_attack[: len(self.agents)].astype(jnp.int32)
        info = self._info(new_state, won, lost, draw, invalid)
        return new_state, TimeStep(self._observe(new_state), reward, terminated, truncated, info)

    def _team_reward(self, params, unit_type, lost_durability, kills, won, enemy_team: int) -> jax.Array:
        """SMAC's reward of the team whose enemies are `enemy_team`, divided by the most it can earn."""
        enemies = slice(self.num_allies, None) if enemy_team == 1 else slice(0, self.num_allies)
        enemy_type = unit_type[enemies]
        most = (
            params.reward_damage_weight * jnp.sum(params.unit_health[enemy_type] + params.unit_shield[enemy_type])
            + params.reward_kill_bonus * enemy_type.shape[0]
            + params.reward_win_bonus
        )
        earned = (
            params.reward_damage_weight * jnp.sum(lost_durability[enemies])
            + params.reward_kill_bonus * jnp.sum(kills[enemies])
            + params.reward_win_bonus * won
        )
        return earned / jnp.maximum(most, 1e-6)

    @staticmethod
    def _push_apart(position, alive, radius, movable) -> jax.Array:
        """One relaxation pass that moves overlapping living units apart (immovable units stay)."""
        # offset[j, i] points from unit j to unit i: the push on unit i sums over the leading axis
        offset = position[None, :, :] - position[:, None, :]
        both = alive[:, None] & alive[None, :] & ~np.eye(position.shape[0], dtype=bool)
        distance = jnp.maximum(rounding.distance(offset[..., 0], offset[..., 1]), 1e-6)
        reach = radius[:, None] + radius[None, :]
        # capped so that nearly coincident units separate by doubling their distance, without dividing by it
        overlap = jnp.where(both, jnp.clip(reach / distance - 1.0, 0.0, 1.0), 0.0)
        push = jnp.sum(rounding.rounded_product(offset, overlap[:, :, None]), axis=0) * 0.5
        return position + jnp.where((alive & movable)[:, None], push, 0.0)

    # ----------------------------------------------------------------- observations and info

    def _unit_features(self, state: SMAXState, alive: jax.Array) -> tuple[jax.Array, jax.Array]:
        """Per-unit features shared by observations and the world state: (status, last action)."""
        params = state.params
        unit_type = state.unit_type
        columns = [state.health / params.unit_health[unit_type]]
        if self.has_shields:
            columns.append(state.shield / jnp.maximum(params.unit_shield[unit_type], 1e-6))
        columns.append(jnp.clip(state.cooldown / params.unit_cooldown[unit_type], 0.0, 1.0))
        status = jnp.stack(columns, axis=-1)
        moved = (state.last_action >= 2) & (state.last_action < FIRST_TARGET)
        move = jnp.where(moved[:, None], jnp.asarray(MOVE_DIRECTIONS)[jnp.clip(state.last_action - 2, 0, 7)], 0.0)
        attacked = (state.last_action >= FIRST_TARGET).astype(jnp.float32)[:, None]
        last = jnp.concatenate([move, attacked, self._type_one_hot(unit_type)], axis=-1)
        status = jnp.where(alive[:, None], status, 0.0)
        return status, jnp.where(alive[:, None], last, 0.0)

    def _type_one_hot(self, unit_type: jax.Array) -> jax.Array:
        return (unit_type[:, None] == jnp.asarray(self.type_columns)[None, :]).astype(jnp.float32)

    def _slots(self, rows: jax.Array) -> jax.Array:
        """`rows[unit, c]` laid out per agent in its observation slots, `[agents, slots, c]` (zeros in empty slots).

        Slots are the other units of the agent's team, then the enemies, each
        part padded to the layout's size; an agent's allies are the team's
        units before it, then those after it (a select between two shifted
        copies, no gather).
        """
        blocks = []
        for mine, theirs, size in self.agent_teams:
            allies, enemies = rows[mine], rows[theirs]
            parts = []
            if size > 1:
                before = np.arange(size - 1)[None, :] < np.arange(size)[:, None]
                parts.append(jnp.where(before[:, :, None], allies[None, :-1], allies[None, 1:]))
            parts.append(jnp.zeros((size, self.ally_slots - (size - 1), rows.shape[1]), rows.dtype))
            parts.append(jnp.broadcast_to(enemies[None], (size, *enemies.shape)))
            parts.append(jnp.zeros((size, self.enemy_slots - enemies.shape[0], rows.shape[1]), rows.dtype))
            blocks.append(jnp.concatenate([part for part in parts if part.shape[1]], axis=1))
        return jnp.concatenate(blocks, axis=0)

    def _observe(self, state: SMAXState) -> jax.Array:
        params = state.params
        alive = state.health > 0
        status, last = self._unit_features(state, alive)
        status = jnp.clip(status, -1.0, 1.0)
        viewers = len(self.agents)
        me_alive = alive[:viewers, None]
        others = self._slots(jnp.concatenate([state.position, alive[:, None].astype(jnp.float32), status, last], axis=-1))
        sight = params.unit_sight_range[state.unit_type[:viewers]]
        relative = (others[..., :2] - state.position[:viewers, None, :]) / sight[:, None, None]
        present = (others[..., 2] > 0) & me_alive
        distance = rounding.distance(relative[..., 0], relative[..., 1])
        visible = present & (distance < 1.0)
        seen = jnp.concatenate([visible[..., None].astype(jnp.float32), distance[..., None], relative, others[..., 3:]], axis=-1)
        seen = jnp.where(visible[..., None], seen, 0.0).reshape(viewers, -1)
        size = jnp.stack([params.map_width, params.map_height])
        own = jnp.concatenate(
            [status[:viewers], state.position[:viewers] / size, self._type_one_hot(state.unit_type[:viewers])], axis=-1
        )
        return jnp.concatenate([jnp.where(me_alive, own, 0.0), seen], axis=-1)

    def action_mask(self, state: SMAXState) -> jax.Array:
        """Allowed actions of every agent `[agents, actions]`: see the class docstring."""
        params = state.params
        viewers = len(self.agents)
        alive = state.health > 0
        unit_type = state.unit_type[:viewers]
        me_alive = alive[:viewers]
        speed = params.unit_speed[unit_type]
        stride = rounding.rounded_product(jnp.asarray(MOVE_DIRECTIONS)[None], (speed * params.time_per_step)[:, None, None])
        ahead = state.position[:viewers, None, :] + stride
        inside = jnp.all((ahead >= 0.0) & (ahead <= jnp.stack([params.map_width, params.map_height])), axis=-1)
        moves = me_alive[:, None] & inside & (speed > 0)[:, None]
        offset = state.position[None, :, :] - state.position[:viewers, None, :]
        both = alive[None, :] & me_alive[:, None]
        distance = rounding.distance(offset[..., 0], offset[..., 1])
        reachable = both & (distance <= params.unit_attack_range[unit_type][:, None])
        targets = self._targets(reachable)
        if self.has_healers:
            healer = jnp.asarray(HEALER)[unit_type]
            targets = jnp.where(healer[:, None], self._targets(reachable, own_team=True), targets)
        return jnp.concatenate([~me_alive[:, None], me_alive[:, None], moves, targets], axis=-1)

    def _targets(self, reachable: jax.Array, own_team: bool = False) -> jax.Array:
        """`reachable[viewer, unit]` rearranged into target slots: the enemies, or (healers) the own team but oneself."""
        rows = []
        for mine, theirs, size in self.agent_teams:
            block = reachable[mine, mine] & ~np.eye(size, dtype=bool) if own_team else reachable[mine, theirs]
            rows.append(_pad_axis1(block, self.num_targets, False))
        return jnp.concatenate(rows, axis=0)

    def world_state(self, state: SMAXState) -> jax.Array:
        """The global state for centralised critics (one vector per environment; see the class docstring)."""
        params = state.params
        alive = state.health > 0
        status, last = self._unit_features(state, alive)
        position = state.position / jnp.stack([params.map_width, params.map_height])
        units = jnp.concatenate([alive[:, None].astype(jnp.float32), status, jnp.where(alive[:, None], position, 0.0), last], axis=-1)
        elapsed = (state.time / params.max_steps).astype(jnp.float32)[None]
        return jnp.concatenate([units.reshape(-1), jnp.minimum(elapsed, 1.0)])

    def _info(self, state, won, lost, draw, invalid) -> dict[str, Any]:
        return {
            "action_mask": self.action_mask(state),
            "world_state": self.world_state(state),
            "won": won,
            "lost": lost,
            "draw": draw,
            "invalid_attacks": invalid,
        }

    # ----------------------------------------------------------------- scripted play and rendering

    def scripted_policies(self) -> dict[str, Callable[[jax.Array, SMAXState, TimeStep], jax.Array]]:
        """`random`, and the heuristic AI at every level for the agents (`heuristic` is the hard level)."""
        found = super().scripted_policies()
        for index, level in enumerate(OPPONENT_LEVELS):
            found[f"heuristic-{level}"] = self._heuristic_policy(index)
        found["heuristic"] = found["heuristic-hard"]
        return found

    def _heuristic_policy(self, level: int):
        def act(key: jax.Array, state: SMAXState, ts: TimeStep | None = None) -> jax.Array:
            teams = (0, 1) if self.self_play else (0,)
            return jnp.concatenate(
                [policies.heuristic_actions(state, jnp.int32(level), team, self.num_allies, self.has_healers) for team in teams]
            )

        return act

    def render(self, state: SMAXState) -> np.ndarray:
        return draw_battle(jax.device_get(state), self.num_allies, self.ally_table, self.enemy_table)

    def __repr__(self) -> str:
        mode = ", self_play=True" if self.self_play else f", opponent={self.opponent!r}"
        return f"SMAX(scenario={self.scenario.name!r}{mode})"


def _pad_axis1(block: jax.Array, size: int, value) -> jax.Array:
    missing = size - block.shape[1]
    if missing == 0:
        return block
    widths = [(0, 0), (0, missing)] + [(0, 0)] * (block.ndim - 2)
    return jnp.pad(block, widths, constant_values=value)

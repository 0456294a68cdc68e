"""Multi-objective route choice (Ramos et al., 2020): drivers pick routes through a congested network, time vs toll."""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.momarl.render import BLACK, canvas, fill, palette


@dataclass(frozen=True)
class Network:
    """A road network with linear link latencies `free_flow + slope * flow / num_agents`.

    `routes[od]` lists the routes of origin-destination pair `od`, each a
    tuple of link indices. With marginal-cost tolling a link's toll is
    `slope * flow / num_agents` (flow times the latency's derivative).
    """

    links: tuple[str, ...]
    free_flow: tuple[float, ...]
    slope: tuple[float, ...]
    routes: tuple[tuple[tuple[int, ...], ...], ...]


NETWORKS = {
    # Braess's paradox (MOMAland's Braess_1_4200_10_c1): links 1-2, 1-3, 2-3, 2-4, 3-4; one pair 1 -> 4.
    "braess": Network(
        links=("1-2", "1-3", "2-3", "2-4", "3-4"),
        free_flow=(0.0, 10.0, 0.0, 10.0, 0.0),
        slope=(10.0, 0.0, 0.0, 0.0, 10.0),
        routes=(((0, 2, 4), (1, 4), (0, 3)),),
    ),
    # Pigou's example: a fixed road of time 10 and a congestible one of time 10 * share.
    "pigou": Network(
        links=("fixed", "congestible"),
        free_flow=(10.0, 0.0),
        slope=(0.0, 10.0),
        routes=(((0,), (1,)),),
    ),
}


@struct.dataclass
class RouteChoiceParams:
    horizon: int = 1
    """Rounds per episode (MOMAland's game is one round, a stateless one-shot game)."""


@struct.dataclass
class RouteChoiceState(EnvState):
    origin_destination: jax.Array
    last_route_rewards: jax.Array


class MORouteChoice(Environment[RouteChoiceState, RouteChoiceParams]):
    """Drivers choose routes at once; travel time and toll on each link grow with the drivers on it.

    A JAX version of MOMAland's `moroute_choice_v0` with marginal-cost
    tolling on its Braess network (links `free_flow + slope * flow / N`).

    Objectives (`reward[n_agents, 2]`, maximised, both in `[-1, 0]`):
    0. minus travel time of the chosen route, each link's latency divided by
       the largest link latency at full flow, summed, divided by the longest
       route's link count (MOMAland's scaling);
    1. minus toll of the chosen route, scaled the same way.
    Known points (Braess, default scaling): everyone on the zero-time bridge
    (the selfish equilibrium without tolls, time 20) scores (-2/3, -2/3); the
    system optimum, half on each outer route (time 15), scores (-1/2, -1/6).
    From the optimum a lone driver switching to the bridge scores (-1/3, -1/3):
    faster but dearer, so each driver faces a real time/toll trade-off.

    Observation (`Box(0, 1, (n_pairs + 2 * max_routes,))`, per agent): one-hot
    origin-destination pair, then last round's scaled time and toll of each
    of the pair's routes (0 in the first round). Actions
    (`Discrete(max_routes)`): the route, masked in `info["action_mask"]` to the
    pair's routes. Terminated after `horizon` rounds. `info["travel_time"]`
    and `info["toll"]` hold each driver's unscaled route time and toll.
    """

    def __init__(self, network: str = "braess", num_agents: int = 100, horizon: int = 1):
        if network not in NETWORKS:
            raise ValueError(f"unknown network {network!r}; choose one of {sorted(NETWORKS)}")
        if num_agents < 2:
            raise ValueError(f"MORouteChoice needs at least 2 drivers, got {num_agents}")
        self.network = NETWORKS[network]
        self._horizon = int(horizon)
        self.agents = tuple(f"agent_{i}" for i in range(num_agents))
        num_links = len(self.network.links)
        self.num_pairs = len(self.network.routes)
        self.max_routes = max(len(routes) for routes in self.network.routes)
        incidence = np.zeros((self.num_pairs, self.max_routes, num_links), np.float32)
        for pair, routes in enumerate(self.network.routes):
            for route, links in enumerate(routes):
                incidence[pair, route, list(links)] = 1.0
        self.incidence = jnp.asarray(incidence)
        self.route_mask = jnp.asarray(incidence.sum(axis=-1) > 0)
        self.free_flow = jnp.asarray(self.network.free_flow, jnp.float32)
        self.slope = jnp.asarray(self.network.slope, jnp.float32)
        self.longest_route = float(incidence.sum(axis=-1).max())
        self.max_link_latency = float(np.max(np.add(self.network.free_flow, self.network.slope)))
        self.max_link_toll = float(max(np.max(self.network.slope), 1e-6))
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (self.num_pairs + 2 * self.max_routes,), np.float32)
        self.single_agent_action_space = spaces.Discrete(self.max_routes)
        self.reward_space = spaces.Box(-1.0, 0.0, (2,), np.float32)

    @property
    def default_params(self) -> RouteChoiceParams:
        return RouteChoiceParams(horizon=self._horizon)

    def check_params(self, params: RouteChoiceParams) -> None:
        if int(params.horizon) < 1:
            raise ValueError(f"MORouteChoice horizon must be at least 1, got {params.horizon}")

    def link_costs(self, link_flow: jax.Array) -> tuple[jax.Array, jax.Array]:
        """Each link's travel time and marginal-cost toll under `link_flow` drivers."""
        share = link_flow / self.num_agents
        return self.free_flow + self.slope * share, self.slope * share

    def _timestep(self, state, reward, terminated, travel_time, toll) -> TimeStep:
        pair_one_hot = jax.nn.one_hot(state.origin_destination, self.num_pairs, dtype=jnp.float32)
        own_routes = state.last_route_rewards[state.origin_destination]
        obs = jnp.concatenate([pair_one_hot, -own_routes.reshape(self.num_agents, -1)], axis=1)
        info = {
            "action_mask": self.route_mask[state.origin_destination],
            "travel_time": travel_time,
            "toll": toll,
        }
        return TimeStep(obs, reward, terminated, jnp.bool_(False), info)

    def reset_env(self, key, params):
        if self.num_pairs == 1:
            pairs = jnp.zeros((self.num_agents,), jnp.int32)
        else:
            pairs = jax.random.randint(key, (self.num_agents,), 0, self.num_pairs)
        state = RouteChoiceState(
            key=key,
            params=params,
            time=jnp.int32(0),
            origin_destination=pairs,
            last_route_rewards=jnp.zeros((self.num_pairs, self.max_routes, 2), jnp.float32),
        )
        zeros = jnp.zeros((self.num_agents,), jnp.float32)
        return state, self._timestep(state, self.zero_reward(), jnp.bool_(False), zeros, zeros)

    def step_env(self, key, state, action, params):
        action = action.astype(jnp.int32)
        valid = self.route_mask[state.origin_destination, action]
        route = jnp.where(valid, action, 0)
        chosen_links = self.incidence[state.origin_destination, route]
        latency, toll = self.link_costs(chosen_links.sum(axis=0))
        route_time = self.incidence @ latency
        route_toll = self.incidence @ toll
        scaled = jnp.stack(
            [
                self.incidence @ (latency / self.max_link_latency),
                self.incidence @ (toll / self.max_link_toll),
            ],
            axis=-1,
        ) / self.longest_route
        scaled = jnp.where(self.route_mask[..., None], -scaled, 0.0)
        reward = scaled[state.origin_destination, route]
        agent_time = route_time[state.origin_destination, route]
        agent_toll = route_toll[state.origin_destination, route]
        state = state.replace(time=state.time + 1, last_route_rewards=scaled)
        terminated = state.time >= params.horizon
        return state, self._timestep(state, reward.astype(jnp.float32), terminated, agent_time, agent_toll)

    def scripted_policies(self):
        policies = super().scripted_policies()

        def fastest_last_round(key, state, ts):
            """Take the route that was fastest last round (ties broken at random), as myopic drivers do."""
            own = state.last_route_rewards[state.origin_destination, :, 0]
            noise = jax.random.uniform(key, own.shape, maxval=1e-3)
            score = jnp.where(self.route_mask[state.origin_destination], own + noise, -jnp.inf)
            return jnp.argmax(score, axis=1).astype(jnp.int32)

        policies["fastest_last_round"] = fastest_last_round
        return policies

    def render(self, state: RouteChoiceState) -> np.ndarray:
        """One bar per route: last round's scaled travel time (left colour) and toll (right colour)."""
        bars = np.asarray(-state.last_route_rewards).reshape(-1, 2)
        colors = palette(2)
        width, height = 40 * len(bars) + 10, 110
        image = canvas(height, width)
        for i, (time, toll) in enumerate(bars):
            for j, value in enumerate((time, toll)):
                tall = int(100 * float(value))
                fill(image, height - 5 - tall, 10 + 40 * i + 14 * j, tall, 12, colors[j])
        fill(image, height - 5, 0, 1, width, BLACK)
        return image

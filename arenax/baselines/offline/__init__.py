"""Offline RL baselines on fixed datasets of transitions: behaviour cloning and IQL (discrete or continuous actions) and discrete-only CQL, each one file."""

from arenax.baselines.offline import bc, cql, iql
from arenax.baselines.offline.data import Transitions

ALGORITHMS = {"bc": bc, "iql": iql, "cql": cql}

__all__ = ["ALGORITHMS", "Transitions", "bc", "cql", "iql"]

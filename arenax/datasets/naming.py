"""Dataset ids (`arenax/<env>/<tier>-v<N>`) and the D4RL tiers of behaviour policy."""

from __future__ import annotations

import re

NAMESPACE = "arenax"
TIERS = ("random", "medium", "expert", "medium-replay", "medium-expert")
"""D4RL's tiers: uniform random, a policy at about a third of the expert's normalised return, the
expert, the policies that training went through up to medium, and medium and expert data half and half."""

_ENV_VERSION = re.compile(r"-v(\d+)$")


def env_slug(env_id: str) -> str:
    """The dataset-id part of an environment id: `SMAX-3m-v0` -> `smax-3m` (its version goes to the metadata)."""
    name = _ENV_VERSION.sub("", env_id.removeprefix(f"{NAMESPACE}/"))
    return name.lower().replace("_", "-")


def env_version(env_id: str) -> int:
    match = _ENV_VERSION.search(env_id)
    if match is None:
        raise ValueError(f"environment id {env_id!r} has no -v<N> version suffix")
    return int(match.group(1))


def check_tier(tier: str) -> str:
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; choose one of {', '.join(TIERS)}")
    return tier


def dataset_id(env_id: str, tier: str, version: int = 0) -> str:
    """`arenax/<env slug>/<tier>-v<version>`, e.g. `arenax/smax-3m/medium-v0`."""
    return f"{NAMESPACE}/{env_slug(env_id)}/{check_tier(tier)}-v{int(version)}"

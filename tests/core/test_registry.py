"""The registry: one table feeding `arenax.make`, `gym.make` and `list_envs`; errors that help."""

import gymnasium as gym
import pytest

import arenax
from arenax.core import registry


def test_every_id_is_in_gymnasium_under_the_namespace():
    for env_id in arenax.list_envs():
        assert f"arenax/{env_id}" in gym.registry


def test_registering_an_id_twice_fails():
    with pytest.raises(ValueError, match="already registered"):
        registry.register("CartPole-v1", "x:y", family="memory", description="again")


def test_unknown_kind_fails():
    with pytest.raises(ValueError, match="kind must be"):
        registry.register("Nothing-v0", "x:y", family="memory", description="d", kind="rust")


def test_make_accepts_the_namespaced_id_and_kwargs():
    assert type(arenax.make("arenax/CartPole-v1")).__name__ == "CartPole"


def test_unknown_id_without_close_match_still_points_to_list_envs():
    with pytest.raises(registry.UnknownEnvironmentError, match="list_envs"):
        arenax.make("Zzzzzzz")


def test_list_envs_by_family():
    assert "CartPole-v1" in arenax.list_envs("memory")
    assert arenax.list_envs("no-such-family") == []


def test_bad_params_fail_in_reset_with_a_clear_message():
    import jax

    env = arenax.make("CartPole-v1")
    with pytest.raises(ValueError, match="pole_mass must be positive"):
        env.reset(jax.random.PRNGKey(0), env.default_params.replace(pole_mass=0.0))


def test_unregister_removes_the_id_from_both_tables():
    registry.register("Temporary-v0", "arenax.envs.memory.cartpole:CartPole", family="memory", description="t")
    assert "arenax/Temporary-v0" in gym.registry and "Temporary-v0" in arenax.list_envs()
    registry.unregister("Temporary-v0")
    assert "arenax/Temporary-v0" not in gym.registry and "Temporary-v0" not in arenax.list_envs()
    with pytest.raises(registry.UnknownEnvironmentError):
        registry.unregister("Temporary-v0")

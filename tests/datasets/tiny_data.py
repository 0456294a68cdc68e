"""Shared set-up of the dataset tests: a private Minari folder and a CartPole whose short time limit makes timeouts common."""

import pytest

from arenax.core import register
from arenax.core.registry import unregister
from arenax.envs.memory.cartpole import CartPole, CartPoleParams

SHORT_CARTPOLE = "ShortCartPole-test-v0"
TINY_BEHAVIOUR = dict(total_timesteps=8 * 32 * 2 * 3, num_envs=8, rollout_length=32, updates_per_chunk=2, features=16)
"""Three chunks of PPO: enough to have checkpoints to choose tiers from, fast to compile and run."""


class ShortCartPole(CartPole):
    """CartPole truncated after 30 steps, so that time limits end many episodes."""

    @property
    def default_params(self) -> CartPoleParams:
        return CartPoleParams(max_steps=30)


@pytest.fixture(scope="module")
def minari_root(tmp_path_factory):
    """Every dataset of the module goes to a temporary folder, never to the user's home."""
    mp = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("minari")
    mp.setenv("MINARI_DATASETS_PATH", str(root))
    yield root
    mp.undo()


@pytest.fixture(scope="module")
def short_cartpole():
    register(SHORT_CARTPOLE, ShortCartPole, family="test", description="CartPole with a 30-step time limit")
    yield SHORT_CARTPOLE
    unregister(SHORT_CARTPOLE)


def tiny_generate(env_id, tier, steps, seed, cache, **kwargs):
    from arenax.datasets import generate

    return generate(
        env_id, tier, steps, seed, cache=cache, num_envs=16, evaluation_steps=1000,
        behaviour_overrides=TINY_BEHAVIOUR, **kwargs,
    )

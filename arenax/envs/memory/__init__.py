"""POPGym-like memory tasks that a memoryless policy cannot solve, and CartPole-v1 as a sanity task."""

from arenax.core import register
from arenax.envs.memory.cartpole import CartPole, NoisyPositionOnlyCartPole, PositionOnlyCartPole

FAMILY = "memory"

register(
    "CartPole-v1",
    CartPole,
    family=FAMILY,
    description="Gymnasium's CartPole-v1 (fully observed), a sanity task for learners",
)

__all__ = ["CartPole", "NoisyPositionOnlyCartPole", "PositionOnlyCartPole"]

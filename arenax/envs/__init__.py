"""Environment families; importing this package registers every one of them."""

from arenax.envs import memory

__all__ = ["memory"]

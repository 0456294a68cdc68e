"""Environment families; importing this package registers every one of them."""

from arenax.envs import browser
from arenax.envs import fight
from arenax.envs import memory
from arenax.envs import momarl
from arenax.envs import os
from arenax.envs import smax

__all__ = ["browser", "fight", "memory", "momarl", "os", "smax"]

"""Registers arenax with Gymnasium as soon as Gymnasium is imported, so `gym.make("arenax/...")` needs no `import arenax`.

Gymnasium 1.x dropped the `gymnasium.envs` entry-point plugins; the installed
`arenax_gymnasium_hook.pth` calls `install()` at start-up instead. It costs
nothing until a program imports `gymnasium`, and `ARENAX_NO_GYMNASIUM_HOOK=1`
turns it off.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import sys


class _RegisterAfterGymnasium(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != "gymnasium":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_then_register(module):
            load(module)
            importlib.import_module("arenax")

        spec.loader.exec_module = exec_then_register
        return spec


def install() -> None:
    """Arms the hook unless Gymnasium is loaded already or the hook is turned off."""
    if os.environ.get("ARENAX_NO_GYMNASIUM_HOOK") or "gymnasium" in sys.modules:
        return
    if not any(isinstance(finder, _RegisterAfterGymnasium) for finder in sys.meta_path):
        sys.meta_path.insert(0, _RegisterAfterGymnasium())

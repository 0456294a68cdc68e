"""Networks for agents: sequence backbones with long memory (`arenax.agents.backbones`) and policy heads."""

from arenax.agents import backbones

__all__ = ["backbones"]

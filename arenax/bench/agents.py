"""Agents for the rollout jobs on browser and OS tasks: scripted oracle, random, and an LLM endpoint when one is configured.

`make_agent(name, env, seed)` returns an object with `reset()` and
`act(observation) -> action`. The LLM agent talks to an OpenAI-compatible
chat-completions endpoint named by `ARENAX_LLM_BASE_URL` (model
`ARENAX_LLM_MODEL`, key `OPENAI_API_KEY`).
"""

from __future__ import annotations

import os
from typing import Any, Callable

import gymnasium as gym

POLICIES = ("oracle", "random", "llm")
LLM_URL = "ARENAX_LLM_BASE_URL"
LLM_MODEL = "ARENAX_LLM_MODEL"


def llm_configured() -> bool:
    return bool(os.environ.get(LLM_URL))


class CallableAgent:
    """Adapts a policy called as `policy(observation)` (the OS policies), optionally built afresh per episode."""

    def __init__(self, policy: Callable[[Any], Any]):
        self.policy = policy

    def reset(self) -> None:
        return None

    def act(self, observation: Any) -> Any:
        return self.policy(observation)


class TextAgent:
    """A chat-completions agent over a text rendering of the observation, its reply turned into the env's action."""

    def __init__(self, client: Any, render: Callable[[Any], str], to_action: Callable[[str], Any]):
        self.client, self.render, self.to_action = client, render, to_action

    def reset(self) -> None:
        self.client.reset()

    def act(self, observation: Any) -> Any:
        return self.to_action(self.client.act(self.render(observation)))


def _family(env: gym.Env) -> str:
    module = type(env.unwrapped).__module__
    for family in ("browser", "os"):
        if module.startswith(f"arenax.envs.{family}"):
            return family
    raise ValueError(f"rollout agents play browser and OS tasks; {env.spec.id if env.spec else env} is neither")


def make_agent(name: str, env: gym.Env, seed: int) -> Any:
    """The agent `name` (one of `POLICIES`) for `env`; a ValueError names what is missing."""
    if name not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; choose one of {', '.join(POLICIES)}")
    family = _family(env)
    if name == "llm":
        return _llm_agent(env, family)
    if family == "browser":
        from arenax.envs.browser.policies import OracleAgent, RandomAgent

        return OracleAgent(env) if name == "oracle" else RandomAgent(seed)
    from arenax.envs.os.policies import OraclePolicy, RandomPolicy

    return CallableAgent(OraclePolicy(env) if name == "oracle" else RandomPolicy(env, seed))


def _llm_agent(env: gym.Env, family: str) -> TextAgent:
    from arenax.envs.browser.llm import BROWSER_SYSTEM_PROMPT, ChatCompletionsAgent, format_browser_observation

    if not llm_configured():
        raise ValueError(f"the llm policy needs an endpoint: set {LLM_URL} (and {LLM_MODEL})")
    model = os.environ.get(LLM_MODEL, "default")
    if family == "browser":
        client = ChatCompletionsAgent(os.environ[LLM_URL], model, system_prompt=BROWSER_SYSTEM_PROMPT)
        return TextAgent(client, format_browser_observation, lambda text: text)
    from arenax.envs.os import prompts
    from arenax.envs.os.policies import as_action

    desktop = "desktop" in type(env.unwrapped).__module__
    prompt = prompts.DESKTOP_SYSTEM_PROMPT if desktop else prompts.SHELL_SYSTEM_PROMPT
    render = prompts.format_desktop_observation if desktop else prompts.format_shell_observation
    client = ChatCompletionsAgent(os.environ[LLM_URL], model, system_prompt=prompt)
    return TextAgent(client, render, lambda text: as_action(env, text))

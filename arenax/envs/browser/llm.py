"""An adapter for external LLM agents: an OpenAI-compatible chat-completions client (standard library only).

Any environment with text observations can use it: `ChatCompletionsAgent.act(observation_text) -> action_text`.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from typing import Any

BROWSER_SYSTEM_PROMPT = """You are an agent that completes tasks on web pages.
Each turn you see the goal, the page URL, the error of your last action (if any) and the page's
accessibility tree, one element a line as [bid] role 'name', states. Reply with exactly one action,
alone in a ```code block```, using these calls (bids are strings):
click(bid), dblclick(bid), hover(bid), fill(bid, text), clear(bid), select_option(bid, option),
check(bid), uncheck(bid), press(bid, key_comb), focus(bid), drag_and_drop(from_bid, to_bid),
scroll(delta_x, delta_y), goto(url), go_back(), go_forward(), noop(wait_ms), send_msg_to_user(text)."""

_CODE_BLOCK = re.compile(r"```(?:[\w+-]*\n)?(.*?)```", re.DOTALL)


class LLMError(RuntimeError):
    """The endpoint could not be reached or answered with something other than a chat completion."""


def extract_action(reply: str) -> str:
    """The action in a model's reply: the last fenced code block, else the last non-empty line."""
    blocks = _CODE_BLOCK.findall(reply)
    if blocks:
        return blocks[-1].strip()
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def format_browser_observation(observation: dict[str, Any]) -> str:
    """A browser task's observation `Dict` as the text the model reads."""
    parts = [f"Goal: {observation['goal']}", f"URL: {observation['url']}"]
    if observation.get("last_action_error"):
        parts.append(f"Error of the last action: {observation['last_action_error']}")
    parts.append("Accessibility tree:\n" + observation["axtree_txt"])
    return "\n".join(parts)


class ChatCompletionsAgent:
    """An agent behind an OpenAI-compatible `POST {base_url}/chat/completions` endpoint.

    Interface: `act(observation: str) -> str` takes one text observation, sends it (after the system
    prompt and up to `history` earlier observation/reply pairs of the episode) and returns the action
    string extracted from the reply (see `extract_action`); `reset()` forgets the episode. The raw reply
    of the last call is in `last_reply`. `api_key` defaults to $OPENAI_API_KEY (no header when unset).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        system_prompt: str = BROWSER_SYSTEM_PROMPT,
        temperature: float = 0.0,
        max_tokens: int = 512,
        history: int = 4,
        timeout: float = 60.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        if history < 0:
            raise ValueError(f"history must be >= 0, got {history}")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.system_prompt = system_prompt
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.history = history
        self.timeout = timeout
        self.turns: list[tuple[str, str]] = []
        self.last_reply = ""

    def reset(self) -> None:
        self.turns = []
        self.last_reply = ""

    def messages(self, observation: str) -> list[dict[str, str]]:
        """The chat sent for `observation`: system prompt, recent turns, then the observation."""
        chat = [{"role": "system", "content": self.system_prompt}]
        for seen, replied in self.turns[-self.history :] if self.history else []:
            chat += [{"role": "user", "content": seen}, {"role": "assistant", "content": replied}]
        chat.append({"role": "user", "content": observation})
        return chat

    def complete(self, messages: list[dict[str, str]]) -> str:
        """One chat-completions request; returns the first choice's message content."""
        body = json.dumps(
            {"model": self.model, "messages": messages, "temperature": self.temperature, "max_tokens": self.max_tokens}
        ).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read().decode())
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:300]
            raise LLMError(f"{self.url} answered HTTP {error.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise LLMError(f"cannot reach {self.url}: {error}") from None
        except json.JSONDecodeError as error:
            raise LLMError(f"{self.url} did not answer JSON: {error}") from None
        try:
            return payload["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise LLMError(f"{self.url} answered without choices[0].message.content: {str(payload)[:300]}") from None

    def act(self, observation: str) -> str:
        reply = self.complete(self.messages(observation))
        self.last_reply = reply
        self.turns.append((observation, reply))
        return extract_action(reply)

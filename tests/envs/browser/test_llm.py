"""The chat-completions adapter against a fake OpenAI-compatible server on loopback, alone and driving an episode."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from arenax.envs.browser.env import BrowserEnv
from arenax.envs.browser.llm import ChatCompletionsAgent, LLMError, extract_action, format_browser_observation


class FakeModel:
    """Answers like a model that reads the goal and the tree; records every request it gets."""

    def __init__(self, status: int = 200) -> None:
        self.requests = []
        self.status = status
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                if fake.status != 200:
                    self.send_response(fake.status)
                    self.end_headers()
                    self.wfile.write(b"overloaded")
                    return
                payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": fake.reply(body)}}]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload.encode())

            def log_message(self, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/v1"

    @staticmethod
    def reply(body):
        observation = body["messages"][-1]["content"]
        target = re.search(r'Goal: Click on the "(\w+)" button', observation)
        if not target:
            return "I am not sure.\nnoop()"
        bid = re.search(r"\[(\w+)\] button '" + target.group(1) + "'", observation).group(1)
        return f"The button is {bid}.\n```python\nclick(\"{bid}\")\n```"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    model = FakeModel()
    yield model
    model.close()


def test_extract_action():
    assert extract_action("think\n```\nclick('3')\n```") == "click('3')"
    assert extract_action("a\n```python\nnoop()\n```\nb\n```fill('1', 'x')```") == "fill('1', 'x')"
    assert extract_action("reasoning\n\nscroll(0, 100)\n") == "scroll(0, 100)"
    assert extract_action("") == ""


def test_agent_sends_chat_and_keeps_bounded_history(fake):
    agent = ChatCompletionsAgent(fake.base_url, model="tiny", api_key="secret", history=1)
    for turn in range(3):
        assert agent.act(f"observation {turn}") == "noop()"
    request = fake.requests[-1]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer secret"
    assert request["body"]["model"] == "tiny" and request["body"]["temperature"] == 0.0
    roles = [m["role"] for m in request["body"]["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
    assert request["body"]["messages"][1]["content"] == "observation 1"
    agent.reset()
    agent.act("fresh")
    assert len(fake.requests[-1]["body"]["messages"]) == 2


def test_errors_are_reported_clearly():
    failing = FakeModel(status=503)
    with pytest.raises(LLMError, match="HTTP 503"):
        ChatCompletionsAgent(failing.base_url, model="m").act("x")
    failing.close()
    with pytest.raises(LLMError, match="cannot reach"):
        ChatCompletionsAgent(failing.base_url, model="m", timeout=2).act("x")
    with pytest.raises(ValueError, match="base_url"):
        ChatCompletionsAgent("127.0.0.1:1", model="m")


def test_llm_agent_solves_an_episode(browser, fake):
    env = BrowserEnv("click-button", difficulty="hard", browser=browser)
    agent = ChatCompletionsAgent(fake.base_url, model="fake")
    observation, _ = env.reset(seed=8)
    observation, reward, terminated, truncated, _ = env.step(agent.act(format_browser_observation(observation)))
    assert reward == 1.0 and terminated
    env.close()

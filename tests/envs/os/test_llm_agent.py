"""The browser family's OpenAI-compatible LLM adapter drives an OS task against a fake chat server on loopback."""

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from arenax.envs.browser.llm import ChatCompletionsAgent
from arenax.envs.os import SHELL_SYSTEM_PROMPT, ShellTaskEnv, format_shell_observation

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="bubblewrap is not installed (apt-get install bubblewrap)"
)

REPLIES = [
    "Let me look first.\n```bash\ncat ~/names.txt | head -n 3\n```",
    "```\nsort -u ~/names.txt > ~/unique.txt\n```",
    "The file is written.\n```\nDONE\n```",
]


class FakeChatServer:
    """Answers each POST /v1/chat/completions with the next scripted reply and records the requests."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, body))
                payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": outer.replies.pop(0)}}]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_llm_agent_solves_a_shell_task_through_the_chat_api():
    env = ShellTaskEnv("sort-unique")
    with FakeChatServer(REPLIES) as fake:
        agent = ChatCompletionsAgent(fake.base_url, model="fake-model", system_prompt=SHELL_SYSTEM_PROMPT, history=2)
        observation, _ = env.reset(seed=4)
        done, reward, seen = False, 0.0, []
        while not done:
            observation, reward, terminated, truncated, _ = env.step(agent.act(format_shell_observation(observation)))
            seen.append(observation["stdout"])
            done = terminated or truncated
    env.close()
    assert reward == 1.0 and len(fake.requests) == 3
    path, first = fake.requests[0]
    assert path == "/v1/chat/completions" and first["model"] == "fake-model"
    assert first["messages"][0] == {"role": "system", "content": SHELL_SYSTEM_PROMPT}
    assert "Goal:" in first["messages"][-1]["content"] and "names.txt" in first["messages"][-1]["content"]
    second_prompt = fake.requests[1][1]["messages"][-1]["content"]
    assert seen[0] and seen[0] in second_prompt  # the model saw the output of its first command

"""An asyncio entry point: `await make_async(...)`, then `await env.reset()` / `await env.step(action)`.

The browser already runs on its own event-loop thread; these coroutines hand each call to a worker
thread so that the caller's event loop keeps running (several environments can be awaited together).
"""

from __future__ import annotations

import asyncio
from typing import Any

import gymnasium as gym


class AsyncBrowserEnv:
    """Awaitable `reset`, `step`, `render` and `close` over a browser `gymnasium.Env`."""

    def __init__(self, env: gym.Env) -> None:
        self.env = env
        self.observation_space = env.observation_space
        self.action_space = env.action_space
        self._lock = asyncio.Lock()

    async def _call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        async with self._lock:
            return await asyncio.to_thread(function, *args, **kwargs)

    async def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict, dict]:
        return await self._call(self.env.reset, seed=seed, options=options)

    async def step(self, action: str) -> tuple[dict, float, bool, bool, dict]:
        return await self._call(self.env.step, action)

    async def render(self) -> Any:
        return await self._call(self.env.render)

    async def close(self) -> None:
        await self._call(self.env.close)

    async def __aenter__(self) -> "AsyncBrowserEnv":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def make_async(env_id: str, **kwargs: Any) -> AsyncBrowserEnv:
    """`gym.make(env_id, **kwargs)` (browser start-up included) without blocking the running loop."""
    env = await asyncio.to_thread(gym.make, env_id, **kwargs)
    return AsyncBrowserEnv(env)

"""One browser tab per episode: fresh context, action execution, settling after navigation, observation."""

from __future__ import annotations

import asyncio
import functools
import io
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import numpy as np

from arenax.envs.browser.actions import Action, ActionError, parse_actions
from arenax.envs.browser.browser import Browser, is_loopback_url

_STATIC = Path(__file__).resolve().parent / "static"
AXTREE_JS = (_STATIC / "axtree.js").read_text()
ELEMENT_JS = (_STATIC / "element.js").read_text()
# Defined in every document by the context's init script, so that a step's page calls send a few hundred bytes
# instead of these 17 kB (which took about a millisecond of CPU per call to send, parse and compile).
TOOLS_JS = (
    "Object.defineProperty(window, '__arenaxTools', { value: Object.freeze({ axtree: (\n" + AXTREE_JS
    + "\n), element: (\n" + ELEMENT_JS + "\n) }) });"
)
TOOLS = "window.__arenaxTools"
MISSING = "{ missing: true }"  # what a page call reports where the init script did not run (e.g. `about:blank`)
OBSERVE_JS = """async (options) => {
  if (!(TOOLS_PRESENT)) return MISSING;
  const prelude = await (PRELUDE)(options.prelude);
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (window.__arenaxLeaving && !options.stayed) return { leaving: true, prelude };
  if (document.readyState !== "complete") await new Promise((resolve) => addEventListener("load", resolve, { once: true }));
  const tree = (AXTREE)(options);
  let outcome = null;
  try { outcome = (OUTCOME)(); } catch (error) { outcome = null; }
  return { ...tree, outcome, prelude };
}"""
NO_PRELUDE = "() => null"
MAX_NOOP_MS = 5000
MAX_NAVIGATION_WAIT_S = 2.0
_CONTEXT_GONE = ("Execution context was destroyed", "navigat", "Cannot find context", "frame was detached")


@functools.lru_cache(maxsize=32)
def observe_script(outcome_script: str, prelude_script: str = NO_PRELUDE, embedded: bool = False) -> str:
    """The page function of one observation, reporting `outcome_script`'s result as `outcome`; it first runs
    `prelude_script` (with the observation's `prelude` option) and reports its result as `prelude`. It calls the
    page's tools (`MISSING` without them) unless `embedded`, where it carries their source."""
    tree = AXTREE_JS if embedded else TOOLS + ".axtree"
    return (
        OBSERVE_JS.replace("TOOLS_PRESENT", "true" if embedded else TOOLS).replace("MISSING", MISSING)
        .replace("PRELUDE", prelude_script).replace("AXTREE", tree).replace("OUTCOME", outcome_script)
    )


ELEMENT_CALL_JS = f"(call) => {TOOLS} ? {TOOLS}.element(call) : {MISSING}"


class _Spare:
    """A coming episode's context in the making: `wanted` (an `open` waits for it) skips its loading ahead,
    `abandoned` (it will not be used) stops it before its page, the costly part, is made. It is begun once
    the spare `after` it (if any) is made, so that the first in line is never slowed down by the next."""

    def __init__(self, warm_url: str | None, after: asyncio.Task | None = None) -> None:
        self.warm_url = warm_url
        self.after = after
        self.wanted = False
        self.abandoned = False
        self.task: asyncio.Task | None = None

    @property
    def hurried(self) -> bool:
        return self.wanted or self.abandoned


class Session:
    """Drives one page at a time in `browser`; each `open` takes a new context, so nothing leaks between episodes.

    A new context costs a new renderer process (most of a reset's time), so the coming episodes' contexts and
    pages (`spares` of them, one after the other) are made ahead, in the background on the browser's
    event-loop thread (`prepare_next`). When every episode starts from the same page (MiniWoB++), the page
    loads that `warm_url` ahead too, so that `open` finds it loaded already (a `warm_url` of None leaves the
    page at `about:blank`). When `open` comes before the spare is ready, the loading ahead is skipped.
    The context's init script defines the observation's and the actions' page functions (`TOOLS_JS`) in
    every document.
    """

    def __init__(
        self, browser: Browser, viewport: tuple[int, int], timeout_ms: float, action_set: str, spares: int = 1
    ) -> None:
        if spares < 1:
            raise ValueError(f"spares must be at least 1, got {spares}")
        self.spares = spares
        self.browser = browser
        self.viewport = viewport
        self.timeout_ms = timeout_ms
        self.action_set = action_set
        self.context: Any = None
        self.page: Any = None
        self.messages: list[str] = []
        self.crashed = False
        self._spares: deque[_Spare] = deque()
        self._retired: Any = None
        self._navigations: list[Any] = []

    async def _make_spare(self, spare: _Spare) -> tuple[Any, Any] | None:
        """A new context and page, at `spare.warm_url` unless hurried (None once abandoned)."""
        if spare.after is not None:
            await asyncio.wait([spare.after])
            spare.after = None  # the finished task would keep the previous spare's context and page referenced
        await self.release_last()
        context = await self.browser.new_context(self.viewport, self.timeout_ms, TOOLS_JS)
        try:
            if spare.abandoned:
                await _close_quietly(context)
                return None
            page = await context.new_page()
            if not spare.hurried and spare.warm_url is not None:
                await page.goto(spare.warm_url, wait_until="load")
                # Playwright's first call into a document sets up its helpers there; leave the DOM as it is.
                await page.main_frame.evaluate(f"() => typeof {TOOLS}")
        except BaseException:
            await _close_quietly(context)
            raise
        return context, page

    def _start_spare(self, warm_url: str | None) -> _Spare:
        spare = _Spare(warm_url, self._spares[-1].task if self._spares else None)
        spare.task = asyncio.ensure_future(self._make_spare(spare))
        return spare

    def _discard_spares(self, keep_warm_url: str | None = None, keep: bool = True) -> None:
        kept = [spare for spare in self._spares if keep and spare.warm_url == keep_warm_url]
        for spare in self._spares:
            if spare not in kept:
                _discard(spare)
        self._spares = deque(kept)

    async def _take_spare(self, warm_url: str | None) -> tuple[Any, Any]:
        self._discard_spares(warm_url)
        spare = self._spares.popleft() if self._spares else None
        if spare is not None:
            spare.wanted = True
            try:
                made = await spare.task
                if made is not None:
                    return made
            except Exception:  # noqa: BLE001 (a spare from a browser that died is replaced)
                pass
        spare = _Spare(warm_url)
        spare.wanted = True
        made = await self._make_spare(spare)
        assert made is not None
        return made

    async def open(self, url: str, warm_url: str | None) -> None:
        """Opens `url` in a fresh context prepared with `warm_url` (made now if none was prepared).

        The page navigates to `url` unless it is there already; the last episode's context is closed by the
        next `prepare_next` or `release_last`.
        """
        spare = await self._take_spare(warm_url)
        if self.context is not None:
            await self.release_last()
            self._retired = self.context
        self.context, self.page = spare
        self.messages = []
        self._navigations = []
        self.crashed = False
        self.page.on("request", self._on_request)
        self.page.on("crash", self._on_crash)
        if self.page.url != url:
            await self.page.goto(url, wait_until="load")

    async def release_last(self) -> None:
        """Starts closing the last episode's context in the background (returns at once)."""
        if self._retired is not None:
            asyncio.ensure_future(_close_quietly(self._retired))
            self._retired = None

    async def prepare_next(self, warm_url: str | None) -> None:
        """Closes the last episode's context and starts making the coming ones' from `warm_url` until `spares` are
        made or in the making (returns at once)."""
        self._discard_spares(warm_url)
        await self.release_last()
        while len(self._spares) < self.spares:
            self._spares.append(self._start_spare(warm_url))

    def forget(self) -> None:
        """Drops every reference into the browser (after it was killed or restarted)."""
        self._discard_spares(keep=False)
        self._retired = None
        self.context = self.page = None

    async def shutdown(self) -> None:
        """Closes the page's context, the last episode's and (once made) the spare ones."""
        self._discard_spares(keep=False)
        for context in (self.context, self._retired):
            if context is not None:
                await _close_quietly(context)
        self._retired = None
        self.context = self.page = None

    @property
    def prepared(self) -> int:
        """How many coming episodes' contexts are being made or ready."""
        return len(self._spares)

    @property
    def active(self) -> bool:
        """Whether a page or a spare context is open."""
        return self.page is not None or bool(self._spares) or self._retired is not None

    def _on_crash(self, page: Any) -> None:
        self.crashed = True

    def _on_request(self, request: Any) -> None:
        if request.is_navigation_request():
            self._navigations.append(request)

    async def settle(self) -> None:
        """Waits until the navigations the last action started have loaded."""
        while self._navigations:
            request = self._navigations.pop(0)
            await request.response()
            try:
                await request.frame.wait_for_load_state("load")
            except Exception:  # noqa: BLE001 (the frame may have been replaced by a newer navigation)
                pass

    async def evaluate(self, script: str, argument: Any = None) -> Any:
        """Runs `script` in the main frame, retrying once the page has loaded if a navigation replaced it."""
        for attempt in range(4):
            try:
                return await self.page.main_frame.evaluate(script, argument)
            except Exception as error:  # noqa: BLE001
                if attempt == 3 or not any(text in str(error) for text in _CONTEXT_GONE):
                    raise
                await self.page.wait_for_load_state("load")
        raise AssertionError("unreachable")

    async def observe(
        self, screenshot: bool, bboxes: bool, outcome_script: str = "() => null", prelude: tuple[str, Any] | None = None
    ) -> dict[str, Any]:
        """After the page's pending zero-delay timers: the accessibility-tree text, URL, element boxes and the result of
        `outcome_script` (all in one call to the page), and optionally a screenshot (RGB uint8).

        `prelude` (a page function and its argument) runs first in the same call; its result is `prelude`.
        """
        script = observe_script(outcome_script)
        if prelude is None:
            tree = await self._call(script, observe_script(outcome_script, embedded=True), {"bboxes": bboxes})
        else:
            first, embedded = (observe_script(outcome_script, prelude[0], embedded) for embedded in (False, True))
            tree = await self._call(first, embedded, {"bboxes": bboxes, "prelude": prelude[1]})
        first_prelude = tree.get("prelude")
        waited = 0.0
        while tree.get("leaving"):  # a navigation has begun: observe the page it leads to
            await asyncio.sleep(0.02)
            waited += 0.02
            await self.settle()
            # A page left for nothing (a download, a cancelled navigation) is observed as it stands.
            tree = await self._call(
                script, observe_script(outcome_script, embedded=True),
                {"bboxes": bboxes, "stayed": waited > MAX_NAVIGATION_WAIT_S},
            )
        observation = {
            "axtree_txt": tree["text"], "url": tree["url"], "boxes": tree["boxes"], "outcome": tree["outcome"],
            "prelude": first_prelude,
        }
        if screenshot:
            observation["screenshot"] = await self.screenshot()
        return observation

    async def screenshot(self) -> np.ndarray:
        from PIL import Image

        png = await self.page.screenshot(type="png", timeout=self.timeout_ms)
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.uint8)

    async def run_action_text(self, text: str) -> str:
        """Parses and executes `text`; returns the error message ('' when every action succeeded)."""
        try:
            actions = parse_actions(text, self.action_set)
            for action in actions:
                await self._execute(action)
        except ActionError as error:
            return str(error)
        except Exception as error:  # noqa: BLE001 (Playwright's own refusals are the agent's error, a dead page is not)
            if self.crashed or self.page.is_closed() or not self.browser.connected:
                raise
            return str(error).splitlines()[0]
        finally:
            await self.settle()
        return ""

    async def _call(self, script: str, embedded: str, argument: Any) -> dict[str, Any]:
        """`script` (which calls the page's tools) or, in a page without them, `embedded` (which carries them)."""
        result = await self.evaluate(script, argument)
        return await self.evaluate(embedded, argument) if result.get("missing") else result

    async def _element(self, bid: str, operation: str, argument: Any = None) -> dict[str, Any]:
        result = await self._call(ELEMENT_CALL_JS, ELEMENT_JS, [bid, operation, argument])
        if result.get("error"):
            raise ActionError(result["error"])
        return result

    async def _point(self, bid: str, action: str) -> tuple[float, float]:
        found = await self._element(bid, "locate")
        if found.get("covered"):
            raise ActionError(f"{action}: element {bid} is covered by element {found['covered']}")
        return found["x"], found["y"]

    async def _click_at(self, x: float, y: float, button: str, modifiers: list[str], count: int = 1) -> None:
        for key in modifiers:
            await self.page.keyboard.down(key)
        await self.page.mouse.click(x, y, button=button, click_count=count)
        for key in reversed(modifiers):
            await self.page.keyboard.up(key)

    async def _execute(self, action: Action) -> None:
        name, args = action.name, action.args
        mouse, keyboard = self.page.mouse, self.page.keyboard
        if name in ("click", "dblclick"):
            x, y = await self._point(args["bid"], name)
            await self._click_at(x, y, args["button"], args["modifiers"], 2 if name == "dblclick" else 1)
        elif name == "hover":
            await mouse.move(*await self._point(args["bid"], name))
        elif name in ("fill", "clear"):
            await self._element(args["bid"], "fill", args.get("value", ""))
        elif name == "focus":
            await self._element(args["bid"], "focus")
        elif name in ("check", "uncheck"):
            found = await self._element(args["bid"], "locate")
            if found["checked"] is None:
                raise ActionError(f"{name}: element {args['bid']} is not a checkbox or radio button")
            if found["checked"] != (name == "check"):
                await self._click_at(*await self._point(args["bid"], name), "left", [])
        elif name == "select_option":
            await self._element(args["bid"], "select", args["options"])
        elif name == "press":
            await self._element(args["bid"], "focus")
            await self._press(args["key_comb"])
        elif name == "drag_and_drop":
            start = await self._point(args["from_bid"], name)
            end = await self._point(args["to_bid"], name)
            await self._drag(start, end)
        elif name == "scroll":
            await mouse.wheel(args["delta_x"], args["delta_y"])
            await asyncio.sleep(0.05)
        elif name == "goto":
            url = urljoin(self.page.url, args["url"])
            if not is_loopback_url(url):
                raise ActionError(f"goto: only loopback pages may be opened, not {url!r}")
            await self.page.goto(url, wait_until="load")
        elif name in ("go_back", "go_forward"):
            await (self.page.go_back if name == "go_back" else self.page.go_forward)(wait_until="load")
        elif name == "noop":
            await asyncio.sleep(min(max(args["wait_ms"], 0), MAX_NOOP_MS) / 1000)
        elif name == "send_msg_to_user":
            self.messages.append(args["text"])
        elif name == "mouse_move":
            await mouse.move(args["x"], args["y"])
        elif name in ("mouse_click", "mouse_dblclick"):
            await self._click_at(args["x"], args["y"], args["button"], [], 2 if name == "mouse_dblclick" else 1)
        elif name == "mouse_drag_and_drop":
            await self._drag((args["from_x"], args["from_y"]), (args["to_x"], args["to_y"]))
        elif name == "keyboard_type":
            await keyboard.type(args["text"])
        elif name == "keyboard_press":
            await self._press(args["key"])
        else:
            raise ActionError(f"action {name!r} is not implemented")

    async def _press(self, key_comb: str) -> None:
        try:
            await self.page.keyboard.press(key_comb)
        except Exception as error:  # noqa: BLE001 (Playwright reports unknown key names this way)
            if "Unknown key" in str(error):
                raise ActionError(f"press: unknown key {key_comb!r}") from None
            raise

    async def _drag(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        mouse = self.page.mouse
        await mouse.move(*start)
        await mouse.down()
        await mouse.move(*end, steps=5)
        await mouse.up()


def _discard(spare: _Spare) -> None:
    """Stops making a spare context (before its page, where it can) and closes what was made."""

    def close_made(task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is None and task.result() is not None:
            asyncio.ensure_future(_close_quietly(task.result()[0]))

    spare.abandoned = True
    assert spare.task is not None
    spare.task.add_done_callback(close_made)


async def _close_quietly(context: Any) -> None:
    try:
        await context.close()
    except Exception:  # noqa: BLE001 (closing a context of a dead browser)
        pass

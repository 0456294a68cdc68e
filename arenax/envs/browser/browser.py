"""Debian's Chromium driven by Playwright's async API on a background event loop, routed to loopback only."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import ipaddress
import os
import re
import signal
import threading
import uuid
from pathlib import Path
from typing import Any, Awaitable, TypeVar
from urllib.parse import urlsplit

# Debian's headless shell (package chromium-headless-shell, the build Playwright itself runs headless) opens a
# context's page 3-4x faster than the full browser (package chromium, the fallback) and spends about a fifth of
# its CPU per episode (benchmarks/RESULTS.md, browser tasks).
CHROMIUM_BINARIES = ("/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/chromium")


def _default_chromium() -> str:
    return next((path for path in CHROMIUM_BINARIES if Path(path).is_file()), CHROMIUM_BINARIES[-1])


CHROMIUM = os.environ.get("ARENAX_CHROMIUM") or _default_chromium()
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * 127.0.0.1",
    "--force-device-scale-factor=1",
)
# RenderDocument (a new frame host for every navigation) costs about a third of a navigation's CPU.
# DeferRendererTasksAfterInput holds a page's tasks (timers, messages) after an input event until the next frame
# is drawn: the observation after a click, which lets the page's zero-delay timers run first, waited 10-16 ms
# for it (about 2 ms without). Chromium honours only the last --disable-features switch, so these are added to
# Playwright's own list, read back from the first browser's command line, rather than passed alone (which would
# drop that list).
EXTRA_DISABLED_FEATURES = ("RenderDocument", "DeferRendererTasksAfterInput")
LOCAL_SCHEMES = ("file", "data", "blob", "about")
# Requests this pattern matches (everything except loopback and local schemes) are routed to the handler,
# which aborts them; the driver matches it itself, so loopback requests never wait on a Python round trip.
OFF_LOOPBACK = re.compile(
    r"^(?!(?:https?|wss?)://(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d+)?(?:[/?#]|$)|(?:file|data|blob|about):)"
)

# Lets an observation notice that the page is being left (a navigation started by the last action).
MARK_LEAVING_JS = "addEventListener('beforeunload', () => { window.__arenaxLeaving = true; });"

T = TypeVar("T")


class BrowserFailure(RuntimeError):
    """The browser crashed, hung past its timeout, or could not start; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_loopback_url(url: str) -> bool:
    """True for `file:`/`data:`/`blob:`/`about:` URLs and http(s)/ws(s) URLs whose host is a loopback address."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class Runtime:
    """One asyncio loop on a daemon thread holding Playwright's driver; every browser call of the process runs here."""

    def __init__(self) -> None:
        try:
            from playwright.async_api import async_playwright
        except ImportError as error:
            raise ImportError(
                "browser tasks need Playwright: pip install 'arenax[browser]' (and apt-get install chromium)"
            ) from error
        self._pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="arenax-playwright", daemon=True)
        self._thread.start()
        self.playwright = self.run(async_playwright().start(), timeout=60)
        atexit.register(self.stop)

    def submit(self, coroutine: Awaitable[T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def run(self, coroutine: Awaitable[T], timeout: float) -> T:
        """Runs `coroutine` on the loop; raises `TimeoutError` (after cancelling it) past `timeout` seconds."""
        future = self.submit(coroutine)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"browser call took longer than {timeout:g} s") from None

    def stop(self) -> None:
        if os.getpid() != self._pid or self.loop.is_closed() or not self.loop.is_running():
            return
        try:
            self.run(self.playwright.stop(), timeout=10)
        except Exception:  # noqa: BLE001 (the driver may already be gone at interpreter exit)
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)


_runtime: Runtime | None = None
_runtime_pid: int | None = None
_runtime_lock = threading.Lock()


def runtime() -> Runtime:
    """This process's runtime, started on first use (and again in a forked child)."""
    global _runtime, _runtime_pid
    with _runtime_lock:
        if _runtime is None or _runtime_pid != os.getpid():
            _runtime, _runtime_pid = Runtime(), os.getpid()
        return _runtime


PARENT_FIELD, SESSION_FIELD = 1, 3
"""Fields of /proc/PID/stat, counted after the command name: the parent's PID and the session id."""


def processes_with(field: int, values: set[int]) -> list[int]:
    """Every process whose /proc/PID/stat `field` (counted after the command name) is one of `values`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[field]) in values:
            found.append(int(stat.parent.name))
    return found


def _children(pid: int) -> list[int]:
    return processes_with(PARENT_FIELD, {pid})


def _process_tree(pid: int) -> list[int]:
    tree, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        tree.append(current)
        frontier.extend(_children(current))
    return tree


def command_line_switch(pid: int, name: str) -> list[str]:
    """The values of every `name=...` switch on process `pid`'s command line."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []
    return [argument[len(name) + 1:] for argument in arguments if argument.startswith(name + "=")]


_playwright_disabled_features: str | None = None  # Playwright's --disable-features value, once seen


def _find_marked_process(marker: str) -> int | None:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                return int(cmdline.parent.name)
        except OSError:
            continue
    return None


def _route_loopback_only(route: Any) -> Awaitable[None]:
    if is_loopback_url(route.request.url):
        return route.continue_()
    return route.abort("blockedbyclient")


class Browser:
    """One Chromium process: launched, given fresh loopback-only contexts, killed and relaunched on failure."""

    def __init__(self, launch_timeout: float = 30.0) -> None:
        if not Path(CHROMIUM).is_file():
            raise FileNotFoundError(
                f"Chromium not found at {CHROMIUM}: apt-get install chromium-headless-shell (or chromium;"
                " or set ARENAX_CHROMIUM)"
            )
        self.runtime = runtime()
        self.launch_timeout = launch_timeout
        self._browser: Any = None
        self.pid: int | None = None
        self.launch()

    def launch(self) -> None:
        """Starts Chromium; the first launch of a process reads Playwright's disabled features and launches again."""
        global _playwright_disabled_features
        marker = f"--arenax-instance={uuid.uuid4().hex}"
        known = _playwright_disabled_features
        args, ignored = [*CHROMIUM_FLAGS, marker], []
        if known is not None:
            ignored = [f"--disable-features={known}"]
            args.append("--disable-features=" + ",".join(filter(None, [known, *EXTRA_DISABLED_FEATURES])))
        try:
            self._browser = self.runtime.run(
                self.runtime.playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    headless=True,
                    args=args,
                    ignore_default_args=ignored,
                    timeout=self.launch_timeout * 1000,
                ),
                timeout=self.launch_timeout + 5,
            )
        except Exception as error:  # noqa: BLE001 (any launch failure is reported the same way)
            raise BrowserFailure(f"Chromium failed to start: {error}") from error
        self.pid = _find_marked_process(marker)
        if known is None and self.pid is not None:
            _playwright_disabled_features = (command_line_switch(self.pid, "--disable-features") or [""])[-1]
            self.close()
            self.launch()

    def process_ids(self) -> list[int]:
        """The browser process and all its descendants (renderers, zygotes, utilities)."""
        return _process_tree(self.pid) if self.pid is not None and Path(f"/proc/{self.pid}").exists() else []

    @property
    def connected(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    async def new_context(self, viewport: tuple[int, int], timeout_ms: float, init_script: str = "") -> Any:
        """A fresh context (no cookies or storage from before); requests off loopback are aborted; `init_script`
        runs in every document before the page's own scripts."""
        context = await self._browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block"
        )
        context.set_default_timeout(timeout_ms)
        await context.route(OFF_LOOPBACK, _route_loopback_only)
        await context.add_init_script(MARK_LEAVING_JS + "\n" + init_script)
        return context

    def kill(self) -> None:
        """SIGKILLs the whole process tree (used when the browser hangs)."""
        for pid in reversed(self.process_ids()):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def restart(self) -> None:
        self.close()
        self.launch()

    def close(self) -> None:
        pids = self.process_ids()
        if self._browser is not None:
            try:
                self.runtime.run(self._browser.close(), timeout=10)
            except Exception:  # noqa: BLE001 (a crashed browser cannot close itself; it is killed below)
                pass
        self._browser = None
        for pid in reversed(pids):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in pids:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        self.pid = None

"""A loopback HTTP server for the task pages: each episode publishes its pages under a fresh token."""

from __future__ import annotations

import functools
import mimetypes
import os
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

STATIC_DIR = Path(__file__).resolve().parent / "static"


def miniwob_html_dir() -> Path | None:
    """The folder of MiniWoB++ pages shipped by the `miniwob` package, or None when it is not installed."""
    import importlib.util

    found = importlib.util.find_spec("miniwob")
    if found is None or not found.submodule_search_locations:
        return None
    folder = Path(list(found.submodule_search_locations)[0]) / "html"
    return folder if (folder / "core" / "core.js").is_file() else None


_SCRIPT_TAG = re.compile(r'<script src="([^"]+)"></script>')
_STYLESHEET_TAG = re.compile(r'<link rel="stylesheet"(?: type="text/css")? href="([^"]+)">')


@functools.lru_cache(maxsize=32)
def inlined_page(page: Path, root: Path) -> bytes:
    """`page` with the scripts and style sheets it links (files under `root`) written into it.

    A fresh browser context fetches every file again, so a MiniWoB++ page cost 4-6 requests per episode; inlined,
    it costs one (and about a tenth less of Chromium's CPU to load). Files that cannot be inlined unchanged are
    left linked: a script holding `</script` or `<!--`, a style sheet with `url(...)` (relative to its own folder).
    """

    def inline(match: re.Match, tag: str, refuse: tuple[str, ...]) -> str:
        linked = (page.parent / match.group(1)).resolve()
        if not linked.is_relative_to(root.resolve()) or not linked.is_file():
            return match.group(0)
        text = linked.read_text(encoding="utf-8")
        if any(word in text.lower() for word in refuse):
            return match.group(0)
        return f"<{tag}>{text}</{tag}>"

    html = page.read_text(encoding="utf-8")
    html = _SCRIPT_TAG.sub(lambda match: inline(match, "script", ("</script", "<!--")), html)
    html = _STYLESHEET_TAG.sub(lambda match: inline(match, "style", ("url(", "</style")), html)
    return html.encode("utf-8")


def _safe_file(root: Path, relative: str) -> Path | None:
    candidate = (root / relative).resolve()
    return candidate if candidate.is_file() and candidate.is_relative_to(root.resolve()) else None


class PageServer:
    """Serves `/ep/<token>/<page>` from memory, `/static/*` from the package, `/miniwob/*` from the miniwob package
    (its pages with their scripts and style sheets inlined)."""

    def __init__(self) -> None:
        self._pages: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self._miniwob = miniwob_html_dir()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                body, content_type = server._lookup(unquote(urlsplit(self.path).path))
                try:
                    if body is None:
                        self.send_error(404, "no such page")
                        return
                    self.send_response(200)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Cache-Control", "no-store")
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the episode's context was closed while the page loaded

            def log_message(self, format: str, *args: object) -> None:
                return

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._http.server_port}"
        self._thread = threading.Thread(target=self._http.serve_forever, name="arenax-pages", daemon=True)
        self._thread.start()

    def _lookup(self, path: str) -> tuple[bytes | None, str]:
        if path == "/favicon.ico":
            return b"", "image/x-icon"
        parts = path.strip("/").split("/", 2)
        if len(parts) == 3 and parts[0] == "ep":
            with self._lock:
                text = self._pages.get(parts[1], {}).get(parts[2])
            return (text.encode() if text is not None else None), "text/html; charset=utf-8"
        if len(parts) >= 2 and parts[0] in ("static", "miniwob"):
            root = STATIC_DIR if parts[0] == "static" else self._miniwob
            file = _safe_file(root, path.strip("/").split("/", 1)[1]) if root else None
            if file is None:
                return None, ""
            if parts[0] == "miniwob" and file.suffix == ".html" and root is not None:
                return inlined_page(file, root), "text/html; charset=utf-8"
            content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            return file.read_bytes(), content_type + ("; charset=utf-8" if content_type.startswith("text") else "")
        return None, ""

    def publish(self, pages: dict[str, str], token: str | None = None) -> str:
        """Stores an episode's pages under `token` (default: a random one); returns their base URL (ending in '/')."""
        token = token or secrets.token_hex(8)
        if not token.replace("-", "").isalnum():
            raise ValueError(f"a page token must be letters, digits and dashes, got {token!r}")
        with self._lock:
            self._pages[token] = dict(pages)
        return f"{self.origin}/ep/{token}/"

    def withdraw(self, base_url: str) -> None:
        """Forgets the pages published under `base_url`."""
        token = base_url.rstrip("/").rsplit("/", 1)[-1]
        with self._lock:
            self._pages.pop(token, None)

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


_server: PageServer | None = None
_server_pid: int | None = None
_server_lock = threading.Lock()


def page_server() -> PageServer:
    """This process's page server, started on first use (and again in a forked child, whose copy has no thread)."""
    global _server, _server_pid
    with _server_lock:
        if _server is None or _server_pid != os.getpid():
            _server, _server_pid = PageServer(), os.getpid()
        return _server

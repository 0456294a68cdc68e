"""The in-sandbox executor: reads one JSON request per line on stdin, answers one JSON line on stdout.

It runs inside the bubblewrap sandbox under the system's `python3 -I -S` and uses only the standard
library; the host passes this file's source with `-c`. Every shell command runs in its own process
group with a wall-clock timeout and a CPU-time limit (`ulimit -t`); output goes to capped files so that
background processes (a service the agent started) never block the answer.
"""

import base64
import ctypes
import json
import os
import signal
import subprocess
import sys

SCRATCH = "/tmp/.arenax"
HOME = "/home/agent"
TIMEOUT_EXIT_CODE = 124
DIST_PACKAGES = "/usr/lib/python3/dist-packages"
PR_SET_DUMPABLE = 4


def read_capped(path, max_bytes):
    """(text, truncated): `path` whole, or its first and last `max_bytes // 2` bytes; a missing file reads as empty."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size <= max_bytes:
                return handle.read().decode("utf-8", "replace"), False
            head = handle.read(max_bytes // 2)
            handle.seek(size - max_bytes // 2)
            tail = handle.read()
    except OSError:
        return "", False
    return head.decode("utf-8", "replace") + "\n[...]\n" + tail.decode("utf-8", "replace"), True


def resolve(path, cwd):
    return os.path.normpath(os.path.join(cwd, os.path.expanduser(path)))


def listing(root, max_entries):
    """Workspace tree under `root` (two levels, hidden entries included), one entry a line."""
    lines = []
    for depth_root, dirs, files in os.walk(root):
        depth = depth_root[len(root):].count("/")
        dirs.sort()
        if depth >= 1:
            dirs[:] = []
        for name in dirs + sorted(files):
            full = os.path.join(depth_root, name)
            suffix = "/" if os.path.isdir(full) and not os.path.islink(full) else ""
            lines.append(os.path.relpath(full, root) + suffix)
            if len(lines) >= max_entries:
                return "\n".join(lines + ["..."])
    return "\n".join(lines)


class Executor:
    def __init__(self, config):
        self.cwd = HOME
        self.counter = 0
        self.cpu_seconds = config["cpu_seconds"]
        self.output_bytes = config["output_bytes"]
        self.listing_entries = config["listing_entries"]
        self.env = dict(config["env"])
        self.observer = None
        os.makedirs(SCRATCH, exist_ok=True)

    def run(self, request):
        self.counter += 1
        out, err, cwd_file = (f"{SCRATCH}/{kind}-{self.counter}" for kind in ("out", "err", "cwd"))
        script = (f"ulimit -t {self.cpu_seconds}\ncd -- \"$ARENAX_CWD\" 2>/dev/null\ntrap 'pwd > {cwd_file}' EXIT\n"
                  f"{request['command']}")
        env = dict(self.env, ARENAX_CWD=self.cwd)
        timed_out = False
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            process = subprocess.Popen(
                ["/bin/bash", "--noprofile", "--norc", "-c", script],
                stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, cwd=self.cwd, env=env,
                start_new_session=True,
            )
            try:
                code = process.wait(timeout=request["timeout"])
            except subprocess.TimeoutExpired:
                timed_out = True
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                code = TIMEOUT_EXIT_CODE
        if code < 0:
            code = 128 - code
        new_cwd, _ = read_capped(cwd_file, 4096)
        if new_cwd.strip() and os.path.isdir(new_cwd.strip()):
            self.cwd = new_cwd.strip()
        stdout_text, stdout_truncated = read_capped(out, self.output_bytes)
        stderr_text, stderr_truncated = read_capped(err, self.output_bytes)
        for path in (out, err, cwd_file):
            try:
                os.unlink(path)
            except OSError:
                pass
        return {
            "stdout": stdout_text, "stderr": stderr_text, "stdout_truncated": stdout_truncated,
            "stderr_truncated": stderr_truncated, "exit_code": code & 255, "timed_out": timed_out,
        }

    def read_file(self, request):
        path = resolve(request["path"], self.cwd)
        try:
            with open(path, "rb") as handle:
                data = handle.read(self.output_bytes + 1)
        except OSError as error:
            return {"stdout": "", "stderr": f"read_file: {error.strerror}: {request['path']}", "exit_code": 1}
        return {"stdout": data[:self.output_bytes].decode("utf-8", "replace"), "stderr": "", "exit_code": 0,
                "stdout_truncated": len(data) > self.output_bytes}

    def write_file(self, request):
        path = resolve(request["path"], self.cwd)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(request["content"].encode("utf-8"))
        except OSError as error:
            return {"stdout": "", "stderr": f"write_file: {error.strerror}: {request['path']}", "exit_code": 1}
        return {"stdout": "", "stderr": "", "exit_code": 0}

    def list_dir(self, request):
        path = resolve(request.get("path") or ".", self.cwd)
        try:
            names = sorted(os.listdir(path))
        except OSError as error:
            return {"stdout": "", "stderr": f"list_dir: {error.strerror}: {request.get('path')}", "exit_code": 1}
        shown = [name + ("/" if os.path.isdir(os.path.join(path, name)) else "") for name in names]
        return {"stdout": "\n".join(shown), "stderr": "", "exit_code": 0}

    def put_files(self, request):
        """Task set-up: files given as base64 with an optional mode and modification time."""
        for item in request["files"]:
            path = resolve(item["path"], HOME)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(base64.b64decode(item["data"]))
            if item.get("mode") is not None:
                os.chmod(path, item["mode"])
            if item.get("mtime") is not None:
                os.utime(path, (item["mtime"], item["mtime"]))
        return {}

    def fetch(self, request):
        """Evaluator reads: the bytes of a file as base64, or null when it is missing or not a file."""
        path = resolve(request["path"], HOME)
        if not os.path.isfile(path):
            return {"data": None}
        with open(path, "rb") as handle:
            return {"data": base64.b64encode(handle.read(request["max_bytes"])).decode("ascii")}

    def observe(self, request):
        """Desktop tier: the screen (GDK, as raw RGB) and the accessibility tree, from libraries loaded once."""
        if self.observer is None:
            sys.path.append(DIST_PACKAGES)
            os.environ.update(self.env)
            import gi

            gi.require_version("Gdk", "3.0")
            from gi.repository import Gdk

            Gdk.init([])
            namespace = {"__name__": "accessibility"}
            exec(compile(request["accessibility_source"], "accessibility", "exec"), namespace)
            self.observer = (Gdk, namespace["tree_text"])
        gdk, tree_text = self.observer
        answer = {"accessibility_tree": tree_text(request["max_nodes"])}
        if request["screenshot"]:
            root = gdk.get_default_root_window()
            pixbuf = gdk.pixbuf_get_from_window(root, 0, 0, root.get_width(), root.get_height())
            pixels = base64.b64encode(pixbuf.get_pixels()).decode("ascii")
            answer.update(width=pixbuf.get_width(), height=pixbuf.get_height(), rowstride=pixbuf.get_rowstride(),
                          channels=pixbuf.get_n_channels(), pixels=pixels)
        return answer

    def handle(self, request):
        answer = getattr(self, request["op"])(request)
        answer["cwd"] = self.cwd
        if request.get("with_listing"):
            answer["listing"] = listing(HOME, self.listing_entries)
        return answer


def protect_from_the_agent():
    """Agent commands run as the same user: make this process non-dumpable so that they cannot ptrace it or read
    its memory and change how episodes are scored."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def main():
    protect_from_the_agent()
    executor = Executor(json.loads(sys.argv[1]))
    for line in sys.stdin:
        try:
            answer = executor.handle(json.loads(line))
        except Exception as error:  # the host turns this into an exception naming the request
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

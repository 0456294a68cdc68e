"""A bubblewrap sandbox per episode: the bwrap command line, resource limits, and the executor it runs.

Each sandbox gets tmpfs home and /tmp, read-only system directories, no network, its own PID, IPC and
UTS namespaces and, when the host runs as root, its own unprivileged host uid (so that the process
limit counts only its processes and it cannot signal any other). Closing it kills everything inside.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

SANDBOX_UID = 1000
HOME = "/home/agent"
PATH = "/usr/bin:/bin"
SMALL_TMPFS_BYTES = 8 << 20
HOST_UID_RANGE = (1_000_000, 1_900_000_000)
UID_LOCKS = Path(tempfile.gettempdir()) / "arenax-sandbox-uids"
EXECUTOR_SOURCE = (Path(__file__).parent / "executor.py").read_text()
INSTALL_HINT = (
    "bubblewrap ('bwrap') is not installed; OS tasks need it. Install it with "
    "`sudo apt-get install bubblewrap` (Debian/Ubuntu), `sudo dnf install bubblewrap` (Fedora) "
    "or `sudo pacman -S bubblewrap` (Arch)."
)
ETC_FILES = {
    "/etc/passwd": f"root:x:0:0:root:/root:/bin/false\nagent:x:{SANDBOX_UID}:{SANDBOX_UID}:agent:{HOME}:/bin/bash\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
    "/etc/group": f"root:x:0:\nagent:x:{SANDBOX_UID}:\nnogroup:x:65534:\n",
    "/etc/hostname": "sandbox\n",
    "/etc/hosts": "127.0.0.1 localhost sandbox\n::1 localhost\n",
    "/etc/nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
}
SHARED_ETC = ("/etc/alternatives", "/etc/ld.so.cache", "/etc/localtime", "/etc/mime.types")


_PENDING_RELEASES: set[threading.Thread] = set()
_OPEN_SANDBOXES: "weakref.WeakSet[Sandbox]" = weakref.WeakSet()


def _release_in_background(host_uid: "HostUid") -> None:
    host_uid.release_when_empty()
    _PENDING_RELEASES.discard(threading.current_thread())


def finish_pending_releases(timeout_s: float = 10.0) -> None:
    """Waits for the background releases of closed sandboxes (environments call it in `close`)."""
    for thread in list(_PENDING_RELEASES):
        thread.join(timeout=timeout_s)


@atexit.register
def _close_everything_at_exit() -> None:
    """Closes sandboxes left open and lets background releases finish, so that no process or uid lock file
    outlives the Python process (bwrap's --die-with-parent would end the processes, not remove the locks)."""
    for sandbox in list(_OPEN_SANDBOXES):
        sandbox.close()
    finish_pending_releases()


class BubblewrapMissingError(RuntimeError):
    """`bwrap` is not on PATH."""


class SandboxError(RuntimeError):
    """The sandbox died, did not answer in time, or rejected a request."""


@dataclass(frozen=True)
class Limits:
    """Per-sandbox limits (prlimit for the whole sandbox, CPU time and wall clock per command)."""

    cpu_seconds: int = 10
    memory_bytes: int | None = 1 << 30
    processes: int = 64
    file_bytes: int = 16 << 20
    open_files: int = 256
    output_bytes: int = 64 << 10
    command_timeout_s: float = 10.0
    home_bytes: int = 64 << 20
    tmp_bytes: int = 64 << 20

    def __post_init__(self):
        for name, value in self.__dict__.items():
            if value is not None and value <= 0:
                raise ValueError(f"Limits.{name} must be positive, got {value!r}")


def find_bwrap() -> str:
    path = shutil.which("bwrap")
    if path is None:
        raise BubblewrapMissingError(INSTALL_HINT)
    return path


def prlimit_command(limits: Limits) -> list[str]:
    memory = "unlimited" if limits.memory_bytes is None else str(limits.memory_bytes)
    return [
        "/usr/bin/prlimit",
        f"--as={memory}",
        f"--nproc={limits.processes}",
        f"--fsize={limits.file_bytes}",
        f"--nofile={limits.open_files}",
        "--core=0",
        "--",
    ]


def bwrap_command(
    bwrap: str,
    limits: Limits,
    data_fds: dict[str, int],
    extra_ro_binds: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> list[str]:
    """The bwrap argument vector; `data_fds` maps a path inside the sandbox to a readable file descriptor."""
    command = [
        bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox",
        "--ro-bind", "/usr", "/usr", "--tmpfs", "/usr/local",
        "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
        "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
        "--proc", "/proc", "--dev", "/dev", "--size", str(SMALL_TMPFS_BYTES), "--tmpfs", "/dev/shm",
        "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp",
        "--size", str(limits.home_bytes), "--tmpfs", HOME,
        "--size", str(SMALL_TMPFS_BYTES), "--tmpfs", "/run", "--symlink", "/tmp", "/var/tmp",
    ]
    for path in SHARED_ETC + tuple(extra_ro_binds):
        command += ["--ro-bind-try", path, path]
    for path, fd in data_fds.items():
        command += ["--perms", "0644", "--ro-bind-data", str(fd), path]
    command += ["--remount-ro", "/", "--remount-ro", "/dev", "--remount-ro", "/usr/local"]
    command += ["--chdir", HOME, "--clearenv"]
    for key, value in (env or {}).items():
        command += ["--setenv", key, value]
    return command


def agent_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        "HOME": HOME, "USER": "agent", "LOGNAME": "agent", "SHELL": "/bin/bash", "PATH": PATH,
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "dumb", "TMPDIR": "/tmp",
        "GIT_AUTHOR_NAME": "agent", "GIT_AUTHOR_EMAIL": "agent@sandbox", "GIT_COMMITTER_NAME": "agent",
        "GIT_COMMITTER_EMAIL": "agent@sandbox", **(extra or {}),
    }


def _pipe_with(data: str) -> int:
    read_end, write_end = os.pipe()
    os.write(write_end, data.encode())
    os.close(write_end)
    return read_end


class HostUid:
    """An unprivileged host uid reserved for one sandbox with an exclusive lock file."""

    def __init__(self):
        UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        while True:
            self.uid = secrets.randbelow(HOST_UID_RANGE[1] - HOST_UID_RANGE[0]) + HOST_UID_RANGE[0]
            self.lock = UID_LOCKS / str(self.uid)
            try:
                os.close(os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                return
            except FileExistsError:
                continue

    def processes(self) -> list[int]:
        """Host pids running under this uid (zombies, which hold nothing but a pid until reaped, excluded)."""
        pids = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    if os.stat(entry.path).st_uid == self.uid and not _is_zombie(entry.path):
                        pids.append(int(entry.name))
                except OSError:
                    continue
        return pids

    def release_when_empty(self, timeout_s: float = 10.0) -> None:
        """SIGKILLs every process of this uid until none is left, then frees the uid."""
        deadline = time.monotonic() + timeout_s
        while (pids := self.processes()) and time.monotonic() < deadline:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        if not pids:
            self.lock.unlink(missing_ok=True)


@dataclass(eq=False)
class Sandbox:
    """One running sandbox with its executor; `request` sends it one operation and returns the answer."""

    limits: Limits = field(default_factory=Limits)
    extra_ro_binds: tuple[str, ...] = ()
    extra_env: dict[str, str] = field(default_factory=dict)
    listing_entries: int = 40

    def __post_init__(self):
        bwrap = find_bwrap()
        self.host_uid = HostUid() if os.geteuid() == 0 else None
        env = agent_environment(self.extra_env)
        fds = {path: _pipe_with(text) for path, text in ETC_FILES.items()}
        config = {
            "cpu_seconds": self.limits.cpu_seconds, "output_bytes": self.limits.output_bytes,
            "listing_entries": self.listing_entries, "env": env,
        }
        command = bwrap_command(bwrap, self.limits, fds, self.extra_ro_binds, env)
        command += ["--", *prlimit_command(self.limits), "/usr/bin/python3", "-I", "-S", "-c", EXECUTOR_SOURCE,
                    json.dumps(config)]
        if self.host_uid is not None:
            uid = str(self.host_uid.uid)
            command = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *command]
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=tuple(fds.values()), start_new_session=True,
            )
        finally:
            for fd in fds.values():
                os.close(fd)
        self._buffer = b""
        _OPEN_SANDBOXES.add(self)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def request(self, op: str, timeout_s: float | None = None, **fields) -> dict:
        """Sends one operation to the executor and waits for its answer (with a margin over the command timeout)."""
        self.send(op, **fields)
        return self.receive(op, timeout_s)

    def send(self, op: str, **fields) -> None:
        """Sends one operation without waiting; `receive` collects the answer (answers come in order)."""
        if not self.alive:
            raise SandboxError(f"sandbox is not running (exit code {self.process.returncode}): {self._stderr()}")
        try:
            self.process.stdin.write((json.dumps({"op": op, **fields}) + "\n").encode())
            self.process.stdin.flush()
        except BrokenPipeError as error:
            raise SandboxError(f"sandbox executor is gone: {self._stderr()}") from error

    def receive(self, op: str, timeout_s: float | None = None) -> dict:
        """The answer to the oldest operation sent and not yet received."""
        deadline = time.monotonic() + (timeout_s or self.limits.command_timeout_s) + 5.0
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                raise SandboxError(f"sandbox did not answer {op!r} in time; it was shut down")
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise SandboxError(f"sandbox executor exited during {op!r}: {self._stderr()}")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        answer = json.loads(line)
        if "error" in answer:
            raise SandboxError(f"sandbox rejected {op!r}: {answer['error']}")
        return answer

    def run(self, command: str, timeout_s: float | None = None, with_listing: bool = False) -> dict:
        timeout = self.limits.command_timeout_s if timeout_s is None else timeout_s
        return self.request("run", timeout, command=command, timeout=timeout, with_listing=with_listing)

    def put_files(self, files: list[dict]) -> None:
        encoded = [{**item, "data": base64.b64encode(_as_bytes(item["data"])).decode("ascii")} for item in files]
        self.request("put_files", files=encoded)

    def fetch(self, path: str, max_bytes: int = 1 << 20) -> bytes | None:
        data = self.request("fetch", path=path, max_bytes=max_bytes)["data"]
        return None if data is None else base64.b64decode(data)

    def _stderr(self) -> str:
        if self.process.poll() is None:
            return ""
        return self.process.stderr.read().decode("utf-8", "replace").strip()[-2000:]

    def close(self, wait: bool = True) -> None:
        """Kills the sandbox: its PID namespace goes with bwrap, and with it every process inside.

        With a host uid of its own, it also kills whatever still runs under that uid and releases the uid once
        none is left: before returning when `wait`, else in a background thread (a faster reset).
        """
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()
        if self.host_uid is not None:
            host_uid, self.host_uid = self.host_uid, None
            if wait:
                host_uid.release_when_empty()
            else:
                thread = threading.Thread(target=_release_in_background, args=(host_uid,), daemon=True)
                _PENDING_RELEASES.add(thread)
                thread.start()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _is_zombie(proc_path: str) -> bool:
    with open(f"{proc_path}/stat", "rb") as handle:
        return handle.read().rsplit(b")", 1)[1].split()[0] == b"Z"


def _as_bytes(data: str | bytes) -> bytes:
    return data.encode() if isinstance(data, str) else data

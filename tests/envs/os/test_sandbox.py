"""The sandbox contains what an agent might do: read or write host files, reach any network, exhaust resources,
leave processes behind, or touch another episode."""

import hashlib
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from arenax.envs.os.sandbox import BubblewrapMissingError, Limits, Sandbox, SandboxError, find_bwrap

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="bubblewrap is not installed (apt-get install bubblewrap)"
)

LIMITS = Limits(command_timeout_s=4.0, cpu_seconds=3, memory_bytes=512 << 20, processes=48, home_bytes=16 << 20,
                tmp_bytes=16 << 20)
WRITABLE_INSIDE = ("/home/agent", "/tmp", "/run", "/dev/shm")


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(LIMITS) as box:
        yield box


def run(box, command, timeout_s=None):
    return box.run(command, timeout_s=timeout_s)


def host_processes_of(uid: int) -> list[int]:
    """Host pids whose real uid is `uid`, zombies (which hold only a pid until their reaper runs) excluded."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith("Z"):
                pids.append(int(entry.name))
    return pids


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
            digest.update(oct(path.stat().st_mode).encode())
    return digest.hexdigest()


def test_commands_run_as_an_unprivileged_user_in_a_fresh_home(sandbox):
    answer = run(sandbox, "id -u; echo $HOME; ls -A ~ | wc -l; hostname")
    assert answer["stdout"].split() == ["1000", "/home/agent", "0", "sandbox"]
    assert answer["exit_code"] == 0


def test_host_files_are_not_visible(sandbox, tmp_path):
    secret = tmp_path / "host-secret.txt"
    secret.write_text("do not read")
    for path in (secret, Path("/root"), Path("/etc/shadow"), Path(__file__), Path("/proc/1/root/etc/shadow")):
        answer = run(sandbox, f"cat {path} || ls {path}")
        assert answer["exit_code"] != 0, path
        assert "do not read" not in answer["stdout"]
    top_level = ["bin", "dev", "etc", "home", "lib", "lib64", "proc", "run", "sbin", "tmp", "usr", "var"]
    assert run(sandbox, "ls /")["stdout"].split() == top_level
    assert run(sandbox, "ls -A /usr/local")["stdout"] == ""
    assert "agent" in run(sandbox, "cat /etc/passwd")["stdout"]
    assert run(sandbox, "cat /etc/passwd")["stdout"] != Path("/etc/passwd").read_text()


def test_the_executor_cannot_be_inspected_by_agent_commands(sandbox):
    answer = run(sandbox, "cat /proc/2/cmdline | head -c 20; echo; cat /proc/2/environ /proc/2/mem 2>&1 | head -c 300")
    assert "python3" in answer["stdout"] and answer["stdout"].count("Permission denied") == 2


def test_nothing_outside_the_workspace_and_scratch_tmpfs_is_writable(sandbox):
    command = ("find / \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o \\( -type f -o -type d \\) "
               "-writable -print 2>/dev/null; "
               "for p in /usr/bin/x /etc/x /x /dev/x /usr/local/x /var/x; do touch $p 2>/dev/null && echo WROTE $p; "
               "done")
    answer = run(sandbox, command, timeout_s=20)
    writable = [line for line in answer["stdout"].splitlines() if line]
    assert writable, "the workspace itself should be writable"
    outside = [path for path in writable if not path.startswith(WRITABLE_INSIDE) and path != "/var/tmp"]
    assert outside == []


def test_no_network_not_even_the_host_loopback(sandbox):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    port = server.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(_accept_or_none(server)))
    thread.start()
    script = (
        "import socket\n"
        f"for host, port in (('127.0.0.1', {port}), ('10.0.0.1', 80), ('1.1.1.1', 53)):\n"
        "    try:\n"
        "        socket.create_connection((host, port), timeout=1); print('connected', host)\n"
        "    except OSError as e:\n"
        "        print('blocked', host, e.errno)\n"
    )
    answer = run(sandbox, f"python3 -c \"{script}\"; python3 -c 'import socket; print(*socket.if_nameindex())'")
    thread.join()
    server.close()
    assert answer["stdout"].count("blocked") == 3 and "connected" not in answer["stdout"]
    assert accepted == [None]
    assert answer["stdout"].splitlines()[-1] == "(1, 'lo')"


def _accept_or_none(server):
    try:
        return server.accept()
    except socket.timeout:
        return None


@pytest.mark.skipif(os.geteuid() != 0, reason="per-sandbox host uids are used when the host runs as root")
def test_fork_bomb_is_contained_and_ends_with_the_episode():
    box = Sandbox(LIMITS)
    uid = box.host_uid.uid
    box.run(":(){ :|:& };:", timeout_s=2)
    time.sleep(1.0)
    assert 0 < len(host_processes_of(uid)) <= LIMITS.processes + 2
    assert subprocess.run(["true"]).returncode == 0
    box.close()
    assert host_processes_of(uid) == []


def test_disk_fill_is_capped_by_the_workspace_and_file_size_limits(sandbox):
    answer = run(sandbox, "dd if=/dev/zero of=~/big bs=1M count=64; stat -c %s ~/big; rm -f ~/big")
    assert int(answer["stdout"].split()[-1]) <= LIMITS.file_bytes
    assert "File size limit exceeded" in answer["stderr"]
    answer = run(sandbox, "for i in 1 2 3 4; do head -c 6M /dev/zero > ~/part$i; done; "
                          "cat ~/part* | wc -c; rm -f ~/part*")
    assert int(answer["stdout"].split()[-1]) <= LIMITS.home_bytes
    assert "No space left on device" in answer["stderr"]
    answer = run(sandbox, "for i in 1 2 3 4; do head -c 6M /dev/zero > /dev/shm/part$i; done; rm -f /dev/shm/part*")
    assert "No space left on device" in answer["stderr"]


def test_memory_exhaustion_fails_inside_the_sandbox(sandbox):
    answer = run(sandbox, "python3 -c 'x = bytearray(8 * 1024**3)'")
    assert answer["exit_code"] != 0 and "MemoryError" in answer["stderr"]
    answer = run(sandbox, "python3 -c 'x = [bytearray(64 * 1024**2) for _ in range(64)]'")
    assert answer["exit_code"] != 0
    assert run(sandbox, "echo alive")["stdout"] == "alive\n"


def test_cpu_time_and_wall_clock_limits_end_runaway_commands():
    with Sandbox(Limits(cpu_seconds=1)) as box:
        answer = box.run("sleep 30", timeout_s=1)
        assert answer["timed_out"] and answer["exit_code"] == 124
        answer = box.run("python3 -c 'while True: pass'", timeout_s=20)
        assert not answer["timed_out"] and answer["exit_code"] == 128 + 9  # SIGKILL after RLIMIT_CPU's SIGXCPU
        assert box.run("echo alive")["stdout"] == "alive\n"


def test_output_is_capped():
    with Sandbox(Limits(output_bytes=1000)) as box:
        answer = box.run("seq 1 100000")
    assert answer["stdout_truncated"] and len(answer["stdout"]) <= 1000 + len("\n[...]\n")
    assert answer["stdout"].startswith("1\n2\n") and answer["stdout"].endswith("99999\n100000\n")


@pytest.mark.skipif(os.geteuid() != 0, reason="per-sandbox host uids are used when the host runs as root")
def test_processes_do_not_outlive_the_episode_and_the_host_is_unchanged(tmp_path):
    canary = tmp_path / "canary"
    canary.mkdir()
    (canary / "data.txt").write_text("host data\n")
    before = (tree_digest(canary), Path("/etc/passwd").read_bytes(), Path("/etc/hosts").read_bytes())
    box = Sandbox(LIMITS)
    uid = box.host_uid.uid
    answer = box.run("sleep 1000 & setsid nohup sleep 1000 >/dev/null 2>&1 & (sleep 1000 &) ; "
                     f"rm -rf {canary} 2>/dev/null; echo x > {canary}/data.txt 2>/dev/null; "
                     "echo 'evil' >> /etc/hosts 2>/dev/null; ps -e --no-headers | wc -l")
    assert int(answer["stdout"]) >= 5
    assert len(host_processes_of(uid)) >= 5
    box.close()
    assert host_processes_of(uid) == []
    assert (tree_digest(canary), Path("/etc/passwd").read_bytes(), Path("/etc/hosts").read_bytes()) == before
    assert not (Path(os.environ.get("TMPDIR", "/tmp")) / "arenax-sandbox-uids" / str(uid)).exists()


def test_two_episodes_side_by_side_are_isolated():
    with Sandbox(LIMITS) as first, Sandbox(LIMITS) as second:
        first.run("echo first-secret > ~/secret.txt; sleep 1000 >/dev/null 2>&1 &")
        seen = second.run("cat ~/secret.txt; ls -A /home/agent; ps -e -o comm=; "
                          "grep -rl first-secret /home /tmp /run /dev/shm 2>/dev/null")
        assert "first-secret" not in seen["stdout"]
        assert "sleep" not in seen["stdout"]
        try:
            second.run("pkill sleep; kill -9 -1", timeout_s=2)
        except SandboxError:
            pass  # `kill -9 -1` may take the second sandbox's own executor with it
        assert first.run("cat ~/secret.txt; pgrep -c sleep")["stdout"].split() == ["first-secret", "1"]
        if os.geteuid() == 0:
            assert first.host_uid.uid != second.host_uid.uid


def test_missing_bwrap_names_the_package(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BubblewrapMissingError, match="apt-get install bubblewrap"):
        find_bwrap()
    with pytest.raises(BubblewrapMissingError):
        Sandbox(LIMITS)


def test_bad_limits_are_rejected():
    with pytest.raises(ValueError, match="processes"):
        Limits(processes=0)

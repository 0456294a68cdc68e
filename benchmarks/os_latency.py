"""Latency of the OS tasks' sandboxes (median and p95), side by side with the same work done without a sandbox.

Shell tier:
  sandbox start       a new bubblewrap sandbox answering its first command (peer: `bash -c true` on the host)
  env reset           ShellTaskEnv.reset (fresh sandbox, task files, set-up) of a file task and of a git task
  command round trip  ShellTaskEnv.step("echo ...") with its observation (peer: the same `bash -c` on the host)
Desktop tier:
  desktop reset       DesktopTaskEnv.reset: display (booted as a spare), task files, the editor, first observation
  desktop step        one action (a key press) with its screenshot and accessibility tree
  xdotool round trip  one key press alone (peer: `xdotool key` against an Xvfb on the host)

Usage: python benchmarks/os_latency.py [--repeats 30] [--desktop-repeats 5] [--tiers shell desktop] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time

import numpy as np

from arenax.envs.os import DesktopTaskEnv, Sandbox, ShellTaskEnv
from arenax.envs.os.desktop import parse_action

TARGETS_MS = {"env reset (organize-files)": 100, "command round trip": 30, "desktop reset": 2000}


def timed(fn, repeats):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(name, samples, peer_name=None, peer=None):
    row = {"case": name, "median_ms": float(np.median(samples)), "p95_ms": float(np.percentile(samples, 95)),
           "n": len(samples), "target_ms": TARGETS_MS.get(name)}
    if peer is not None:
        ratio = float(np.median(samples) / np.median(peer))
        row.update(peer=peer_name, peer_median_ms=float(np.median(peer)), ratio=ratio)
    return row


def shell_rows(repeats):
    rows = []

    def start_sandbox():
        with Sandbox() as box:
            box.run("true")

    host = timed(lambda: subprocess.run(["bash", "-c", "true"], check=True), repeats)
    rows.append(summary("sandbox start", timed(start_sandbox, repeats), "bash -c true on the host", host))
    for task in ("organize-files", "git-commit-changes"):
        env = ShellTaskEnv(task)
        seeds = iter(range(10**6))
        rows.append(summary(f"env reset ({task})", timed(lambda: env.reset(seed=next(seeds)), repeats)))
        env.close()
    env = ShellTaskEnv("organize-files")
    env.reset(seed=0)
    step = timed(lambda: env.step("echo hello; ls inbox | wc -l"), repeats * 3)
    host = timed(lambda: subprocess.run(["bash", "-c", "echo hello; ls / | wc -l"], capture_output=True), repeats * 3)
    rows.append(summary("command round trip", step, "bash -c on the host", host))
    env.close()
    return rows


def press_with_retries(command, env, attempts=3):
    """Like DesktopSession.perform: a refused X connection (seen on a loaded machine) is retried."""
    for _ in range(attempts):
        if subprocess.run(command, env=env, capture_output=True).returncode == 0:
            return
    raise RuntimeError(f"{command} failed {attempts} times")


def host_xdotool(repeats):
    """`xdotool key` against an Xvfb started on the host (no sandbox, no observation) on a free display."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,))
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            display = ":" + pipe.readline().strip()
        env = dict(os.environ, DISPLAY=display)
        press = ["xdotool", "key", "shift"]
        return timed(lambda: press_with_retries(press, env), repeats)
    finally:
        server.terminate()  # SIGTERM lets Xvfb remove its lock file and socket
        server.wait()


def desktop_rows(repeats):
    env = DesktopTaskEnv("append-todo")
    seeds = iter(range(10**6))
    reset = timed(lambda: env.reset(seed=next(seeds)), repeats)
    step = timed(lambda: env.step('key("shift")'), repeats * 2)
    session = env.unwrapped.session
    alone = timed(lambda: session.perform(parse_action('key("shift")')), repeats * 4)
    env.close()
    rows = [summary("desktop reset", reset), summary("desktop step (action + screenshot + tree)", step)]
    if shutil.which("Xvfb"):
        rows.append(summary("xdotool round trip", alone, "xdotool on a host Xvfb", host_xdotool(repeats * 4)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--desktop-repeats", type=int, default=5)
    parser.add_argument("--tiers", nargs="+", choices=("shell", "desktop"), default=["shell", "desktop"])
    parser.add_argument("--json", help="also write the rows to this JSON file")
    args = parser.parse_args()
    rows = shell_rows(args.repeats) if "shell" in args.tiers else []
    rows += desktop_rows(args.desktop_repeats) if "desktop" in args.tiers else []
    print("| case | median ms | p95 ms | target ms | peer | peer median ms | ratio |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        peer_median = f"{row['peer_median_ms']:.1f}" if "peer" in row else ""
        ratio = f"{row['ratio']:.1f}x" if "peer" in row else ""
        print(f"| {row['case']} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | {row['target_ms'] or ''} | "
              f"{row.get('peer', '')} | {peer_median} | {ratio} |")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    main()

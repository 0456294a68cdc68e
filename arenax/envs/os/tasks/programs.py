"""Tasks that run programs: a toy HTTP service on the sandbox's own loopback, Python scripts tested on hidden inputs."""

from __future__ import annotations

import shlex

import numpy as np

from arenax.envs.os.evaluators import Checks, Evaluator, fraction_passed
from arenax.envs.os.tasks.common import integer, sentence, words
from arenax.envs.os.types import SetupFile, TaskInstance, TaskSpec

FETCH = (
    "import sys, time, urllib.request\n"
    "for attempt in range(30):\n"
    "    try:\n"
    "        print(urllib.request.urlopen(sys.argv[1], timeout=1).read().decode()); break\n"
    "    except OSError:\n"
    "        time.sleep(0.1)\n"
)


def serve_folder(rng: np.random.Generator) -> TaskInstance:
    port = integer(rng, 8000, 8999)
    status = f"ok {words(rng, 1)[0]} {integer(rng, 1000, 9999)}"
    page = f"<h1>{sentence(rng, 3)}</h1>\n"
    fetch = f"python3 -c {shlex.quote(FETCH)}"
    tests = (
        f"test \"$({fetch} http://127.0.0.1:{port}/status.txt)\" = {shlex.quote(status)}",
        f"test \"$({fetch} http://127.0.0.1:{port}/index.html)\" = {shlex.quote(page.strip())}",
    )
    return TaskInstance(
        goal=f"Serve the folder ~/site over HTTP on 127.0.0.1 port {port} (for example with Python's http.server) and "
        "leave the server running in the background when you finish.",
        files=(SetupFile("site/status.txt", status + "\n"), SetupFile("site/index.html", page)),
        evaluator=Evaluator(Checks(tests), fraction_passed),
        solution=(f"cd ~/site && (python3 -m http.server {port} --bind 127.0.0.1 >/dev/null 2>&1 &)",),
    )


def primes_script(rng: np.random.Generator) -> TaskInstance:
    limits = sorted({integer(rng, 2, 200) for _ in range(4)} | {2, 3})
    tests = tuple(
        f"out=\"$(python3 ~/primes.py {n})\" && test \"$out\" = "
        f"{shlex.quote(' '.join(str(p) for p in range(2, n) if is_prime(p)))}"
        for n in limits
    )
    solution = (
        "import sys\n"
        "n = int(sys.argv[1])\n"
        "print(' '.join(str(p) for p in range(2, n) if all(p % d for d in range(2, int(p ** 0.5) + 1))))\n"
    )
    return TaskInstance(
        goal="Write a Python script ~/primes.py that takes an integer N as its only argument and prints all primes "
        "smaller than N on one line, separated by single spaces (an empty line when there are none).",
        evaluator=Evaluator(Checks(tests), fraction_passed),
        solution=(f"cat > ~/primes.py <<'EOF'\n{solution}EOF",),
    )


def csv_report_script(rng: np.random.Generator) -> TaskInstance:
    column = words(rng, 1)[0]
    cases = []
    for _ in range(3):
        values = [integer(rng, -50, 500) for _ in range(integer(rng, 1, 8))]
        text = f"name,{column}\n" + "".join(f"row{i},{value}\n" for i, value in enumerate(values))
        cases.append((text, f"{min(values)} {max(values)} {sum(values)}"))
    tests = tuple(
        f"printf %s {shlex.quote(text)} > /tmp/case{i}.csv && "
        f"out=\"$(python3 ~/report.py /tmp/case{i}.csv)\" && test \"$out\" = {shlex.quote(expected)}"
        for i, (text, expected) in enumerate(cases)
    )
    solution = (
        "import csv, sys\n"
        f"values = [int(row[{column!r}]) for row in csv.DictReader(open(sys.argv[1]))]\n"
        "print(min(values), max(values), sum(values))\n"
    )
    return TaskInstance(
        goal=f"Write a Python script ~/report.py that takes the path of a CSV file with a header row and an integer "
        f"column named '{column}', and prints the column's minimum, maximum and sum separated by single spaces. "
        "~/example.csv is an example input.",
        files=(SetupFile("example.csv", cases[0][0]),),
        evaluator=Evaluator(Checks(tests), fraction_passed),
        solution=(f"cat > ~/report.py <<'EOF'\n{solution}EOF",),
    )


def is_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))


TASKS = (
    TaskSpec("serve-folder", "start an HTTP server on the sandbox's loopback and leave it running", serve_folder),
    TaskSpec("primes-script", "write a Python script checked on hidden inputs", primes_script),
    TaskSpec("csv-report-script", "write a Python CSV summary script checked on hidden files", csv_report_script),
)

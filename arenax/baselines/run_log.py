"""The run folder of one training job: `config.json` and `metrics.jsonl` per seed, written so that a reader never sees half a file or half a line.

Layout: `<out>/<seed>/config.json` (at least `algorithm`, `env_id`, `backbone`,
`seed`) and `<out>/<seed>/metrics.jsonl` (one JSON object per line with at
least `step`, the environment steps so far, and `episode_return`, the mean
return of the episodes finished since the previous line, or null if none).
When several processes train one run (`jax.distributed`), only process 0
writes: the writers below do nothing in the others.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from arenax.baselines import distributed

CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.jsonl"


def write_atomically(path: Path, text: str) -> None:
    """Writes `text` to a temporary file beside `path`, flushed to disk, then renames it over `path` (process 0 only)."""
    if not distributed.is_primary():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_config(folder: Path, config: dict[str, Any]) -> None:
    write_atomically(folder / CONFIG_FILE, json.dumps(config, indent=2, sort_keys=True) + "\n")


def read_config(folder: Path) -> dict[str, Any] | None:
    path = folder / CONFIG_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def append_metrics(folder: Path, record: dict[str, Any]) -> None:
    """Appends one line with a single `write` of the whole line, newline included, then syncs it.

    A reader that takes only newline-terminated lines (as `read_metrics` does)
    therefore never mistakes a partly written line for a whole one. Process 0 only.
    """
    if not distributed.is_primary():
        return
    line = (json.dumps(_json_safe(record), sort_keys=True) + "\n").encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / METRICS_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        written = os.write(descriptor, line)
        if written != len(line):
            raise OSError(f"short write to {folder / METRICS_FILE}: {written} of {len(line)} bytes")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_metrics(folder: Path) -> list[dict[str, Any]]:
    """Every complete line of `metrics.jsonl` (a trailing line without its newline is left out)."""
    path = folder / METRICS_FILE
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    complete = text[: text.rfind("\n") + 1]
    return [json.loads(line) for line in complete.splitlines() if line.strip()]


def keep_metrics(folder: Path, keep: Iterable[dict[str, Any]]) -> None:
    """Replaces `metrics.jsonl` atomically by `keep` (used on resume to drop lines past the checkpoint)."""
    text = "".join(json.dumps(_json_safe(record), sort_keys=True) + "\n" for record in keep)
    write_atomically(folder / METRICS_FILE, text)


def _json_safe(record: dict[str, Any]) -> dict[str, Any]:
    """Non-finite floats become null: JSON has no NaN, and readers in other languages reject it."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in record.items()}

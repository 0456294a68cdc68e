"""Writing estimates as JSON and CSV, atomically: a temporary file renamed into place, so no reader sees half a file."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from arenax.evaluation.estimate import Estimate


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Writes `data` to a temporary file in the target folder, flushes it, and renames it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(handle, 0o644)  # mkstemp creates 0600; a report is meant to be read by others
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def estimate_rows(estimates: Mapping[Any, Any], **labels: Any) -> list[dict[str, Any]]:
    """Flat rows from nested results: {algorithm: {metric: Estimate}}, {(x, y): Estimate}, {name: Estimate}.

    Keys become columns: a string key is the `algorithm`, a pair of strings
    is `algorithm` and `versus`; an inner mapping's keys are the `metric`.
    """
    rows: list[dict[str, Any]] = []
    for key, value in estimates.items():
        key_labels = {"algorithm": key[0], "versus": key[1]} if isinstance(key, tuple) else {"algorithm": key}
        if isinstance(value, Estimate):
            rows.extend(value.records(**labels, **key_labels))
        elif isinstance(value, Mapping):
            for metric, estimate in value.items():
                rows.extend(estimate.records(**labels, **key_labels, metric=metric))
        else:
            raise TypeError(f"expected an Estimate or a mapping of Estimates under {key!r}, got {type(value).__name__}")
    return rows


def _clean(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def write_json(path: str | Path, payload: Any) -> Path:
    return atomic_write_text(path, json.dumps(_clean(payload), indent=2, sort_keys=False) + "\n")


def write_csv(path: str | Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Rows with the union of their keys as columns, in first-seen order."""
    rows = list(rows)
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return atomic_write_text(path, buffer.getvalue())

"""Write results to files: atomically, never over an existing file without ``force``.

Formats follow the suffix: ``.csv`` (the member table, with a ``FILE.meta.json`` sidecar
holding the provenance) and ``.json`` (``{"meta": ..., "table": [...], "aggregates": [...]}``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from spendcalc.errors import OutputError

if TYPE_CHECKING:
    from spendcalc.api import Result

CSV_FLOAT_FORMAT = "%.6f"
"""Six decimals: USD bn to the thousand dollars, shares to 1e-6 points; stable across runs."""


def write_atomic(path: Path, content: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: no partial file is ever left."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{path}: folder {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except PermissionError:
        raise OutputError(f"{path}: folder {directory} is not writable") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: could not write ({exc.strerror})") from None


def _csv(result: Result) -> dict[str, bytes]:
    text = result.table.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n")
    return {"": text.encode(), ".meta.json": _dumps(result.meta)}


def _json(result: Result) -> dict[str, bytes]:
    doc = {
        "meta": result.meta,
        "table": json.loads(result.table.to_json(orient="records", double_precision=10)),
        "aggregates": json.loads(
            result.aggregates.to_json(orient="records", double_precision=10)
        ),
    }
    return {"": _dumps(doc)}


def _dumps(doc: object) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


WRITERS: dict[str, Callable[[Result], dict[str, bytes]]] = {".csv": _csv, ".json": _json}


def write_result(result: Result, path: Path, *, force: bool = False) -> list[Path]:
    """Write ``result`` in the format of ``path``'s suffix; return the files written."""
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        allowed = ", ".join(WRITERS)
        raise OutputError(f"{path}: unsupported suffix {path.suffix or '(none)'!r}; "
                          f"allowed: {allowed}")
    files = {Path(f"{path}{extra}"): content for extra, content in writer(result).items()}
    if not force:
        for target in files:
            if target.exists():
                raise OutputError(f"{target}: file exists; use --force to overwrite it")
    for target, content in files.items():
        write_atomic(target, content)
    return list(files)

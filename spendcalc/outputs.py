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
from typing import TYPE_CHECKING, Any

from spendcalc.errors import OutputError

if TYPE_CHECKING:
    import pandas as pd

    from spendcalc.api import Result

CSV_FLOAT_FORMAT = "%.6f"
"""Six decimals: USD bn to the thousand dollars, shares to 1e-6 points; stable across runs."""


def write_atomic(path: Path, content: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: no partial file is ever left."""
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except PermissionError:
        raise OutputError(f"{path}: folder {directory} is not writable") from None
    # mkstemp creates the file readable by its owner only; give it the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: could not write ({exc.strerror})") from None


def _csv(tables: dict[str, pd.DataFrame], meta: dict[str, Any]) -> dict[str, bytes]:
    first = next(iter(tables.values()))
    text = first.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n")
    return {"": text.encode(), ".meta.json": _dumps(meta)}


def _json(tables: dict[str, pd.DataFrame], meta: dict[str, Any]) -> dict[str, bytes]:
    doc: dict[str, Any] = {"meta": meta}
    for name, frame in tables.items():
        doc[name] = json.loads(frame.to_json(orient="records", double_precision=10))
    return {"": _dumps(doc)}


def _dumps(doc: object) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


WRITERS: dict[str, Callable[[dict[str, pd.DataFrame], dict[str, Any]], dict[str, bytes]]] = {
    ".csv": _csv, ".json": _json}


SIDECARS = {".csv": (".meta.json",)}
"""Files written next to the main one, by suffix."""


def check_output(path: Path, *, force: bool = False) -> None:
    """Fail before any work if ``path`` has an unknown suffix, or exists without ``force``."""
    suffix = path.suffix.lower()
    if suffix not in WRITERS:
        raise OutputError(f"{path}: unsupported suffix {path.suffix or '(none)'!r}; "
                          f"allowed: {', '.join(WRITERS)}")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: folder {path.parent} does not exist")
    if not force:
        for target in (path, *(Path(f"{path}{extra}") for extra in SIDECARS.get(suffix, ()))):
            if target.exists():
                raise OutputError(f"{target}: file exists; use --force to overwrite it")


def write_tables(path: Path, tables: dict[str, pd.DataFrame], meta: dict[str, Any], *,
                 force: bool = False) -> list[Path]:
    """Write named tables in the format of ``path``'s suffix; return the files written.

    CSV holds the first table, with ``meta`` in a ``FILE.meta.json`` sidecar; JSON holds
    ``{"meta": ..., name: [records], ...}``."""
    check_output(path, force=force)
    files = {Path(f"{path}{extra}"): content
             for extra, content in WRITERS[path.suffix.lower()](tables, meta).items()}
    for target, content in files.items():
        write_atomic(target, content)
    return list(files)


def write_result(result: Result, path: Path, *, force: bool = False) -> list[Path]:
    """Write a projection: the member table (and, in JSON, the aggregates)."""
    return write_tables(path, {"table": result.table, "aggregates": result.aggregates},
                        result.meta, force=force)

"""Write results to files: atomically, never over an existing file without ``force``.

Formats follow the suffix (see docs/exports.md):

- ``.csv``: the first table, with a ``FILE.meta.json`` sidecar holding the provenance;
- ``.json``: ``{"meta": ..., "table": [...], "aggregates": [...]}`` (schema:
  ``schemas/projection.schema.json``);
- ``.xlsx``: one sheet per table (for a projection: the table, a per-member summary, the
  aggregates, the scenario's assumptions, the data sources) and a ``Meta`` sheet;
- ``.parquet``: the first table, with the metadata in the file's key-value metadata under
  ``spendcalc`` (needs pyarrow, an optional dependency).

Every format carries the same metadata (``api.metadata``). For the same inputs the files are
byte-identical except the metadata's creation time (and, in xlsx, the workbook's creation
and modification times, set to it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spendcalc.core.errors import OutputError

if TYPE_CHECKING:
    import pandas as pd

    from spendcalc.core.result import Result

CSV_FLOAT_FORMAT = "%.6f"
"""Six decimals: USD bn to the thousand dollars, shares to 1e-6 points; stable across runs."""

JSON_DOUBLE_PRECISION = 10

FORMATS = (".csv", ".json", ".xlsx", ".parquet")
"""Every suffix ``write_tables`` and ``write_result`` write."""

BASIC_FORMATS = (".csv", ".json")
"""What ``check_output`` allows unless told otherwise: the formats every command's own
writer handles. Commands that write through ``write_tables``/``write_result`` pass
``formats=FORMATS``."""

PARQUET_META_KEY = b"spendcalc"
"""The Parquet key-value metadata entry holding the meta JSON."""


# --------------------------------------------------------------------------- atomic writes

def write_atomic(path: Path, content: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: no partial file is ever left."""
    write_files_atomic({path: content})


def write_files_atomic(files: dict[Path, bytes]) -> None:
    """Write several files all or nothing, as far as a file system allows: every file goes
    to a temporary file beside its target first; only when all are written and synced are
    they renamed into place. On failure every temporary file is removed and the targets are
    untouched (an existing file is kept when ``--force`` was given)."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            temps.append((_write_temp(path, content), path))
        while temps:
            tmp, path = temps[0]
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise OutputError(f"{path}: could not write ({exc.strerror or exc})") from None
            temps.pop(0)
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)


def _write_temp(path: Path, content: bytes) -> str:
    """A synced temporary file beside ``path`` holding ``content``; its name."""
    directory = path.parent
    try:
        if not directory.is_dir():  # check_output allowed it: a missing folder is made
            directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except PermissionError:
        raise OutputError(f"{path}: folder {directory} is not writable") from None
    except FileNotFoundError:
        raise OutputError(f"{path}: folder {directory} does not exist") from None
    except OSError as exc:
        raise OutputError(f"{path}: could not write ({exc.strerror or exc})") from None
    # mkstemp creates the file readable by its owner only; give it the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~umask)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: could not write ({exc.strerror or exc})") from None
    return tmp


# --------------------------------------------------------------------------- formats

def _csv(tables: dict[str, pd.DataFrame], meta: dict[str, Any]) -> dict[str, bytes]:
    first = next(iter(tables.values()))
    text = first.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n")
    return {"": text.encode(), ".meta.json": _dumps(meta)}


def _json(tables: dict[str, pd.DataFrame], meta: dict[str, Any]) -> dict[str, bytes]:
    doc: dict[str, Any] = {"meta": meta}
    for name, frame in tables.items():
        doc[name] = json.loads(frame.to_json(orient="records",
                                             double_precision=JSON_DOUBLE_PRECISION))
    return {"": _dumps(doc)}


def _xlsx(tables: dict[str, pd.DataFrame], meta: dict[str, Any]) -> dict[str, bytes]:
    from spendcalc.io import xlsx as exports_xlsx

    return {"": exports_xlsx.tables_workbook(tables, meta)}


def _parquet(tables: dict[str, pd.DataFrame], meta: dict[str, Any]) -> dict[str, bytes]:
    import importlib
    import io

    pa = importlib.import_module("pyarrow")  # optional; ships no type information
    pq = importlib.import_module("pyarrow.parquet")

    first = next(iter(tables.values()))
    table = pa.Table.from_pandas(first, preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), PARQUET_META_KEY: _dumps(meta)})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return {"": buffer.getvalue()}


def _dumps(doc: object) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


WRITERS: dict[str, Callable[[dict[str, pd.DataFrame], dict[str, Any]], dict[str, bytes]]] = {
    ".csv": _csv, ".json": _json, ".xlsx": _xlsx, ".parquet": _parquet}


SIDECARS = {".csv": (".meta.json",)}
"""Files written next to the main one, by suffix."""


LIBRARIES = {".xlsx": "openpyxl", ".parquet": "pyarrow"}
"""The library each format needs beyond spendcalc's own dependencies."""


def library_available(suffix: str) -> bool:
    """Whether the library ``suffix`` needs is installed; checked without importing it."""
    name = LIBRARIES.get(suffix.lower())
    return name is None or importlib.util.find_spec(name) is not None


def parquet_available() -> bool:
    """Whether pyarrow (needed for .parquet, an optional dependency) is installed."""
    return library_available(".parquet")


def check_output(path: Path, *, force: bool = False,
                 formats: Sequence[str] = BASIC_FORMATS) -> None:
    """Fail before any work if ``path``'s suffix is not in ``formats`` (or needs a library
    that is missing), its folder cannot be made or is not writable, or it exists without
    ``force``. A missing folder (``-o out/gap.png``) is created when the file is written."""
    suffix = path.suffix.lower()
    if suffix not in formats:
        raise OutputError(f"{path}: unsupported suffix {path.suffix or '(none)'!r}; "
                          f"allowed: {', '.join(formats)}")
    if not library_available(suffix):
        library = LIBRARIES[suffix]
        others = ", ".join(f for f in formats if f != suffix and library_available(f))
        raise OutputError(f"{path}: writing {suffix} needs {library}, which is not installed; "
                          f"install it (pip install {library}) or use {others}")
    # A missing folder is made when the file is written (``_write_temp``), not here: a
    # command that fails before writing leaves no empty folder behind. Here the nearest
    # existing folder must be one, and writable.
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: folder {folder} is not writable")
    if not force:
        for target in (path, *(Path(f"{path}{extra}") for extra in SIDECARS.get(suffix, ()))):
            if target.exists():
                raise OutputError(f"{target}: file exists; use --force to overwrite it")


def render_tables(suffix: str, tables: dict[str, pd.DataFrame],
                  meta: dict[str, Any]) -> dict[str, bytes]:
    """The bytes of each file for ``suffix``, keyed by what is appended to the main path
    (``""`` for the main file, ``".meta.json"`` for the CSV sidecar)."""
    return WRITERS[suffix.lower()](tables, meta)


def render_result(result: Result, suffix: str) -> dict[str, bytes]:
    """The bytes a projection export of ``result`` holds (see ``render_tables``)."""
    if suffix.lower() == ".xlsx":
        from spendcalc.io import xlsx as exports_xlsx

        return {"": exports_xlsx.result_workbook(result)}
    return render_tables(suffix, {"table": result.table, "aggregates": result.aggregates},
                         result.meta)


def _write(path: Path, rendered: dict[str, bytes]) -> list[Path]:
    files = {Path(f"{path}{extra}"): content for extra, content in rendered.items()}
    write_files_atomic(files)
    return list(files)


def write_tables(path: Path, tables: dict[str, pd.DataFrame], meta: dict[str, Any], *,
                 force: bool = False) -> list[Path]:
    """Write named tables in the format of ``path``'s suffix; return the files written.

    CSV and Parquet hold the first table (CSV with ``meta`` in a ``FILE.meta.json``
    sidecar); JSON holds ``{"meta": ..., name: [records], ...}``; xlsx a sheet per table and
    a ``Meta`` sheet."""
    check_output(path, force=force, formats=FORMATS)
    return _write(path, render_tables(path.suffix, tables, meta))


def write_result(result: Result, path: Path, *, force: bool = False) -> list[Path]:
    """Write a projection: the member table (and, in JSON and xlsx, the aggregates)."""
    check_output(path, force=force, formats=FORMATS)
    return _write(path, render_result(result, path.suffix))

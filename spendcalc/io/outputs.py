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

import errno
import importlib.util
import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV is spelled (docs/exports.md, "CSV dialects")."""

    bom: bool
    """Start with a UTF-8 byte-order mark, so spreadsheets read the file as UTF-8."""
    separator: str
    decimal: str
    newline: str
    true: str
    false: str


CSV_DIALECTS = {
    "standard": CsvDialect(False, ",", ".", "\n", "True", "False"),
    "excel": CsvDialect(True, ",", ".", "\r\n", "TRUE", "FALSE"),
    "excel-eu": CsvDialect(True, ";", ",", "\r\n", "TRUE", "FALSE"),
}
"""``--csv-dialect``: ``standard`` for data tools (today's bytes), ``excel`` for spreadsheets
with dot decimals, ``excel-eu`` for spreadsheets with decimal commas (German, French, ...)."""

DEFAULT_CSV_DIALECT = "standard"

META_DIALECT_KEY = "csv_dialect"
"""The sidecar field recording the dialect, so ``--from-meta`` re-renders the same bytes."""

BOM = "\ufeff"

TABLE_FILE = "+"
"""Marks a ``render_tables`` key naming a further table's file: ``+reach`` is
``STEM.reach.csv`` beside ``STEM.csv``; other keys are appended to the path."""

_INTEGER_COLUMN = re.compile(r"(^|[._])(year|draws|seed|n_members|count)$")
"""Columns that hold whole numbers (years, counts): written without decimals."""


# --------------------------------------------------------------------------- atomic writes

def write_atomic(path: Path, content: bytes, *, force: bool = True) -> None:
    """Write to a temporary file beside ``path``, then rename: no partial file is ever left.
    Without ``force`` an existing ``path`` is never replaced (``file exists``), even by a
    writer racing this one."""
    write_files_atomic({path: content}, force=force)


def write_files_atomic(files: dict[Path, bytes], *, force: bool = True,
                       last: Path | None = None) -> None:
    """Write several files all or nothing: every file goes to a temporary file beside its
    target first; only when all are written and synced are they put in place, ``last``
    (if given) after all the others.

    Without ``force`` each target is claimed atomically (a hard link of the temporary
    file, which fails if the name exists), so of several writers racing for a new name
    exactly one wins and the others get ``file exists``; if any target cannot be claimed,
    those already claimed are removed again. With ``force`` the targets are replaced
    (``os.replace``), after checking that none is a folder. On failure every temporary file
    is removed and existing targets are untouched."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            temps.append((_write_temp(path, content), path))
        temps.sort(key=lambda item: item[1] == last)  # stable: the others keep their order
        if force:
            _replace_all(temps)
        else:
            _claim_all(temps)
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)


def _replace_all(temps: list[tuple[str, Path]]) -> None:
    for _, path in temps:
        if path.is_dir():
            raise OutputError(f"{path}: is a folder, not a file")
    while temps:
        tmp, path = temps[0]
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(f"{path}: could not write ({exc.strerror or exc})") from None
        temps.pop(0)


def _claim_all(temps: list[tuple[str, Path]]) -> None:
    claimed: list[Path] = []
    try:
        for tmp, path in temps:
            _claim(tmp, path)
            claimed.append(path)
    except BaseException:
        for path in claimed:  # ours alone: the claim created them a moment ago
            path.unlink(missing_ok=True)
        raise


def _claim(tmp: str, path: Path) -> None:
    """Put ``tmp`` at the new name ``path``, failing if ``path`` exists (even as a folder)."""
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise OutputError(f"{path}: file exists; use --force to overwrite it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise OutputError(f"{path}: could not write ({exc.strerror or exc})") from None
    # A file system without hard links: claim the name with an exclusive create, then
    # rename the temporary file over the (empty, ours) placeholder.
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except FileExistsError:
        raise OutputError(f"{path}: file exists; use --force to overwrite it") from None
    except OSError as exc:
        raise OutputError(f"{path}: could not write ({exc.strerror or exc})") from None
    try:
        os.replace(tmp, path)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise OutputError(f"{path}: could not write ({exc.strerror or exc})") from None


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

def check_dialect(name: str) -> CsvDialect:
    """The dialect called ``name``; a one-line OutputError listing the choices otherwise."""
    try:
        return CSV_DIALECTS[name]
    except KeyError:
        raise OutputError(f"--csv-dialect {name!r}: unknown; choose one of "
                          f"{', '.join(CSV_DIALECTS)}") from None


def _integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole-number columns (years, counts) stored as floats, as integers (empty stays
    empty), so ``target.year`` is written 2030, not 2030.000000."""
    changed = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind == "f" and _INTEGER_COLUMN.search(str(name)):
            present = column.dropna()
            if (present == present.round()).all():
                changed[name] = column.astype("Int64")
    return frame.assign(**changed) if changed else frame


def csv_text(frame: pd.DataFrame, dialect: str = DEFAULT_CSV_DIALECT) -> bytes:
    """One table as CSV bytes in ``dialect``: six decimals, whole numbers as integers,
    empty fields for missing values, booleans as the dialect spells them."""
    d = check_dialect(dialect)
    frame = _integers(frame)
    if d.true != "True":
        booleans = {n: frame[n].map({True: d.true, False: d.false})
                    for n in frame.columns if frame[n].dtype.kind == "b"}
        frame = frame.assign(**booleans) if booleans else frame
    text = frame.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator=d.newline,
                        sep=d.separator, decimal=d.decimal)
    return ((BOM if d.bom else "") + text).encode()


def records_csv(rows: Sequence[dict[str, Any]], fieldnames: Sequence[str],
                dialect: str = DEFAULT_CSV_DIALECT) -> bytes:
    """Records (plain Python values) as CSV bytes in ``dialect``: None as an empty field,
    numbers as Python writes them (decimal comma in ``excel-eu``), booleans as the dialect
    spells them."""
    import csv
    import io

    d = check_dialect(dialect)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=d.separator, lineterminator=d.newline)
    writer.writerow(fieldnames)
    for row in rows:
        writer.writerow([_field(row.get(name), d) for name in fieldnames])
    return ((BOM if d.bom else "") + buffer.getvalue()).encode()


def _field(value: Any, d: CsvDialect) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return d.true if value else d.false
    if isinstance(value, float) and d.decimal != ".":
        return repr(value).replace(".", d.decimal)
    return value


def csv_files(tables: dict[str, pd.DataFrame], meta: dict[str, Any],
              dialect: str = DEFAULT_CSV_DIALECT) -> dict[str, bytes]:
    """The CSV export's files (keys as in ``render_tables``): the first table in the main
    file, every further table in ``STEM.NAME.csv`` beside it (``sim.reach.csv``), the meta
    (recording the dialect and the further files) in ``FILE.meta.json``."""
    names = list(tables)
    files = {"": csv_text(tables[names[0]], dialect),
             ".meta.json": _dumps({**meta, META_DIALECT_KEY: dialect})}
    for name in names[1:]:
        files[f"{TABLE_FILE}{name}"] = csv_text(tables[name], dialect)
    return files


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


def json_bytes(doc: object) -> bytes:
    """A JSON document as spendcalc writes it: indented, UTF-8, no NaN, a final newline."""
    return _dumps(doc)


def _dumps(doc: object) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


WRITERS: dict[str, Callable[[dict[str, pd.DataFrame], dict[str, Any]], dict[str, bytes]]] = {
    ".csv": csv_files, ".json": _json, ".xlsx": _xlsx, ".parquet": _parquet}


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
                 formats: Sequence[str] = BASIC_FORMATS, dialect: str | None = None) -> None:
    """Fail before any work if ``path``'s suffix is not in ``formats`` (or needs a library
    that is missing), its folder cannot be made or is not writable, it exists without
    ``force``, or ``dialect`` (``--csv-dialect``) is unknown. A missing folder
    (``-o out/gap.png``) is created when the file is written."""
    if dialect is not None:
        check_dialect(dialect)
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


def render_tables(suffix: str, tables: dict[str, pd.DataFrame], meta: dict[str, Any],
                  dialect: str = DEFAULT_CSV_DIALECT) -> dict[str, bytes]:
    """The bytes of each file for ``suffix``, keyed as ``companion`` reads them (``""``
    for the main file, ``".meta.json"`` for the CSV sidecar, ``"+reach"`` for a further
    table's CSV). ``dialect`` applies to CSV only."""
    if suffix.lower() == ".csv":
        return csv_files(tables, meta, dialect)
    return WRITERS[suffix.lower()](tables, meta)


def render_result(result: Result, suffix: str,
                  dialect: str = DEFAULT_CSV_DIALECT) -> dict[str, bytes]:
    """The bytes a projection export of ``result`` holds (see ``render_tables``)."""
    if suffix.lower() == ".xlsx":
        from spendcalc.io import xlsx as exports_xlsx

        return {"": exports_xlsx.result_workbook(result)}
    return render_tables(suffix, {"table": result.table, "aggregates": result.aggregates},
                         result.meta, dialect)


def companion(path: Path, key: str) -> Path:
    """The file a ``render_tables`` key names next to ``path``."""
    if key.startswith(TABLE_FILE):
        return path.with_name(f"{path.stem}.{key[len(TABLE_FILE):]}{path.suffix}")
    return Path(f"{path}{key}")


def write_rendered(path: Path, rendered: dict[str, bytes], *, force: bool) -> list[Path]:
    """Write rendered files (``render_tables``' keys) all or nothing; the paths written.

    The main file is put in place last: a process killed between two renames (SIGKILL
    runs no clean-up) may leave companions without their main file, never a main file
    without its sidecar or further tables."""
    files = {companion(path, key): content for key, content in rendered.items()}
    write_files_atomic(files, force=force, last=companion(path, ""))
    return list(files)


def write_tables(path: Path, tables: dict[str, pd.DataFrame], meta: dict[str, Any], *,
                 force: bool = False, dialect: str = DEFAULT_CSV_DIALECT) -> list[Path]:
    """Write named tables in the format of ``path``'s suffix; return the files written.

    CSV holds the first table, every further one in ``STEM.NAME.csv`` and ``meta`` in a
    ``FILE.meta.json`` sidecar; Parquet the first table; JSON
    ``{"meta": ..., name: [records], ...}``; xlsx a sheet per table and a ``Meta`` sheet."""
    check_output(path, force=force, formats=FORMATS)
    return write_rendered(path, render_tables(path.suffix, tables, meta, dialect), force=force)


def write_result(result: Result, path: Path, *, force: bool = False,
                 dialect: str = DEFAULT_CSV_DIALECT) -> list[Path]:
    """Write a projection: the member table and the aggregates (in CSV a second file)."""
    check_output(path, force=force, formats=FORMATS)
    return write_rendered(path, render_result(result, path.suffix, dialect), force=force)

"""Reading an export's metadata back, and ``spendcalc run --from-meta``: re-run exactly
what made an export and say whether the result is identical. The metadata itself is made
by ``spendcalc.core.meta``.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spendcalc.core.errors import SpendcalcError
from spendcalc.core.version import __version__

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.core.result import Result

META_SUFFIX = ".meta.json"


# --------------------------------------------------------------------------- reading a meta

@dataclass(frozen=True)
class MetaRecord:
    """A meta block read back from a file, with the export it describes."""

    path: Path
    """The file read: a ``FILE.meta.json`` sidecar or a ``.json`` export."""
    meta: dict[str, Any]
    original: Path
    """The export whose numbers the meta describes (the CSV beside a sidecar, or the .json
    export itself); it may no longer exist."""
    document: dict[str, Any] | None
    """The whole .json export, when that is what was read."""


def read_meta(path: Path) -> MetaRecord:
    """Read a ``FILE.meta.json`` sidecar or a ``.json`` export's ``meta`` block; one-line
    SpendcalcError naming the file if it is missing, not JSON, or lacks what a re-run needs."""
    path = Path(path)
    if not path.name.lower().endswith(".json"):
        hint = (f" (for this export: {path.name}{META_SUFFIX})"
                if Path(f"{path}{META_SUFFIX}").is_file() else "")
        raise SpendcalcError(f"{path}: expected a FILE{META_SUFFIX} sidecar or a .json export "
                             f"written by spendcalc run{hint}")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpendcalcError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise SpendcalcError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError:
        raise SpendcalcError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise SpendcalcError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        doc = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise SpendcalcError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, "
                             f"column {exc.colno})") from None
    except RecursionError:
        raise SpendcalcError(f"{path}: not a spendcalc meta file (its JSON is nested too "
                             "deeply)") from None
    if not isinstance(doc, dict):
        raise SpendcalcError(f"{path}: not a spendcalc meta file (expected a JSON object)")
    sidecar = path.name.lower().endswith(META_SUFFIX)
    if sidecar:
        meta, document = doc, None
        original = path.with_name(path.name[: -len(META_SUFFIX)])
    elif isinstance(doc.get("meta"), dict):
        meta, document, original = doc["meta"], doc, path
    else:
        raise SpendcalcError(f"{path}: no 'meta' block; expected a FILE{META_SUFFIX} sidecar "
                             "or a .json export written by spendcalc run")
    where = path if sidecar else f"{path}: meta"
    version = meta.get("spendcalc_version")
    if not isinstance(version, str) or not version:
        raise SpendcalcError(f"{where}: lacks 'spendcalc_version'; not a spendcalc meta file")
    _check_not_newer(path, version)  # before anything else: a newer format may differ
    if not isinstance(meta.get("scenario"), str):
        what = ("several scenarios (spendcalc compare)" if isinstance(meta.get("scenario"), list)
                else "no 'scenario' name")
        raise SpendcalcError(f"{where}: records {what}; --from-meta re-runs a single "
                             "spendcalc run export")
    toml_text, settings = meta.get("scenario_toml"), meta.get("scenario_settings")
    if not isinstance(toml_text, str) and not isinstance(settings, dict):
        raise SpendcalcError(f"{where}: lacks 'scenario_toml' (and 'scenario_settings'); "
                             "cannot tell which scenario made it")
    return MetaRecord(path=path, meta=meta, original=original, document=document)


def _release(version: str) -> tuple[int, ...] | None:
    """The release numbers of a version string (``0.1.0rc1`` -> (0, 1)); None if none."""
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", version)
    if not match:
        return None
    parts = [int(p) for p in match.group(1).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _check_not_newer(path: Path, theirs: str) -> None:
    """A meta from a newer spendcalc is an error: its scenario may hold fields, and its
    numbers come from rules, this version does not know."""
    mine_r, theirs_r = _release(__version__), _release(theirs)
    if theirs_r is None:
        raise SpendcalcError(f"{path}: spendcalc_version {theirs!r} is not a version number")
    if mine_r is not None and theirs_r > mine_r:
        raise SpendcalcError(f"{path}: written by spendcalc {theirs}, newer than this "
                             f"spendcalc {__version__}; upgrade spendcalc to re-run it")


def check_version(record: MetaRecord) -> str | None:
    """None if the meta comes from this spendcalc version; a note if from an older one
    (``read_meta`` has already refused newer ones)."""
    theirs = str(record.meta["spendcalc_version"])
    if theirs == __version__:
        return None
    _check_not_newer(record.path, theirs)
    return (f"note: {record.path.name} was written by spendcalc {theirs}; re-run with "
            f"spendcalc {__version__}")


def recorded_scenario(record: MetaRecord) -> tuple[Scenario, str | None]:
    """The scenario the meta records (its TOML text; the JSON settings for metas written
    before the TOML was recorded), and a note when the fallback was used."""
    from spendcalc.core.overrides import parse_scenario

    meta = record.meta
    toml_text = meta.get("scenario_toml")
    if isinstance(toml_text, str):
        label = f"{record.path}: scenario_toml"
        try:
            doc = tomllib.loads(toml_text)
        except tomllib.TOMLDecodeError as exc:
            raise SpendcalcError(f"{label}: invalid TOML: {exc}") from None
        except RecursionError:
            raise SpendcalcError(f"{label}: nested too deeply") from None
        return parse_scenario(doc, label), None
    scenario = parse_scenario(meta["scenario_settings"], f"{record.path}: scenario_settings")
    return scenario, (f"note: {record.path.name} holds no scenario TOML (older spendcalc); "
                      "re-ran its scenario_settings")


# --------------------------------------------------------------------------- re-running

@dataclass(frozen=True)
class RerunResult:
    """What ``rerun`` found."""

    result: Result
    """The re-run's result (this spendcalc version, the data loaded now)."""
    identical: bool | None
    """True: the export's numbers are reproduced exactly (the CSV byte for byte; a .json
    export's table and aggregates value for value); False: they differ; None: nothing to
    compare (the export beside the meta file is gone, or is not a projection table)."""
    message: str
    """What to tell the user: a verdict line, then any ``note:`` lines."""
    csv_dialect: str | None = None
    """The CSV dialect the meta records (``--csv-dialect``); None for a .json export."""


def rerun(meta_path: Path, data: Dataset) -> RerunResult:
    """Re-run what made an export from its ``FILE.meta.json`` (or a ``.json`` export) with
    ``data`` and compare."""
    from spendcalc.core.overrides import check_against_data
    from spendcalc.core.result import compute

    record = read_meta(meta_path)
    notes = [note for note in (check_version(record),) if note]
    scenario, note = recorded_scenario(record)
    if note:
        notes.append(note)
    check_against_data(scenario, data, f"{record.path}: scenario")
    result = compute(scenario, data)
    recorded_currency = record.meta.get("currency")
    if isinstance(recorded_currency, dict) and "currency" in recorded_currency:
        result = result.in_currency(str(recorded_currency["currency"]))
    if isinstance(record.meta.get("fiscal_year"), dict):
        result = result.by_fiscal_year()
    data_note = _data_difference(record.meta, result.meta)
    identical, verdict = _compare(record, result)
    inputs = ("same data as the original run" if data_note is None
              else data_note)
    message = "\n".join([f"{verdict} ({scenario.name}; {inputs})", *notes])
    dialect = record.meta.get("csv_dialect")
    return RerunResult(result=result, identical=identical, message=message,
                       csv_dialect=dialect if isinstance(dialect, str) else None)


def _data_difference(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """None if the recorded data files match those read now; else which ones differ."""
    recorded = old.get("data_files")
    if not isinstance(recorded, list) or not all(isinstance(f, dict) for f in recorded):
        return "the meta holds no data hashes, so whether the data are the same is unknown"
    before = {str(f.get("name")): f for f in recorded}
    now = {f["name"]: f for f in new["data_files"]}
    changed = sorted(n for n in now if n in before and before[n].get("sha256") != now[n]["sha256"])
    missing = sorted(set(now) - set(before))
    gone = sorted(set(before) - set(now))
    if not (changed or missing or gone):
        return None
    parts = []
    if changed:
        users = [n for n in changed if before[n].get("origin") == "user"]
        hint = (f"; the original read {', '.join(users)} from a user data folder (--data)"
                if users else "")
        parts.append(f"{', '.join(changed)} changed{hint}")
    if missing:
        parts.append(f"{', '.join(missing)} not recorded")
    if gone:
        parts.append(f"{', '.join(gone)} no longer read")
    return "DATA DIFFER from the original run: " + "; ".join(parts)


def _compare(record: MetaRecord, result: Result) -> tuple[bool | None, str]:
    from spendcalc.io import outputs

    original = record.original
    if record.document is not None:
        return _compare_json(original, record.document, result)
    if original.suffix.lower() != ".csv":
        return None, f"re-ran; {original.name} is not a CSV export, nothing compared"
    try:
        before = original.read_bytes()
    except FileNotFoundError:
        return None, f"re-ran; {original} not found, so there is nothing to compare"
    except OSError as exc:
        return None, f"re-ran; cannot read {original} ({exc.strerror}), nothing compared"
    dialect = str(record.meta.get(outputs.META_DIALECT_KEY, outputs.DEFAULT_CSV_DIALECT))
    if dialect not in outputs.CSV_DIALECTS:
        return None, f"re-ran; {record.path.name} records an unknown CSV dialect {dialect!r}"
    after = outputs.render_result(result, ".csv", dialect)[""]
    if before == after:
        return True, f"identical: {original.name} is reproduced byte for byte"
    separator = outputs.CSV_DIALECTS[dialect].separator
    if not PROJECTION_KEYS.issubset(_csv_header(before, separator)):
        return None, (f"re-ran; {original.name} is not a spendcalc run projection table, "
                      "nothing compared")
    return False, (f"DIFFERENT: {original.name} "
                   f"{_first_csv_difference(before, after, separator)}")


PROJECTION_KEYS = frozenset({"iso3", "year", "projected", "total_usd_bn"})
"""Columns that mark a CSV as a projection table (other commands' CSVs have other keys)."""


def _lines(content: bytes) -> list[str]:
    """A CSV's lines, read in any dialect: a byte-order mark dropped, CRLF or LF."""
    return content.decode("utf-8-sig", errors="replace").splitlines()


def _csv_header(content: bytes, separator: str = ",") -> list[str]:
    import csv

    first = next(iter(_lines(content)), "")
    return next(csv.reader([first], delimiter=separator), [])


def _first_csv_difference(before: bytes, after: bytes, separator: str = ",") -> str:
    import csv

    old, new = _lines(before), _lines(after)
    old_header, header = _csv_header(before, separator), _csv_header(after, separator)
    if old_header != header:
        gone = [c for c in old_header if c not in header]
        added = [c for c in header if c not in old_header]
        what = "; ".join(part for part in (
            f"the file has {', '.join(gone)}" if gone else "",
            f"the re-run has {', '.join(added)}" if added else "") if part)
        return f"has other columns than the re-run ({what or 'in another order'})"
    for line, (a, b) in enumerate(zip(old[1:], new[1:], strict=False), start=2):
        if a == b:
            continue
        row_a = next(csv.reader([a], delimiter=separator))
        row_b = next(csv.reader([b], delimiter=separator))
        col = next((i for i, (x, y) in enumerate(zip(row_a, row_b, strict=False)) if x != y),
                   min(len(row_a), len(row_b)))
        name = header[col] if col < len(header) else f"column {col + 1}"
        key = dict(zip(header, row_b, strict=False))
        where = f"{key.get('iso3', '?')} {key.get('year', '?')}"
        was = row_a[col] if col < len(row_a) else "(missing)"
        now = row_b[col] if col < len(row_b) else "(missing)"
        return f"differs from line {line} ({where}, {name}: {was} in the file, {now} now)"
    return (f"has {len(old) - 1} rows, the re-run {len(new) - 1}")


def _compare_json(path: Path, document: dict[str, Any], result: Result) -> tuple[bool | None, str]:
    from spendcalc.io import outputs

    if set(document) != {"meta", "table", "aggregates"}:
        return None, f"re-ran; {path.name} is not a projection export, nothing compared"
    fresh = json.loads(outputs.render_result(result, ".json")[""])
    for section in ("table", "aggregates"):
        old, new = document[section], fresh[section]
        if old == new:
            continue
        if not isinstance(old, list) or len(old) != len(new):
            count = len(old) if isinstance(old, list) else "no"
            return False, (f"DIFFERENT: {path.name}: {section} has {count} rows, "
                           f"the re-run {len(new)}")
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                col = next((k for k in b if not isinstance(a, dict) or a.get(k) != b[k]), "?")
                key = b.get("iso3") or b.get("group")
                was = a.get(col) if isinstance(a, dict) else a
                return False, (f"DIFFERENT: {path.name}: {section}[{i}] ({key} {b.get('year')}, "
                               f"{col}: {was} in the file, {b.get(col)} now)")
    return True, f"identical: {path.name}'s table and aggregates are reproduced exactly"

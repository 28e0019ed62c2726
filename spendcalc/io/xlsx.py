"""Excel workbooks of results (openpyxl), byte-identical for the same inputs apart from the
creation time.

A projection (``result_workbook``) has the sheets ``Projection`` (the full table, columns as
in the CSV), ``Members`` (one row per member: base year and horizon), ``Aggregates``,
``Assumptions`` (the resolved scenario, one setting per row with its meaning), ``Sources``
(sources, data vintage, data files and their hashes) and ``Meta`` (every metadata field).
Other tables (``tables_workbook``) get one sheet each (names capitalised) and ``Meta``.
Table sheets have two header rows: readable headers with units, then the machine column
names of the CSV and JSON. Every sheet prints landscape, fitted to the page width, with its
header rows and key columns repeated on every page.

Numbers are stored at full precision; number formats only change how they are shown.
Empty cells stand for missing values (Iceland's spending, a run without a target), never 0.
The workbook's creation and modification times (docProps/core.xml) and the zip entries'
times are set to the metadata's ``created``, so nothing else varies between runs.
"""

from __future__ import annotations

import importlib
import io
import json
import math
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING, Any

from spendcalc.core.version import __version__

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

    from spendcalc.core.result import Result

SHEET_TITLES = {"table": "Projection", "aggregates": "Aggregates"}
"""Sheet names for the tables of a projection; other tables' names are capitalised."""

LABELS = {
    "scenario": "Scenario", "iso3": "Code", "member": "Member", "year": "Year",
    "group": "Group", "label": "Group name", "kind": "Kind", "key": "Code or group",
    "name": "Name", "projected": "Projected", "armed_forces": "Armed forces",
    "n_members": "Members", "target_year": "Target year", "deflator": "Deflator (base year = 1)",
    "base_share_source": "Base-year share source",
    "share_of_total_pct": "Share of all members' spending (%)",
    "baseline_pct": "Baseline (% GDP)", "baseline_usd_bn": "Baseline (USD bn)",
    "baseline_usd_bn_const": "Baseline (USD bn, constant prices)",
    "p_reach_target": "Chance of reaching the target (%)",
    "p_reach_target_full_compliance": "Chance of reaching the target, every plan delivered (%)",
}
"""Readable headers for machine column names; other names are spelled out by ``label``."""

UNITS = (("_usd_bn_const", "USD bn, constant prices"), ("_usd_bn", "USD bn"),
         ("_pct", "% GDP"), ("_usd_per_person", "USD per person"))
"""Column-name endings and the unit a readable header shows for them."""

WORDS = {"gdp": "GDP", "cum": "Cumulative", "pct": "%", "usd": "USD", "bn": "bn",
         "p": "chance", "vs": "vs", "iso3": "code"}

PERCENT_FORMAT = "0.0%"
"""Chances (fractions 0-1, columns starting ``p_``) shown as percentages: 0.543 -> 54.3%."""

BOOLEAN_FORMAT = '"yes";"yes";"no"'
"""True booleans shown as yes/no (LibreOffice otherwise shows 1/0 in some columns)."""

ROW_HEIGHT = 15.0
"""Points per line of wrapped text (11-point Calibri)."""

MAX_ROW_HEIGHT = 409.0
"""Excel's largest row height, in points."""

META_LINES = 24
"""Lines of a metadata value per row; longer values continue on the next rows."""

MAX_CELL_CHARS = 32_767
"""Excel's limit on the text in one cell; longer values continue on the next rows."""

MAX_WIDTH = 60

Workbook = Any
Worksheet = Any
"""openpyxl's classes (openpyxl ships no type information; loaded on first use)."""


def _openpyxl(module: str = "") -> Any:
    """``openpyxl`` or one of its modules, imported on first use (it costs ~0.1 s)."""
    return importlib.import_module(f"openpyxl{module}")


# --------------------------------------------------------------------------- workbooks

def result_workbook(result: Result) -> bytes:
    """The projection workbook of ``result`` (sheets listed in the module docstring)."""
    wb = _openpyxl().Workbook()
    wb.remove(wb.active)
    _frame_sheet(wb.create_sheet("Projection"), result.table, key_columns=4)
    _members_sheet(wb.create_sheet("Members"), result)
    _frame_sheet(wb.create_sheet("Aggregates"), result.aggregates, key_columns=4)
    _assumptions_sheet(wb.create_sheet("Assumptions"), result.scenario)
    _sources_sheet(wb.create_sheet("Sources"), result.meta)
    _meta_sheet(wb.create_sheet("Meta"), result.meta)
    return _finish(wb, result.meta)


def tables_workbook(tables: dict[str, pd.DataFrame], meta: dict[str, Any]) -> bytes:
    """One sheet per named table (as the CSV would show it), then ``Meta``."""
    wb = _openpyxl().Workbook()
    wb.remove(wb.active)
    for name, frame in tables.items():
        _frame_sheet(wb.create_sheet(_sheet_title(name)), frame,
                     key_columns=_leading_keys(list(map(str, frame.columns))))
    _meta_sheet(wb.create_sheet("Meta"), meta)
    return _finish(wb, meta)


KEY_COLUMNS = frozenset({"scenario", "kind", "key", "name", "iso3", "member", "group",
                         "label", "year", "parameter"})
"""Columns that say what a row is about: frozen and repeated on every printed page."""


def _leading_keys(columns: list[str]) -> int:
    """How many of the first columns say what a row is about (at most five)."""
    count = 0
    while count < min(len(columns), 5) and columns[count] in KEY_COLUMNS:
        count += 1
    return count


def _sheet_title(name: str) -> str:
    title = SHEET_TITLES.get(name, name[:1].upper() + name[1:])
    for bad in "[]:*?/\\":
        title = title.replace(bad, "_")
    return title[:31]


# --------------------------------------------------------------------------- sheets

def label(column: str) -> str:
    """A readable header with the unit for a machine column name:
    ``cum_extra_over_baseline_usd_bn`` -> ``Cumulative extra over baseline (USD bn)``."""
    if column in LABELS:
        return LABELS[column]
    if column.startswith("p_"):
        return f"Chance: {column[2:].replace('_', ' ')} (%)"
    stem, unit = column, ""
    for ending, name in UNITS:
        if column.endswith(ending):
            stem, unit = column[: -len(ending)], name
            break
    else:
        for ending, name in UNITS:
            if f"{ending}_" in column:  # e.g. total_usd_bn_p50, total_pct_mean
                head, _, tail = column.partition(f"{ending}_")
                stem, unit = f"{head} {tail}", name
                break
    words = [WORDS.get(w, w) for w in stem.replace(".", " ").replace("_", " ").split()]
    text = " ".join(words)
    text = text[:1].upper() + text[1:]
    return f"{text} ({unit})" if unit else text


def number_format(column: str) -> str | None:
    """How a column's numbers are shown: shares with 2 decimals, USD bn with 1, the
    deflator with 4, years and counts as whole numbers, chances as percentages."""
    if column.startswith("p_"):
        return PERCENT_FORMAT
    if column in ("year", "target_year", "n_members") or column.endswith((".year", "_year")):
        return "0"
    if column == "deflator":
        return "0.0000"
    if column.endswith("_pct") or "_pct_" in column:
        return "0.00"
    if "usd_bn" in column:
        return "#,##0.0"
    return None


def _cell(value: Any) -> Any:
    """A value as openpyxl should store it: None for missing, plain Python numbers."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _cell(value.item())
    return value


def _header(ws: Worksheet, names: list[str]) -> None:
    font = _openpyxl(".styles").Font

    ws.append(names)
    for cell in ws[1]:
        cell.font = font(bold=True)


def _frame_sheet(ws: Worksheet, frame: pd.DataFrame, *, key_columns: int) -> None:
    """The table as it is, under two header rows: readable headers with units (row 1) and
    the machine column names of the CSV and JSON (row 2), then one row per record."""
    styles = _openpyxl(".styles")
    columns = [str(c) for c in frame.columns]
    _header(ws, [label(c) for c in columns])
    ws.append(columns)
    for cell in ws[2]:
        cell.font = styles.Font(italic=True, color="666666", size=9)
    for cell in ws[1]:
        cell.alignment = styles.Alignment(wrap_text=True, vertical="bottom")
    values = [frame[c].astype(object).tolist() for c in frame.columns]
    for row in zip(*values, strict=True):
        ws.append([_cell(v) for v in row])
    for j, column in enumerate(columns, start=1):
        fmt = BOOLEAN_FORMAT if frame[column].dtype.kind == "b" else number_format(column)
        if fmt is None:
            continue
        for (cell,) in ws.iter_rows(min_row=3, min_col=j, max_col=j):
            cell.number_format = fmt
    _finish_sheet(ws, columns, values, freeze=key_columns, header_rows=2)
    ws.row_dimensions[1].height = ROW_HEIGHT * 3  # readable headers wrap onto three lines


def _finish_sheet(ws: Worksheet, header: list[str], values: list[list[Any]], *,
                  freeze: int, header_rows: int = 1, title_columns: int | None = None) -> None:
    """Frozen header rows (and the first ``freeze`` columns), a filter, column widths, and
    print settings: landscape, fit to the page width, the header rows and key columns
    repeated on every page, the print area the table."""
    get_column_letter = _openpyxl(".utils").get_column_letter

    ws.freeze_panes = f"{get_column_letter(freeze + 1)}{header_rows + 1}"
    if ws.max_row > header_rows:
        last = f"{get_column_letter(ws.max_column)}{ws.max_row}"
        ws.auto_filter.ref = f"A{header_rows}:{last}"
    for j, name in enumerate(header, start=1):
        column = values[j - 1] if j - 1 < len(values) else []
        widest = max((len(str(v)) for v in column if isinstance(v, str)), default=0)
        numeric = any(isinstance(v, int | float) and not isinstance(v, bool) for v in column)
        heading = min(len(name), 24) if header_rows > 1 else len(name)
        width = max(heading + 2, min(widest, MAX_WIDTH) + 2, 12 if numeric else 8)
        ws.column_dimensions[get_column_letter(j)].width = width
    _print_setup(ws, header_rows, freeze if title_columns is None else title_columns)


PAGE_CHARACTERS = 190
"""Column-width units across a landscape A4 page, allowing a little shrinking (at 100 %
about 150 fit)."""


def _pages_wide(ws: Worksheet, title_columns: int) -> int:
    """Pages across that keep the text readable: one if the sheet nearly fits, else as many
    as the columns need beside the repeated title columns."""
    import math

    get_column_letter = _openpyxl(".utils").get_column_letter
    widths = [ws.column_dimensions[get_column_letter(j)].width or 10
              for j in range(1, ws.max_column + 1)]
    titles = sum(widths[:title_columns])
    rest = sum(widths) - titles
    if rest + titles <= PAGE_CHARACTERS:
        return 1
    return max(1, math.ceil(rest / max(PAGE_CHARACTERS - titles, 40)))


def _print_setup(ws: Worksheet, header_rows: int, title_columns: int) -> None:
    """Landscape A4, fit to the page width (as many pages down as needed), header rows and
    the first ``title_columns`` columns (country and year) on every page."""
    get_column_letter = _openpyxl(".utils").get_column_letter

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = _pages_wide(ws, title_columns)
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_title_rows = f"1:{header_rows}"
    if title_columns:
        ws.print_title_cols = f"A:{get_column_letter(title_columns)}"
    ws.print_area = f"A1:{get_column_letter(max(ws.max_column, 1))}{max(ws.max_row, 1)}"
    ws.oddFooter.center.text = "&A, page &P of &N"


def _members_sheet(ws: Worksheet, result: Result) -> None:
    """One row per member: where it starts and where it ends, straight from the table."""
    s, t = result.scenario, result.table
    base, last, pct = s.base_year, s.horizon, f"{s.baseline_pct:g}"
    start = t[t.year == base].set_index("iso3")
    end = t[t.year == last].set_index("iso3")
    columns: list[tuple[str, str, pd.DataFrame]] = [
        ("Code", "iso3", end), ("Member", "member", end), ("Armed forces", "armed_forces", end),
        (f"Core % GDP {base}", "core_pct", start), (f"Total % GDP {base}", "total_pct", start),
        (f"Core % GDP {last}", "core_pct", end), (f"Total % GDP {last}", "total_pct", end),
        (f"Total USD bn {last}", "total_usd_bn", end),
        (f"Over {pct}% USD bn {last}", "extra_over_baseline_usd_bn", end),
        (f"Cum. over {pct}% USD bn {base + 1}-{last}", "cum_extra_over_baseline_usd_bn", end),
        (f"Shortfall to target USD bn {last}", "shortfall_to_target_usd_bn", end),
        ("Target core % GDP", "target_core_pct", end),
        ("Target total % GDP", "target_total_pct", end),
        ("Target year", "target_year", end),
        (f"{base} share source", "base_share_source", start),
    ]
    header = [label for label, _, _ in columns]
    _header(ws, header)
    codes = list(end.index)
    values: list[list[Any]] = []
    for _, col, frame in columns:
        if col == "iso3":
            values.append(codes)
        else:
            values.append([_cell(frame.at[c, col]) if c in frame.index else None for c in codes])
    for row in zip(*values, strict=True):
        ws.append(list(row))
    for j, (_, col, _) in enumerate(columns, start=1):
        fmt = BOOLEAN_FORMAT if col == "armed_forces" else number_format(col)
        if fmt is not None:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt
    _finish_sheet(ws, header, values, freeze=2)


def assumption_rows(scenario: BaseModel) -> list[tuple[str, Any, str]]:
    """(setting, value, meaning) for every field of the resolved scenario, dotted keys
    (``target.core_pct``, ``exemptions.ESP.reason``, ``milestones[0].year``)."""
    rows: list[tuple[str, Any, str]] = []
    _walk(scenario, "", rows)
    return rows


def _walk(model: BaseModel, prefix: str, rows: list[tuple[str, Any, str]]) -> None:
    from pydantic import BaseModel

    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        key = f"{prefix}{name}"
        meaning = " ".join((info.description or "").split())
        if isinstance(value, BaseModel):
            _walk(value, f"{key}.", rows)
        elif isinstance(value, dict) and value and all(isinstance(v, BaseModel)
                                                       for v in value.values()):
            for sub, item in value.items():
                _walk(item, f"{key}.{sub}.", rows)
        elif isinstance(value, list | tuple) and value and all(isinstance(v, BaseModel)
                                                               for v in value):
            for i, item in enumerate(value):
                _walk(item, f"{key}[{i}].", rows)
        else:
            rows.append((key, _setting(value), meaning))


def _setting(value: Any) -> Any:
    """A setting as one cell: numbers, text and booleans as they are; the rest as JSON."""
    if value is None:
        return "(not set)"
    if isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return value.value
    if isinstance(value, dict | list | tuple) and not value:
        return "(none)"
    from pydantic import TypeAdapter

    return json.dumps(TypeAdapter(Any).dump_python(value, mode="json"), ensure_ascii=False)


def _assumptions_sheet(ws: Worksheet, scenario: BaseModel) -> None:
    alignment = _openpyxl(".styles").Alignment

    header = ["Setting", "Value", "Meaning"]
    _header(ws, header)
    rows = assumption_rows(scenario)
    for row in rows:
        ws.append(list(row))
    for key, value, meaning in ws.iter_rows(min_row=2, max_col=3):
        meaning.alignment = value.alignment = alignment(wrap_text=True, vertical="top")
        key.alignment = alignment(vertical="top")
        if isinstance(value.value, bool):
            value.number_format = BOOLEAN_FORMAT
        ws.row_dimensions[meaning.row].height = max(_height(str(meaning.value or ""), 88),
                                                     _height(str(value.value or ""), 38))
    values = [[r[i] for r in rows] for i in range(3)]
    _finish_sheet(ws, header, values, freeze=1)
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 90


def _sources_sheet(ws: Worksheet, meta: dict[str, Any]) -> None:
    header = ["Source", "Title"]
    _header(ws, header)
    sources = meta.get("sources") or {}
    for key, title in sources.items():
        ws.append([key, title])
    ws.append([])
    ws.append(["Data vintage", meta.get("data_vintage", "")])
    ws.append([])
    files = meta.get("data_files") or []
    ws.append(["Data file", "Origin", "SHA-256"])
    for f in files:
        ws.append([f.get("name"), f.get("origin"), f.get("sha256")])
    ws.freeze_panes = "A2"
    widths = {"A": max([len(str(k)) for k in sources] + [len(f.get("name", "")) for f in files]
                       + [14]) + 2,
              "B": min(max([len(str(t)) for t in sources.values()] + [20]) + 2, 100),
              "C": 68}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    _print_setup(ws, 1, 0)


def meta_rows(meta: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, text) for every metadata field, one fact per row, in the meta's order: text as
    it is, numbers as JSON, structures (``scenario_settings``, ``data_files``, ``sources``) as
    JSON. A value of more than ``META_LINES`` lines (or more text than a cell holds) continues
    on the next rows (``field (2)``, ...), split at a line break: joined with line breaks
    they are the value."""
    rows: list[tuple[str, str]] = []
    for key, value in meta.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        for i, chunk in enumerate(_chunks(text)):
            rows.append((key if i == 0 else f"{key} ({i + 1})", chunk))
    return rows


def _chunks(text: str) -> list[str]:
    """``text`` in pieces of at most ``META_LINES`` lines and ``MAX_CELL_CHARS`` characters,
    split at line breaks (which the pieces leave out)."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in text.split("\n"):
        while len(line) > MAX_CELL_CHARS:  # one enormous line: no break to split at
            chunks.append([line[:MAX_CELL_CHARS]])
            line = line[MAX_CELL_CHARS:]
        current = chunks[-1]
        if current and (len(current) >= META_LINES or size + len(line) + 1 > MAX_CELL_CHARS):
            chunks.append([])
            current, size = chunks[-1], 0
        current.append(line)
        size += len(line) + 1
    return ["\n".join(c) for c in chunks if c] or [""]


def _height(text: str, width: int) -> float:
    """The row height (points) that shows ``text`` wrapped in a column ``width`` wide."""
    import math

    lines = sum(max(1, math.ceil(len(line) / width)) for line in text.split("\n"))
    return min(MAX_ROW_HEIGHT, ROW_HEIGHT * lines)


def _meta_sheet(ws: Worksheet, meta: dict[str, Any]) -> None:
    """One fact per row: the field, its value wrapped, each row as high as its text."""
    alignment = _openpyxl(".styles").Alignment

    _header(ws, ["Field", "Value"])
    for key, text in meta_rows(meta):
        ws.append([key, text])
        ws.cell(ws.max_row, 2).alignment = alignment(wrap_text=True, vertical="top")
        ws.cell(ws.max_row, 1).alignment = alignment(vertical="top")
        ws.row_dimensions[ws.max_row].height = _height(text, 96)
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = max([len(k) for k in meta] + [10]) + 4
    ws.column_dimensions["B"].width = 100
    _print_setup(ws, 1, 1)


# --------------------------------------------------------------------------- saving

def _created(meta: dict[str, Any]) -> datetime:
    """The meta's creation time as a naive UTC datetime (what docProps/core.xml holds)."""
    text = str(meta.get("created") or "1980-01-01T00:00:00Z")
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return datetime(1980, 1, 1)


def _finish(wb: Workbook, meta: dict[str, Any]) -> bytes:
    """The workbook's bytes with every timestamp set from the meta: docProps/core.xml's
    created and modified, and the zip entries' times (at least 1980, the zip format's
    start)."""
    writer = _openpyxl(".writer.excel").ExcelWriter

    created = _created(meta)
    props = wb.properties
    props.created = props.modified = created
    props.creator = f"spendcalc {meta.get('spendcalc_version', __version__)}"
    props.lastModifiedBy = None
    name = meta.get("scenario")
    props.title = ", ".join(map(str, name)) if isinstance(name, list) else (name or None)
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    writer(wb, archive).save()  # save_workbook would stamp "modified" with the clock
    stamp = max(created, datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()

"""Read NATO's own workbook ("Defence Expenditure of NATO Countries", ``def-exp-YYYY-en.xlsx``)
into a data folder in spendcalc's schema: ``spendcalc data import-nato``.

The layout (data/editions/nato-2026/SOURCES.md, "The workbook's layout"): sheets ``Table 1`` ...
``Table 8b`` in any order; in each, blocks made of a subtitle row (text in column A only), a
header row (column A empty, then years: 2014 ... 2024 as numbers, "2025e" as text for
estimates) and one row per ally, then "NATO Europe and Canada" and "NATO Total". Blocks are
found by their header rows and told apart by their subtitles ("Current prices", "Share of
real GDP", "Equipment (a)", ...), falling back to their order; no row number is assumed.
Labels may carry a currency ("Sweden (Kronor)") and footnote stars; "..", "-" and empty
cells are missing values. The 2025 layout (titles "Defence expenditure", one year fewer) and
the 2026 layout (titles "Core defence expenditure") both read, and so should next year's.

Units as NATO's: national currency and USD in millions, shares in percent, personnel in
thousands. The files are made by ``io.nato_edition`` exactly as the bundled edition's are.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from spendcalc.core.errors import DataError, OutputError

if TYPE_CHECKING:
    import pandas as pd

# --------------------------------------------------------------------------- the tables

TABLES: Final[dict[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "1": (("core_nat_currency_current_m", ("current",)),
          ("core_nat_currency_const_m", ("constant",))),
    "2": (("core_usd_current_m", ("current",)), ("core_usd_const_m", ("constant",))),
    "3": (("core_share_gdp", ("share", "gdp")), ("core_real_change_pct", ("change",))),
    "5": (("gdp_usd_current_m", ("current",)), ("gdp_usd_const_m", ("constant",))),
    "7": (("personnel_k", ("thousand", "personnel")),),
    "8a": (("equipment_share_pct", ("equipment",)), ("personnel_share_pct", ("personnel",))),
    "8b": (("infrastructure_share_pct", ("infrastructure",)), ("other_share_pct", ("other",))),
}
"""Per NATO table: each block's measure and the subtitle words that identify it, in the
blocks' usual order (the order is the fallback when no subtitle matches)."""

ALLY_NAMES: Final[dict[str, str]] = {
    "albania": "ALB", "belgium": "BEL", "bulgaria": "BGR", "canada": "CAN",
    "czechia": "CZE", "czech republic": "CZE", "germany": "DEU", "denmark": "DNK",
    "estonia": "EST", "greece": "GRC", "spain": "ESP", "finland": "FIN", "france": "FRA",
    "croatia": "HRV", "hungary": "HUN", "italy": "ITA", "lithuania": "LTU",
    "luxembourg": "LUX", "latvia": "LVA", "montenegro": "MNE", "north macedonia": "MKD",
    "republic of north macedonia": "MKD", "macedonia": "MKD", "netherlands": "NLD",
    "the netherlands": "NLD", "norway": "NOR", "poland": "POL", "portugal": "PRT",
    "romania": "ROU", "sweden": "SWE", "slovenia": "SVN", "slovak republic": "SVK",
    "slovakia": "SVK", "turkiye": "TUR", "turkey": "TUR", "united kingdom": "GBR",
    "united states": "USA", "united states of america": "USA", "iceland": "ISL",
    "nato europe and canada": "NATO_EUR_CAN", "nato total": "NATO_TOTAL",
}
"""Row labels, normalised (``normalise``), -> ISO3 or NATO's aggregate code. Both editions'
spellings ("Czechia", "Slovak Republic", "Türkiye", "North Macedonia") and older ones."""

NATIONAL_CURRENCY: Final[dict[str, str]] = {
    "ALB": "ALL", "BGR": "BGN", "CAN": "CAD", "CZE": "CZK", "DNK": "DKK", "HRV": "HRK",
    "HUN": "HUF", "LTU": "LTL", "MKD": "MKD", "NOR": "NOK", "POL": "PLN", "ROU": "RON",
    "SWE": "SEK", "TUR": "TRY", "GBR": "GBP", "USA": "USD",
}
"""An ally's own currency when Table 1's label names one other than the euro (Bulgaria in
"Leva" in the 2025 edition, in "Euros" in 2026)."""

MISSING: Final = frozenset({"", "..", "-", "–", "—", "n.a.", "na", "n/a", "x"})
"""Cell texts NATO uses for a value it does not give."""

REQUIRED: Final = ("1", "2", "3", "5", "7", "8a", "8b")


def normalise(label: str) -> str:
    """A row label without currency, footnote marks, accents, case or punctuation:
    "Türkiye*" -> "turkiye", "Sweden (Kronor)" -> "sweden"."""
    text = re.sub(r"\([^)]*\)", " ", label)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z]+", " ", text.lower().replace("&", " and "))
    return " ".join(text.split())


def match_label(label: str) -> str | None:
    """The ISO3 (or aggregate code) a row label names, or None."""
    text = normalise(label)
    if text.startswith("nato") and "europe" in text:
        return "NATO_EUR_CAN"
    return ALLY_NAMES.get(text)


def currency_of(iso3: str, label: str) -> str:
    """The ISO 4217 unit of a Table 1 row: from the label's "(Euros)"/"(Kronor)", else the
    ally's usual unit (``nato_edition.CURRENCY``)."""
    from spendcalc.io.nato_edition import CURRENCY

    found = re.search(r"\(([^)]*)\)", label)
    if found is None:
        return CURRENCY[iso3]
    if normalise(found.group(1)).startswith("euro"):
        return "EUR"
    return NATIONAL_CURRENCY.get(iso3, CURRENCY[iso3])


def parse_year(cell: Any) -> tuple[int, bool] | None:
    """(year, estimate) for a header cell (2014, "2014", "2025e", "2026 e*"), else None."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float) and float(cell).is_integer() and 1990 <= cell <= 2100:
        return int(cell), False
    if isinstance(cell, str):
        found = re.fullmatch(r"\s*((?:19|20)\d\d)(?:\.0)?\s*\(?([eE])?\)?\s*\**\s*", cell)
        if found:
            return int(found.group(1)), found.group(2) is not None
    return None


def parse_value(cell: Any, where: str) -> float | None:
    """A number, or None for NATO's missing markers; DataError naming the cell otherwise."""
    if cell is None or isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell)
    text = str(cell).strip().rstrip("*").strip().replace(",", "").replace("\u00a0", "")
    if text.lower() in MISSING:
        return None
    try:
        return float(text)
    except ValueError:
        raise DataError(f"{where}: {cell!r} is not a number") from None


# --------------------------------------------------------------------------- blocks


@dataclass
class Block:
    """One block of a sheet: its subtitle, its year columns and its labelled rows."""

    subtitle: str
    years: list[tuple[int, int, bool]]
    """(column index, year, estimate) per year column."""
    rows: list[tuple[int, str, tuple[Any, ...]]] = field(default_factory=list)
    """(sheet row number, label, the row's cells)."""


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _header(row: Sequence[Any]) -> list[tuple[int, int, bool]] | None:
    """The year columns if ``row`` is a header row (column A empty or a heading such as
    "Country", not an ally; at least three years, increasing), else None."""
    if not row or match_label(_text(row[0])) is not None:
        return None
    years = [(i, *y) for i, c in enumerate(row) if (y := parse_year(c)) is not None]
    if len(years) < 3 or any(b[1] <= a[1] for a, b in itertools.pairwise(years)):
        return None
    return years


def _only_a(row: Sequence[Any]) -> bool:
    return bool(row) and bool(_text(row[0])) and not any(_text(c) for c in row[1:])


def find_blocks(rows: Sequence[Sequence[Any]]) -> list[Block]:
    """The blocks of a sheet's rows (values only), found by their header rows."""
    blocks: list[Block] = []
    start = 0
    i = 0
    while i < len(rows):
        years = _header(rows[i])
        if years is None:
            i += 1
            continue
        subtitle = next((_text(rows[j][0]) for j in range(i - 1, start - 1, -1)
                         if _only_a(rows[j])), "")
        block = Block(subtitle, years)
        i += 1
        while i < len(rows):
            row = rows[i]
            blank = not any(_text(c) for c in row)
            if (blank and block.rows) or _header(row) is not None or _only_a(row):
                break
            if _text(row[0] if row else "").lower().startswith("note"):
                break
            if not blank:
                block.rows.append((i + 1, _text(row[0]), tuple(row)))
            i += 1
        blocks.append(block)
        start = i
    return blocks


def _measures(table: str, blocks: list[Block]) -> dict[str, Block]:
    """Each block's measure: of those not yet taken, the one whose word comes first in its
    subtitle ("Constant 2021 prices and current exchange rates" is constant), else the
    first not yet taken in the usual order."""
    wanted = list(TABLES[table])
    out: dict[str, Block] = {}
    for block in blocks:
        if not wanted:
            break
        subtitle = block.subtitle.lower()
        found = [(min(i for w in m[1] if (i := subtitle.find(w)) >= 0), k)
                 for k, m in enumerate(wanted) if any(w in subtitle for w in m[1])]
        pick = wanted[min(found)[1]] if found else wanted[0]
        wanted.remove(pick)
        out[pick[0]] = block
    return out


# --------------------------------------------------------------------------- the workbook


@dataclass
class Workbook:
    """What was read from NATO's workbook."""

    path: Path
    long: pd.DataFrame
    """geo, country, year, estimate, measure, value (the layout of ``nato_edition``)."""
    currencies: dict[str, str]
    """iso3 -> ISO 4217 unit of Table 1."""
    titles: dict[str, str]
    """NATO table -> its title (cell A1)."""
    found: dict[str, set[str]]
    """NATO table -> the codes (ISO3 and aggregates) it has rows for."""
    unknown: list[str]
    """Row labels that name no ally or aggregate ("Table 3 row 12: 'Iceland'")."""
    modified: str = ""
    """The workbook's modification date (ISO), from its properties; "" if it has none."""
    years: dict[str, set[int]] = field(default_factory=dict)
    """Each block ("Table 7 (Thousands)") -> the years of its header row."""
    skipped: set[str] = field(default_factory=set)
    """Tables with an Iceland row, which is not used (Iceland has no armed forces)."""

    @property
    def core(self) -> bool:
        """True for the 2026 layout, whose titles say "Core defence expenditure"."""
        return any("core" in t.lower() for t in self.titles.values())


def _not_nato(path: Path, why: str) -> DataError:
    return DataError(f"{path.name}: not NATO's defence expenditure workbook ({why})")


def _open(path: Path) -> Any:
    import importlib

    # openpyxl ships no type information (see io.xlsx); imported only when a workbook is read.
    openpyxl = importlib.import_module("openpyxl")
    invalid = importlib.import_module("openpyxl.utils.exceptions").InvalidFileException
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (invalid, zipfile.BadZipFile, KeyError, OSError, ValueError,
            TypeError) as exc:
        raise _not_nato(path, f"not a readable .xlsx file: {type(exc).__name__}") from None


def _sheets(path: Path, book: Any) -> dict[str, Any]:
    """NATO table ("1" ... "8b") -> its sheet, by sheet name ("Table 3"), else by title."""
    found: dict[str, Any] = {}
    for sheet in book.worksheets:
        name = re.fullmatch(r"\s*table\s*(\d+[ab]?)\s*", sheet.title.lower())
        if name and name.group(1) in TABLES:
            found.setdefault(name.group(1), sheet)
    missing = [t for t in REQUIRED if t not in found]
    if missing:
        names = ", ".join(repr(s.title) for s in book.worksheets[:8])
        raise _not_nato(path, f"no sheet 'Table {missing[0]}'; its sheets: {names}")
    return found


def _read_table(table: str, sheet: Any, book: Workbook, rows_out: list[tuple[Any, ...]]) -> None:
    """Add a sheet's values to ``rows_out`` as (code, label, year, measure, value)."""
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    book.titles[table] = _text(rows[0][0]) if rows and rows[0] else ""
    found = book.found.setdefault(table, set())
    for measure, block in _measures(table, find_blocks(rows)).items():
        name = f"Table {table} ({block.subtitle or measure})"
        book.years[name] = {y for _, y, _ in block.years}
        for line, label, cells in block.rows:
            code = match_label(label)
            if code is None:
                book.unknown.append(f"Table {table} row {line}: {label!r}")
                continue
            if code == "ISL":  # no armed forces: its rows (if any) are not used
                book.skipped.add(f"Table {table}")
                continue
            found.add(code)
            if table == "1" and len(code) == 3:  # an ally, not an aggregate
                book.currencies[code] = currency_of(code, label)
            for col, year, _ in block.years:
                where = f"{book.path.name}: sheet {sheet.title!r} row {line}, {year}"
                value = parse_value(cells[col] if col < len(cells) else None, where)
                if value is not None:
                    rows_out.append((code, label, year, measure, value))


def read_workbook(path: Path) -> Workbook:
    """Read NATO's workbook; DataError (one line) if it is not NATO's or cannot be read."""
    import pandas as pd

    from spendcalc.io.nato_edition import GEO_TO_ISO3

    workbook = _open(path)
    try:
        sheets = _sheets(path, workbook)
        modified = getattr(workbook.properties, "modified", None)
        book = Workbook(path, pd.DataFrame(), {}, {}, {}, [],
                        modified.date().isoformat() if modified is not None else "")
        raw: list[tuple[Any, ...]] = []
        for table in REQUIRED:
            _read_table(table, sheets[table], book, raw)
        share = _measures("3", find_blocks([tuple(r) for r in
                                             sheets["3"].iter_rows(values_only=True)]))
    finally:
        workbook.close()
    if "expenditure" not in book.titles["3"].lower():
        raise _not_nato(path, f"sheet 'Table 3' is titled {book.titles['3']!r}")
    if "core_share_gdp" not in share or not set(book.found["3"]) & set(GEO_TO_ISO3.values()):
        raise _not_nato(path, "sheet 'Table 3' has no block of allies' shares of GDP")
    years = {y: e for _, y, e in share["core_share_gdp"].years}
    geo = {iso3: g for g, iso3 in GEO_TO_ISO3.items()}
    book.long = pd.DataFrame(
        [(geo.get(code, code), label, year, years[year], measure, value)
         for code, label, year, measure, value in raw if year in years],
        columns=["geo", "country", "year", "estimate", "measure", "value"])
    return book


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Check:
    """One line of the import's check table."""

    name: str
    result: str
    ok: bool


def _years_text(years: Iterable[int]) -> str:
    """2016, 2017, 2022-2026."""
    ys = sorted(years)
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def _by_ally(cells: Iterable[tuple[str, int]], names: dict[str, str]) -> str:
    """"Netherlands 2014-2026; Italy 2016, 2017" from (iso3, year) pairs."""
    per: dict[str, list[int]] = {}
    for iso3, year in cells:
        per.setdefault(iso3, []).append(year)
    return "; ".join(f"{names.get(c, c)} {_years_text(ys)}" for c, ys in per.items())


def problems(book: Workbook) -> list[str]:
    """What makes the import unusable as a data folder: an ally or a year missing from the
    tables the calculator needs (Table 3 shares, Table 5 GDP)."""
    from spendcalc.io.nato_edition import GEO_TO_ISO3, wide

    names = _names()
    out = [f"no row for {names[c]} ({tables})" for c, tables in _lost(book).items()]
    w = wide(book.long) if not out else None
    for col, table in (("core_share_gdp", "3"), ("gdp_usd_current_m", "5")):
        if w is not None and col in w and w[col].isna().any():
            gaps = w[w[col].isna()]
            every = [int(str(y)) for y, n in gaps.groupby("year").size().items()
                     if n == len(GEO_TO_ISO3)]
            gaps = gaps[~gaps["year"].isin(every)]
            text = "; ".join(([f"every ally in {_years_text(every)}"] if every else [])
                             + ([_by_ally(zip(gaps["iso3"], gaps["year"], strict=True), names)]
                                if len(gaps) else []))
            out.append(f"Table {table}: no value for {text}")
    return out


def _names() -> dict[str, str]:
    """iso3 -> English name (``members.csv``)."""
    from spendcalc.io.nato_edition import read_members

    members = read_members()
    return dict(zip(members["iso3"], members["member"], strict=True))


def _lost(book: Workbook) -> dict[str, str]:
    """Allies missing from some table -> "Tables 1, 2, 3" (the tables without a row)."""
    from spendcalc.io.nato_edition import GEO_TO_ISO3

    lost: dict[str, list[str]] = {}
    for table in REQUIRED:
        for iso3 in sorted(set(GEO_TO_ISO3.values()) - book.found[table]):
            lost.setdefault(iso3, []).append(table)
    return {c: ("Tables " if len(ts) > 1 else "Table ") + ", ".join(ts)
            for c, ts in lost.items()}


def checks(book: Workbook) -> list[Check]:
    """What the import read, checked: allies and years, shares against USD/GDP, the allies'
    sum against NATO's totals (USD millions, current prices)."""
    from spendcalc.io.nato_edition import GEO_TO_ISO3, release_of

    release = release_of(book.long)
    allies = set(GEO_TO_ISO3.values())
    names = _names()
    lost = _lost(book)
    estimates = ", ".join(f"{y}e" for y in sorted(release.estimate_years)) or "none"
    out = [
        Check("Allies", f"{len(allies & book.found['3'])} of {len(allies)} in Table 3"
              + "".join(f"; missing: {names[c]} ({ts})" for c, ts in lost.items()), not lost),
        Check("Years", f"{release.years[0]}-{release.years[-1]} (estimates: {estimates})"
              + "".join(f"; {block} lacks {_years_text(set(release.years) - ys)}"
                        for block, ys in book.years.items() if set(release.years) - ys),
              all(set(release.years) <= ys for ys in book.years.values())),
    ]
    if book.skipped:
        out.append(Check("Iceland", f"rows in {', '.join(sorted(book.skipped))} not used: no "
                         "armed forces; its GDP comes from the bundled data", True))
    if book.unknown:
        out.append(Check("Unknown rows", f"{len(book.unknown)} skipped: "
                         + "; ".join(book.unknown[:3]), False))
    missing = problems(book)
    if missing and not lost:
        out.append(Check("Missing values", "; ".join(missing), False))
    if lost:
        return out
    return out + _value_checks(book, names)


def _value_checks(book: Workbook, names: dict[str, str]) -> list[Check]:
    """Table 3 against USD/GDP (constant, then current prices) and the allies' sums against
    NATO's aggregates, with the tolerances of NATO's rounding."""
    import pandas as pd

    from spendcalc.io.nato_edition import AGGREGATE_FROM, AGGREGATES, FIRST_YEAR, wide

    w = wide(book.long)
    groups = wide(book.long, aggregates=True)
    both = pd.concat([w, groups.rename(columns={"group": "iso3"})], ignore_index=True)
    names = {**names, **AGGREGATES}
    out = []
    for prices, usd, gdp, slack in (("constant", "core_usd_const_m", "gdp_usd_const_m", 0.005),
                                    ("current", "core_usd_current_m", "gdp_usd_current_m", 0.01)):
        check = f"Table 3 shares vs USD/GDP ({prices} prices)"
        if prices == "current":  # NATO's current GDP totals include Iceland's: allies only
            both = both[both["iso3"].str.len() == 3]
        if usd not in both or gdp not in both:
            out.append(Check(check, "not in the workbook", False))
            continue
        ratio = 100 * both[usd] / both[gdp]
        share = both["core_share_gdp"]
        tol = slack + share * (0.5 / both[usd] + 0.5 / both[gdp]) + 1e-9
        off = both[(ratio - share).abs() > tol]
        n = int(ratio.notna().sum())
        text = f"{n - len(off)} of {n} rows agree within rounding"
        if len(off):
            text += f"; differ: {_by_ally(zip(off['iso3'], off['year'], strict=True), names)}"
        out.append(Check(check, text, off.empty))
    groups = groups.set_index(["group", "year"])
    counted = w[w["year"] >= w["iso3"].map(AGGREGATE_FROM).fillna(FIRST_YEAR)]
    for group, label, rows in (("NATO_TOTAL", "NATO Total", counted),
                               ("NATO_EUR_CAN", "NATO Europe and Canada",
                                counted[counted["iso3"] != "USA"])):
        sums = rows.groupby("year")["core_usd_current_m"].sum()
        gaps = {y: abs(float(sums[y]) - float(groups.loc[(group, y), "core_usd_current_m"]))
                for y in sums.index if (group, y) in groups.index}
        if not gaps:
            out.append(Check(f"Allies' sum vs {label}", "no aggregate row", False))
            continue
        worst = max(gaps, key=lambda y: gaps[y])
        ok = gaps[worst] <= 3
        out.append(Check(f"Allies' sum vs {label}",
                         f"largest gap USD {gaps[worst]:,.0f} m ({worst}; current prices, "
                         f"{len(gaps)} years){'' if ok else ': more than rounding'}", ok))
    return out


# --------------------------------------------------------------------------- the folder


def import_files(book: Workbook) -> dict[str, bytes]:
    """The data folder's files (name -> bytes), made as the bundled edition's are: the
    edition's seven files and a ``sources.csv`` (the bundled register plus this release's
    ids). Iceland, absent from NATO's tables, gets empty share rows and the bundled GDP,
    grown after 2024 by IMF real growth x US CPI (``nato_edition.iceland_gdp_imf``)."""
    import csv
    import io

    import pandas as pd

    from spendcalc.io import nato_edition as ne
    from spendcalc.io.resources import bundled_dir

    release = ne.release_of(book.long)
    projections = pd.read_csv(bundled_dir("data") / "gdp_projections.csv")
    iceland = ne.iceland_gdp_imf(ne.read_existing_gdp(), projections, release.years[-1])
    try:
        frames = ne.to_edition_files(book.long, iceland_gdp_extra=iceland, release=release,
                                     currencies={**ne.CURRENCY, **book.currencies})
    except ValueError as exc:
        raise DataError(f"{book.path.name}: {exc}") from None
    files = ne.edition_bytes(frames)
    first, last = release.years[0], release.years[-1]
    kind = "core defence expenditure" if book.core else "defence expenditure"
    estimates = " and ".join(f"{y}e" for y in sorted(release.estimate_years)) or "no"
    register = (bundled_dir("data") / "sources.csv").read_bytes()
    known = {row["source_id"] for row in csv.DictReader(io.StringIO(register.decode("utf-8")))}
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(row for row in [
        (release.source_id, f"NATO, Defence Expenditure of NATO Countries ({first}-{last}), "
         f"Excel tables ({kind}; imported from {book.path.name})", book.modified, "high"),
        (release.estimate_source_id, f"{release.source_id} estimate rows ({estimates}) in "
         "files without an estimate column", book.modified, "high")] if row[0] not in known)
    files["sources.csv"] = register + text.getvalue().encode("utf-8")
    return files


def write_folder(folder: Path, files: dict[str, bytes], *, force: bool = False) -> None:
    """Write ``files`` into ``folder`` all or nothing, after checking that they load as a
    ``--data`` folder. Never over an existing file without ``force``; a missing folder
    (and its parents) is made."""
    from spendcalc.io.data import load_dataset
    from spendcalc.io.outputs import write_files_atomic

    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder")
    clash = sorted(n for n in files if (folder / n).exists())
    if clash and not force:
        raise OutputError(f"{folder}: already holds {', '.join(clash[:3])}"
                          f"{' ...' if len(clash) > 3 else ''}; use --force to replace them")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write here ({exc.strerror or exc})") from None
    try:
        for name, content in files.items():
            (temp / name).write_bytes(content)
        try:
            load_dataset(temp)
        except DataError as exc:
            raise DataError(f"the imported files do not load as a data folder: "
                            f"{str(exc).replace(str(temp), str(folder))}") from None
        if not folder.exists():
            try:
                os.replace(temp, folder)  # one rename: the folder appears whole
            except OSError as exc:
                raise OutputError(f"{folder}: could not write ({exc.strerror or exc})") from None
            return
        write_files_atomic({folder / n: c for n, c in files.items()})
    finally:
        shutil.rmtree(temp, ignore_errors=True)

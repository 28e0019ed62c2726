"""Turn a NATO edition, in long format, into spendcalc's data files.

Used by ``tools/build_nato_2026.py`` (from the long CSV of the 2026 workbook) and by
``spendcalc data import-nato`` (``io.nato_workbook``, from NATO's own workbook). The release's
years, estimate years and source ids come from the data (``Release``); the defaults are the
2026 edition's.

Input: the long table ``geo,country,year,estimate,measure,value`` parsed from NATO's workbook
"Defence Expenditure of NATO Countries (2014-2026)" (July 2026). See
``/work/shared/data/nato-2026/SOURCES.md``. ``geo`` is a Eurostat-style code (EL = Greece,
UK = United Kingdom) and country names are in Italian. The rows cover 31 allies plus two
aggregates, NATO_EUR_CAN and NATO_TOTAL. Iceland, which has no armed forces, is not in
NATO's tables.

Output: one ``pandas.DataFrame`` per spendcalc file (``to_edition_files``), with numbers
already rounded to the precision that is written. ``write_edition_files`` writes them in the
existing files' style:

* shares of GDP have 2 decimals, the precision of NATO's Table 3;
* USD and national-currency millions have 1 decimal, as ``defence_usd_m_current`` has now;
* GDP in USD bn has 3 decimals;
* component shares are written as the shortest float, as ``equipment_share.csv`` has now;
* ``estimate`` is written ``true``/``false``, and missing values are empty cells;
* line endings follow the file being replaced (CRLF for the main file and ``gdp.csv``,
  LF otherwise).

Rows are ordered by (iso3, year), or by (group, year) for the aggregates.

Only the standard library and pandas are used. Nothing here reads the network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from spendcalc.io.resources import bundled_dir

# --------------------------------------------------------------------------- constants

SOURCE_ID: Final = "NATO-DE-2026"
"""Rows read from the 2026 edition."""
ESTIMATE_SOURCE_ID: Final = "NATO-DE-2026-EST"
"""2025e/2026e rows of files without an ``estimate`` column. This follows the
``NATO-DE-2024-EST`` convention of ``equipment_share.csv``."""
DERIVED_SOURCE_ID: Final = "NATO-DE-2026-derived"
"""Values derived from the 2026 edition (Iceland's GDP as a residual of NATO's total)."""

FIRST_YEAR: Final = 2014
LAST_YEAR: Final = 2026
YEARS: Final = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
ESTIMATE_YEARS: Final = frozenset({2025, 2026})

ICELAND: Final = "ISL"


@dataclass(frozen=True)
class Release:
    """What differs from one NATO release to the next: its years, which of them are
    estimates ("2026e"), and the source id of its rows (``NATO-DE-<last year>``)."""

    years: tuple[int, ...] = YEARS
    estimate_years: frozenset[int] = ESTIMATE_YEARS
    source_id: str = SOURCE_ID

    @property
    def estimate_source_id(self) -> str:
        """The id of estimate rows in files without an ``estimate`` column."""
        return f"{self.source_id}-EST"

    def source_for(self, year: int) -> str:
        """source_id for a row of a file without an ``estimate`` column."""
        return self.estimate_source_id if year in self.estimate_years else self.source_id


def release_of(long_df: pd.DataFrame, source_id: str | None = None) -> Release:
    """The release a long table holds: its years, its estimate years (rows flagged
    ``estimate``) and ``source_id`` (default ``NATO-DE-<last year>``)."""
    years = tuple(sorted(int(y) for y in set(long_df["year"])))
    estimates = frozenset(int(y) for y in set(long_df.loc[long_df["estimate"].astype(bool),
                                                          "year"]))
    return Release(years, estimates, source_id or f"NATO-DE-{years[-1]}")


GEO_TO_ISO3: Final[Mapping[str, str]] = {
    "AL": "ALB", "BE": "BEL", "BG": "BGR", "CA": "CAN", "CZ": "CZE", "DE": "DEU",
    "DK": "DNK", "EE": "EST", "EL": "GRC", "ES": "ESP", "FI": "FIN", "FR": "FRA",
    "HR": "HRV", "HU": "HUN", "IT": "ITA", "LT": "LTU", "LU": "LUX", "LV": "LVA",
    "ME": "MNE", "MK": "MKD", "NL": "NLD", "NO": "NOR", "PL": "POL", "PT": "PRT",
    "RO": "ROU", "SE": "SWE", "SI": "SVN", "SK": "SVK", "TR": "TUR", "UK": "GBR",
    "US": "USA",
}
"""The 31 allies in NATO's tables: Eurostat-style geo code -> ISO 3166-1 alpha-3."""

AGGREGATES: Final[Mapping[str, str]] = {
    "NATO_EUR_CAN": "NATO Europe and Canada",
    "NATO_TOTAL": "NATO Total",
}
"""NATO's aggregate rows (geo code -> NATO's English label). They are not allies."""

AGGREGATE_FROM: Final[Mapping[str, int]] = {"MNE": 2017, "MKD": 2020, "FIN": 2023, "SWE": 2024}
"""The first year that NATO's aggregates count each later-joining ally. Other allies are
counted from 2014. Checked: the allies' core USD sum to NATO_TOTAL within 3 million in every
year on this rule."""

CURRENCY: Final[Mapping[str, str]] = {
    "ALB": "ALL", "BEL": "EUR", "BGR": "EUR", "CAN": "CAD", "CZE": "CZK", "DEU": "EUR",
    "DNK": "DKK", "EST": "EUR", "GRC": "EUR", "ESP": "EUR", "FIN": "EUR", "FRA": "EUR",
    "HRV": "EUR", "HUN": "HUF", "ITA": "EUR", "LTU": "EUR", "LUX": "EUR", "LVA": "EUR",
    "MNE": "EUR", "MKD": "MKD", "NLD": "EUR", "NOR": "NOK", "POL": "PLN", "PRT": "EUR",
    "ROU": "RON", "SWE": "SEK", "SVN": "EUR", "SVK": "EUR", "TUR": "TRY", "GBR": "GBP",
    "USA": "USD",
}
"""ISO 4217 unit of NATO's Table 1 for each ally, the same for every year 2014-2026.

This is the currency NATO reports in, not the legal tender of each year. The implied rates
(Table 1 / Table 2) show that NATO gives the whole series in euro for three allies:

* Croatia, in euro from 2023: earlier HRK converted at 7.53450;
* Bulgaria, in euro from 2026: earlier BGN converted at 1.95583;
* Lithuania, in euro from 2015: 2014 LTL converted at 3.45280.

Their implied rates equal the euro-area rate in every year, Croatia's included. Montenegro
uses the euro without being in the euro area."""

EURO_ADOPTION: Final[Mapping[str, tuple[int, str, float]]] = {
    "LTU": (2015, "LTL", 3.45280),
    "HRV": (2023, "HRK", 7.53450),
    "BGR": (2026, "BGN", 1.95583),
}
"""Allies that adopted the euro during 2014-2026: (year, former currency, units per EUR)."""

DEFAULT_DATA_DIR: Final = bundled_dir("data")

LONG_COLUMNS: Final = ("geo", "country", "year", "estimate", "measure", "value")

# Output file names
MAIN_FILE: Final = "nato_defence_expenditure.csv"
GDP_FILE: Final = "gdp.csv"
EQUIPMENT_FILE: Final = "equipment_share.csv"
PERSONNEL_FILE: Final = "personnel.csv"
CURRENCY_FILE: Final = "national_currency.csv"
BREAKDOWN_FILE: Final = "breakdown.csv"
AGGREGATES_FILE: Final = "aggregates.csv"
REAL_CHANGE_FILE: Final = "real_change.csv"

BREAKDOWN_MEASURES: Final = ("equipment_share_pct", "personnel_share_pct",
                             "infrastructure_share_pct", "other_share_pct")

# --------------------------------------------------------------------------- reading


def read_long(path: Path | str) -> pd.DataFrame:
    """Read the long CSV and check its shape: ValueError if a column, code or year is wrong.

    ``value`` is float. ``estimate`` is bool (the file writes ``True``/``False``).
    """
    df = pd.read_csv(path, dtype={"geo": str, "country": str, "measure": str,
                                  "year": int, "value": float})
    if tuple(df.columns) != LONG_COLUMNS:
        raise ValueError(f"{path}: columns {list(df.columns)}; expected {list(LONG_COLUMNS)}")
    if df["estimate"].dtype != bool:
        df["estimate"] = df["estimate"].astype(str).str.strip().str.lower().map(
            {"true": True, "false": False})
        if df["estimate"].isna().any():
            raise ValueError(f"{path}: estimate must be True or False")
    validate_long(df)
    return df


def validate_long(long_df: pd.DataFrame) -> None:
    """Check codes, years (consecutive), duplicates and the estimate flag (the same for
    every row of a year) of a long table."""
    unknown = set(long_df["geo"]) - set(GEO_TO_ISO3) - set(AGGREGATES)
    if unknown:
        raise ValueError(f"unknown geo codes: {sorted(unknown)}")
    missing = set(GEO_TO_ISO3) - set(long_df["geo"])
    if missing:
        raise ValueError(f"allies missing: {sorted(missing)}")
    years = sorted(set(long_df["year"]))
    if years != list(range(years[0], years[-1] + 1)):
        raise ValueError(f"years {years} are not consecutive")
    dup = long_df.duplicated(["geo", "measure", "year"])
    if dup.any():
        raise ValueError(f"{int(dup.sum())} duplicate (geo, measure, year) rows")
    flagged = long_df["estimate"].astype(bool)
    estimates = release_of(long_df).estimate_years
    if not (flagged == long_df["year"].isin(estimates)).all():
        raise ValueError(f"estimate is not the same for every row of a year {sorted(estimates)}")


def read_members(data_dir: Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """spendcalc's ``members.csv``: iso3, English name, armed_forces (bool)."""
    members = pd.read_csv(data_dir / "members.csv", dtype=str, keep_default_na=False)
    members["armed_forces"] = members["armed_forces"].str.lower() == "true"
    return members[["iso3", "member", "armed_forces"]]


def read_existing_gdp(data_dir: Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """spendcalc's current ``gdp.csv`` (iso3, year, gdp_usd_bn_current, source_id)."""
    gdp = pd.read_csv(data_dir / "gdp.csv", dtype={"iso3": str, "year": int,
                                                   "gdp_usd_bn_current": float,
                                                   "source_id": str})
    return gdp

# --------------------------------------------------------------------------- reshaping


def wide(long_df: pd.DataFrame, *, aggregates: bool = False) -> pd.DataFrame:
    """One row per (iso3, year) for the allies, or per (group, year) with ``aggregates``.
    One column per measure. Cells NATO left empty are NaN."""
    keep = set(AGGREGATES) if aggregates else set(GEO_TO_ISO3)
    sub = long_df[long_df["geo"].isin(keep)]
    table = sub.pivot(index=["geo", "year"], columns="measure", values="value")
    table.columns.name = None
    table = table.reset_index()
    key = "group" if aggregates else "iso3"
    table.insert(0, key, table.pop("geo") if aggregates else table.pop("geo").map(GEO_TO_ISO3))
    return table.sort_values([key, "year"]).reset_index(drop=True)


def source_for(year: int) -> str:
    """source_id for a row of a file without an ``estimate`` column (the 2026 edition)."""
    return Release().source_for(year)


def iceland_gdp_residual(long_df: pd.DataFrame) -> pd.DataFrame:
    """Iceland's GDP implied by NATO's own aggregate: NATO_TOTAL minus the allies it counts.

    NATO's Table 5 total includes Iceland's GDP although Iceland has no row. The allies'
    defence spending sums to NATO_TOTAL within rounding, so the GDP gap is Iceland's. The
    result is in USD bn, rounded to 3 decimals, with source_id ``NATO-DE-2026-derived``.
    Each allied value is rounded to USD 1 m, so the residual is good to a few million.
    This function does not decide whether the residual is used; see SOURCES.md.
    """
    w = wide(long_df)
    groups = wide(long_df, aggregates=True)
    total = groups[groups["group"] == "NATO_TOTAL"].set_index("year")["gdp_usd_current_m"]
    counted = w["year"] >= w["iso3"].map(AGGREGATE_FROM).fillna(FIRST_YEAR)
    allies = w[counted].groupby("year")["gdp_usd_current_m"].sum()
    out = pd.DataFrame({"iso3": ICELAND, "year": list(YEARS)})
    out["gdp_usd_bn_current"] = [round((total[y] - allies[y]) / 1000, 3) for y in YEARS]
    out["source_id"] = DERIVED_SOURCE_ID
    return out

IMF_DERIVED_SOURCE_ID: Final = "IMF-WEO-2025-10-derived"
"""Iceland's GDP after NATO's 2024 figure, grown by the rule spendcalc uses after NATO's GDP."""


def iceland_gdp_imf(existing_gdp: pd.DataFrame, projections: pd.DataFrame,
                    last_year: int = LAST_YEAR) -> pd.DataFrame:
    """Iceland's GDP after its last NATO figure to ``last_year`` (2025-2026 for the 2026
    edition), USD bn current: its 2024 GDP grown each year by
    (1 + IMF real growth of Iceland) x (1 + US CPI inflation), percent from
    ``gdp_projections.csv`` (IMF WEO October 2025). This is the rule spendcalc's 2025 edition
    applies to every ally after NATO's GDP ends, so the 2026 edition gives Iceland the same
    figures the 2025 edition projected for it. Rounded to 3 decimals."""
    isl = existing_gdp[existing_gdp["iso3"] == ICELAND].set_index("year")["gdp_usd_bn_current"]
    keys = list(zip(projections["iso3"], projections["period"].astype(int), strict=True))
    real_pct = dict(zip(keys, projections["real_gdp_growth_pct"].astype(float), strict=True))
    cpi_pct = dict(zip(keys, projections["cpi_inflation_pct"].astype(float), strict=True))
    value = float(isl[isl.index.max()])
    rows = []
    for year in range(int(isl.index.max()) + 1, last_year + 1):
        real, cpi = real_pct[(ICELAND, year)], cpi_pct[("USA", year)]
        value *= (1 + real / 100) * (1 + cpi / 100)
        rows.append((ICELAND, year, round(value, 3), IMF_DERIVED_SOURCE_ID))
    return pd.DataFrame(rows, columns=["iso3", "year", "gdp_usd_bn_current", "source_id"])


# --------------------------------------------------------------------------- the files


def _main_file(w: pd.DataFrame, names: Mapping[str, str], unarmed: list[str],
               release: Release) -> pd.DataFrame:
    """nato_defence_expenditure.csv: Table 3 share (% of GDP), Table 2 current USD m, and
    empty rows for allies without armed forces (Iceland)."""
    main = pd.DataFrame({
        "iso3": w["iso3"], "member": w["iso3"].map(names), "year": w["year"],
        "defence_share_gdp_pct": w["core_share_gdp"],
        "defence_usd_m_current": w["core_usd_current_m"],
    })
    empty = pd.DataFrame([(c, names[c], y) for c in unarmed for y in release.years],
                         columns=["iso3", "member", "year"])
    main = pd.concat([main, empty], ignore_index=True)
    main["estimate"] = main["year"].isin(release.estimate_years)
    main["source_id"] = release.source_id
    return main


def _gdp_file(w: pd.DataFrame, existing_gdp: pd.DataFrame, unarmed: list[str],
              release: Release, iceland_gdp_extra: pd.DataFrame | None) -> pd.DataFrame:
    """gdp.csv: Table 5 current USD m -> bn. Iceland's rows come from the existing file,
    plus ``iceland_gdp_extra`` for the years that file lacks."""
    gdp = pd.DataFrame({"iso3": w["iso3"], "year": w["year"],
                        "gdp_usd_bn_current": (w["gdp_usd_current_m"] / 1000).round(3),
                        "source_id": release.source_id})
    kept = existing_gdp[existing_gdp["iso3"].isin(unarmed)
                        & existing_gdp["year"].isin(release.years)]
    parts = [gdp, kept[["iso3", "year", "gdp_usd_bn_current", "source_id"]]]
    if iceland_gdp_extra is not None:
        have = pd.MultiIndex.from_frame(kept[["iso3", "year"]])
        new = ~pd.MultiIndex.from_frame(iceland_gdp_extra[["iso3", "year"]]).isin(have)
        parts.append(iceland_gdp_extra.loc[new, ["iso3", "year", "gdp_usd_bn_current",
                                                 "source_id"]])
    return pd.concat(parts, ignore_index=True)


def to_edition_files(
    long_df: pd.DataFrame,
    *,
    members: pd.DataFrame | None = None,
    existing_gdp: pd.DataFrame | None = None,
    iceland_gdp_extra: pd.DataFrame | None = None,
    release: Release | None = None,
    currencies: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Convert the long table into spendcalc's files (file name -> frame).

    ``members`` and ``existing_gdp`` default to ``data/members.csv`` and ``data/gdp.csv`` of
    this repository. Iceland's GDP rows are copied from ``existing_gdp`` with their
    source_id. ``iceland_gdp_extra`` adds rows for years that file lacks (2025-2026). It is
    off by default, and the decision is documented in SOURCES.md. ``release`` defaults to
    the one ``long_df`` holds (``release_of``); ``currencies`` (iso3 -> ISO 4217 code of
    Table 1) to ``CURRENCY``.
    """
    validate_long(long_df)
    release = release_of(long_df) if release is None else release
    currencies = CURRENCY if currencies is None else currencies

    def _sources(years: pd.Series) -> pd.Series:
        return years.map(release.source_for)

    members = read_members() if members is None else members
    existing_gdp = read_existing_gdp() if existing_gdp is None else existing_gdp
    names = dict(zip(members["iso3"], members["member"], strict=True))
    unarmed = sorted(members.loc[~members["armed_forces"], "iso3"])
    if set(GEO_TO_ISO3.values()) | set(unarmed) != set(names):
        raise ValueError("members.csv does not list exactly NATO's 31 allies plus Iceland")

    w = wide(long_df)
    for col in ("core_share_gdp", "equipment_share_pct"):
        if (w[col].notna() & (w[col].round(2) != w[col])).any():
            raise ValueError(f"{col} has more than 2 decimals; the output would lose them")

    main = _main_file(w, names, unarmed, release)
    gdp = _gdp_file(w, existing_gdp, unarmed, release, iceland_gdp_extra)

    equipment = pd.DataFrame({"iso3": w["iso3"], "year": w["year"],
                              "equipment_share_pct": w["equipment_share_pct"],
                              "source_id": _sources(w["year"])})

    personnel = pd.DataFrame({"iso3": w["iso3"], "year": w["year"],
                              "personnel_k": w["personnel_k"],
                              "source_id": _sources(w["year"])})

    currency = pd.DataFrame({
        "iso3": w["iso3"], "year": w["year"], "currency": w["iso3"].map(currencies),
        "core_nat_currency_current_m": w["core_nat_currency_current_m"],
        "core_usd_current_m": w["core_usd_current_m"],
        "usd_rate": (w["core_nat_currency_current_m"] / w["core_usd_current_m"]).round(4),
        "source_id": _sources(w["year"]),
    })

    real_change = pd.DataFrame({"iso3": w["iso3"], "year": w["year"],
                                "core_real_change_pct": w["core_real_change_pct"],
                                "source_id": _sources(w["year"])})

    breakdown = w[["iso3", "year", *BREAKDOWN_MEASURES]].copy()
    breakdown["source_id"] = _sources(w["year"])

    a = wide(long_df, aggregates=True)
    aggregates = pd.DataFrame({"group": a["group"], "year": a["year"],
                               "core_usd_current_m": a["core_usd_current_m"],
                               "core_share_gdp": a["core_share_gdp"],
                               "source_id": _sources(a["year"])})

    files = {MAIN_FILE: main, GDP_FILE: gdp, EQUIPMENT_FILE: equipment,
             PERSONNEL_FILE: personnel, CURRENCY_FILE: currency,
             BREAKDOWN_FILE: breakdown, AGGREGATES_FILE: aggregates,
             REAL_CHANGE_FILE: real_change}
    for name, frame in files.items():
        key = "group" if name == AGGREGATES_FILE else "iso3"
        files[name] = frame.sort_values([key, "year"]).reset_index(drop=True)
    return files

# --------------------------------------------------------------------------- writing


def _fixed(decimals: int) -> Callable[[float], str]:
    return lambda x: "" if pd.isna(x) else f"{x:.{decimals}f}"


def _shortest(x: float) -> str:
    """Shortest float text, as ``equipment_share.csv`` writes it: 15.0, 8.1, 16.65."""
    return "" if pd.isna(x) else repr(round(float(x), 2))


def _bool(x: bool) -> str:
    return "true" if x else "false"


FORMATS: Final[Mapping[str, Mapping[str, Callable[..., str]]]] = {
    MAIN_FILE: {"defence_share_gdp_pct": _fixed(2), "defence_usd_m_current": _fixed(1),
                "estimate": _bool},
    GDP_FILE: {"gdp_usd_bn_current": _fixed(3)},
    EQUIPMENT_FILE: {"equipment_share_pct": _shortest},
    PERSONNEL_FILE: {"personnel_k": _fixed(1)},
    CURRENCY_FILE: {"core_nat_currency_current_m": _fixed(1), "core_usd_current_m": _fixed(1),
                    "usd_rate": _fixed(4)},
    BREAKDOWN_FILE: {c: _shortest for c in BREAKDOWN_MEASURES},
    AGGREGATES_FILE: {"core_usd_current_m": _fixed(1), "core_share_gdp": _fixed(2)},
    REAL_CHANGE_FILE: {"core_real_change_pct": _fixed(2)},
}
"""Text format per file and column. Columns not listed are written as they are."""

LINE_ENDINGS: Final[Mapping[str, str]] = {MAIN_FILE: "\r\n", GDP_FILE: "\r\n"}
"""CRLF for the two files whose current versions use it. Every other file gets LF."""


def format_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the text that is written (every cell a str)."""
    out = frame.copy()
    for col, fmt in FORMATS.get(name, {}).items():
        out[col] = out[col].map(fmt)
    return out.astype(str)


def edition_bytes(files: Mapping[str, pd.DataFrame]) -> dict[str, bytes]:
    """Each frame as the UTF-8 CSV bytes that are written (file name -> bytes)."""
    return {name: format_frame(name, frame).to_csv(
                index=False, lineterminator=LINE_ENDINGS.get(name, "\n")).encode("utf-8")
            for name, frame in files.items()}


def write_edition_files(files: Mapping[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Write each frame as UTF-8 CSV into ``out_dir``, creating it. Returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in edition_bytes(files).items():
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written

"""Load and validate the data behind claim checks and budget trade-offs.

Five files, each from the user's ``--data`` folder where it has one, else bundled (see
``data/SOURCES.md`` and ``data/SOURCES_fiscal.md`` for where every figure was read):

- ``fiscal.csv``: general-government spending by function, total expenditure, revenue and
  gross debt, **percent of GDP**, one row per (member, year, indicator);
- ``population.csv``: population, **millions**, to 2024;
- ``equipment_share.csv``: NATO's share of defence spending on major equipment, **percent of
  defence spending**, to 2024;
- ``arms_imports.csv``: SIPRI's share of an importer group's arms imports supplied by one
  country, **percent of import volume** (trend-indicator values, not money);
- ``nato_defence_expenditure_vintages.csv``: every published value of every NATO (and SIPRI)
  edition, long format, for checking claims against the edition they were made from.

Read with the standard ``csv`` module like ``spendcalc.io.data``; every problem is a
``DataError`` naming the file, the row and the field. Missing country-years stay missing:
nothing here fills a gap. In ``fiscal.csv`` an empty ``value_pct_gdp`` cell is such a gap,
written on purpose (the source has no figure for that year: shown as "no data", never zero);
anything else that is not a finite number, ``NaN`` included, is an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spendcalc.core.dataset import Dataset
from spendcalc.core.errors import DataError
from spendcalc.io.data import MEMBERS_FILE, bool_cell, number_cell, read_rows, year_cell

FISCAL_FILE = "fiscal.csv"
POPULATION_FILE = "population.csv"
EQUIPMENT_FILE = "equipment_share.csv"
ARMS_IMPORTS_FILE = "arms_imports.csv"
VINTAGES_FILE = "nato_defence_expenditure_vintages.csv"

BUDGET_LINES = ("health", "education", "social_protection", "gov_expenditure")
"""Budget lines the extra defence spending is compared with (``financing.cut_line``)."""

INDICATORS = (*BUDGET_LINES, "defence_cofog", "gov_revenue", "gov_debt")

LINE_LABELS = {
    "health": "health",
    "education": "education",
    "social_protection": "social protection",
    "gov_expenditure": "total government expenditure",
    "defence_cofog": "defence (COFOG)",
    "gov_revenue": "government revenue",
    "gov_debt": "gross government debt",
}

# Short labels for source lines on charts and tables. The full register of these sources is in
# data/SOURCES_fiscal.md (they are not, or not yet, rows of data/sources.csv).
SOURCE_LABELS = {
    "IMF-GFS-COFOG-2026-07": "IMF GFS COFOG (pulled Jul 2026)",
    "IMF-FPP-2026-07": "IMF Public Finances in Modern History (Jul 2026)",
    "EUROSTAT-GOV10AMAIN-2026-07-derived": "Eurostat gov_10a_main (derived, Jul 2026)",
    "GMD-2026-06": "Global Macro Database (Jun 2026)",
    "IMF-WEO-2026-04": "IMF WEO Apr 2026",
    "IMF-WEO-2026-04-PROJ": "IMF WEO Apr 2026 (projection)",
    "NATO-DE-2024": "NATO Defence Expenditure, Jun 2024",
    "NATO-DE-2024-EST": "NATO Defence Expenditure, Jun 2024 (estimate)",
    "NATO-DE-2024-derived": "derived from NATO Defence Expenditure, Jun 2024",
    "SIPRI-ATT-2025": "SIPRI Trends in International Arms Transfers, 2024 (Mar 2025)",
    "SIPRI-ATT-2026": "SIPRI Trends in International Arms Transfers, 2025 (Mar 2026)",
}

# Plausible ranges, percent of GDP: a value outside is a unit mistake, not data.
_RANGES = {"gov_debt": (0.0, 400.0), "gov_expenditure": (0.0, 100.0),
           "gov_revenue": (0.0, 100.0)}


@dataclass(frozen=True)
class Observation:
    """One value with the year it refers to and its source."""

    value: float
    year: int
    source_id: str


@dataclass(frozen=True)
class ArmsImportShare:
    """A row of ``arms_imports.csv``: ``share_pct`` percent of the group's arms imports
    (by volume, SIPRI trend-indicator values) came from ``supplier`` in ``period``."""

    importer_group: str
    period: str
    supplier: str
    share_pct: float
    source_id: str


@dataclass(frozen=True)
class VintageValue:
    """A row of the vintages file: one value of one edition (``source_id``)."""

    iso3: str
    year: int
    metric: str
    value: float
    estimate: bool
    source_id: str
    note: str


@dataclass(frozen=True)
class FiscalData:
    """The five files, validated. Keys are member codes as in ``members.csv``."""

    directory: Path | None
    fiscal: dict[tuple[str, str], dict[int, Observation]]
    """(iso3, indicator) -> year -> value, percent of GDP."""
    population_m: dict[str, dict[int, Observation]]
    """iso3 -> year -> population, millions."""
    equipment_share: dict[str, dict[int, Observation]]
    """iso3 -> year -> share of defence spending on major equipment, percent."""
    arms_imports: tuple[ArmsImportShare, ...]
    vintages: dict[tuple[str, str, str, int], VintageValue]
    """(source_id, metric, iso3, year) -> value."""

    def series(self, iso3: str, indicator: str) -> dict[int, Observation]:
        """Every year of one indicator for one member (empty if none)."""
        return self.fiscal.get((iso3, indicator), {})

    def latest(self, iso3: str, indicator: str, up_to: int | None = None) -> Observation | None:
        """The latest value of ``indicator`` for ``iso3`` (at or before ``up_to``), or None."""
        years = [y for y in self.series(iso3, indicator) if up_to is None or y <= up_to]
        return self.series(iso3, indicator)[max(years)] if years else None

    def latest_population(self, iso3: str) -> Observation | None:
        years = self.population_m.get(iso3, {})
        return years[max(years)] if years else None

    def latest_equipment_share(self, iso3: str) -> Observation | None:
        years = self.equipment_share.get(iso3, {})
        return years[max(years)] if years else None

    def vintage_value(self, source_id: str, metric: str, iso3: str,
                      year: int) -> VintageValue | None:
        return self.vintages.get((source_id, metric, iso3, year))


def load_fiscal(data: Dataset) -> FiscalData:
    """The five files as ``data`` reads them: a user folder's copies where it has them, else
    the bundled ``data/``."""
    return _load_cached(tuple(data.path(name) for name in (
        FISCAL_FILE, POPULATION_FILE, EQUIPMENT_FILE, ARMS_IMPORTS_FILE, VINTAGES_FILE)),
        frozenset(data.codes), data.directory)


def _check_member(path: Path, line: int, iso3: str, codes: frozenset[str]) -> None:
    if iso3 not in codes:
        raise DataError(f"{path.name}: row {line}: iso3 = {iso3!r} is not in {MEMBERS_FILE}")


@cache
def _load_cached(paths: tuple[Path, ...], codes: frozenset[str],
                 directory: Path | None) -> FiscalData:
    fiscal, population, equipment, arms, vintages = paths
    return FiscalData(
        directory=directory,
        fiscal=_load_fiscal(fiscal, codes),
        population_m=_load_member_years(population, codes, "population_m",
                                        low=0.0, high=2000.0, positive=True),
        equipment_share=_load_member_years(equipment, codes,
                                           "equipment_share_pct", low=0.0, high=100.0),
        arms_imports=_load_arms_imports(arms),
        vintages=_load_vintages(vintages, codes),
    )


def _source(path: Path, line: int, row: dict[str, str]) -> str:
    text = (row.get("source_id") or "").strip()
    if not text:
        raise DataError(f"{path.name}: row {line}: source_id is empty (every value needs one)")
    return text


def _load_fiscal(path: Path,
                 codes: frozenset[str]) -> dict[tuple[str, str], dict[int, Observation]]:
    out: dict[tuple[str, str], dict[int, Observation]] = {}
    gaps: set[tuple[str, str, int]] = set()
    cols = ("iso3", "year", "indicator", "value_pct_gdp", "source_id")
    for line, row in read_rows(path, cols):
        iso3 = row["iso3"].strip()
        _check_member(path, line, iso3, codes)
        indicator = row["indicator"].strip()
        if indicator not in INDICATORS:
            raise DataError(f"{path.name}: row {line}: indicator = {indicator!r}; allowed: "
                            f"{', '.join(INDICATORS)}")
        year = year_cell(path, line, row)
        low, high = _RANGES.get(indicator, (0.0, 60.0))
        # An empty cell is a deliberate gap (no figure published: "no data", never zero);
        # text such as NaN is a malformed cell and an error (number_cell).
        value = number_cell(path, line, row, "value_pct_gdp", low=low, high=high, optional=True)
        cell = out.setdefault((iso3, indicator), {})
        if year in cell or (iso3, indicator, year) in gaps:
            raise DataError(f"{path.name}: row {line}: duplicate row for {iso3} {indicator} {year}")
        source = _source(path, line, row)
        if math.isnan(value):
            gaps.add((iso3, indicator, year))
            continue
        cell[year] = Observation(value, year, source)
    out = {key: years for key, years in out.items() if years}
    if not out:
        raise DataError(f"{path.name}: no rows")
    return out


def _load_member_years(path: Path, codes: frozenset[str], col: str, *, low: float, high: float,
                       positive: bool = False) -> dict[str, dict[int, Observation]]:
    out: dict[str, dict[int, Observation]] = {}
    for line, row in read_rows(path, ("iso3", "year", col, "source_id")):
        iso3 = row["iso3"].strip()
        _check_member(path, line, iso3, codes)
        year = year_cell(path, line, row)
        value = number_cell(path, line, row, col, low=low, high=high)
        if positive and value <= 0:
            raise DataError(f"{path.name}: row {line}: {col} = {value:g} must be positive")
        cell = out.setdefault(iso3, {})
        if year in cell:
            raise DataError(f"{path.name}: row {line}: duplicate row for {iso3} {year}")
        cell[year] = Observation(value, year, _source(path, line, row))
    if not out:
        raise DataError(f"{path.name}: no rows")
    return out


def _load_arms_imports(path: Path) -> tuple[ArmsImportShare, ...]:
    out = []
    seen: set[tuple[str, str, str]] = set()
    cols = ("importer_group", "period", "supplier", "share_pct", "source_id")
    for line, row in read_rows(path, cols):
        key = (row["importer_group"].strip(), row["period"].strip(), row["supplier"].strip())
        if not all(key):
            raise DataError(f"{path.name}: row {line}: importer_group, period and supplier "
                            "must not be empty")
        if key in seen:
            raise DataError(f"{path.name}: row {line}: duplicate row for "
                            f"{' / '.join(repr(k) for k in key)}")
        seen.add(key)
        out.append(ArmsImportShare(*key, number_cell(path, line, row, "share_pct", low=0, high=100),
                                   _source(path, line, row)))
    return tuple(out)


def _load_vintages(path: Path,
                   codes: frozenset[str]) -> dict[tuple[str, str, str, int], VintageValue]:
    out: dict[tuple[str, str, str, int], VintageValue] = {}
    cols = ("iso3", "year", "metric", "value", "estimate", "source_id")
    for line, row in read_rows(path, cols):
        iso3 = row["iso3"].strip()
        _check_member(path, line, iso3, codes)
        metric = row["metric"].strip()
        if not metric:
            raise DataError(f"{path.name}: row {line}: metric is empty")
        high = 100.0 if metric.endswith("share_gdp_pct") else 1e8
        value = number_cell(path, line, row, "value", low=0.0, high=high)
        source_id = _source(path, line, row)
        year = year_cell(path, line, row)
        key = (source_id, metric, iso3, year)
        if key in out:
            raise DataError(f"{path.name}: row {line}: duplicate row for {source_id!r} "
                            f"{metric!r} {iso3} {year}")
        out[key] = VintageValue(iso3, year, metric, value,
                                bool_cell(path, line, row, "estimate", optional=True),
                                source_id, (row.get("note") or "").strip())
    return out

"""Load and validate the bundled data (or a user's folder in the same schema).

Reads with the standard ``csv`` module, not pandas, so that commands that only need the
numbers start fast. Every problem is reported as a ``DataError`` naming file, row and field.

Units: shares in percent of GDP; GDP in billions of current US dollars (NATO's own GDP
series); growth and inflation in percent per year.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spendcalc.core.errors import DataError
from spendcalc.core.models import Commitment, Member, Source
from spendcalc.io.resources import bundled_dir

FloatArray = npt.NDArray[np.float64]

SHARES_FILE = "nato_defence_expenditure.csv"
GDP_FILE = "gdp.csv"
PROJECTIONS_FILE = "gdp_projections.csv"
MEMBERS_FILE = "members.csv"
COMMITMENTS_FILE = "commitments.csv"
SOURCES_FILE = "sources.csv"
GROUPS_FILE = "groups.toml"



@dataclass(frozen=True)
class Group:
    """A named set of members, defined in ``data/groups.toml``."""

    key: str
    label: str
    description: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    """Everything the calculator knows before a scenario is applied.

    Arrays are indexed [member, year] in the order of ``members``.
    """

    directory: Path | None
    """The user's data folder; None: the bundled data only."""
    members: tuple[Member, ...]
    share_years: tuple[int, ...]
    shares_pct: FloatArray
    """NATO defence expenditure, percent of GDP; NaN where a member has no armed forces."""
    share_sources: tuple[tuple[str, ...], ...]
    share_estimate: tuple[tuple[bool, ...], ...]
    """True where NATO flags the share as an estimate ("e" figures)."""
    gdp_years: tuple[int, ...]
    gdp_usd_bn: FloatArray
    """Nominal GDP, billions of current US dollars (NATO's series)."""
    projection_years: tuple[int, ...]
    real_growth_pct: FloatArray
    """IMF WEO real GDP growth, percent per year."""
    cpi_pct: FloatArray
    """IMF WEO CPI inflation (period average), percent per year."""
    gdp_source_ids: tuple[str, ...]
    projection_source_ids: tuple[str, ...]
    commitments: tuple[Commitment, ...]
    groups: dict[str, Group]
    sources: dict[str, Source]
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index.update({m.iso3: i for i, m in enumerate(self.members)})

    def path(self, name: str) -> Path:
        """The data file ``name`` as this dataset reads it (the user's copy, else bundled)."""
        return resolve(self.directory, name)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(m.iso3 for m in self.members)

    def index(self, iso3: str) -> int:
        return self._index[iso3]

    @property
    def latest_share_year(self) -> int:
        return self.share_years[-1]

    @property
    def vintage(self) -> str:
        """One line naming the editions behind the base data."""
        latest = self.latest_share_year
        col = self.share_years.index(latest)
        ids = sorted({self.share_sources[i][col] for i in range(len(self.members))} - {""})
        own = f" (your data: {self.directory})" if self.directory is not None else ""
        return (
            f"defence shares {latest}: {', '.join(ids)}; "
            f"GDP to {self.gdp_years[-1]}: {', '.join(self.gdp_source_ids)}; "
            f"growth: {', '.join(self.projection_source_ids)}{own}"
        )

    def us_cpi_pct(self, year: int) -> float:
        """US CPI inflation in ``year``, percent; the last projection year's rate holds after."""
        col = self.projection_years.index(min(year, self.projection_years[-1]))
        return float(self.cpi_pct[self.index("USA"), col])

    def real_growth(self, year: int) -> FloatArray:
        """Each member's IMF real growth in ``year``, percent; 2030 rates hold after 2030."""
        col = self.projection_years.index(min(year, self.projection_years[-1]))
        return self.real_growth_pct[:, col]

    def default_nominal_growth_pct(self, year: int, real_offset: float = 0.0) -> FloatArray:
        """Nominal growth of GDP in current USD, percent: real growth plus US inflation.

        Exchange rates are held constant in real terms, so each member's dollar GDP grows
        with its own real growth and US (dollar) inflation. Local inflation would instead
        assume no depreciation and blow up high-inflation members' dollar GDP (Türkiye).
        """
        real = self.real_growth(year) + real_offset
        return ((1 + real / 100) * (1 + self.us_cpi_pct(year) / 100) - 1) * 100

    def gdp_in(self, year: int) -> FloatArray:
        """GDP in ``year``, USD bn current: NATO's figure where it exists, else grown with
        the default nominal growth from the last NATO year (documented in the README)."""
        if year in self.gdp_years:
            return self.gdp_usd_bn[:, self.gdp_years.index(year)]
        if year < self.gdp_years[0]:
            raise DataError(f"{GDP_FILE}: no GDP for {year} (data start in {self.gdp_years[0]})")
        gdp = self.gdp_usd_bn[:, -1].copy()
        for y in range(self.gdp_years[-1] + 1, year + 1):
            gdp *= 1 + self.default_nominal_growth_pct(y) / 100
        return gdp

    def share_in(self, year: int) -> FloatArray:
        return self.shares_pct[:, self.share_years.index(year)]


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) with the header checked; line numbers count the header as 1."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"{path.name}: missing column(s) {', '.join(missing)}")
        for row in reader:
            yield reader.line_num, row


def _source_ids(raw: dict[tuple[str, int], dict[str, str]]) -> tuple[str, ...]:
    return tuple(sorted({(row.get("source_id") or "").strip() for row in raw.values()} - {""}))


def _user_hint(path: Path) -> str:
    """For a file in a user's --data folder: how to fall back to the bundled file."""
    if path.parent.resolve() == bundled_dir("data").resolve():
        return ""
    return f" (fill it, or delete it from {path.parent} to use the bundled file)"


def _number(path: Path, line: int, row: dict[str, str], col: str, *, optional: bool = False,
            low: float | None = None, high: float | None = None) -> float:
    text = (row.get(col) or "").strip()
    if not text:
        if optional:
            return float("nan")
        raise DataError(f"{path.name}: row {line}: {col} is empty (a number is required)")
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{path.name}: row {line}: {col} = {text!r} is not a number") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise DataError(
            f"{path.name}: row {line}: {col} = {value:g} is outside {low:g} to {high:g}")
    return value


def _year(path: Path, line: int, row: dict[str, str], col: str = "year") -> int:
    text = (row.get(col) or "").strip()
    if not text.isdigit():
        raise DataError(f"{path.name}: row {line}: {col} = {text!r} is not a year")
    return int(text)


def _bool(path: Path, line: int, row: dict[str, str], col: str) -> bool:
    text = (row.get(col) or "").strip().lower()
    if text not in ("true", "false"):
        raise DataError(f"{path.name}: row {line}: {col} = {text!r}; allowed: true, false")
    return text == "true"


def _load_members(path: Path) -> tuple[Member, ...]:
    members: list[Member] = []
    seen: set[str] = set()
    cols = ("iso3", "member", "nato_since", "eu_member", "region", "armed_forces")
    for line, row in _rows(path, cols):
        iso3 = row["iso3"].strip()
        if iso3 in seen:
            raise DataError(f"{path.name}: row {line}: duplicate member {iso3}")
        seen.add(iso3)
        region = row["region"].strip()
        if region not in ("europe", "north_america"):
            raise DataError(
                f"{path.name}: row {line}: region = {region!r}; allowed: europe, north_america"
            )
        members.append(Member(
            iso3=iso3, name=row["member"].strip(), nato_since=_year(path, line, row, "nato_since"),
            eu_member=_bool(path, line, row, "eu_member"), region=region,
            armed_forces=_bool(path, line, row, "armed_forces"),
        ))
    if not members:
        raise DataError(f"{path.name}: no rows{_user_hint(path)}")
    return tuple(members)


def _grid(path: Path, codes: tuple[str, ...], value_col: str, *, year_col: str = "year",
          low: float, high: float, optional_for: frozenset[str] = frozenset(),
          extra_cols: tuple[str, ...] = ()) -> tuple[tuple[int, ...], FloatArray,
                                                    dict[tuple[str, int], dict[str, str]]]:
    """Read a member x year file into an array, checking completeness and duplicates."""
    index = {c: i for i, c in enumerate(codes)}
    cells: dict[tuple[str, int], float] = {}
    raw: dict[tuple[str, int], dict[str, str]] = {}
    for line, row in _rows(path, ("iso3", year_col, value_col, *extra_cols)):
        iso3 = row["iso3"].strip()
        if iso3 not in index:
            raise DataError(f"{path.name}: row {line}: iso3 = {iso3!r} is not in {MEMBERS_FILE}")
        year = _year(path, line, row, year_col)
        if (iso3, year) in cells:
            raise DataError(f"{path.name}: row {line}: duplicate row for {iso3} {year}")
        cells[(iso3, year)] = _number(path, line, row, value_col, optional=iso3 in optional_for,
                                      low=low, high=high)
        raw[(iso3, year)] = row
    years = tuple(sorted({y for _, y in cells}))
    if not years:
        raise DataError(f"{path.name}: no rows{_user_hint(path)}")
    if years != tuple(range(years[0], years[-1] + 1)):
        raise DataError(f"{path.name}: years are not consecutive ({years[0]}-{years[-1]})")
    grid = np.full((len(codes), len(years)), np.nan)
    for c in codes:
        for j, y in enumerate(years):
            if (c, y) not in cells:
                raise DataError(f"{path.name}: missing row for {c} {y}")
            grid[index[c], j] = cells[(c, y)]
    return years, grid, raw


def _load_commitments(path: Path) -> tuple[Commitment, ...]:
    out = []
    for line, row in _rows(path, ("iso3", "kind", "value_pct", "by_year", "source_id", "note")):
        value = _number(path, line, row, "value_pct", optional=True, low=0, high=100)
        year_text = row["by_year"].strip()
        out.append(Commitment(
            iso3=row["iso3"].strip(), kind=row["kind"].strip(),
            value_pct=None if np.isnan(value) else value,
            by_year=_year(path, line, row, "by_year") if year_text else None,
            source_id=row["source_id"].strip(), note=row["note"].strip(),
        ))
    return tuple(out)


def _load_sources(path: Path) -> dict[str, Source]:
    cols = ("source_id", "title", "published", "confidence")
    return {
        row["source_id"]: Source(**{c: row[c].strip() for c in cols})
        for _, row in _rows(path, cols)
    }


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML data file; DataError naming the file if it is missing or malformed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path.name}: invalid TOML: {exc}") from None


def _load_groups(path: Path, members: tuple[Member, ...]) -> dict[str, Group]:
    doc = read_toml(path)
    codes = [m.iso3 for m in members]
    groups: dict[str, Group] = {}
    for key, spec in doc.get("groups", {}).items():
        chosen = spec.get("members", [])
        if chosen == "*":
            picked = list(codes)
        elif chosen == "eu_member":
            picked = [m.iso3 for m in members if m.eu_member]
        else:
            unknown = [c for c in chosen if c not in codes]
            if unknown:
                raise DataError(f"{path.name}: groups.{key}.members: unknown {', '.join(unknown)}")
            picked = list(chosen)
        exclude = set(spec.get("exclude", []))
        groups[key] = Group(key=key, label=spec.get("label", key),
                            description=spec.get("description", ""),
                            members=tuple(c for c in picked if c not in exclude))
    return groups


_default_directory: Path | None = None


def set_default_directory(directory: Path | None) -> None:
    """The user's data folder that ``load_dataset()`` uses from now on (None: bundled only);
    the CLI's ``--data DIR`` sets it."""
    global _default_directory
    if directory is not None and not Path(directory).is_dir():
        raise DataError(f"--data {directory}: folder not found")
    _default_directory = None if directory is None else Path(directory).resolve()


def resolve(directory: Path | None, name: str) -> Path:
    """A data file: the user's folder's copy where it has one, else the bundled file."""
    if directory is not None and (directory / name).is_file():
        return directory / name
    return bundled_dir("data") / name


def load_dataset(directory: Path | None = None) -> Dataset:
    """Load and validate the data: the bundled ``data/``, with any file of the same name in
    ``directory`` (default: the folder set by ``set_default_directory``) in its place."""
    chosen = directory if directory is not None else _default_directory
    return _load_cached(None if chosen is None else Path(chosen).resolve())


@cache
def _load_cached(directory: Path | None) -> Dataset:
    def path(name: str) -> Path:
        return resolve(directory, name)

    members = _load_members(path(MEMBERS_FILE))
    codes = tuple(m.iso3 for m in members)
    unarmed = frozenset(m.iso3 for m in members if not m.armed_forces)

    share_path = path(SHARES_FILE)
    share_years, shares, raw = _grid(share_path, codes, "defence_share_gdp_pct", low=0, high=100,
                                     optional_for=unarmed, extra_cols=("source_id",))
    for iso3 in unarmed:
        if not np.all(np.isnan(shares[codes.index(iso3)])):
            raise DataError(f"{SHARES_FILE}: {iso3} has no armed forces in {MEMBERS_FILE} "
                            "but has defence shares")
    share_sources = tuple(tuple(raw[(c, y)]["source_id"].strip() for y in share_years)
                          for c in codes)
    share_estimate = tuple(tuple(raw[(c, y)].get("estimate", "").strip().lower() == "true"
                                 for y in share_years) for c in codes)

    if np.nanmax(shares) <= 1.0:
        raise DataError(f"{SHARES_FILE}: defence_share_gdp_pct: every value is at most 1; "
                        "shares must be in percent of GDP (2.0 for 2 %), not fractions")
    # A loose bound per row; the units check below names the likely mistake.
    gdp_years, gdp, gdp_raw = _grid(path(GDP_FILE), codes, "gdp_usd_bn_current",
                              low=0, high=1e12)
    typical = float(np.median(gdp[:, -1]))
    if not 1.0 <= typical <= 50_000.0:
        raise DataError(f"{GDP_FILE}: gdp_usd_bn_current: the median ally's GDP is "
                        f"{typical:,.4g}; GDP must be in billions of US dollars (Germany about "
                        "4,600), not millions or trillions")
    if np.any(gdp <= 0):
        raise DataError(f"{GDP_FILE}: GDP must be positive")
    proj_path = path(PROJECTIONS_FILE)
    proj_years, real, proj_raw = _grid(proj_path, codes, "real_gdp_growth_pct", year_col="period",
                                low=-50, high=100)
    _, cpi, _ = _grid(proj_path, codes, "cpi_inflation_pct", year_col="period",
                      low=-50, high=1000)
    if "USA" not in codes:
        raise DataError(f"{MEMBERS_FILE}: USA is needed (US inflation drives dollar GDP)")
    if proj_years[0] > gdp_years[-1] + 1:
        raise DataError(f"{PROJECTIONS_FILE}: projections must start by {gdp_years[-1] + 1}")

    return Dataset(
        directory=directory, members=members, share_years=share_years, shares_pct=shares,
        share_sources=share_sources, share_estimate=share_estimate,
        gdp_years=gdp_years, gdp_usd_bn=gdp,
        gdp_source_ids=_source_ids(gdp_raw), projection_source_ids=_source_ids(proj_raw),
        projection_years=proj_years, real_growth_pct=real, cpi_pct=cpi,
        commitments=_load_commitments(path(COMMITMENTS_FILE)),
        groups=_load_groups(path(GROUPS_FILE), members),
        sources=_load_sources(path(SOURCES_FILE)),
    )

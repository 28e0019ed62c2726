"""The Dataset: everything the calculator knows before a scenario is applied.

A plain container filled by ``spendcalc.io.data.load_dataset``; it reads no files itself
beyond naming where each one is (``path``). Units: shares in percent of GDP; GDP in
billions of current US dollars (NATO's own series); growth and inflation in percent a year.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spendcalc.core.errors import DataError
from spendcalc.core.models import Commitment, Member, Source

FloatArray = npt.NDArray[np.float64]

GDP_FILE = "gdp.csv"


@dataclass(frozen=True)
class DataFile:
    """One data file the projection depends on: its name, whose it is and its SHA-256."""

    name: str
    origin: str
    """``bundled`` or ``user``."""
    sha256: str


def feed(hasher: Any, label: str, content: bytes) -> None:
    """Add one labelled file to a running SHA-256 (the layout of ``inputs_sha256``)."""
    hasher.update(f"{label}\n{len(content)}\n".encode())
    hasher.update(content)


@dataclass(frozen=True)
class Edition:
    """A data edition: NATO's release and the GDP projections used with it, described by the
    ``edition.toml`` of its folder (``data/editions/<name>/``, or a user's folder)."""

    name: str
    directory: Path
    title: str
    published: str
    """Publication date, ISO format."""
    base_year: int
    """The edition's latest year of NATO shares: a scenario's default base year."""
    first_base_year: int
    """The earliest base year a scenario may choose under this edition."""
    history: tuple[int, int]
    """First and last year of NATO shares."""
    notes: str = ""
    bundled: bool = True


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
    bundle: Path
    """The bundled data folder, where every file the user's folder lacks comes from."""
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
    files: tuple[DataFile, ...] = ()
    """The files the projection depends on, in name order, with their hashes."""
    edition: Edition | None = None
    """The data edition whose folder overlays ``bundle`` (None: the bundled folder alone)."""
    files_hasher: Any = field(default_factory=hashlib.sha256, repr=False, compare=False)
    """A SHA-256 already fed with those files (see ``inputs_sha256``)."""
    personnel_years: tuple[int, ...] = ()
    personnel_k: FloatArray | None = None
    """NATO's military personnel (Table 7, ``personnel.csv``), thousands, [member, year];
    NaN where NATO gives none (Iceland); None when the edition has no personnel file."""
    real_change_years: tuple[int, ...] = ()
    real_change_pct: FloatArray | None = None
    """NATO's annual real change of core defence spending (Table 3, ``real_change.csv``),
    percent, [member, year]; NaN where NATO gives none; None without the file."""
    rate_years: tuple[int, ...] = ()
    currencies: tuple[str, ...] = ()
    """Each member's ISO 4217 currency in NATO's Table 1 (``national_currency.csv``), in
    ``members`` order; "" where NATO gives none (Iceland); empty without the file."""
    usd_rates: FloatArray | None = None
    """NATO's implied exchange rates, national currency units per US dollar (Table 1 over
    Table 2, current prices), [member, year]; NaN where there is none; None without the
    file (the nato-2025 edition)."""
    rates_sha256: str = ""
    """SHA-256 of the ``national_currency.csv`` read (recorded in ``--currency`` metadata, as
    the file is not among the projection's own ``files``); "" without one."""
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index.update({m.iso3: i for i, m in enumerate(self.members)})

    def path(self, name: str) -> Path:
        """The data file ``name`` as this dataset reads it: the user's copy, else the
        edition's, else the bundled folder's."""
        if self.directory is not None and (self.directory / name).is_file():
            return self.directory / name
        if self.edition is not None and (self.edition.directory / name).is_file():
            return self.edition.directory / name
        return self.bundle / name

    @property
    def edition_name(self) -> str:
        """The edition's name, or ``bundled`` without one."""
        return self.edition.name if self.edition is not None else "bundled"

    @property
    def base_years(self) -> range:
        """The base years a scenario may choose: from the edition's first base year (or the
        last year of NATO GDP) to the latest year of NATO shares."""
        first = self.gdp_years[-1]
        if self.edition is not None:
            first = min(first, self.edition.first_base_year)
        return range(max(first, self.share_years[0], self.gdp_years[0]),
                     self.latest_share_year + 1)

    def inputs_sha256(self, scenario_toml: str) -> str:
        """SHA-256 over the data files' bytes and a resolved scenario's TOML text."""
        hasher = self.files_hasher.copy()
        feed(hasher, "scenario.toml", scenario_toml.encode())
        return str(hasher.hexdigest())

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
            f"edition {self.edition_name}; defence shares {latest}: {', '.join(ids)}; "
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

    def personnel_in(self, iso3: str, year: int) -> float | None:
        """NATO's military personnel of ``iso3`` in ``year``, thousands; None if unknown."""
        if self.personnel_k is None or year not in self.personnel_years:
            return None
        value = float(self.personnel_k[self.index(iso3), self.personnel_years.index(year)])
        return None if np.isnan(value) else value

    def real_change_in(self, iso3: str, year: int) -> float | None:
        """NATO's real change of ``iso3``'s core defence spending in ``year``, percent (the
        change in constant prices from the year before); None if unknown."""
        if self.real_change_pct is None or year not in self.real_change_years:
            return None
        value = float(self.real_change_pct[self.index(iso3),
                                           self.real_change_years.index(year)])
        return None if np.isnan(value) else value

    def share_in(self, year: int) -> FloatArray:
        return self.shares_pct[:, self.share_years.index(year)]

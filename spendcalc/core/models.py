"""Validated models of the calculator's inputs: members, sources and scenarios.

Units, once for the whole module:
- every ``*_pct`` field of a share is in **percent of GDP** (3.5 means 3.5 %), never a fraction;
- growth rates (``Growth``) are in **percent per year** of nominal GDP in current US dollars;
- years are calendar years (NATO assigns fiscal years to the calendar year holding most of
  their months).

Unknown keys are errors everywhere, so that a typo in a scenario file cannot pass silently.
Checks that need the data (is ``GER`` a member?) live in ``spendcalc.io.scenarios``.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from spendcalc.core.fields import MAX_YEAR, Iso3, Percent, Strict, Year, YearKey
from spendcalc.core.models_budget import Equipment, Financing

__all__ = ["MAX_YEAR", "Equipment", "Financing", "Iso3", "Percent", "Strict", "Year"]

class Member(Strict):
    """One NATO ally as described by ``data/members.csv``."""

    iso3: Iso3
    name: str
    nato_since: int
    eu_member: bool
    region: Literal["europe", "north_america"]
    armed_forces: bool
    """False for Iceland, which has no armed forces and reports no defence spending."""


class Source(Strict):
    """One entry of the source register ``data/sources.csv``."""

    source_id: str
    title: str
    published: str
    confidence: str


class Commitment(Strict):
    """A row of ``data/commitments.csv``: an alliance-wide target or a national statement."""

    iso3: str
    """A member code, or ``NATO`` for alliance-wide commitments."""
    kind: str
    value_pct: float | None
    by_year: int | None
    source_id: str
    note: str


class Target(Strict):
    """The common target every member moves to, unless exempted."""

    core_pct: Percent = 3.5
    """Core defence spending (NATO definition), percent of GDP."""
    related_pct: Percent = 1.5
    """Defence- and security-related spending, percent of GDP."""
    year: Year = 2035
    """The year by which the target is reached; shares hold after it."""


class PathSpec(Strict):
    """How a share moves from its base-year value to each anchor (milestone, target)."""

    shape: Literal["linear", "front-loaded", "back-loaded", "step", "constant-growth", "points"] = (
        "linear"
    )
    """How shares move between anchors: linear (in share points), front-loaded, back-loaded,
    step (all at once), constant-growth (of the money amount), or points (common anchors)."""
    curvature: float = Field(default=2.0, ge=1.0, le=10.0)
    """Front/back-loaded only: exponent of the progress curve (1 = linear)."""
    step_year: Year | None = None
    """Step only: the year the whole increase happens; not set: each anchor's own year."""
    points: dict[YearKey, Percent] | None = None
    """Points only: common core-share anchors, year -> percent of GDP, interpolated linearly."""
    delivered_pct: Percent = 100.0
    """Share of each planned change (from the base-year share) that actually happens,
    percent: 100 follows the plan, 70 delivers 70 % of every increase, 0 holds base shares."""

    @model_validator(mode="after")
    def _points_only_with_points(self) -> PathSpec:
        if self.shape == "points" and not self.points:
            raise ValueError("shape 'points' needs a non-empty 'points' table (year = percent)")
        if self.shape != "points" and self.points:
            raise ValueError("'points' is only allowed with shape = 'points'")
        if self.step_year is not None and self.shape != "step":
            raise ValueError("'step_year' is only allowed with shape = 'step'")
        return self


class Exemption(Strict):
    """A member's own target replacing the common one (e.g. Spain at 2.1 % core).

    In TOML: ``[exemptions.ESP]`` with the fields below."""

    core_pct: Percent
    related_pct: Percent = 0.0
    year: Year | None = None
    """When the exempted target is reached; not set: the common target year."""
    reason: str = Field(min_length=1)
    """Why the member is exempted (required: the assumption must be explicit)."""
    source: str | None = None
    """Source id (data/sources.csv or data/commitments.csv)."""


class Milestone(Strict):
    """A national commitment met exactly in its year: core share, percent of GDP."""

    member: Iso3
    """Member code."""
    year: Year
    """The year the share is met."""
    pct: Percent
    """Core defence share in that year, percent of GDP."""
    source: str | None = None
    """Source id (data/commitments.csv)."""
    note: str | None = None
    """What the commitment says."""


class Shock(Strict):
    """A one-year change to every member's nominal growth, in percentage points."""

    year: Year
    """The year hit by the shock."""
    pct: float = Field(ge=-100.0, le=100.0)
    """Percentage points added to every member's nominal growth that year."""


class Growth(Strict):
    """Nominal GDP growth in current US dollars, percent per year."""

    source: Literal["imf-weo", "flat"] = "imf-weo"
    """``imf-weo``: (1 + IMF real growth) x (1 + US CPI inflation), 2030 rates held after 2030;
    ``flat``: ``flat_pct`` for every member and year."""
    flat_pct: float | None = Field(default=None, ge=-50.0, le=100.0)
    """Flat only: nominal USD growth for every member and year, percent per year."""
    real_offset: float = Field(default=0.0, ge=-20.0, le=20.0)
    """Percentage points added to every member's real growth each year (``imf-weo`` only)."""
    overrides: dict[Iso3, Annotated[float, Field(ge=-50.0, le=100.0)]] = Field(default_factory=dict)
    """Per member: nominal USD growth in percent per year, replacing the source for all years."""
    shock: Shock | None = None
    """A one-year change to every member's growth: ``shock = { year = 2027, pct = -3 }``."""

    @model_validator(mode="after")
    def _flat_needs_rate(self) -> Growth:
        if self.source == "flat" and self.flat_pct is None:
            raise ValueError("source 'flat' needs 'flat_pct' (nominal growth, percent per year)")
        if self.source != "flat" and self.flat_pct is not None:
            raise ValueError("'flat_pct' is only allowed with source = 'flat'")
        return self


class Uncertainty(Strict):
    """What ``spendcalc simulate`` draws. Defaults are estimated from the bundled data and
    checked by the tests (see the README, "Monte Carlo")."""

    growth_sd_pct: float | Literal["historical"] = "historical"
    """Standard deviation of each year's nominal USD GDP growth, percentage points; or
    "historical": each member's sample sd of USD GDP growth 2015-2024 (data/gdp.csv)."""
    growth_sd_overrides: dict[Iso3, Annotated[float, Field(ge=0.0, le=100.0)]] = Field(
        default_factory=dict)
    """Per member: the sd above, percentage points."""
    growth_correlation: float = Field(default=0.76, ge=0.0, le=1.0)
    """Share of each member's growth variance that is common to all members (a shock to the
    whole alliance). Default: the mean pairwise correlation of members' USD GDP growth,
    2015-2024."""
    compliance_full_pct: Percent = 54.0
    """Probability that a member delivers its whole planned increase, percent. Default: 15 of
    the 28 allies below 2 % in 2014 reached 2 % by 2024 (NATO, August 2025 edition)."""
    compliance_alpha: float = Field(default=1.95, gt=0.0, le=1000.0)
    """Otherwise the fraction delivered is Beta(alpha, beta); alpha and beta fitted to the
    fraction of the gap to 2 % the other 13 allies closed, 2014-2024 (mean 0.54)."""
    compliance_beta: float = Field(default=1.68, gt=0.0, le=1000.0)
    """See compliance_alpha."""
    compliance_overrides: dict[Iso3, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=dict)
    """Per member: a fixed fraction of the planned increase delivered, 0 to 1."""

    @model_validator(mode="after")
    def _sd_positive(self) -> Uncertainty:
        if isinstance(self.growth_sd_pct, float) and not 0 <= self.growth_sd_pct <= 100:
            raise ValueError("growth_sd_pct must be from 0 to 100 or \"historical\"")
        return self


class Related(Strict):
    """The assumption behind the 1.5 % defence-related category, for which no data exist."""

    base_pct: Percent = 0.0
    """Related spending already counted in the base year, percent of GDP. The default 0 counts
    the whole related target as new spending (an upper bound on its cost)."""


Rate = Annotated[float, Field(gt=0.0, le=1e6)]
"""An exchange rate: units of a currency per US dollar (0.92 euro per dollar)."""

def _rate_key(key: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}_per_USD", key):
        raise ValueError("a currency's ISO 4217 code (upper case) and '_per_USD', "
                         "e.g. EUR_per_USD")
    return key


RateKey = Annotated[str, AfterValidator(_rate_key)]
"""A fixed rate's key: the ISO 4217 code and ``_per_USD``, as in ``EUR_per_USD``."""

Rates = dict[RateKey, Rate | dict[YearKey, Rate]]
"""Exchange rates a scenario fixes as its own assumption (the ``[currency]`` table):
``EUR_per_USD = 0.92`` for every year, or ``EUR_per_USD = { 2030 = 0.95 }`` for some years
(later years move on from it with inflation, like NATO's rates). Units: currency units per USD.
They change only the ``--currency`` views, never the dollar figures."""


class Scenario(Strict):
    """A complete what-if: target, path, exemptions, milestones, growth and members."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    """Short name used in outputs; in a file it defaults to the file's name without .toml."""
    description: str = ""
    """One line saying what the scenario models."""
    base_year: Year = 2025
    """The year of data the projection starts from. Loading a scenario against a dataset
    fills it with the edition's latest year (2026 in nato-2026) when the file gives none."""
    edition: str | None = None
    """The data edition the scenario runs on (``nato-2025``, ``nato-2026``); None: the
    edition chosen on the command line, else the default. Filled in when loaded."""
    horizon: Year = 2035
    """The last projected year."""
    baseline_pct: Percent = 2.0
    """The old Wales guideline the gaps are measured against, percent of GDP."""
    allow_cuts: bool = False
    """If false, no member's share ever falls below its base-year share."""
    members: list[Iso3] | Literal["all"] = "all"
    """The members taking part: "all", or a list of codes such as ["DEU", "FRA"]."""
    exclude: list[Iso3] = Field(default_factory=list)
    """Members left out."""
    target: Target | None = None
    """The common target; without one, every share holds its base-year value."""
    path: PathSpec = PathSpec()
    """How shares move from the base year to each anchor."""
    related: Related = Related()
    """The assumption behind defence-related spending."""
    exemptions: dict[Iso3, Exemption] = Field(default_factory=dict)
    """Members with their own target, keyed by code: [exemptions.ESP]. Remove an inherited
    one with exemptions.ESP = "none"."""
    milestones: list[Milestone] = Field(default_factory=list)
    """National commitments: [[milestones]] with member, year, pct, source, note."""
    growth: Growth = Growth()
    """Nominal GDP growth in current US dollars."""
    uncertainty: Uncertainty = Uncertainty()
    """What spendcalc simulate draws: growth shocks and compliance."""
    financing: Financing = Financing()
    """How extra spending is paid for (spendcalc tradeoff)."""
    equipment: Equipment = Equipment()
    """Where defence money goes: major equipment, US suppliers."""
    currency: Rates | None = None
    """Fixed exchange rates for ``--currency`` views, units per USD: ``EUR_per_USD = 0.92``
    or per year ``EUR_per_USD = { 2030 = 0.95 }``; not set: NATO's rates, then inflation."""

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.horizon <= self.base_year:
            raise ValueError(f"horizon ({self.horizon}) must be after base_year ({self.base_year})")
        if self.target is not None and self.target.year <= self.base_year:
            raise ValueError(
                f"target.year ({self.target.year}) must be after base_year ({self.base_year})"
            )
        pairs: set[tuple[str, int]] = set()
        for ms in self.milestones:
            if not self.base_year < ms.year <= self.horizon:
                raise ValueError(
                    f"milestones: {ms.member} {ms.year} must fall after base_year "
                    f"({self.base_year}) and by the horizon ({self.horizon})"
                )
            if (ms.member, ms.year) in pairs:
                raise ValueError(f"milestones: {ms.member} has two milestones in {ms.year}")
            pairs.add((ms.member, ms.year))
        for year in (self.path.points or {}):
            if not self.base_year < year <= self.horizon:
                raise ValueError(
                    f"path.points: year {year} must fall after base_year and by the horizon"
                )
        if self.path.step_year is not None and not (
            self.base_year < self.path.step_year <= self.horizon
        ):
            raise ValueError("path.step_year must fall after base_year and by the horizon")
        if self.growth.shock is not None and not (
            self.base_year < self.growth.shock.year <= self.horizon
        ):
            raise ValueError("growth.shock.year must fall after base_year and by the horizon")
        if isinstance(self.members, list) and not self.members:
            raise ValueError("members: the selection is empty (use \"all\" or list member codes)")
        return self

    @property
    def years(self) -> range:
        """Every year of the projection, base year and horizon included."""
        return range(self.base_year, self.horizon + 1)

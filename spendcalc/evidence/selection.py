"""What an evidence view covers: the member or group selected, the year, and the measure of
"extra" spending.

Two measures of "extra" spending, both straight from the projection table:

- ``baseline``: spending above the scenario's baseline (2 % of GDP) —
  ``extra_over_baseline_usd_bn``;
- ``base-share``: spending above the member's base-year share of GDP, i.e. money not yet in
  today's budgets — ``increase_over_base_share_usd_bn``. The debt path and any cut always
  use this one: spending up to the base-year share is already in the IMF's debt projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spendcalc.core import budget
from spendcalc.core.errors import SpendcalcError

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.core.result import Result


class OptionError(SpendcalcError):
    """A command-line option has a value the data or the scenario cannot serve."""


@dataclass(frozen=True)
class Measure:
    key: str
    prefix: str
    column: str
    cum_column: str

    def label(self, scenario: Scenario) -> str:
        if self.key == "baseline":
            return f"above {scenario.baseline_pct:g}% of GDP"
        return f"above the {scenario.base_year} share"


MEASURES = {
    "baseline": Measure("baseline", "above_baseline", "extra_over_baseline_usd_bn",
                        "cum_extra_over_baseline_usd_bn"),
    "base-share": Measure("base-share", "above_base_share", "increase_over_base_share_usd_bn",
                          "cum_increase_over_base_share_usd_bn"),
}
FINANCED = MEASURES["base-share"]
"""The measure the debt path and cuts apply to (new money, not yet in budgets)."""



# --------------------------------------------------------------------------- selection

@dataclass(frozen=True)
class Selection:
    """The members a view covers, in the table's order."""

    codes: tuple[str, ...]
    label: str
    member: str | None = None
    group: str | None = None


def resolve_member(code: str, data: Dataset, scenario: Scenario) -> str:
    """A member code from ``--member`` (any case), checked against the data and scenario."""
    from spendcalc.core.inputs import selected_members
    from spendcalc.core.overrides import suggest_member

    iso3 = code.strip().upper()
    if iso3 not in data.codes:
        raise OptionError(f"--member: {code!r} is not a NATO member code"
                          f"{suggest_member(code.strip(), data)}")
    if iso3 not in {m.iso3 for m in selected_members(scenario, data)}:
        raise OptionError(f"--member: {iso3} is not among the members of scenario "
                          f"{scenario.name!r} (see its 'members' and 'exclude')")
    return iso3


def select(result: Result, data: Dataset, member: str | None = None,
           group: str | None = None) -> Selection:
    """``--member`` or ``--group`` (not both); neither: every member in the run."""
    in_run = tuple(dict.fromkeys(result.table.iso3.tolist()))
    if member is not None and group is not None:
        raise OptionError("use --member or --group, not both")
    if member is not None:
        iso3 = resolve_member(member, data, result.scenario)
        return Selection((iso3,), data.members[data.index(iso3)].name, member=iso3)
    if group is not None:
        key = group.strip().lower()
        if key not in data.groups:
            raise OptionError(f"--group: unknown group {group!r}; allowed: "
                              f"{', '.join(data.groups)}")
        chosen = tuple(c for c in in_run if c in data.groups[key].members)
        if not chosen:
            raise OptionError(f"--group: no member of {key!r} is in scenario "
                              f"{result.scenario.name!r}")
        return Selection(chosen, data.groups[key].label, group=key)
    label = "NATO total" if len(in_run) == len(data.codes) else "All members in the scenario"
    return Selection(in_run, label)


def check_year(scenario: Scenario, year: int | None) -> int:
    """``--year``: a projected year (after the base year, up to the horizon); default the
    horizon."""
    if year is None:
        return scenario.horizon
    if not scenario.base_year < year <= scenario.horizon:
        raise OptionError(f"--year: {year} is outside the projection; allowed: "
                          f"{scenario.base_year + 1} to {scenario.horizon} (scenario "
                          f"{scenario.name!r})")
    return year


def check_measure(measure: str) -> Measure:
    if measure not in MEASURES:
        raise OptionError(f"--measure: {measure!r} is not allowed; allowed: "
                          f"{', '.join(MEASURES)}")
    return MEASURES[measure]


# --------------------------------------------------------------------------- arrays

@dataclass(frozen=True)
class Grid:
    """Table columns as (members, years) arrays for the selection."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    armed: np.ndarray
    years: np.ndarray
    frame: pd.DataFrame

    def __call__(self, column: str) -> np.ndarray:
        wide = self.frame.pivot(index="iso3", columns="year", values=column)
        return wide.reindex(index=list(self.codes), columns=list(self.years)).to_numpy(float)


def grid(result: Result, codes: tuple[str, ...]) -> Grid:
    sub = result.table[result.table.iso3.isin(codes)]
    first = sub.drop_duplicates("iso3").set_index("iso3")
    return Grid(codes=codes, names=tuple(str(first.loc[c, "member"]) for c in codes),
                 armed=np.array([bool(first.loc[c, "armed_forces"]) for c in codes]),
                 years=np.array(sorted(sub.year.unique()), dtype=np.int64), frame=sub)


def held(years: np.ndarray, series: dict[int, Any]) -> np.ndarray:
    return budget.hold_after(years, {y: o.value for y, o in series.items()})

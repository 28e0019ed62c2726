"""Where the extra money would go: major equipment, imports and US suppliers, under the
scenario's ``[equipment]`` assumptions. Units: USD bn at current prices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spendcalc.core import budget
from spendcalc.evidence.selection import (
    Grid,
    Measure,
    OptionError,
    Selection,
    check_measure,
    check_year,
    grid,
    select,
)
from spendcalc.io.fiscal_data import (
    SOURCE_LABELS,
    FiscalData,
    Observation,
    load_fiscal,
)

if TYPE_CHECKING:
    from spendcalc.core.models import Scenario
    from spendcalc.core.result import Result

# --------------------------------------------------------------------------- money flow

DEFAULT_US_SHARE = 64.0
"""models_budget.Equipment's default: SIPRI-ATT-2025, European NATO states, 2020-2024."""

@dataclass(frozen=True)
class MoneyFlow:
    """Where the extra money goes: equipment, imports, US suppliers, per member and in total.

    ``frame``: one row per member with the amounts in ``year`` and ``cum_*`` summed over
    the years after the base year up to ``year`` (USD bn, current prices)."""

    scenario: Scenario
    year: int
    selection: Selection
    measure: Measure
    frame: pd.DataFrame
    total: dict[str, float]
    notes: list[str]
    sources: list[str]


def moneyflow(result: Result, member: str | None = None, group: str | None = None,
              year: int | None = None, measure: str = "baseline", *,
              fiscal: FiscalData | None = None) -> MoneyFlow:
    """Split the extra spending by the ``[equipment]`` assumptions (see ``models_budget``),
    with the data the result was computed with. Money in USD bn, current prices."""
    data = result.data
    fiscal = fiscal or load_fiscal(data)
    scenario = result.scenario
    m = check_measure(measure)
    sel = select(result, data, member, group)
    year = check_year(scenario, year)
    if sel.member is not None and not data.members[data.index(sel.member)].armed_forces:
        raise OptionError(f"--member: {sel.member} has no armed forces: no defence spending")
    g = grid(result, sel.codes)
    shares = _equipment_shares(scenario, fiscal, sel.codes)
    frame = _flows(scenario, g, m, year, shares)
    allies = frame[frame.armed_forces & (frame.iso3 != "USA")]
    total = {col: float(np.nansum(allies[col])) for col in frame.columns if "usd_bn" in col}
    total["n_allies"] = float(len(allies))
    importers = [c for c, a in zip(sel.codes, g.armed, strict=True) if a and c != "USA"]
    notes = _notes(scenario, sel, g, shares, importers)
    sources = _sources(result, shares, importers)
    return MoneyFlow(scenario=scenario, year=year, selection=sel, measure=m, frame=frame,
                     total=total, notes=notes, sources=sources)


@dataclass(frozen=True)
class _Shares:
    """Each member's share of defence spending on major equipment (%), where it comes from,
    and the NATO observations used."""

    pct: list[float]
    origin: list[str]
    used: list[Observation]


def _equipment_shares(scenario: Scenario, fiscal: FiscalData,
                      codes: tuple[str, ...]) -> _Shares:
    """The scenario's share, else the member's latest NATO figure, else the 20% guideline."""
    eq = scenario.equipment
    shares = _Shares([], [], [])
    for c in codes:
        obs = fiscal.latest_equipment_share(c)
        if eq.share_pct is not None:
            shares.pct.append(eq.share_pct)
            shares.origin.append("scenario")
        elif obs is not None:
            shares.pct.append(obs.value)
            shares.origin.append(f"NATO {obs.year}")
            shares.used.append(obs)
        else:
            shares.pct.append(budget.NATO_EQUIPMENT_GUIDELINE_PCT)
            shares.origin.append("20% guideline")
    return shares


def _flows(scenario: Scenario, g: Grid, m: Measure, year: int,
           shares: _Shares) -> pd.DataFrame:
    """One row per member: the extra in ``year`` and summed to it, and its split."""
    eq = scenario.equipment
    j = int(np.searchsorted(g.years, year))
    is_us = np.array([c == "USA" for c in g.codes])
    share = np.array(shares.pct)
    year_amount = g(m.column)[:, j]
    cum_amount = g(m.cum_column)[:, j]
    flows = budget.equipment_flows(year_amount, share, eq.imported_pct,
                                   eq.us_share_of_imports_pct, is_us)
    cum_flows = budget.equipment_flows(cum_amount, share, eq.imported_pct,
                                       eq.us_share_of_imports_pct, is_us)
    return pd.DataFrame({
        "iso3": g.codes, "member": g.names, "armed_forces": g.armed, "year": year,
        "extra_usd_bn": year_amount, "cum_extra_usd_bn": cum_amount,
        "equipment_share_pct": np.where(g.armed, share, np.nan),
        "equipment_share_source": [s if a else "" for s, a in zip(shares.origin, g.armed,
                                                                    strict=True)],
        "equipment_usd_bn": flows.equipment_usd_bn,
        "cum_equipment_usd_bn": cum_flows.equipment_usd_bn,
        "imported_usd_bn": flows.imported_usd_bn,
        "cum_imported_usd_bn": cum_flows.imported_usd_bn,
        "us_suppliers_usd_bn": flows.us_suppliers_usd_bn,
        "cum_us_suppliers_usd_bn": cum_flows.us_suppliers_usd_bn,
    })


def _notes(scenario: Scenario, sel: Selection, g: Grid, shares: _Shares,
           importers: list[str]) -> list[str]:
    """The assumptions behind the split, in words."""
    eq = scenario.equipment
    notes = []
    if "USA" in sel.codes:
        notes.append("United States: its equipment is bought from its own industry; it is not "
                     "an import and is left out of the totals of money to US suppliers.")
    if eq.share_pct is None:
        guideline = [c for c, s, a in zip(sel.codes, shares.origin, g.armed, strict=True)
                     if s == "20% guideline" and a]
        years = ", ".join(str(y) for y in sorted({o.year for o in shares.used}))
        notes.append("Equipment share: each member's latest NATO figure (equipment_share.csv, "
                     f"{years or 'none'})" + (f"; NATO's 20% guideline for {', '.join(guideline)}"
                                              if guideline else "")
                     + ". The extra money is assumed to be spent like today's budget.")
    if importers and eq.imported_pct >= 100:
        notes.append("Upper-bound reading: all equipment is treated as imported "
                     "(equipment.imported_pct = 100). No bundled data give the imported share; "
                     "allies with their own arms industries import less. Set it with "
                     "--set equipment.imported_pct=N.")
    if importers:
        sipri = ("(SIPRI, European NATO states' arms imports 2020-24, by volume of deliveries, "
                 "not money; no per-country figures"
                 + ("; Canada is not in SIPRI's group" if "CAN" in importers else "") + ").")
        notes.append(f"US share of imports: {eq.us_share_of_imports_pct:g}% "
                     + (sipri if eq.us_share_of_imports_pct == DEFAULT_US_SHARE
                        else "(scenario setting)."))
    unarmed = [n for n, a in zip(g.names, g.armed, strict=True) if not a]
    if unarmed:
        notes.append(f"{', '.join(unarmed)}: no armed forces, no defence spending.")
    return notes


def _sources(result: Result, shares: _Shares, importers: list[str]) -> list[str]:
    """Where the numbers come from: the run, the equipment shares, SIPRI's import share."""
    eq, data = result.scenario.equipment, result.data
    sources = [f"spendcalc {result.meta.get('spendcalc_version', '')}, scenario "
               f"{result.scenario.name}", str(result.meta.get("data_vintage", ""))]
    if eq.share_pct is None:
        ids = sorted({o.source_id for o in shares.used})
        titles = [data.sources[i].title if i in data.sources else SOURCE_LABELS.get(i, i)
                  for i in ids]
        sources.append(f"equipment shares: {'; '.join(titles) or 'NATO 20% guideline'}")
    if importers and eq.us_share_of_imports_pct == DEFAULT_US_SHARE:
        sources.append(f"US share of imports: {SOURCE_LABELS['SIPRI-ATT-2025']}")
    return sources

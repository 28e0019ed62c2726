"""Budget trade-offs: the extra defence spending against health, education, social
protection and total public spending, per person, at constant prices, and as debt if
borrowed. Units: USD bn at current prices unless a column says otherwise; shares in
percent of GDP.

Numbers come from the projection table (``Result.table``) and the budget data
(``spendcalc.io.fiscal_data``); every new step of arithmetic is a call into
``spendcalc.core.budget``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spendcalc.core import budget
from spendcalc.io.fiscal_data import (
    BUDGET_LINES,
    LINE_LABELS,
    SOURCE_LABELS,
    FiscalData,
    Observation,
    load_fiscal,
)

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.core.result import Result

from spendcalc.evidence.selection import (
    FINANCED,
    MEASURES,
    Grid,
    OptionError,
    Selection,
    check_year,
    grid,
    held,
    select,
)

# --------------------------------------------------------------------------- trade-off

@dataclass(frozen=True)
class Tradeoff:
    """Extra spending against budget lines, per person, at constant prices, and if borrowed.

    ``yearly``: one row per (member, year), base year to horizon. ``summary``: one row per
    member for ``year``, with ``cum_*`` columns summed over the years after the base year up
    to ``year``. ``total``: the same for the selection as a whole (several members only).
    """

    scenario: Scenario
    year: int
    selection: Selection
    yearly: pd.DataFrame
    summary: pd.DataFrame
    total: dict[str, Any] | None
    notes: list[str]
    sources: list[str]
    meta: dict[str, Any] = field(default_factory=dict)


def tradeoff(result: Result, member: str | None = None, group: str | None = None,
             year: int | None = None, *, fiscal: FiscalData | None = None) -> Tradeoff:
    """Compute the trade-off tables for a projected scenario (see ``Tradeoff``), with the
    data it was computed with."""
    data = result.data
    fiscal = fiscal or load_fiscal(data)
    scenario = result.scenario
    sel = select(result, data, member, group)
    year = check_year(scenario, year)
    if sel.member is not None:
        _need_fiscal(fiscal, sel.member, data)
    g = grid(result, sel.codes)
    _check_cut_line(scenario, fiscal, sel, g)
    x = _inputs(scenario, fiscal, sel, g)
    yearly = _yearly(x, sel)
    j = int(np.searchsorted(g.years, year))  # the chosen year's column
    summary = _summary(x, yearly, fiscal, sel, year, j)
    total = (_tradeoff_total(summary, x.amounts, x.gdp, x.population, x.line_pct, x.cut,
                             x.path, g, j) if len(sel.codes) > 1 else None)
    notes = _tradeoff_notes(scenario, fiscal, sel, g, summary, year)
    sources = _tradeoff_sources(result, summary)
    return Tradeoff(scenario=scenario, year=year, selection=sel, yearly=yearly,
                    summary=summary, total=total, notes=notes, sources=sources,
                    meta=dict(result.meta))


def with_currency(tr: Tradeoff, result: Result) -> Tradeoff:
    """``tr`` with its money also in ``result``'s ``--currency`` (``Result.in_currency``):
    ``currency`` and ``usd_rate`` plus a ``_lcu_`` twin of every ``_usd_bn`` and
    ``_usd_per_person`` column (dollars times the year's rate; ``_lcu_bn_const`` at constant
    base-year prices of that currency, its own CPI), in ``yearly`` and ``summary`` (``cum_``
    columns summed over the same years). The group total stays in USD. Unchanged without a
    currency."""
    table = result.table
    if "currency" not in table:
        return tr
    keyed = table.set_index(["iso3", "year"])
    index = pd.MultiIndex.from_frame(tr.yearly[["iso3", "year"]])
    yearly = tr.yearly.copy()
    yearly["currency"] = keyed["currency"].reindex(index).to_numpy()
    rate = keyed["usd_rate"].reindex(index).to_numpy(dtype=float)
    # The currency's price level against the base year: current over constant local GDP.
    prices = (keyed["gdp_lcu_bn"] / keyed["gdp_lcu_bn_const"]).reindex(index).to_numpy()
    yearly["usd_rate"] = rate
    twins = {}
    for col in tr.yearly.columns:
        if col.endswith(("_usd_bn", "_usd_per_person")):
            twins[col] = yearly[col].to_numpy(dtype=float) * rate
        elif col.endswith("_usd_bn_const"):
            twins[col] = yearly[col.removesuffix("_const")].to_numpy(dtype=float) * rate / prices
    for col, values in twins.items():
        yearly[col.replace("_usd_", "_lcu_")] = values
    summary = tr.summary.copy()
    now = yearly[yearly.year == tr.year].set_index("iso3").reindex(summary.iso3)
    span = yearly[(yearly.year > tr.scenario.base_year) & (yearly.year <= tr.year)]
    sums = span.groupby("iso3", sort=False).sum(numeric_only=True, min_count=1)
    sums = sums.reindex(summary.iso3)
    summary["currency"] = now["currency"].to_numpy()
    summary["usd_rate"] = now["usd_rate"].to_numpy()
    for col in twins:
        local = col.replace("_usd_", "_lcu_")
        summary[local] = now[local].to_numpy()
        if f"cum_{col}" in summary:
            # Added debt is a stock (its cum_ is the year's value): converted at that year's
            # rate; flows sum, each year at its own rate.
            stock = col == "added_debt_usd_bn"
            summary[f"cum_{local}"] = (now if stock else sums)[local].to_numpy()
    return replace(tr, yearly=yearly, summary=summary, meta=dict(result.meta))


@dataclass(frozen=True)
class _Inputs:
    """The member × year arrays the tables are built from: money in USD bn at current
    prices, population in millions, debt and budget lines in percent of GDP."""

    g: Grid
    gdp: np.ndarray
    deflator: np.ndarray
    population: np.ndarray
    debt_base: np.ndarray
    lines: dict[str, list[Observation | None]]
    """Each member's latest observation of each budget line (None: no figure)."""
    line_pct: dict[str, np.ndarray]
    amounts: dict[str, np.ndarray]
    """The extra spending of each measure (``MEASURES``)."""
    cut: np.ndarray
    """The part of the new money not borrowed: cut from budget lines."""
    path: budget.DebtPath


def _check_cut_line(scenario: Scenario, fiscal: FiscalData, sel: Selection, g: Grid) -> None:
    """One member whose ``financing.cut_line`` has no figure cannot be cut from it."""
    fin = scenario.financing
    if fin.cut_line is None or fin.borrowed_pct >= 100 or sel.member is None:
        return
    if any(fiscal.latest(c, fin.cut_line) is None for c in sel.codes):
        raise OptionError(
            f"financing.cut_line = {fin.cut_line}: fiscal.csv has no "
            f"{LINE_LABELS[fin.cut_line]} figure for {g.names[0]} ({sel.member}); lines "
            f"with data: {', '.join(_available_lines(fiscal, sel.member)) or 'none'}")


def _inputs(scenario: Scenario, fiscal: FiscalData, sel: Selection, g: Grid) -> _Inputs:
    """The projection's and the budget data's arrays, and the debt path of the new money."""
    years = g.years
    gdp = g("gdp_usd_bn")
    population = np.vstack([held(years, fiscal.population_m.get(c, {})) for c in sel.codes])
    debt_base = np.vstack([held(years, fiscal.series(c, "gov_debt")) for c in sel.codes])
    lines = {ln: [fiscal.latest(c, ln) for c in sel.codes] for ln in BUDGET_LINES}
    line_pct = {ln: np.array([o.value if o else np.nan for o in obs]) for ln, obs in lines.items()}
    amounts = {m.key: g(m.column) for m in MEASURES.values()}
    fin = scenario.financing
    new = amounts[FINANCED.key]
    path = budget.debt_path(debt_base, new, gdp, fin.borrowed_pct, fin.interest_rate_pct)
    cut = new * (100.0 - fin.borrowed_pct) / 100.0
    return _Inputs(g, gdp, g("deflator"), population, debt_base, lines, line_pct, amounts,
                   cut, path)


def _yearly(x: _Inputs, sel: Selection) -> pd.DataFrame:
    """One row per (member, year): each measure in money, at constant prices, per person
    and as a share of each budget line; debt with and without the new money; the cut."""
    g, years = x.g, x.g.years
    cols: dict[str, Any] = {
        "iso3": np.repeat(sel.codes, len(years)), "member": np.repeat(g.names, len(years)),
        "year": np.tile(years, len(sel.codes)), "armed_forces": np.repeat(g.armed, len(years)),
        "gdp_usd_bn": x.gdp.ravel(), "deflator": x.deflator.ravel(),
        "population_m": x.population.ravel(),
    }
    for m in MEASURES.values():
        amount = x.amounts[m.key]
        cols[f"{m.prefix}_usd_bn"] = amount.ravel()
        cols[f"{m.prefix}_usd_bn_const"] = budget.to_constant_usd_bn(amount, x.deflator).ravel()
        cols[f"{m.prefix}_usd_per_person"] = budget.per_person_usd(amount, x.population).ravel()
        for ln in BUDGET_LINES:
            cols[f"{m.prefix}_pct_{ln}"] = budget.share_of_line_pct(
                amount, x.line_pct[ln][:, None], x.gdp).ravel()
    cols["debt_without_pct_gdp"] = np.where(g.armed[:, None], x.path.without_pct_gdp,
                                            np.nan).ravel()
    cols["debt_with_pct_gdp"] = x.path.with_pct_gdp.ravel()
    cols["added_debt_usd_bn"] = x.path.added_usd_bn.ravel()
    cols["cut_usd_bn"] = x.cut.ravel()
    for ln in BUDGET_LINES:
        cols[f"cut_pct_{ln}"] = budget.share_of_line_pct(x.cut, x.line_pct[ln][:, None],
                                                         x.gdp).ravel()
    return pd.DataFrame(cols)


def _summary(x: _Inputs, yearly: pd.DataFrame, fiscal: FiscalData, sel: Selection,
             year: int, j: int) -> pd.DataFrame:
    """One row per member for ``year`` (column ``j``), with ``cum_*`` sums over the years
    after the base year up to it, and each budget line's figure, year and source."""
    span = slice(1, j + 1)
    summary = yearly[yearly.year == year].reset_index(drop=True).copy()
    for m in MEASURES.values():
        amount = x.amounts[m.key]
        summary[f"cum_{m.prefix}_usd_bn"] = x.g(m.cum_column)[:, j]
        summary[f"cum_{m.prefix}_usd_bn_const"] = budget.to_constant_usd_bn(
            amount[:, span], x.deflator[:, span]).sum(axis=1)
        summary[f"cum_{m.prefix}_usd_per_person"] = budget.per_person_usd(
            amount[:, span], x.population[:, span]).sum(axis=1)
        for ln in BUDGET_LINES:
            summary[f"cum_{m.prefix}_pct_{ln}"] = budget.cumulative_share_of_line_pct(
                amount[:, span], x.line_pct[ln], x.gdp[:, span])
    for ln in BUDGET_LINES:
        summary[f"cum_cut_pct_{ln}"] = budget.cumulative_share_of_line_pct(
            x.cut[:, span], x.line_pct[ln], x.gdp[:, span])
        summary[f"{ln}_pct_gdp"] = x.line_pct[ln]
        summary[f"{ln}_year"] = pd.array([o.year if o else None for o in x.lines[ln]],
                                         dtype="Int64")
        summary[f"{ln}_source"] = [o.source_id if o else "" for o in x.lines[ln]]
    summary["cum_cut_usd_bn"] = x.cut[:, span].sum(axis=1)
    summary["cum_added_debt_usd_bn"] = x.path.added_usd_bn[:, j]
    summary["debt_base_year_pct_gdp"] = np.where(x.g.armed, x.debt_base[:, 0], np.nan)
    pop_obs = [fiscal.latest_population(c) for c in sel.codes]
    summary["population_year"] = pd.array([o.year if o else None for o in pop_obs],
                                          dtype="Int64")
    return summary


def _available_lines(fiscal: FiscalData, iso3: str) -> list[str]:
    return [ln for ln in BUDGET_LINES if fiscal.latest(iso3, ln) is not None]


def _need_fiscal(fiscal: FiscalData, iso3: str, data: Dataset) -> None:
    member = data.members[data.index(iso3)]
    if not member.armed_forces:
        raise OptionError(f"--member: {member.name} ({iso3}) has no armed forces: no defence "
                          "spending, so no trade-off to show")
    if not _available_lines(fiscal, iso3) and not fiscal.series(iso3, "gov_debt"):
        raise OptionError(f"--member: fiscal.csv has no budget or debt figures for "
                          f"{member.name} ({iso3}); nothing to compare with")


def _tradeoff_total(summary: pd.DataFrame, amounts: dict[str, np.ndarray], gdp: np.ndarray,
                    population: np.ndarray, line_pct: dict[str, np.ndarray],
                    cut: np.ndarray, path: budget.DebtPath, g: Grid, j: int) -> dict[str, Any]:
    """The selection as a whole: sums of money; ratios over the members with the data."""
    armed = g.armed
    span = slice(1, j + 1)
    out: dict[str, Any] = {"n_members": int(armed.sum())}
    has_pop = armed & ~np.isnan(population[:, j])
    for m in MEASURES.values():
        a = amounts[m.key]
        out[f"{m.prefix}_usd_bn"] = float(np.nansum(a[armed, j]))
        out[f"cum_{m.prefix}_usd_bn"] = float(np.nansum(summary[f"cum_{m.prefix}_usd_bn"][armed]))
        out[f"{m.prefix}_usd_bn_const"] = float(np.nansum(summary[f"{m.prefix}_usd_bn_const"]
                                                          [armed]))
        out[f"cum_{m.prefix}_usd_bn_const"] = float(np.nansum(
            summary[f"cum_{m.prefix}_usd_bn_const"][armed]))
        out[f"{m.prefix}_usd_per_person"] = float(budget.per_person_usd(
            a[has_pop, j].sum(), population[has_pop, j].sum()))
        out[f"cum_{m.prefix}_usd_per_person"] = float(np.sum(budget.per_person_usd(
            a[has_pop][:, span].sum(axis=0), population[has_pop][:, span].sum(axis=0))))
        for ln in BUDGET_LINES:
            ok = armed & ~np.isnan(line_pct[ln])
            line_now = budget.line_usd_bn(line_pct[ln][ok], gdp[ok, j]).sum()
            line_sum = budget.line_usd_bn(line_pct[ln][ok][:, None], gdp[ok][:, span]).sum()
            out[f"{m.prefix}_pct_{ln}"] = float(budget.percent_of(a[ok, j].sum(), line_now))
            out[f"cum_{m.prefix}_pct_{ln}"] = float(budget.percent_of(a[ok][:, span].sum(),
                                                                      line_sum))
            out[f"{ln}_members"] = int(ok.sum())
    weights = gdp[armed, j]
    out["debt_without_pct_gdp"] = float(np.sum(path.without_pct_gdp[armed, j] * weights)
                                        / weights.sum())
    out["debt_with_pct_gdp"] = float(np.sum(path.with_pct_gdp[armed, j] * weights)
                                     / weights.sum())
    out["cut_usd_bn"] = float(np.nansum(cut[armed, j]))
    return out


def _tradeoff_notes(scenario: Scenario, fiscal: FiscalData, sel: Selection, g: Grid,
                    summary: pd.DataFrame, year: int) -> list[str]:
    notes = []
    armed_codes = [c for c, a in zip(sel.codes, g.armed, strict=True) if a]
    unarmed = [n for n, a in zip(g.names, g.armed, strict=True) if not a]
    if unarmed:
        notes.append(f"{', '.join(unarmed)}: no armed forces, no defence spending (left out "
                     "of totals).")
    missing: dict[str, list[str]] = {}
    for ln in BUDGET_LINES:
        lacking = tuple(c for c in armed_codes if fiscal.latest(c, ln) is None)
        if lacking:
            missing.setdefault(", ".join(lacking), []).append(LINE_LABELS[ln])
    for who, what in missing.items():
        notes.append(f"No {', '.join(what)} figure in fiscal.csv for {who}: shown as '—' and "
                     "left out of group ratios (nothing is filled in).")
    years = sorted({int(y) for ln in BUDGET_LINES for y in summary[f"{ln}_year"].dropna()})
    if years:
        span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
        notes.append(f"Budget lines: each member's latest year in fiscal.csv ({span}), held at "
                     "that share of GDP, so they grow with GDP.")
    pop_years = sorted({int(y) for y in summary["population_year"].dropna()})
    if pop_years and max(pop_years) < year:
        notes.append(f"Population: held at its {max(pop_years)} level (population.csv ends "
                     f"there; no projection is bundled).")
    fin = scenario.financing
    cut_part = ""
    if fin.borrowed_pct < 100:
        where = LINE_LABELS[fin.cut_line] if fin.cut_line else "each line in turn"
        cut_part = f"; the other {100 - fin.borrowed_pct:g}% cut from {where}"
    notes.append(
        f"Debt: the increase over the {scenario.base_year} share is new money; "
        f"{fin.borrowed_pct:g}% of it is borrowed at {fin.interest_rate_pct:g}% a year "
        f"(interest also borrowed){cut_part}. Without it: IMF WEO Apr 2026 gross debt, "
        "projections to 2031, the 2031 ratio held after. GDP grows as in the scenario; the "
        "spending is assumed not to change GDP.")
    return notes


def _tradeoff_sources(result: Result, summary: pd.DataFrame) -> list[str]:
    ids: set[str] = set()
    for ln in BUDGET_LINES:
        ids |= {s for s in summary[f"{ln}_source"] if s}
    labels = sorted(SOURCE_LABELS.get(s, s) for s in ids)
    return [f"spendcalc {result.meta.get('spendcalc_version', '')}, scenario "
            f"{result.scenario.name}", str(result.meta.get("data_vintage", "")),
            f"budgets: {'; '.join(labels)}" if labels else "budgets: none",
            "debt: IMF WEO Apr 2026", "population: derived from NATO (Jun 2024)"]

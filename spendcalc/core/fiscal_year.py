"""Fiscal years from calendar years, by apportioning months (an approximation).

Canada's and the UK's budgets run April-March, the US's October-September. spendcalc projects
calendar years, so a fiscal year starting in month ``start_month`` of year *t* is taken as
``(13 - start_month) / 12`` of calendar year *t* plus ``(start_month - 1) / 12`` of year
*t + 1* (April: 9/12 and 3/12). This assumes money is spread evenly over the months of each
calendar year; budgets that bunch spending late in the fiscal year differ from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from spendcalc.core.engine import running_sum_after_base

START_MONTH = {"CAN": 4, "GBR": 4, "USA": 10}
"""The first month of the fiscal year, for the allies whose budget year is not the calendar."""


def apportion(calendar: Mapping[int, float], start_month: int) -> dict[int, float]:
    """Fiscal-year amounts keyed by the calendar year each fiscal year starts in (2035 for
    FY 2035-36), from calendar-year amounts (any unit, flows such as USD bn a year). A fiscal
    year needs both calendar years it spans; ``start_month`` 1 returns the calendar years."""
    if not 1 <= start_month <= 12:
        raise ValueError(f"start_month must be 1 to 12, not {start_month}")
    if start_month == 1:
        return dict(calendar)
    first = (13 - start_month) / 12
    return {year: first * value + (1 - first) * calendar[year + 1]
            for year, value in calendar.items() if year + 1 in calendar}


COLUMNS = ("fiscal_year", "fiscal_start_month")
"""The columns ``fiscal_columns`` adds after the others (the export schema's optional fields)."""
FLOWS = ("_usd_bn", "_lcu_bn", "_usd_bn_const", "_lcu_bn_const")
"""Suffixes of the member table's money flows: these are apportioned (not ``cum_`` sums)."""
SHARES = ("core", "related", "total")
"""``X_pct`` = ``X_usd_bn`` over ``gdp_usd_bn``: recomputed from the apportioned money."""
MODEL = ("fiscal years apportioned from calendar years: a fiscal year starting in month m of "
         "year t is (13 - m)/12 of year t plus (m - 1)/12 of year t + 1 (money spread evenly "
         "over each calendar year's months); shares of GDP are the apportioned spending over "
         "the apportioned GDP; groups stay in calendar years")


def label(year: int, start_month: int) -> str:
    """``2035-36`` for a fiscal year starting in 2035 (not in January), else ``2035``."""
    return str(year) if start_month == 1 else f"{year}-{(year + 1) % 100:02d}"


def fiscal_columns(columns: Mapping[str, Any],
                   start_month: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The member table's columns with each ally in ``start_month`` (default
    ``START_MONTH``: Canada, the UK, the US) by fiscal year: its row for year *t* holds the
    fiscal year starting in *t* (money flows apportioned, ``cum_`` sums rebuilt from them,
    shares of GDP recomputed), labelled in ``fiscal_year`` (``2035-36``). Rows are
    (member, year) blocks of the same consecutive years, as ``tables.member_columns`` lays
    them out; a fiscal year needs the next calendar year, so the last year's row of such an
    ally is NaN (project one year further to fill it). ``share_of_total_pct`` is recomputed
    across the mixed rows of each year."""
    months_of = START_MONTH if start_month is None else start_month
    iso3 = [str(c) for c in columns["iso3"]]
    year = np.asarray(columns["year"], dtype=np.int64)
    n_years = len(np.unique(year))
    months = np.array([months_of.get(c, 1) for c in iso3], dtype=np.int64)
    first = (13 - months) / 12
    out = dict(columns)
    for col in columns:
        if col.startswith("cum_") or not col.endswith(FLOWS):
            continue
        value = np.asarray(columns[col], dtype=np.float64)
        blocks = value.reshape(-1, n_years)
        following = np.concatenate([blocks[:, 1:], np.full((len(blocks), 1), np.nan)], axis=1)
        out[col] = np.where(months == 1, value,
                            first * value + (1 - first) * following.reshape(-1))
    for col in columns:
        if col.startswith("cum_") and col.endswith(FLOWS):
            flow = np.asarray(out[col.removeprefix("cum_")], dtype=np.float64)
            out[col] = running_sum_after_base(flow.reshape(-1, n_years)).reshape(-1)
    gdp = np.asarray(out["gdp_usd_bn"], dtype=np.float64)
    for name in SHARES:
        if f"{name}_pct" in out:
            shifted = np.asarray(out[f"{name}_usd_bn"], dtype=np.float64) / gdp * 100
            out[f"{name}_pct"] = np.where(months == 1, columns[f"{name}_pct"], shifted)
    if "usd_rate" in out:  # each currency's money is apportioned on its own: the FY's rate is
        # its GDP's (so money x rate matches only to the rate's drift within the year)
        effective = np.asarray(out["gdp_lcu_bn"], dtype=np.float64) / gdp
        out["usd_rate"] = np.where(months == 1, columns["usd_rate"], effective)
    if "share_of_total_pct" in out:
        total = np.asarray(out["total_usd_bn"], dtype=np.float64).reshape(-1, n_years)
        out["share_of_total_pct"] = (total / np.nansum(total, axis=0) * 100).reshape(-1)
    out["fiscal_year"] = np.array(
        [label(int(y), int(m)) for y, m in zip(year, months, strict=True)], dtype=object)
    out["fiscal_start_month"] = months
    return out

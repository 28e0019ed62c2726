"""Budget arithmetic for the trade-off views: pure NumPy, no files, no pandas, no plotting.

Everything here starts from numbers the projection table already holds (extra spending, GDP,
the deflator) plus budget data (``spendcalc.io.fiscal_data``), and adds one documented step:
a ratio to a budget line, a per-person figure, a debt path, a split of money by supplier.

Units, once for the module:
- money in **billions of current US dollars** (``*_usd_bn``) unless a name ends in ``_const``
  (constant base-year US dollars);
- shares of GDP in **percent of GDP** (``*_pct_gdp``), other shares in **percent** of what the
  name says; rates in **percent per year** at the interface, fractions inside;
- population in **millions**; per-person amounts in **US dollars** (not billions).
Arrays broadcast; the last axis is years wherever a function says "over years". NaN in,
NaN out: a missing budget figure is never treated as zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ArrayLike = FloatArray | float

NATO_EQUIPMENT_GUIDELINE_PCT = 20.0
"""Wales 2014: allies should spend at least 20 % of defence spending on major equipment."""


def _arr(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _safe_divide(num: FloatArray, den: FloatArray) -> FloatArray:
    """num / den, NaN where den is 0 or NaN."""
    num, den = np.broadcast_arrays(num, den)
    out: FloatArray = np.divide(num, den, out=np.full(num.shape, np.nan),
                                where=np.isfinite(den) & (den != 0))
    return out


def percent_of(part: ArrayLike, whole: ArrayLike) -> FloatArray:
    """100 x part / whole (same unit), NaN where the whole is 0 or missing."""
    return 100.0 * _safe_divide(_arr(part), _arr(whole))


def line_usd_bn(line_pct_gdp: ArrayLike, gdp_usd_bn: ArrayLike) -> FloatArray:
    """A budget line in money: percent of GDP x GDP (USD bn) -> USD bn.

    The line is held at the given share of GDP, so it grows with GDP."""
    out: FloatArray = _arr(line_pct_gdp) / 100.0 * _arr(gdp_usd_bn)
    return out


def share_of_line_pct(amount_usd_bn: ArrayLike, line_pct_gdp: ArrayLike,
                      gdp_usd_bn: ArrayLike) -> FloatArray:
    """``amount`` as a percent of a budget line of ``line_pct_gdp`` percent of GDP.

    Equals 100 x (amount / GDP x 100) / line_pct_gdp: the extra spending in percent of GDP
    over the line in percent of GDP. NaN where the line is missing or zero."""
    return percent_of(amount_usd_bn, line_usd_bn(line_pct_gdp, gdp_usd_bn))


def cumulative_share_of_line_pct(amount_usd_bn: FloatArray, line_pct_gdp: ArrayLike,
                                 gdp_usd_bn: FloatArray) -> FloatArray:
    """Summed ``amount`` over years as a percent of the summed line over the same years.

    ``amount_usd_bn`` and ``gdp_usd_bn`` are (..., Y); ``line_pct_gdp`` broadcasts to (...)
    (one share of GDP held over the years) or to (..., Y)."""
    line = _arr(line_pct_gdp)
    if line.ndim < _arr(gdp_usd_bn).ndim:
        line = line[..., None]
    total_line = line_usd_bn(line, gdp_usd_bn).sum(axis=-1)
    return percent_of(_arr(amount_usd_bn).sum(axis=-1), total_line)


def per_person_usd(amount_usd_bn: ArrayLike, population_m: ArrayLike) -> FloatArray:
    """USD bn over millions of people -> US dollars per person (x 1,000)."""
    return 1000.0 * _safe_divide(_arr(amount_usd_bn), _arr(population_m))


def to_constant_usd_bn(amount_usd_bn: ArrayLike, deflator: ArrayLike) -> FloatArray:
    """Current USD bn -> constant base-year USD bn: divide by the price level (1 in the base
    year; the projection table's ``deflator`` column, US CPI)."""
    return _safe_divide(_arr(amount_usd_bn), _arr(deflator))


def hold_after(years: npt.ArrayLike, known: dict[int, float]) -> FloatArray:
    """Values for ``years`` from ``known`` (year -> value), the last known value held after
    the last known year. Years before the first known year, or with no known value, are NaN
    (never guessed)."""
    out = np.full(len(np.asarray(years)), np.nan)
    if not known:
        return out
    last_year = max(known)
    for j, year in enumerate(np.asarray(years).tolist()):
        if year in known:
            out[j] = known[year]
        elif year > last_year:
            out[j] = known[last_year]
    return out


def added_debt_usd_bn(new_spending_usd_bn: FloatArray, borrowed_pct: float,
                      interest_rate_pct: float) -> FloatArray:
    """Debt added by borrowing part of new spending, USD bn current, over years (last axis).

        A[t] = A[t-1] x (1 + i) + b x E[t],   A[-1] = 0

    with ``E`` the new spending (USD bn), ``b = borrowed_pct / 100`` and ``i =
    interest_rate_pct / 100``. Interest on the added debt is itself borrowed (no primary
    surplus pays it down); the extra spending does not change GDP, nor the rate paid on the
    rest of the debt. NaN in E (no defence spending) gives NaN."""
    spend = _arr(new_spending_usd_bn)
    b = borrowed_pct / 100.0
    growth = 1.0 + interest_rate_pct / 100.0
    out = np.empty_like(spend)
    stock = np.zeros(spend.shape[:-1])
    for t in range(spend.shape[-1]):
        stock = stock * growth + b * spend[..., t]
        out[..., t] = stock
    return out


def debt_ratio_pct(baseline_debt_pct_gdp: FloatArray, added_debt: FloatArray,
                   gdp_usd_bn: FloatArray) -> FloatArray:
    """Debt ratio with the added debt: baseline ratio + 100 x added debt / GDP, percent of GDP.

    The baseline ratio (e.g. the IMF's projection) is taken as given; the added debt is
    divided by the scenario's GDP in the same year, so nominal growth in the scenario shrinks
    the added ratio over time."""
    return _arr(baseline_debt_pct_gdp) + 100.0 * _safe_divide(_arr(added_debt),
                                                              _arr(gdp_usd_bn))


@dataclass(frozen=True)
class DebtPath:
    """Debt ratios over years, percent of GDP."""

    without_pct_gdp: FloatArray
    with_pct_gdp: FloatArray
    added_usd_bn: FloatArray


def debt_path(baseline_debt_pct_gdp: FloatArray, new_spending_usd_bn: FloatArray,
              gdp_usd_bn: FloatArray, borrowed_pct: float,
              interest_rate_pct: float) -> DebtPath:
    """The debt path without and with the borrowed part of the new spending (see
    ``added_debt_usd_bn`` and ``debt_ratio_pct``). Arrays are (..., Y)."""
    added = added_debt_usd_bn(new_spending_usd_bn, borrowed_pct, interest_rate_pct)
    return DebtPath(without_pct_gdp=_arr(baseline_debt_pct_gdp),
                    with_pct_gdp=debt_ratio_pct(baseline_debt_pct_gdp, added, gdp_usd_bn),
                    added_usd_bn=added)


@dataclass(frozen=True)
class EquipmentFlows:
    """Where extra defence money goes, USD bn (same shape and prices as the input)."""

    equipment_usd_bn: FloatArray
    """Spent on major equipment (incl. related R&D)."""
    imported_usd_bn: FloatArray
    """Of that, spent on imports (NaN for the United States: its equipment is domestic)."""
    us_suppliers_usd_bn: FloatArray
    """Of the imports, bought from US suppliers (NaN for the United States)."""


def equipment_flows(extra_usd_bn: ArrayLike, equipment_share_pct: ArrayLike,
                    imported_pct: float, us_share_of_imports_pct: float,
                    is_supplier: ArrayLike = False) -> EquipmentFlows:
    """Split extra spending: x equipment share -> equipment; x imported share -> imports;
    x US share of imports -> US suppliers. Shares in percent. ``is_supplier`` marks the
    United States, whose purchases from US firms are not imports (NaN there)."""
    equipment = _arr(extra_usd_bn) * _arr(equipment_share_pct) / 100.0
    imported = equipment * imported_pct / 100.0
    us = imported * us_share_of_imports_pct / 100.0
    supplier = np.asarray(is_supplier, dtype=bool)
    imported = np.where(supplier, np.nan, imported)
    us = np.where(supplier, np.nan, us)
    return EquipmentFlows(equipment, imported, us)


def annual_change_pct(series: FloatArray) -> FloatArray:
    """Year-on-year change along the last axis, percent; NaN in the first year."""
    s = _arr(series)
    out = np.full(s.shape, np.nan)
    out[..., 1:] = 100.0 * (_safe_divide(s[..., 1:], s[..., :-1]) - 1.0)
    return out

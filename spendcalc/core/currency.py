"""Exchange rates and money in national currencies (``--currency``); pure NumPy.

Units: a rate is **national currency units per US dollar** (NATO's Table 1 over Table 2,
current prices: 0.848 euro per dollar in 2026); converted money is in **billions of the
row's currency**, current prices (``_lcu_bn``), or constant base-year prices of that currency,
deflated by its own CPI (``_lcu_bn_const``, "in today's euros").

The model, for ally *m* and year *t*:

- history (the years of ``national_currency.csv``, 2014-2026 in nato-2026): NATO's implied
  rate. Allies sharing a currency share one rate, that of the currency's largest economy
  (Germany for the euro): NATO states Croatia, Bulgaria and Lithuania in euro for every year
  at the euro's rate, and Montenegro's own ratios differ from it only by the rounding of its
  small amounts (whole millions);
- projection: the real rate against the dollar holds, so the nominal rate moves with the
  inflation gap, ``rate[t] = rate[t-1] * (1 + CPI_m[t]) / (1 + CPI_US[t])`` (IMF WEO
  October 2025 CPI, percent; after its last year the last year's inflation holds, as the GDP
  model does). Dollar GDP grows with real growth and US CPI, so local GDP = USD x rate grows
  with real growth and the ally's own CPI. Each euro ally's rate moves with its own CPI;
  a common currency (``--currency EUR``) uses the path of its largest economy for everyone;
- a scenario's ``[currency]`` table may fix a rate (``EUR_per_USD = 0.92``) for every year
  or some years; later unfixed years move on from it by the rule above.

Dollar figures never change: every converted flow is the dollar cell times the year's rate,
and every cumulative column the running sum of converted flows (each year at its own rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from spendcalc.core.dataset import Dataset
from spendcalc.core.engine import running_sum_after_base
from spendcalc.core.errors import ScenarioError, SpendcalcError

FloatArray = npt.NDArray[np.float64]

LOCAL = "local"
USD = "USD"

CONVERTED = (
    "gdp_usd_bn", "core_usd_bn", "related_usd_bn", "total_usd_bn", "baseline_usd_bn",
    "extra_over_baseline_usd_bn", "cum_extra_over_baseline_usd_bn",
    "increase_over_base_share_usd_bn", "cum_increase_over_base_share_usd_bn",
    "shortfall_to_target_usd_bn",
)
"""Money columns (USD bn, current prices) that get a ``_lcu_bn`` twin: flows are the dollar
figure times the year's rate; ``cum_`` columns are running sums of the converted flows."""

CONSTANT = ("gdp_usd_bn", "core_usd_bn", "related_usd_bn", "total_usd_bn", "baseline_usd_bn",
            "extra_over_baseline_usd_bn")
"""Those that also get a ``_lcu_bn_const`` twin (constant base-year prices, own CPI)."""

COLUMNS = ("currency", "usd_rate", *(c.replace("_usd_bn", "_lcu_bn") for c in CONVERTED),
           *(c.replace("_usd_bn", "_lcu_bn") + "_const" for c in CONSTANT))
"""The columns ``--currency`` adds after the standard ones, in this order (the export
schema's optional fields)."""

MODEL = ("NATO's implied rates (Table 1 / Table 2, national_currency.csv) for their years; "
         "after them rate[t] = rate[t-1] x (1 + local CPI[t]) / (1 + US CPI[t]) (IMF WEO "
         "October 2025; last year's inflation held after it); allies sharing a currency share "
         "its largest economy's NATO rate; scenario [currency] rates replace these")


class CurrencyError(SpendcalcError):
    """A currency that cannot be shown with this data (bad input, exit 2)."""


def lcu_name(column: str) -> str:
    """``core_usd_bn`` -> ``core_lcu_bn``; ``core_usd_bn_const`` -> ``core_lcu_bn_const``."""
    return column.replace("_usd_bn", "_lcu_bn")


def available(data: Dataset) -> tuple[str, ...]:
    """The ISO 4217 codes ``--currency`` accepts with ``data`` (USD always), sorted."""
    return tuple(sorted({USD, *(c for c in data.currencies if c)}))


def check_choice(data: Dataset, choice: str) -> str:
    """``choice`` normalised (``local``, ``USD`` or an upper-case code) or a CurrencyError."""
    code = choice.strip()
    code = LOCAL if code.lower() == LOCAL else code.upper()
    if code == USD:
        return code
    if data.usd_rates is None:
        raise CurrencyError(
            f"--currency {choice}: the {data.edition_name} edition has no exchange rates "
            "(NATO's Table 1, national_currency.csv); use --edition nato-2026, or "
            "--currency USD")
    if code != LOCAL and code not in available(data):
        raise CurrencyError(f"--currency {choice}: no ally reports in {code!r}; allowed: local, "
                            f"{', '.join(available(data))}")
    return code


def anchor(data: Dataset, code: str) -> int:
    """Row of the ally whose NATO rate stands for ``code``: its largest economy (latest GDP)."""
    rows = [i for i, c in enumerate(data.currencies) if c == code]
    return max(rows, key=lambda i: float(data.gdp_usd_bn[i, -1]))


def _cpi(data: Dataset, row: int, year: int) -> float:
    """CPI inflation of member ``row`` into ``year``, fraction; the last year's holds after."""
    col = data.projection_years.index(min(max(year, data.projection_years[0]),
                                          data.projection_years[-1]))
    return float(data.cpi_pct[row, col]) / 100.0


def _fixed(fixed: dict[str, Any], code: str, year: int) -> float | None:
    """The scenario's rate for ``code`` in ``year``, units per USD, or None."""
    value = fixed.get(f"{code}_per_USD")
    if isinstance(value, dict):
        return None if year not in value else float(value[year])
    return None if value is None else float(value)


def path(data: Dataset, row: int, years: npt.NDArray[np.int64],
         fixed: dict[str, Any] | None = None) -> FloatArray:
    """Member ``row``'s rate in each of ``years`` (consecutive), units per USD: NATO's rate of
    its currency's anchor where it exists, a fixed rate where the scenario gives one, else
    the previous year's moved by the inflation gap. NaN for a member without a currency."""
    code = data.currencies[row] if data.currencies else ""
    out = np.full(len(years), np.nan)
    if not code or data.usd_rates is None:
        return out
    if code == USD:
        return np.ones(len(years))
    usd = data.index("USA")
    nato = data.usd_rates[anchor(data, code)]
    first, start = int(years[0]), min(int(years[0]), data.rate_years[0])
    prev = np.nan
    for y in range(start, int(years[-1]) + 1):
        rate = _fixed(fixed or {}, code, y)
        if rate is None:
            if y in data.rate_years and not np.isnan(nato[data.rate_years.index(y)]):
                rate = float(nato[data.rate_years.index(y)])
            else:
                rate = prev * (1 + _cpi(data, row, y)) / (1 + _cpi(data, usd, y))
        if y >= first:
            out[y - first] = rate
        prev = rate
    return out


def price_level(data: Dataset, row: int, years: npt.NDArray[np.int64]) -> FloatArray:
    """Member ``row``'s consumer price level relative to the first year (1.0 there), from
    its own IMF CPI: the deflator of ``_lcu_bn_const``."""
    growth = np.array([1.0] + [1 + _cpi(data, row, int(y)) for y in years[1:]])
    out: FloatArray = np.cumprod(growth)
    return out


def check_fixed(data: Dataset, fixed: dict[str, Any]) -> None:
    """Every fixed rate names a currency the data knows (a ScenarioError otherwise)."""
    for key in fixed:
        code = key.removesuffix("_per_USD")
        if code not in available(data) or code == USD:
            raise ScenarioError(f"currency.{key}: no ally's NATO figures are in {code}; "
                                f"allowed: {', '.join(c for c in available(data) if c != USD)}")


@dataclass(frozen=True)
class Conversion:
    """Rates for the members of a table: (M, Y) arrays in the table's member order."""

    choice: str
    """``local``, ``USD`` or an ISO 4217 code."""
    codes: tuple[str, ...]
    """Each member's currency in this view ("" where there is none: Iceland, local)."""
    years: npt.NDArray[np.int64]
    rate: FloatArray
    """Units of the member's currency per USD."""
    prices: FloatArray
    """Price level of that currency's CPI, 1.0 in the first (base) year."""


def conversion(data: Dataset, iso3s: tuple[str, ...], years: npt.NDArray[np.int64],
               choice: str, fixed: dict[str, Any] | None = None) -> Conversion:
    """The rates and price levels that show members ``iso3s`` in ``choice``."""
    choice = check_choice(data, choice)
    check_fixed(data, fixed or {})
    usd = data.index("USA")
    rows = [data.index(c) for c in iso3s]
    if choice == LOCAL:
        who = rows
        codes = tuple(data.currencies[r] for r in rows)
    else:
        who = [usd if choice == USD else anchor(data, choice)] * len(rows)
        codes = (choice,) * len(rows)
    rate = np.array([path(data, r, years, fixed) for r in who]).reshape(len(rows), len(years))
    prices = np.array([price_level(data, r, years) for r in who]).reshape(len(rows), len(years))
    return Conversion(choice, codes, years, rate, prices)


def convert_columns(columns: dict[str, Any], conv: Conversion) -> dict[str, Any]:
    """The member table's columns plus ``currency``, ``usd_rate`` and every money column
    in that currency (``_lcu_bn``, ``_lcu_bn_const``); rows are (member, year) in order."""
    rate = conv.rate.reshape(-1)
    prices = conv.prices.reshape(-1)
    out = dict(columns)
    out["currency"] = np.repeat(np.asarray(conv.codes, dtype=object), len(conv.years))
    out["usd_rate"] = rate
    _convert(columns, out, rate, prices, len(conv.years))
    return out


def _convert(columns: dict[str, Any], out: dict[str, Any], rate: FloatArray,
             prices: FloatArray, n_years: int) -> None:
    """Fill ``out`` with the ``_lcu_bn`` twins of ``columns``' money, rows in blocks of
    ``n_years`` consecutive years: flows are dollars x the year's rate; cumulative columns
    (``cum_``) are running sums of the converted flows after the first year, each year at
    its own rate (not the cumulative dollars at one year's rate); ``_const`` deflates by the
    currency's own price level."""
    for col in CONVERTED:
        if col in columns and not col.startswith("cum_"):
            out[lcu_name(col)] = np.asarray(columns[col], dtype=np.float64) * rate
    for col in CONVERTED:
        if col in columns and col.startswith("cum_"):
            flow = out[lcu_name(col.removeprefix("cum_"))].reshape(-1, n_years)
            out[lcu_name(col)] = running_sum_after_base(flow).reshape(-1)
    for col in CONSTANT:
        if col in columns:
            out[lcu_name(col) + "_const"] = out[lcu_name(col)] / prices


def meta_entry(conv: Conversion, iso3s: tuple[str, ...], rates_sha256: str = "",
               fixed: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the meta records: the currency, the model, the rates file's SHA-256, the
    scenario's fixed rates and every rate used (units per USD)."""
    used = {iso3: [None if np.isnan(v) else round(float(v), 8) for v in conv.rate[i]]
            for i, iso3 in enumerate(iso3s)}
    return {
        "currency": conv.choice,
        "model": MODEL,
        "rates_file": {"name": "national_currency.csv", "sha256": rates_sha256},
        "fixed_rates": {k: (dict(sorted((str(y), r) for y, r in v.items()))
                            if isinstance(v, dict) else v) for k, v in (fixed or {}).items()},
        "years": [int(y) for y in conv.years],
        "member_currency": dict(zip(iso3s, conv.codes, strict=True)),
        "rates_per_usd": used,
    }


def convert_aggregates(columns: dict[str, Any], conv: Conversion) -> dict[str, Any]:
    """The aggregates' columns in one common currency (not ``local``: a group's allies may
    use several): ``currency``, ``usd_rate`` and ``_lcu_bn`` money; unchanged for ``local``."""
    if conv.choice == LOCAL or not len(conv.rate):
        return columns
    years = np.asarray(columns["year"])
    rate = conv.rate[0][years - int(conv.years[0])]
    prices = conv.prices[0][years - int(conv.years[0])]
    out = dict(columns)
    out["currency"] = np.full(len(years), conv.choice, dtype=object)
    out["usd_rate"] = rate
    _convert(columns, out, rate, prices, len(conv.years))
    return out

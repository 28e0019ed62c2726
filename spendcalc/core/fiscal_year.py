"""Fiscal years from calendar years, by apportioning months (an approximation).

Canada's and the UK's budgets run April-March, the US's October-September. spendcalc projects
calendar years, so a fiscal year starting in month ``start_month`` of year *t* is taken as
``(13 - start_month) / 12`` of calendar year *t* plus ``(start_month - 1) / 12`` of year
*t + 1* (April: 9/12 and 3/12). This assumes money is spread evenly over the months of each
calendar year; budgets that bunch spending late in the fiscal year differ from it.
"""

from __future__ import annotations

from collections.abc import Mapping

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

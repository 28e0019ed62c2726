"""Scenario settings for the budget views: how extra spending is financed, where it goes.

Shares are in percent (of the extra spending, or of defence spending, as each field says);
rates in percent per year.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from spendcalc.fields import Percent, Strict


class Financing(Strict):
    """How spending above the baseline is paid for (used by ``spendcalc tradeoff``)."""

    borrowed_pct: Percent = 100.0
    """Share of the extra spending financed by new public debt, percent; the rest is
    financed by cutting ``cut_line``."""
    interest_rate_pct: float = Field(default=3.0, gt=-100.0, le=100.0)
    """Nominal interest rate paid on the added debt, percent per year (an assumption)."""
    cut_line: Literal["health", "education", "social_protection", "gov_expenditure"] | None = None
    """The budget line cut for the part not borrowed; none: show each line."""


class Equipment(Strict):
    """Where defence money goes: major equipment and, of that, US suppliers."""

    share_pct: Percent | None = None
    """Share of defence spending on major equipment, percent; none: each member's latest
    NATO figure (data/equipment_share.csv), else NATO's 20 % guideline."""
    us_supplier_share_pct: Percent = 64.0
    """Share of equipment bought from US suppliers, percent (an assumption; default: SIPRI's
    US share of European NATO states' arms imports, 2020-2024)."""

"""Scenario settings for the budget views: how extra spending is financed, where it goes.

Used by ``spendcalc tradeoff`` (``[financing]``) and ``spendcalc moneyflow`` (``[equipment]``);
the projection itself ignores them. Every field is a plain assumption with a documented
default, changeable in a scenario file or with ``--set financing.interest_rate_pct=4``.

Units: shares in percent (3.5 means 3.5 %) of the quantity each field names; rates in
percent per year. In TOML::

    [financing]
    borrowed_pct = 100       # share of the new spending borrowed; the rest cut from cut_line
    interest_rate_pct = 3.0  # nominal interest on the added debt, % a year
    # cut_line = "health"    # health | education | social_protection | gov_expenditure

    [equipment]
    # share_pct = 20         # % of defence spending on major equipment (default: NATO data)
    imported_pct = 100       # % of equipment spending that is imported (upper bound)
    us_share_of_imports_pct = 64   # % of imports from US suppliers (SIPRI 2020-24)
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from spendcalc.core.fields import Percent, Strict

BudgetLine = Literal["health", "education", "social_protection", "gov_expenditure"]


class Financing(Strict):
    """How new defence spending is paid for (used by ``spendcalc tradeoff``).

    "New spending" is the increase over the base-year share of GDP: spending up to the
    base-year share is already in today's budgets, and so already in the IMF's debt
    projection the debt path starts from (``data/fiscal.csv``, ``gov_debt``).
    """

    borrowed_pct: Percent = 100.0
    """Share of the new spending financed by new public debt, percent; the rest is financed
    by cutting ``cut_line``. Default 100: the debt path shows the all-borrowed end, while the
    comparison with budget lines shows the all-cut end (what share of each line the money
    equals), so both ends of the range are on screen. Germany's defence exemption from its
    debt brake and the EU's national escape clause for defence (2025) both allow borrowing."""
    interest_rate_pct: float = Field(default=3.0, ge=-100.0, le=100.0)
    """Nominal interest rate on the added debt, percent per year, the same for every member.
    Default 3.0: a round figure near euro-area 10-year government bond yields in 2025-26 (ECB
    AAA curve about 2.7-2.8 %; the all-issuer euro-area average is somewhat higher). US, UK
    and Turkish rates were higher; set your own per run. Interest is itself borrowed."""
    cut_line: BudgetLine | None = None
    """The budget line cut for the part not borrowed; none: the cut is shown against each
    line (health, education, social protection, total government expenditure)."""


class Equipment(Strict):
    """Where defence money goes: major equipment, imports, and US suppliers.

    Money to US suppliers = extra spending x ``share_pct`` x ``imported_pct`` x
    ``us_share_of_imports_pct`` (each as a fraction). The United States' own equipment
    spending goes to its domestic industry and is not counted as an import.
    """

    share_pct: Percent | None = None
    """Share of defence spending on major equipment (incl. related R&D), percent. None: each
    member's latest NATO figure (``data/equipment_share.csv``, NATO's 2024 estimates); NATO's
    20 % guideline (Wales 2014) for a member without one. The extra money is assumed to be
    spent in the same proportions as today's budget."""
    imported_pct: Percent = 100.0
    """Share of equipment spending that buys imports, percent. No bundled data give it, so the
    default 100 is the upper-bound reading: it treats all equipment as imported, and so the
    US-supplier figure is the most that could go to US suppliers under the import share
    below. Allies with large arms industries (France, Germany, Italy, the UK, Sweden,
    Türkiye) buy much of their equipment at home; lower this to model that."""
    us_share_of_imports_pct: Percent = 64.0
    """Share of arms imports coming from US suppliers, percent. Default 64: SIPRI's share of
    the US in European NATO states' arms imports, 2020-2024 (``data/arms_imports.csv``,
    SIPRI-ATT-2025). SIPRI measures the volume of deliveries of major arms (trend-indicator
    values), not money, and gives no per-country figures; Canada is not in the group."""

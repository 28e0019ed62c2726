"""How spendcalc writes numbers as text: one rule, used by every view.

Import it from ``spendcalc.views.format`` in views and charts; the code lives here, in the
lowest layer, only because the evidence layer (``explain``, ``claims``) writes sentences with
numbers too and may not import from views.

The rule:

- ``money(v)``: USD bn, **one decimal**, thousands separators: ``1,019.4``.
- ``pct(v)``: a share of GDP in percent, **two decimals**: ``3.50`` (``unit=True``: ``3.50%``).
- ``points(v)``: a difference of shares, percentage points, two decimals, always signed.
- ``percent(v)``: a share of a total (of NATO's spending, of a budget line, a chance),
  **one decimal** with ``%``: ``61.1%``.
- ``count(v)``: a whole number with thousands separators (draws, people, USD per person).
- ``signed=True`` writes ``+`` before positive values; a value that rounds to zero has no
  sign (``0.0``, never ``+0.0`` or ``−0.0``). Negative values use the minus sign ``−``.
- Missing values (``None``, NaN, ``pd.NA``, text that is not a number) are written ``—``.
"""

from __future__ import annotations

import math
from typing import Any

MISSING = "—"
MINUS = "−"  # U+2212, the typographic minus: same width as "+", never breaks a line


def missing(value: Any) -> bool:
    """True where there is no number to write (None, NaN, pd.NA, not a number)."""
    if value is None or isinstance(value, bool):
        return value is None
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def number(value: Any, digits: int, *, signed: bool = False) -> str:
    """``value`` with ``digits`` decimals, thousands separators, the rule's signs."""
    if missing(value):
        return MISSING
    x = float(value)
    text = f"{abs(x):,.{digits}f}"
    if text.strip("0.,") == "":
        return text  # rounds to zero: no sign
    if x < 0:
        return MINUS + text
    return "+" + text if signed else text


def money(value: Any, signed: bool = False) -> str:
    """USD bn (or any money amount in billions): one decimal, ``1,019.4``."""
    return number(value, 1, signed=signed)


def pct(value: Any, signed: bool = False, unit: bool = False) -> str:
    """A share of GDP in percent: two decimals, ``3.50`` (``unit``: ``3.50%``)."""
    text = number(value, 2, signed=signed)
    return text + "%" if unit and text != MISSING else text


def points(value: Any, unit: bool = False) -> str:
    """A difference of shares, in percentage points: two decimals, always signed."""
    text = number(value, 2, signed=True)
    return text + " points" if unit and text != MISSING else text


def percent(value: Any, signed: bool = False) -> str:
    """A share of a total (spending, a budget line, a chance) in percent: ``61.1%``."""
    text = number(value, 1, signed=signed)
    return text if text == MISSING else text + "%"


def count(value: Any) -> str:
    """A whole number with thousands separators: ``10,000``."""
    return number(value, 0)

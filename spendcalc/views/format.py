"""How spendcalc writes numbers as text, for every view (terminal, report, charts).

One rule (see ``spendcalc.core.format`` for the code, kept in the lowest layer so that the
evidence layer's sentences use it too):

- ``money(v, signed=False)``: USD bn, one decimal, thousands separators: ``1,019.4``;
- ``pct(v, signed=False, unit=False)``: a share of GDP in percent, two decimals: ``3.50``;
- ``points(v, unit=False)``: a difference of shares in percentage points, two decimals,
  always signed: ``+1.50``;
- ``percent(v, signed=False)``: a share of a total (NATO's spending, a budget line, a
  chance), one decimal with ``%``: ``61.1%``;
- ``count(v)``: a whole number with thousands separators: ``10,000``;
- ``+`` only with ``signed=True``; a value that rounds to zero has no sign; negative values use
  the minus sign ``−``; a missing value (None, NaN) is ``—``.
"""

from spendcalc.core.format import MISSING, count, missing, money, number, pct, percent, points

__all__ = ["MISSING", "count", "missing", "money", "number", "pct", "percent", "points"]

"""What NATO revised between two data editions: per ally and year, the share of GDP and the
spending. The one computation behind ``spendcalc data diff`` and ``spendcalc plot revisions``.

Units: shares in percent of GDP; spending in USD bn at current prices, each edition's share
times its own GDP (``Dataset.gdp_in``), so a GDP revision shows in the spending too.
"""

from __future__ import annotations

from dataclasses import dataclass

from spendcalc.core.dataset import Dataset


@dataclass(frozen=True)
class Revision:
    """One ally-year whose share (to 2 decimals) or spending (by USD 0.05 bn) changed."""

    iso3: str
    member: str
    year: int
    old_pct: float
    """The earlier edition's share, percent of GDP."""
    new_pct: float
    old_usd_bn: float
    """The earlier edition's spending, USD bn current (share x GDP)."""
    new_usd_bn: float

    @property
    def change_pct(self) -> float:
        """New minus old share, percentage points."""
        return self.new_pct - self.old_pct

    @property
    def change_usd_bn(self) -> float:
        """New minus old spending, USD bn current."""
        return self.new_usd_bn - self.old_usd_bn


def revisions(old: Dataset, new: Dataset, year: int | None = None) -> list[Revision]:
    """The revisions from ``old`` to ``new`` for allies with armed forces in both, in the
    years both have shares (or ``year`` alone), largest share revision first (then spending,
    name, year)."""
    rows = []
    years = [y for y in old.share_years if y in new.share_years and year in (None, y)]
    for member in old.members:
        if member.iso3 not in new.codes or not member.armed_forces:
            continue
        i, j = old.index(member.iso3), new.index(member.iso3)
        for y in years:
            sa = float(old.shares_pct[i, old.share_years.index(y)])
            sb = float(new.shares_pct[j, new.share_years.index(y)])
            ua, ub = sa / 100 * float(old.gdp_in(y)[i]), sb / 100 * float(new.gdp_in(y)[j])
            if round(sa, 2) != round(sb, 2) or abs(ua - ub) >= 0.05:
                rows.append(Revision(member.iso3, member.name, y, sa, sb, ua, ub))
    rows.sort(key=lambda r: (-abs(r.change_pct), -abs(r.change_usd_bn), r.member, r.year))
    return rows

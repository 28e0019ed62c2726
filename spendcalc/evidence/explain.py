"""Explain one member's projection in plain sentences, with the table's own numbers.

``explain(result, "DEU")`` walks through: where the member starts (base-year share and its
source), where the scenario sends it (target, exemption, milestones), how the path gets there
(shape, year by year), what GDP does (the growth assumption), the resulting spending, and the
gaps to the old 2% guideline and to the target.

Every number printed from the projection is read from ``result.table`` and recorded as a
``Fact`` (column, year, value, text), so tests can check each one against the table. The
few numbers that are not in the table are the scenario's own settings and the data's inputs
(IMF growth, US inflation), named as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from spendcalc.core import budget
from spendcalc.core.format import count, money, pct, percent, points

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import RenderableType

    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Milestone, PathSpec, Scenario
    from spendcalc.core.result import Result


@dataclass(frozen=True)
class Fact:
    """A number shown to the user: where it comes from and how it is written."""

    column: str
    year: int
    value: float
    text: str


@dataclass
class Explanation:
    """Paragraphs (heading, text) plus the year-by-year rows they describe."""

    iso3: str
    member: str
    year: int
    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    """The member's table rows, base year to horizon (for the year-by-year view)."""

    @property
    def text(self) -> str:
        return "\n\n".join(f"{head}. {body}" for head, body in self.paragraphs)


class _Reader:
    """Reads one member's rows from the table, formats them and records each as a Fact."""

    def __init__(self, rows: dict[int, dict[str, Any]], facts: list[Fact]) -> None:
        self.rows = rows
        self.facts = facts

    def raw(self, column: str, year: int) -> float:
        return float(self.rows[year][column])

    def currency(self, year: int) -> str | None:
        """The row's ``--currency`` code when it has one other than USD, else None."""
        code = self.rows[year].get("currency")
        return code if isinstance(code, str) and code not in ("", "USD") else None

    def __call__(self, column: str, year: int, kind: str = "pct") -> str:
        value = self.raw(column, year)
        text = fmt(value, kind)
        self.facts.append(Fact(column, year, value, text))
        code = self.currency(year)
        local = column.replace("_usd_bn", "_lcu_bn")
        if kind == "usd" and code and local in self.rows[year]:
            # --currency: the ally's own money first, dollars second.
            amount = self.raw(local, year)
            first = f"{code} {money(amount)} bn"
            self.facts.append(Fact(local, year, amount, first))
            return f"{first} ({text})"
        return text


def fmt(value: float, kind: str) -> str:
    """How each kind of number is written in a sentence, by spendcalc's one rule
    (``spendcalc.core.format``): ``pct`` a share of GDP, ``2.40%``; ``usd`` money,
    ``USD 1,019.4 bn``; ``points`` a difference of shares, ``+1.10 points``."""
    if kind == "pct":
        return pct(value, unit=True)
    if kind == "usd":
        text = money(value)
        return text if text == "—" else f"USD {text} bn"
    if kind == "points":
        return points(value, unit=True)
    raise ValueError(kind)


SHAPE_WORDS = {
    "linear": "in a straight line between anchor years (the base year, any milestone, the "
              "target): the same number of points every year within each stretch",
    "front-loaded": "front-loaded: most of the rise comes early",
    "back-loaded": "back-loaded: most of the rise comes late",
    "step": "as a single step: the whole rise happens in one year",
    "constant-growth": "with spending (in dollars) growing by the same percentage every year",
    "points": "through common anchor points, in straight lines between them",
}
"""How each ``path.shape`` moves the shares, in words: the one place they are written
(explain, the report's assumptions and the chart footers use them)."""


def path_words(path: PathSpec) -> str:
    """How the path moves the shares, with its setting: the shape's words plus the
    curvature (and how much of the rise is done halfway), the step year or the points
    (percent of GDP, core)."""
    words = SHAPE_WORDS[path.shape]
    if path.shape in ("front-loaded", "back-loaded"):
        late = 0.5 ** path.curvature  # share of the rise done halfway when back-loaded
        half = 1 - late if path.shape == "front-loaded" else late
        words += (f" (curvature {path.curvature:g}: halfway through the period "
                  f"{half * 100:.0f}% of the rise is done)")
    elif path.shape == "step" and path.step_year:
        words += f" (in {path.step_year})"
    elif path.shape == "points" and path.points:
        words += " (" + ", ".join(f"{y}: {p:g}% core" for y, p in sorted(path.points.items())) \
            + ")"
    return words


@dataclass
class _Member:
    """What every paragraph reads: one member's rows of one result, the focus year, and the
    reader that records each number it writes."""

    result: Result
    iso3: str
    name: str
    year: int
    rows: dict[int, dict[str, Any]]
    v: _Reader

    @property
    def s(self) -> Scenario:
        return self.result.scenario

    @property
    def data(self) -> Dataset:
        return self.result.data

    @property
    def milestones(self) -> list[Milestone]:
        return [ms for ms in self.s.milestones if ms.member == self.iso3]


def explain(result: Result, member: str, year: int | None = None) -> Explanation:
    """Explain ``member``'s projection in ``result`` (focus year: ``year``, default horizon),
    with the data the result was computed with."""
    from spendcalc.evidence.selection import check_year, resolve_member

    data, s = result.data, result.scenario
    iso3 = resolve_member(member, data, s)
    year = check_year(s, year)
    m = data.members[data.index(iso3)]
    t = result.table
    sub = t[t.iso3 == iso3].sort_values("year")
    records: list[dict[str, Any]] = sub.to_dict("records")  # type: ignore[assignment]
    rows = {int(r["year"]): r for r in records}
    ex = Explanation(iso3=iso3, member=m.name, year=year, rows=records)
    c = _Member(result, iso3, m.name, year, rows, _Reader(rows, ex.facts))
    say = ex.paragraphs.append

    say(("Scenario", f"{s.name}" + (f" — {s.description}" if s.description else "") + "."))
    if not m.armed_forces:
        say(("No armed forces", f"{m.name} has no armed forces and reports no defence "
             f"spending, so it has no share, no target and no gap; its GDP "
             f"({c.v('gdp_usd_bn', s.base_year, 'usd')} in {s.base_year}) is left out of "
             "group shares."))
        if "currency" in rows[s.base_year]:
            say(("Currency", "NATO's tables give no exchange rate for Iceland (ISK), so it "
                 "is shown in US dollars; choose a common currency (--currency EUR) to convert "
                 "its GDP."))
        return ex
    say(("Where it starts", _start(c)))
    _say_real_change(ex, result, s.base_year)
    _say_per_service_member(ex, result, s.base_year)
    say(("Where the scenario sends it", _target(c)))
    say(("How it gets there", _path(c)))
    say(("What GDP does", _growth(c)))
    if c.v.currency(year):
        say(("Exchange rate", _exchange_rate(c)))
    say(("What it spends", _spending(c)))
    ex.paragraphs += _gaps(c)
    return ex


def _start(c: _Member) -> str:
    """1. Where it starts: the base-year share, its source, and related spending."""
    s, data, v, base = c.s, c.data, c.v, c.s.base_year
    source_id = str(c.rows[base]["base_share_source"])
    source = data.sources.get(source_id)
    estimate = data.share_estimate[data.index(c.iso3)][data.share_years.index(base)]
    text = (f"In {base} {c.name} spent {v('core_pct', base)} of its GDP on core defence "
            f"(NATO's definition): {v('core_usd_bn', base, 'usd')} out of a GDP of "
            f"{v('gdp_usd_bn', base, 'usd')}. The share comes from {source_id}"
            + (f", “{source.title}”" if source else "")
            + (", a NATO estimate" if estimate else "") + ".")
    if base not in data.gdp_years:
        text += (f" NATO's GDP series ends in {data.gdp_years[-1]}; {base} GDP is that figure "
                 "grown with IMF real growth and US inflation.")
    if s.related.base_pct > 0:
        text += (f" The scenario assumes {v('related_pct', base)} of GDP of defence-related "
                 "spending is already counted (related.base_pct).")
    else:
        text += (" No defence-related spending (the up-to-1.5% category) is counted in "
                 f"{base}: no data exist, so all of it is treated as new (related.base_pct = 0).")
    return text


def _target(c: _Member) -> str:
    """2. Where the scenario sends it: the target or exemption, milestones, no cuts."""
    s, v, base, last = c.s, c.v, c.s.base_year, c.s.horizon
    if s.target is None:
        return (f"The scenario sets no target: {c.name} keeps its {base} share "
                f"({v('core_pct', base)}) every year.")
    ty = int(c.rows[last]["target_year"])
    rule = s.exemptions.get(c.iso3)
    if rule is not None:
        text = (f"{c.name} is exempt from the common target ({s.target.core_pct:g}% core "
                f"+ {s.target.related_pct:g}% related). Its own target: "
                f"{v('target_core_pct', last)} core + {v('target_related_pct', last)} "
                f"related = {v('target_total_pct', last)} of GDP by {ty}. Reason given: "
                f"{rule.reason.rstrip('.')}"
                + (f" (source {rule.source})" if rule.source else "") + ".")
    else:
        text = (f"The target is {v('target_core_pct', last)} of GDP on core defence plus "
                f"{v('target_related_pct', last)} on defence-related spending, "
                f"{v('target_total_pct', last)} in all, reached in {ty} and held after.")
    own = c.milestones
    if own:
        stones = "; ".join(f"{ms.pct:g}% core in {ms.year}"
                           + (f" ({ms.source})" if ms.source else "") for ms in own)
        text += (f" {c.name}'s own milestones, met exactly in their year: {stones}.")
    if v.raw("core_pct", base) > v.raw("target_core_pct", last) and not s.allow_cuts:
        text += (f" Its {base} core share ({v('core_pct', base)}) is already above the "
                 "core target; the scenario does not allow cuts, so it never falls below "
                 "that share" + (" (its milestones can still raise it)." if own else "."))
    return text


def _path(c: _Member) -> str:
    """3. How the path gets there: the shape in words, then core, related and total shares
    from the base year to the focus year."""
    s, v, base, year = c.s, c.v, c.s.base_year, c.year
    text = f"The shares move {path_words(s.path)}."
    if _same(v, "core_pct", base, year):
        text += f" Core defence stays at {v('core_pct', base)} of GDP through {year}"
    else:
        text += _core_moves(c)
    if _same(v, "related_pct", base, year):
        text += f"; defence-related spending stays at {v('related_pct', base)}"
    else:
        text += (f"; defence-related spending goes from {v('related_pct', base)} to "
                 f"{v('related_pct', year)}")
    if _same(v, "total_pct", base, year):
        text += f"; the total stays at {v('total_pct', base)} of GDP."
    else:
        text += f"; the total goes from {v('total_pct', base)} to {v('total_pct', year)} of GDP."
    if s.target is None and not c.milestones and not s.path.points:
        text = text.split(".", 1)[1].lstrip() if "." in text else text
        text = "Nothing moves the shares (no target, no milestone). " + text
    return text + " The table below gives every year."


def _same(v: _Reader, column: str, base: int, year: int) -> bool:
    """Whether ``column`` (a share, percent of GDP) is unchanged from ``base`` to ``year``."""
    return abs(v.raw(column, year) - v.raw(column, base)) < 5e-7


def _core_moves(c: _Member) -> str:
    """How core defence moves: by a fixed step a year on a plain linear path, else from the
    base year through the midpoint to the focus year."""
    v, base, year = c.v, c.s.base_year, c.year
    mid = base + (year - base) // 2
    core = np.array([v.raw("core_pct", y) for y in sorted(c.rows)])
    if c.s.path.shape == "linear" and len(core) > 1 and not c.milestones:
        step = core[1] - core[0]
        v.facts.append(Fact("core_pct:diff", base + 1, float(step), pct(step)))
        return (f" Core defence goes from {v('core_pct', base)} in {base}, {pct(step)} points "
                f"a year, to {v('core_pct', mid)} in {mid} and {v('core_pct', year)} in "
                f"{year}")
    return (f" Core defence goes from {v('core_pct', base)} in {base} to "
            f"{v('core_pct', mid)} in {mid} and {v('core_pct', year)} in {year}")


def _spending(c: _Member) -> str:
    """5. What it spends in the focus year: each part in money as well as in share."""
    v, year = c.v, c.year
    return (f"In {year} {c.name} would spend {v('core_pct', year)} of GDP on core defence and "
            f"{v('related_pct', year)} on related items, {v('total_pct', year)} in all: "
            f"{v('core_usd_bn', year, 'usd')} core, {v('related_usd_bn', year, 'usd')} "
            f"related, {v('total_usd_bn', year, 'usd')} in all at current prices, or "
            + (_local_constant(c) if v.currency(year) else
               f"{v('total_usd_bn_const', year, 'usd')} in {c.s.base_year} dollars (deflated "
               "by US inflation)."))


def _local_constant(c: _Member) -> str:
    """Constant prices in the ally's own money (its CPI) and in dollars (US CPI)."""
    v, year, base = c.v, c.year, c.s.base_year
    code = v.currency(year)
    local = v.raw("total_lcu_bn_const", year)
    text = f"{code} {money(local)} bn"
    v.facts.append(Fact("total_lcu_bn_const", year, local, text))
    return (f"{text} in {base} prices of its currency (deflated by {c.name}'s own IMF "
            f"inflation), or {fmt(v.raw('total_usd_bn_const', year), 'usd')} in {base} "
            "dollars (deflated by US inflation).")


def _exchange_rate(c: _Member) -> str:
    """The rates behind the converted figures (units of the currency per USD)."""
    v, base, year = c.v, c.s.base_year, c.year
    code = v.currency(year)
    nato = base in c.data.rate_years
    return (f"Money is in {code} first, US dollars second, at {v.raw('usd_rate', base):,.4g} "
            f"{code} per USD in {base}" + (" (NATO's own rate: its Table 1 over Table 2)"
                                         if nato else "")
            + f" and {v.raw('usd_rate', year):,.4g} in {year}. After NATO's years the real "
            "rate holds: the rate moves each year by the gap between "
            f"{c.name}'s inflation and US inflation (IMF WEO October 2025), so GDP in {code} "
            f"grows with real growth and {c.name}'s own inflation.")


def _gaps(c: _Member) -> list[tuple[str, str]]:
    """6. The gaps: against the old baseline (in the year and summed; and against keeping
    the base-year share), then against the target."""
    s, v, base, year = c.s, c.v, c.s.base_year, c.year

    def money_fact(column: str, value: float) -> str:
        text = fmt(value, "usd")
        v.facts.append(Fact(column, year, value, text))
        code, local = v.currency(year), column.replace("_usd_bn", "_lcu_bn")
        if code and local in c.rows[year]:  # --currency: own money first (abs like value)
            amount = abs(v.raw(local, year)) if value >= 0 else v.raw(local, year)
            first = f"{code} {money(amount)} bn"
            v.facts.append(Fact(local, year, amount, first))
            return f"{first} ({text})"
        return text

    extra = v.raw("extra_over_baseline_usd_bn", year)
    cum = v.raw("cum_extra_over_baseline_usd_bn", year)
    text = (f"{s.baseline_pct:g}% of GDP would be {v('baseline_usd_bn', year, 'usd')} in "
            f"{year}; the scenario spends {money_fact('extra_over_baseline_usd_bn', abs(extra))} "
            f"{'more' if extra >= 0 else 'less'} than that. "
            f"Summed over {base + 1}–{year} it spends "
            f"{money_fact('cum_extra_over_baseline_usd_bn', abs(cum))} "
            f"{'more' if cum >= 0 else 'less'} than {s.baseline_pct:g}% would have cost. ")
    inc = v.raw("increase_over_base_share_usd_bn", year)
    cinc = v.raw("cum_increase_over_base_share_usd_bn", year)
    text += (f"Compared with keeping its {base} share, {year} spending is "
             f"{money_fact('increase_over_base_share_usd_bn', inc)} higher, and "
             f"{money_fact('cum_increase_over_base_share_usd_bn', cinc)} over {base + 1}–{year}: "
             "the new money the scenario asks for.")
    out = [(f"Against the old {s.baseline_pct:g}%", text)]
    if s.target is None:
        return out
    if v.raw("shortfall_to_target_usd_bn", year) > 1e-9:
        gap = v.raw("target_total_pct", year) - v.raw("total_pct", year)
        v.facts.append(Fact("target_total_pct-total_pct", year, gap, pct(gap)))
        text = (f"In {year} {c.name} is still {pct(gap)} points of GDP "
                f"({v('shortfall_to_target_usd_bn', year, 'usd')}) short of its "
                f"{v('target_total_pct', year)} target, due in "
                f"{int(c.rows[year]['target_year'])}.")
    else:
        text = (f"In {year} {c.name} spends at least its {v('target_total_pct', year)} "
                "target: no shortfall.")
    out.append(("Against the target", text))
    return out


def _say_real_change(ex: Explanation, result: Result, year: int) -> None:
    """A sentence on NATO's own estimate of the real change of core spending in ``year``
    (Table 3, real_change.csv; the 2026 edition has it): growth in constant prices, which
    the share of GDP alone does not show. Nothing without the figure."""
    change = result.data.real_change_in(ex.iso3, year)
    if change is None:
        return
    before = result.data.real_change_in(ex.iso3, year - 1)
    then = ("" if before is None else
            f", after {'+' if before >= 0 else '−'}{abs(before):.1f}% in {year - 1}")
    ex.paragraphs.append(("Real change", (
        f"In constant prices NATO puts the change in {ex.member}'s core defence spending in "
        f"{year} at {'+' if change >= 0 else '−'}{abs(change):.1f}%{then} (Table 3): how much "
        "more the money buys, before any change in the share of GDP.")))


def _say_per_service_member(ex: Explanation, result: Result, year: int) -> None:
    """A paragraph on core spending per service member in ``year`` (the base year), where
    the edition has NATO's personnel counts (Table 7, personnel.csv; the 2026 edition does):
    the table's core spending (USD bn) over NATO's personnel (thousands), in USD a head,
    beside the same ratio for all allies with figures. Nothing without the counts."""
    data = result.data
    heads = data.personnel_in(ex.iso3, year)
    if heads is None or heads <= 0:
        return
    t = result.table[result.table.year == year]
    spend = dict(zip(t.iso3, t.core_usd_bn.astype(float), strict=True))
    known = {c: k for c in spend if (k := data.personnel_in(c, year)) is not None and k > 0}
    allies = sum(spend[c] for c in known) / sum(known.values())
    each = spend[ex.iso3] / heads  # USD bn per thousand people = USD m per person
    # NATO marks whole years as estimates ("2026e"): the share's flag is the year's.
    estimate = year in data.share_years and \
        data.share_estimate[data.index(ex.iso3)][data.share_years.index(year)]
    ex.paragraphs.append(("Per service member", (
        f"NATO counts {heads:,.1f} thousand military personnel for {ex.member} in {year} "
        f"(Table 7{', an estimate' if estimate else ''}): about USD {count(each * 1e3) + ',000'}"
        f" of core defence spending per service member, against USD "
        f"{count(allies * 1e3) + ',000'} for all {len(known)} allies together. Pay, "
        "equipment and the size of the forces all move this figure: a high one can mean "
        "costly equipment or well-paid professional forces, a low one large conscript "
        "armies.")))


def _growth(c: _Member) -> str:
    """4. What GDP does: the growth assumption, one year's arithmetic, year-on-year rates."""
    s, data, v, rows, base, year = c.s, c.data, c.v, c.rows, c.s.base_year, c.year
    iso3, name = c.iso3, c.name
    g = s.growth
    years = sorted(rows)
    gdp = np.array([float(rows[y]["gdp_usd_bn"]) for y in years])
    change = budget.annual_change_pct(gdp)
    first = base + 1
    where = "at current prices" if v.currency(base) else "in current US dollars"
    text = (f"GDP {where} grows from {v('gdp_usd_bn', base, 'usd')} in {base} to "
            f"{v('gdp_usd_bn', year, 'usd')} in {year}. ")
    if iso3 in g.overrides:
        text += f"The scenario sets {name}'s nominal growth to {g.overrides[iso3]:g}% a year. "
    elif g.source == "flat":
        text += f"The scenario assumes flat nominal growth of {g.flat_pct:g}% a year for all. "
    else:
        real = float(data.real_growth(first)[data.index(iso3)]) + g.real_offset
        cpi = data.us_cpi_pct(first)
        in_usd = " in dollars" if v.currency(base) else ""  # local growth: see Exchange rate
        text += (f"Each year's growth{in_usd} is the IMF's real growth for {name} "
                 "(WEO October 2025)"
                 + (f" plus {g.real_offset:+g} points (growth.real_offset)" if g.real_offset
                    else "")
                 + f" combined with US inflation: in {first}, {pct(real, unit=True)} real "
                 f"growth and {pct(cpi, unit=True)} US inflation give "
                 f"{pct(change[1], unit=True)} "
                 "((1 + real) × (1 + inflation) − 1)."
                 + f" After {data.projection_years[-1]}, the {data.projection_years[-1]} rates "
                 "hold. ")
    if g.shock is not None:
        text += f"In {g.shock.year} every member's growth changes by {g.shock.pct:+g} points. "
    pairs = zip(years[1:], change[1:], strict=True)
    text += "Year-on-year: " + ", ".join(f"{y} {percent(c, signed=True)}" for y, c in pairs
                                          if y <= year) + "."
    return text


def renderables(ex: Explanation, baseline_pct: float = 2.0) -> list[RenderableType]:
    """Paragraphs, then the year-by-year table."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out: list[RenderableType] = []
    for head, body in ex.paragraphs:
        t = Text()
        t.append(f"{head}. ", style="bold")
        t.append(body)
        out.append(t)
        out.append(Text(""))
    if not ex.rows or not ex.rows[0]["armed_forces"]:
        return out
    code = ex.rows[0].get("currency")
    kind = "lcu" if isinstance(code, str) and code not in ("", "USD") else "usd"
    unit = code if kind == "lcu" else "USD"
    table = Table(title=f"{ex.member}, year by year (the projection table)",
                  caption=f"Shares in % of GDP; money in {unit} bn at current prices. "
                          f"Over {baseline_pct:g}% = spending minus {baseline_pct:g}% of GDP.",
                  box=box.SIMPLE_HEAD, header_style="bold", title_justify="left",
                  caption_justify="left")
    for head in ("Year", "Core\n%", "Related\n%", "Total\n%", f"GDP\n{unit} bn",
                 f"Spending\n{unit} bn", f"Over\n{baseline_pct:g}%", "Short of\ntarget"):
        table.add_column(head, justify="right", no_wrap=True)
    for r in ex.rows:
        style = "bold" if int(r["year"]) == ex.year else None
        table.add_row(str(r["year"]), pct(r["core_pct"]), pct(r["related_pct"]),
                      pct(r["total_pct"]), money(r[f"gdp_{kind}_bn"]),
                      money(r[f"total_{kind}_bn"]),
                      money(r[f"extra_over_baseline_{kind}_bn"], signed=True),
                      money(r[f"shortfall_to_target_{kind}_bn"]), style=style)
    out.append(table)
    return out


def table_rows(ex: Explanation) -> pd.DataFrame:
    """The year-by-year rows as a DataFrame (the same rows the table shows)."""
    import pandas as pd

    return pd.DataFrame(ex.rows)

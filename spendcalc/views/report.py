"""A self-contained HTML report of one or more scenarios: ``spendcalc report``.

    from spendcalc.core import result as api
    from spendcalc.views import report
    result = api.compute(api.load_scenario("hague-2035"))
    html = report.build([result])                      # one HTML page as a string
    report.write(html, Path("report.html"))            # atomic; refuses to overwrite

The page holds, per scenario, the headline gap chart, the core-share paths of the largest
allies and of those furthest below their target, the aggregate table, a sortable per-member
table and the assumptions in words; with several scenarios, a comparison (chart and tables);
then the claims check (``spendcalc claims``) and the data sources and vintage.

Everything is inside the file: charts are inline SVG (text drawn as paths, so no font is
needed), the style sheet and the few lines of sorting script are inlined from
``spendcalc/report_assets``; nothing is fetched from the network. Every number in the tables
and sentences is a cell of the projection table, its aggregates or ``compare.compare``, only
formatted here; the charts are ``spendcalc.views.charts``'s.

The same inputs give the same bytes, apart from the creation time; set ``SOURCE_DATE_EPOCH``
(seconds since 1970, UTC) or pass ``created=`` to fix it too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spendcalc.core.errors import OutputError, SpendcalcError
from spendcalc.core.version import __version__
from spendcalc.evidence.claims import VERDICT_WORDS
from spendcalc.io import outputs
from spendcalc.views import words
from spendcalc.views.format import count, missing, money, pct, percent

if TYPE_CHECKING:
    import pandas as pd

    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.core.result import Result
    from spendcalc.evidence.claims import ClaimResult, Outcome

SUFFIXES = (".html", ".htm")
PATH_MEMBERS = 6
"""How many members each paths chart draws (the largest; the furthest below target)."""
KEY_GROUPS = ("nato", "european-allies")
SORT_HINT = "Click a column heading to sort."
NOSCRIPT = ("<noscript><style>caption .screen { display: none; } "
            "th button { pointer-events: none; cursor: text; } "
            'th button::after { content: ""; }</style></noscript>\n')
"""With JavaScript off the tables cannot sort: hide the hint and the buttons' arrows."""
"""Groups named in the summary sentences and the comparison tables."""


class ReportError(SpendcalcError):
    """A report cannot be made as asked (same scenario twice, bad output file, ...)."""


# ---------------------------------------------------------------------------------------------
# Output files


def check_output(path: Path, *, force: bool = False) -> None:
    """Fail before any work on a suffix other than .html, a missing folder or an existing
    file (without ``force``). A .pdf gets its own message: print the HTML from a browser."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        raise OutputError(f"{path}: PDF is not supported; write .html and use the browser's "
                          "Print > Save as PDF (the page has print styles)")
    outputs.check_output(path, force=force, formats=SUFFIXES)


def default_output(names: Sequence[str]) -> Path:
    """``report-SCENARIO.html`` (``report-A-vs-B.html`` for several) in the current folder."""
    return Path(f"report-{'-vs-'.join(names)}.html")


def write(content: str, path: Path, *, force: bool = False) -> Path:
    """Write the page atomically (a temporary file renamed into place)."""
    from spendcalc.io.outputs import write_atomic

    path = Path(path)
    check_output(path, force=force)
    write_atomic(path, content.encode("utf-8"))
    return path


def creation_time() -> datetime:
    """Now (UTC, to the second), or ``SOURCE_DATE_EPOCH`` when it is set, for byte-identical
    reports: the one rule of every output's metadata (``spendcalc.core.meta``)."""
    from spendcalc.core.meta import creation_moment

    return creation_moment()


# ---------------------------------------------------------------------------------------------
# Formatting: the only thing this module does to numbers, by the one rule of
# spendcalc.views.format (money one decimal, shares of GDP two, shares of a total one, "—")


def _missing(value: Any) -> bool:
    return missing(value)


share = percent  # a share of a total, one decimal, with %


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _t(text: str) -> str:
    """Plain text in an element's content (quotes need no escaping there)."""
    return html.escape(text, quote=False)


def _raw(value: Any) -> str:
    """The exact value for sorting and checking (``data-v``); empty where there is none."""
    return "" if _missing(value) else repr(float(value))


@dataclass(frozen=True)
class Col:
    """A numeric column of an HTML table: a table column in one year, and its format."""

    head: str
    column: str
    year: int | None
    kind: str = "money"  # money | signed | pct | share | int
    scenario: str | None = None
    """Set in comparison tables: the scenario the column belongs to (``data-scenario``)."""

    def value(self, row: dict[str, Any] | None) -> Any:
        return None if row is None else row.get(self.column)

    def text(self, row: dict[str, Any] | None) -> str:
        value = self.value(row)
        if self.kind == "money":
            return money(value)
        if self.kind == "signed":
            return money(value, signed=True)
        if self.kind == "pct":
            return pct(value)
        if self.kind == "share":
            return share(value)
        return count(value)

    def attrs(self, row: dict[str, Any] | None) -> str:
        """``data-col``, ``data-year`` and ``data-v``: where the number comes from."""
        year = "" if self.year is None else f' data-year="{self.year}"'
        scen = "" if self.scenario is None else f' data-scenario="{_e(self.scenario)}"'
        return (f' data-col="{_e(self.column)}"{year}{scen} '
                f'data-v="{_raw(self.value(row))}"')

    def cell(self, row: dict[str, Any] | None) -> str:
        return f'<td class="n"{self.attrs(row)}>{self.text(row)}</td>'

    def span(self, row: dict[str, Any] | None) -> str:
        return f"<span{self.attrs(row)}>{self.text(row)}</span>"


def _h(label: str, unit: str) -> str:
    """A column heading (HTML): the label, and its unit on a second, lighter line. Words with
    a hyphen (scenario names) are not broken."""
    words = " ".join(f'<span class="nb">{_e(w)}</span>' if "-" in w else _e(w)
                     for w in label.split(" "))
    return f'{words}<span class="unit">{_e(unit)}</span>'


def _head(cols: Iterable[Col], first: Sequence[str], sortable: bool) -> str:
    def th(text: str, numeric: bool) -> str:
        inner = f'<button type="button">{text}</button>' if sortable else text
        cls = ' class="n"' if numeric else ""
        return f'<th scope="col"{cls}>{inner}</th>'

    cells = [th(h, False) for h in first] + [th(c.head, True) for c in cols]
    return f"<thead><tr>{''.join(cells)}</tr></thead>"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    return out


def money_unit(result: Result, *, groups: bool = False) -> tuple[str, str]:
    """The currency the report's money is shown in for ``result`` and the suffix of its
    columns: USD (``_usd_bn``) unless the result was converted with ``--currency``, then the
    code (``_lcu_bn``). ``local`` money is each ally's own, so a group's sums (``groups``)
    stay in USD: a group's allies may use several currencies."""
    code = str((result.meta.get("currency") or {}).get("currency", "USD"))
    if code == "USD" or (code == "local" and groups):
        return "USD", "_usd_bn"
    return ("national currency" if code == "local" else code), "_lcu_bn"


def in_usd(result: Result) -> Result:
    """``result`` with its money read in USD again (its ``--currency`` columns stay, unread)."""
    return replace(result, meta={k: v for k, v in result.meta.items() if k != "currency"})


def _for_charts(result: Result) -> Result:
    """``result`` as its charts show it: a chart has one currency, so with each ally in its
    own (``local``) the charts stay in USD, and say so on their axes."""
    return in_usd(result) if money_unit(result)[0] == "national currency" else result


def _in(column: str, suffix: str) -> str:
    """``total_usd_bn`` in the money of ``suffix`` (``_usd_bn`` or ``_lcu_bn``)."""
    return column.replace("_usd_bn", suffix)


# ---------------------------------------------------------------------------------------------
# Charts: spendcalc.views.charts figures as inline SVG


def _svg(fig: Any, prefix: str, label: str) -> str:
    """A matplotlib figure as an ``<svg>`` element for inlining: no XML prolog, no metadata,
    no namespace URLs, every id prefixed (several charts share one page), sized by CSS."""
    import matplotlib as mpl

    from spendcalc.views import charts as plots

    with mpl.rc_context({"svg.fonttype": "path"}):
        text = plots.to_bytes(fig, "svg").decode("utf-8")
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m[1]}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m[1]})", text)
    text = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'href="#{prefix}-{m[1]}"', text)
    text = text.replace("<style type=\"text/css\">*{", f"<style>#{prefix} *{{")
    root = re.match(r"<svg[^>]*>", text)
    view = re.search(r'viewBox="([^"]+)"', root[0]) if root else None
    if root is None or view is None:
        raise ReportError(f"{label}: matplotlib wrote an SVG without a viewBox")
    text = (f'<svg id="{prefix}" class="chart-svg" viewBox="{view[1]}" role="img" '
            f'aria-labelledby="{prefix}-title">' + text[root.end():])
    text = re.sub(r"<title>", f'<title id="{prefix}-title">', text, count=1)
    if f'id="{prefix}-title"' not in text:  # a figure without a title: name it
        text = text.replace(">", f'><title id="{prefix}-title">{_e(label)}</title>', 1)
    return text.strip()


def _figure(render: Any, prefix: str, label: str, caption: str = "", kind: str = "") -> str:
    """A chart as ``<figure>``; if the chart cannot be drawn, a note saying why."""
    from spendcalc.views.charts import PlotError

    try:
        fig = render()
    except PlotError as exc:
        return f'<p class="chart-missing">{_e(label)}: not drawn ({_e(exc)}).</p>'
    body = _svg(fig, f"chart-{prefix}", label)
    cap = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    cls = f"chart {kind}".strip()
    return f'<figure class="{cls}" data-chart="{_e(prefix)}">{body}{cap}</figure>'


def _count(n: int) -> str:
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return words[n] if 0 <= n < len(words) else str(n)


# ---------------------------------------------------------------------------------------------
# Which members the paths charts show


def largest(result: Result, n: int = PATH_MEMBERS) -> list[str]:
    """The ``n`` members with the largest base-year spending (``total_usd_bn``)."""
    t = result.table
    base = t[(t.year == result.scenario.base_year) & t.armed_forces.astype(bool)]
    base = base.dropna(subset=["total_usd_bn"])
    order = base.sort_values(["total_usd_bn", "iso3"], ascending=[False, True], kind="stable")
    return [str(c) for c in order.iso3.head(n)]


def furthest_behind(result: Result, n: int = PATH_MEMBERS) -> tuple[list[str], bool]:
    """The ``n`` members whose base-year core share is furthest below their core target
    (``target_core_pct`` - ``core_pct`` in the base year, used only to choose), and True;
    when no member is below its target (or there is none), the ``n`` lowest base-year core
    shares, and False."""
    t = result.table
    base = t[(t.year == result.scenario.base_year) & t.armed_forces.astype(bool)]
    base = base.dropna(subset=["core_pct"])
    behind = base.assign(_gap=base.target_core_pct - base.core_pct)
    behind = behind[behind._gap > 1e-9]
    if len(behind):
        order = behind.sort_values(["_gap", "total_usd_bn", "iso3"],
                                   ascending=[False, False, True], kind="stable")
        return [str(c) for c in order.iso3.head(n)], True
    order = base.sort_values(["core_pct", "iso3"], kind="stable")
    return [str(c) for c in order.iso3.head(n)], False


# ---------------------------------------------------------------------------------------------
# Tables


def _member_table(result: Result, prefix: str) -> str:
    s = result.scenario
    base, last = s.base_year, s.horizon
    t = result.table
    start = {r["iso3"]: r for r in _records(t[t.year == base])}
    end = _records(t[t.year == last])
    b = f"{s.baseline_pct:g}%"
    code, sfx = money_unit(result)
    unit = "bn" if code == "national currency" else f"{code} bn"
    cols_base = [Col(_h(f"Core {base}", "% of GDP"), "core_pct", base, "pct"),
                 Col(_h(f"Spending {base}", unit), _in("total_usd_bn", sfx), base)]
    cols_last = [Col(_h(f"Core {last}", "% of GDP"), "core_pct", last, "pct"),
                 Col(_h(f"Total {last}", "% of GDP"), "total_pct", last, "pct"),
                 Col(_h("Target", "total, % of GDP"), "target_total_pct", last, "pct"),
                 Col(_h(f"Spending {last}", unit), _in("total_usd_bn", sfx), last),
                 *_gap_cols(result, unit, sfx)]
    first_cols = ["Member", "Code"] + (["Currency"] if code == "national currency" else [])
    rows = []
    for i, row in enumerate(end):
        iso3 = str(row["iso3"])
        first = start.get(iso3)
        member = _e(row["member"])
        if not row["armed_forces"]:
            member += '<br><span class="note">no armed forces</span>'
        cells = ([c.cell(first) for c in cols_base] + [c.cell(row) for c in cols_last])
        own = (f'<td class="code">{_e(row.get("currency") or "–")}</td>'
               if code == "national currency" else "")
        rows.append(f'<tr data-key="{_e(iso3)}" data-i="{i}"><th scope="row">{member}</th>'
                    f'<td class="code">{_e(iso3)}</td>{own}{"".join(cells)}</tr>')
    years = sorted({int(y) for y in t.target_year.dropna()}) if "target_year" in t else []
    when = (f" Targets are due in {', '.join(map(str, years))}." if years else "")
    caption = (f"Shares in % of GDP; money in {_money_words(code)} at current prices. Above "
               f"{b}: spending minus {b} of GDP; cumulative: its sum over {base + 1}–{last}. "
               f"Share: of all allies' spending in the scenario.{when}")
    return ('<div class="table-wrap">'
            f'<table class="sortable members" id="{prefix}-members-table">'
            f'<caption>{_e(caption)}<span class="screen"> {SORT_HINT}</span></caption>'
            + _head([*cols_base, *cols_last], first_cols, True)
            + f'<tbody class="sort">{"".join(rows)}</tbody></table></div>')


def _page_money(result: Result) -> str:
    """The masthead's statement of the page's currency."""
    code = money_unit(result)[0]
    if code == "USD":
        return "USD bn at current prices (spendcalc report --currency EUR, local, ...)"
    if code == "national currency":
        return ("each ally in its own currency in the table of allies (NATO's exchange "
                "rates, then the inflation gap); groups, charts and comparisons in USD bn")
    return (f"{code} bn at current prices (NATO's exchange rates, then the inflation gap); "
            "comparisons between scenarios in USD bn")


def _gap_cols(result: Result, unit: str, sfx: str) -> list[Col]:
    """The horizon's gap columns both tables end with: above the baseline, its sum since
    the base year (money in ``unit``, columns ending ``sfx``) and the share of all allies."""
    s = result.scenario
    base, last, b = s.base_year, s.horizon, f"{s.baseline_pct:g}%"
    return [Col(_h(f"Above {b} in {last}", unit), _in("extra_over_baseline_usd_bn", sfx),
                last, "signed"),
            Col(_h(f"Cumulative above {b}", f"{unit}, {base + 1}–{last}"),
                _in("cum_extra_over_baseline_usd_bn", sfx), last, "signed"),
            Col(_h(f"Share {last}", "% of all allies"), "share_of_total_pct", last, "share")]


def _money_words(code: str) -> str:
    """How a caption names the money: "USD bn", or "each ally's own currency (bn)"."""
    if code == "national currency":
        return "each ally's own currency (bn; the Currency column)"
    return f"{code} bn" + ("" if code == "USD" else
                           " (NATO's exchange rates, then the inflation gap)")


def _aggregate_table(result: Result, prefix: str) -> str:
    s = result.scenario
    base, last = s.base_year, s.horizon
    a = result.aggregates
    start = {r["group"]: r for r in _records(a[a.year == base])}
    code, sfx = money_unit(result, groups=True)
    unit = f"{code} bn"
    cols_base = [Col(_h(f"Spending {base}", unit), _in("total_usd_bn", sfx), base),
                 Col(_h(f"Total {base}", "% of GDP"), "total_pct", base, "pct")]
    cols_last = [Col(_h(f"Spending {last}", unit), _in("total_usd_bn", sfx), last),
                 Col(_h(f"Total {last}", "% of GDP"), "total_pct", last, "pct"),
                 *_gap_cols(result, unit, sfx)]
    count = Col("Allies", "n_members", None, "int")
    rows = []
    for row in _records(a[a.year == last]):
        key = str(row["group"])
        cells = ([count.cell(row)] + [c.cell(start.get(key)) for c in cols_base]
                 + [c.cell(row) for c in cols_last])
        rows.append(f'<tr data-key="{_e(key)}"><th scope="row">{_e(row["label"])}</th>'
                    f'{"".join(cells)}</tr>')
    t = result.table
    us = {int(r["year"]): r for r in _records(t[t.iso3 == "USA"])}
    note = ""
    if base in us and last in us:
        col_b = Col(f"{base}", "share_of_total_pct", base, "share")
        col_l = Col(f"{last}", "share_of_total_pct", last, "share")
        note = (f'<p class="note" id="{prefix}-us-share" data-key="USA">The United States\' '
                f"share of all allies' spending in the scenario: {col_b.span(us[base])} in "
                f"{base}, {col_l.span(us[last])} in {last}.</p>")
    caption = ("Sums over each group's allies in the scenario; a group's % of GDP is its "
               f"spending over its allies' GDP (Iceland excluded). Money in {_money_words(code)}"
               " at current prices. Share of total: of all allies in the scenario.")
    return ('<div class="table-wrap keep">'
            f'<table class="aggregates" id="{prefix}-aggregates-table">'
            f"<caption>{_e(caption)}</caption>"
            + _head([count, *cols_base, *cols_last], ["Group"], False)
            + f'<tbody>{"".join(rows)}</tbody></table></div>{note}')


def _summary(result: Result) -> str:
    """One paragraph with the headline numbers (the aggregates' cells, formatted)."""
    s = result.scenario
    base, last = s.base_year, s.horizon
    a = result.aggregates
    code, sfx = money_unit(result, groups=True)
    rows = {(r["group"], int(r["year"])): r for r in _records(a)}
    parts = []
    for key in KEY_GROUPS:
        if (key, base) not in rows or (key, last) not in rows:
            continue
        b, e = rows[(key, base)], rows[(key, last)]
        label = _e(e["label"])
        cum = e[_in("cum_extra_over_baseline_usd_bn", sfx)]
        more = "less" if not _missing(cum) and float(cum) < 0 else "more"
        total = _in("total_usd_bn", sfx)
        parts.append(
            f"<strong>{label}</strong> ({int(e['n_members'])} allies): {code} "
            f"{money(b[total])} bn ({pct(b['total_pct'])}% of GDP) in {base}, {code} "
            f"{money(e[total])} bn ({pct(e['total_pct'])}%) in {last}; over "
            f"{base + 1}–{last}, {code} {money(abs(float(cum)))} bn {more} in all than "
            f"{s.baseline_pct:g}% of GDP.")
    if not parts:
        return ""
    return "<p>Defence spending (core + related) in this scenario. " + " ".join(parts) + "</p>"


# ---------------------------------------------------------------------------------------------
# Sections


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    body: str
    children: tuple[tuple[str, str], ...] = ()
    """(id, title) of the sub-sections, for the contents."""
    scenario: bool = False


def _scenario_section(result: Result, index: int, data: Dataset, history: pd.DataFrame,
                      several: bool) -> Section:
    from spendcalc.views import charts as plots

    s = result.scenario
    sid = f"s{index}"
    run = plots.as_run(_for_charts(result))
    brief = words.brief(s, data)
    parts: list[str] = []
    children: list[tuple[str, str]] = []

    def sub(key: str, title: str, new_page: bool = False) -> None:
        children.append((f"{sid}-{key}", title))
        cls = ' class="new-page"' if new_page else ""
        parts.append(f'<h3 id="{sid}-{key}"{cls}>{_e(title)}</h3>')

    if s.description and several:
        parts.append(f'<p class="lead">{_e(s.description)}</p>')
    parts.append(_summary(result))
    if brief:
        parts.append(f'<p class="note">In brief: {_e(brief)}. Details under '
                     f'<a href="#{sid}-assumptions">Assumptions</a>.</p>')

    sub("gap", f"Spending above {s.baseline_pct:g}% of GDP in {s.horizon}")
    parts.append(_figure(lambda: plots.render("gap", [run], plots.Options()).figure,
                         f"{sid}-gap", "Gap chart",
                         f"Bars: the “Above {s.baseline_pct:g}% in {s.horizon}” column of the "
                         f"table “Every ally” below; ◆: the same in {s.base_year}."))

    sub("paths", "Paths of core defence spending")
    parts += _paths_figures(result, sid, history)

    sub("aggregates", "Groups of allies")
    parts.append(_aggregate_table(result, sid))
    sub("assumptions", "Assumptions")
    parts.append(assumptions_list(s, data))
    sub("members", "Every ally", new_page=True)
    parts.append(_member_table(result, sid))
    return Section(sid, f"Scenario {s.name}", "".join(parts), tuple(children), scenario=True)


def _paths_figures(result: Result, sid: str, history: pd.DataFrame) -> list[str]:
    """The two paths charts: the largest spenders, and the allies furthest below their core
    target (or with the lowest core shares when none is below)."""
    from spendcalc.views import charts as plots

    s = result.scenario
    run = plots.as_run(_for_charts(result))
    parts: list[str] = []
    big = largest(result)
    behind, below = furthest_behind(result)
    if not big:
        parts.append('<p class="chart-missing">No ally in this scenario has armed forces: '
                     "there are no defence-spending paths to draw.</p>")
    else:
        head = "Core defence spending, % of GDP: "
        big_title = head + (f"the largest spender in {s.base_year}" if len(big) == 1 else
                            f"the {_count(len(big))} largest spenders in {s.base_year}")
        if below:
            behind_title = head + (
                f"the ally furthest below its core target in {s.base_year}"
                if len(behind) == 1 else f"the {_count(len(behind))} allies furthest below "
                f"their core target in {s.base_year}")
            why = (f"By the distance, in points of GDP, between the {s.base_year} core share "
                   "and the core target.")
        else:
            behind_title = head + (f"the lowest core share in {s.base_year}"
                                   if len(behind) == 1 else
                                   f"the {_count(len(behind))} lowest core shares in "
                                   f"{s.base_year}")
            why = (f"No ally is below its core target in {s.base_year}; these have the lowest "
                   "core shares.")
        parts.append(_figure(lambda: plots.render(
            "paths", [run], plots.Options(members=tuple(big), title=big_title),
            history=history).figure, f"{sid}-paths-largest", big_title,
            f"By spending in {s.base_year} (USD bn).", "half"))
        parts.append(_figure(lambda: plots.render(
            "paths", [run], plots.Options(members=tuple(behind), title=behind_title),
            history=history).figure, f"{sid}-paths-behind", behind_title, why, "half"))
    return parts


def assumptions_list(scenario: Scenario, data: Dataset) -> str:
    """The scenario's assumptions in words (``views.words``) as an HTML list."""
    return ('<ul class="assumptions">' + "".join(
        f"<li><strong>{_t(a.topic)}.</strong> {_t(a.text)}</li>"
        for a in words.assumptions(scenario, data)) + "</ul>")


def chart_year(a: Result, b: Result) -> int | None:
    """The year, common to both, in which the NATO totals (``total_usd_bn`` of the largest
    group, used only to choose) of ``a`` and ``b`` differ most; None if they never differ by
    USD 0.05 bn (the tables' precision)."""
    def totals(r: Result) -> dict[int, float]:
        g = r.aggregates
        key = g.sort_values("n_members", ascending=False, kind="stable").group.iloc[0]
        rows = g[g.group == key]
        return {int(y): float(v) for y, v in zip(rows.year, rows.total_usd_bn, strict=True)}

    ta, tb = totals(a), totals(b)
    best, year = 0.05, None
    for y in sorted(set(ta) & set(tb)):
        if y > min(a.scenario.base_year, b.scenario.base_year) and abs(tb[y] - ta[y]) >= best:
            best, year = abs(tb[y] - ta[y]), y
    return year


def _comparison_section(results: Sequence[Result]) -> Section:
    from spendcalc.core import compare

    table = compare.compare(list(results))
    first = results[0].scenario.name
    base_pct = results[0].scenario.baseline_pct
    parts = ['<p>The scenarios side by side. Differences are from the first scenario, '
             f"<strong>{_e(first)}</strong>. The tables are those of "
             "<code>spendcalc compare</code>: each scenario in its horizon year.</p>", "<ul>"]
    for r in results:
        brief = words.brief(r.scenario, r.data)
        parts.append(f"<li><strong>{_e(r.scenario.name)}</strong>: "
                     f"{_e(r.scenario.description or brief)}"
                     + (f' <span class="note">({_e(brief)})</span>' if r.scenario.description
                        and brief else "") + "</li>")
    parts.append("</ul>")
    children: list[tuple[str, str]] = []
    parts += _comparison_charts(results, children)
    parts.append(_comparison_table(table, results, children, "cmp-spending",
                                   "Defence spending in the horizon year", "total_usd_bn",
                                   True))
    parts.append(_comparison_table(
        table, results, children, "cmp-cumulative",
        f"Cumulative spending above {base_pct:g}% of GDP to the horizon",
        "cum_extra_over_baseline_usd_bn", False))
    return Section("comparison", "Comparing the scenarios", "".join(parts), tuple(children))


def _comparison_charts(results: Sequence[Result], children: list[tuple[str, str]]
                       ) -> list[str]:
    """For each scenario after the first, a chart of its difference from the first in the
    year their NATO totals differ most (none when they never differ); adds to ``children``."""
    from spendcalc.views import charts as plots

    parts: list[str] = []
    first = results[0].scenario.name
    runs = [plots.as_run(in_usd(r)) for r in results]  # tables beside them are USD
    for i, (result, other) in enumerate(zip(results[1:], runs[1:], strict=True), 2):
        key = f"cmp-chart-{i}"
        year = chart_year(results[0], result)
        title = f"{other.name} minus {first}"
        children.append((key, f"Chart: {title}"))
        if year is None:
            parts.append(f'<h3 id="{key}">{_e(title)}</h3><p>The two scenarios give the same '
                         "NATO total in every year; no chart of their difference is drawn.</p>")
            continue
        parts.append(f'<h3 id="{key}">Spending in {year}: {_e(title)}</h3>')
        parts.append(_figure(lambda other=other, year=year: plots.render(
            "compare", [runs[0], other], plots.Options(diff=True, year=year)).figure,
            key, f"{title}, {year}",
            f"{year}: the year in which the two scenarios' NATO totals differ most. Bars: "
            f"spending (core + related) in {other.name} minus {first}, per ally."))
    return parts


def _comparison_table(table: pd.DataFrame, results: Sequence[Result],
                      children: list[tuple[str, str]], cid: str, title: str, column: str,
                      with_pct: bool) -> str:
    """One comparison table (``compare.compare``'s ``column`` per scenario in its horizon
    year, USD bn, with % of GDP if ``with_pct``, and differences from the first); adds its
    heading to ``children``."""
    names = [r.scenario.name for r in results]
    horizons = [r.scenario.horizon for r in results]
    first = names[0]
    by = {(r["kind"], r["key"], r["scenario"]): r for r in _records(table)}
    keys = list(dict.fromkeys(zip(table.kind, table.key, strict=True)))
    label = {(r["kind"], r["key"]): r["name"] for r in _records(table)}
    cols: list[tuple[str, Col]] = []
    for n, h in zip(names, horizons, strict=True):
        kind = "signed" if column.startswith("cum_") else "money"
        cols.append((n, Col(_h(n, f"USD bn, {h}" if with_pct else "USD bn"), column, h,
                            kind, scenario=n)))
        if with_pct:
            cols.append((n, Col(_h(n, f"% of GDP, {h}"), "total_pct", h, "pct",
                                scenario=n)))
    for n, h in zip(names[1:], horizons[1:], strict=True):
        cols.append((n, Col(_h(f"{n} − {first}", "USD bn"), f"{column}_vs_first", h,
                            "signed", scenario=n)))
    head = _head([c for _, c in cols], ["Member or group"], True)
    bodies: dict[str, list[str]] = {"group": [], "member": []}
    for i, (kind, key) in enumerate(keys):
        if kind == "group" and key not in KEY_GROUPS:
            continue
        cells = "".join(c.cell(by.get((kind, key, n))) for n, c in cols)
        bodies[kind].append(f'<tr data-key="{_e(key)}" data-i="{i}"><th scope="row">'
                            f"{_e(label[(kind, key)])}</th>{cells}</tr>")
    children.append((cid, title))
    return (f'<h3 id="{cid}">{_e(title)}</h3><div class="table-wrap">'
            f'<table class="sortable comparison" id="{cid}-table">'
            "<caption>Money in USD bn at current prices."
            f'<span class="screen"> {SORT_HINT}</span></caption>{head}'
            f'<tbody class="totals">{"".join(bodies["group"])}</tbody>'
            f'<tbody class="sort">{"".join(bodies["member"])}</tbody></table></div>')




def _verdict(verdict: str) -> str:
    return f'<span class="verdict v-{_e(verdict)}">{_e(VERDICT_WORDS[verdict])}</span>'


def _outcomes(outcomes: Iterable[Outcome], context: bool = False) -> str:
    from spendcalc.evidence.claims import VINTAGE_LABELS

    items = []
    for o in outcomes:
        label = f" ({_e(VINTAGE_LABELS[o.key])})" if o.key in VINTAGE_LABELS else ""
        verdict = _e(VERDICT_WORDS[o.verdict]) if context else _verdict(o.verdict)
        items.append(f"<li><strong>{_e(o.key)}</strong>{label}: {verdict}"
                     f'<br><span class="detail">{_e(o.detail)}</span></li>')
    cls = ' class="context"' if context else ""
    return f"<ul{cls}>{''.join(items)}</ul>"


def claims_summary(results: Sequence[ClaimResult]) -> str:
    """The verdict summary in one paragraph (as ``spendcalc claims`` prints it)."""
    checkable = [r for r in results if r.claim.check.kind != "not_checkable"]
    by: dict[str, list[str]] = {}
    for r in checkable:
        by.setdefault(r.verdict, []).append(r.claim.id)
    labels = {"consistent": "consistent with every source read",
              "inconsistent": "inconsistent with every source read",
              "not_checkable": "not checkable (data incomplete)",
              "mixed": "depend on the edition"}
    parts = []
    for verdict in ("consistent", "inconsistent", "not_checkable", "mixed"):
        ids = by.get(verdict, [])
        if ids:
            named = (" (" + ", ".join(f'<a href="#claim-{_e(c)}">{_e(c)}</a>' for c in ids)
                     + ")") if verdict != "consistent" else ""
            word = labels[verdict]
            if verdict == "mixed" and len(ids) == 1:
                word = "depends on the edition"
            parts.append(f"{len(ids)} {word}{named}")
    text = (f"<strong>{len(results)} claims.</strong> {len(checkable)} have a check against "
            "the data" + (": " + "; ".join(parts) if parts else "") + ".")
    n_not = len(results) - len(checkable)
    if n_not:
        text += (f" {n_not} are not checkable with the bundled data (opinions, events, or "
                 "facts the data do not hold).")
    return f'<p class="verdict-summary">{text}</p>'


def _claims_section(results: Sequence[ClaimResult]) -> Section:
    from spendcalc.evidence.claims import stated_text

    checkable = [r for r in results if r.claim.check.kind != "not_checkable"]
    rest = [r for r in results if r.claim.check.kind == "not_checkable"]
    parts = ["<p>The four source documents this project started from make claims about "
             "defence spending. Each claim is stated in our own words "
             "(<code>seeds/claims.toml</code>) and tested against the bundled data, with one "
             "verdict per NATO edition or source the check reads: <em>consistent</em>, "
             "<em>inconsistent</em> or <em>not checkable</em>. This section does not depend "
             "on the scenario. <code>spendcalc claims</code> prints the same.</p>",
             claims_summary(results)]
    rows = []
    for r in checkable:
        c = r.claim
        stated = stated_text(c.stated)
        claimed = _e(c.claim) + (f'<br><span class="detail">Figures given: {_e(stated)}'
                                 "</span>" if stated else "")
        data_say = f"{_e(r.check.description)}{_outcomes(r.check.outcomes)}"
        for res in r.context:
            data_say += (f'<p class="context small">For information (does not set the '
                         f"verdict): {_e(res.description)}</p>"
                         f"{_outcomes(res.outcomes, context=True)}")
        rows.append(f'<tr id="claim-{_e(c.id)}" data-verdict="{_e(r.verdict)}">'
                    f'<td><strong>{_e(c.id)}</strong><br>{_verdict(r.verdict)}<br>'
                    f'<span class="detail">document<br>{_e(c.document_title)}</span></td>'
                    f"<td>{claimed}</td><td>{data_say}</td></tr>")
    parts.append('<h3 id="claims-checked">Claims with a check</h3><div class="table-wrap">'
                 '<table class="claims" id="claims-table"><thead><tr><th scope="col">Claim '
                 'and verdict</th><th scope="col">What is claimed</th><th scope="col">What the '
                 'data say, per edition</th></tr></thead><tbody>'
                 + "".join(rows) + "</tbody></table></div>")
    rows = []
    for r in rest:
        c = r.claim
        stated = stated_text(c.stated)
        claimed = _e(c.claim) + (f'<br><span class="detail">Figures given: {_e(stated)}'
                                 "</span>" if stated else "")
        rows.append(f'<tr id="claim-{_e(c.id)}" data-verdict="not_checkable">'
                    f'<td><strong>{_e(c.id)}</strong><br><span class="detail">document<br>'
                    f"{_e(c.document_title)}</span></td><td>{claimed}</td>"
                    f'<td>{_e(getattr(c.check, "reason", ""))}</td></tr>')
    if rows:  # after the checkable ones, collapsed: they carry no verdict from the data
        parts.append('<details class="claims-rest"><summary><h3 id="claims-not-checkable">'
                     f"Not checkable with the bundled data ({len(rows)} claims)</h3></summary>"
                     '<div class="table-wrap"><table class="claims" id="claims-rest">'
                     '<thead><tr><th scope="col">Claim</th><th scope="col">What is claimed'
                     '</th><th scope="col">Why it cannot be checked</th></tr></thead><tbody>'
                     + "".join(rows) + "</tbody></table></div></details>")
    return Section("claims", "Claims in the source documents, checked against the data",
                   "".join(parts), (("claims-checked", "Claims with a check"),
                                    ("claims-not-checkable", "Not checkable")))


def _literature_section(data: Dataset) -> Section:
    """Published costings of the target next to spendcalc's reproduction (``spendcalc
    literature``): each estimate runs on its own edition, with this report's data folder."""
    from spendcalc.evidence import literature as lit
    from spendcalc.views import literature as views

    reps = lit.reproduce_all(lit.load_estimates(), data.directory)
    rows = []
    for rep in reps:
        src = rep.estimate.source
        rows.append(
            f'<tr id="published-{_e(rep.estimate.id)}" data-verdict="{_e(rep.verdict)}">'
            f'<td>{_e(views.source_name(src["author"]))}<br><span class="detail">'
            f'{_e(src["title"])}, {_e(src["date"])}</span></td>'
            f'<td>{_e(src["claim"])}<br><span class="detail">as published: '
            f'{_e(src["value_text"])}; compared as {_e(rep.unit)}</span></td>'
            f'<td class="num">{_e(views.number(rep.published))}</td>'
            f'<td class="num">{_e(views.number(rep.reproduced))}</td>'
            f'<td class="num">{_e(views.difference(rep))}</td>'
            f"<td><strong>{_e(rep.verdict)}</strong><br>"
            f'<span class="detail">{_e(rep.reason)}</span></td></tr>')
    body = ("<p>Published costings of the Hague target, each encoded as a scenario of the "
            "source's stated assumptions (<code>scenarios/published/</code>) and computed by "
            "the engine. A figure in euros, pounds or Canadian dollars is compared in that "
            "currency (NATO's exchange rates, then the inflation gap); a ratio or percent "
            "of GDP as the source states it. The tolerance is the source's own rounding. The "
            "page stays offline, so it names each source by title: <code>spendcalc "
            "literature --json</code> gives the addresses. "
            "<code>spendcalc literature</code> prints the same; <code>--explain</code> walks "
            f"one estimate driver by driver.</p><p><strong>{_e(views.summary(reps))}."
            "</strong></p>"
            + '<div class="table-wrap"><table class="claims" id="literature-table"><thead>'
            '<tr><th scope="col">Source</th><th scope="col">Claim</th><th scope="col">'
            'Published</th><th scope="col">spendcalc</th><th scope="col">Difference</th>'
            '<th scope="col">Verdict and reason</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></div>")
    return Section("literature", "Published estimates", body)


def _sources_section(results: Sequence[Result], claim_results: Sequence[ClaimResult],
                     data: Dataset, command: str | None, created: datetime) -> Section:
    from spendcalc.evidence.claims import VINTAGE_LABELS

    meta = results[0].meta
    used: dict[str, str] = {}
    for r in results:
        used.update(r.meta.get("sources") or {})
    rows = []
    for sid in sorted(used):
        src = data.sources.get(sid)
        rows.append(f"<tr><td><code>{_e(sid)}</code></td><td>{_e(used[sid])}</td>"
                    f"<td>{_e(src.published if src else '')}</td>"
                    f"<td>{_e(src.confidence if src else '')}</td></tr>")
    editions = sorted({o.key for r in claim_results for o in r.check.outcomes
                       if o.key in VINTAGE_LABELS})
    parts = [f"<p><strong>Data vintage:</strong> {_e(meta.get('data_vintage', ''))}.</p>",
             f"<p><strong>Units:</strong> {_e(meta.get('units', ''))}.</p>",
             '<h3 id="sources-projection">Sources of the projection</h3>'
             '<div class="table-wrap"><table class="sources"><thead><tr><th scope="col">Id'
             '</th><th scope="col">Source</th><th scope="col">Published</th>'
             '<th scope="col">Confidence</th></tr></thead><tbody>' + "".join(rows)
             + "</tbody></table></div>"]
    if editions:
        parts.append('<h3 id="sources-claims">Editions read by the claims check</h3><ul>'
                     + "".join(f"<li><code>{_e(k)}</code>: {_e(VINTAGE_LABELS[k])}</li>"
                               for k in editions) + "</ul>")
    parts.append("<p>Where each figure was read, and how confident we are: "
                 "<code>data/SOURCES.md</code> and <code>data/sources.csv</code> in spendcalc's "
                 "bundled data. Each ally's base-year source is in the projection table "
                 "(<code>base_share_source</code>).</p>")
    how = (f"<p><strong>How this report was made.</strong> spendcalc {_e(__version__)}, "
           f"{_e(_when(created))}.")
    if command:
        how += f" Command: <code>{_e(command)}</code>."
    how += (" Every number in the tables is a cell of spendcalc's projection table or its group "
            "aggregates (<code>spendcalc run SCENARIO -o table.json</code> gives them all), "
            "formatted here; charts are <code>spendcalc plot</code>'s.</p>")
    parts.append(how)
    return Section("sources", "Data sources and vintage", "".join(parts),
                   (("sources-projection", "Sources of the projection"),))


def _when(created: datetime) -> str:
    return created.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# ---------------------------------------------------------------------------------------------
# The page


def _asset(name: str) -> str:
    return (resources.files("spendcalc") / "report_assets" / name).read_text(encoding="utf-8")


def title(results: Sequence[Result]) -> str:
    names = [r.scenario.name for r in results]
    horizon = max(r.scenario.horizon for r in results)
    what = names[0] if len(names) == 1 else " vs ".join(names)
    return f"NATO defence spending to {horizon}: {what}"


def build(results: Sequence[Result], *, claim_results: Sequence[ClaimResult] | None = None,
          created: datetime | None = None, command: str | None = None) -> str:
    """The report for ``results`` (several: with a comparison section) as one HTML page,
    from the data they were computed with.

    ``claim_results`` defaults to every bundled claim checked against that data; ``created``
    to :func:`creation_time`; ``command`` is shown as the way to reproduce the report."""
    from spendcalc.core.tables import history_table
    from spendcalc.evidence import claims

    data = _check_results(results)
    created = created or creation_time()
    if claim_results is None:
        claim_results = claims.check_all(None, claims.load_evidence(data))
    history = history_table(data)
    several = len(results) > 1

    sections: list[Section] = []
    if several:
        sections.append(_comparison_section(results))
    sections += [_scenario_section(r, i, data, history, several)
                 for i, r in enumerate(results, 1)]
    sections.append(_claims_section(claim_results))
    sections.append(_literature_section(data))
    sections.append(_sources_section(results, claim_results, data, command, created))
    body = "\n".join(
        f'<section id="{_e(sec.id)}"' + (' class="first"' if i == 0 else "") + ">"
        f"<h2>{_e(sec.title)}</h2>{sec.body}</section>" for i, sec in enumerate(sections))
    return _page(results, _masthead(results, sections, created, command), body, created)


def _check_results(results: Sequence[Result]) -> Dataset:
    """The data the results share; a ReportError if there are none, a scenario is given
    twice, or they were computed with different data."""
    if not results:
        raise ReportError("a report needs at least one scenario")
    names = [r.scenario.name for r in results]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ReportError(f"scenario {twice[0]!r} is given twice; give each scenario once")
    data = results[0].data
    if any(r.data is not data for r in results):
        raise ReportError("the scenarios of one report must be computed with the same data")
    return data


def _masthead(results: Sequence[Result], sections: Sequence[Section], created: datetime,
              command: str | None) -> str:
    """The top of the page: title, what the figures are, the facts (scenarios, vintage,
    version, creation time, command) and the table of contents."""
    page_title = title(results)
    several = len(results) > 1
    scen = "<br>".join(
        f"<strong>{_e(r.scenario.name)}</strong>"
        + (f" — {_e(r.scenario.description)}" if r.scenario.description else "")
        for r in results)
    facts = (f'<dl class="facts"><dt>Scenario{"s" if several else ""}</dt><dd>{scen}</dd>'
             f"<dt>Data vintage</dt><dd>{_e(results[0].meta.get('data_vintage', ''))}</dd>"
             f"<dt>Money</dt><dd>{_e(_page_money(results[0]))}</dd>"
             f"<dt>spendcalc</dt><dd>version {_e(__version__)}</dd>"
             f'<dt>Created</dt><dd><time datetime="{created.astimezone(UTC).isoformat()}">'
             f"{_e(_when(created))}</time></dd>"
             + (f"<dt>Command</dt><dd><code>{_e(command)}</code></dd>" if command else "")
             + "</dl>")
    toc = []
    for sec in sections:
        sub = "".join(f'<li><a href="#{_e(k)}">{_e(t)}</a></li>' for k, t in sec.children)
        toc.append(f'<li><a href="#{_e(sec.id)}">{_e(sec.title)}</a>'
                   + (f"<ol>{sub}</ol>" if sub and sec.scenario else "")
                   + "</li>")
    intro = ("<p>Projections of NATO allies' defence spending under the scenario"
             f"{'s' if several else ''} below: numbers and the assumptions behind them. The "
             "figures are what the stated assumptions imply, not forecasts.</p>")
    return ('<header class="masthead"><p class="kicker">spendcalc report</p>'
            f"<h1>{_e(page_title)}</h1>{intro}{facts}"
            f'<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{"".join(toc)}</ol>'
            "</nav></header>")


def _page(results: Sequence[Result], masthead: str, body: str, created: datetime) -> str:
    """The whole HTML document around the masthead and the sections, styles and the
    sorting script inlined."""
    page_title = title(results)
    vintage = results[0].meta.get("data_vintage", "")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="spendcalc {_e(__version__)}">\n'
        f"<title>{_e(page_title)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        f"<style>\n{_asset('report.css')}</style>\n{NOSCRIPT}</head>\n<body>\n"
        f'<div class="page">\n{masthead}'
        "\n<main>\n" + body + "\n</main>\n"
        f'<footer><p>{_e(page_title)} · data vintage {_e(vintage)} · '
        f"spendcalc {_e(__version__)} · created {_e(_when(created))}</p></footer>\n</div>\n"
        f"<script>\n{_asset('sort.js')}</script>\n</body>\n</html>\n")

"""Terminal views built with ``rich``: they format the tables, they never compute numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table
from rich.text import Text

from spendcalc.core.tables import records
from spendcalc.views.format import count, money, pct, percent

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.core.result import Result
    from spendcalc.core.whatif import Sensitivity, SweepResult
    from spendcalc.io.scenarios import ReadyScenario

NO_FORCES = "no armed forces"


def _metric(metric: str, value: float) -> str:
    """A sweep or sensitivity metric: a share of GDP or money, by its column's unit."""
    return pct(value) if metric.endswith("_pct") else money(value)


# --------------------------------------------------------------------------- fitting


def _min_width(console: Console, column: Any, cells: list[Any]) -> int:
    """The narrowest a column can be without cutting a cell: no-wrap columns (numbers) need
    their widest cell, the others their longest word."""
    from rich.measure import Measurement

    wide = console.options.update_width(10_000)
    sizes = [Measurement.get(console, wide, c) for c in [column.header, *cells]]
    if column.no_wrap:
        return max(m.maximum for m in sizes)
    return max(m.minimum for m in sizes)


def _needed(console: Console, table: Table, columns: list[int]) -> int:
    cols = [table.columns[i] for i in columns]
    edge = 2 if table.box and table.show_edge else 0
    return sum(_min_width(console, c, list(c._cells)) + 2 for c in cols) + edge + len(cols) - 1


def _subtable(table: Table, columns: list[int], first: bool) -> Table:
    out = Table(title=table.title if first else None, box=table.box,
                header_style=table.header_style, title_justify=table.title_justify,
                caption_justify=table.caption_justify, show_edge=table.show_edge)
    for i in columns:
        c = table.columns[i]
        out.add_column(c.header, justify=c.justify, no_wrap=c.no_wrap, style=c.style,
                       overflow=c.overflow, min_width=c.min_width, max_width=c.max_width)
    for r, row in enumerate(table.rows):
        out.add_row(*[table.columns[i]._cells[r] for i in columns], style=row.style,
                    end_section=row.end_section)
    return out


def fit(table: Table, console: Console) -> list[Any]:
    """``table`` as it is if it fits the console's width, else split into several tables of
    consecutive columns, each repeating the leading label columns, so that no number is ever
    cut. Label columns may wrap; number columns (right-aligned) never do."""
    for c in table.columns:
        if c.justify == "right":
            c.no_wrap = True
        else:  # a label wraps between words rather than being cut
            c.no_wrap, c.max_width = False, None
            c.min_width = max(c.min_width or 0, _min_width(console, c, list(c._cells)))
    width = console.width
    everything = list(range(len(table.columns)))
    if _needed(console, table, everything) <= width:
        return [table]
    keys = [i for i in everything[:2] if table.columns[i].justify != "right"] or [0]
    rest = [i for i in everything if i not in keys]
    chunks: list[list[int]] = [[]]
    for i in rest:
        if chunks[-1] and _needed(console, table, keys + chunks[-1] + [i]) > width:
            chunks.append([])
        chunks[-1].append(i)
    parts: list[Any] = [_subtable(table, keys + ch, n == 0) for n, ch in enumerate(chunks)]
    if table.caption:  # below the last part, at the console's width
        parts.append(Text(str(table.caption), style="dim", justify=table.caption_justify))
    return parts


def show(console: Console, *renderables: Any) -> None:
    """Print ``renderables``; tables are fitted to the console's width (``fit``)."""
    for r in renderables:
        if isinstance(r, Table):
            for part in fit(r, console):
                console.print(part)
        else:
            console.print(r)


def _rows(frame: pd.DataFrame, *keys: str) -> dict[Any, dict[str, Any]]:
    """Rows of ``frame`` as plain dicts keyed by the ``keys`` columns (one key: its value)."""
    out: dict[Any, dict[str, Any]] = {}
    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    for rec in records:
        key = rec[keys[0]] if len(keys) == 1 else tuple(rec[k] for k in keys)
        out[key] = rec
    return out


def run_summary(result: Result, console: Console) -> None:
    """Per-member and aggregate summary of one projected scenario."""
    s = result.scenario
    base, last = s.base_year, s.horizon
    # From the columns, not result.table: the summary need not import pandas.
    rows = records(result.columns, "iso3", "year")
    start = {k[0]: r for k, r in rows.items() if k[1] == base}
    end = {k[0]: r for k, r in rows.items() if k[1] == last}

    # --currency: money in the chosen currency (its ``_lcu_bn`` columns), named in headers.
    chosen = (result.meta.get("currency") or {}).get("currency")
    kind, unit = ("lcu", "Local" if chosen == "local" else chosen) if chosen else ("usd", "USD")
    # With each ally in its own money the currency takes the code's place: the name says
    # who it is, and the table still fits 80 columns.
    local = chosen == "local"
    table = Table(
        title=f"{s.name}: {s.description}" if s.description else s.name,
        caption=(f"Core and total in % of GDP; money in {unit} bn at current prices"
                 f"{' (each ally in its own currency, Cur.)' if local else ''}. Over "
                 f"{s.baseline_pct:g}% = spending above {s.baseline_pct:g}% of GDP; cumulative "
                 f"= its sum over {base + 1}–{last}."
                 + (" Canada, the UK and the US by fiscal year (2035 = FY 2035-36, apportioned "
                    "from calendar years); groups in calendar years."
                    if "fiscal_year" in result.meta else "")),
        box=box.SIMPLE_HEAD, header_style="bold",
    )
    table.add_column("Cur." if local else "Code")
    table.add_column("Member", no_wrap=True)
    table.add_column(f"Core\n{base}", justify="right")
    table.add_column(f"Core\n{last}", justify="right")
    table.add_column(f"Total\n{last}", justify="right")
    table.add_column(f"{unit} bn\n{last}", justify="right")
    table.add_column(f"Over {s.baseline_pct:g}%\n{last}", justify="right")
    table.add_column(f"Cum. over\n{s.baseline_pct:g}%", justify="right")
    notes: list[str] = []
    for iso3, row in end.items():
        if not row["armed_forces"]:
            table.add_row("—" if local else iso3, f"{row['member']}*", *["—"] * 6)
            notes.append(f"*{row['member']} has {NO_FORCES}: no defence spending, no target.")
            continue
        table.add_row(
            str(row["currency"]) if local else iso3, row["member"],
            pct(start[iso3]["core_pct"]), pct(row["core_pct"]), pct(row["total_pct"]),
            money(row[f"total_{kind}_bn"]),
            money(row[f"extra_over_baseline_{kind}_bn"], signed=True),
            money(row[f"cum_extra_over_baseline_{kind}_bn"], signed=True),
        )
    show(console, table)
    for note in notes:
        console.print(f"[dim]{note}[/dim]")
    show(console, aggregate_summary(result))
    console.print(
        f"[dim]Data: {result.meta['data_vintage']}. spendcalc {result.meta['spendcalc_version']}."
        "[/dim]"
    )


def aggregate_summary(result: Result) -> Table:
    """NATO total and European allies + Canada in the base and horizon years, US share."""
    s = result.scenario
    base, last = s.base_year, s.horizon
    groups = records(result.aggregate_columns, "group", "year")
    members = records(result.columns, "iso3", "year")
    # A common --currency converts the aggregates too; 'local' leaves them in USD.
    chosen = (result.meta.get("currency") or {}).get("currency")
    kind, unit = ("lcu", chosen) if chosen not in (None, "local") else ("usd", "USD")
    title = "Aggregates" + (" (in USD: allies' currencies differ)" if chosen == "local" else "")
    table = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold")
    table.add_column("", no_wrap=True)
    for year in (base, last):
        table.add_column(f"{year}\n{unit} bn", justify="right")
        table.add_column(f"{year}\n% GDP", justify="right")
    table.add_column(f"Cum. over {s.baseline_pct:g}%\n{unit} bn", justify="right")
    for key in ("nato", "european-allies"):
        if (key, base) not in groups:
            continue
        b, e = groups[(key, base)], groups[(key, last)]
        table.add_row(str(b["label"]), money(b[f"total_{kind}_bn"]), pct(b["total_pct"]),
                      money(e[f"total_{kind}_bn"]), pct(e["total_pct"]),
                      money(e[f"cum_extra_over_baseline_{kind}_bn"], signed=True))
    if ("USA", base) in members:
        table.add_row("US share of NATO total",
                      percent(members[("USA", base)]["share_of_total_pct"]), "",
                      percent(members[("USA", last)]["share_of_total_pct"]), "", "")
    return table


def members_table(data: Dataset, years: int) -> Table:
    """The bundled data per member: latest shares, GDP, source of the latest share."""
    shown = data.share_years[-years:]
    latest = data.latest_share_year
    estimated = sorted({y for row in data.share_estimate
                        for y, e in zip(data.share_years, row, strict=True) if e and y in shown})
    note = f" {', '.join(map(str, estimated))}: NATO estimates." if estimated else ""
    table = Table(
        title="Defence spending of NATO members, % of GDP (NATO definition)",
        caption=(f"GDP: NATO's {data.gdp_years[-1]} figure, USD bn at current prices (runs "
                 f"derive {latest} from it with IMF real growth + US inflation).{note} "
                 f"Vintage: {data.vintage}."),
        box=box.SIMPLE_HEAD, header_style="bold",
    )
    table.add_column("Code")
    table.add_column("Member", no_wrap=True)
    for y in shown:
        table.add_column(str(y), justify="right", no_wrap=True)
    table.add_column(f"GDP {data.gdp_years[-1]}", justify="right", no_wrap=True)
    table.add_column(f"Source of {latest}", no_wrap=True)
    gdp_last = data.gdp_in(data.gdp_years[-1])
    marked: set[str] = set()
    for i, m in enumerate(data.members):
        shares = [pct(data.share_in(y)[i]) for y in shown]
        source = data.share_sources[i][-1] if m.armed_forces else f"[dim]{NO_FORCES}[/dim]"
        if m.armed_forces and _secondary(data, source):
            marked.add(source)
            shares[-1] += SECONDARY_MARK
            source += SECONDARY_MARK
        table.add_row(m.iso3, m.name, *shares, money(gdp_last[i]), source)
    if marked:
        table.caption = (f"{table.caption} {SECONDARY_MARK} Not from NATO's own tables: "
                         + "; ".join(f"{k} ({data.sources[k].title}, confidence "
                                     f"{data.sources[k].confidence})" for k in sorted(marked))
                         + ".")
    return table


SECONDARY_MARK = "†"


def _secondary(data: Dataset, source_id: str) -> bool:
    """True for a figure whose source is not NATO's own table: press reports or
    transcriptions, i.e. a confidence below "high" in data/sources.csv."""
    source = data.sources.get(source_id)
    return source is not None and source.confidence.strip().lower() != "high"


def scenarios_table(ready: list[ReadyScenario]) -> Table:
    table = Table(title="Ready scenarios", box=box.SIMPLE_HEAD, header_style="bold",
                  caption="Run one with: spendcalc run NAME   (or give the path of a .toml file)")
    table.add_column("Name", style="bold")
    table.add_column("What it models")
    for r in ready:
        table.add_row(r.name, r.description)
    return table


def _metric_unit(metric: str) -> str:
    return "% of GDP" if metric.endswith("_pct") else "USD bn"


def print_comparison(table: pd.DataFrame, results: list[Result], console: Console) -> None:
    """Horizon-year spending and cumulative extra per scenario, with the difference from the
    first scenario in brackets; members, then NATO and European allies + Canada."""
    names = [r.scenario.name for r in results]
    horizon = results[0].scenario.horizon
    baseline = results[0].scenario.baseline_pct
    rows = _rows(table, "kind", "key", "scenario")
    keys = [k for k in dict.fromkeys(zip(table.kind, table.key, strict=True))
            if k[0] == "member" or k[1] in ("nato", "european-allies")]
    # --currency: the _lcu_bn columns where a row has them (groups under 'local' do not).
    chosen = (results[0].meta.get("currency") or {}).get("currency")
    unit = {None: "USD bn", "local": "bn of each ally's currency (groups: USD bn)"}.get(
        chosen, f"{chosen} bn")
    for column, title in (
        ("total_usd_bn", f"Spending in {horizon}, {unit}"),
        ("cum_extra_over_baseline_usd_bn",
         f"Cumulative spending above {baseline:g}% of GDP to {horizon}, {unit}"),
    ):
        out = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold")
        out.add_column("", no_wrap=True)
        for n in names:
            out.add_column(n, justify="right", no_wrap=True)
        for kind, key in keys:
            first = rows[(kind, key, names[0])]
            cells = []
            for i, n in enumerate(names):
                r = rows.get((kind, key, n))
                if r is None:
                    cells.append("—")
                    continue
                col = column
                if chosen and r.get(column.replace("_usd_bn", "_lcu_bn")) == r.get(
                        column.replace("_usd_bn", "_lcu_bn")):  # present and not NaN
                    col = column.replace("_usd_bn", "_lcu_bn")
                diff = f" ({money(r[col + '_vs_first'], signed=True)})" if i else ""
                cells.append(money(r[col]) + ("" if diff == " (—)" else diff))
            code = first.get("currency") if chosen == "local" else None
            label = f"{first['name']} ({code})" if isinstance(code, str) and code else ""
            out.add_row(label or str(first["name"]), *cells,
                        style="bold" if kind == "group" else None)
        show(console, out)
    console.print(f"[dim]In brackets: the difference from {names[0]}. Money at current "
                  "prices.[/dim]")


def print_sweep(result: SweepResult, table: pd.DataFrame, scenario: Scenario,
                console: Console) -> None:
    """The metric for each variant (or the extremes and a sample, for large grids)."""
    keys = list(result.grid)
    unit = _metric_unit(result.metric)
    out = Table(title=f"Sweep of {scenario.name}: {result.metric} ({unit}), group "
                      f"{result.group}, {result.year}",
                box=box.SIMPLE_HEAD, header_style="bold",
                caption=f"{count(len(table))} variants, computed in vectorised chunks.")
    for k in keys:
        out.add_column(k, justify="right")
    out.add_column(result.metric, justify="right")
    shown = table if len(table) <= 40 else table.iloc[
        sorted({0, len(table) - 1, *range(0, len(table), max(1, len(table) // 20))})]
    for _, row in shown.iterrows():
        out.add_row(*[f"{row[k]:g}" for k in keys], _metric(result.metric, row[result.metric]))
    show(console, out)
    lo, hi = int(result.values.argmin()), int(result.values.argmax())
    for word, i in (("lowest", lo), ("highest", hi)):
        where = ", ".join(f"{k}={result.grid[k][i]:g}" for k in keys)
        console.print(f"{word}: {_metric(result.metric, result.values[i])} {unit} at {where}")


def print_sensitivity(result: Sensitivity, scenario: Scenario, console: Console) -> None:
    """Levers ranked by the swing in the metric between their low and high."""
    unit = _metric_unit(result.metric)
    out = Table(title=f"Sensitivity of {scenario.name}: {result.metric} ({unit}), group "
                      f"{result.group}, {result.year}",
                box=box.SIMPLE_HEAD, header_style="bold",
                caption=f"Scenario value: {_metric(result.metric, result.base)} {unit}. "
                        "Each parameter moves alone; the others keep the scenario's "
                        "values. Low delivery: the average share of the gap to 2% closed "
                        "2014-2024.")
    out.add_column("Parameter", no_wrap=True)
    out.add_column("Low", no_wrap=True)
    out.add_column("At low", justify="right", no_wrap=True)
    out.add_column("High", no_wrap=True)
    out.add_column("At high", justify="right", no_wrap=True)
    out.add_column("Swing", justify="right", no_wrap=True)
    for i in result.ranked():
        lv = result.levers[i]
        out.add_row(lv.name, lv.low_label, _metric(result.metric, result.low[i]),
                    lv.high_label, _metric(result.metric, result.high[i]),
                    _metric(result.metric, abs(result.high[i] - result.low[i])))
    show(console, out)


def print_simulation(percentiles: pd.DataFrame, reach: pd.DataFrame, scenario: Scenario,
                     draws: int, seed: int, console: Console) -> None:
    """Horizon-year percentiles per member and group, the chance of reaching the target and,
    if ``reach`` has it, the same chance with every planned increase delivered."""
    year = scenario.horizon
    rows = _rows(percentiles[percentiles.year == year], "kind", "key")
    chance = _rows(reach, "iso3")
    both = "p_reach_target_full_compliance" in reach.columns
    out = Table(title=f"{scenario.name}: {draws:,} draws (seed {seed}), spending in {year}",
                box=box.SIMPLE_HEAD, header_style="bold",
                caption=("USD bn, current prices. P5/P50/P95: 5th, 50th, 95th percentiles "
                         "over draws of GDP growth and of how much of each planned increase "
                         "is delivered. Chance = share of draws reaching the target in the "
                         "target year." + (" All delivered = the same chance with compliance "
                                           "fixed at 100 % (growth's own effect)." if both
                                           else "")))
    out.add_column("", no_wrap=True)
    for col in ("P5", "P50", "P95", "Chance") + (("All delivered",) if both else ()):
        out.add_column(col, justify="right")
    for (kind, key), r in rows.items():
        if kind == "group" and key not in ("nato", "european-allies"):
            continue
        member = chance.get(key, {}) if kind == "member" else {}
        ps = [member.get(c) for c in ("p_reach_target", "p_reach_target_full_compliance")]
        label = r["name"] if kind == "group" else f"{r['name']} ({key})"
        out.add_row(label, money(r["total_usd_bn_p5"]), money(r["total_usd_bn_p50"]),
                    money(r["total_usd_bn_p95"]),
                    *[percent(None if p is None else 100 * p) for p in ps[:1 + both]],
                    style="bold" if kind == "group" else None)
    show(console, out, Text(compliance_note(scenario), style="bold"))


def compliance_note(scenario: Scenario) -> str:
    """One line: the chance mostly echoes the compliance input, named as the scenario file
    names it (``[uncertainty] compliance_full_pct``, percent)."""
    u = scenario.uncertainty
    fixed = f", {len(u.compliance_overrides)} fixed" if u.compliance_overrides else ""
    return (f"Chance mostly echoes [uncertainty] compliance_full_pct "
            f"({u.compliance_full_pct:g} % deliver all{fixed}).")

"""Terminal views built with ``rich``: they format the tables, they never compute numbers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table

if TYPE_CHECKING:
    from rich.console import Console

    from spendcalc.api import Result
    from spendcalc.data import Dataset
    from spendcalc.scenarios import ReadyScenario

NO_FORCES = "no armed forces"


def _num(value: float, digits: int = 1) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else (
        f"{value:,.{digits}f}"
    )


def _signed(value: float, digits: int = 1) -> str:
    text = _num(value, digits)
    return text if text == "—" or value < 0 else f"+{text}"


def run_summary(result: Result, console: Console) -> None:
    """Per-member and aggregate summary of one projected scenario."""
    s = result.scenario
    t = result.table
    base, last = s.base_year, s.horizon
    start = t[t.year == base].set_index("iso3")
    end = t[t.year == last].set_index("iso3")

    table = Table(
        title=f"{s.name}: {s.description}" if s.description else s.name,
        caption=(f"Core and total in % of GDP; money in USD bn at current prices. Over "
                 f"{s.baseline_pct:g}% = spending above {s.baseline_pct:g}% of GDP; cumulative "
                 f"= its sum over {base + 1}–{last}."),
        box=box.SIMPLE_HEAD, header_style="bold",
    )
    table.add_column("Code")
    table.add_column("Member", no_wrap=True)
    table.add_column(f"Core\n{base}", justify="right")
    table.add_column(f"Core\n{last}", justify="right")
    table.add_column(f"Total\n{last}", justify="right")
    table.add_column(f"USD bn\n{last}", justify="right")
    table.add_column(f"Over {s.baseline_pct:g}%\n{last}", justify="right")
    table.add_column(f"Cum. over\n{s.baseline_pct:g}%", justify="right")
    notes: list[str] = []
    for iso3, row in end.iterrows():
        if not row["armed_forces"]:
            table.add_row(str(iso3), f"{row['member']}*", *["—"] * 6)
            notes.append(f"*{row['member']} has {NO_FORCES}: no defence spending, no target.")
            continue
        table.add_row(
            str(iso3), row["member"],
            _num(start.loc[iso3, "core_pct"], 2), _num(row["core_pct"], 2),
            _num(row["total_pct"], 2), _num(row["total_usd_bn"]),
            _signed(row["extra_over_baseline_usd_bn"]),
            _signed(row["cum_extra_over_baseline_usd_bn"]),
        )
    console.print(table)
    for note in notes:
        console.print(f"[dim]{note}[/dim]")
    console.print(aggregate_summary(result))
    console.print(
        f"[dim]Data: {result.meta['data_vintage']}. spendcalc {result.meta['spendcalc_version']}."
        "[/dim]"
    )


def aggregate_summary(result: Result) -> Table:
    """NATO total and European allies + Canada in the base and horizon years, US share."""
    s = result.scenario
    base, last = s.base_year, s.horizon
    a = result.aggregates.set_index(["group", "year"])
    t = result.table.set_index(["iso3", "year"])
    table = Table(title="Aggregates", box=box.SIMPLE_HEAD, header_style="bold")
    table.add_column("", no_wrap=True)
    for year in (base, last):
        table.add_column(f"{year}\nUSD bn", justify="right")
        table.add_column(f"{year}\n% GDP", justify="right")
    table.add_column(f"Cum. over {s.baseline_pct:g}%\nUSD bn", justify="right")
    for key in ("nato", "european-allies"):
        if (key, base) not in a.index:
            continue
        b, e = a.loc[(key, base)], a.loc[(key, last)]
        table.add_row(str(b["label"]), _num(b["total_usd_bn"]), _num(b["total_pct"], 2),
                      _num(e["total_usd_bn"]), _num(e["total_pct"], 2),
                      _signed(e["cum_extra_over_baseline_usd_bn"]))
    if ("USA", base) in t.index:
        table.add_row("US share of NATO total",
                      f"{_num(t.loc[('USA', base), 'share_of_total_pct'])}%", "",
                      f"{_num(t.loc[('USA', last), 'share_of_total_pct'])}%", "", "")
    return table


def members_table(data: Dataset, years: int) -> Table:
    """The bundled data per member: latest shares, GDP, source of the latest share."""
    shown = data.share_years[-years:]
    latest = data.latest_share_year
    table = Table(
        title="NATO members in the bundled data",
        caption=(f"Defence expenditure in % of GDP (NATO definition; {latest} = NATO estimate). "
                 f"GDP in USD bn, current prices; {latest} GDP derived from "
                 f"{data.gdp_years[-1]} with IMF real growth + US inflation. "
                 f"Vintage: {data.vintage}."),
        box=box.SIMPLE_HEAD, header_style="bold",
    )
    table.add_column("Code")
    table.add_column("Member")
    for y in shown:
        table.add_column(f"{y}\n% GDP", justify="right")
    table.add_column(f"GDP {data.gdp_years[-1]}\nUSD bn", justify="right")
    table.add_column(f"GDP {latest}\nUSD bn", justify="right")
    table.add_column(f"Source\n{latest}")
    gdp_last = data.gdp_in(data.gdp_years[-1])
    gdp_latest = data.gdp_in(latest)
    for i, m in enumerate(data.members):
        shares = [_num(data.share_in(y)[i], 2) for y in shown]
        source = data.share_sources[i][-1] if m.armed_forces else f"[dim]{NO_FORCES}[/dim]"
        table.add_row(m.iso3, m.name, *shares, _num(gdp_last[i]), _num(gdp_latest[i]), source)
    return table


def scenarios_table(ready: list[ReadyScenario]) -> Table:
    table = Table(title="Ready scenarios", box=box.SIMPLE_HEAD, header_style="bold",
                  caption="Run one with: spendcalc run NAME   (or give the path of a .toml file)")
    table.add_column("Name", style="bold")
    table.add_column("What it models")
    for r in ready:
        table.add_row(r.name, r.description)
    return table

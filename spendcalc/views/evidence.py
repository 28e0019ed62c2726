"""Views for evidence and teaching: budget trade-offs, where the money goes, claims.

Numbers come from the projection table (``spendcalc.core.result.Result.table``) and the budget data
(``spendcalc.io.fiscal_data``); every new step of arithmetic (ratios to budget lines, per
person, constant prices, the debt path, the split by supplier) is a call into
``spendcalc.core.budget``. This module lays the results out as tables (pandas), renders them with
``rich``; the trade-off chart is ``spendcalc.views.charts.tradeoff``'s.

Two measures of "extra" spending, both straight from the table:

- ``baseline``: spending above the scenario's baseline (2 % of GDP) —
  ``extra_over_baseline_usd_bn``;
- ``base-share``: spending above the member's base-year share of GDP, i.e. money not yet in
  today's budgets — ``increase_over_base_share_usd_bn``. The debt path and any cut always
  use this one: spending up to the base-year share is already in the IMF's debt projection.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
from rich import box
from rich.table import Table
from rich.text import Text

from spendcalc.core import budget
from spendcalc.evidence.checks import NotCheckable
from spendcalc.evidence.claims import VERDICT_WORDS
from spendcalc.evidence.moneyflow import MoneyFlow
from spendcalc.evidence.selection import FINANCED, MEASURES, Measure, check_measure
from spendcalc.evidence.tradeoff import Tradeoff
from spendcalc.io.fiscal_data import (
    BUDGET_LINES,
    LINE_LABELS,
)
from spendcalc.views.format import count, missing, money, pct, percent, points

if TYPE_CHECKING:
    from rich.console import RenderableType

    from spendcalc.core.models import Scenario
    from spendcalc.evidence.claims import ClaimResult



# --------------------------------------------------------------------------- rendering

def _notes(notes: list[str]) -> Text:
    return Text("\n".join(f"• {n}" for n in notes), style="dim")


def _sources(sources: list[str]) -> Text:
    return Text("Sources: " + "; ".join(sources) + ".", style="dim")


def _span(scenario: Scenario, year: int) -> str:
    return f"{scenario.base_year + 1}–{year}"


def _table(title: str, caption: str | None = None) -> Table:
    return Table(title=title, caption=caption, box=box.SIMPLE_HEAD, header_style="bold",
                 title_justify="left", caption_justify="left")


def tradeoff_renderables(tr: Tradeoff, measure: str = "baseline") -> list[RenderableType]:
    """What ``spendcalc tradeoff`` prints: a member's card or a group's tables, then notes."""
    if tr.selection.member is not None:
        out: list[RenderableType] = [_member_card(tr), _financing_table(tr)]
    else:
        m = check_measure(measure)
        out = [_group_table(tr, m), _group_debt_table(tr)]
    return [*out, _notes(tr.notes), _sources(tr.sources)]


def _member_card(tr: Tradeoff) -> Table:
    s, y = tr.scenario, tr.year
    row = tr.summary.iloc[0]
    span = _span(s, y)
    table = _table(f"{row['member']} ({row['iso3']}), {s.name}: the extra defence spending "
                   "in context",
                   caption="Line: the budget line in % of GDP (latest year in fiscal.csv).")
    table.add_column("", no_wrap=True)
    table.add_column("Line,\n% GDP", justify="right", no_wrap=True)
    keys = list(MEASURES.values())
    headers = {"baseline": f"Above\n{s.baseline_pct:g}% of GDP",
               "base-share": f"Above\n{s.base_year} share"}
    for m in keys:
        table.add_column(headers[m.key], justify="right", no_wrap=True)

    def add(label: str, fmt: Any, col: str, line: str = "") -> None:
        table.add_row(label, line, *[fmt(row[col.format(p=m.prefix)]) for m in keys])

    def head(text: str) -> None:
        table.add_row(Text(text, style="italic"))

    head("USD bn")
    add(f"  {y}", money, "{p}_usd_bn")
    add(f"  {span}", money, "cum_{p}_usd_bn")
    head(f"USD bn at {s.base_year} prices")
    add(f"  {y}", money, "{p}_usd_bn_const")
    add(f"  {span}", money, "cum_{p}_usd_bn_const")
    head("USD per person")
    add(f"  {y}", count, "{p}_usd_per_person")
    add(f"  {span}", count, "cum_{p}_usd_per_person")
    code = row.get("currency")
    if isinstance(code, str) and code and code != "USD":  # --currency: the same in its money
        table.add_section()
        head(f"{code} bn")
        add(f"  {y}", money, "{p}_lcu_bn")
        add(f"  {span}", money, "cum_{p}_lcu_bn")
        head(f"{code} bn at {s.base_year} prices ({code} inflation)")
        add(f"  {y}", money, "{p}_lcu_bn_const")
        add(f"  {span}", money, "cum_{p}_lcu_bn_const")
        head(f"{code} per person")
        add(f"  {y}", count, "{p}_lcu_per_person")
        add(f"  {span}", count, "cum_{p}_lcu_per_person")
    table.add_section()
    head(f"% of public spending, {y}")
    for ln in BUDGET_LINES:
        add(f"  {CARD_LINE[ln]}", percent, "{p}_pct_" + ln, _line_info(row, ln))
    head(f"% of public spending, {span}")
    for ln in BUDGET_LINES:
        add(f"  {CARD_LINE[ln]}", percent, "cum_{p}_pct_" + ln)
    return table


CARD_LINE = {"health": "health", "education": "education",
             "social_protection": "social protection", "gov_expenditure": "everything (total)"}


def _line_info(row: Any, ln: str) -> str:
    if missing(row[f"{ln}_pct_gdp"]):
        return "no data"
    return f"{pct(row[f'{ln}_pct_gdp'])} ({row[f'{ln}_year']})"


def _financing_table(tr: Tradeoff) -> Table:
    s, y = tr.scenario, tr.year
    fin = s.financing
    row = tr.summary.iloc[0]
    yearly = tr.yearly[tr.yearly.iso3 == row["iso3"]]
    base = yearly[yearly.year == s.base_year].iloc[0]
    table = _table(f"Financing the increase over the {s.base_year} share: "
                   f"{fin.borrowed_pct:g}% borrowed at {fin.interest_rate_pct:g}% interest")
    table.add_column("")
    table.add_column(str(s.base_year), justify="right")
    table.add_column(str(y), justify="right")
    table.add_row("Gross debt without it, % of GDP", pct(base["debt_without_pct_gdp"]),
                  pct(row["debt_without_pct_gdp"]))
    table.add_row("Gross debt with it, % of GDP", pct(base["debt_with_pct_gdp"]),
                  pct(row["debt_with_pct_gdp"]))
    table.add_row("Debt added, USD bn", money(base["added_debt_usd_bn"]),
                  money(row["added_debt_usd_bn"]))
    if fin.borrowed_pct < 100:
        lines = [fin.cut_line] if fin.cut_line else list(BUDGET_LINES)
        table.add_section()
        table.add_row(f"Cut instead ({100 - fin.borrowed_pct:g}%), USD bn", "",
                      money(row["cut_usd_bn"]))
        for ln in lines:
            table.add_row(f"  as % of {LINE_LABELS[ln]}", "", percent(row[f"cut_pct_{ln}"]))
    return table


def _group_table(tr: Tradeoff, m: Measure) -> Table:
    s, y = tr.scenario, tr.year
    table = _table(f"{tr.selection.label}, {s.name}: spending {m.label(s)} in {y}",
                   caption=("USD bn at current prices; then as % of each member's public "
                            "spending on health, education, social protection and in total; "
                            "then USD per person."))
    table.add_column("Code")
    table.add_column("Member", no_wrap=True, max_width=16)
    table.add_column("USD bn", justify="right", no_wrap=True)
    for ln in BUDGET_LINES:
        table.add_column(SHORT_LINE[ln], justify="right", no_wrap=True)
    table.add_column("USD per\nperson", justify="right", no_wrap=True)
    for _, row in tr.summary.iterrows():
        if not row["armed_forces"]:
            table.add_row(row["iso3"], f"{row['member']}*", *["—"] * 6, style="dim")
            continue
        table.add_row(row["iso3"], row["member"], money(row[f"{m.prefix}_usd_bn"]),
                      *[percent(row[f"{m.prefix}_pct_{ln}"]) for ln in BUDGET_LINES],
                      count(row[f"{m.prefix}_usd_per_person"]))
    if tr.total is not None:
        t = tr.total
        table.add_section()
        table.add_row("", f"Total {y}", money(t[f"{m.prefix}_usd_bn"]),
                      *[percent(t[f"{m.prefix}_pct_{ln}"]) for ln in BUDGET_LINES],
                      count(t[f"{m.prefix}_usd_per_person"]), style="bold")
        table.add_row("", f"Sum {_span(s, y)}", money(t[f"cum_{m.prefix}_usd_bn"]),
                      *[percent(t[f"cum_{m.prefix}_pct_{ln}"]) for ln in BUDGET_LINES],
                      count(t[f"cum_{m.prefix}_usd_per_person"]))
    return table


SHORT_LINE = {"health": "Health", "education": "Educ.", "social_protection": "Social\nprot.",
              "gov_expenditure": "Total\nexp."}


def _group_debt_table(tr: Tradeoff) -> Table:
    s, y = tr.scenario, tr.year
    fin = s.financing
    table = _table(f"Gross debt in {y}, % of GDP, if the increase over the {s.base_year} "
                   f"share is {fin.borrowed_pct:g}% borrowed at {fin.interest_rate_pct:g}%",
                   caption=(f"Increase: spending above the {s.base_year} share, USD bn. "
                            "Without: IMF WEO Apr 2026. The total row weights members by GDP."))
    table.add_column("Code")
    table.add_column("Member", no_wrap=True, max_width=16)
    table.add_column(f"Increase\n{y}", justify="right", no_wrap=True)
    table.add_column(f"Increase\n{_span(s, y)}", justify="right", no_wrap=True)
    table.add_column("Debt\nwithout", justify="right", no_wrap=True)
    table.add_column("Debt\nwith", justify="right", no_wrap=True)
    table.add_column("Change,\npoints", justify="right", no_wrap=True)
    for _, row in tr.summary.iterrows():
        if not row["armed_forces"]:
            continue
        table.add_row(row["iso3"], row["member"], money(row[f"{FINANCED.prefix}_usd_bn"]),
                      money(row[f"cum_{FINANCED.prefix}_usd_bn"]),
                      pct(row["debt_without_pct_gdp"]), pct(row["debt_with_pct_gdp"]),
                      points(row["debt_with_pct_gdp"] - row["debt_without_pct_gdp"]))
    if tr.total is not None:
        t = tr.total
        table.add_section()
        table.add_row("", "Total", money(t[f"{FINANCED.prefix}_usd_bn"]),
                      money(t[f"cum_{FINANCED.prefix}_usd_bn"]),
                      pct(t["debt_without_pct_gdp"]), pct(t["debt_with_pct_gdp"]),
                      points(t["debt_with_pct_gdp"] - t["debt_without_pct_gdp"]),
                      style="bold")
    return table


def moneyflow_renderables(mf: MoneyFlow) -> list[RenderableType]:
    """What ``spendcalc moneyflow`` prints: per-member table, a summary sentence, notes."""
    s, y, m = mf.scenario, mf.year, mf.measure
    eq = s.equipment
    table = _table(
        f"{mf.selection.label}, {s.name}: where the spending {m.label(s)} would go, summed "
        f"over {_span(s, y)}",
        caption=(f"USD bn at current prices. Equipment = extra × equipment share; imported = "
                 f"equipment × {eq.imported_pct:g}%; US suppliers = imported × "
                 f"{eq.us_share_of_imports_pct:g}%."))
    table.add_column("Code")
    table.add_column("Member", no_wrap=True, max_width=16)
    table.add_column("Extra", justify="right", no_wrap=True)
    table.add_column("Equip.\nshare", justify="right")
    table.add_column("Equip-\nment", justify="right", no_wrap=True)
    table.add_column("Imported", justify="right", no_wrap=True)
    table.add_column("US\nsuppliers", justify="right", no_wrap=True)
    for _, row in mf.frame.iterrows():
        if not row["armed_forces"]:
            table.add_row(row["iso3"], f"{row['member']}*", *["—"] * 5, style="dim")
            continue
        domestic = row["iso3"] == "USA"
        table.add_row(row["iso3"], row["member"], money(row["cum_extra_usd_bn"]),
                      percent(row["equipment_share_pct"]), money(row["cum_equipment_usd_bn"]),
                      "domestic" if domestic else money(row["cum_imported_usd_bn"]),
                      "domestic" if domestic else money(row["cum_us_suppliers_usd_bn"]))
    t = mf.total
    if len(mf.selection.codes) > 1 and t["n_allies"] > 0:
        table.add_section()
        label = "Allies but US" if "USA" in mf.selection.codes else "Total"
        table.add_row("", label, money(t["cum_extra_usd_bn"]), "",
                      money(t["cum_equipment_usd_bn"]), money(t["cum_imported_usd_bn"]),
                      money(t["cum_us_suppliers_usd_bn"]), style="bold")
    return [table, Text(moneyflow_sentence(mf)), _notes(mf.notes), _sources(mf.sources)]


def moneyflow_sentence(mf: MoneyFlow) -> str:
    """The totals in one plain sentence (allies other than the US)."""
    s, y, m, t = mf.scenario, mf.year, mf.measure, mf.total
    eq = s.equipment
    if t["n_allies"] == 0:
        return ("The United States buys its equipment from its own industry: none of it is "
                "an import, so there is nothing to split by supplier.")
    who = mf.selection.label
    if "USA" in mf.selection.codes:
        who = f"{who} without the United States"
    extra = t["cum_extra_usd_bn"]
    share = budget.percent_of(t["cum_us_suppliers_usd_bn"], extra)
    reading = "at most " if eq.imported_pct >= 100 else ""
    return (f"{who}: of USD {money(extra)} bn spent {m.label(s)} over {_span(s, y)} "
            f"(USD {money(t['extra_usd_bn'])} bn in {y}), USD "
            f"{money(t['cum_equipment_usd_bn'])} bn would go to major equipment at the "
            f"assumed equipment shares, and {reading}USD {money(t['cum_us_suppliers_usd_bn'])}"
            f" bn ({percent(share)} of the extra) to US suppliers if {eq.imported_pct:g}% of "
            f"equipment is imported and {eq.us_share_of_imports_pct:g}% of imports come from "
            "the US.")


# --------------------------------------------------------------------------- claims

VERDICT_STYLE = {"consistent": "green", "inconsistent": "red", "not_checkable": "yellow",
                 "mixed": "magenta"}


def claims_renderables(results: list[ClaimResult], *,
                       detail: bool = False) -> list[RenderableType]:
    """One block per claim, then (for several claims) a summary."""
    out: list[RenderableType] = []
    for r in results:
        out.extend(_claim_block(r, detail=detail))
    if len(results) > 1:
        out.append(_claims_summary(results))
    return out


def _outcome_lines(outcomes: Any, dim: bool = False) -> list[RenderableType]:
    """Per source: '• KEY (edition): verdict', then the numbers, indented."""
    from rich.padding import Padding

    from spendcalc.evidence.claims import VINTAGE_LABELS

    out: list[RenderableType] = []
    for o in outcomes:
        line = Text("  • ")
        line.append(o.key, style="bold" if not dim else "dim bold")
        if o.key in VINTAGE_LABELS:
            line.append(f" ({VINTAGE_LABELS[o.key]})", style="dim")
        line.append(": ")
        line.append(VERDICT_WORDS[o.verdict], style="dim" if dim else VERDICT_STYLE[o.verdict])
        out.append(line)
        out.append(Padding(Text(o.detail, style="dim" if dim else ""), (0, 0, 0, 4)))
    return out


def _claim_block(r: ClaimResult, *, detail: bool) -> list[RenderableType]:
    from spendcalc.evidence.claims import stated_text

    c = r.claim
    head = Text()
    head.append(c.id, style="bold")
    head.append(f"  ({c.document_title})", style="dim")
    verdict = r.verdict
    head.append("  ")
    head.append(VERDICT_WORDS[verdict].upper(), style=f"bold {VERDICT_STYLE[verdict]}")
    body = Text()
    body.append("Claimed: ", style="bold")
    body.append(c.claim)
    stated = stated_text(c.stated)
    if stated:
        body.append("\nFigures given: ", style="bold")
        body.append(stated)
    out: list[RenderableType] = [Text(""), head, body]
    if isinstance(c.check, NotCheckable):
        line = Text()
        line.append("Not checkable with the bundled data: ", style="bold")
        line.append(c.check.reason)
        out.append(line)
    else:
        line = Text()
        line.append("What the data say: ", style="bold")
        line.append(r.check.description)
        out.append(line)
        out.extend(_outcome_lines(r.check.outcomes))
        if r.vintages_disagree:
            groups: dict[str, list[str]] = {}
            for o in r.check.outcomes:
                groups.setdefault(VERDICT_WORDS[o.verdict], []).append(o.key)
            out.append(Text("The editions disagree: " + "; ".join(
                f"{v} with {', '.join(keys)}" for v, keys in groups.items()) + ".",
                style="magenta"))
    for res in r.context:
        line = Text()
        line.append("For information (does not set the verdict): ", style="dim bold")
        line.append(res.description, style="dim")
        out.append(line)
        out.extend(_outcome_lines(res.outcomes, dim=True))
    if detail:
        line = Text()
        line.append("Hand check (seeds/claims.toml): ", style="bold")
        line.append(c.hand_check)
        out.append(line)
        hand = ", ".join(f"{k}: {v.replace('_', ' ')}" for k, v in c.expected_verdict.items())
        out.append(Text(f"Hand-computed verdicts: {hand}.", style="dim"))
    return out


def _claims_summary(results: list[ClaimResult]) -> Text:
    checkable = [r for r in results if r.claim.check.kind != "not_checkable"]
    by: dict[str, list[str]] = {}
    for r in checkable:
        by.setdefault(r.verdict, []).append(r.claim.id)
    n_not = len(results) - len(checkable)
    parts = []
    for verdict in ("consistent", "inconsistent", "not_checkable", "mixed"):
        ids = by.get(verdict, [])
        if not ids:
            continue
        label = {"consistent": "consistent with every source read",
                 "inconsistent": "inconsistent with every source read",
                 "not_checkable": "not checkable (data incomplete)",
                 "mixed": "depends on the edition" if len(ids) == 1
                 else "depend on the edition"}[verdict]
        named = f" ({', '.join(ids)})" if verdict != "consistent" else ""
        parts.append(f"{len(ids)} {label}{named}")
    text = Text("\n")
    text.append(f"{len(results)} claims. ", style="bold")
    text.append(f"{len(checkable)} have a check against the data"
                + (": " + "; ".join(parts) if parts else "") + ".")
    if n_not:
        text.append(f" {n_not} are not checkable with the bundled data (opinions, events, or "
                    "facts the data do not hold).")
    return text


# --------------------------------------------------------------------------- exports

def _export(path: Any, first: pd.DataFrame, doc: dict[str, Any], meta: dict[str, Any], *,
            force: bool, dialect: str = "standard") -> list[Any]:
    """Write ``first`` as CSV (+ ``.meta.json``) or ``doc`` as JSON, all or nothing."""
    from pathlib import Path

    from spendcalc.io import outputs

    path = Path(path)
    outputs.check_output(path, force=force)
    if path.suffix.lower() == ".csv":
        rendered = outputs.csv_files({"table": first}, meta, dialect)
    else:
        rendered = {"": outputs.json_bytes(doc)}
    return list(outputs.write_rendered(path, rendered, force=force))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    import json

    out: list[dict[str, Any]] = json.loads(frame.to_json(orient="records",
                                                         double_precision=10))
    return out


def _clean(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in obj.items()}


def _export_meta(meta: dict[str, Any], scenario: Scenario, year: int, what: str,
                 notes: list[str], sources: list[str]) -> dict[str, Any]:
    return {**meta, "view": what, "year": year,
            "financing": scenario.financing.model_dump(mode="json"),
            "equipment": scenario.equipment.model_dump(mode="json"),
            "notes": notes, "view_sources": sources,
            "units": "money in billions of current US dollars (_const: constant base-year "
                     "dollars); *_pct_<line>: percent of that budget line; *_per_person: US "
                     "dollars; debt in percent of GDP; cum_*: summed over the years after the "
                     "base year up to 'year'"}


def write_tradeoff(tr: Tradeoff, path: Any, *, force: bool = False,
                   dialect: str = "standard") -> list[Any]:
    """CSV: one row per member for the chosen year; JSON: meta, summary, total, yearly."""
    meta = _export_meta(tr.meta, tr.scenario, tr.year, "tradeoff", tr.notes, tr.sources)
    doc = {"meta": meta, "summary": _records(tr.summary),
           "total": _clean(tr.total) if tr.total else None, "yearly": _records(tr.yearly)}
    return _export(path, tr.summary, doc, meta, force=force, dialect=dialect)


def write_moneyflow(mf: MoneyFlow, path: Any, *, force: bool = False,
                    dialect: str = "standard") -> list[Any]:
    """CSV: one row per member; JSON: meta, members, total."""
    meta = _export_meta({}, mf.scenario, mf.year, f"moneyflow ({mf.measure.key})", mf.notes,
                        mf.sources)
    doc = {"meta": meta, "members": _records(mf.frame), "total": _clean(mf.total)}
    return _export(path, mf.frame, doc, meta, force=force, dialect=dialect)

"""Commands for evidence and teaching: claims, tradeoff, moneyflow, explain.

Parse, call, print; no arithmetic here. Kept import-light: numpy, pandas, pydantic and
matplotlib load inside the commands, so ``spendcalc --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from spendcalc.cli.options import (
    ChartOption,
    CsvDialectOption,
    CurrencyOption,
    DataChoice,
    EvidenceOutputOption,
    ForceOption,
    GroupOption,
    MemberOption,
    MoneyflowGroupOption,
    RequiredMemberOption,
    ScenarioArg,
    SetOption,
    YearOption,
)

if TYPE_CHECKING:
    from rich.console import Console

    from spendcalc.evidence.claims import ClaimResult, Evidence

CLAIMS_HELP = """Test the source documents' claims against the bundled data.

For each claim (seeds/claims.toml): what is claimed, what the data say for each NATO edition
(or other source) the check reads, and a verdict per edition: consistent, inconsistent or
not checkable with the bundled data, with the numbers behind it. Opinions and events without
a figure are listed as not checkable, with the reason. See docs/evidence.md.
"""

TRADEOFF_HELP = """Put the extra defence spending in terms of public budgets.

For one member (--member) or a group (--group; default every member): the spending above 2%
of GDP and above the base-year share, in the chosen year and summed, as a share of public
spending on health, education, social protection and in total; per person; at constant
prices; and the debt ratio if the new money is borrowed ([financing] in the scenario:
--set financing.interest_rate_pct=4, financing.borrowed_pct=50, financing.cut_line=health).
"""

MONEYFLOW_HELP = """Where the extra money would go: major equipment, imports, US suppliers.

Per member and in total, summed from the year after the base year to --year, under the
scenario's [equipment] assumptions (--set equipment.imported_pct=40,
equipment.us_share_of_imports_pct=64, equipment.share_pct=20). The default treats all
equipment as imported: an upper bound on money to US suppliers.
"""

MeasureOption = Annotated[str, typer.Option(
    "--measure", help="Which extra spending the group tables use: baseline (above 2% of GDP) "
                      "or base-share (above the base-year share: new money).")]

EXPLAIN_HELP = """Walk through one member's projection in plain sentences.

Where it starts (base-year share and source), the target and any exemption or milestone,
the path year by year, the GDP growth assumption, the resulting spending, and the gaps to
2% and to the target. Every number is the projection table's.
"""


def show(console: Console, item: Any) -> None:
    """Print one renderable; tables fit the terminal's width without cutting a number."""
    from spendcalc.views.terminal import show as fit_and_print

    fit_and_print(console, item)


def _console() -> Console:
    from rich.console import Console

    return Console()


def _load(scenario: str, sets: list[str] | None, data: DataChoice) -> Any:
    from spendcalc.cli import options as cli_options
    from spendcalc.core.result import compute

    return compute(cli_options.load(scenario, sets, data.dataset), data.dataset)


def _check_output(output: Path | None, force: bool, dialect: str | None = None) -> None:
    if output is not None:
        from spendcalc.io.outputs import check_output

        check_output(output, force=force, dialect=dialect)


def register(app: typer.Typer) -> None:
    """Add the evidence commands to ``app``."""
    from spendcalc.cli.options import guarded

    app.command("claims", help=CLAIMS_HELP)(guarded(claims))
    app.command("tradeoff", help=TRADEOFF_HELP)(guarded(tradeoff))
    app.command("moneyflow", help=MONEYFLOW_HELP)(guarded(moneyflow))
    app.command("explain", help=EXPLAIN_HELP)(guarded(explain))


def claims(
    claim_id: Annotated[str | None, typer.Option(
        "--id", help="Only this claim (its id, e.g. allies-below-2pct-2024).")] = None,
    checkable: Annotated[bool, typer.Option(
        "--checkable", help="Only claims with a check against the data (hide opinions "
                            "and events).")] = False,
    output: EvidenceOutputOption = None,
    force: ForceOption = False,
    csv_dialect: CsvDialectOption = None,
    *, data: DataChoice,
) -> None:
    """Test the source documents' claims against the bundled data."""
    from spendcalc.evidence import claims
    from spendcalc.views import evidence as evidence_views

    _check_output(output, force, csv_dialect)
    all_claims = claims.load_claims()
    chosen = (claims.find_claim(claim_id, all_claims),) if claim_id else all_claims
    if checkable:
        chosen = tuple(c for c in chosen if c.check.kind != "not_checkable")
    evidence = claims.load_evidence(data.dataset)
    results = claims.check_all(chosen, evidence)
    console = _console()
    for item in evidence_views.claims_renderables(results, detail=claim_id is not None):
        show(console, item)
    if output is not None:
        for path in _write_claims(output, results, evidence, force,
                                  csv_dialect or "standard"):
            print(f"wrote {path}")


def tradeoff(
    scenario: ScenarioArg = "hague-2035",
    member: MemberOption = None,
    group: GroupOption = None,
    year: YearOption = None,
    measure: MeasureOption = "baseline",
    chart: ChartOption = None,
    output: EvidenceOutputOption = None,
    force: ForceOption = False,
    csv_dialect: CsvDialectOption = None,
    sets: SetOption = None,
    currency: CurrencyOption = None,
    *, data: DataChoice,
) -> None:
    """Put the extra defence spending in terms of public budgets."""
    from spendcalc.evidence.selection import check_measure
    from spendcalc.evidence.tradeoff import tradeoff, with_currency
    from spendcalc.views import evidence as ev

    check_measure(measure)
    if chart is not None:
        from spendcalc.views import charts as plots

        plots.check_output(chart, force=force)
    _check_output(output, force, csv_dialect)
    result = _load(scenario, sets, data)
    if currency is not None:
        result = result.in_currency(currency)
    tr = with_currency(tradeoff(result, member, group, year), result)
    console = _console()
    for item in ev.tradeoff_renderables(tr, measure):
        show(console, item)
    if output is not None:
        for path in ev.write_tradeoff(tr, output, force=force,
                                          dialect=csv_dialect or "standard"):
            print(f"wrote {path}")
    if chart is not None:
        plots.save(plots.tradeoff_figure(result, measure=measure, tradeoff_data=tr),
                   chart, force=force)
        print(f"wrote {chart}")


def moneyflow(
    scenario: ScenarioArg = "hague-2035",
    member: MemberOption = None,
    group: MoneyflowGroupOption = None,
    year: YearOption = None,
    measure: MeasureOption = "baseline",
    output: EvidenceOutputOption = None,
    force: ForceOption = False,
    csv_dialect: CsvDialectOption = None,
    sets: SetOption = None,
    *, data: DataChoice,
) -> None:
    """Where the extra money would go: major equipment, imports, US suppliers."""
    from spendcalc.evidence.moneyflow import moneyflow
    from spendcalc.evidence.selection import check_measure
    from spendcalc.views import evidence as ev

    check_measure(measure)
    _check_output(output, force, csv_dialect)
    result = _load(scenario, sets, data)
    if member is None and group is None:
        group = "european-allies"
    mf = moneyflow(result, member, group, year, measure)
    console = _console()
    for item in ev.moneyflow_renderables(mf):
        show(console, item)
    if output is not None:
        for path in ev.write_moneyflow(mf, output, force=force,
                                           dialect=csv_dialect or "standard"):
            print(f"wrote {path}")


def explain(
    scenario: ScenarioArg = "hague-2035",
    member: RequiredMemberOption = "",
    year: YearOption = None,
    sets: SetOption = None,
    currency: CurrencyOption = None,
    *, data: DataChoice,
) -> None:
    """Walk through one member's projection in plain sentences."""
    from spendcalc.evidence import explain
    from spendcalc.evidence.selection import OptionError

    if not member:
        raise OptionError("--member is required, e.g. spendcalc explain --member DEU")
    result = _load(scenario, sets, data)
    # The ally's own money by default, where the edition has NATO's rates.
    default = "local" if data.dataset.usd_rates is not None else "USD"
    result = result.in_currency(currency or default)
    ex = explain.explain(result, member, year)
    console = _console()
    for item in explain.renderables(ex, result.scenario.baseline_pct):
        show(console, item)


def _write_claims(output: Path, results: list[ClaimResult], evidence: Evidence,
                  force: bool, dialect: str = "standard") -> list[Path]:
    from spendcalc.evidence import claims
    from spendcalc.io.outputs import check_output, records_csv, write_files_atomic

    check_output(output, force=force)
    meta = claims.metadata(evidence)
    files: dict[Path, bytes] = {}
    if output.suffix.lower() == ".csv":
        rows = claims.records(results)
        files[output] = records_csv(rows, list(rows[0]) if rows else ["claim_id"], dialect)
        files[Path(f"{output}.meta.json")] = _dumps({**meta, "csv_dialect": dialect})
    else:
        files[output] = _dumps(claims.document(results, meta))
    write_files_atomic(files, force=force)
    return list(files)


def _dumps(doc: object) -> bytes:
    import json

    return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()

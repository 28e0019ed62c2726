"""``spendcalc literature``: published estimates of the Hague target, reproduced.

Parse, call, print; no arithmetic here. Kept import-light: numpy, pandas, pydantic and
matplotlib load inside the command, so ``spendcalc --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spendcalc.cli.options import (
    ChartOption,
    CsvDialectOption,
    DataChoice,
    ForceOption,
    LiteratureOutputOption,
)
from spendcalc.core.errors import SpendcalcError

if TYPE_CHECKING:
    from spendcalc.evidence.literature import Reproduction

LITERATURE_HELP = """Published costings of NATO's 5% target, each reproduced by spendcalc.

Every estimate in scenarios/published/ carries its source (author, title, date, URL, the
figure as published) and its stated assumptions as a scenario. spendcalc computes the same
figure under those assumptions and compares the two in the source's own currency
(spendcalc's exchange-rate model), or as the source's own ratio or percent of GDP, within a
tolerance set by the source's own rounding. Verdicts: reproduced, differs (with the
reason), not reproducible.
--explain (with --id) walks one estimate from spendcalc's default scenario to its own
assumptions, one driver at a time. Each estimate runs on the data edition it names.
"""

def register(app: typer.Typer) -> None:
    """Add the literature command to ``app``."""
    from spendcalc.cli.options import guarded

    app.command("literature", help=LITERATURE_HELP)(guarded(literature))


def literature(
    estimate_id: Annotated[str | None, typer.Option(
        "--id", help="Only this estimate (its id, e.g. ifs-uk-2025-06).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the records as JSON instead of the table.")] = False,
    explain: Annotated[bool, typer.Option(
        "--explain", help="With --id: the drivers of the difference from spendcalc's "
                          "default scenario, one at a time.")] = False,
    output: LiteratureOutputOption = None,
    chart: ChartOption = None,
    force: ForceOption = False,
    csv_dialect: CsvDialectOption = None,
    *, data: DataChoice,
) -> None:
    """Published costings of NATO's 5% target, each reproduced by spendcalc."""
    if data.edition is not None:
        raise SpendcalcError("literature: --edition: each estimate runs on the data edition "
                             "its file names; leave --edition out")
    if explain and estimate_id is None:
        raise SpendcalcError("literature: --explain needs --id (one estimate)")
    if output is not None:
        from spendcalc.io.outputs import check_output

        check_output(output, force=force, formats=(".json", ".csv"), dialect=csv_dialect)
    if chart is not None:
        from spendcalc.views import charts as plots

        plots.check_output(chart, force=force)
    from spendcalc.evidence import literature as lit
    from spendcalc.views import literature as views

    estimates = lit.load_estimates()
    if estimate_id is not None:
        estimates = [lit.find_estimate(estimate_id, estimates)]
    reps = lit.reproduce_all(estimates, data.directory)
    records = views.records(reps)
    if as_json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        _print(reps, detail=estimate_id is not None)
    if explain:
        _explain(reps[0], data.directory)
    if output is not None:
        _write(output, records, force, csv_dialect or "standard")
        print(f"wrote {output}")
    if chart is not None:
        from spendcalc.views.charts.kit import save
        from spendcalc.views.charts.literature import literature_figure

        save(literature_figure(reps), chart, force=force)
        print(f"wrote {chart}")


def _print(reps: list[Reproduction], *, detail: bool) -> None:
    from rich.console import Console

    from spendcalc.views import literature as v
    from spendcalc.views.terminal import show

    console = Console()
    if detail:
        for line in v.detail(reps[0]):
            console.print(line)
    show(console, *v.tables(reps))


def _explain(rep: Reproduction, directory: Path | None) -> None:
    from rich.console import Console

    from spendcalc.evidence import literature as lit
    from spendcalc.views import literature as v
    from spendcalc.views.terminal import show

    show(Console(), v.explain_table(rep, lit.explain(rep.estimate, directory)))


def _write(path: Path, records: list[dict[str, object]], force: bool,
           dialect: str = "standard") -> None:
    from spendcalc.io.outputs import json_bytes, records_csv, write_atomic
    from spendcalc.views.literature import CSV_FIELDS

    if path.suffix.lower() == ".json":
        write_atomic(path, json_bytes(records), force=force)
    else:
        write_atomic(path, records_csv(records, CSV_FIELDS, dialect), force=force)

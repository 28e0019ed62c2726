"""The ``spendcalc report`` command: one self-contained HTML page of one or more scenarios.

Parse, call ``spendcalc.views.report``, write. Import-light: numpy, pandas and matplotlib load only
when the command runs, so ``spendcalc --help`` stays fast.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spendcalc.cli.options import (
    CurrencyOption,
    DataChoice,
    ForceOption,
    ReportOutputOption,
    SetOption,
)

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset

HELP = """Write a self-contained HTML report of one or more scenarios.

One file with everything inside (charts as SVG, no network needed; email it, or open it in
class): the gap chart, the paths of the largest allies and of those furthest below their
target, the group and per-member tables (click a heading to sort), the assumptions in words,
the claims check and the data sources and vintage. Several scenarios add a comparison.
Prints well (File > Print, or Save as PDF).

SCENARIO is a ready scenario's name (default hague-2035) or a .toml file. The file is
report-SCENARIO.html (report-A-vs-B.html for several) unless -o says otherwise; it is never
overwritten without --force. Set SOURCE_DATE_EPOCH to fix the creation date (identical bytes).
Money is in USD bn unless --currency says otherwise: a code (EUR, GBP, ...) for every table
and chart, or local for each ally's own currency in the table of allies.

Examples: spendcalc report; spendcalc report hague-2035 rutte-2032 -o cmp.html;
spendcalc report --set target.year=2032 -o 2032.html. See docs/report.md.
"""


def register(app: typer.Typer) -> None:
    """Add the report command to ``app``."""
    from spendcalc.cli.options import guarded

    @app.command("report", help=HELP)
    @guarded
    def report(
        scenarios: Annotated[list[str] | None, typer.Argument(
            metavar="[SCENARIO]...",
            help="Ready scenario names or .toml files (default: hague-2035); several add a "
                 "comparison.", show_default=False)] = None,
        output: ReportOutputOption = None,
        force: ForceOption = False,
        sets: SetOption = None,
        currency: CurrencyOption = None,
        *, data: DataChoice,
    ) -> None:
        """Write a self-contained HTML report of one or more scenarios."""
        names = scenarios or []
        command = command_line(names, output=output, force=force, sets=sets,
                               currency=currency, data_options=data.typed)
        run_report(names, output=output, force=force, sets=sets, data=data.dataset,
                   command=command, currency=currency)


def command_line(names: list[str], *, output: Path | None = None, force: bool = False,
                 sets: list[str] | None = None, currency: str | None = None,
                 data_options: tuple[str, ...] = ()) -> str:
    """The report command as typed (scenarios, -o, --force, --set, --currency, --data,
    --edition), each word shell-quoted: pasted into a shell it makes the same report."""
    words = ["spendcalc", "report", *names]
    if output is not None:
        words += ["-o", str(output)]
    if force:
        words.append("--force")
    for item in sets or ():
        words += ["--set", item]
    if currency is not None:
        words += ["--currency", currency]
    words += data_options
    return shlex.join(words)


def run_report(names: list[str], *, output: Path | None, force: bool,
               sets: list[str] | None, data: Dataset, command: str | None = None,
               currency: str | None = None) -> Path:
    """The report command's body: check the output, load, compute, build, write, print.
    ``command`` is the Command line the report shows (default: scenarios and --set)."""
    from spendcalc.io.scenarios import DEFAULT_SCENARIO
    from spendcalc.views import report

    if output is not None:
        report.check_output(output, force=force)  # suffix, folder, exists: before any work
    from spendcalc.cli import options as cli_options
    from spendcalc.core.result import compute

    names = names or [DEFAULT_SCENARIO]
    scenarios = [cli_options.load(name, sets, data) for name in names]
    path = output if output is not None else report.default_output([s.name for s in scenarios])
    report.check_output(path, force=force)
    results = [compute(s, data) for s in scenarios]
    if currency is not None:  # the tables and charts then read the converted money
        results = [r.in_currency(currency) for r in results]
    if command is None:
        command = command_line(names, sets=sets, currency=currency)
    content = report.build(results, command=command)
    report.write(content, path, force=force)
    print(f"wrote {path} ({len(content.encode('utf-8')) / 1024:,.0f} KB): open it in a browser")
    return path

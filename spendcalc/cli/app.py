"""The ``spendcalc`` command line: parse, call, print. No arithmetic here.

Heavy libraries (numpy, pandas, pydantic, matplotlib) are imported inside the commands that
need them, so ``spendcalc --help`` starts instantly.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from spendcalc.cli import data as data_cli
from spendcalc.cli import evidence as evidence_cli
from spendcalc.cli import options as cli_options
from spendcalc.cli import plot as plot_cli
from spendcalc.cli import report as report_cli
from spendcalc.cli import whatif as whatif_cli
from spendcalc.cli.options import ForceOption, RunOutputOption, ScenarioArg, SetOption, guarded
from spendcalc.core.errors import SpendcalcError
from spendcalc.core.version import __version__

app = typer.Typer(
    name="spendcalc",
    help="NATO defence-spending scenarios: the Hague 5% target, country by country, "
         "year by year, against the old 2% baseline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich's help renderer costs ~80 ms
)


def _console() -> Any:
    from rich.console import Console

    return Console()


def _version(value: bool) -> None:
    if value:
        print(f"spendcalc {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """spendcalc: NATO defence-spending scenario calculator."""


@app.command()
@guarded
def run(
    scenario: ScenarioArg = "hague-2035",
    output: RunOutputOption = None,
    force: ForceOption = False,
    csv_dialect: cli_options.CsvDialectOption = None,
    sets: SetOption = None,
    from_meta: Annotated[Path | None, typer.Option(
        "--from-meta", metavar="FILE.meta.json",
        help="Re-run what made an export (its .meta.json sidecar, or a .json export) and say "
             "whether the result is identical; exit 1 if it differs.")] = None,
    currency: cli_options.CurrencyOption = None,
    fiscal_year: cli_options.FiscalYearOption = False,
    *, data: cli_options.DataChoice,
) -> None:
    """Project a scenario; print per-member and aggregate gaps."""
    from spendcalc.core.result import compute
    from spendcalc.io import outputs
    from spendcalc.views import terminal

    if output is not None:
        outputs.check_output(output, force=force, formats=outputs.FORMATS, dialect=csv_dialect)
    rerun = None
    if from_meta is not None:
        from spendcalc.io import provenance

        if sets or scenario != "hague-2035":
            raise SpendcalcError("--from-meta re-runs the scenario its file records; "
                                 "give no SCENARIO or --set with it")
        rerun = provenance.rerun(from_meta, data.dataset)
        result = rerun.result
    else:
        result = compute(cli_options.load(scenario, sets, data.dataset), data.dataset)
    if currency is not None:
        result = result.in_currency(currency)
    if fiscal_year and rerun is None:  # a re-run applies what its meta records
        result = result.by_fiscal_year()
    terminal.run_summary(result, _console())
    if output is not None:
        for path in outputs.write_result(result, output, force=force,
                                         dialect=csv_dialect or (rerun and rerun.csv_dialect)
                                         or outputs.DEFAULT_CSV_DIALECT):
            print(f"wrote {path}")
    if rerun is not None:
        print(rerun.message)
        if rerun.identical is False:
            raise typer.Exit(1)


@app.command()
@guarded
def members(
    years: Annotated[int, typer.Option(min=1, max=12, help="How many recent years to show.")]
    = 3,
    *, data: cli_options.DataChoice,
) -> None:
    """Show the bundled data: shares of GDP, GDP, sources, vintage."""
    from spendcalc.views import terminal

    _console().print(terminal.members_table(data.dataset, years))


@app.command()
@guarded
def scenarios() -> None:
    """List the ready scenarios with one-line descriptions."""
    from spendcalc.io.scenarios import ready_scenarios
    from spendcalc.views import terminal

    _console().print(terminal.scenarios_table(ready_scenarios()))


@app.command()
@guarded
def validate(
    file: Annotated[Path, typer.Argument(help="The scenario file to check.")],
    *, data: cli_options.DataChoice,
) -> None:
    """Check a scenario file: 'ok' or exactly what is wrong (exit 2)."""
    from spendcalc.io.scenarios import load_scenario

    scenario = load_scenario(file, data.dataset)
    print(f"ok: {file} ({scenario.name})")


whatif_cli.register(app)
plot_cli.register(app)
evidence_cli.register(app)
report_cli.register(app)
from spendcalc.cli import explore as explore_cli  # noqa: E402

explore_cli.register(app)
data_cli.register(app)
from spendcalc.cli import literature as literature_cli  # noqa: E402

literature_cli.register(app)


def main() -> None:
    """The console script: usage errors too become one line on stderr and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        print("aborted", file=sys.stderr)
        sys.exit(1)
    except typer.TyperException as exc:  # click's usage errors, as vendored by typer
        message = exc.format_message()
        if type(exc).__name__ == "NoArgsIsHelpError":
            print(message)
            sys.exit(0)
        print(f"error: {' '.join(message.split())}", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 2))
    sys.exit(code if isinstance(code, int) else 0)

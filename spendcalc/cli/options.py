"""What every command shares: the ``guarded`` wrapper (one-line errors, ``--data``) and the
options declared once for all commands.

Kept free of heavy imports: command modules import it at start-up.
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from spendcalc.core.errors import SpendcalcError

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario

ScenarioArg = Annotated[
    str,
    typer.Argument(help="A ready scenario's name (see 'spendcalc scenarios') or a .toml file."),
]

DataOption = Annotated[
    str | None,  # text, not Path: typer turns '' into '.', the current folder
    typer.Option("--data", metavar="DIR",
                 help="Your own data folder: its files replace the bundled files of the same "
                      "name (see 'spendcalc data template')."),
]

EditionOption = Annotated[
    str | None,
    typer.Option("--edition", metavar="NAME",
                 help="The data edition: nato-2026 (default) or nato-2025 (see 'spendcalc data "
                      "editions'). Default: the scenario's 'edition', else nato-2026."),
]

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="KEY=VALUE",
                 help="Change one scenario field, e.g. target.year=2032 or exemptions.ESP=none "
                      "(repeatable; validated like the file)."),
]

# Shared options, declared once. One alias per meaning: the same flag means different things
# to different commands (what -o writes, which group), so each meaning has its own help text.

TablesOutputOption = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Write the tables: .csv (with a .meta.json sidecar), .json, .xlsx "
                           "or .parquet (needs pyarrow).")]
"""``-o`` for compare, sweep, sensitivity and simulate (``io.outputs.write_tables``)."""

RunOutputOption = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Write the full projection: .csv (with a .meta.json sidecar), "
                           ".json, .xlsx or .parquet (needs pyarrow).")]

EvidenceOutputOption = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Also write the results: .csv (with a .meta.json sidecar) or .json.")]
"""``-o`` for claims, tradeoff and moneyflow."""

PlotOutputOption = Annotated[Path | None, typer.Option(
    "-o", "--output", help="The file to write: .png, .svg or .pdf "
                           "(default: KIND-SCENARIO.png here).")]

ReportOutputOption = Annotated[Path | None, typer.Option(
    "-o", "--output", help="The .html file to write (default: report-SCENARIO.html here).")]

ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite existing output files.")]

CsvDialectOption = Annotated[str | None, typer.Option(
    "--csv-dialect", metavar="standard|excel|excel-eu",
    help="How a .csv is spelled: standard (UTF-8, comma, dot decimals; for data tools; the "
         "default), excel (UTF-8 with BOM, comma, dot, CRLF), excel-eu (UTF-8 with BOM, "
         "semicolon, decimal comma, CRLF; for spreadsheets with German/French number "
         "settings). See docs/exports.md.")]
"""``--csv-dialect`` for every command that writes CSV (``io.outputs.CSV_DIALECTS``)."""

FolderForceOption = Annotated[bool, typer.Option(
    "--force", help="Write into an existing folder, replacing files of the same name.")]
"""``--force`` for commands that write a data folder (data template, data import-nato)."""

FolderOutputOption = Annotated[Path, typer.Option(
    "-o", "--output", metavar="DIR", help="The data folder to write (made if missing).")]

ExplorerOutputOption = Annotated[Path, typer.Option(
    "-o", "--output", help="The .html file to write.")]

LiteratureOutputOption = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Also write the table: .json (the --json records) or .csv.")]

ForceLargeOption = Annotated[bool, typer.Option(
    "--force", help="Overwrite existing files; allow over 1,000,000 draws or variants.")]
"""``--force`` for sweep and simulate, where it also lifts the size limit."""

ChartOption = Annotated[Path | None, typer.Option(
    "--chart", help="Also draw the chart: .png, .svg or .pdf.")]

MetricOption = Annotated[str, typer.Option(
    "--metric", help="An aggregate column in the horizon year, e.g. total_usd_bn, total_pct.")]

MetricGroupOption = Annotated[str, typer.Option(
    "--group", help="The group the metric is summed over (data/groups.toml).")]

GroupOption = Annotated[str | None, typer.Option(
    "--group", help="A named group: nato, european-allies, eu, eastern-flank, nordic-baltic, "
                    "southern, g7 (data/groups.toml). Default: every member in the scenario.")]
"""``--group`` choosing whom a view covers (tradeoff)."""

MoneyflowGroupOption = Annotated[str | None, typer.Option(
    "--group", help="A named group (data/groups.toml). Default: european-allies "
                    "(every ally but the US).")]

PlotGroupOption = Annotated[str | None, typer.Option(
    "--group", help="Only a named group: european-allies, eu, eastern-flank, nordic-baltic, "
                    "southern, g7 (data/groups.toml).")]

MemberOption = Annotated[str | None, typer.Option(
    "--member", help="One member's code, e.g. DEU (see 'spendcalc members').")]

RequiredMemberOption = Annotated[str, typer.Option(
    "--member", help="The member to explain, e.g. DEU (required).")]

PlotMembersOption = Annotated[str | None, typer.Option(
    "--members", "--member", help="Only these members, e.g. DEU,FRA,POL "
                                  "(fan, tradeoff: one member).")]

YearOption = Annotated[int | None, typer.Option(
    "--year", help="The year to show (default: the scenario's horizon); sums run from the "
                   "year after the base year to this one.")]

CurrencyOption = Annotated[str | None, typer.Option(
    "--currency", metavar="local|USD|CODE",
    help="Money also in national currencies: 'local' (each ally's own), 'USD', or one "
         "ISO code for all (EUR, GBP, CAD, PLN, ...); rates: NATO's, then the inflation gap "
         "(nato-2026 edition). Default: USD (explain --member: local).")]

FiscalYearOption = Annotated[bool, typer.Option(
    "--fiscal-year",
    help="Canada and the UK (April-March) and the US (October-September) by fiscal year: "
         "the row of 2035 holds FY 2035-36, apportioned from calendar years (an "
         "approximation); groups stay in calendar years.")]

PlotYearOption = Annotated[int | None, typer.Option(
    "--year", help="The year gap and compare show (default: the horizon).")]


class DataChoice:
    """The data a command was asked to use (``--data DIR``, ``--edition NAME``), loaded on
    first use: the one place where command-line options become a Dataset."""

    def __init__(self, directory: Path | str | None, edition: str | None = None, *,
                 typed: tuple[str, ...] = ()) -> None:
        if isinstance(directory, str) and not directory.strip():
            raise SpendcalcError("--data '': an empty folder name; give a data folder, or leave "
                                 "--data out for the bundled data")
        self.directory = None if directory is None else Path(directory)
        self.edition = edition
        self.typed = typed
        """``--data DIR`` and ``--edition NAME`` as the user typed them (an edition chosen
        by the scenario is not typed): what a report's Command line repeats."""

    @cached_property
    def dataset(self) -> Dataset:
        from spendcalc.io.data import load_dataset

        return load_dataset(self.directory, self.edition)


SCENARIO_PARAMETERS = ("scenario", "scenarios", "other", "file", "source")
"""Command parameters naming scenarios, whose ``edition`` picks the data without --edition."""


def requested_edition(kwargs: dict[str, Any]) -> str | None:
    """The edition the command's scenarios ask for when ``--edition`` is not given: a
    ``--set edition=...``, else the scenario files' ``edition`` (all must agree), else the
    edition recorded by ``--from-meta`` (an export made before editions: nato-2025)."""
    from spendcalc.io.scenarios import scenario_edition

    for item in kwargs.get("sets") or ():
        key, _, value = item.partition("=")
        if key.strip() == "edition":
            return value.strip().strip("\"'") or None
    if kwargs.get("from_meta") is not None:
        return _meta_edition(Path(kwargs["from_meta"]))
    names: list[str] = []
    for key in SCENARIO_PARAMETERS:
        value = kwargs.get(key)
        names += [str(v) for v in value] if isinstance(value, list) else (
            [str(value)] if value is not None else [])
    wanted: dict[str, str] = {}
    for name in names:
        try:
            edition = scenario_edition(name)
        except SpendcalcError:
            continue  # not a scenario (a plot kind) or a bad one: the command reports it
        if edition is not None:
            wanted.setdefault(edition, name)
    if len(wanted) > 1:
        raise SpendcalcError("the scenarios ask for different editions: " + ", ".join(
            f"{n} {e}" for e, n in wanted.items()) + "; run them separately or give --edition")
    return next(iter(wanted), None)


def _meta_edition(path: Path) -> str | None:
    from spendcalc.io.provenance import read_meta, recorded_scenario

    scenario, _ = recorded_scenario(read_meta(path))
    return scenario.edition or "nato-2025"


def load(scenario: str, sets: list[str] | None, data: Dataset) -> Scenario:
    """The scenario a command runs: the file or ready name, with ``--set`` changes applied."""
    from spendcalc.io.scenarios import load_scenario

    return load_scenario(scenario, data, overrides=sets or ())


F = TypeVar("F", bound=Callable[..., Any])


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    print(f"warning: {message}", file=sys.stderr)


def guarded(fn: F) -> F:
    """Wrap a command: turn user errors into one line on stderr and exit code 2, show
    warnings as one line, and give it the ``--data DIR`` and ``--edition NAME`` options
    every command takes. A
    command that declares a ``data`` parameter receives the choice as a ``DataChoice``."""
    signature = inspect.signature(fn, eval_str=True)
    wants_data = "data" in signature.parameters

    @functools.wraps(fn)
    def wrapper(*args: Any, data_dir: str | None = None, edition: str | None = None,
                **kwargs: Any) -> Any:
        warnings.showwarning = _show_warning
        try:
            if wants_data:
                typed = (*(("--data", data_dir) if data_dir is not None else ()),
                         *(("--edition", edition) if edition else ()))
                kwargs["data"] = DataChoice(data_dir, edition or requested_edition(kwargs),
                                            typed=typed)
            return fn(*args, **kwargs)
        except SpendcalcError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None

    extra = [inspect.Parameter("data_dir", inspect.Parameter.KEYWORD_ONLY, default=None,
                               annotation=DataOption),
             inspect.Parameter("edition", inspect.Parameter.KEYWORD_ONLY, default=None,
                               annotation=EditionOption)]
    kept = [p for name, p in signature.parameters.items() if name != "data"]
    wrapper.__signature__ = signature.replace(parameters=[*kept, *extra])  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]

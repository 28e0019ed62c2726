"""What-if commands: show, new, compare, sweep, sensitivity, simulate. Parse, call, print.

Imports stay light at module level: ``spendcalc --help`` loads this file.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from spendcalc.cli import options as cli_options
from spendcalc.cli.options import (
    ChartOption,
    DataChoice,
    ForceLargeOption,
    ForceOption,
    MetricGroupOption,
    MetricOption,
    ScenarioArg,
    SetOption,
    TablesOutputOption,
)


def register(app: typer.Typer) -> None:
    """Add the what-if commands to ``app``."""
    from spendcalc.cli.options import guarded

    app.command()(guarded(show))
    app.command()(guarded(new))
    app.command()(guarded(compare))
    app.command()(guarded(sweep))
    app.command()(guarded(sensitivity))
    app.command()(guarded(simulate))


def _console() -> Any:
    from rich.console import Console

    return Console()


def _prepare(scenario: str, sets: list[str] | None, output: Path | None,
             chart: Path | None, force: bool, data: DataChoice,
             dialect: str | None = None) -> tuple[Any, Any]:
    """Check the output files before any work, then load the data and the scenario."""
    from spendcalc.io import outputs

    if output is not None:
        outputs.check_output(output, force=force, formats=outputs.FORMATS, dialect=dialect)
    if chart is not None:
        from spendcalc.views import charts as plots

        plots.check_output(chart, force=force)
    return data.dataset, cli_options.load(scenario, sets, data.dataset)


def show(scenario: ScenarioArg = "hague-2035", sets: SetOption = None,
         as_json: Annotated[bool, typer.Option(
             "--json", help="Print JSON (the input of the explorer's project()).")] = False,
         *, data: DataChoice) -> None:
    """Print the fully resolved scenario (after extends and --set) as TOML (or JSON)."""
    from spendcalc.core.scenario_toml import to_toml

    resolved = cli_options.load(scenario, sets, data.dataset)
    if as_json:
        import json

        print(json.dumps(resolved.model_dump(mode="json"), indent=2))
        return
    header = f"{scenario} resolved by spendcalc" + (f" with --set {', '.join(sets)}" if sets
                                                     else "")
    print(to_toml(resolved, header=header), end="")


def new(
    name: Annotated[str, typer.Argument(help="The new scenario's name; writes NAME.toml.")],
    source: Annotated[str, typer.Option("--from", help="The scenario to start from.")]
    = "hague-2035",
    force: ForceOption = False,
    *, data: DataChoice,
) -> None:
    """Write a commented scenario file to start from (every field, its unit and default)."""
    from spendcalc.core.errors import OutputError
    from spendcalc.core.scenario_toml import to_toml
    from spendcalc.io import outputs

    path = Path(name if name.endswith(".toml") else f"{name}.toml")
    if path.exists() and not force:
        raise OutputError(f"{path}: file exists; use --force to overwrite it")
    base = cli_options.load(source, None, data.dataset)
    scenario = base.model_copy(update={"name": path.stem})
    header = (f"{path.stem}: a scenario for spendcalc, started from {source}.\n"
              "Shares are in percent of GDP; growth in percent a year. Delete what you do not\n"
              f"change, or replace everything with: extends = \"{source}\".\n"
              f"Check it with: spendcalc validate {path}")
    outputs.write_atomic(path, to_toml(scenario, header=header, commented=True).encode())
    print(f"wrote {path}")


def compare(
    scenarios: Annotated[list[str], typer.Argument(help="Two or more scenarios (names or files).")],
    output: TablesOutputOption = None,
    force: ForceOption = False,
    csv_dialect: cli_options.CsvDialectOption = None,
    sets: SetOption = None,
    currency: cli_options.CurrencyOption = None,
    *, data: DataChoice,
) -> None:
    """Compare scenarios: horizon-year spending and cumulative extra, with differences."""
    from spendcalc.core import compare
    from spendcalc.core.errors import SpendcalcError
    from spendcalc.core.result import compute
    from spendcalc.io import outputs
    from spendcalc.views import terminal

    if len(scenarios) < 2:
        raise SpendcalcError("compare needs at least two scenarios, e.g. "
                             "spendcalc compare hague-2035 rutte-2032")
    if output is not None:
        outputs.check_output(output, force=force, formats=outputs.FORMATS, dialect=csv_dialect)
    results = [compute(cli_options.load(s, sets, data.dataset), data.dataset) for s in scenarios]
    if currency is not None:
        results = [r.in_currency(currency) for r in results]
    table = compare.compare(results)
    terminal.print_comparison(table, results, _console())
    if output is not None:
        per_scenario = ("scenario_settings", "scenario_toml", "inputs_sha256")
        meta = {**results[0].meta, "scenario": [r.scenario.name for r in results],
                **{k: [r.meta.get(k) for r in results] for k in per_scenario}}
        for path in outputs.write_tables(output, {"comparison": table}, meta, force=force,
                                         dialect=csv_dialect or "standard"):
            print(f"wrote {path}")


def sweep(
    scenario: ScenarioArg = "hague-2035",
    vary: Annotated[list[str] | None, typer.Option(
        "--vary", metavar="KEY=START:STOP[:STEP]",
        help="A field and its values, e.g. target.year=2030:2035 or "
             "growth.real_offset=-1:1:0.5 (repeatable: the Cartesian grid).")] = None,
    metric: MetricOption = "cum_extra_over_baseline_usd_bn",
    group: MetricGroupOption = "nato",
    output: TablesOutputOption = None,
    chart: ChartOption = None,
    force: ForceLargeOption = False,
    csv_dialect: cli_options.CsvDialectOption = None,
    sets: SetOption = None,
    *, data: DataChoice,
) -> None:
    """Vary one or more fields over a grid, vectorised in chunks (memory stays bounded)."""
    from spendcalc.core import inputs, tables, whatif
    from spendcalc.core.errors import SpendcalcError
    from spendcalc.views import terminal

    if not vary:
        raise SpendcalcError("sweep needs at least one --vary KEY=START:STOP[:STEP]")
    dataset, base = _prepare(scenario, sets, output, chart, force, data, csv_dialect)
    varies = [whatif.parse_vary(v) for v in vary]
    inputs.check_variant_keys(base, [v.key for v in varies])
    for v in varies:
        whatif.check_values(base, v, scenario)
    result = whatif.sweep(base, dataset, varies, metric, group, force=force)
    table = tables.sweep_table(result, base.name)
    terminal.print_sweep(result, table, base, _console())
    _write(output, {"sweep": table}, base, dataset, force, dialect=csv_dialect)
    if chart is not None:
        from spendcalc.views import charts as plots_whatif

        _save(plots_whatif.sweep_figure(result, base, dataset), chart)


def sensitivity(
    scenario: ScenarioArg = "hague-2035",
    metric: MetricOption = "cum_extra_over_baseline_usd_bn",
    group: MetricGroupOption = "nato",
    output: TablesOutputOption = None,
    chart: ChartOption = None,
    force: ForceOption = False,
    csv_dialect: cli_options.CsvDialectOption = None,
    sets: SetOption = None,
    *, data: DataChoice,
) -> None:
    """Rank key parameters by their effect on a metric (a tornado chart with --chart)."""
    from spendcalc.core import tables, whatif
    from spendcalc.views import terminal

    dataset, base = _prepare(scenario, sets, output, chart, force, data, csv_dialect)
    result = whatif.sensitivity(base, dataset, metric, group)
    table = tables.sensitivity_table(result, base.name)
    terminal.print_sensitivity(result, base, _console())
    _write(output, {"sensitivity": table}, base, dataset, force, dialect=csv_dialect)
    if chart is not None:
        from spendcalc.views import charts as plots_whatif

        _save(plots_whatif.tornado_figure(result, base, dataset), chart)


def simulate(
    scenario: ScenarioArg = "hague-2035",
    draws: Annotated[int, typer.Option("--draws", help="How many random draws.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same output.")]
    = 2025,
    output: TablesOutputOption = None,
    chart: ChartOption = None,
    key: Annotated[str, typer.Option("--for", help="The member or group the --chart fan "
                                                   "shows.")] = "nato",
    force: ForceLargeOption = False,
    csv_dialect: cli_options.CsvDialectOption = None,
    sets: SetOption = None,
    *, data: DataChoice,
) -> None:
    """Monte Carlo over GDP growth and compliance: percentiles and the chance of the target."""
    from spendcalc.core import simulate, tables
    from spendcalc.core.errors import SpendcalcError
    from spendcalc.core.whatif import MAX_VARIANTS
    from spendcalc.views import terminal

    if draws < 1:
        raise SpendcalcError(f"--draws {draws}: must be at least 1")
    if seed < 0:
        raise SpendcalcError(f"--seed {seed}: must be a whole number of 0 or more")
    dataset, base = _prepare(scenario, sets, output, chart, force, data, csv_dialect)
    if draws > MAX_VARIANTS and not force:
        from spendcalc.core.memory import size

        raise SpendcalcError(
            f"--draws {draws:,}: more than {MAX_VARIANTS:,} needs --force (about "
            f"{size(simulate.bytes_needed(base, dataset, draws))} of memory)")
    with _Progress(draws) as progress:
        # Streams the draws in bounded memory; beside the chance it counts the same draws of
        # growth with every plan delivered, so the compliance assumption's share is visible.
        result = simulate.summarise(base, dataset, draws, seed, progress=progress.update)
    percentiles = tables.simulation_table(base.name, result)
    reach = tables.reach_table(base.name, result)
    terminal.print_simulation(percentiles, reach, base, draws, seed, _console())
    _write(output, {"percentiles": percentiles, "reach": reach}, base, dataset, force,
           {"draws": draws, "seed": seed}, dialect=csv_dialect)
    if chart is not None:
        from spendcalc.views import charts as plots_whatif

        _save(plots_whatif.fan_figure(percentiles, key, base, dataset), chart)


class _Progress:
    """A rich progress bar on stderr, shown only once a run has taken over a second."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.start = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        return self

    def update(self, done: int, total: int) -> None:
        if self.bar is None and time.perf_counter() - self.start > 1.0 and done < total:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("simulating", total=total)
        if self.bar is not None:
            self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _write(output: Path | None, frames: dict[str, Any], scenario: Any, data: Any,
           force: bool, extra: dict[str, Any] | None = None, *,
           dialect: str | None = None) -> None:
    if output is None:
        return
    from spendcalc.core.meta import metadata
    from spendcalc.io import outputs

    meta = {**metadata(scenario, data, ()), **(extra or {})}
    for path in outputs.write_tables(output, frames, meta, force=force,
                                     dialect=dialect or outputs.DEFAULT_CSV_DIALECT):
        print(f"wrote {path}")


def _save(figure: Any, path: Path) -> None:
    from spendcalc.views import charts as plots

    plots.save(figure, path, force=True)  # the overwrite was checked before any work
    print(f"wrote {path}")

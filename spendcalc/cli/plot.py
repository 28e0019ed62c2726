"""The ``spendcalc plot`` command: publication-ready charts (PNG, SVG, PDF) of a scenario.

Parse, call ``spendcalc.views.charts``, print. matplotlib loads only when the command runs, never
when this module is imported, so ``spendcalc --help`` stays fast.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spendcalc.cli.options import (
    CurrencyOption,
    DataChoice,
    ForceOption,
    PlotGroupOption,
    PlotMembersOption,
    PlotOutputOption,
    PlotYearOption,
    SetOption,
)

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset

KINDS = ("gap", "paths", "heatmap", "stack", "burden", "compare", "fan", "tradeoff",
         "revisions")
"""The chart kinds: ``spendcalc.views.charts.KINDS`` (repeated here so that --help needs no
matplotlib), plus fan (Monte Carlo bands, ``spendcalc.views.charts_whatif``) and tradeoff (budget
lines and debt, ``spendcalc.views.evidence``)."""

HELP = """Draw a publication-ready chart of a scenario (PNG, SVG or PDF).

KIND is one of: gap (default: per ally, spending above the old 2% baseline), paths (core
share of GDP over time), heatmap (allies x years), stack (spending stacked by group),
burden (US share of the allies' spending), compare A B (two scenarios per ally), fan
(Monte Carlo bands for one member or group: --member X or --group G, --draws, --seed),
tradeoff (the extra spending against budget lines and debt: --member X or --group G),
revisions A B (what edition B revised in edition A's shares, default nato-2025 nato-2026).
--size slide|a4|square gives a ready-made size (slide: 16:9, 1920 x 1080 px).
SCENARIO is a ready scenario's name (default hague-2035) or a .toml file.

Examples: spendcalc plot; spendcalc plot gap rutte-2032 --unit pct -o gap.svg;
spendcalc plot paths --members DEU,FRA,POL; spendcalc plot paths --group eu --grid;
spendcalc plot compare hague-2035 status-quo --diff; spendcalc plot tradeoff --member DEU;
spendcalc plot gap --size slide. See docs/plots.md.
"""


def register(app: typer.Typer) -> None:
    """Add the plot command to ``app``."""
    from spendcalc.cli.options import guarded

    @app.command(help=HELP)
    @guarded
    def plot(
        kind: Annotated[str | None, typer.Argument(
            help="gap | paths | heatmap | stack | burden | compare | fan | tradeoff | "
                 "revisions (default: gap).",
            show_default=False)] = None,
        scenario: Annotated[str | None, typer.Argument(
            help="A ready scenario's name or a .toml file (default: hague-2035); compare: A.",
            show_default=False)] = None,
        other: Annotated[str | None, typer.Argument(
            help="compare only: the second scenario, B.", show_default=False)] = None,
        output: PlotOutputOption = None,
        force: ForceOption = False,
        members: PlotMembersOption = None,
        group: PlotGroupOption = None,
        unit: Annotated[str | None, typer.Option(
            help="usd (USD bn) or pct (% of GDP); default: the kind's own.")] = None,
        prices: Annotated[str, typer.Option(
            help="current, or constant base-year US dollars (USD charts).")] = "current",
        year: PlotYearOption = None,
        title: Annotated[str | None, typer.Option(help="Replace the chart's title.")] = None,
        subtitle: Annotated[str | None, typer.Option(
            help="Replace the chart's subtitle.")] = None,
        size: Annotated[str | None, typer.Option(
            help="slide (16:9, 1920 x 1080 px), a4 (portrait) or square; --width and "
                 "--height override it.")] = None,
        width: Annotated[float | None, typer.Option(help="Width in inches.")] = None,
        height: Annotated[float | None, typer.Option(help="Height in inches.")] = None,
        dpi: Annotated[float, typer.Option(help="Resolution of PNG files.")] = 200.0,
        style: Annotated[str, typer.Option(
            help="light (prints well, also in greyscale) or dark (slides).")] = "light",
        grid: Annotated[bool, typer.Option(
            "--grid", help="paths: small multiples, one panel per member.")] = False,
        diff: Annotated[bool, typer.Option(
            "--diff", help="compare: draw B minus A instead of both.")] = False,
        changed_only: Annotated[bool, typer.Option(
            "--changed-only", help="compare: only the allies whose value differs.")] = False,
        cut: Annotated[bool, typer.Option(
            "--cut/--no-cut", help="Cut a bar that dwarfs the others (marked, value printed "
                                   "on it) so the rest stay readable.")] = True,
        draws: Annotated[int, typer.Option(help="fan: Monte Carlo draws.")] = 10_000,
        seed: Annotated[int, typer.Option(help="fan: random seed.")] = 2025,
        sets: SetOption = None,
        currency: CurrencyOption = None,
        *, data: DataChoice,
    ) -> None:
        """Draw a publication-ready chart of a scenario."""
        if kind == "revisions":  # A B are data editions, not scenarios
            from spendcalc.cli.data import plot_revisions

            plot_revisions(scenario, other, output=output, force=force, year=year,
                           style=style, frame=(title, subtitle, size, width, height, dpi))
            return
        if kind in ("fan", "tradeoff"):
            run_other(kind, scenario, output=output, force=force, members=members,
                      group=group, year=year, style=style, draws=draws, seed=seed, sets=sets,
                      data=data.dataset, frame=(title, subtitle, size, width, height, dpi))
            return
        run_plot(kind, scenario, other, output=output, force=force, members=members,
                 group=group, unit=unit, prices=prices, year=year, title=title,
                 subtitle=subtitle, size=size, width=width, height=height, dpi=dpi,
                 style=style, grid=grid, diff=diff, changed_only=changed_only, cut=cut,
                 sets=sets, data=data.dataset, currency=currency)


def _is_scenario(text: str) -> bool:
    from spendcalc.core.errors import SpendcalcError
    from spendcalc.io.scenarios import scenario_path

    try:
        scenario_path(text)
    except SpendcalcError:
        return False
    return True


def run_other(kind: str, scenario: str | None, *, output: Path | None, force: bool,
              members: str | None, group: str | None, year: int | None, style: str,
              draws: int, seed: int, sets: list[str] | None, data: Dataset,
              frame: tuple[str | None, str | None, str | None, float | None, float | None,
                           float] = (None, None, None, None, None, 200.0)) -> None:
    """plot fan and plot tradeoff: charts drawn from a simulation or a trade-off table."""
    from spendcalc.cli import options as cli_options
    from spendcalc.core.errors import SpendcalcError
    from spendcalc.io.scenarios import DEFAULT_SCENARIO
    from spendcalc.views import charts as plots

    if style not in plots.STYLES:
        raise plots.PlotError(f"--style {style!r}: allowed: {', '.join(plots.STYLES)}")
    codes = [c for c in re.split(r"[,\s]+", members or "") if c]
    if len(codes) > 1 or (codes and group):
        raise plots.PlotError(f"plot {kind} shows one member or one group: give --members X "
                              "or --group G")
    title, subtitle, size, width, height, dpi = frame
    preset = plots.preset_size(size, dpi)
    dims = (width or (preset[0] if preset else None), height or (preset[1] if preset else None))
    look = {"size": dims if None not in dims else None, "dpi": dpi, "title": title,
            "subtitle": subtitle}
    name = scenario or DEFAULT_SCENARIO
    path = output or Path(f"{kind}-{Path(name).stem}.png")
    plots.check_output(path, force=force)
    base = cli_options.load(name, sets, data)
    if kind == "fan":
        from spendcalc.core import simulate, tables
        from spendcalc.core.whatif import MAX_VARIANTS

        if not 1 <= draws <= MAX_VARIANTS:
            raise SpendcalcError(f"--draws {draws}: allowed: 1 to {MAX_VARIANTS:,}")
        key = codes[0].upper() if codes else (group or "nato")
        sim = simulate.summarise(base, data, draws, seed)  # bounded memory, same numbers
        table = tables.simulation_table(base.name, sim)
        figure = plots.fan_figure(table, key, base, data, plots.STYLE_BY_NAME[style],
                                   **look)  # type: ignore[arg-type]
        rows = table[(table.key == key) & (table.year == base.horizon)]
        row = rows.iloc[0]
        summary = [f"{row['name']} {base.horizon}, USD bn: P5 {row.total_usd_bn_p5:,.1f}, "
                   f"P50 {row.total_usd_bn_p50:,.1f}, P95 {row.total_usd_bn_p95:,.1f} "
                   f"({draws:,} draws, seed {seed})"]
    else:
        from spendcalc.core.result import compute
        from spendcalc.evidence.tradeoff import tradeoff
        result = compute(base, data)
        tr = tradeoff(result, codes[0] if codes else None, group, year)
        figure = plots.tradeoff_figure(result, tradeoff_data=tr, style=plots.STYLE_BY_NAME[style],
                                       **look)  # type: ignore[arg-type]
        summary = []
    plots.save(figure, path, force=force)
    print(f"wrote {path}")
    for line in summary:
        print(line)


def run_plot(kind: str | None, scenario: str | None, other: str | None, *,
             output: Path | None, force: bool, members: str | None,
             data: Dataset, sets: list[str] | None = None, currency: str | None = None,
             **options: object) -> None:
    """The plot command's body: resolve the arguments, draw, write, print."""
    from spendcalc.cli import options as cli_options
    from spendcalc.core.result import compute
    from spendcalc.io.scenarios import DEFAULT_SCENARIO
    from spendcalc.views import charts as plots

    if kind is not None and kind not in KINDS and scenario is None and _is_scenario(kind):
        kind, scenario = "gap", kind  # `spendcalc plot rutte-2032` draws its gap chart
    kind = kind or "gap"
    from spendcalc.views.charts.kit import preset_size

    size = options.pop("size", None)
    preset = preset_size(str(size) if size else None, float(str(options.get("dpi") or 200)))
    if preset is not None:  # --width/--height, where given, win over the preset
        options["width"] = options.get("width") or preset[0]
        options["height"] = options.get("height") or preset[1]
    codes = tuple(c for c in re.split(r"[,\s]+", members) if c) if members is not None else None
    opts = plots.check_options(kind, plots.Options(members=codes, **options))  # type: ignore[arg-type]
    if kind == "compare":
        if scenario is None or other is None:
            raise plots.PlotError("compare needs two scenarios: spendcalc plot compare A B")
        names = [scenario, other]
    else:
        if other is not None:
            raise plots.PlotError(f"{kind} takes one scenario (got {scenario!r} and {other!r}); "
                                  "only compare takes two")
        names = [scenario or DEFAULT_SCENARIO]
    scenarios = [cli_options.load(name, sets, data) for name in names]
    path = output if output is not None else plots.default_output(
        kind, [s.name for s in scenarios])
    plots.check_output(path, force=True)  # the suffix and folder, before any work
    results = [compute(s, data) for s in scenarios]
    if currency is not None:  # the charts then read the converted money (views.charts.runs)
        results = [r.in_currency(currency) for r in results]
    runs = [plots.as_run(r) for r in results]
    plots.check_runs(kind, runs, opts)  # member, group, year errors before "file exists"
    plots.check_output(path, force=force)
    chart = plots.render(kind, runs, opts)
    plots.save(chart.figure, path, force=force)
    w, h = chart.figure.get_size_inches()
    size = (f"{round(w * opts.dpi)} x {round(h * opts.dpi)} px" if path.suffix.lower() == ".png"
            else f"{w:g} x {h:g} in")
    print(f"wrote {path} ({size})")
    for line in chart.summary:
        print(line)

"""Charts for what-if runs: fan (Monte Carlo), sweep (heatmap or lines) and tornado.

They share the look of ``spendcalc.views.charts`` (styles, title, footer with source, scenario and
version) and draw only numbers from the tables and results they are given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from spendcalc.views import words
from spendcalc.views.charts import kit
from spendcalc.views.charts.kit import LIGHT, PlotError, Style, minus

if TYPE_CHECKING:
    import pandas as pd

    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.core.whatif import Sensitivity, SweepResult

SIZE = (8.0, 5.0)
DPI = 200.0


def _footer(scenario: Scenario, data: Dataset, *notes: str) -> str:
    what = words.brief(scenario, data)
    lines = [f"Sources: {kit.data_sources(data)}.",
             f"Scenario {scenario.name}" + (f": {what}." if what else "."), *notes]
    return "\n".join(lines)


def _start(style: Style, title: str, subtitle: str, footer: str,
           size: tuple[float, float] | None = None, dpi: float | None = None
           ) -> tuple[Figure, Any]:
    with matplotlib.rc_context(kit.rc_params(style)):
        fig = kit.new_figure(style, size or SIZE, dpi or DPI)
        ax = fig.add_subplot()
        kit.draw_frame(fig, style, title, subtitle, footer)
    return fig, ax


def _metric_name(metric: str, scenario: Scenario, year: int) -> str:
    """A metric in words, with the years it covers: "Cumulative spending above 2% of GDP,
    2027–2035"."""
    b, base = f"{scenario.baseline_pct:g}%", scenario.base_year
    span = f"{base + 1}–{year}"
    names = {
        "cum_extra_over_baseline_usd_bn": f"Cumulative spending above {b} of GDP, {span}",
        "extra_over_baseline_usd_bn": f"Spending above {b} of GDP in {year}",
        "cum_increase_over_base_share_usd_bn":
            f"Cumulative increase over {base} shares of GDP, {span}",
        "increase_over_base_share_usd_bn": f"Increase over {base} shares of GDP in {year}",
        "total_usd_bn": f"Defence spending (core + related) in {year}",
        "core_usd_bn": f"Core defence spending in {year}",
        "related_usd_bn": f"Defence-related spending in {year}",
        "total_pct": f"Defence spending (core + related) in {year}",
        "core_pct": f"Core defence spending in {year}",
        "related_pct": f"Defence-related spending in {year}",
        "shortfall_to_target_usd_bn": f"Shortfall to the target in {year}",
        "share_of_total_pct": f"Share of the NATO total in {year}",
    }
    key = metric.removesuffix("_const")
    return names.get(key, f"{key.replace('_', ' ').capitalize()} in {year}")


def _metric_unit(metric: str, scenario: Scenario) -> str:
    if metric == "share_of_total_pct":
        return "% of the allies' total"
    if metric.endswith("_pct"):
        return "% of GDP"
    if metric.endswith("_const"):
        return f"USD bn, constant {scenario.base_year} prices"
    return "USD bn"


FIELDS = {
    "target.year": "Target year",
    "target.core_pct": "Core target, % of GDP",
    "target.related_pct": "Related target, % of GDP",
    "growth.real_offset": "Real GDP growth, points a year above IMF",
    "growth.flat_pct": "GDP growth, % a year",
    "path.delivered_pct": "Planned increases delivered, %",
    "baseline_pct": "Baseline, % of GDP",
    "related.base_pct": "Related spending already in place, % of GDP",
}
"""Varied fields as readers know them; any other field keeps its key."""


def field_label(key: str) -> str:
    return FIELDS.get(key, key)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _tick_text(key: str, value: float) -> str:
    """A varied field's value: years without a thousands separator, others with one."""
    return f"{value:.0f}" if key.endswith(".year") else minus(f"{value:,g}")


def _beyond(scenario: Scenario, years: Any) -> list[int]:
    """Target years that lie after the horizon, where the metric stops counting."""
    return sorted({int(y) for y in np.atleast_1d(years) if y > scenario.horizon})


def _beyond_note(scenario: Scenario, years: list[int]) -> str:
    listed = (f"years {years[0]}–{years[-1]} lie" if len(years) > 1
              else f"year {years[0]} lies")
    return (f"Target {listed} beyond the {scenario.horizon} horizon: the figures "
            f"count spending only to {scenario.horizon}, part of the way to the target.")


def _deterministic(key: str, scenario: Scenario, data: Dataset) -> pd.DataFrame:
    """The scenario's own projection of ``key`` (member or group): year, total_usd_bn."""
    from spendcalc.core.result import compute

    result = compute(scenario, data)
    if key in data.codes:
        rows = result.table[result.table.iso3 == key]
    else:
        rows = result.aggregates[result.aggregates.group == key]
    return rows[["year", "total_usd_bn"]].sort_values("year")


def fan_figure(table: pd.DataFrame, key: str, scenario: Scenario, data: Dataset,
               style: Style = LIGHT, *, size: tuple[float, float] | None = None,
               dpi: float | None = None, title: str | None = None,
               subtitle: str | None = None) -> Figure:
    """Spending of one member or group over the years (USD bn, current prices): the median
    and the 50 % and 90 % bands of the Monte Carlo draws (``tables.simulation_table``), and
    the scenario's own deterministic path."""
    rows = table[table.key == key].sort_values("year")
    if rows.empty:
        keys = ", ".join(dict.fromkeys(table.key))
        raise PlotError(f"{key!r} is not a member or group of the simulation; allowed: {keys}")
    name = rows.name.iloc[0]
    if rows.total_usd_bn_p50.isna().all():
        raise PlotError(f"--for {key!r}: {name} has no defence spending to chart")
    plan = _deterministic(key, scenario, data)
    below = float(rows.total_usd_bn_p50.iloc[-1]) < float(plan.total_usd_bn.iloc[-1])
    fig, ax = _start(
        style, title or f"{name}: defence spending under uncertainty",
        subtitle or (f"Scenario {scenario.name} · USD bn, current prices · median with 50% and "
                     "90% bands of the draws, and the scenario as written (dashed)"
                     + (" · the median lies below it because draws deliver only part of "
                        "each planned increase" if below else "")),
        _footer(scenario, data, "Draws of GDP growth (data-based spread and correlation) and "
                                "of how much of each planned increase is delivered."),
        size, dpi)
    years = rows.year.to_numpy()
    # A member is drawn in its own colour, as in every chart; a group in the core colour.
    colour = kit.ally_colour(key, style) if key in data.codes else style.core
    with matplotlib.rc_context(kit.rc_params(style)):
        ax.fill_between(years, rows.total_usd_bn_p5, rows.total_usd_bn_p95, color=colour,
                        alpha=0.18, linewidth=0, label="5th–95th percentile", gid="band-90")
        ax.fill_between(years, rows.total_usd_bn_p25, rows.total_usd_bn_p75, color=colour,
                        alpha=0.35, linewidth=0, label="25th–75th percentile", gid="band-50")
        ax.plot(years, rows.total_usd_bn_p50, color=colour, linewidth=2, label="median",
                gid="median")
        ax.plot(plan.year, plan.total_usd_bn, color=style.text, linewidth=1.4,
                linestyle=(0, (4, 2)), label=f"{scenario.name} as written", gid="deterministic")
        top = max(float(rows.total_usd_bn_p95.max()), float(plan.total_usd_bn.max()))
        ax.set_ylim(0, top * 1.08)
        ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)  # the first year clear of the "0"
        ax.set_xticks(kit.year_ticks(years))
        ax.xaxis.set_major_formatter("{x:.0f}")
        ax.yaxis.set_major_formatter("{x:,.0f}")
        ax.set_ylabel("USD bn, current prices", color=style.muted)
        kit.clean_axes(ax, style, grid_axis="y")
        # Above the top tick label, so that the legend never sits on a gridline.
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, borderaxespad=0,
                  handlelength=1.6, bbox_transform=kit.above_axes(ax, 12))
    return fig


def sweep_figure(result: SweepResult, scenario: Scenario, data: Dataset,
                 style: Style = LIGHT, *, size: tuple[float, float] | None = None,
                 dpi: float | None = None) -> Figure:
    """One varied field: a line; two: a heatmap of the metric (annotated when small)."""
    keys = list(result.grid)
    if len(keys) > 2:
        raise PlotError("--chart: a sweep chart shows one or two --vary fields; write the "
                        "table with -o for more")
    name = _metric_name(result.metric, scenario, result.year)
    unit = _metric_unit(result.metric, scenario)
    group = data.groups[result.group].label
    late = _beyond(scenario, result.grid.get("target.year", []))
    fig, ax = _start(
        style, f"{name}, {group}",
        f"Sweep of {scenario.name} over {' and '.join(_lower(field_label(k)) for k in keys)}; "
        f"{len(result.values):,} variants · {unit}",
        _footer(scenario, data, *([_beyond_note(scenario, late)] if late else [])), size, dpi)
    with matplotlib.rc_context(kit.rc_params(style)):
        if len(keys) == 1:
            _sweep_line(ax, result, keys[0], f"{name}, {unit}", style, scenario)
        else:
            _sweep_heat(fig, ax, result, keys, f"{name}, {unit}", style)
    return fig


def _value_format(values: Any) -> str:
    span = float(np.nanmax(np.abs(values))) if len(values) else 0.0
    return "{x:,.0f}" if span >= 100 else "{x:,.2f}"


def _sweep_line(ax: Any, result: SweepResult, key: str, label: str, style: Style,
                scenario: Scenario) -> None:
    x = result.grid[key]
    ax.plot(x, result.values, color=style.core, linewidth=2, marker="o", markersize=3.5,
            gid="sweep-line")
    ax.set_xlabel(field_label(key))
    ax.set_ylabel(label)
    low = min(0.0, float(result.values.min()))
    ax.set_ylim(low, max(float(result.values.max()) * 1.08, low + 1e-9))
    ax.yaxis.set_major_formatter(_value_format(result.values))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _tick_text(key, v)))
    if key == "target.year" and float(np.max(x)) > scenario.horizon:
        ax.axvline(scenario.horizon, color=style.muted, linewidth=0.8, linestyle=":")
        ax.annotate(f"target after the {scenario.horizon} horizon →",
                    (scenario.horizon, 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -4), textcoords="offset points", ha="left", va="top",
                    fontsize=7.5, color=style.muted, style="italic", gid="sweep-beyond")
    kit.clean_axes(ax, style, grid_axis="y")


def _sweep_heat(fig: Figure, ax: Any, result: SweepResult, keys: list[str], label: str,
                style: Style) -> None:
    xs, ys = np.unique(result.grid[keys[1]]), np.unique(result.grid[keys[0]])
    z = result.values.reshape(len(ys), len(xs))
    image = ax.imshow(z, aspect="auto", origin="lower", cmap=style.cmap,
                      extent=(-0.5, len(xs) - 0.5, -0.5, len(ys) - 0.5))
    ax.set_xticks(_ticks(len(xs)), [_tick_text(keys[1], xs[i]) for i in _ticks(len(xs))])
    ax.set_yticks(_ticks(len(ys)), [_tick_text(keys[0], ys[i]) for i in _ticks(len(ys))])
    ax.set_xlabel(field_label(keys[1]))
    ax.set_ylabel(field_label(keys[0]))
    if z.size <= 80:
        cmap = matplotlib.colormaps[style.cmap]
        for (i, j), v in np.ndenumerate(z):
            ax.text(j, i, f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}", ha="center",
                    va="center", fontsize=6.5,
                    color=kit.text_on(matplotlib.colors.to_hex(cmap(image.norm(v)))))
    bar = fig.colorbar(image, ax=ax, shrink=0.9, format=_value_format(result.values))
    bar.set_label(label)
    for side in ax.spines.values():
        side.set_visible(False)


def _ticks(n: int, most: int = 12) -> list[int]:
    step = max(1, int(np.ceil(n / most)))
    return list(range(0, n, step))


def tornado_figure(result: Sensitivity, scenario: Scenario, data: Dataset,
                   style: Style = LIGHT, *, size: tuple[float, float] | None = None,
                   dpi: float | None = None) -> Figure:
    """Each lever's low and high as bars from the scenario's value, largest swing on top."""
    order = result.ranked()[::-1]
    name = _metric_name(result.metric, scenario, result.year)
    unit = _metric_unit(result.metric, scenario)
    group = data.groups[result.group].label
    late = _beyond(scenario, [v for lever in result.levers for side in (lever.low, lever.high)
                              for k, v in side.items() if k == "target.year"])
    notes = ["Low delivery: the average share of the gap to 2% of GDP allies closed "
             "2014-2024.", *([_beyond_note(scenario, late)] if late else [])]
    fmt = _value_format(np.array([result.base]))
    fig, ax = _start(
        style, f"What moves it? {name}, {group}",
        f"Each parameter moved alone between a documented low and high; {scenario.name} = "
        f"{fmt.format(x=result.base)} ({unit})", _footer(scenario, data, *notes), size, dpi)
    with matplotlib.rc_context(kit.rc_params(style)):
        y = np.arange(len(order))
        for side, values, colour in (("low", result.low, style.negative),
                                     ("high", result.high, style.core)):
            ax.barh(y, values[order] - result.base, left=result.base, color=colour,
                    height=0.6, label=f"at the {side} value", gid=f"tornado-{side}")
            for yi, i in zip(y, order, strict=True):
                _tornado_label(ax, result, i, float(yi), side, style, scenario)
        ax.axvline(result.base, color=style.axis, linewidth=1)
        ax.set_yticks(y, [result.levers[i].name for i in order])
        span = float(max(np.max(np.abs(result.low - result.base)),
                         np.max(np.abs(result.high - result.base)), 1e-9))
        ax.set_xlim(result.base - 1.45 * span, result.base + 1.45 * span)
        ax.xaxis.set_major_formatter("{x:,.0f}" if span > 10 else "{x:,.2f}")
        ax.set_xlabel(f"{name}, {unit}")
        kit.clean_axes(ax, style, grid_axis="x")
        ax.legend(loc="lower right")
    return fig


def _tornado_label(ax: Any, result: Sensitivity, i: int, yi: float, side: str, style: Style,
                   scenario: Scenario) -> None:
    """A lever's low or high value at its bar's end (a target year after the horizon
    says so); a bar of zero width is labelled on the side away from its partner."""
    lever = result.levers[i]
    text = lever.low_label if side == "low" else lever.high_label
    setting = (lever.low if side == "low" else lever.high).get("target.year")
    if setting is not None and setting > scenario.horizon:
        text += f" (after {scenario.horizon})"
    v = (result.low if side == "low" else result.high)[i]
    other = (result.high if side == "low" else result.low)[i]
    right = v > result.base or (v == result.base and other < result.base)
    ax.text(v, yi, f" {minus(text)} ", va="center", fontsize=7.5, color=style.text,
            ha="left" if right else "right", gid=f"tornado-label-{side}-{i}")

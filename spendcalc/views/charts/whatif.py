"""Charts for what-if runs: fan (Monte Carlo), sweep (heatmap or lines) and tornado.

They share the look of ``spendcalc.views.charts`` (styles, title, footer with source, scenario and
version) and draw only numbers from the tables and results they are given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from spendcalc.views.charts import kit
from spendcalc.views.charts.kit import LIGHT, PlotError, Style
from spendcalc.views.charts.runs import assumptions

if TYPE_CHECKING:
    import pandas as pd

    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.core.whatif import Sensitivity, SweepResult

SIZE = (8.0, 5.0)
DPI = 200.0


def _footer(scenario: Scenario, data: Dataset, *notes: str) -> str:
    what = assumptions(scenario.model_dump(mode="json"))
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


LABELS = {
    "cum_extra_over_baseline_usd_bn": "Cumulative spending above the 2% baseline",
    "extra_over_baseline_usd_bn": "Spending above the 2% baseline",
    "cum_increase_over_base_share_usd_bn": "Cumulative increase over base-year shares",
    "increase_over_base_share_usd_bn": "Increase over base-year shares",
    "total_usd_bn": "Defence spending, core + related",
    "core_usd_bn": "Core defence spending",
    "related_usd_bn": "Defence-related spending",
    "total_pct": "Defence spending, core + related",
    "core_pct": "Core defence spending",
    "related_pct": "Defence-related spending",
    "shortfall_to_target_usd_bn": "Shortfall to the target",
    "share_of_total_pct": "Share of the NATO total",
}


def _label(metric: str) -> str:
    """A metric's name in words, with its unit."""
    unit = ("%" if metric == "share_of_total_pct" else "% of GDP") if metric.endswith(
        "_pct") else ("USD bn, constant base-year prices" if metric.endswith("_const")
                      else "USD bn")
    name = LABELS.get(metric.removesuffix("_const"), metric.replace("_", " "))
    return f"{name} ({unit})"


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
    with matplotlib.rc_context(kit.rc_params(style)):
        ax.fill_between(years, rows.total_usd_bn_p5, rows.total_usd_bn_p95,
                        color=style.core, alpha=0.18, linewidth=0, label="5th–95th percentile")
        ax.fill_between(years, rows.total_usd_bn_p25, rows.total_usd_bn_p75,
                        color=style.core, alpha=0.35, linewidth=0,
                        label="25th–75th percentile")
        ax.plot(years, rows.total_usd_bn_p50, color=style.core, linewidth=2, label="median",
                gid="median")
        ax.plot(plan.year, plan.total_usd_bn, color=style.text, linewidth=1.4,
                linestyle=(0, (4, 2)), label=f"{scenario.name} as written", gid="deterministic")
        top = max(float(rows.total_usd_bn_p95.max()), float(plan.total_usd_bn.max()))
        ax.set_ylim(0, top * 1.08)
        ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)  # the first year clear of the "0"
        ax.set_xticks(years[::2] if len(years) > 8 else years)
        ax.yaxis.set_major_formatter("{x:,.0f}")
        ax.set_ylabel("USD bn, current prices", color=style.muted)
        kit.clean_axes(ax, style, grid_axis="y")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, borderaxespad=0.3,
                  handlelength=1.6)
    return fig


def sweep_figure(result: SweepResult, scenario: Scenario, data: Dataset,
                 style: Style = LIGHT, *, size: tuple[float, float] | None = None,
                 dpi: float | None = None) -> Figure:
    """One varied field: a line; two: a heatmap of the metric (annotated when small)."""
    keys = list(result.grid)
    if len(keys) > 2:
        raise PlotError("--chart: a sweep chart shows one or two --vary fields; write the "
                        "table with -o for more")
    label = _label(result.metric)
    group = data.groups[result.group].label
    fig, ax = _start(
        style, f"{label[0].upper()}{label[1:]}, {group}, {result.year}",
        f"Sweep of {scenario.name} over {' and '.join(keys)}; "
        f"{len(result.values):,} variants", _footer(scenario, data), size, dpi)
    with matplotlib.rc_context(kit.rc_params(style)):
        if len(keys) == 1:
            x = result.grid[keys[0]]
            ax.plot(x, result.values, color=style.core, linewidth=2, marker="o",
                    markersize=3.5, gid="sweep-line")
            ax.set_xlabel(keys[0])
            ax.set_ylabel(label)
            low = min(0.0, float(result.values.min()))
            ax.set_ylim(low, max(float(result.values.max()) * 1.08, low + 1e-9))
            kit.clean_axes(ax, style, grid_axis="y")
        else:
            xs, ys = np.unique(result.grid[keys[1]]), np.unique(result.grid[keys[0]])
            z = result.values.reshape(len(ys), len(xs))
            image = ax.imshow(z, aspect="auto", origin="lower", cmap=style.cmap,
                              extent=(-0.5, len(xs) - 0.5, -0.5, len(ys) - 0.5))
            ax.set_xticks(_ticks(len(xs)), [f"{xs[i]:g}" for i in _ticks(len(xs))])
            ax.set_yticks(_ticks(len(ys)), [f"{ys[i]:g}" for i in _ticks(len(ys))])
            ax.set_xlabel(keys[1])
            ax.set_ylabel(keys[0])
            if z.size <= 80:
                mid = (np.nanmin(z) + np.nanmax(z)) / 2
                for (i, j), v in np.ndenumerate(z):
                    ax.text(j, i, f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}", ha="center",
                            va="center", fontsize=6.5,
                            color="white" if v < mid else "black")
            bar = fig.colorbar(image, ax=ax, shrink=0.9)
            bar.set_label(label)
            for side in ax.spines.values():
                side.set_visible(False)
    return fig


def _ticks(n: int, most: int = 12) -> list[int]:
    step = max(1, int(np.ceil(n / most)))
    return list(range(0, n, step))


def tornado_figure(result: Sensitivity, scenario: Scenario, data: Dataset,
                   style: Style = LIGHT, *, size: tuple[float, float] | None = None,
                   dpi: float | None = None) -> Figure:
    """Each lever's low and high as bars from the scenario's value, largest swing on top."""
    order = result.ranked()[::-1]
    label = _label(result.metric)
    group = data.groups[result.group].label
    fig, ax = _start(
        style, f"What moves it? {label}, {group}, {result.year}",
        f"Each parameter moved alone between a documented low and high; {scenario.name} = "
        f"{result.base:,.0f}", _footer(scenario, data, "Low delivery: the average share of "
                                       "the gap to 2% of GDP allies closed 2014-2024."), size, dpi)
    with matplotlib.rc_context(kit.rc_params(style)):
        y = np.arange(len(order))
        for side, values, colour in (("low", result.low, style.negative),
                                     ("high", result.high, style.core)):
            widths = values[order] - result.base
            ax.barh(y, widths, left=result.base, color=colour, height=0.6,
                    label=f"at the {side} value", gid=f"tornado-{side}")
            for yi, i in zip(y, order, strict=True):
                text = (result.levers[i].low_label if side == "low"
                        else result.levers[i].high_label)
                v = values[i]
                other = (result.high if side == "low" else result.low)[i]
                # A bar of zero width is labelled on the side away from its partner.
                right = v > result.base or (v == result.base and other < result.base)
                ax.text(v, yi, f" {text} ", va="center", fontsize=7.5, color=style.text,
                        ha="left" if right else "right")
        ax.axvline(result.base, color=style.axis, linewidth=1)
        ax.set_yticks(y, [result.levers[i].name for i in order])
        span = float(max(np.max(np.abs(result.low - result.base)),
                         np.max(np.abs(result.high - result.base)), 1e-9))
        ax.set_xlim(result.base - 1.45 * span, result.base + 1.45 * span)
        ax.xaxis.set_major_formatter("{x:,.0f}" if span > 10 else "{x:,.2f}")
        ax.set_xlabel(label)
        kit.clean_axes(ax, style, grid_axis="x")
        ax.legend(loc="lower right")
    return fig


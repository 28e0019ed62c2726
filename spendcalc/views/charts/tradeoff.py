"""The trade-off chart: the extra defence spending against public budget lines, and the debt
path if it is borrowed, in the kit's style (title, subtitle, footer; no boxed axes).

Numbers come from ``spendcalc.evidence.tradeoff.Tradeoff`` tables; nothing is recomputed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from spendcalc.evidence.selection import MEASURES, check_measure
from spendcalc.evidence.tradeoff import Tradeoff, tradeoff
from spendcalc.io.fiscal_data import BUDGET_LINES, LINE_LABELS
from spendcalc.views.charts.kit import (
    LIGHT,
    Style,
    ally_colour,
    clean_axes,
    data_sources,
    draw_frame,
    new_figure,
    rc_params,
    text_width,
    year_ticks,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from spendcalc.core.result import Result
    from spendcalc.io.fiscal_data import FiscalData


def tradeoff_figure(result: Result, member: str | None = None, group: str | None = None,
                    year: int | None = None, measure: str = "baseline", *,
                    tradeoff_data: Tradeoff | None = None, fiscal: FiscalData | None = None,
                    style: Style = LIGHT, size: tuple[float, float] | None = None,
                    dpi: float | None = None, title: str | None = None,
                    subtitle: str | None = None) -> Figure:
    """One member: left, the extra spending in ``year`` as % of each budget line (both
    measures); right, gross debt (% of GDP) without and with the borrowed new money.
    A group (or every member): each member's spending ``measure`` in ``year`` as % of its
    health spending and of total government expenditure."""
    tr = tradeoff_data or tradeoff(result, member, group, year, fiscal=fiscal)
    with mpl.rc_context(rc_params(style)):
        if tr.selection.member is not None:
            fig, frame = _member_chart(tr, style, size, dpi)
        else:
            fig, frame = _group_chart(tr, check_measure(measure).key, style, size, dpi)
        # The register's ids and the version line stay in exports; readers get titles.
        fiscal_sources = [s for s in tr.sources
                          if s != result.data.vintage and not s.startswith("spendcalc")
                          and "NATO-DE-" not in s]
        footer = (f"Sources: {'; '.join([data_sources(result.data), *fiscal_sources])}. "
                  "Budget lines held at their latest share of GDP; population held at 2024.")
        draw_frame(fig, style, title or frame[0], subtitle or frame[1], footer)
    return fig


def _label_bars(ax: Axes, bars: Any, values: np.ndarray, style: Style, size: float) -> float:
    """Each bar's value at its end ("no data" where there is none); the widest label, pt."""
    widest = 0.0
    for bar, v in zip(bars, values, strict=True):
        text = "no data" if math.isnan(v) else f"{v:.1f}%"
        widest = max(widest, text_width(text, size))
        ax.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=size,
                    color=style.muted if math.isnan(v) else style.text)
    return widest


def _room_for_labels(ax: Axes, fig: Figure, high: float, label_pt: float) -> None:
    """x limits from zero that leave ``label_pt`` points after the longest bar."""
    width_pt = ax.get_position().width * fig.get_size_inches()[0] * 72
    usable = max(width_pt - label_pt - 8, width_pt * 0.5)
    ax.set_xlim(0, max(high, 1e-9) * width_pt / usable)


def _member_chart(tr: Tradeoff, style: Style, size: tuple[float, float] | None,
                  dpi: float | None) -> tuple[Figure, tuple[str, str]]:
    s, y = tr.scenario, tr.year
    row = tr.summary.iloc[0]
    fig = new_figure(style, size or (10.0, 5.0), dpi or 200.0)
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    labels = [LINE_LABELS[ln].replace("total government expenditure", "total gov. spending")
              for ln in BUDGET_LINES]
    pos = np.arange(len(BUDGET_LINES))
    height, widest, high = 0.38, 0.0, 0.0
    for k, (m, colour) in enumerate(zip(MEASURES.values(), (style.core, style.related),
                                        strict=True)):
        vals = np.array([_nan(row[f"{m.prefix}_pct_{ln}"]) for ln in BUDGET_LINES])
        bars = ax1.barh(pos + (k - 0.5) * height, np.nan_to_num(vals), height,
                        label=m.label(s), color=colour, gid=f"tradeoff-{m.key}")
        widest = max(widest, _label_bars(ax1, bars, vals, style, 7.5))
        high = max(high, float(np.nanmax(np.append(vals, 0.0))))
    ax1.set_yticks(pos, labels)
    ax1.invert_yaxis()
    ax1.set_xlabel(f"Extra defence spending in {y}, % of the budget line", color=style.muted)
    ax1.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}%"))
    clean_axes(ax1, style, grid_axis="x")
    ax1.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=1, borderaxespad=0.3)
    yearly = tr.yearly[tr.yearly.iso3 == row["iso3"]]
    fin = s.financing
    ax2.plot(yearly.year, yearly.debt_without_pct_gdp, color=style.muted, linewidth=1.8,
             label="without it (IMF to 2031, then held)", gid="debt-without")
    # The member's own colour, as in every chart where it is drawn.
    ax2.plot(yearly.year, yearly.debt_with_pct_gdp, color=ally_colour(str(row["iso3"]), style),
             linewidth=2.2,
             label=f"with it, borrowed at {fin.interest_rate_pct:g}% interest",
             gid="debt-with")
    ax2.axvline(y, color=style.muted, linewidth=0.8, linestyle=":")
    ax2.set_xticks(year_ticks(yearly.year.unique()))
    ax2.set_ylabel("Gross government debt, % of GDP", color=style.muted)
    ax2.set_ylim(bottom=0, top=float(np.nanmax(yearly.debt_with_pct_gdp)) * 1.25)
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}%"))
    clean_axes(ax2, style, grid_axis="y")
    ax2.legend(loc="lower left", bbox_to_anchor=(0, 1.0), borderaxespad=0.3)
    fig.get_layout_engine().execute(fig)  # type: ignore[union-attr]
    _room_for_labels(ax1, fig, high, widest)
    title = f"{row['member']}: the extra defence spending against public budgets, {y}"
    subtitle = (f"Scenario {s.name} · left: extra spending as % of each budget line · right: "
                f"debt if {fin.borrowed_pct:g}% of the increase over the {s.base_year} share "
                "is borrowed")
    return fig, (title, subtitle)


def _group_chart(tr: Tradeoff, measure: str, style: Style, size: tuple[float, float] | None,
                 dpi: float | None) -> tuple[Figure, tuple[str, str]]:
    s, y = tr.scenario, tr.year
    m = check_measure(measure)
    rows = tr.summary[tr.summary.armed_forces].copy()
    rows = rows.sort_values(f"{m.prefix}_pct_gov_expenditure", ascending=False)
    fig = new_figure(style, size or (9.0, max(4.0, 0.28 * len(rows) + 2.2)), dpi or 200.0)
    w, h = fig.get_size_inches()
    # A wide figure too short for one column (a slide with 32 allies): two, one x scale.
    cols = 2 if len(rows) > 12 and w >= 1.4 * h and (h - 2.2) * 72 / len(rows) < 11 else 1
    per = math.ceil(len(rows) / cols)
    axes = list(fig.subplots(1, cols, sharex=True, squeeze=False)[0])
    widest, high = 0.0, 0.0
    for k, ax in enumerate(axes):
        part = rows.iloc[k * per:(k + 1) * per]
        wide_k, high_k = _group_panel(ax, part, m.prefix, style, per)
        widest, high = max(widest, wide_k), max(high, high_k)
        ax.set_xlabel(f"Defence spending {m.label(s)} in {y}, % of the budget line",
                      color=style.muted)
    axes[0].legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, borderaxespad=0.3)
    fig.get_layout_engine().execute(fig)  # type: ignore[union-attr]
    _room_for_labels(axes[0], fig, high, widest)
    title = f"{tr.selection.label}: defence spending {m.label(s)} against public budgets, {y}"
    subtitle = (f"Scenario {s.name} · % of health spending and of total government "
                "expenditure, largest share of government expenditure first")
    return fig, (title, subtitle)


def _group_panel(ax: Axes, rows: Any, prefix: str, style: Style, per: int
                 ) -> tuple[float, float]:
    """Two bars per member (health, total government spending), labelled; the widest
    label in points and the largest value."""
    pos = np.arange(len(rows))
    height, widest, high = 0.4, 0.0, 0.0
    for k, (ln, colour) in enumerate((("health", style.related),
                                      ("gov_expenditure", style.core))):
        vals = rows[f"{prefix}_pct_{ln}"].to_numpy(float)
        bars = ax.barh(pos + (k - 0.5) * height, np.nan_to_num(vals), height, color=colour,
                       label=f"% of {LINE_LABELS[ln]}", gid=f"tradeoff-{ln}")
        widest = max(widest, _label_bars(ax, bars, vals, style, 6.5))
        high = max(high, float(np.nanmax(np.append(vals, 0.0))))
    ax.set_yticks(pos, list(rows.member), fontsize=7.5)
    ax.set_ylim(per - 0.5, -0.6)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}%"))
    clean_axes(ax, style, grid_axis="x")
    return widest, high


def _nan(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan

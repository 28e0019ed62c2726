"""The published-estimates dot plot: spendcalc's value against each published figure.

Every estimate is compared in its own unit (its currency, or its ratio or percent of GDP),
so the chart puts them on one scale: spendcalc's value as a percent of the published
figure (the published figure = 100), with the source's rounding tolerance as a band.
Numbers come from ``spendcalc.evidence.literature``; nothing is recomputed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from spendcalc.evidence.literature import Reproduction
from spendcalc.views.charts.kit import (
    LIGHT,
    Style,
    clean_axes,
    draw_frame,
    minus,
    new_figure,
    rc_params,
    row_font,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def literature_figure(reps: list[Reproduction], *, style: Style = LIGHT,
                      size: tuple[float, float] | None = None,
                      dpi: float | None = None) -> Figure:
    """One row per estimate (sorted by difference): the published figure at 100, its
    tolerance band, and spendcalc's value (percent of the published figure) as a dot."""
    rows = sorted(reps, key=lambda r: (r.difference_pct is None, r.difference_pct or 0.0))
    with mpl.rc_context(rc_params(style)):
        fig = new_figure(style, size or (9.6, 6.4), dpi or 200.0)
        ax = fig.subplots()
        _draw_rows(ax, rows, style)
        counts = {v: sum(r.verdict == v for r in reps)
                  for v in ("reproduced", "differs", "not reproducible")}
        title = "Published costings of NATO's 5% target, reproduced by spendcalc"
        subtitle = (f"{len(reps)} estimates: {counts['reproduced']} reproduced within the "
                    f"source's rounding, {counts['differs']} differ, "
                    f"{counts['not reproducible']} not reproducible · spendcalc's value as % "
                    "of the published figure (published = 100), each in its own currency or unit")
        footer = ("Sources: each estimate's publisher (spendcalc literature --json lists "
                  "them with URLs); NATO, Defence Expenditure of NATO Countries (2025 and 2026 "
                  "editions); IMF WEO October 2025. Band: the source's own rounding.")
        draw_frame(fig, style, title, subtitle, footer)
    return fig


def _draw_rows(ax: Axes, rows: list[Reproduction], style: Style) -> None:
    colour = {"reproduced": style.core, "differs": style.negative,
              "not reproducible": style.muted}
    pos = np.arange(len(rows))
    font = row_font(len(rows), 4.6)
    high = 110.0
    low = 90.0
    for y, rep in zip(pos, rows, strict=True):
        if rep.published is None or rep.low is None or rep.high is None:
            ax.annotate("not reproducible", (100, y), ha="center", va="center",
                        fontsize=font, color=style.muted)
            continue
        lo, hi = (v / rep.published * 100 for v in (rep.low, rep.high))
        ax.plot([lo, hi], [y, y], color=style.grid, linewidth=7, solid_capstyle="butt",
                gid=f"band-{rep.estimate.id}")
        ax.plot([100], [y], "o", markerfacecolor=style.background, markeredgecolor=style.text,
                markersize=6, gid=f"published-{rep.estimate.id}")
        if rep.reproduced is None:
            continue
        x = rep.reproduced / rep.published * 100
        ax.plot([100, x], [y, y], color=colour[rep.verdict], linewidth=1.2)
        ax.plot([x], [y], "o", color=colour[rep.verdict], markersize=6.5,
                gid=f"spendcalc-{rep.estimate.id}")
        label = minus(f"{x - 100:+.1f}%") if rep.verdict != "reproduced" else "reproduced"
        ax.annotate(label, (x, y), xytext=(6 if x >= 100 else -6, 0),
                    textcoords="offset points", ha="left" if x >= 100 else "right",
                    va="center", fontsize=font * 0.9, color=colour[rep.verdict])
        high, low = max(high, x, hi), min(low, x, lo)
    ax.set_yticks(pos, [f"{r.estimate.source['short']} ({str(r.estimate.source['date'])[:7]})"
                        for r in rows], fontsize=font)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    span = high - low
    ax.set_xlim(low - 0.14 * span, high + 0.14 * span)
    ax.axvline(100, color=style.muted, linewidth=0.8, linestyle=":")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("● spendcalc's value as % of the published figure (○ = 100); "
                  "grey: the source's rounding", color=style.muted)
    clean_axes(ax, style, grid_axis="x")

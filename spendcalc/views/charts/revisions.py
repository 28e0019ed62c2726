"""The revisions chart: what a new NATO edition changed in one year's shares of GDP, per ally,
an arrow from the earlier edition's figure to the later one, largest revision first.

Numbers come from ``spendcalc.core.revisions`` (the computation behind ``spendcalc data diff``);
nothing is recomputed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from spendcalc.core.revisions import Revision, revisions
from spendcalc.views.charts.kit import (
    LIGHT,
    PlotError,
    Style,
    clean_axes,
    draw_frame,
    minus,
    new_figure,
    preset_size,
    rc_params,
    row_font,
)

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset


def edition_label(data: Dataset) -> str:
    """An edition as readers know it: "nato-2026: NATO, Defence Expenditure of NATO
    Countries (2014-2026) ..., published 2026-07-10"."""
    if data.edition is None:
        return "the bundled data"
    own = f" with your data from {data.directory}" if data.directory is not None else ""
    return (f"{data.edition.name}{own}: {data.edition.title.split(', with')[0]}, published "
            f"{data.edition.published}")


def revisions_figure(old: Dataset, new: Dataset, year: int | None = None, *,
                     names: tuple[str, str] | None = None, style: Style = LIGHT,
                     size: tuple[float, float] | None = None, dpi: float | None = None,
                     title: str | None = None, subtitle: str | None = None) -> Figure:
    """Each ally's share of GDP in ``year`` (default: the earlier edition's latest year) in
    ``old`` (hollow dot) and ``new`` (filled dot, arrow from old), percent of GDP; allies
    ordered by the size of the revision, largest at the top. ``names`` label the two
    editions (default: their edition names). The new dots carry gid ``revisions-new``,
    the old ``revisions-old``; the y tick labels are the allies."""
    year = old.latest_share_year if year is None else year
    if year not in old.share_years or year not in new.share_years:
        raise PlotError(f"--year {year}: both editions need shares for it (the earlier has "
                        f"{old.share_years[0]}-{old.latest_share_year}, the later "
                        f"{new.share_years[0]}-{new.latest_share_year})")
    # The chart is about shares: allies revised only in spending (GDP) are counted apart.
    every = revisions(old, new, year)
    rows = [r for r in every if round(r.change_pct, 2) != 0]
    same = sum(m.armed_forces and m.iso3 in new.codes for m in old.members) - len(rows)
    if not rows:
        raise PlotError(f"no ally's {year} share differs between the two editions")
    a, b = names or (old.edition_name, new.edition_name)
    dpi = dpi or 200.0
    with mpl.rc_context(rc_params(style)):
        fig = new_figure(style, size or preset_size("slide", dpi) or (9.6, 5.4), dpi)
        ax = fig.subplots()
        _draw(ax, rows, style, row_font(len(rows), fig.get_size_inches()[1] - 1.6))
        ax.legend([a, b], loc="lower right", ncol=2, borderaxespad=0.2)
        up = sum(r.change_pct > 0 for r in rows)
        biggest = rows[0]
        draw_frame(
            fig, style,
            title or (f"NATO revised {year} defence spending: {biggest.member} "
                      f"{biggest.new_pct:.2f}% of GDP, not {biggest.old_pct:.2f}%"),
            subtitle or (f"Share of GDP in {year}, % · {a} (hollow) to {b} (filled) · "
                         f"{len(rows)} allies revised: {up} up, {len(rows) - up} down"
                         f"{f', {same} unchanged' if same else ''} · largest revision first"),
            f"Sources: {edition_label(old)}; {edition_label(new)}. "
            f"All revisions, with spending in USD: spendcalc data diff {a} {b}.")
    return fig


def _draw(ax: object, rows: list[Revision], style: Style, font: float) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    pos = np.arange(len(rows))
    old = np.array([r.old_pct for r in rows])
    new = np.array([r.new_pct for r in rows])
    colours = [style.core if r.change_pct > 0 else style.negative for r in rows]
    for y, r, colour in zip(pos, rows, colours, strict=True):
        ax.annotate("", xy=(r.new_pct, y), xytext=(r.old_pct, y),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.2,
                                "shrinkA": 3, "shrinkB": 3, "mutation_scale": 8})
        right = max(r.old_pct, r.new_pct)
        ax.annotate(minus(f"{r.change_pct:+.2f}"), (right, y), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=font * 0.9,
                    color=colour)
    ax.scatter(old, pos, s=22, facecolors=style.background, edgecolors=style.muted,
               linewidths=1.1, zorder=3, gid="revisions-old")
    ax.scatter(new, pos, s=24, c=colours, zorder=4, gid="revisions-new")
    ax.set_yticks(pos, [r.member for r in rows], fontsize=font)
    ax.set_ylim(len(rows) - 0.4, -0.8)
    high = float(max(old.max(), new.max()))
    ax.set_xlim(min(0.0, float(min(old.min(), new.min()))), high * 1.12)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.1f}%"))
    ax.set_xlabel("Defence spending, % of GDP", color=style.muted)
    clean_axes(ax, style, grid_axis="x")

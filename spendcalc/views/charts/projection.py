"""
    from spendcalc.core import result as api
    from spendcalc.views import charts as plots
    result = api.compute(api.load_scenario("hague-2035"))
    fig = plots.gap(result)                                  # a matplotlib Figure
    fig = plots.paths(result, members=["DEU", "FRA", "POL"])
    plots.save(fig, Path("gap.svg"))                         # byte-reproducible file

Kinds: ``gap``, ``paths``, ``heatmap``, ``stack``, ``burden`` and ``compare`` (two results).
Each function takes a :class:`~spendcalc.core.result.Result` (or its ``table`` DataFrame; pass
``meta=result.meta`` then, or the footer names the bundled data's vintage).

Every number drawn is a column of the projection table, its group aggregates or NATO's
reported history (``spendcalc.history()``); charts select, sort and lay them out. Two views split
or difference table columns for drawing only: the gap's core and related parts (``core -
baseline`` and ``related``, while the whole bar is the table's ``extra_over_baseline``), and
``compare(..., diff=True)`` (scenario B's column minus A's).

Charts use matplotlib's object API (``Figure``), never pyplot: no GUI backend is touched and
no global state changes. Text is DejaVu Sans, which ships with matplotlib."""


from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator

from spendcalc.views.charts.kit import (
    STYLE_BY_NAME,
    PlotError,
    Style,
    above_axes,
    ally_colours,
    bar_label,
    break_marks,
    clean_axes,
    draw_frame,
    measure,
    minus,
    new_figure,
    outliers,
    rc_params,
    row_font,
    text_on,
    text_width,
    wrap,
    x_limits,
)
from spendcalc.views.charts.runs import (
    Options,
    Run,
    as_run,
    chart_year,
    check_options,
    footer_text,
    matching_group,
    money_suffix,
    select_members,
    tuple_members,
    unit_text,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from spendcalc.core.dataset import Dataset
    from spendcalc.core.result import Result


MAX_LINES = 8
"""``paths`` draws at most this many members on one panel; more become small multiples."""
LARGEST = 5
"""``stack`` shows the largest allies other than the US (by base-year spending) as one band."""
REFERENCE_LINES = ((2.0, "2%: Wales guideline"), (3.5, "3.5%: Hague core target"),
                   (5.0, "5%: Hague core + related"))
NO_FORCES = "no armed forces"


# ---------------------------------------------------------------------------------------------
# The views: each selects the numbers a chart shows (and prints)


def _figure(opts: Options, default: tuple[float, float]) -> Figure:
    """A figure of the asked size (``--width``/``--height``), else the kind's ``default``."""
    size = (opts.width or default[0], opts.height or default[1])
    return new_figure(STYLE_BY_NAME[opts.style], size, opts.dpi)


@dataclass(frozen=True)
class Chart:
    """A drawn chart and the lines that summarise its numbers in the terminal."""

    kind: str
    figure: Figure
    summary: list[str]


@dataclass(frozen=True)
class _GapRows:
    """Per selected member, in chart order (the armed allies by gap, largest first, then
    those without armed forces): code, name, the total gap, its core and related parts and
    the base year's gap. NumPy and lists, so that the gap chart needs no pandas."""

    codes: list[str]
    member: list[str]
    total: np.ndarray
    core: np.ndarray
    related: np.ndarray
    today: np.ndarray
    armed: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)


def _gap_rows(run: Run, opts: Options) -> tuple[int, _GapRows]:
    """Per selected member: total gap, its core and related parts, today's gap, ordered."""
    year = chart_year(run, opts)
    codes = select_members(run, opts)
    t = run.rows(year, codes)
    base = run.rows(run.base_year, codes)
    if opts.unit == "usd":
        sfx = money_suffix(opts.prices)
        total = t[f"extra_over_baseline_usd_bn{sfx}"]
        core = t[f"core_usd_bn{sfx}"] - t[f"baseline_usd_bn{sfx}"]
        related = t[f"related_usd_bn{sfx}"]
        today = base[f"extra_over_baseline_usd_bn{sfx}"]
    else:
        total = t["total_pct"] - t["baseline_pct"]
        core = t["core_pct"] - t["baseline_pct"]
        related = t["related_pct"]
        today = base["total_pct"] - base["baseline_pct"]
    total, core, related, today = (np.asarray(v, dtype=float)
                                   for v in (total, core, related, today))
    member = [str(m) for m in t["member"]]
    armed = t["armed_forces"].astype(bool) & ~np.isnan(total)
    # Largest gap first, ties by name; the allies without armed forces last, in table order.
    order = sorted(np.flatnonzero(armed), key=lambda i: (-total[i], member[i]))
    order += list(np.flatnonzero(~armed))
    return year, _GapRows([codes[i] for i in order], [member[i] for i in order],
                          total[order], core[order], related[order], today[order],
                          armed[order])


def gap(source: Result | pd.DataFrame, *, meta: dict[str, Any] | None = None,
        data: Dataset | None = None,
        **options: Any) -> Figure:
    """Per member, sorted: how far the year's spending stands above the old 2% baseline.

    Options: ``unit`` ("usd" | "pct"), ``prices`` ("current" | "constant"), ``year``
    (default: the horizon), ``members`` or ``group``, ``cut`` (cut a bar that dwarfs the
    others, marked and labelled), ``title``, ``width``, ``height``, ``dpi``, ``style``.
    """
    return render("gap", [as_run(source, meta, data)], Options(**tuple_members(options))).figure


@dataclass(frozen=True)
class _GapBars:
    """What a gap chart draws per armed member, in row order: the whole bar (the table's
    gap), its core part, its related part and the base year's gap (the marker)."""

    members: list[str]
    codes: list[str]
    total: np.ndarray
    core: np.ndarray
    related: np.ndarray
    today: np.ndarray
    cut: np.ndarray
    n_rows: int
    """Every row, the members without armed forces (listed last) included."""

    @property
    def has_related(self) -> bool:
        return bool(np.nansum(np.abs(self.related)) > 0)

    @property
    def hi(self) -> np.ndarray:
        return np.asarray(np.maximum(np.maximum(self.total, self.core), 0.0))

    @property
    def lo(self) -> np.ndarray:
        return np.asarray(np.minimum(np.minimum(self.total, self.core), 0.0))


def _gap_bars(rows: _GapRows, opts: Options) -> _GapBars:
    armed = rows.armed
    total, core, today = rows.total[armed], rows.core[armed], rows.today[armed]
    hi = np.maximum.reduce([total, core, np.zeros_like(total)])
    return _GapBars([m for m, a in zip(rows.member, armed, strict=True) if a],
                    [c for c, a in zip(rows.codes, armed, strict=True) if a], total, core,
                    rows.related[armed], today,
                    outliers(np.maximum(hi, np.nan_to_num(today)), opts.cut), len(rows))


ROW_MIN_PT = 11.0
"""A wide figure whose single column of bars would be tighter than this per row (a slide
with 32 allies) draws two columns of bars side by side instead."""


def _bar_layout(opts: Options, n: int, row_in: float, frame_in: float
                ) -> tuple[Figure, list[Axes], list[range], float]:
    """A figure for ``n`` rows of bars: one column, or two sharing one x scale when a wide
    figure is too short for one. The axes, the rows each holds, and the tick-label size."""
    fig = _figure(opts, (8.0, frame_in + row_in * max(n, 6)))
    w, h = fig.get_size_inches()
    room = h - frame_in
    cols = 2 if n > 12 and w >= 1.4 * h and room * 72 / n < ROW_MIN_PT else 1
    per = math.ceil(n / cols)
    font = row_font(per, room)
    axes = list(fig.subplots(1, cols, sharex=True, squeeze=False)[0])
    spans = [range(k * per, min(n, (k + 1) * per)) for k in range(cols)]
    for ax in axes:
        ax.set_ylim(per - 0.5, -0.6)
    return fig, axes, spans, font


def _gap(run: Run, opts: Options) -> Chart:
    style = STYLE_BY_NAME[opts.style]
    year, rows = _gap_rows(run, opts)
    bars = _gap_bars(rows, opts)
    fig, axes, spans, font = _bar_layout(opts, len(rows), 0.235, 2.0)
    label_font = min(7.5, font)
    for k, (ax, span) in enumerate(zip(axes, spans, strict=True)):
        clean_axes(ax, style)
        _draw_gap_panel(ax, bars, span, rows.member, style, font, k)
    baseline = f"{run.baseline_pct:g}%"
    _gap_legend(axes[0], bars, style, baseline, f"{run.base_year} (today)", len(axes))
    what = f"{run.currency} bn" if opts.unit == "usd" else "percentage points of GDP"
    prices = f", {opts.prices} prices" if opts.unit == "usd" else ""
    _x_labels(fig, axes, f"Spending above {baseline} of GDP in {year}, {what}{prices}",
              style)
    goal = (f"the old {baseline} guideline" if run.baseline_pct == 2.0
            else f"a baseline of {baseline} of GDP")
    title = opts.title or f"How far each ally would spend above {goal} in {year}"
    subtitle = (f"Scenario {run.name} · {unit_text(run, opts)} · {year} defence spending minus "
                f"{baseline} of GDP, largest first · ◆ where the ally stands in "
                f"{run.base_year}")
    notes = [f"Bar cut to fit the others: {bars.members[i]} (its value is printed on it)."
             for i in np.flatnonzero(bars.cut)]
    draw_frame(fig, style, title, opts.subtitle or subtitle, footer_text([run], notes))
    per_pt = _gap_limits(fig, axes[0], bars, str(opts.unit), label_font)
    hollow = False
    for ax, span in zip(axes, spans, strict=True):
        hollow |= _label_gap_panel(ax, bars, span, run, str(opts.unit), style, label_font,
                                   per_pt)
    legend = axes[0].get_legend()
    if hollow and legend is not None:  # say what a hollow marker is
        legend.texts[-1].set_text(f"{run.base_year} (today; hollow on short bars)")
    return Chart("gap", fig, _gap_summary(run, opts, year, rows))


def _x_labels(fig: Figure, axes: list[Axes], text: str, style: Style) -> None:
    """The axis label under each column of bars, wrapped to the column's width (two
    columns on a slide leave about half the figure to each)."""
    room = fig.get_size_inches()[0] * 72 / len(axes) - 110  # less the member names
    label = "\n".join(wrap(text, room, 8)) if len(axes) > 1 else text
    for ax in axes:
        ax.set_xlabel(label, fontsize=8, color=style.muted)


def _draw_gap_panel(ax: Axes, bars: _GapBars, span: range, names: list[str], style: Style,
                    font: float, panel: int) -> None:
    """The bars of rows ``span``: the whole gap (related colour), the core part over it from
    zero, and the base year's marker; the zero line and the member names."""
    idx = [i for i in span if i < len(bars.total)]
    y = np.array(idx, dtype=float) - span.start
    core = bars.core[idx]
    related = np.nan_to_num(bars.related[idx])
    core_colours = [style.core if v >= 0 else style.negative for v in core]
    # Where a bar has no related part, it is all core: one colour, no fringe at the edges.
    total_colours = [style.related if r > 0 else c
                     for r, c in zip(related, core_colours, strict=True)]
    total_bars = ax.barh(y, bars.total[idx], height=GAP_BAR, color=total_colours, zorder=2)
    core_bars = ax.barh(y, core, height=GAP_BAR, zorder=3, color=core_colours)
    for i, t_bar, c_bar in zip(idx, total_bars, core_bars, strict=True):
        t_bar.set_gid(f"gap-total-{bars.codes[i]}")
        c_bar.set_gid(f"gap-core-{bars.codes[i]}")
    marker = ax.scatter(bars.today[idx], y, marker="D", s=min(16.0, (font * 0.5) ** 2),
                        color=style.marker, edgecolors=style.background, linewidths=0.7,
                        zorder=4)
    marker.set_gid("gap-today" + (f"-{panel + 1}" if panel else ""))
    ax.axvline(0, color=style.axis, linewidth=0.9, zorder=3)
    ax.set_yticks(np.arange(len(span)), labels=[names[i] for i in span], fontsize=font)
    ax.tick_params(axis="x", labeltop=True, labelsize=7.5)


GAP_BAR = 0.72
"""A gap bar's height, in rows."""
SMALL_BAR_PT = 16.0
"""A bar drawn shorter than this many points gets a hollow base-year marker, so that the
marker does not hide it (Latvia, Estonia, Montenegro in USD)."""


def _gap_legend(ax: Axes, bars: _GapBars, style: Style, baseline: str, today: str,
                columns: int) -> None:
    handles: list[Any] = [Patch(color=style.core, label=(
        f"Core defence above {baseline} of GDP" if bars.has_related
        else f"Spending above {baseline} of GDP"))]
    if bars.has_related:
        handles.append(Patch(color=style.related, label="Defence-related"))
    if np.any(bars.core < 0):
        handles.append(Patch(color=style.negative, label=f"Below {baseline} of GDP"))
    handles.append(Line2D([], [], linestyle="", marker="D", markersize=4.5,
                          color=style.marker, markeredgecolor=style.background, label=today))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1),
              ncol=4 if columns == 1 else 2, bbox_transform=above_axes(ax, 14),
              borderaxespad=0, handlelength=1.2, columnspacing=1.4, fontsize=7.8)


def _gap_limits(fig: Figure, ax: Axes, bars: _GapBars, unit: str, label_font: float) -> float:
    """Axis limits from zero, with room for each label at its bar's end (cut bars
    excepted); the axis units per point."""
    widths = np.array([text_width(bar_label(v, unit), label_font) + 12 for v in bars.total])
    keep = ~bars.cut
    today = np.nan_to_num(bars.today[keep], nan=0.0)
    total = bars.total[keep]
    his = [np.maximum(bars.hi[keep], today), np.zeros(1)]
    los = [np.minimum(bars.lo[keep], today), np.zeros(1)]
    room_hi = [np.where(total >= 0, widths[keep], 0.0), np.zeros(1)]
    # A marker at or left of zero needs its own half-width of room, or the axis edge cuts it.
    room_lo = [np.maximum(np.where(total < 0, widths[keep], 0.0),
                          np.where(today <= np.minimum(bars.lo[keep], 0.0), MARKER_PT, 0.0)),
               np.zeros(1)]
    per_pt, _, _ = _set_x_limits(fig, ax, (los, his, room_hi, room_lo), unit,
                                 bars.n_rows > len(bars.total), label_font)
    return per_pt


def _set_x_limits(fig: Figure, ax: Axes, extents: tuple[list[np.ndarray], ...], unit: str,
                  no_forces: bool, label_font: float) -> tuple[float, float, float]:
    """Set a bar chart's x limits from the bars' (low, high) ends and the room their labels
    need beyond them, in points; with ``no_forces`` also room for that note from zero.
    Returns the axis units per point, the low and the high limit."""
    los, his, room_hi, room_lo = (list(part) for part in extents)
    if no_forces:
        room_hi.append(np.array([text_width(NO_FORCES, label_font) + 6]))
        for part in (his, los, room_lo):
            part.append(np.zeros(1))
    axes_pt = measure(fig, ax)[0]
    low, high = x_limits(np.concatenate(los), np.concatenate(his), np.concatenate(room_hi),
                         np.concatenate(room_lo), axes_pt)
    ax.set_xlim(low, high)
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda v, _: minus(f"{v:,.0f}" if unit == "usd" else f"{v:g}")))
    return (high - low) / axes_pt, low, high


def _label_gap_panel(ax: Axes, bars: _GapBars, span: range, run: Run, unit: str,
                     style: Style, label_font: float, per_pt: float) -> bool:
    """Each bar's value past its end (and past the marker where it is close); cut bars
    carry their parts inside, clear of the cut mark; hollow markers on short bars (True
    if there are any)."""
    idx = [i for i in span if i < len(bars.total)]
    marker = next(c for c in ax.collections if (c.get_gid() or "").startswith("gap-today"))
    short = [abs(bars.hi[i] - bars.lo[i]) < SMALL_BAR_PT * per_pt for i in idx]
    marker.set_facecolor(["none" if s else style.marker for s in short])
    marker.set_edgecolor([style.marker if s else style.background for s in short])
    marker.set_linewidth([0.9 if s else 0.7 for s in short])
    high = ax.get_xlim()[1]
    for i in idx:
        y = i - span.start
        if bars.cut[i]:
            _label_cut_bar(ax, bars, i, y, run, unit, style, label_font, per_pt, high)
            continue
        v, c = bars.total[i], bars.core[i]
        mark = bars.today[i] if not math.isnan(bars.today[i]) else 0.0
        if v >= 0:
            end = max(v, c)
            near = mark >= end - 6 * per_pt
            anchor, dx = (max(end, mark), 8) if near else (end, 3)
        else:
            end = min(v, c)
            near = mark <= end + 6 * per_pt
            anchor, dx = (min(end, mark), -8) if near else (end, -3)
        ax.annotate(bar_label(v, unit), (anchor, y), xytext=(dx, 0),
                    textcoords="offset points", ha="left" if v >= 0 else "right",
                    va="center", fontsize=label_font, color=style.text)
    for k in span[len(idx):]:
        ax.annotate(NO_FORCES, (0, k - span.start), xytext=(4, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=label_font, style="italic",
                    color=style.muted)
    return any(short)


MARKER_PT = 4.5
"""Half a base-year marker's width and a little air, in points."""
CUT_CLEAR_PT = 12.0
"""Space between a cut bar's text and its cut mark, in points."""


def _label_cut_bar(ax: Axes, bars: _GapBars, i: int, y: float, run: Run, unit: str,
                   style: Style, label_font: float, per_pt: float, high: float) -> None:
    mark = high - 14 * per_pt
    break_marks(ax, mark, y, GAP_BAR, style, per_pt)
    parts = (f"core {bar_label(bars.core[i], unit)}, related "
             f"{bar_label(bars.related[i], unit)}; " if bars.has_related else "")
    total = bar_label(bars.total[i], unit)
    texts = (f"{total} ({parts}{run.base_year}: {bar_label(bars.today[i], unit)}), bar cut",
             f"{total}, bar cut", total)
    # The longest wording that fits inside the bar (narrow columns on a slide cut it short):
    # bold text runs about 0.62 of the font size per character.
    room_pt = max(0.0, mark / per_pt - CUT_CLEAR_PT - 4)
    text = next((s for s in texts if len(s) * 0.62 * label_font <= room_pt), texts[-1])
    under = style.core if bars.core[i] >= mark else style.related
    ax.annotate(text, (mark, y), xytext=(-CUT_CLEAR_PT, 0), textcoords="offset points",
                ha="right", va="center", fontsize=label_font, fontweight="bold",
                color=text_on(under), gid="gap-cut-label")


def _gap_summary(run: Run, opts: Options, year: int, rows: _GapRows) -> list[str]:
    unit = str(opts.unit)
    armed = [(m, float(v)) for m, v, a in zip(rows.member, rows.total, rows.armed, strict=True)
             if a]
    baseline = f"{run.baseline_pct:g}%"
    lines = [f"Spending above {baseline} of GDP in {year}, {scenario_unit(run, opts)} "
             f"({run.name}):"]
    top = armed[:5]
    group = matching_group(run, rows.codes, opts)
    total_line = None
    if group is not None and unit == "usd":
        v = run.aggregate(group[0], year, f"extra_over_baseline_usd_bn{money_suffix(opts.prices)}")
        total_line = None if v is None else (group[1], _plain(v, unit))
    elif group is not None:
        v = run.aggregate(group[0], year, "total_pct")
        total_line = None if v is None else (group[1], f"{v:.2f}% of GDP")
    width = max(len(m) for m in [*(m for m, _ in top), total_line[0] if total_line else ""])
    for rank, (member, v) in enumerate(top, 1):
        lines.append(f"  {rank}. {member:<{width}} {_plain(v, unit):>12}")
    below = [m for m, v in armed if v < 0]
    if below:
        lines.append(f"  below the baseline: {', '.join(below)}")
    if total_line is not None:
        lines.append(f"     {total_line[0]:<{width}} {total_line[1]:>12}")
    return lines


def scenario_unit(run: Run, opts: Options) -> str:
    return "points of GDP" if opts.unit == "pct" else unit_text(run, opts)


def _plain(value: float, unit: str) -> str:
    return f"{value:+,.2f} pt" if unit == "pct" else f"{value:+,.1f}"



# -- paths ------------------------------------------------------------------------------------


def _history(run: Run, history: pd.DataFrame | None) -> pd.DataFrame:
    if history is not None:
        return history
    from spendcalc.core.tables import history_table

    return history_table(run.data)


def paths(source: Result | pd.DataFrame, *, meta: dict[str, Any] | None = None,
        data: Dataset | None = None,
          history: pd.DataFrame | None = None, **options: Any) -> Figure:
    """Core share of GDP over time: reported history (solid) and projection (dashed).

    Options: ``members`` (default: the six largest spenders) or ``group``, ``grid`` (small
    multiples; automatic above eight members), ``title``, ``width``, ``height``, ``dpi``,
    ``style``. ``history`` defaults to the run's data's history.
    """
    return render("paths", [as_run(source, meta, data)], Options(**tuple_members(options)),
                  history=history).figure


def _path_series(run: Run, codes: Sequence[str], hist: pd.DataFrame
                 ) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per member: (history years, history shares incl. the base year, projection years,
    projected shares incl. the base year)."""
    out = {}
    base = run.base_year
    for code in codes:
        h = hist[(hist.iso3 == code) & (hist.year < base)].sort_values("year")
        t = run.table[run.table.iso3 == code].sort_values("year")
        first = t[t.year == base]
        hx = np.concatenate([h.year.to_numpy(dtype=float), first.year.to_numpy(dtype=float)])
        hy = np.concatenate([h.core_pct.to_numpy(dtype=float),
                             first.core_pct.to_numpy(dtype=float)])
        out[code] = (hx, hy, t.year.to_numpy(dtype=float), t.core_pct.to_numpy(dtype=float))
    return out


def _spread(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Move label positions (any unit) apart by at least ``gap``, staying in [low, high]."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    pos = [wanted[i] for i in order]
    for _ in range(50):
        moved = False
        for i in range(1, len(pos)):
            if pos[i] - pos[i - 1] < gap - 1e-9:
                mid = (pos[i] + pos[i - 1]) / 2
                pos[i - 1], pos[i] = mid - gap / 2, mid + gap / 2
                moved = True
        if pos and pos[0] < low:
            shift = low - pos[0]
            pos = [p + shift for p in pos]
        if pos and pos[-1] > high:
            shift = pos[-1] - high
            pos = [p - shift for p in pos]
        if not moved:
            break
    out = [0.0] * len(wanted)
    for i, p in zip(order, pos, strict=True):
        out[i] = p
    return out


def _reference_lines(ax: Axes, style: Style) -> None:
    for level, _ in REFERENCE_LINES:
        ax.axhline(level, color=style.muted, linewidth=0.8, linestyle=(0, (1, 1.5)), zorder=1)


def _label_references(ax: Axes, style: Style, series: Sequence[tuple[np.ndarray, np.ndarray]],
                      width_pt: float, height_pt: float, size: float) -> None:
    """Name each reference line just above it, where no data line runs through the text."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    xu, yu = (x1 - x0) / width_pt, (y1 - y0) / height_pt
    for level, text in REFERENCE_LINES:
        tw = (text_width(text, size) + 4) * xu
        for above in (True, False):
            lo = level + 1.5 * yu if above else level - (size * 1.25 + 1.5) * yu
            hi = lo + size * 1.25 * yu
            spot = None
            for start in np.arange(x0 + 2 * xu, x1 - tw, 0.25):
                xs = np.linspace(start, start + tw, 12)
                clear = True
                for sx, sy in series:
                    ys = np.interp(xs, sx, sy, left=np.nan, right=np.nan)
                    if np.any((ys > lo - 2.5 * yu) & (ys < hi + 2.5 * yu)):
                        clear = False
                        break
                if clear:
                    spot = float(start)
                    break
            if spot is not None:
                ax.text(spot, lo, text, fontsize=size, color=style.muted, ha="left",
                        va="bottom", zorder=2)
                break
        else:
            ax.text(x0 + 2 * xu, level + 1.5 * yu, text, fontsize=size, color=style.muted,
                    ha="left", va="bottom", zorder=5,
                    bbox={"boxstyle": "square,pad=0.1", "lw": 0, "fc": style.background,
                          "alpha": 0.85})


def _shade_projection(ax: Axes, style: Style, base: int, end: float, label: bool) -> None:
    ax.axvspan(base, end, color=style.shade, zorder=0, linewidth=0)
    if label:
        ax.annotate("projection", (base, 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -4), textcoords="offset points", ha="left", va="top",
                    fontsize=7.5, color=style.muted, style="italic")


def _year_ticks(first: float, last: int, step: int = 2) -> list[int]:
    """Every ``step`` years counting back from ``last`` (so the horizon is labelled)."""
    return list(range(last, math.ceil(first) - 1, -step))[::-1]


def _paths(run: Run, opts: Options, history: pd.DataFrame | None) -> Chart:
    style = STYLE_BY_NAME[opts.style]
    chosen = select_members(run, opts)
    base_rows = run.at(run.base_year)
    if opts.members is None and opts.group is None and not opts.grid:
        spend = base_rows.loc[chosen, "total_usd_bn"].dropna()
        chosen = [c for c in chosen if c in spend.sort_values(ascending=False).index[:6]]
    armed = [c for c in chosen if bool(base_rows.loc[c, "armed_forces"])
             and not math.isnan(float(base_rows.loc[c, "core_pct"]))]  # type: ignore[arg-type]
    unarmed = [c for c in chosen if c not in armed]
    if not armed:
        listed = ", ".join(str(base_rows.loc[c, "member"]) for c in chosen)
        raise PlotError(f"paths: nothing to draw: {listed} has {NO_FORCES}")
    hist = _history(run, history)
    series = _path_series(run, armed, hist)
    grid = opts.grid or len(armed) > MAX_LINES
    first = int(min(s[0][0] for s in series.values()))
    names = {c: str(base_rows.loc[c, "member"]) for c in chosen}
    top = max(5.6, max(float(np.nanmax(np.concatenate([s[1], s[3]]))) for s in series.values())
              * 1.08)
    title = opts.title or (f"Core defence spending as a share of GDP, {first}–{run.horizon}")
    subtitle = (f"Scenario {run.name} · % of GDP, NATO definition · solid: reported by NATO "
                f"({run.base_year}: estimate); dashed: projection")
    notes = []
    if unarmed:
        notes.append(f"{', '.join(names[c] for c in unarmed)}: {NO_FORCES} "
                     "(no defence spending).")
    footer = footer_text([run], notes)
    if grid:
        subtitle += " · dotted lines at 2%, 3.5% and 5% of GDP"
        fig = _paths_grid(run, opts, style, armed + unarmed, series, names, first, top)
        draw_frame(fig, style, title, opts.subtitle or subtitle, footer)
    else:
        fig = _paths_single(run, opts, style, armed, series, names, first, top,
                            (title, subtitle, footer))
    lines = [f"Core defence spending, % of GDP ({run.name}):"]
    width = max(len(names[c]) for c in armed)
    for code in armed:
        hx, hy, px, py = series[code]
        lines.append(f"  {names[code]:<{width}}  {int(hx[0])}: {hy[0]:5.2f}   "
                     f"{run.base_year}: {py[0]:5.2f}   {int(px[-1])}: {py[-1]:5.2f}")
    if grid and not opts.grid:
        lines.append(f"  ({len(armed)} members: drawn as small multiples)")
    return Chart("paths", fig, lines)


def _draw_path(ax: Axes, code: str, data: tuple[np.ndarray, ...], colour: str,
               width: float) -> None:
    hx, hy, px, py = data
    ax.plot(hx, hy, color=colour, linewidth=width, solid_capstyle="round", zorder=3,
            gid=f"paths-history-{code}")
    ax.plot(px, py, color=colour, linewidth=width, linestyle=(0, (3.2, 1.6)), zorder=3,
            gid=f"paths-projection-{code}")


def _paths_single(run: Run, opts: Options, style: Style, codes: list[str],
                  series: Mapping[str, tuple[np.ndarray, ...]], names: dict[str, str],
                  first: int, top: float, frame: tuple[str, str, str]) -> Figure:
    fig = _figure(opts, (8.0, 5.6))
    ax = fig.add_subplot()
    clean_axes(ax, style, grid_axis="y")
    _shade_projection(ax, style, run.base_year, run.horizon + 0.4, True)
    _reference_lines(ax, style)
    label_size = 7.8
    ends = []
    for i, code in enumerate(codes):
        colour = ally_colours(codes, style)[codes[i]]
        _draw_path(ax, code, series[code], colour, 1.9)
        ends.append(float(series[code][3][-1]))
    ax.set_xlim(first - 0.3, run.horizon + 0.4)
    ax.set_ylim(0, top)
    ax.yaxis.set_major_locator(MultipleLocator(1))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
    ax.set_xticks(_year_ticks(first, run.horizon, 2 if run.horizon - first > 12 else 1))
    ax.tick_params(axis="x", labelsize=7.5)
    handles = [Line2D([], [], color=style.text, linewidth=1.6, label="Reported (NATO)"),
               Line2D([], [], color=style.text, linewidth=1.6, linestyle=(0, (3.2, 1.6)),
                      label=f"Projection ({run.name})"),
               Line2D([], [], color=style.muted, linewidth=0.8, linestyle=(0, (1, 1.5)),
                      label="Reference levels")]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), ncol=3,
              bbox_transform=above_axes(ax, 5),
              borderaxespad=0, handlelength=2.4)
    draw_frame(fig, style, frame[0], opts.subtitle or frame[1], frame[2])
    # Direct labels at the line ends, spread apart so that none overlap.
    texts = [f"{names[code]} {ends[i]:.1f}%" for i, code in enumerate(codes)]
    label_w = max(text_width(t, label_size, "bold") for t in texts) + 16
    width_pt, height_pt = measure(fig, ax)
    pt_per_unit = height_pt / top
    wanted = [e * pt_per_unit for e in ends]
    placed = _spread(wanted, label_size * 1.3, 0, height_pt)
    for i in range(len(codes)):
        colour = ally_colours(codes, style)[codes[i]]
        ax.annotate(texts[i], (run.horizon, ends[i]),
                    xytext=(14, placed[i] - wanted[i]), textcoords="offset points",
                    ha="left", va="center", fontsize=label_size, color=colour,
                    fontweight="bold", annotation_clip=False,
                    arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.6,
                                "shrinkA": 2, "shrinkB": 1, "relpos": (0, 0.5)})
    lines = [(np.concatenate([s[0], s[2]]), np.concatenate([s[1], s[3]]))
             for s in series.values()]
    _label_references(ax, style, lines, width_pt - label_w, height_pt, 7)
    return fig


def grid_columns(n: int, width_in: float, height_in: float, aspect: float = 1.6) -> int:
    """The number of columns for ``n`` panels in ``width_in`` x ``height_in`` inches whose
    panels come closest to ``aspect`` (width : height)."""
    def misfit(cols: int) -> float:
        rows = math.ceil(n / cols)
        return abs(math.log((width_in / cols) / (max(height_in, 0.5) / rows) / aspect))

    return min(range(1, n + 1), key=misfit)


def _paths_grid(run: Run, opts: Options, style: Style, codes: list[str],
                series: Mapping[str, tuple[np.ndarray, ...]], names: dict[str, str],
                first: int, top: float) -> Figure:
    n = len(codes)
    ncols = 4 if n > 9 else 3 if n > 4 else n
    if opts.width and opts.height:  # a set size (a slide): panels closest to 1.6 : 1
        ncols = grid_columns(n, opts.width, opts.height - 1.9)
    nrows = math.ceil(n / ncols)
    fig = _figure(opts, (9.0, 1.7 + 1.45 * nrows))
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    colour = style.core
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.set_visible(False)
            continue
        code = codes[k]
        clean_axes(ax, style, grid_axis="y")
        ax.grid(False)
        _shade_projection(ax, style, run.base_year, run.horizon + 0.5, False)
        _reference_lines(ax, style)
        ax.set_title(names[code], loc="left", fontsize=8.2, fontweight="bold", pad=3,
                     color=style.text)
        if code in series:
            _draw_path(ax, code, series[code], colour, 1.5)
            end = float(series[code][3][-1])
            ax.annotate(f"{end:.1f}", (run.horizon, end), xytext=(2, 3),
                        textcoords="offset points", ha="right", va="bottom", fontsize=6.5,
                        color=style.text)
        else:
            ax.annotate(NO_FORCES, (0.5, 0.5), xycoords="axes fraction", ha="center",
                        va="center", fontsize=7, style="italic", color=style.muted)
        ax.set_xlim(first - 0.5, run.horizon + 0.5)
        ax.set_ylim(0, top)
        ax.set_yticks([0, 2, 3.5, 5], labels=["0", "2", "3.5", "5%"])
        ax.set_xticks([first + 1, run.base_year, run.horizon] if run.base_year - first > 4
                      else [run.base_year, run.horizon])
        ax.tick_params(labelsize=6.5, pad=2)
    return fig


# -- heatmap ----------------------------------------------------------------------------------


def heatmap(source: Result | pd.DataFrame, *, meta: dict[str, Any] | None = None,
        data: Dataset | None = None,
            **options: Any) -> Figure:
    """Members x years, total share of GDP (core + related), annotated, sorted by the
    horizon-year share. Options: ``members`` or ``group``, ``title``, size, ``style``."""
    return render("heatmap", [as_run(source, meta, data)],
                  Options(**tuple_members(options))).figure


def _heatmap(run: Run, opts: Options) -> Chart:
    style = STYLE_BY_NAME[opts.style]
    codes = select_members(run, opts)
    years = run.years
    wide = run.table.pivot(index="iso3", columns="year", values="total_pct").loc[codes, years]
    end = run.at(run.horizon).loc[codes]
    start = run.at(run.base_year).loc[codes]
    import pandas as pd

    order = pd.DataFrame({"end": end.total_pct, "start": start.total_pct, "member": end.member})
    armed = order[order.end.notna()].sort_values(["end", "start", "member"],
                                                 ascending=[False, False, True], kind="stable")
    order = pd.concat([armed, order[order.end.isna()]])
    values = wide.loc[order.index].to_numpy(dtype=float)
    fig, axes, spans, font = _bar_layout(opts, len(values), 0.25, 2.2)
    cmap = mpl.colormaps[style.cmap].with_extremes(bad=style.missing)
    norm = heat_norm(values)
    for ax, span in zip(axes, spans, strict=True):
        image = _heat_panel(ax, values[span.start:span.stop], list(order.member[span.start:
                                                                               span.stop]),
                            years, cmap, norm, style, font, len(spans[0]))
    _heat_colourbar(fig, axes, image, norm, style)
    title = opts.title or f"Defence spending as a share of GDP, {years[0]}–{years[-1]}"
    subtitle = (f"Scenario {run.name} · core + related spending, % of GDP · allies sorted by "
                f"their {years[-1]} share · {years[0]}: NATO estimates, later years projected")
    draw_frame(fig, style, title, opts.subtitle or subtitle, footer_text([run]))
    lines = [f"Total defence spending (core + related), % of GDP ({run.name}), "
             f"{years[0]} to {years[-1]}:"]
    width = max(len(str(s)) for s in armed.member) if len(armed) else 0
    shown = armed if len(armed) <= 10 else pd.concat([armed.head(5), armed.tail(5)])
    for k, (_, row) in enumerate(shown.iterrows()):
        if len(armed) > 10 and k == 5:
            lines.append("  ...")
        lines.append(f"  {row.member:<{width}}  {row.start:5.2f} -> {row.end:5.2f}")
    return Chart("heatmap", fig, lines)


def heat_norm(values: np.ndarray) -> mpl.colors.Normalize:
    """A colour scale over the data's own range (to the half point), at least one point
    wide, so that cells of 2 to 3% of GDP differ visibly."""
    low = math.floor(float(np.nanmin(values)) * 2) / 2 if np.isfinite(values).any() else 0.0
    high = math.ceil(float(np.nanmax(values)) * 2) / 2 if np.isfinite(values).any() else 1.0
    return mpl.colors.Normalize(vmin=low, vmax=max(high, low + 1.0))


def _heat_panel(ax: Axes, values: np.ndarray, names: list[str], years: list[int], cmap: Any,
                norm: mpl.colors.Normalize, style: Style, font: float, rows: int) -> Any:
    """Rows of cells, each annotated with its share; a member without forces says so."""
    n, m = values.shape
    image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap=cmap, norm=norm,
                      interpolation="nearest", extent=(-0.5, m - 0.5, n - 0.5, -0.5))
    image.set_gid("heatmap-image")
    cell_font = min(7.2, font * 0.95)
    for i in range(n):
        if np.all(np.isnan(values[i])):
            ax.text((m - 1) / 2, i, NO_FORCES, ha="center", va="center", fontsize=cell_font,
                    style="italic", color=text_on(style.missing))
            continue
        for j in range(m):
            v = values[i, j]
            ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=cell_font,
                    color=text_on(mpl.colors.to_hex(cmap(norm(v)))))
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_yticks(range(n), labels=names, fontsize=font)
    ax.set_xticks(range(m), labels=[str(y) for y in years], fontsize=7.5)
    ax.tick_params(length=0, labeltop=True, labelbottom=False, pad=3)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xticks(np.arange(-0.5, m), minor=True)
    ax.set_yticks(np.arange(-0.5, n), minor=True)
    ax.grid(which="minor", color=style.background, linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    return image


def _heat_colourbar(fig: Figure, axes: list[Axes], image: Any, norm: mpl.colors.Normalize,
                    style: Style) -> None:
    bar = fig.colorbar(image, ax=axes, shrink=0.5, aspect=30, pad=0.015)
    bar.set_label("% of GDP", fontsize=7.5, color=style.text)
    bar.ax.tick_params(labelsize=7, length=2, color=style.muted, labelcolor=style.text)
    bar.outline.set_visible(False)
    low, high = float(norm.vmin or 0.0), float(norm.vmax or 1.0)
    for level in (2.0, 3.5, 5.0):  # the reference levels, where the scale reaches them
        if low < level < high:
            bar.ax.axhline(level, color=style.background, linewidth=1)


# -- stack ------------------------------------------------------------------------------------


def stack(source: Result | pd.DataFrame, *, meta: dict[str, Any] | None = None,
        data: Dataset | None = None,
          **options: Any) -> Figure:
    """Total spending (USD bn) over the years, stacked: the US, the largest other allies,
    the rest; the 2% baseline of the same allies as a line (from the group aggregates).
    Options: ``members`` or ``group``, ``prices``, ``title``, size, ``style``."""
    return render("stack", [as_run(source, meta, data)], Options(**tuple_members(options))).figure


def _stack(run: Run, opts: Options) -> Chart:
    style = STYLE_BY_NAME[opts.style]
    sfx = money_suffix(opts.prices)
    codes = select_members(run, opts)
    us, largest, rest, unarmed = _stack_groups(run, codes, f"total_usd_bn{sfx}")
    years = np.array(run.years, dtype=float)
    wide = run.table.pivot(index="iso3", columns="year", values=f"total_usd_bn{sfx}")
    fig = _figure(opts, (8.0, 5.6))
    ax = fig.add_subplot()
    clean_axes(ax, style, grid_axis="y")
    handles, inner, top = _draw_stack_bands(ax, run, wide, (us, largest, rest), style)
    group = matching_group(run, [c for c in codes if c not in unarmed] + unarmed, opts)
    summary_rows: list[tuple[str, float, float]] = []
    notes = []
    if group is not None and run.aggregates is not None:
        summary_rows = _stack_baseline(ax, run, group, sfx, style, handles)
    else:
        notes.append("No 2% baseline line: these members are not a group with an aggregate "
                     "(use --group or all members).")
    if unarmed:
        names = ", ".join(str(run.at(run.base_year).loc[c, "member"]) for c in unarmed)
        notes.append(f"{names}: {NO_FORCES}.")
    ax.set_xlim(years[0], years[-1])
    ax.set_ylim(0, float(np.nanmax(top)) * 1.08)
    ax.xaxis.set_major_locator(MultipleLocator(1))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.tick_params(axis="x", labelsize=7.5)
    ax.set_ylabel(unit_text(run, opts), fontsize=8, color=style.muted)
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), ncol=4,
              bbox_transform=above_axes(ax, 5),
              borderaxespad=0, handlelength=1.4, fontsize=7.8)
    title = opts.title or f"Defence spending of NATO allies, {run.base_year}–{run.horizon}"
    if group is not None and group[0] != "nato":
        title = opts.title or f"Defence spending, {group[1]}, {run.base_year}–{run.horizon}"
    subtitle = (f"Scenario {run.name} · {unit_text(run, opts)} · core + related spending, "
                f"stacked by ally; largest European allies by {run.base_year} spending, each "
                "in its own colour")
    draw_frame(fig, style, title, opts.subtitle or subtitle, footer_text([run], notes))
    _name_stack_bands(fig, ax, inner, years)
    first, last = wide[run.years[0]], wide[run.years[-1]]
    for code in us + largest:
        summary_rows.append((str(run.at(run.base_year).loc[code, "member"]),
                             float(first[code]), float(last[code])))
    width = max(len(r[0]) for r in summary_rows)
    lines = [f"Defence spending, {unit_text(run, opts)} ({run.name}):",
             f"  {'':<{width}} {run.base_year:>9} {run.horizon:>9}"]
    lines += [f"  {r[0]:<{width}} {r[1]:>9,.1f} {r[2]:>9,.1f}" for r in summary_rows]
    return Chart("stack", fig, lines)


def _stack_groups(run: Run, codes: list[str], col: str
                  ) -> tuple[list[str], list[str], list[str], list[str]]:
    """The US, the largest European allies (by base-year spending), the rest, and the
    members without spending."""
    base = run.at(run.base_year).loc[codes]
    spending = base[base[col].notna() & base.armed_forces.astype(bool)]
    unarmed = [c for c in codes if c not in spending.index]
    if not len(spending):
        names = ", ".join(str(base.loc[c, "member"]) for c in unarmed)
        raise PlotError(f"stack: nothing to draw: {names} has {NO_FORCES}")
    ranked = list(spending[col].sort_values(ascending=False, kind="stable").index)
    europe = {m.iso3 for m in run.data.members if m.region == "europe"}
    us = [c for c in ranked if c == "USA"]
    european = [c for c in ranked if c in europe]
    largest = european[:LARGEST] if len(ranked) - len(us) > LARGEST + 1 else european
    rest = [c for c in ranked if c not in us and c not in largest]
    return us, largest, rest, unarmed


def _draw_stack_bands(ax: Axes, run: Run, wide: pd.DataFrame,
                      groups: tuple[list[str], list[str], list[str]], style: Style
                      ) -> tuple[list[Any], list[tuple[str, np.ndarray, np.ndarray, str]],
                                 np.ndarray]:
    """The US and each of the largest allies in its own ally colour, the rest as one grey
    band; legend handles, the named bands (code, lower, upper, colour) and the top edge."""
    us, largest, rest = groups
    years = np.array(run.years, dtype=float)
    colours = ally_colours(us + largest, style)
    names = {c: str(run.at(run.base_year).loc[c, "member"]) for c in us + largest}
    bands = ([("stack-band-0", us, colours["USA"], "United States")] if us else [])
    bands += [(f"stack-ally-{c}", [c], colours[c], names[c]) for c in largest]
    if rest:
        bands.append(("stack-band-2", rest, style.others, f"Other {len(rest)} allies"))
    lower = np.zeros(len(years))
    handles: list[Any] = []
    inner: list[tuple[str, np.ndarray, np.ndarray, str]] = []
    for gid, members, colour, label in bands:
        start = lower
        for code in members:
            lower = lower + wide.loc[code, run.years].to_numpy(dtype=float)
        poly = ax.fill_between(years, start, lower, facecolor=colour, linewidth=0, zorder=2)
        poly.set_gid(gid)
        ax.plot(years, lower, color=style.background, linewidth=0.7, zorder=3)
        handles.append(Patch(color=colour, label=label))
        if gid.startswith("stack-ally-"):
            inner.append((members[0], start, lower, colour))
    return handles, inner, lower


def _stack_baseline(ax: Axes, run: Run, group: tuple[str, str], sfx: str, style: Style,
                    handles: list[Any]) -> list[tuple[str, float, float]]:
    """The group's 2% baseline (dashed) and its total, labelled at both ends."""
    assert run.aggregates is not None
    a = run.aggregates[run.aggregates.group == group[0]].sort_values("year")
    years = a.year.to_numpy(dtype=float)
    bl = a[f"baseline_usd_bn{sfx}"].to_numpy()
    line = ax.plot(years, bl, color=style.text, linewidth=1.6, linestyle=(0, (4, 2)), zorder=4,
                   label=f"2% of GDP baseline ({group[1]})")[0]
    line.set_gid("stack-baseline")
    handles.append(line)
    total = a[f"total_usd_bn{sfx}"].to_numpy()
    ax.annotate(f"{group[1]}: {total[-1]:,.0f}", (years[-1], total[-1]), xytext=(-2, 5),
                textcoords="offset points", ha="right", va="bottom", fontsize=7.8,
                fontweight="bold", color=style.text)
    ax.annotate(f"{total[0]:,.0f} in {run.base_year}", (years[0], total[0]), xytext=(2, 5),
                textcoords="offset points", ha="left", va="bottom", fontsize=7.8,
                fontweight="bold", color=style.text)
    ax.annotate(f"2% baseline: {bl[-1]:,.0f}", (years[-1], bl[-1]), xytext=(-2, 5),
                textcoords="offset points", ha="right", va="bottom", fontsize=7.5,
                color=style.text, bbox={"boxstyle": "round,pad=0.15", "lw": 0,
                                        "fc": style.background, "alpha": 0.85})
    return [(group[1], total[0], total[-1]), (f"  2% baseline of {group[1]}", bl[0], bl[-1])]


def _name_stack_bands(fig: Figure, ax: Axes, inner: list[tuple[str, np.ndarray, np.ndarray,
                                                                 str]], years: np.ndarray
                      ) -> None:
    """Each largest ally's code inside its band at the right end, where it fits."""
    height_pt = measure(fig, ax)[1]
    per_pt = ax.get_ylim()[1] / height_pt
    for code, low, up, colour in inner:
        if (up[-1] - low[-1]) / per_pt >= 8.5:
            ax.text(years[-1] - 0.08, (low[-1] + up[-1]) / 2, code, ha="right", va="center",
                    fontsize=6.5, color=text_on(colour), zorder=4, gid=f"stack-name-{code}")


# -- burden -----------------------------------------------------------------------------------


def burden(source: Result | pd.DataFrame, *, meta: dict[str, Any] | None = None,
        data: Dataset | None = None,
           history: pd.DataFrame | None = None, **options: Any) -> Figure:
    """The US share of the allies' total defence spending: history (solid) and projection
    (dashed). Options: ``title``, size, ``style``; ``history`` defaults to the history of
    the run's data."""
    return render("burden", [as_run(source, meta, data)], Options(**tuple_members(options)),
                  history=history).figure


def history_us_share(hist: pd.DataFrame, iso3: str = "USA") -> pd.Series:
    """A member's share of all members' reported spending per year, percent (the history
    table's ``share_of_total_pct``)."""
    rows = hist[hist.iso3 == iso3].set_index("year")
    return rows["share_of_total_pct"].astype(float)


def _burden(run: Run, opts: Options, history: pd.DataFrame | None) -> Chart:
    style = STYLE_BY_NAME[opts.style]
    if "USA" not in run.codes:
        raise PlotError(f"burden: scenario {run.name} does not include the United States")
    hist = _history(run, history)
    share = history_us_share(hist)
    share = share[share.index < run.base_year]
    t = run.table[run.table.iso3 == "USA"].sort_values("year")
    px = t.year.to_numpy(dtype=float)
    py = t.share_of_total_pct.to_numpy(dtype=float)
    hx = np.append(share.index.to_numpy(dtype=float), px[0])
    hy = np.append(share.to_numpy(dtype=float), py[0])
    fig = _figure(opts, (8.0, 5.0))
    ax = fig.add_subplot()
    clean_axes(ax, style, grid_axis="y")
    _shade_projection(ax, style, run.base_year, run.horizon + 0.4, True)
    xs = np.concatenate([hx, px[1:]])
    ys = np.concatenate([hy, py[1:]])
    ax.fill_between(xs, 0, ys, color=style.core, alpha=0.22, linewidth=0, zorder=1)
    ax.plot(hx, hy, color=style.core, linewidth=2.2, zorder=3, gid="burden-history")
    ax.plot(px, py, color=style.core, linewidth=2.2, linestyle=(0, (3.2, 1.6)), zorder=3,
            gid="burden-projection")
    ax.axhline(50, color=style.muted, linewidth=0.8, linestyle=(0, (1, 1.5)), zorder=2)
    ax.annotate("half of the allies' total", (xs[0], 50), xytext=(2, 3),
                textcoords="offset points", fontsize=7, color=style.muted)
    points = [(hx[0], hy[0]), (px[0], py[0]), (px[-1], py[-1])]
    for k, (x, v) in enumerate(points):
        ax.plot([x], [v], marker="o", markersize=4.5, color=style.core, zorder=4)
        ax.annotate(f"{v:.1f}%", (x, v), xytext=(0, 7), textcoords="offset points",
                    ha="left" if k == 0 else "right" if k == 2 else "center", va="bottom",
                    fontsize=8, fontweight="bold", color=style.text)
    ax.annotate("United States", (xs[0], 6), xytext=(6, 0), textcoords="offset points",
                fontsize=9, fontweight="bold", color=style.core if style.name == "light"
                else style.text, va="bottom")
    ax.annotate("All other allies", (xs[0], 94), xytext=(6, 0), textcoords="offset points",
                fontsize=9, color=style.muted, va="top")
    ax.set_xlim(xs[0] - 0.4, xs[-1] + 0.4)
    ax.set_ylim(0, 100)
    ax.yaxis.set_major_locator(MultipleLocator(25))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
    ax.set_xticks(_year_ticks(xs[0], int(xs[-1]), 2 if xs[-1] - xs[0] > 12 else 1))
    ax.tick_params(axis="x", labelsize=7.5)
    title = opts.title or (f"The US share of NATO allies' defence spending, {int(xs[0])}–"
                           f"{int(xs[-1])}")
    subtitle = (f"Scenario {run.name} · % of all allies' spending in current USD · solid: "
                f"reported (core defence); dashed: projection (core + related)")
    draw_frame(fig, style, title, opts.subtitle or subtitle, footer_text([run]))
    lines = [f"US share of the allies' defence spending ({run.name}):",
             f"  {int(hx[0])}: {hy[0]:.1f}%   {run.base_year}: {py[0]:.1f}%   "
             f"{run.horizon}: {py[-1]:.1f}%"]
    return Chart("burden", fig, lines)


# -- compare ----------------------------------------------------------------------------------


def compare(a: Result | pd.DataFrame, b: Result | pd.DataFrame, *,
            meta_a: dict[str, Any] | None = None, meta_b: dict[str, Any] | None = None,
            data: Dataset | None = None, **options: Any) -> Figure:
    """Two scenarios' spending per member in one year, side by side (or ``diff=True``: B - A).
    Options: ``unit``, ``prices``, ``year``, ``members`` or ``group``, ``cut``, ``title``,
    size, ``style``."""
    return render("compare", [as_run(a, meta_a, data), as_run(b, meta_b, data)],
                  Options(**tuple_members(options))).figure


@dataclass(frozen=True)
class _Series:
    """One set of bars in a compare chart: its key (a, b or d), offset and height in rows,
    colour per armed row, and legend label."""

    key: str
    offset: float
    height: float
    colours: list[str]
    label: str


def _compare_rows(a: Run, b: Run, opts: Options, year: int, col: str
                  ) -> tuple[pd.DataFrame, int]:
    """Per member: A's and B's value (and B - A with --diff), armed members sorted first;
    with --changed-only, only the rows where the two differ. Also the count hidden."""
    codes = select_members(a, opts)
    missing = [c for c in codes if c not in b.codes]
    if missing:
        raise PlotError(f"compare: {', '.join(missing)} not in scenario {b.name}")
    ta, tb = a.at(year).loc[codes], b.at(year).loc[codes]
    import pandas as pd

    rows = pd.DataFrame({"member": ta.member, "a": ta[col], "b": tb[col]})
    if opts.diff:
        rows["d"] = rows.b - rows.a
    key = "d" if opts.diff else "a"
    armed_mask = rows.a.notna() & rows.b.notna()
    hidden = 0
    if opts.changed_only:
        changed = armed_mask & ((rows.b - rows.a).abs() > 1e-9)
        hidden = int((~changed).sum())
        if not changed.any():
            raise PlotError(f"--changed-only: {a.name} and {b.name} agree for every ally "
                            f"in {year}; nothing to draw")
        rows, armed_mask = rows[changed], armed_mask[changed]
    armed = rows[armed_mask].sort_values([key, "b", "member"], ascending=[False, False, True],
                                         kind="stable")
    return pd.concat([armed, rows[~armed_mask]]), hidden


def _compare_series(a: Run, b: Run, armed: pd.DataFrame, diff: bool, style: Style
                    ) -> list[_Series]:
    if diff:
        return [_Series("d", 0.0, 0.72, [style.core if v >= 0 else style.negative
                                         for v in armed.d], f"{b.name} minus {a.name}")]
    return [_Series("a", -0.2, 0.38, [style.core] * len(armed), a.name),
            _Series("b", 0.2, 0.38, [style.related] * len(armed), b.name)]


def _compare_unit(a: Run, opts: Options) -> str:
    """The unit of the values drawn: a difference of shares is in percentage points."""
    if opts.diff and opts.unit == "pct":
        return "percentage points of GDP"
    return unit_text(a, opts)


def _compare(a: Run, b: Run, opts: Options) -> Chart:
    style = STYLE_BY_NAME[opts.style]
    year = chart_year(a, opts, b)
    unit = str(opts.unit)
    col = f"total_usd_bn{money_suffix(opts.prices)}" if unit == "usd" else "total_pct"
    rows, hidden = _compare_rows(a, b, opts, year, col)
    n = len(rows)
    armed = rows[rows.a.notna() & rows.b.notna()]
    fig, axes, spans, font = _bar_layout(opts, n, 0.235 if opts.diff else 0.34, 2.2)
    pitch = (fig.get_size_inches()[1] - 2.2) * 72 / len(spans[0])
    # Side by side, two labels share a row: each keeps under half of the row's height.
    label_font = min(7.2, font * (1.0 if opts.diff else 0.86),
                     99.0 if opts.diff else max(5.0, pitch * 0.42))
    series = _compare_series(a, b, armed, opts.diff, style)
    values = {s.key: armed[s.key].to_numpy(dtype=float) for s in series}
    extent = np.max(np.abs(np.vstack(list(values.values()))), axis=0)
    cut = outliers(extent, opts.cut)
    for ax, span in zip(axes, spans, strict=True):
        clean_axes(ax, style)
        _draw_compare_panel(ax, span, armed, list(rows.member), series, values, style, font)
    what = _compare_unit(a, opts)
    _x_labels(fig, axes, f"{'Change in ' if opts.diff else ''}{year} defence spending "
              f"(core + related), {what}", style)
    notes = [f"Bars cut to fit the others: {armed.member.iloc[i]} (values printed on them)."
             for i in np.flatnonzero(cut)]
    agree = not np.any(extent > 1e-9)
    if agree:
        notes.append(f"The two scenarios give the same values in {year}.")
    if hidden:
        notes.append(f"{hidden} allies with the same value in both scenarios are not shown "
                     "(--changed-only).")
    handles = _compare_legend(axes[0], a, b, values, style, opts.diff)
    title, subtitle = _compare_titles(a, b, opts, year, what, bool(handles))
    draw_frame(fig, style, title, subtitle, footer_text([a, b], notes))
    per_pt, high, low = _compare_limits(fig, axes[0], series, values, cut, n > len(armed),
                                        unit, opts.diff, label_font, agree)
    for ax, span in zip(axes, spans, strict=True):
        _label_compare_panel(ax, span, series, values, cut, (low, high, per_pt), unit,
                             opts.diff, style, label_font)
    return Chart("compare", fig, _compare_summary(a, b, opts, year, rows, armed, col))


def _draw_compare_panel(ax: Axes, span: range, armed: pd.DataFrame, names: list[str],
                        series: list[_Series], values: dict[str, np.ndarray], style: Style,
                        font: float) -> None:
    idx = [i for i in span if i < len(armed)]
    y = np.array(idx, dtype=float) - span.start
    for s in series:
        bars = ax.barh(y + s.offset, values[s.key][idx], height=s.height,
                       color=[s.colours[i] for i in idx], label=s.label, zorder=2)
        for i, bar in zip(idx, bars, strict=True):
            bar.set_gid(f"compare-{s.key}-{armed.index[i]}")
    ax.axvline(0, color=style.axis, linewidth=0.9, zorder=3)
    ax.set_yticks(np.arange(len(span)), labels=[names[i] for i in span], fontsize=font)
    ax.tick_params(axis="x", labeltop=True, labelsize=7.5)


def _compare_legend(ax: Axes, a: Run, b: Run, values: dict[str, np.ndarray], style: Style,
                    diff: bool) -> list[Any]:
    if diff:
        d = values["d"]
        handles = ([Patch(color=style.core, label=f"{b.name} higher")] if np.any(d > 0)
                   else []) + ([Patch(color=style.negative, label=f"{b.name} lower")]
                               if np.any(d < 0) else [])
    else:
        handles = [Patch(color=style.core, label=a.name),
                   Patch(color=style.related, label=b.name)]
    if handles:
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), ncol=2,
                  bbox_transform=above_axes(ax, 14),
                  borderaxespad=0, handlelength=1.2, fontsize=7.8)
    return handles


def _compare_titles(a: Run, b: Run, opts: Options, year: int, what: str, any_bars: bool
                    ) -> tuple[str, str]:
    if opts.diff:
        title = opts.title or f"{b.name} minus {a.name}: defence spending in {year}"
        subtitle = f"{what} · difference per ally, largest increase first"
        if not any_bars:
            subtitle += f" · the two scenarios agree for every ally in {year}"
    else:
        title = opts.title or f"Defence spending in {year}: {a.name} and {b.name}"
        subtitle = f"{what} · per ally, sorted by {a.name}"
    if opts.changed_only:
        subtitle += " · only allies whose value differs"
    return title, opts.subtitle or subtitle


def _compare_limits(fig: Figure, ax: Axes, series: list[_Series],
                    values: dict[str, np.ndarray], cut: np.ndarray, unarmed: bool, unit: str,
                    diff: bool, label_font: float, agree: bool) -> tuple[float, float, float]:
    """Axis limits from zero with room for the labels (cut bars excepted): units per
    point, the upper and the lower limit."""
    keep = ~cut
    his, los, ehi, elo = [np.zeros(1)], [np.zeros(1)], [np.zeros(1)], [np.zeros(1)]
    for s in series:
        v = values[s.key]
        w = np.array([text_width(bar_label(x, unit, signed=diff), label_font) + 8 for x in v])
        his.append(np.maximum(v[keep], 0))
        los.append(np.minimum(v[keep], 0))
        ehi.append(np.where(v[keep] >= 0, w[keep], 0))
        elo.append(np.where(v[keep] < 0, w[keep], 0))
    per_pt, low, high = _set_x_limits(fig, ax, (los, his, ehi, elo), unit, unarmed,
                                      label_font)
    if agree:  # all zero: whole-number ticks, not 0 0 0 1 1 1 over a sliver of an axis
        ax.xaxis.set_major_locator(MultipleLocator(max(1.0, round((high - low) / 4))))
    return per_pt, high, low


def _label_compare_panel(ax: Axes, span: range, series: list[_Series],
                         values: dict[str, np.ndarray], cut: np.ndarray,
                         limits: tuple[float, float, float], unit: str, diff: bool,
                         style: Style, label_font: float) -> None:
    low, high, per_pt = limits
    n_armed = len(cut)
    for s in series:
        for i in (i for i in span if i < n_armed):
            x, y = values[s.key][i], i - span.start + s.offset
            text = bar_label(x, unit, signed=diff)
            if cut[i]:
                mark = high - 14 * per_pt if x >= 0 else low + 14 * per_pt
                break_marks(ax, mark, y, s.height, style, per_pt)
                ax.annotate(f"{text}, bar cut", (mark, y),
                            xytext=(-CUT_CLEAR_PT if x >= 0 else CUT_CLEAR_PT, 0),
                            textcoords="offset points", ha="right" if x >= 0 else "left",
                            va="center", fontsize=label_font, fontweight="bold",
                            color=text_on(s.colours[i]))
            else:
                ax.annotate(text, (x, y), xytext=(3 if x >= 0 else -3, 0),
                            textcoords="offset points", ha="left" if x >= 0 else "right",
                            va="center", fontsize=label_font, color=style.text)
    for k in span:
        if k >= n_armed:
            ax.annotate(NO_FORCES, (0, k - span.start), xytext=(4, 0),
                        textcoords="offset points", ha="left", va="center",
                        fontsize=label_font, style="italic", color=style.muted)


def _compare_summary(a: Run, b: Run, opts: Options, year: int, rows: pd.DataFrame,
                     armed: pd.DataFrame, col: str) -> list[str]:
    unit = str(opts.unit)
    what = _compare_unit(a, opts) if not opts.diff else unit_text(a, opts)
    change = (armed.b - armed.a).abs()  # which rows to print: where the scenarios differ most
    if change.max() > 0:
        differ = change[change > 0].sort_values(ascending=False, kind="stable")
        show = armed.loc[differ.index].head(5)
        heading = f"Defence spending in {year}, {what}, largest differences:"
    else:
        show = armed.head(5)
        heading = f"Defence spending in {year}, {what} (the same in both scenarios):"
    group = matching_group(a, list(rows.index), opts)
    totals = None
    if group is not None:
        va, vb = a.aggregate(group[0], year, col), b.aggregate(group[0], year, col)
        totals = None if va is None or vb is None else (group[1], va, vb)
    name_w = max([len(str(m)) for m in show.member] + [len(totals[0]) if totals else 0])
    col_w = max(12, len(a.name) + 2, len(b.name) + 2)
    head = f"  {'':<{name_w + 3}} {a.name:>{col_w}} {b.name:>{col_w}}"
    lines = [heading, head + (f" {'difference':>12}" if opts.diff else "")]
    for rank, (_, row) in enumerate(show.iterrows(), 1):
        extra = f" {_plain(row.d, unit):>12}" if opts.diff else ""
        lines.append(f"  {rank}. {row.member:<{name_w}} {_plain2(row.a, unit):>{col_w}} "
                     f"{_plain2(row.b, unit):>{col_w}}{extra}")
    if totals is not None:
        lines.append(f"     {totals[0]:<{name_w}} {_plain2(totals[1], unit):>{col_w}} "
                     f"{_plain2(totals[2], unit):>{col_w}}")
    return lines


def _plain2(value: float, unit: str) -> str:
    return f"{value:.2f}%" if unit == "pct" else f"{value:,.1f}"



def render(kind: str, runs: Sequence[Run], opts: Options,
           history: pd.DataFrame | None = None) -> Chart:
    """Draw ``kind`` for ``runs`` (two for compare, else one) with validated ``opts``."""
    opts = check_options(kind, opts)
    style = STYLE_BY_NAME[opts.style]
    with mpl.rc_context(rc_params(style)):
        if kind == "compare":
            if len(runs) != 2:
                raise PlotError("compare needs two scenarios: spendcalc plot compare A B")
            return _compare(runs[0], runs[1], opts)
        if len(runs) != 1:
            raise PlotError(f"{kind} takes one scenario; only compare takes two")
        run = runs[0]
        if kind == "gap":
            return _gap(run, opts)
        if kind == "paths":
            return _paths(run, opts, history)
        if kind == "heatmap":
            return _heatmap(run, opts)
        if kind == "stack":
            return _stack(run, opts)
        return _burden(run, opts, history)




def default_output(kind: str, names: Sequence[str]) -> Path:
    """``KIND-SCENARIO.png`` (``compare-A-vs-B.png``) in the current folder."""
    return Path(f"{kind}-{'-vs-'.join(names)}.png")

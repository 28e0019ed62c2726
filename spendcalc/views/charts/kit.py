"""The chart kit: styles, text measurement, the frame (title, subtitle, footer), axes,
bar helpers, ally colours, and the one figure writer (reproducible PNG, SVG, PDF)."""


from __future__ import annotations

import difflib
import functools
import io
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.transforms import offset_copy

from spendcalc.core.errors import SpendcalcError, SpendcalcWarning
from spendcalc.core.version import __version__

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.typing import RcKeyType

    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Source





STYLES = ("light", "dark")
SUFFIXES = (".png", ".svg", ".pdf")
DEFAULT_DPI = 200.0


FONT = "DejaVu Sans"
FONT_STACK = (FONT, "sans-serif")
"""SVG text names this stack: DejaVu Sans (which ships with matplotlib, so the layout is
measured with it), else the viewer's sans-serif."""


class PlotError(SpendcalcError):
    """A chart cannot be drawn as asked (unknown kind, member, group, unit, year, ...)."""



# ---------------------------------------------------------------------------------------------
# Styles


@dataclass(frozen=True)
class Style:
    """Colours of one style. Palettes are colour-blind safe (Paul Tol, Okabe-Ito) and the
    two-tone pairs differ in lightness, so charts also read in greyscale."""

    name: str
    background: str
    text: str
    muted: str
    grid: str
    axis: str
    core: str
    related: str
    negative: str
    marker: str
    shade: str
    palette: tuple[str, ...]
    bands: tuple[str, str, str]
    cmap: str = "cividis"
    missing: str = "#D9D9D9"
    others: str = "#BDBDBD"
    """Allies drawn together as "the others", apart from the allies' own colours."""


LIGHT = Style(
    name="light", background="#FFFFFF", text="#1A1A1A", muted="#595959", grid="#E4E4E4",
    axis="#333333", core="#004488", related="#DDAA33", negative="#BB5566", marker="#000000",
    shade="#F2F2F2",
    palette=("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#882255", "#56B4E9",
             "#7F7F7F", "#000000", "#999933"),
    bands=("#004488", "#BB5566", "#DDAA33"),
)
DARK = Style(
    name="dark", background="#15191F", text="#ECECEC", muted="#A9AFB8", grid="#2C333D",
    axis="#C8CDD4", core="#6699CC", related="#EECC66", negative="#EE99AA", marker="#FFFFFF",
    shade="#1E242C",
    palette=("#56B4E9", "#E69F00", "#2FBF8F", "#E08FC0", "#F0E442", "#FF7F50", "#FFFFFF",
             "#A0A0A0", "#CC6677", "#BBCC33"),
    bands=("#6699CC", "#EE99AA", "#EECC66"),
    missing="#3A414B",
    others="#59616C",
)
STYLE_BY_NAME = {"light": LIGHT, "dark": DARK}

ALLY_ORDER = ("USA", "DEU", "GBR", "FRA", "POL", "ITA", "CAN", "ESP", "TUR", "NLD")
"""The largest spenders get the palette's colours in this order; any other ally gets one
from its code, so an ally has the same colour in every chart and in the report."""


def ally_colour(iso3: str, style: Style | str = "light") -> str:
    """The one colour (``#RRGGBB``) of the ally ``iso3`` in ``style`` ("light", "dark" or a
    Style): the same in every chart, the report and the explorer, never chosen by position.

        >>> ally_colour("DEU")
        '#D55E00'
    """
    if isinstance(style, str):
        style = STYLE_BY_NAME[style]
    iso3 = iso3.upper()
    n = len(style.palette)
    if iso3 in ALLY_ORDER:
        return style.palette[ALLY_ORDER.index(iso3) % n]
    return style.palette[sum(ord(c) * (k + 1) for k, c in enumerate(iso3)) % n]


def ally_colours(codes: Sequence[str], style: Style) -> dict[str, str]:
    """Each ally's own colour; where two allies drawn together share one, the later one
    takes the next free colour (so lines in one chart stay apart)."""
    out: dict[str, str] = {}
    for code in codes:
        colour = ally_colour(code, style)
        if colour in out.values():
            free = [c for c in style.palette if c not in out.values()]
            colour = free[0] if free else colour
        out[code] = colour
    return out


SIZES = {"slide": (9.6, 5.4), "a4": (8.27, 11.69), "square": (7.2, 7.2)}
"""Size presets in inches: ``slide`` is 16:9 (1920 x 1080 px at 200 dpi), ``a4`` portrait,
``square`` for social media."""


def preset_size(size: str | None, dpi: float = DEFAULT_DPI) -> tuple[float, float] | None:
    """The inches of a ``--size`` preset; a slide is 1920 x 1080 px at any dpi."""
    if size is None:
        return None
    if size not in SIZES:
        close = difflib.get_close_matches(size, list(SIZES), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise PlotError(f"--size: unknown size {size!r}; {hint}allowed: {', '.join(SIZES)}")
    if size == "slide":
        return (1920 / dpi, 1080 / dpi)
    return SIZES[size]


_FULL_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def source_title(source_id: str, sources: Mapping[str, Source]) -> str:
    """A source as a reader knows it: "NATO, Defence Expenditure of NATO Countries
    2014–2025 (Aug 2025)", from the register's title and publication date."""
    for suffix in ("-PRESS", "-EST", "-derived"):  # variants of an edition: name the edition
        if source_id.endswith(suffix) and source_id.removesuffix(suffix) in sources:
            source_id = source_id.removesuffix(suffix)
    src = sources.get(source_id)
    if src is None:
        return source_id
    title = re.sub(r"\((\d{4})-(\d{4})\)", "\\1–\\2", src.title)
    title = re.split(r"\s\(|:|, (?:Table|Excel)", title, maxsplit=1)[0].strip()
    match = re.match(r"(\d{4})-(\d{2})", src.published)
    if match:
        month = _MONTHS[int(match[2]) - 1]
        full = _FULL_MONTHS[int(match[2]) - 1]
        # "IMF World Economic Outlook, October 2025": the date goes in brackets, once.
        title = re.sub(rf",? {full} {match[1]}", "", title)
        title += f" ({month} {match[1]})"
    return title


def data_sources(data: Dataset) -> str:
    """The sources behind a projection, for readers: the defence shares' editions, the GDP
    series and the growth projections, each named once."""
    col = data.share_years.index(data.latest_share_year)
    ids = sorted({row[col] for row in data.share_sources} - {""})
    ids += [*data.gdp_source_ids, *data.projection_source_ids]
    names = list(dict.fromkeys(source_title(i, data.sources) for i in ids))
    mine = f" (with your data: {data.directory})" if data.directory is not None else ""
    return "; ".join(names) + mine


def rc_params(style: Style) -> dict[RcKeyType, Any]:
    """matplotlib settings for ``style``, for ``matplotlib.rc_context``."""
    return {
        "font.family": list(FONT_STACK), "font.size": 8.5, "text.color": style.text,
        "axes.facecolor": style.background, "axes.edgecolor": style.axis,
        "axes.labelcolor": style.text, "axes.labelsize": 8.5, "axes.titlesize": 9,
        "xtick.color": style.muted, "ytick.color": style.muted,
        "xtick.labelcolor": style.text, "ytick.labelcolor": style.text,
        "xtick.labelsize": 8, "ytick.labelsize": 8,
        "figure.facecolor": style.background, "legend.fontsize": 8,
        "legend.frameon": False, "axes.unicode_minus": True,
        "svg.hashsalt": "spendcalc", "svg.fonttype": "none", "pdf.fonttype": 42,
    }



# ---------------------------------------------------------------------------------------------
# Text, layout and footer


_T2P = TextToPath()


@functools.cache
def _font(size: float, weight: str) -> FontProperties:
    return FontProperties(family=FONT, size=size, weight=weight)


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width of ``text`` in points, as matplotlib will draw it."""
    return float(_T2P.get_text_width_height_descent(text, _font(size, weight),
                                                     ismath=False)[0])


def _joined(words: Sequence[str]) -> str:
    """Words joined by single spaces, as a line grows word by word (an empty line takes the
    next word without a space)."""
    line = ""
    for word in words:
        line = f"{line} {word}" if line else word
    return line


def wrap(text: str, width_pt: float, size: float, weight: str = "normal") -> list[str]:
    """Greedy word wrap to ``width_pt`` points: each line takes the most words that fit, and
    at least one. A line only widens as words are added, so its words are found by bisection:
    a few measurements a line instead of one a word (each costs ~15 µs a character)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split(" ")
        start = 0
        while True:
            fits = start + 1  # the words[start:fits] always make a line
            while fits < len(words) and not _joined(words[start:fits]):
                fits += 1
            last = len(words)
            while fits < last:
                mid = (fits + last + 1) // 2
                if text_width(_joined(words[start:mid]), size, weight) > width_pt:
                    last = mid - 1
                else:
                    fits = mid
            lines.append(_joined(words[start:fits]))
            start = fits
            if start >= len(words):
                break
    return lines


TITLE_SIZE = 12.5
SUBTITLE_SIZE = 8.8
FOOTER_SIZE = 6.8
PAD_IN = 0.14


def new_figure(style: Style, size: tuple[float, float], dpi: float = DEFAULT_DPI) -> Figure:
    """An empty figure of ``size`` inches in ``style``, laid out by constrained layout.

    It gets an Agg canvas from the start: laying it out and writing its PNG then share one
    renderer (and its cache of text sizes) instead of making a new one each time."""
    fig = Figure(figsize=size, dpi=dpi, layout="constrained", facecolor=style.background)
    FigureCanvasAgg(fig)
    return fig


def draw_frame(fig: Figure, style: Style, title: str, subtitle: str, footer: str) -> None:
    """Title and subtitle at the top, footer at the bottom; the axes fill the space between."""
    w, h = fig.get_size_inches()
    usable = (w - 2 * PAD_IN) * 72
    top = PAD_IN
    for i, line in enumerate(wrap(title, usable, TITLE_SIZE, "bold")):
        fig.text(PAD_IN / w, 1 - top / h, line, ha="left", va="top", fontsize=TITLE_SIZE,
                 fontweight="bold", color=style.text, gid=f"title-{i}")
        top += TITLE_SIZE * 1.3 / 72
    top += 0.03
    for i, line in enumerate(wrap(subtitle, usable, SUBTITLE_SIZE)):
        fig.text(PAD_IN / w, 1 - top / h, line, ha="left", va="top", fontsize=SUBTITLE_SIZE,
                 color=style.muted, gid=f"subtitle-{i}")
        top += SUBTITLE_SIZE * 1.35 / 72
    top += 0.06
    version = f"spendcalc {__version__}"
    room = usable - text_width(version, FOOTER_SIZE) - 12
    lines = [part for para in footer.split("\n") for part in wrap(para, room, FOOTER_SIZE)]
    step = FOOTER_SIZE * 1.38 / 72
    bottom = 0.1
    for i, line in enumerate(lines):  # top to bottom, so that the texts read in order
        y = (bottom + (len(lines) - 1 - i) * step) / h
        fig.text(PAD_IN / w, y, line, ha="left", va="bottom", fontsize=FOOTER_SIZE,
                 color=style.muted, gid=f"footer-{i}")
    fig.text(1 - PAD_IN / w, bottom / h, version, ha="right", va="bottom",
             fontsize=FOOTER_SIZE, color=style.muted, gid="footer-version")
    foot = bottom + len(lines) * step + 0.08
    rect = (0.0, foot / h, 1.0, max(0.05, 1 - (top + foot) / h))
    fig.get_layout_engine().set(rect=rect, w_pad=4 / 72, h_pad=4 / 72)  # type: ignore[union-attr,call-arg]


def above_axes(ax: Axes, points: float) -> Any:
    """Axes coordinates shifted up by ``points``: room for tick labels under a legend."""
    fig = ax.get_figure(root=True)
    return offset_copy(ax.transAxes, fig=fig if isinstance(fig, Figure) else None, y=points,
                       units="points")


def clean_axes(ax: Axes, style: Style, *, grid_axis: Literal["x", "y"] = "x") -> None:
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, pad=3)
    ax.grid(True, axis=grid_axis, color=style.grid, linewidth=0.7)
    ax.set_axisbelow(True)


def year_ticks(years: Any, most: int = 8) -> list[int]:
    """Ticks that label the first and the last year, at most ``most`` of them where a step
    allows; else every other year counting back from the last (the horizon is labelled)."""
    listed: list[int] = [int(y) for y in years]
    for step in range(1, 4):
        if (len(listed) - 1) % step == 0 and len(listed[::step]) <= most:
            return listed[::step]
    return listed[::-1][::2][::-1]


def minus(text: str) -> str:
    return text.replace("-", "\u2212")


def bar_label(value: float, unit: str, signed: bool = True) -> str:
    """A bar label: USD bn with 0 decimals from 10 on, shares with 1 decimal."""
    if unit == "pct":
        text = f"{value:+.1f}" if signed else f"{value:.1f}"
    else:
        digits = 0 if abs(value) >= 9.95 else 1
        text = f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"
    if text.lstrip("+-") in ("0.0", "0"):
        text = text.lstrip("+-")  # no sign on a value that rounds to zero
    return minus(text)


# ---------------------------------------------------------------------------------------------
# Horizontal bars (gap and compare)



def outliers(extent: np.ndarray, cut: bool) -> np.ndarray:
    """Rows whose bar is more than 2.5 times the largest of the others (at most 2)."""
    out = np.zeros(len(extent), dtype=bool)
    if not cut or len(extent) < 4:
        return out
    order = np.argsort(-extent, kind="stable")
    for k in (1, 2):
        rest = extent[order[k]]
        if rest > 0 and extent[order[k - 1]] > 2.5 * rest:
            out[order[:k]] = True
            break
    return out


def x_limits(lo: np.ndarray, hi: np.ndarray, label_pt: np.ndarray, left_text_pt: np.ndarray,
              axes_pt: float) -> tuple[float, float]:
    """Axis limits from zero that leave room for each bar's label at its outer end."""
    low = min(0.0, float(np.nanmin(lo)) if len(lo) else 0.0)
    high = max(0.0, float(np.nanmax(hi)) if len(hi) else 1.0)
    if high == low:
        high = low + 1.0
    for _ in range(4):
        span = high - low
        per_pt = span / axes_pt
        need_hi = np.where(hi > 0, hi, 0.0) + label_pt * per_pt
        need_lo = np.where(lo < 0, lo, 0.0) - left_text_pt * per_pt
        high = max(high, float(np.nanmax(need_hi)) if len(need_hi) else high)
        low = min(low, float(np.nanmin(need_lo)) if len(need_lo) else low)
    return low, high


def break_marks(ax: Axes, x: float, y: float, height: float, style: Style,
                 per_pt: float) -> None:
    """Two slanted strokes across a cut bar."""
    d = 2.5 * per_pt
    for dx in (-2.4 * per_pt, 2.4 * per_pt):
        ax.plot([x + dx - d, x + dx + d], [y + height / 2 + 0.06, y - height / 2 - 0.06],
                color=style.background, linewidth=1.8, solid_capstyle="butt", zorder=5,
                clip_on=False)


def measure(fig: Figure, ax: Axes) -> tuple[float, float]:
    """Lay the figure out now; the plot area's width and height in points."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    box = ax.get_position()
    w, h = fig.get_size_inches()
    return float(box.width * w * 72), float(box.height * h * 72)


def row_font(n_rows: int, axes_h_in: float) -> float:
    """Tick-label size that keeps ``n_rows`` labels apart; warns when they cannot be."""
    pitch = axes_h_in * 72 / max(n_rows, 1)
    if pitch < 8.0:
        need = math.ceil((n_rows * 8.0 / 72 + 2.2) * 2) / 2
        warnings.warn(f"{n_rows} rows do not fit readably in this height; labels may touch "
                      f"(try --height {need:g})", SpendcalcWarning, stacklevel=3)
    return float(min(8.5, max(5.0, pitch * 0.62)))


def text_on(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    r, g, b = mpl.colors.to_rgb(colour)
    return "#111111" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "#FFFFFF"


# ---------------------------------------------------------------------------------------------
# Writing figures: the one place a chart becomes bytes


def check_output(path: Path, *, force: bool = False) -> None:
    """Fail before any work on an unknown suffix, a missing folder or an existing file."""
    from spendcalc.io import outputs

    outputs.check_output(path, force=force, formats=SUFFIXES)


def to_bytes(fig: Figure, fmt: str, dpi: float | None = None) -> bytes:
    """The figure as PNG, SVG or PDF bytes; the same figure always gives the same bytes."""
    fmt = fmt.lower().lstrip(".")
    title = " ".join(t.get_text() for t in fig.texts
                     if (t.get_gid() or "").startswith("title-"))
    metadata: dict[str, Any] = {
        "png": {"Software": None, "Title": title},
        "svg": {"Date": None, "Creator": None, "Title": title},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Title": title},
    }[fmt]
    buf = io.BytesIO()
    # SVG keeps text as <text> (searchable, editable, small); PDF embeds TrueType.
    with mpl.rc_context({"svg.hashsalt": "spendcalc", "svg.fonttype": "none",
                         "font.sans-serif": [FONT], "pdf.fonttype": 42}):
        fig.savefig(buf, format=fmt, dpi=dpi or fig.dpi, metadata=metadata,
                    facecolor=fig.get_facecolor())
    return buf.getvalue()


def save(fig: Figure, path: Path, *, force: bool = False) -> Path:
    """Write ``fig`` to ``path`` (its suffix picks the format) atomically."""
    from spendcalc.io.outputs import write_atomic

    path = Path(path)
    check_output(path, force=force)
    write_atomic(path, to_bytes(fig, path.suffix))
    return path

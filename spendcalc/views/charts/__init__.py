"""Publication-ready charts: one function per kind, each returning a matplotlib Figure.

    from spendcalc.core import result as api
    from spendcalc.views import charts as plots
    result = api.compute(api.load_scenario("hague-2035"))
    fig = plots.gap(result)                                  # a matplotlib Figure
    fig = plots.paths(result, members=["DEU", "FRA", "POL"])
    plots.save(fig, Path("gap.svg"))                         # byte-reproducible file

Modules: ``kit`` (styles, ally colours, frame, axes, the one figure writer), ``runs`` (what a
chart is asked: Run, Options, validation, footer), ``projection`` (gap, paths, heatmap, stack,
burden, compare), ``whatif`` (fan, sweep, tornado), ``tradeoff`` (budget lines and debt) and
``revisions`` (what a new NATO edition revised).

``whatif``, ``tradeoff`` and ``revisions`` load on first use (module ``__getattr__``): the
trade-off chart's evidence imports pandas, which `spendcalc plot gap` never needs.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from spendcalc.views.charts.kit import (
    DARK,
    DEFAULT_DPI,
    LIGHT,
    SIZES,
    STYLE_BY_NAME,
    STYLES,
    SUFFIXES,
    PlotError,
    Style,
    ally_colour,
    check_output,
    clean_axes,
    data_sources,
    draw_frame,
    preset_size,
    rc_params,
    save,
    text_width,
    to_bytes,
)
from spendcalc.views.charts.projection import (
    MAX_LINES,
    NO_FORCES,
    REFERENCE_LINES,
    Chart,
    burden,
    compare,
    default_output,
    gap,
    heatmap,
    history_us_share,
    paths,
    render,
    stack,
)
from spendcalc.views.charts.runs import (
    ALL_KINDS,
    KINDS,
    PRICES,
    UNITS,
    Options,
    Run,
    as_run,
    check_options,
    check_runs,
    footer_text,
)

if TYPE_CHECKING:
    from spendcalc.views.charts.revisions import revisions_figure
    from spendcalc.views.charts.tradeoff import tradeoff_figure
    from spendcalc.views.charts.whatif import fan_figure, sweep_figure, tornado_figure

_LAZY = {"revisions_figure": "revisions", "tradeoff_figure": "tradeoff",
         "fan_figure": "whatif", "sweep_figure": "whatif", "tornado_figure": "whatif"}


def __getattr__(name: str) -> Any:
    """The charts of the lazily loaded modules (``_LAZY``), imported when first asked for."""
    if name in _LAZY:
        value = getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "ALL_KINDS",
    "DARK",
    "DEFAULT_DPI",
    "KINDS",
    "LIGHT",
    "MAX_LINES",
    "NO_FORCES",
    "PRICES",
    "REFERENCE_LINES",
    "SIZES",
    "STYLES",
    "STYLE_BY_NAME",
    "SUFFIXES",
    "UNITS",
    "Chart",
    "Options",
    "PlotError",
    "Run",
    "Style",
    "ally_colour",
    "as_run",
    "burden",
    "check_options",
    "check_output",
    "check_runs",
    "clean_axes",
    "compare",
    "data_sources",
    "default_output",
    "draw_frame",
    "fan_figure",
    "footer_text",
    "gap",
    "heatmap",
    "history_us_share",
    "paths",
    "preset_size",
    "rc_params",
    "render",
    "revisions_figure",
    "save",
    "stack",
    "sweep_figure",
    "text_width",
    "to_bytes",
    "tornado_figure",
    "tradeoff_figure",
]

"""Slide-ready charts: sizes in pixels, reader-facing footers, --member, fan and kind lists."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc.cli.app import app
from spendcalc.views import charts as plots

runner = CliRunner()


@pytest.fixture(scope="module")
def hague():
    return spendcalc.compute(spendcalc.load_scenario("hague-2035"))


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG")
    return struct.unpack(">II", data[16:24])


def footer(fig) -> str:
    return " ".join(t.get_text() for t in fig.texts if (t.get_gid() or "").startswith("footer"))


@pytest.mark.parametrize("kind", ["gap", "paths", "heatmap", "stack", "burden"])
def test_slide_preset_is_1920_by_1080_pixels(hague, kind):
    import warnings

    w, h = plots.preset_size("slide", 100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every kind fits a slide: no "rows do not fit"
        chart = plots.render(kind, [plots.as_run(hague)],
                             plots.Options(width=w, height=h, dpi=100.0, subtitle="Mine"))
    assert png_size(plots.to_bytes(chart.figure, "png")) == (1920, 1080)
    subtitles = [t.get_text() for t in chart.figure.texts if t.get_gid() == "subtitle-0"]
    assert subtitles == ["Mine"]


def test_footer_names_sources_by_title_not_register_id(hague):
    fig = plots.gap(hague, dpi=50)
    text = footer(fig)
    assert "Defence Expenditure of NATO Countries" in text
    assert "NATO-DE-" not in text and "IMF-WEO-" not in text
    fig = plots.tradeoff_figure(hague, member="DEU")
    assert "NATO-DE-" not in footer(fig) and "Defence Expenditure" in footer(fig)


def test_ally_colour_is_fixed_per_ally():
    light = plots.STYLE_BY_NAME["light"]
    assert plots.ally_colour("USA", light) == plots.ally_colour("USA", light)
    assert plots.ally_colour("USA", light) != plots.ally_colour("DEU", light)


def test_plot_tradeoff_takes_member_and_size(tmp_path):
    out = tmp_path / "t.png"
    res = runner.invoke(app, ["plot", "tradeoff", "--member", "DEU", "--size", "slide",
                              "--title", "Germany's budgets", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert png_size(out.read_bytes()) == (1920, 1080)


def test_unknown_kind_lists_fan_and_tradeoff():
    res = runner.invoke(app, ["plot", "gapp"])
    assert res.exit_code == 2
    assert "fan, tradeoff" in res.stderr
    help_text = runner.invoke(app, ["plot", "--help"]).output
    assert "fan" in help_text and "tradeoff" in help_text


def test_fan_draws_the_deterministic_path_above_the_median(hague):
    from spendcalc.core import simulate, tables

    scenario, data = hague.scenario, hague.data
    sim = simulate.run_draws(scenario, data, 300, 7)
    table = tables.simulation_table(scenario.name, sim)
    fig = plots.fan_figure(table, "DEU", scenario, data)
    ax = fig.axes[0]
    lines = {line.get_gid(): line for line in ax.lines}
    plan = hague.table[hague.table.iso3 == "DEU"].sort_values("year").total_usd_bn
    assert list(lines["deterministic"].get_ydata()) == pytest.approx(list(plan))
    assert lines["median"].get_ydata()[-1] < plan.iloc[-1]
    assert "median lies below" in " ".join(t.get_text() for t in fig.texts)
    buf = io.BytesIO(plots.to_bytes(fig, "png"))
    assert png_size(buf.getvalue()) == (1600, 1000)


def test_gap_small_bars_get_a_hollow_marker_that_does_not_hide_them(hague):
    chart = plots.render("gap", [plots.as_run(hague)], plots.Options(dpi=50))
    ax = chart.figure.axes[0]
    marker = next(c for c in ax.collections if c.get_gid() == "gap-today")
    faces = marker.get_facecolor()
    names = [t.get_text() for t in ax.get_yticklabels()]
    alpha = {name: faces[i][3] for i, name in enumerate(names) if i < len(faces)}
    assert alpha["Germany"] == 1.0  # long bars: a solid diamond
    assert alpha["Latvia"] == 0.0 and alpha["Estonia"] == 0.0 and alpha["Montenegro"] == 0.0
    legend = [t.get_text() for t in ax.get_legend().texts]
    assert f"{hague.scenario.base_year} (today; hollow on short bars)" in legend
    # every marker lies whole inside the plot, also at or left of zero (Slovenia in pct)
    for unit in ("usd", "pct"):
        fig = plots.render("gap", [plots.as_run(hague)], plots.Options(dpi=50, unit=unit)).figure
        ax = fig.axes[0]
        today = np.asarray(next(c for c in ax.collections if c.get_gid() == "gap-today")
                           .get_offsets())[:, 0]
        low, high = ax.get_xlim()
        width_pt = ax.get_position().width * fig.get_size_inches()[0] * 72
        assert (today.min() - low) / (high - low) * width_pt >= 4


def test_gap_cut_bar_text_keeps_clear_of_the_cut_mark(hague):
    fig = plots.render("gap", [plots.as_run(hague)], plots.Options(dpi=100)).figure
    ax = fig.axes[0]
    fig.canvas.draw()
    label = next(t for t in ax.texts if t.get_gid() == "gap-cut-label")
    right = label.get_window_extent().x1
    strokes = [line for line in ax.lines if len(line.get_xdata()) == 2 and
               line.get_color() == plots.LIGHT.background]
    left_stroke = min(ax.transData.transform((min(s.get_xdata()), 0))[0] for s in strokes)
    assert left_stroke - right >= 4 * 100 / 72  # at least 4 pt of clear space


@pytest.mark.parametrize("kind", ["gap", "compare"])
def test_slide_with_32_allies_draws_two_readable_columns_without_warning(hague, kind):
    import warnings

    other = spendcalc.compute(spendcalc.load_scenario("status-quo"))
    runs = [plots.as_run(hague)] + ([plots.as_run(other)] if kind == "compare" else [])
    w, h = plots.preset_size("slide")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.render(kind, runs, plots.Options(width=w, height=h)).figure
    panels = [ax for ax in fig.axes if ax.get_yticklabels()]
    assert len(panels) == 2
    names = [t.get_text() for ax in panels for t in ax.get_yticklabels()]
    assert len(names) == 32 and names[-1] == "Iceland"
    assert panels[0].get_xlim() == panels[1].get_xlim()  # one scale: bars compare
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    for ax in panels:
        pitch_pt = ax.get_position().height * h * 72 / len(ax.get_yticks())
        assert pitch_pt >= 11
        assert min(t.get_fontsize() for t in ax.get_yticklabels()) >= 8
        label = ax.xaxis.label.get_window_extent(renderer)
        assert label.x0 >= 0 and label.x1 <= fig.bbox.width  # the axis label is not cut


def test_heatmap_colours_span_the_datas_range(hague):
    fig = plots.render("heatmap", [plots.as_run(hague)], plots.Options(dpi=50)).figure
    image = next(im for ax in fig.axes for im in ax.images if im.get_gid() == "heatmap-image")
    shares = hague.table.total_pct.dropna()
    low, high = image.norm.vmin, image.norm.vmax
    assert low <= shares.min() < low + 0.5 and high - 0.5 < shares.max() <= high
    # cells of 2% and 3% of GDP now lie far apart on the scale
    assert image.norm(3.0) - image.norm(2.0) >= 1 / (high - low) - 1e-9
    assert image.norm(2.0) < 0.15


def test_compare_diff_in_points_and_changed_only(tmp_path):
    a = spendcalc.compute(spendcalc.load_scenario("hague-2035"))
    b = spendcalc.compute(spendcalc.load_scenario("hague-no-exemption"))
    runs = [plots.as_run(a), plots.as_run(b)]
    fig = plots.render("compare", runs, plots.Options(diff=True, unit="pct", dpi=50)).figure
    assert "percentage points of GDP" in fig.axes[0].get_xlabel()
    assert "% of GDP" not in fig.axes[0].get_xlabel()
    every = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    fig = plots.render("compare", runs, plots.Options(diff=True, unit="pct", dpi=50,
                                                      changed_only=True)).figure
    shown = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    end_a = a.table[a.table.year == a.scenario.horizon].set_index("member").total_pct
    end_b = b.table[b.table.year == b.scenario.horizon].set_index("member").total_pct
    changed = sorted(m for m in every if m in end_a and abs(end_b[m] - end_a[m]) > 1e-9)
    assert sorted(shown) == changed and 0 < len(shown) < len(every)
    assert f"{len(every) - len(shown)} allies with the same value" in footer(fig)
    out = tmp_path / "c.png"
    res = runner.invoke(app, ["plot", "compare", "hague-2035", "hague-no-exemption", "--diff",
                              "--changed-only", "-o", str(out), "--dpi", "40"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["plot", "gap", "--changed-only", "-o", str(tmp_path / "g.png")])
    assert res.exit_code == 2 and "--changed-only applies to compare" in res.stderr


@pytest.fixture(scope="module")
def whatif_runs(hague):
    from spendcalc.core import whatif

    scenario, data = hague.scenario, hague.data
    one = whatif.sweep(scenario, data, [whatif.parse_vary("target.year=2030:2040")])
    two = whatif.sweep(scenario, data, [whatif.parse_vary("target.year=2030:2032"),
                                        whatif.parse_vary("growth.real_offset=-1:1:1")])
    return one, two, whatif.sensitivity(scenario, data)


def all_texts(fig) -> str:
    return " | ".join([t.get_text() for t in fig.texts]
                      + [t.get_text() for ax in fig.axes for t in ax.texts]
                      + [ax.get_xlabel() for ax in fig.axes]
                      + [ax.get_ylabel() for ax in fig.axes])


def tick_texts(ax, axis="y") -> list[str]:
    ax.figure.canvas.draw()
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


def test_sweep_speaks_human_units_with_thousands_separators(hague, whatif_runs):
    one, two, _ = whatif_runs
    base, horizon = hague.scenario.base_year, hague.scenario.horizon
    fig = plots.sweep_figure(one, hague.scenario, hague.data, dpi=40)
    ax = fig.axes[0]
    text = all_texts(fig)
    assert "cum_extra" not in text and "target.year" not in text
    assert ax.get_xlabel() == "Target year"
    assert ax.get_ylabel() == f"Cumulative spending above 2% of GDP, {base + 1}–{horizon}, USD bn"
    assert any("," in t for t in tick_texts(ax, "y"))  # 17,500 not 17500
    assert all("," not in t for t in tick_texts(ax, "x"))  # years stay 2030
    assert f"beyond the {horizon} horizon" in text
    fig = plots.sweep_figure(two, hague.scenario, hague.data, dpi=40)
    colourbar = fig.axes[1]
    assert any("," in t for t in tick_texts(colourbar, "y"))
    assert fig.axes[0].get_ylabel() == "Target year"
    assert "beyond" not in all_texts(fig)  # 2030 to 2032: all inside the horizon


def test_tornado_says_a_target_year_lies_beyond_the_horizon(hague, whatif_runs):
    *_, sens = whatif_runs
    horizon = hague.scenario.horizon
    fig = plots.tornado_figure(sens, hague.scenario, hague.data, dpi=40)
    ax = fig.axes[0]
    labels = [t.get_text().strip() for t in ax.texts]
    assert f"{horizon + 3} (after {horizon})" in labels
    assert f"Target year {horizon + 3} lies beyond the {horizon} horizon" in all_texts(fig)
    assert "cum_extra" not in all_texts(fig)
    assert all("," in t for t in tick_texts(ax, "x"))


@pytest.mark.parametrize("size", [None, "slide"])
def test_fan_origin_labels_apart_legend_clear_of_gridlines_ally_colour(hague, size):
    from spendcalc.core import simulate, tables

    scenario, data = hague.scenario, hague.data
    table = tables.simulation_table(scenario.name, simulate.run_draws(scenario, data, 200, 3))
    dims = plots.preset_size(size) if size else None
    fig = plots.fan_figure(table, "DEU", scenario, data, size=dims, dpi=100)
    ax = fig.axes[0]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    zero = next(t for t in ax.get_yticklabels() if t.get_text() == "0")
    first = next(t for t in ax.get_xticklabels() if t.get_text())
    assert first.get_text() == str(scenario.base_year)
    assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()][-1] == str(
        scenario.horizon)
    assert not zero.get_window_extent(renderer).overlaps(first.get_window_extent(renderer))
    legend = ax.get_legend().get_window_extent(renderer)
    top_tick = max(t.get_window_extent(renderer).y1 for t in ax.get_yticklabels()
                   if t.get_text())
    assert legend.y0 >= top_tick  # the legend sits above every gridline and its label
    median = next(line for line in ax.lines if line.get_gid() == "median")
    assert median.get_color() == plots.ally_colour("DEU", plots.LIGHT)


def test_one_colour_per_ally_in_every_chart(hague):
    from matplotlib.colors import to_hex

    deu = plots.ally_colour("DEU")
    assert deu == plots.ally_colour("deu", "light") == plots.ally_colour("DEU", plots.LIGHT)
    assert deu != plots.ally_colour("DEU", "dark")
    assert len({plots.ally_colour(c) for c in ("USA", "DEU", "GBR", "FRA", "POL", "ITA")}) == 6
    run = [plots.as_run(hague)]
    paths = plots.render("paths", run, plots.Options(dpi=40)).figure
    line = next(ln for ln in paths.axes[0].lines if ln.get_gid() == "paths-projection-DEU")
    assert to_hex(line.get_color()) == deu.lower()
    stack = plots.render("stack", run, plots.Options(dpi=40)).figure
    band = next(c for c in stack.axes[0].collections if c.get_gid() == "stack-ally-DEU")
    assert to_hex(band.get_facecolor()[0]) == deu.lower()
    trade = plots.tradeoff_figure(hague, member="DEU", dpi=40)
    debt = next(ln for ax in trade.axes for ln in ax.lines if ln.get_gid() == "debt-with")
    assert to_hex(debt.get_color()) == deu.lower()


def test_charts_read_the_typed_scenario_and_a_bare_table_falls_back(hague, tmp_path):
    path = tmp_path / "high.toml"
    path.write_text('name = "high-bar"\nextends = "hague-2035"\nbaseline_pct = 3.0\n',
                    encoding="utf-8")
    result = spendcalc.compute(spendcalc.load_scenario(str(path)))
    run = plots.as_run(result)
    assert run.scenario is result.scenario
    # The typed scenario decides, whatever an (edited) meta says.
    blind = plots.Run(run.name, run.table, run.aggregates, {}, run.data, run.scenario)
    assert blind.baseline_pct == 3.0
    fig = plots.render("gap", [blind], plots.Options(dpi=40)).figure
    assert "above a baseline of 3% of GDP" in fig.texts[0].get_text()
    assert f"Scenario {run.name}: " in footer(fig)
    bare = plots.as_run(result.table, result.meta, result.data)
    assert bare.scenario is None and bare.baseline_pct == 3.0
    assert footer(plots.render("gap", [bare], plots.Options(dpi=40)).figure) == footer(fig)


def test_svg_keeps_text_as_text_with_a_font_stack_and_stable_bytes(hague):
    import re

    first = plots.to_bytes(plots.gap(hague), "svg")
    again = plots.to_bytes(plots.gap(hague), "svg")
    assert first == again
    svg = first.decode("utf-8")
    texts = re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
    assert "Germany" in texts and any("bar cut" in t for t in texts)
    assert "How far each ally would spend above" in svg
    assert "font-family: 'DejaVu Sans', sans-serif" in svg
    assert "DejaVuSans-" not in svg  # no glyphs drawn as paths


def test_slide_layouts_for_small_multiples_and_the_group_tradeoff(hague):
    w, h = plots.preset_size("slide")
    fig = plots.render("paths", [plots.as_run(hague)],
                       plots.Options(width=w, height=h, grid=True)).figure
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 32
    fig.get_layout_engine().execute(fig)
    box = panels[0].get_position()
    aspect = (box.width * w) / (box.height * h)
    assert 1.0 < aspect < 2.6  # not the flat strips of four columns on a 16:9 slide
    fig = plots.tradeoff_figure(hague, group="nato", size=(w, h), dpi=40)
    panels = [ax for ax in fig.axes if ax.get_yticklabels()]
    assert len(panels) == 2 and panels[0].get_xlim() == panels[1].get_xlim()
    rows = sum(len(ax.get_yticklabels()) for ax in panels)
    assert rows == len({t.get_text() for ax in panels for t in ax.get_yticklabels()}) >= 30
    for ax in panels:
        assert ax.get_position().height * h * 72 / len(ax.get_yticks()) >= 11


def test_contact_sheet_draws_every_kind_at_both_sizes_without_warnings(tmp_path):
    import importlib.util
    import warnings
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "docs" / "contact_sheet.py"
    spec = importlib.util.spec_from_file_location("contact_sheet", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        written = module.main(tmp_path)
    names = {p.name for p in written}
    for kind in ("gap", "paths", "heatmap", "stack", "burden", "compare", "fan", "tradeoff",
                 "revisions", "sweep", "tornado"):
        assert {f"{kind}-default.png", f"{kind}-slide.png"} <= names
    for path in written:
        if path.name.endswith("-slide.png"):
            assert png_size(path.read_bytes()) == (960, 540)
    assert (tmp_path / "index.html").read_text(encoding="utf-8").count("<img") == len(written)


def test_the_cut_bar_text_stays_inside_its_bar_on_a_slide(hague):
    """On a slide the gap chart has two narrow columns: the cut bar's text shortens to fit
    inside the bar rather than running over the member's name."""
    w, h = plots.preset_size("slide", 100.0)
    fig = plots.render("gap", [plots.as_run(hague)],
                       plots.Options(width=w, height=h, dpi=100.0)).figure
    fig.canvas.draw()
    ax = next(a for a in fig.axes if any(t.get_gid() == "gap-cut-label" for t in a.texts))
    label = next(t for t in ax.texts if t.get_gid() == "gap-cut-label")
    assert label.get_window_extent().x0 >= ax.get_window_extent().x0
    assert "bar cut" in label.get_text()

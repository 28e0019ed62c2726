"""Charts: every kind renders for every ready scenario, draws the table's own numbers,
sorts and filters right, carries its source line, writes valid and reproducible files,
and the plot command fails with one clear line on bad input.

Charts render at low dpi here; only the size checks need the pixel count.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc.cli import plot as plot_cli
from spendcalc.cli.app import app
from spendcalc.io.scenarios import ready_scenarios
from spendcalc.views import charts as plots
from spendcalc.views.charts import kit

READY = [r.name for r in ready_scenarios()]
LOW_DPI = 30.0
runner = CliRunner()


@pytest.fixture(scope="module")
def results() -> dict[str, spendcalc.Result]:
    return {name: spendcalc.compute(spendcalc.load_scenario(name)) for name in READY}


@pytest.fixture(scope="module")
def hague(results) -> spendcalc.Result:
    return results["hague-2035"]


def draw(kind, *sources, **options):
    opts = plots.Options(dpi=LOW_DPI, **options)
    return plots.render(kind, [plots.as_run(s) for s in sources], opts)


def at(result, year=None):
    year = year or result.scenario.horizon
    t = result.table
    return t[t.year == year].set_index("iso3")


def base_year(result):
    return result.scenario.base_year


def by_gid(fig, prefix):
    """{code: artist} for the artists whose gid is PREFIX-CODE."""
    out = {}
    for ax in fig.axes:
        for artist in [*ax.patches, *ax.lines, *ax.collections, *ax.images]:
            gid = artist.get_gid() or ""
            if gid.startswith(prefix):
                out[gid[len(prefix):]] = artist
    return out


def mpl_hex(rgba) -> str:
    import matplotlib.colors

    return matplotlib.colors.to_hex(np.asarray(rgba).reshape(-1, 4)[0])


def footer(fig) -> str:
    return " ".join(t.get_text() for t in fig.texts if (t.get_gid() or "").startswith("footer-"))


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text()
                                                                 for t in fig.texts]


def invoke(*args):
    return runner.invoke(app, ["plot", *map(str, args)])


# --- every kind, every ready scenario ------------------------------------------------------


@pytest.mark.parametrize("name", READY)
def test_every_kind_renders_for_every_ready_scenario_without_warnings(results, name):
    result = results[name]
    for kind in plots.KINDS:
        sources = [result, results["hague-2035"]] if kind == "compare" else [result]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            chart = draw(kind, *sources)
            if name == "hague-2035":
                assert plots.to_bytes(chart.figure, "png").startswith(b"\x89PNG"), kind
            else:  # a full draw of every artist, without the cost of rasterising
                chart.figure.draw_without_rendering()
        assert chart.summary and name in " ".join(chart.summary), kind
        text = footer(chart.figure)
        assert f"Sources: {kit.data_sources(result.data)}." in text, kind
        assert "NATO-DE-" not in text, kind  # register ids stay in exports, not on charts
        assert f"Scenario {name}" in text, kind
        versions = [t.get_text() for t in chart.figure.texts if t.get_gid() == "footer-version"]
        assert versions == [f"spendcalc {spendcalc.__version__}"], kind


def test_footer_names_the_key_assumptions(hague, results):
    text = footer(draw("gap", hague).figure)
    assert "3.5% core + 1.5% related by 2035" in text and "linear path" in text
    assert "exempt: ESP 2.1%" in text
    assert "no target" in footer(draw("gap", results["status-quo"]).figure)


# --- files: formats, sizes, reproducibility ---------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_cli_writes_a_valid_file_of_the_requested_size(tmp_path, suffix):
    out = tmp_path / f"chart{suffix}"
    res = invoke("stack", "-o", out, "--width", 6, "--height", 4, "--dpi", 50)
    assert res.exit_code == 0, res.output
    assert f"wrote {out}" in res.output
    data = out.read_bytes()
    if suffix == ".png":
        assert png_size(data) == (300, 200)
    elif suffix == ".svg":
        head = data[:2000].decode()
        assert "<svg" in head
        assert re.search(r'width="432pt" height="288pt"', head)
    else:
        assert data.startswith(b"%PDF-")
        assert re.search(rb"/MediaBox \[ ?0 0 432 288 ?\]", data)


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_same_inputs_give_byte_identical_files(tmp_path, suffix):
    a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    for out in (a, b):
        res = invoke("gap", "--dpi", 40, "-o", out)
        assert res.exit_code == 0, res.output
    assert a.read_bytes() == b.read_bytes()


def test_default_output_is_kind_and_scenario_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = invoke("--dpi", 30)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "gap-hague-2035.png").is_file()
    res = invoke("compare", "hague-2035", "status-quo", "--dpi", 30)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "compare-hague-2035-vs-status-quo.png").is_file()
    # A scenario in KIND's place draws its gap chart.
    assert invoke("rutte-2032", "--dpi", 30).exit_code == 0
    assert (tmp_path / "gap-rutte-2032.png").is_file()


def test_existing_file_is_kept_without_force(tmp_path):
    out = tmp_path / "keep.png"
    out.write_bytes(b"precious")
    res = invoke("gap", "-o", out, "--dpi", 30)
    assert res.exit_code == 2
    assert res.stderr == f"error: {out}: file exists; use --force to overwrite it\n"
    assert out.read_bytes() == b"precious"
    assert invoke("gap", "-o", out, "--dpi", 30, "--force").exit_code == 0
    assert out.read_bytes().startswith(b"\x89PNG")


# --- the gap chart draws the table's numbers ---------------------------------------------------


def test_gap_bars_are_the_tables_gap_sorted_largest_first(hague):
    fig = draw("gap", hague).figure
    end, base = at(hague), at(hague, hague.scenario.base_year)
    totals, cores = by_gid(fig, "gap-total-"), by_gid(fig, "gap-core-")
    armed = end[end.armed_forces]
    assert set(totals) == set(armed.index)
    for code, bar in totals.items():
        assert bar.get_width() == end.loc[code, "extra_over_baseline_usd_bn"]  # exactly
        assert bar.get_x() == 0
        core = end.loc[code, "core_usd_bn"] - end.loc[code, "baseline_usd_bn"]
        assert cores[code].get_width() == pytest.approx(core, rel=1e-12)
        # total = core part + related part
        assert bar.get_width() == pytest.approx(core + end.loc[code, "related_usd_bn"])
    order = sorted(totals, key=lambda c: totals[c].get_y())
    widths = [totals[c].get_width() for c in order]
    assert widths == sorted(widths, reverse=True)
    assert order[0] == "USA"
    # Today's marker: the base-year gap, one per bar, in the bars' order.
    today = by_gid(fig, "gap-today")[""].get_offsets()
    expected = base.loc[order, "extra_over_baseline_usd_bn"].to_numpy()
    np.testing.assert_array_equal(np.asarray(today)[:, 0], expected)
    # Iceland is listed last, explicitly, not as zero spending.
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "Iceland" and len(labels) == 32
    assert plots.NO_FORCES in texts(fig)


def test_gap_cuts_the_outlier_visibly_and_keeps_its_true_length(hague):
    fig = draw("gap", hague).figure
    ax = fig.axes[0]
    usa = by_gid(fig, "gap-total-")["USA"]
    assert usa.get_width() > ax.get_xlim()[1]  # the bar runs past the edge ...
    label = f"{usa.get_width():+,.0f}"
    assert any("bar cut" in t and label in t for t in texts(fig))  # ... and says so
    assert "Bar cut to fit the others: United States" in footer(fig)
    uncut = draw("gap", hague, cut=False).figure
    assert uncut.axes[0].get_xlim()[1] >= usa.get_width()
    assert not any("bar cut" in t for t in texts(uncut))
    assert uncut.axes[0].get_xlim()[0] <= 0  # bars compare amounts: the axis starts at zero


def test_gap_in_points_of_gdp_and_constant_prices(hague):
    end = at(hague)
    fig = draw("gap", hague, unit="pct").figure
    for code, bar in by_gid(fig, "gap-total-").items():
        assert bar.get_width() == end.loc[code, "total_pct"] - end.loc[code, "baseline_pct"]
    fig = draw("gap", hague, prices="constant").figure
    for code, bar in by_gid(fig, "gap-total-").items():
        assert bar.get_width() == end.loc[code, "extra_over_baseline_usd_bn_const"]
    assert f"constant {base_year(hague)} prices" in " ".join(texts(fig))


def test_gap_year_and_negative_bars(hague, write_scenario):
    fig = draw("gap", hague, year=2030).figure
    mid = at(hague, 2030)
    for code, bar in by_gid(fig, "gap-total-").items():
        assert bar.get_width() == mid.loc[code, "extra_over_baseline_usd_bn"]
    # A 3% baseline puts allies below it: negative bars, in their own colour, left of zero.
    path = write_scenario('name = "high-bar"\nbaseline_pct = 3.0\n')
    result = spendcalc.compute(spendcalc.load_scenario(path))
    fig = draw("gap", result, unit="pct").figure
    cores = by_gid(fig, "gap-core-")
    below = [c for c, bar in cores.items() if bar.get_width() < 0]
    assert below
    assert {tuple(cores[c].get_facecolor()[:3]) for c in below} == {
        tuple(int(plots.LIGHT.negative[i:i + 2], 16) / 255 for i in (1, 3, 5))}
    assert fig.axes[0].get_xlim()[0] < min(cores[c].get_width() for c in below)
    assert any(t.get_text() == "Below 3% of GDP" for t in fig.axes[0].get_legend().texts)


def test_gap_filters_members_and_groups(hague, data):
    fig = draw("gap", hague, members=("DEU", "fra", "POL")).figure
    bars = by_gid(fig, "gap-total-")
    assert set(bars) == {"DEU", "FRA", "POL"}
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Germany", "France", "Poland"]  # sorted by gap, largest first
    fig = draw("gap", hague, group="eastern-flank").figure
    assert set(by_gid(fig, "gap-total-")) == set(data.groups["eastern-flank"].members)
    fig = draw("gap", hague, group="nordic-baltic").figure
    assert "Iceland" in [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_gap_summary_prints_the_charts_numbers(hague):
    chart = draw("gap", hague)
    end = at(hague)
    top = end.sort_values("extra_over_baseline_usd_bn", ascending=False).head(5)
    text = "\n".join(chart.summary)
    for member, value in zip(top.member, top.extra_over_baseline_usd_bn, strict=True):
        assert re.search(rf"{re.escape(member)}\s+\+{value:,.1f}", text)
    agg = hague.aggregates
    nato = agg[(agg.group == "nato") & (agg.year == 2035)].extra_over_baseline_usd_bn.item()
    assert f"+{nato:,.1f}" in text


def test_cli_prints_the_path_and_top_gaps(tmp_path, hague):
    out = tmp_path / "g.png"
    res = invoke("gap", "-o", out, "--dpi", 30)
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0].startswith(f"wrote {out} (")
    deu = at(hague).loc["DEU", "extra_over_baseline_usd_bn"]
    assert "Germany" in res.stdout and f"+{deu:,.1f}" in res.stdout


# --- paths, heatmap, stack, burden, compare --------------------------------------------------


def test_paths_draw_history_solid_and_projection_dashed(hague):
    fig = draw("paths", hague, members=("DEU", "POL")).figure
    hist = spendcalc.history()
    history, projection = by_gid(fig, "paths-history-"), by_gid(fig, "paths-projection-")
    assert set(history) == set(projection) == {"DEU", "POL"}
    for code in ("DEU", "POL"):
        h = hist[(hist.iso3 == code) & (hist.year < base_year(hague))].sort_values("year")
        t = hague.table[hague.table.iso3 == code].sort_values("year")
        hx, hy = history[code].get_data()
        assert list(hx) == [*h.year, base_year(hague)] and hx[0] == 2014
        np.testing.assert_array_equal(hy, [*h.core_pct, t.core_pct.iloc[0]])
        px, py = projection[code].get_data()
        assert list(px) == list(t.year)
        np.testing.assert_array_equal(py, t.core_pct)
        assert history[code].get_linestyle() == "-"
        assert projection[code].get_linestyle() == "--"
    ax = fig.axes[0]
    levels = sorted({line.get_ydata()[0] for line in ax.lines if line.get_gid() is None
                     and len(set(line.get_ydata())) == 1 and line.get_xdata()[0] == 0})
    assert levels == [2.0, 3.5, 5.0]
    labels = texts(fig)
    for _, label in plots.REFERENCE_LINES:
        assert label in labels
    assert ax.get_ylim()[0] == 0


def test_paths_default_members_grid_and_many_members(hague):
    fig = draw("paths", hague).figure
    first = at(hague, base_year(hague)).total_usd_bn.dropna()
    assert set(by_gid(fig, "paths-projection-")) == set(first.nlargest(6).index)
    chart = draw("paths", hague, group="eu")
    assert len([ax for ax in chart.figure.axes if ax.get_visible()]) == 23  # small multiples
    assert "small multiples" in chart.summary[-1]
    fig = draw("paths", hague, grid=True).figure
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 32
    assert [ax.get_title(loc="left") for ax in visible][-1] == "Iceland"
    assert plots.NO_FORCES in texts(fig)


def test_heatmap_cells_are_the_tables_shares_sorted_by_horizon_share(hague):
    fig = draw("heatmap", hague).figure
    ax = fig.axes[0]
    image = by_gid(fig, "heatmap-image")[""]
    cells = np.ma.filled(image.get_array(), np.nan)
    names = [t.get_text() for t in ax.get_yticklabels()]
    wide = hague.table.pivot(index="member", columns="year", values="total_pct")
    np.testing.assert_array_equal(cells, wide.loc[names].to_numpy())
    end = cells[:-1, -1]
    assert list(end) == sorted(end, reverse=True)
    top = at(hague).total_pct.idxmax()
    assert names[0] == at(hague).loc[top, "member"] and names[-1] == "Iceland"
    assert np.all(np.isnan(cells[-1]))
    years = [str(y) for y in range(base_year(hague), 2036)]
    assert [t.get_text() for t in ax.get_xticklabels()] == years
    assert f"{cells[0, -1]:.1f}" in texts(fig)


def test_stack_bands_add_up_to_the_aggregate_and_baseline_is_the_tables(hague):
    fig = draw("stack", hague).figure
    agg = hague.aggregates[hague.aggregates.group == "nato"].sort_values("year")
    bands = by_gid(fig, "stack-band-")
    assert set(bands) == {"0", "2"}
    allies = by_gid(fig, "stack-ally-")
    assert list(allies) == ["DEU", "GBR", "FRA", "ITA", "POL"]
    for code, poly in allies.items():  # each of the largest in its own ally colour
        assert mpl_hex(poly.get_facecolor()) == plots.ally_colour(code).lower()
    assert mpl_hex(bands["0"].get_facecolor()) == plots.ally_colour("USA").lower()

    def edges(poly):
        v = poly.get_paths()[0].vertices
        years = np.unique(v[:, 0])
        return (np.array([v[v[:, 0] == y, 1].min() for y in years]),
                np.array([v[v[:, 0] == y, 1].max() for y in years]))

    lo0, hi0 = edges(bands["0"])
    us = hague.table[hague.table.iso3 == "USA"].sort_values("year").total_usd_bn
    np.testing.assert_array_equal(lo0, 0)
    np.testing.assert_allclose(hi0, us, rtol=1e-12)
    _, top = edges(bands["2"])
    np.testing.assert_allclose(top, agg.total_usd_bn, rtol=1e-12)
    baseline = by_gid(fig, "stack-baseline")[""]
    np.testing.assert_array_equal(baseline.get_ydata(), agg.baseline_usd_bn)
    legend = [t.get_text() for t in fig.axes[0].get_legend().texts]
    assert {"Germany", "United Kingdom", "France", "Italy", "Poland"} <= set(legend)
    assert "Other 25 allies" in legend and "United States" in legend
    assert fig.axes[0].get_ylim()[0] == 0


def test_stack_for_a_group_uses_its_aggregate_baseline(hague):
    fig = draw("stack", hague, group="eu", prices="constant").figure
    agg = hague.aggregates[hague.aggregates.group == "eu"].sort_values("year")
    baseline = by_gid(fig, "stack-baseline")[""]
    np.testing.assert_array_equal(baseline.get_ydata(), agg.baseline_usd_bn_const)
    fig = draw("stack", hague, members=("DEU", "FRA")).figure
    assert "stack-baseline" not in {line.get_gid() for line in fig.axes[0].lines}
    assert "No 2% baseline line" in footer(fig)


def test_burden_is_the_us_share_history_and_projection(hague):
    fig = draw("burden", hague).figure
    usa = hague.table[hague.table.iso3 == "USA"].sort_values("year")
    proj = by_gid(fig, "burden-projection")[""]
    np.testing.assert_array_equal(proj.get_ydata(), usa.share_of_total_pct)
    hist = by_gid(fig, "burden-history")[""]
    share = plots.history_us_share(spendcalc.history())
    first = base_year(hague)
    assert list(hist.get_xdata()) == [*range(2014, first), first]
    np.testing.assert_allclose(hist.get_ydata()[:-1], share.loc[2014:first - 1], rtol=1e-12)
    h = spendcalc.history()
    first = h[(h.year == 2014)]
    expected = 100 * first[first.iso3 == "USA"].core_usd_bn.item() / first.core_usd_bn.sum()
    assert hist.get_ydata()[0] == pytest.approx(expected)
    assert fig.axes[0].get_ylim() == (0, 100)


def test_compare_side_by_side_and_difference(results):
    a, b = results["hague-2035"], results["status-quo"]
    fig = draw("compare", a, b).figure
    ea, eb = at(a), at(b)
    bars_a, bars_b = by_gid(fig, "compare-a-"), by_gid(fig, "compare-b-")
    for code, bar in bars_a.items():
        assert bar.get_width() == ea.loc[code, "total_usd_bn"]
        assert bars_b[code].get_width() == eb.loc[code, "total_usd_bn"]
    order = sorted(bars_a, key=lambda c: bars_a[c].get_y())
    assert [bars_a[c].get_width() for c in order] == sorted(ea.total_usd_bn.dropna(),
                                                             reverse=True)
    fig = draw("compare", a, b, diff=True, unit="pct", year=2030).figure
    mid_a, mid_b = at(a, 2030), at(b, 2030)
    for code, bar in by_gid(fig, "compare-d-").items():
        assert bar.get_width() == mid_b.loc[code, "total_pct"] - mid_a.loc[code, "total_pct"]
    assert "Scenario hague-2035" in footer(fig) and "Scenario status-quo" in footer(fig)


def test_dark_style_and_custom_title_size(hague):
    chart = draw("paths", hague, style="dark", title="My title", width=7, height=4)
    fig = chart.figure
    assert tuple(fig.get_size_inches()) == (7, 4)
    assert [t.get_text() for t in fig.texts if t.get_gid() == "title-0"] == ["My title"]
    assert fig.get_facecolor()[:3] != (1.0, 1.0, 1.0)


def test_python_api_takes_a_result_or_a_table(hague):
    fig = plots.gap(hague, unit="pct", members="DEU,POL", dpi=LOW_DPI)
    assert set(by_gid(fig, "gap-total-")) == {"DEU", "POL"}
    fig = plots.gap(hague.table, data=hague.data, dpi=LOW_DPI)  # no meta: the data's vintage
    assert "Sources: NATO, Defence Expenditure" in footer(fig)
    assert "Scenario hague-2035" in footer(fig)
    for fn in (plots.paths, plots.heatmap, plots.stack, plots.burden):
        assert fn(hague, dpi=LOW_DPI).axes
    assert plots.compare(hague, hague, diff=True, dpi=LOW_DPI).axes
    with pytest.raises(plots.PlotError, match="not in scenario"):
        sub = hague.table[hague.table.iso3 != "POL"]
        plots.gap(sub, data=hague.data, members=["POL"])


def test_save_is_atomic_and_refuses_to_overwrite(hague, tmp_path):
    fig = plots.heatmap(hague, dpi=LOW_DPI)
    out = plots.save(fig, tmp_path / "h.svg")
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    with pytest.raises(spendcalc.core.errors.OutputError, match="file exists"):
        plots.save(fig, out)
    assert [p.name for p in tmp_path.iterdir()] == ["h.svg"]


# --- bad input: one line on stderr, exit 2 ---------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["gapp"], "error: unknown chart kind 'gapp'; did you mean 'gap'? kinds: gap, paths, "
               "heatmap, stack, burden, compare"),
    (["gap", "--members", "GER"],
     "error: --members: 'GER' is not a NATO member code; did you mean DEU (Germany)?"),
    (["gap", "--group", "nordics"], "error: --group: unknown group 'nordics'; did you mean "
                                    "'nordic-baltic'?"),
    (["gap", "--unit", "eur"], "error: --unit: unknown unit 'eur'; allowed: usd, pct"),
    (["heatmap", "--unit", "usd"], "error: --unit usd: heatmap shows shares of GDP"),
    (["gap", "-o", "chart.jpg"], "error: chart.jpg: unsupported suffix '.jpg'; allowed: "
                                 ".png, .svg, .pdf"),
    (["gap", "--style", "neon"], "error: --style: unknown style 'neon'"),
    (["gap", "--year", "2050"], "error: --year: 2050 is not in scenario hague-2035"),
    (["paths", "--year", "2030"], "error: --year: paths shows every year"),
    (["burden", "--group", "eu"], "error: --members/--group: burden is about the whole"),
    (["paths", "--prices", "constant"], "error: --prices constant: paths shows shares of GDP"),
    (["compare", "hague-2035"], "error: compare needs two scenarios"),
    (["gap", "hague-2035", "status-quo"], "error: gap takes one scenario"),
    (["gap", "nope"], "error: unknown scenario 'nope'"),
    (["gap", "--width", "0.5"], "error: --width: 0.5 is out of range"),
    (["paths", "--members", "ISL"], "error: paths: nothing to draw: Iceland has no armed"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    res = invoke(*args)
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith(message), res.stderr
    assert res.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_member_absent_from_the_scenario_is_named(tmp_path, write_scenario):
    path = write_scenario('name = "two"\nmembers = ["DEU", "FRA"]\n')
    res = invoke("gap", path, "--members", "DEU,POL", "-o", tmp_path / "x.png")
    assert res.exit_code == 2
    assert res.stderr == "error: --members: POL (Poland) is not in scenario two\n"


def test_kinds_in_the_cli_match_the_plots_module():
    assert plot_cli.KINDS[:len(plots.KINDS) + 2] == (*plots.KINDS, "fan", "tradeoff")


def test_plot_fan_and_tradeoff(tmp_path):
    from typer.testing import CliRunner

    from spendcalc.cli.app import app

    runner = CliRunner()
    res = runner.invoke(app, ["plot", "fan", "--members", "DEU", "--draws", "200",
                              "-o", str(tmp_path / "fan.png")])
    assert res.exit_code == 0, res.output
    assert "Germany 2035, USD bn: P5" in res.output
    assert png_size((tmp_path / "fan.png").read_bytes())[0] == 1600
    res = runner.invoke(app, ["plot", "tradeoff", "--members", "ITA",
                              "-o", str(tmp_path / "trade.svg")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "trade.svg").read_text().startswith("<?xml")
    res = runner.invoke(app, ["plot", "fan", "--members", "DEU,FRA"])
    assert res.exit_code == 2 and "shows one member or one group" in res.output


def test_importing_the_cli_does_not_import_matplotlib_or_pandas():
    code = ("import sys, spendcalc.cli.app, spendcalc.cli.plot; "
            "print(sorted(m for m in ('matplotlib', 'pandas') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert res.stdout.strip() == "[]"


def test_history_us_share_is_the_share_of_all_members_spending():
    hist = spendcalc.history()
    share = plots.history_us_share(hist)
    # By hand for 2014: NATO Table 2 gives the US 653.9 bn of 943.2 bn for the allies of
    # 2014; the 32 allies of today add Finland, Sweden, Montenegro and North Macedonia.
    us = hist[(hist.iso3 == "USA") & (hist.year == 2014)].core_usd_bn.item()
    total = hist[hist.year == 2014].core_usd_bn.sum()
    assert share.loc[2014] == pytest.approx(100 * us / total)
    assert 66 < share.loc[2014] < 70


def test_docs_regenerate_the_readme_image():
    root = Path(__file__).resolve().parents[1]
    docs = (root / "docs" / "plots.md").read_text(encoding="utf-8")
    assert "spendcalc plot gap hague-2035 -o docs/img/gap-hague-2035.png --force" in docs
    image = root / "docs" / "img" / "gap-hague-2035.png"
    assert png_size(image.read_bytes())[0] >= 1200


def test_readme_image_is_what_the_documented_command_draws_today(tmp_path):
    """PNG output is deterministic (no software stamp, no date), so the committed README
    image must be byte for byte what the documented command writes with today's code and
    data; if this fails, rerun the command from docs/plots.md and commit the image."""
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "docs" / "img" / "gap-hague-2035.png"
    res = invoke("gap", "hague-2035", "-o", out, "--force")
    assert res.exit_code == 0, res.output
    drawn = out.read_bytes()
    assert b"Software" not in drawn and b"matplotlib" not in drawn.lower()
    assert drawn == (root / "docs" / "img" / "gap-hague-2035.png").read_bytes()


def test_too_small_a_height_for_the_rows_warns_with_a_height_that_fits(hague):
    with pytest.warns(spendcalc.core.errors.SpendcalcWarning, match=r"try --height 6"):
        draw("gap", hague, height=4, width=4)  # too narrow for two columns of bars

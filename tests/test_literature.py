"""Published estimates (scenarios/published/): sources, tolerances, the engine's values, the
literature command, its --json and --explain, and the chart."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spendcalc.cli.app import app
from spendcalc.evidence import literature as lit
from spendcalc.io.scenarios import ready_scenarios

runner = CliRunner()
JSON_FIELDS = ("id", "source", "date", "url", "published_value", "unit", "reproduced_value",
               "difference_pct", "verdict", "reason")


@pytest.fixture(scope="module")
def reps() -> list[lit.Reproduction]:
    return lit.reproduce_all(lit.load_estimates())


def test_at_least_twelve_estimates_each_with_its_source(reps):
    assert len(reps) >= 12
    ids = [r.estimate.id for r in reps]
    assert len(set(ids)) == len(ids)
    for rep in reps:
        src = rep.estimate.source
        assert rep.estimate.path.stem == rep.estimate.id
        for key in lit.SOURCE_FIELDS:
            assert str(src[key]).strip(), (rep.estimate.id, key)
        assert src["url"].startswith("https://") or src["url"].startswith("http://")
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", str(src["date"])), src["date"]
        assert rep.estimate.edition in ("nato-2025", "nato-2026")


def test_every_reproduced_case_lies_within_its_tolerance(reps):
    reproduced = [r for r in reps if r.verdict == "reproduced"]
    assert reproduced
    for rep in reps:
        assert rep.verdict in lit.VERDICTS
        if rep.verdict == "not reproducible":
            assert rep.reproduced is None and rep.reason
            continue
        assert rep.low is not None and rep.high is not None and rep.reproduced is not None
        assert rep.low <= rep.published <= rep.high
        inside = rep.low <= rep.reproduced <= rep.high
        assert inside == (rep.verdict == "reproduced"), rep.estimate.id
        if rep.verdict == "differs":
            assert rep.reason and rep.reason != "within the source's rounding"


def test_hand_checked_values(reps):
    by_id = {r.estimate.id: r for r in reps}
    # IFS: 3.5% - 2.6% of GDP with no growth is 0.9% of the UK's 2025 GDP in pounds (NATO's
    # July 2026 tables: core spending in pounds / core share).
    gbr = lit.national_gdp_bn("GBR", 2025)
    assert gbr[1] == "GBP"
    assert by_id["ifs-uk-2025-06"].reproduced == pytest.approx(0.009 * gbr[0])
    # Osservatorio: 3.5% - 2% baseline = 1.5% of Italy's 2025 GDP in euros.
    assert by_id["osservatorio-recovery-italy-2025"].reproduced == pytest.approx(
        0.015 * lit.national_gdp_bn("ITA", 2025)[0])
    # NATO 2025 (August 2025 release): 980 + 608 = 1,588 USD bn published.
    assert by_id["nato-estimates-2025-08"].published == pytest.approx(1588.0)


@pytest.mark.parametrize(("text", "expected"), [
    ("33.5", (33.5, 33.45, 33.55)),
    ("around 30", (30.0, 25.0, 35.0)),
    ("more than 50", (50.0, 50.0, 60.0)),
    ("meer dan 50", (50.0, 50.0, 60.0)),
    ("almost 750", (750.0, 740.0, 750.0)),
    ("16 tot 19", (17.5, 15.5, 19.5)),
    ("unos 350,000", (350000.0, 345000.0, 355000.0)),
    ("2,157", (2157.0, 2156.5, 2157.5)),
    ("noin 12", (12.0, 11.5, 12.5)),         # Finnish "about"
    ("lähes 5", (5.0, 4.0, 5.0)),            # Finnish "almost"
    ("ponad 200", (200.0, 200.0, 300.0)),    # Polish "more than"
    ("cover 900", (900.0, 899.5, 900.5)),    # whole words only: no "over" here
    ("cerca de 10", (10.0, 5.0, 15.0)),      # Portuguese "about"
    ("rundt 200", (200.0, 150.0, 250.0)),    # Norwegian "about"
])
def test_tolerance_follows_the_sources_wording(text, expected):
    assert lit.figure_bounds(text) == pytest.approx(expected)


def _copy_with(tmp_path: Path, estimate_id: str, old: str, new: str) -> Path:
    source = lit.published_dir() / f"{estimate_id}.toml"
    text = source.read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / source.name
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def test_values_come_from_the_engine_not_the_file(tmp_path, reps):
    before = {r.estimate.id: r for r in reps}["ifs-uk-2025-06"]
    # A scenario field changes spendcalc's value ...
    changed = lit.reproduce(lit.load_estimate(
        _copy_with(tmp_path, "ifs-uk-2025-06", "baseline_pct = 2.6", "baseline_pct = 2.0")))
    assert changed.reproduced == pytest.approx(0.015 * lit.national_gdp_bn("GBR", 2025)[0])
    assert changed.published == pytest.approx(before.published)
    # ... and the published figure does not.
    other = tmp_path / "other"
    other.mkdir()
    moved = lit.reproduce(lit.load_estimate(
        _copy_with(other, "ifs-uk-2025-06", 'figures = ["around 30"]',
                   'figures = ["around 40"]')))
    assert moved.reproduced == pytest.approx(before.reproduced)
    assert moved.published != pytest.approx(before.published)


def test_growth_changes_a_projected_estimate(tmp_path, reps):
    before = {r.estimate.id: r for r in reps}["germany-finanzplan-2025"]
    copy = _copy_with(tmp_path, "germany-finanzplan-2025", "[published]",
                      "[growth]\nsource = \"flat\"\nflat_pct = 0.0\n\n[published]")
    flat = lit.reproduce(lit.load_estimate(copy))
    # No growth: 3.5% of Germany's 2025 dollar GDP, in euros at 2029's rate.
    table = lit.in_currency(lit.run(flat.estimate.document, "flat"), "EUR").set_index("year")
    assert flat.reproduced == pytest.approx(
        0.035 * table.gdp_usd_bn[2025] * table.usd_rate[2029])
    assert flat.reproduced < before.reproduced
    assert flat.reproduced != pytest.approx(before.reproduced)


def test_published_estimates_are_not_ready_scenarios(reps):
    names = {r.name for r in ready_scenarios()}
    assert not names & {r.estimate.id for r in reps}


def test_json_gives_the_schema_fields(reps):
    res = runner.invoke(app, ["literature", "--json"])
    assert res.exit_code == 0, res.output
    records = json.loads(res.output)
    assert len(records) == len(reps)
    for rec in records:
        for key in JSON_FIELDS:
            assert key in rec
        assert rec["verdict"] in lit.VERDICTS
    by_id = {r.estimate.id: r for r in reps}
    for rec in records:
        rep = by_id[rec["id"]]
        if rep.reproduced is None:
            assert rec["reproduced_value"] is None and rec["verdict"] == "not reproducible"
        else:
            assert rec["reproduced_value"] == pytest.approx(rep.reproduced, rel=1e-6)


def test_table_and_output_file(tmp_path):
    out = tmp_path / "lit.csv"
    res = runner.invoke(app, ["literature", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "reproduced" in res.output and "differs" in res.output
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert set(JSON_FIELDS) <= set(header)
    again = runner.invoke(app, ["literature", "-o", str(out)])
    assert again.exit_code == 2 and "exists" in again.output


def test_explain_walks_to_the_reproduced_value(reps):
    rep = {r.estimate.id: r for r in reps}["ifs-uk-2025-06"]
    steps = lit.explain(rep.estimate)
    assert [s.driver for s in steps][1:] == [d for d, _ in lit.DRIVERS] + ["currency"]
    assert steps[0].value != pytest.approx(rep.reproduced)  # the default scenario differs
    assert steps[-2].value == pytest.approx(rep.reproduced)
    assert any("baseline_pct: 2.0 -> 2.6" in c for s in steps for c in s.changes)
    res = runner.invoke(app, ["literature", "--id", "ifs-uk-2025-06", "--explain"])
    assert res.exit_code == 0, res.output
    assert "growth" in res.output and "data edition" in res.output


def test_bad_input_is_one_line():
    res = runner.invoke(app, ["literature", "--id", "no-such-estimate"])
    assert res.exit_code == 2 and "unknown estimate" in res.output
    res = runner.invoke(app, ["literature", "--explain"])
    assert res.exit_code == 2 and "--id" in res.output
    res = runner.invoke(app, ["literature", "--edition", "nato-2025"])
    assert res.exit_code == 2 and "edition" in res.output


def test_chart_plots_each_estimate_against_its_published_figure(reps, tmp_path):
    from spendcalc.views.charts.literature import literature_figure

    fig = literature_figure(reps)
    ax = fig.axes[0]
    dots = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    for rep in reps:
        if rep.reproduced is None:
            continue
        x = dots[f"spendcalc-{rep.estimate.id}"].get_xdata()[0]
        assert x == pytest.approx(rep.reproduced / rep.published * 100)
        assert dots[f"published-{rep.estimate.id}"].get_xdata()[0] == 100
    png = tmp_path / "lit.png"
    res = runner.invoke(app, ["literature", "--chart", str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_has_a_published_estimates_section(reps):
    import spendcalc
    from spendcalc.views import report

    data = spendcalc.load_dataset()
    result = spendcalc.compute(spendcalc.load_scenario("hague-2035", data), data)
    page = report.build([result])
    assert '<section id="literature"' in page and "Published estimates" in page
    for rep in reps:
        assert f'id="published-{rep.estimate.id}"' in page
    assert "https://" not in page  # sources by title: the page stays offline


def test_explain_ends_at_spendcalcs_value_for_every_estimate(reps):
    for rep in reps:
        steps = lit.explain(rep.estimate)
        assert steps[-1].driver == "currency"
        if rep.reproduced is None:
            assert steps[-1].value is None and "not reproducible" in steps[-1].note
        else:
            assert steps[-2].value == pytest.approx(rep.reproduced), rep.estimate.id


def test_a_published_file_runs_as_a_scenario_on_its_assumptions():
    """``spendcalc run scenarios/published/X.toml`` projects the estimate's assumptions; the
    [published] table is the source's description, not a scenario field."""
    from typer.testing import CliRunner

    from spendcalc.cli.app import app

    path = next((Path(__file__).resolve().parents[1] / "scenarios" / "published").glob("*.toml"))
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 0 and res.output.startswith("ok: "), res.output

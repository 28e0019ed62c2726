"""``explain``: every number it shows is the projection table's."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc.cli.app import app
from spendcalc.evidence import explain as E

runner = CliRunner()

CASES = [("hague-2035", "DEU"), ("hague-2035", "ESP"), ("hague-2035", "POL"),
         ("national-plans", "LTU"), ("rutte-2032", "FRA"), ("status-quo", "ITA"),
         ("hague-back-loaded", "CAN")]


@pytest.fixture(scope="module")
def results():
    names = {name for name, _ in CASES}
    return {name: spendcalc.compute(spendcalc.load_scenario(name)) for name in names}


def _cell(table, iso3, year, column):
    return float(table[(table.iso3 == iso3) & (table.year == year)][column].iloc[0])


@pytest.mark.parametrize(("scenario", "member"), CASES)
def test_every_fact_is_the_tables_number(results, scenario, member):
    result = results[scenario]
    ex = E.explain(result, member)
    assert ex.facts
    text = ex.text
    for f in ex.facts:
        if ":" in f.column or "-" in f.column:  # a difference of two table cells
            continue
        value = _cell(result.table, member, f.year, f.column)
        assert f.value == pytest.approx(value), f
        assert f.text in text, f


@pytest.mark.parametrize(("scenario", "member"), CASES)
def test_every_money_amount_in_the_text_comes_from_the_table(results, scenario, member):
    result = results[scenario]
    ex = E.explain(result, member)
    t = result.table[result.table.iso3 == member]
    money_cols = [c for c in t.columns if c.endswith("_usd_bn") or c.endswith("_usd_bn_const")]
    allowed = {E.fmt(abs(float(v)), "usd") for c in money_cols for v in t[c]}
    shown = set(re.findall(r"USD [\d,]+\.\d+ bn", ex.text))
    assert shown and shown <= allowed, shown - allowed


def test_germany_by_hand(results):
    result = results["hague-2035"]
    ex = E.explain(result, "deu")
    t = result.table
    text = ex.text
    base, last = result.scenario.base_year, result.scenario.horizon
    core_base = _cell(t, "DEU", base, "core_pct")
    assert f"In {base} Germany spent {core_base:.2f}% of its GDP on core defence" in text
    source = t[(t.iso3 == "DEU") & (t.year == base)]["base_share_source"].iloc[0]
    assert f"The share comes from {source}" in text  # the source of the base-year share
    # Core and related spending in money as well as in share (USD bn, current prices).
    parts = [f"USD {_cell(t, 'DEU', last, c):,.1f} bn {w}"
             for c, w in (("core_usd_bn", "core"), ("related_usd_bn", "related"),
                          ("total_usd_bn", "in all"))]
    assert ", ".join(parts) in text
    assert f"USD {_cell(t, 'DEU', last, 'total_usd_bn'):,.1f} bn in all at current prices" \
        in text
    assert f"USD {_cell(t, 'DEU', last, 'extra_over_baseline_usd_bn'):,.1f} bn more" in text
    cum = _cell(t, "DEU", 2035, "cum_extra_over_baseline_usd_bn")
    assert f"USD {cum:,.1f} bn more than 2% would have cost" in text
    # The linear step is the table's first yearly change.
    step = _cell(t, "DEU", base + 1, "core_pct") - _cell(t, "DEU", base, "core_pct")
    assert f"{step:.2f} points a year" in text
    # The growth quoted is the table's GDP growth.
    g = 100 * (_cell(t, "DEU", base + 1, "gdp_usd_bn") / _cell(t, "DEU", base, "gdp_usd_bn") - 1)
    assert f"give {g:.2f}%" in text


def test_exemption_and_milestones_are_named(results):
    spain = E.explain(results["hague-2035"], "ESP").text
    assert "Spain is exempt" in spain and "ESP-2025-06" in spain and "2.10%" in spain
    lithuania = E.explain(results["national-plans"], "LTU").text
    assert "own milestones" in lithuania and "BALTIC-2025" in lithuania


def test_shortfall_before_the_target_year(results):
    result = results["rutte-2032"]
    ex = E.explain(result, "FRA", 2030)
    gap = _cell(result.table, "FRA", 2030, "target_total_pct") - _cell(
        result.table, "FRA", 2030, "total_pct")
    short = _cell(result.table, "FRA", 2030, "shortfall_to_target_usd_bn")
    assert f"still {gap:.2f} points of GDP (USD {short:,.1f} bn) short" in ex.text


def test_year_by_year_rows_are_the_table_rows(results):
    result = results["hague-2035"]
    ex = E.explain(result, "NOR")
    t = result.table[result.table.iso3 == "NOR"].reset_index(drop=True)
    rows = E.table_rows(ex)
    for col in ("year", "core_pct", "total_usd_bn", "extra_over_baseline_usd_bn"):
        assert rows[col].tolist() == t[col].tolist()


def test_iceland_is_explained_without_numbers_it_does_not_have(results):
    ex = E.explain(results["hague-2035"], "ISL")
    assert "no armed forces" in ex.text and "target" in ex.text


def test_explain_command():
    res = runner.invoke(app, ["explain", "--member", "DEU", "--year", "2030"])
    assert res.exit_code == 0, res.output
    assert "Where it starts" in res.output and "year by year" in res.output
    for args, message in ((["explain"], "--member is required"),
                          (["explain", "--member", "GER"], "did you mean DEU (Germany)?"),
                          (["explain", "--member", "DEU", "--year", "2036"],
                           "is outside the projection; allowed:")):
        bad = runner.invoke(app, args)
        assert bad.exit_code == 2 and message in bad.stderr


@pytest.mark.parametrize("name", ["hague-front-loaded", "hague-back-loaded", "hague-2035"])
def test_the_path_is_described_in_the_reports_words(data, name):
    """explain and the report's assumptions describe the path with the same words
    (``path_words``), curvature and halfway share included."""
    from spendcalc.views import words

    result = spendcalc.compute(spendcalc.load_scenario(name, data), data)
    phrase = E.path_words(result.scenario.path)
    paragraphs = dict(E.explain(result, "DEU").paragraphs)
    assert paragraphs["How it gets there"].startswith(f"The shares move {phrase}.")
    listed = {a.topic: a.text for a in words.assumptions(result.scenario, data)}
    assert listed["Path"].startswith(f"Shares move {phrase}.")
    if name != "hague-2035":
        half = "75%" if name == "hague-front-loaded" else "25%"
        assert f"(curvature 2: halfway through the period {half} of the rise is done)" in phrase

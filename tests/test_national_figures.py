"""Published national figures reproduced in their own currency (issue 14), from the numbers
alone with each source's stated assumptions; nothing tuned. Each test asserts the measured
gap, so a change to data or model that moves it shows up here.

Common choices: the nato-2026 edition; base year 2025, the year both sources start from
(the PBO: "from 2.0% of GDP in 2025"; Spain's statement of June 2025: "hasta 2035"); IMF WEO
October 2025 growth and inflation (the sources used their own GDP projections); NATO's
exchange rates, then the real rate held (spendcalc.core.currency).
"""

from __future__ import annotations

import pytest

import spendcalc
from spendcalc.core.fiscal_year import START_MONTH, apportion
from spendcalc.io.data import load_dataset
from spendcalc.io.scenarios import load_scenario


@pytest.fixture(scope="module")
def data26():
    return load_dataset(None, "nato-2026")


def _local(data, name, overrides):
    scenario = load_scenario(name, data, overrides)
    return spendcalc.compute(scenario, data).in_currency("local").table.set_index("year")


def test_pbo_canada_core_spending_in_fy_2035_36(data26) -> None:
    """PBO (Feb 2026): C$159.1 bn of core defence spending in FY 2035-36, core rising
    gradually (linear here) from 2.0% of GDP in 2025 to 3.5% by 2035, the 1.5% related part
    assumed met. The 2035 level is 3.5% of 2035 GDP whatever the ramp's shape.

    Measured: calendar 2035 C$159.3 bn (+0.1%); FY 2035-36 apportioned (9/12 of 2035 +
    3/12 of 2036, 3.5% held in 2036) C$160.8 bn (+1.0%). The rest is GDP: the PBO projects
    Canada's nominal GDP itself; here IMF real growth and Canadian CPI."""
    t = _local(data26, "hague-2035", ["base_year=2025", 'members=["CAN"]', "horizon=2036"])
    published = 159.1
    calendar = t.core_lcu_bn[2035]
    fiscal = apportion(t.core_lcu_bn.to_dict(), START_MONTH["CAN"])[2035]
    assert t.currency[2035] == "CAD"
    assert calendar == pytest.approx(159.32, abs=0.01)
    assert fiscal == pytest.approx(160.76, abs=0.01)
    assert calendar / published - 1 == pytest.approx(0.0014, abs=0.0001)
    assert fiscal / published - 1 == pytest.approx(0.0104, abs=0.0001)


def test_spain_about_350_bn_avoided_by_2035(data26) -> None:
    """Spain's government (Expansión, 23 June 2025): the 2.1% deal "avoids an increase of
    military spending of about €350,000 million to 2035". Read as the cumulative difference
    2026-2035 between the Hague path (3.5% core + 1.5% related by 2035, linear from the 2025
    share, related from 0) and Spain's 2.1% core path, in current euros.

    Measured: €336.6 bn, 3.8% below €350 bn: inside "about 350" read to the nearest €50 bn
    (325-375), outside it read to the nearest €10 bn (345-355). Not tuned: the source gives
    no path shape, start year or GDP path; a base year of 2026 gives €324.8 bn."""
    five = _local(data26, "hague-no-exemption", ["base_year=2025", 'members=["ESP"]'])
    two = _local(data26, "hague-2035", ["base_year=2025", 'members=["ESP"]'])
    assert set(five.currency) == {"EUR"}
    avoided = (five.total_lcu_bn - two.total_lcu_bn).loc[2026:2035].sum()
    assert avoided == pytest.approx(336.60, abs=0.01)
    assert avoided / 350 - 1 == pytest.approx(-0.038, abs=0.001)
    assert 325 <= avoided <= 375


def test_fiscal_year_apportioning() -> None:
    calendar = {2035: 120.0, 2036: 240.0}
    assert apportion(calendar, 4) == {2035: 150.0}
    assert apportion(calendar, 10) == {2035: 210.0}  # Oct-Dec 2035, Jan-Sep 2036
    assert apportion(calendar, 1) == calendar
    with pytest.raises(ValueError, match="start_month"):
        apportion(calendar, 13)


def test_germany_162_bn_in_2029_differs_by_gdp(data26) -> None:
    """Germany's Finanzplan (June 2025): €162 bn of defence spending (NATO definition) in
    2029, at 3.5% of GDP. Reproduced as 3.5% core reached in 2029 from 2025.

    Measured: €171.2 bn, 5.7% above: NOT reproduced within the source's rounding. The share
    is the same, so the whole gap is GDP: €162 bn at 3.5% implies a 2029 GDP of €4.63 tn,
    while NATO's 2025 euro GDP (€4.48 tn) grown with IMF real growth and German CPI gives
    €4.89 tn. The government used its own (lower) nominal GDP projection; not tuned."""
    t = _local(data26, "hague-2035", ["base_year=2025", 'members=["DEU"]', "target.year=2029",
                                      "target.related_pct=0"])
    assert t.currency[2029] == "EUR" and t.core_pct[2029] == pytest.approx(3.5)
    assert t.core_lcu_bn[2029] == pytest.approx(171.24, abs=0.01)
    assert t.core_lcu_bn[2029] / 162 - 1 == pytest.approx(0.057, abs=0.001)
    assert t.gdp_lcu_bn[2029] == pytest.approx(4892.6, abs=0.1)  # against 162 / 0.035 = 4629


def test_ifs_uk_about_30_bn_a_year_in_todays_terms(data26) -> None:
    """IFS (June 2025): raising core defence from 2.6% to 3.5% of national income "would
    mean, in today's terms, spending around an additional £30 billion a year". Read as the
    2035 gap over a 2.6% baseline at 2025 prices, deflated by UK CPI (the ``_lcu_bn_const``
    columns); related spending left out (the IFS counts it as already budgeted).

    Measured: £30.5 bn in 2025 pounds (+1.7%), inside "around £30 bn" (£25-35 bn, the
    literature tolerance); at 2025 GDP instead (no growth) £27.3 bn, also inside. In current
    2035 pounds it would be £37.4 bn: the price basis matters more than the model."""
    t = _local(data26, "hague-2035", ["base_year=2025", 'members=["GBR"]', "baseline_pct=2.6",
                                      "target.related_pct=0"])
    assert t.currency[2035] == "GBP"
    todays = t.extra_over_baseline_lcu_bn_const[2035]
    assert todays == pytest.approx(30.51, abs=0.01)
    assert 25 <= todays <= 35 and todays / 30 - 1 == pytest.approx(0.017, abs=0.001)
    assert 0.009 * t.gdp_lcu_bn[2025] == pytest.approx(27.33, abs=0.01)
    assert t.extra_over_baseline_lcu_bn[2035] == pytest.approx(37.40, abs=0.01)


@pytest.fixture(scope="module")
def fiscal(data26):
    """hague-2035 by fiscal year, and the same scenario by calendar year to 2036."""
    scenario = load_scenario("hague-2035", data26, [])
    longer = load_scenario("hague-2035", data26, ["horizon=2036"])
    by_fy = spendcalc.compute(scenario, data26).in_currency("local").by_fiscal_year()
    calendar = spendcalc.compute(longer, data26).in_currency("local").table
    return by_fy, calendar.set_index(["iso3", "year"])


def test_fiscal_year_rows_apportion_the_calendar_years(fiscal) -> None:
    by_fy, cal = fiscal
    t = by_fy.table.set_index(["iso3", "year"])
    # Canada's FY 2035-36: April-December 2035 and January-March 2036 (hand-weighted).
    can = t.loc[("CAN", 2035)]
    assert can.fiscal_year == "2035-36" and can.fiscal_start_month == 4
    assert can.core_lcu_bn == pytest.approx(
        0.75 * cal.core_lcu_bn["CAN", 2035] + 0.25 * cal.core_lcu_bn["CAN", 2036])
    # The US's FY 2035-36 starts in October: a quarter of 2035, three quarters of 2036.
    assert t.loc[("USA", 2035)].total_usd_bn == pytest.approx(
        0.25 * cal.total_usd_bn["USA", 2035] + 0.75 * cal.total_usd_bn["USA", 2036])
    # Shares are the fiscal year's spending over its GDP; calendar allies are untouched.
    assert can.core_pct == pytest.approx(can.core_usd_bn / can.gdp_usd_bn * 100)
    assert t.loc[("DEU", 2035)].core_lcu_bn == pytest.approx(cal.core_lcu_bn["DEU", 2035])
    assert t.loc[("DEU", 2035)].fiscal_year == "2035"
    # The scenario is the one asked for (horizon 2035), and its horizon's fiscal year whole.
    assert by_fy.scenario.horizon == 2035 and t.index.get_level_values("year").max() == 2035
    assert not t.loc["GBR"].total_usd_bn.isna().any()
    assert by_fy.table.groupby("year").share_of_total_pct.sum().to_numpy() == pytest.approx(100)
    assert "apportioned" in by_fy.meta["fiscal_year"]["model"]


def test_fiscal_year_sums_telescope_to_the_calendar_sums(fiscal) -> None:
    """Over 2027-2035, Canada's fiscal years hold the calendar years' money less the first
    quarter of 2027 plus the first quarter of 2036; the cumulative column agrees."""
    by_fy, cal = fiscal
    t = by_fy.table.set_index(["iso3", "year"])
    years = range(2027, 2036)
    fy = sum(t.extra_over_baseline_lcu_bn["CAN", y] for y in years)
    calendar = sum(cal.extra_over_baseline_lcu_bn["CAN", y] for y in years)
    edge = 0.25 * (cal.extra_over_baseline_lcu_bn["CAN", 2036]
                   - cal.extra_over_baseline_lcu_bn["CAN", 2027])
    assert fy == pytest.approx(calendar + edge)
    assert t.cum_extra_over_baseline_lcu_bn["CAN", 2035] == pytest.approx(fy)


def test_run_fiscal_year_exports_and_reruns(tmp_path) -> None:
    import json

    import jsonschema
    from typer.testing import CliRunner

    from spendcalc.cli.app import app
    from spendcalc.io import export_schema

    runner = CliRunner()
    out = tmp_path / "fy.json"
    res = runner.invoke(app, ["run", "--fiscal-year", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "by fiscal year" in res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads(export_schema.SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
    row = next(r for r in doc["table"] if r["iso3"] == "GBR" and r["year"] == 2035)
    assert row["fiscal_year"] == "2035-36" and doc["meta"]["fiscal_year"]["start_month"]["GBR"] == 4
    csv_out = tmp_path / "fy.csv"
    res = runner.invoke(app, ["run", "--fiscal-year", "--currency", "GBP", "-o", str(csv_out)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["run", "--from-meta", f"{csv_out}.meta.json"])
    assert res.exit_code == 0 and "identical" in res.output, res.output

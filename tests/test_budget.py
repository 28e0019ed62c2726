"""Budget trade-offs: the pure functions, the debt path against closed forms, one member's
figures checked by hand from the CSV files, group totals, money flows and the commands."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import spendcalc
from spendcalc import load_scenario
from spendcalc.cli.app import app
from spendcalc.core import budget
from spendcalc.evidence.moneyflow import moneyflow
from spendcalc.evidence.tradeoff import tradeoff
from spendcalc.io.fiscal_data import load_fiscal
from spendcalc.io.resources import bundled_dir

runner = CliRunner()
DATA = bundled_dir("data")


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def hague():
    return spendcalc.compute(spendcalc.load_scenario("hague-2035"))


def _row(table, iso3, year):
    return table[(table.iso3 == iso3) & (table.year == year)].iloc[0]


# --------------------------------------------------------------------------- pure functions

def test_share_of_line_and_per_person_units():
    # 10 bn against a line of 5 % of a 1,000 bn GDP (50 bn) is 20 %.
    assert budget.share_of_line_pct(10.0, 5.0, 1000.0) == pytest.approx(20.0)
    # 10 bn over 5 million people is 2,000 dollars each.
    assert budget.per_person_usd(10.0, 5.0) == pytest.approx(2000.0)
    assert math.isnan(budget.share_of_line_pct(10.0, np.nan, 1000.0))  # no data: no number
    assert budget.to_constant_usd_bn(110.0, 1.1) == pytest.approx(100.0)


def test_cumulative_share_sums_both_sides():
    amount = np.array([1.0, 2.0, 3.0])
    gdp = np.array([100.0, 110.0, 120.0])
    expected = 100 * 6.0 / (0.10 * (100 + 110 + 120))
    assert budget.cumulative_share_of_line_pct(amount, 10.0, gdp) == pytest.approx(expected)


def test_hold_after_holds_the_last_value_and_never_fills_earlier_gaps():
    out = budget.hold_after([2023, 2024, 2025, 2026], {2024: 1.0, 2025: 2.0})
    assert np.isnan(out[0]) and list(out[1:]) == [1.0, 2.0, 2.0]


def test_added_debt_closed_form_with_interest():
    # Constant borrowing E each year at rate i: A_T = E ((1 + i)^T - 1) / i.
    e, i, n = 10.0, 0.04, 8
    added = budget.added_debt_usd_bn(np.full(n, e), 100.0, 4.0)
    assert added[-1] == pytest.approx(e * ((1 + i) ** n - 1) / i)
    half = budget.added_debt_usd_bn(np.full(n, e), 50.0, 4.0)
    assert half[-1] == pytest.approx(added[-1] / 2)


def test_debt_path_zero_interest_zero_growth_is_the_running_sum():
    gdp = np.full(5, 200.0)
    spend = np.array([0.0, 2.0, 4.0, 6.0, 8.0])
    path = budget.debt_path(np.full(5, 60.0), spend, gdp, 100.0, 0.0)
    assert list(path.with_pct_gdp) == pytest.approx(60 + 100 * np.cumsum(spend) / 200)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=1, max_size=12), st.floats(-5, 20),
       st.floats(0, 5))
def test_more_interest_never_means_less_debt(spend, rate, extra):
    s = np.array(spend)
    low = budget.added_debt_usd_bn(s, 100.0, rate)
    high = budget.added_debt_usd_bn(s, 100.0, rate + extra)
    assert np.all(high >= low - 1e-9)


def test_equipment_flows_multiply_and_leave_the_us_out():
    f = budget.equipment_flows(np.array([100.0, 100.0]), np.array([30.0, 30.0]), 50.0, 64.0,
                               np.array([False, True]))
    assert f.equipment_usd_bn.tolist() == pytest.approx([30.0, 30.0])
    assert f.us_suppliers_usd_bn[0] == pytest.approx(100 * 0.30 * 0.50 * 0.64)
    assert np.isnan(f.us_suppliers_usd_bn[1]) and np.isnan(f.imported_usd_bn[1])


# --------------------------------------------------------------------------- by hand

def test_germany_2035_by_hand(hague):
    tr = tradeoff(hague, member="DEU")
    s = tr.summary.iloc[0]
    row = _row(hague.table, "DEU", 2035)
    fiscal = {(r["indicator"], int(r["year"])): float(r["value_pct_gdp"])
              for r in _csv("fiscal.csv") if r["iso3"] == "DEU"}
    health_year = max(y for (ind, y) in fiscal if ind == "health")
    assert health_year == 2024 and fiscal[("health", 2024)] == 7.61
    extra, gdp = row.extra_over_baseline_usd_bn, row.gdp_usd_bn
    assert s.above_baseline_usd_bn == extra
    assert s.above_baseline_pct_health == pytest.approx(100 * extra / (0.0761 * gdp))
    assert s.above_baseline_pct_health == pytest.approx(39.4, abs=0.05)
    assert s.above_baseline_pct_gov_expenditure == pytest.approx(
        100 * extra / (fiscal[("gov_expenditure", 2024)] / 100 * gdp))
    pop = next(float(r["population_m"]) for r in _csv("population.csv")
               if r["iso3"] == "DEU" and r["year"] == "2024")
    assert s.above_baseline_usd_per_person == pytest.approx(extra * 1e9 / (pop * 1e6))
    assert s.above_baseline_usd_bn_const == pytest.approx(extra / row.deflator)
    # Debt: IMF's 2031 ratio held to 2035, plus the borrowed increase with 3 % interest.
    imf_2031 = fiscal[("gov_debt", 2031)]
    t = hague.table[hague.table.iso3 == "DEU"].sort_values("year")
    added = 0.0
    for inc in t.increase_over_base_share_usd_bn:
        added = added * 1.03 + inc
    assert s.debt_without_pct_gdp == imf_2031
    assert s.debt_with_pct_gdp == pytest.approx(imf_2031 + 100 * added / gdp)
    assert s.cum_above_baseline_usd_bn == row.cum_extra_over_baseline_usd_bn


def test_debt_path_closed_form_through_the_scenario():
    """Zero interest and zero nominal growth: the 2035 debt ratio rises by the borrowed share
    times the sum of the yearly increases in % of GDP."""
    s = load_scenario("hague-2035", overrides=[
        "growth.source=flat", "growth.flat_pct=0", "financing.interest_rate_pct=0",
        "financing.borrowed_pct=50"])
    result = spendcalc.compute(s)
    tr = tradeoff(result, member="FRA")
    t = result.table[result.table.iso3 == "FRA"].sort_values("year")
    rise = 0.5 * float((t.total_pct - t.total_pct.iloc[0]).sum())
    last = tr.summary.iloc[0]
    assert last.debt_with_pct_gdp - last.debt_without_pct_gdp == pytest.approx(rise)


def test_cut_share_of_a_line():
    s = load_scenario("hague-2035", overrides=["financing.borrowed_pct=25",
                                               "financing.cut_line=health"])
    result = spendcalc.compute(s)
    row = tradeoff(result, member="ITA").summary.iloc[0]
    t = _row(result.table, "ITA", 2035)
    health = next(float(r["value_pct_gdp"]) for r in _csv("fiscal.csv")
                  if r["iso3"] == "ITA" and r["indicator"] == "health" and r["year"] == "2024")
    expected = 100 * 0.75 * t.increase_over_base_share_usd_bn / (health / 100 * t.gdp_usd_bn)
    assert row.cut_pct_health == pytest.approx(expected)


def test_group_total_uses_only_members_with_data(hague):
    tr = tradeoff(hague, group="southern")
    s = tr.summary.set_index("iso3")
    ok = [c for c in s.index if not math.isnan(s.loc[c, "health_pct_gdp"])]
    assert "MKD" not in ok and "MNE" not in ok
    line = sum(s.loc[c, "health_pct_gdp"] / 100 * s.loc[c, "gdp_usd_bn"] for c in ok)
    amount = sum(s.loc[c, "above_baseline_usd_bn"] for c in ok)
    assert tr.total["above_baseline_pct_health"] == pytest.approx(100 * amount / line)
    assert any("MNE, MKD" in n and "health" in n for n in tr.notes)


def test_iceland_is_never_zero(hague):
    tr = tradeoff(hague)
    isl = tr.summary[tr.summary.iso3 == "ISL"].iloc[0]
    assert math.isnan(isl.above_baseline_usd_bn) and math.isnan(isl.debt_with_pct_gdp)


def test_population_and_fiscal_years_are_said(hague):
    notes = " ".join(tradeoff(hague, member="HRV").notes)
    assert "held at its 2024 level" in notes and "2022" in notes  # Croatia's COFOG is 2022


# --------------------------------------------------------------------------- money flow

def test_moneyflow_by_hand(hague):
    mf = moneyflow(hague, group="g7")
    f = mf.frame.set_index("iso3")
    # The default edition's latest equipment shares (nato-2026: 2026 estimates).
    with hague.data.path("equipment_share.csv").open(encoding="utf-8") as handle:
        eq = {r["iso3"]: float(r["equipment_share_pct"]) for r in csv.DictReader(handle)
              if r["year"] == "2026"}
    us = 0.0
    for c in ("CAN", "DEU", "FRA", "GBR", "ITA"):
        cum = _row(hague.table, c, 2035).cum_extra_over_baseline_usd_bn
        assert f.loc[c, "cum_equipment_usd_bn"] == pytest.approx(cum * eq[c] / 100)
        us += cum * eq[c] / 100 * 1.0 * 0.64
    assert mf.total["cum_us_suppliers_usd_bn"] == pytest.approx(us)
    assert math.isnan(f.loc["USA", "cum_us_suppliers_usd_bn"])  # domestic, not an import
    assert any("Upper-bound reading" in n for n in mf.notes)


# --------------------------------------------------------------------------- commands

def test_tradeoff_member_card_and_chart(tmp_path: Path, hague):
    chart = tmp_path / "deu.png"
    res = runner.invoke(app, ["tradeoff", "--member", "deu", "--chart", str(chart)])
    assert res.exit_code == 0, res.output
    assert "39.4%" in res.output and "Gross debt with it" in res.output
    assert chart.stat().st_size > 10_000
    again = runner.invoke(app, ["tradeoff", "--member", "deu", "--chart", str(chart)])
    assert again.exit_code == 2 and "file exists; use --force" in again.stderr


def test_tradeoff_figure_is_a_figure(hague):
    from matplotlib.figure import Figure

    from spendcalc.views import charts as plots

    assert isinstance(plots.tradeoff_figure(hague, group="eu"), Figure)


@pytest.mark.parametrize(("args", "message"), [
    (["--member", "GER"], "did you mean DEU (Germany)?"),
    (["--member", "ISL"], "has no armed forces"),
    (["--member", "DEU", "--group", "eu"], "not both"),
    (["--set", "financing.interest_rate_pct=-101"], "financing.interest_rate_pct: -101 is out "
                                                   "of range; allowed: from -100 to 100"),
    (["--set", "financing.borrowed_pct=120"], "allowed: from 0 to 100"),
    (["--member", "MKD", "--set", "financing.borrowed_pct=50",
      "--set", "financing.cut_line=education"], "fiscal.csv has no education figure for North "
                                               "Macedonia"),
    (["--year", "2025"], "allowed: 2027 to 2035"),
])
def test_tradeoff_bad_input_is_one_line_exit_2(args, message):
    res = runner.invoke(app, ["tradeoff", *args])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert err.startswith("error: ") and message in err and len(err.splitlines()) == 1


def test_moneyflow_command_states_the_upper_bound():
    res = runner.invoke(app, ["moneyflow"])
    assert res.exit_code == 0, res.output
    assert "European allies + Canada" in res.output and "at most USD" in res.output
    lowered = runner.invoke(app, ["moneyflow", "--set", "equipment.imported_pct=40"])
    assert "at most" not in lowered.output


# --------------------------------------------------------------------------- data errors

@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("fiscal.csv", "DEU,2024,health,7.61", "DEU,2024,health,abc",
     r"fiscal.csv: row \d+: value_pct_gdp = 'abc' is not a number"),
    ("fiscal.csv", "DEU,2024,health,7.61", "DEU,2024,healthcare,7.61",
     r"fiscal.csv: row \d+: indicator = 'healthcare'; allowed: health"),
    ("population.csv", "DEU,2024,", "GER,2024,",
     r"population.csv: row \d+: iso3 = 'GER' is not in members.csv"),
    ("equipment_share.csv", "POL,2024,51.13", "POL,2024,151.13",
     r"equipment_share.csv: row \d+: equipment_share_pct = 151.13 is outside 0 to 100"),
])
def test_fiscal_data_errors_name_file_row_and_field(data_copy, file, old, new, message):
    from spendcalc.core.errors import DataError

    path = data_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_fiscal(spendcalc.load_dataset(data_copy))

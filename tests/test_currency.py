"""National currencies (issue 14): NATO's rates, the projected rates, converted tables."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spendcalc
from spendcalc.core.currency import CurrencyError, lcu_name
from spendcalc.core.errors import ScenarioError
from spendcalc.io.data import load_dataset
from spendcalc.io.scenarios import load_scenario

RATES_FILE = Path(__file__).parent.parent / "data/editions/nato-2026/national_currency.csv"


@pytest.fixture(scope="module")
def data26():
    return load_dataset(None, "nato-2026")


def _result(data, overrides=(), choice="local"):
    scenario = load_scenario("hague-2035", data, list(overrides))
    return spendcalc.compute(scenario, data).in_currency(choice)


def test_history_reproduces_table_1(data26) -> None:
    """NATO's Table 2 dollars times the rate give Table 1 to its published precision (whole
    millions), for every ally whose currency is its own; euro allies at the euro's (Germany's)
    rate within the rounding of their small amounts."""
    for row in csv.DictReader(RATES_FILE.open()):
        i, year = data26.index(row["iso3"]), int(row["year"])
        anchor = data26.usd_rates[data26.index("DEU")] if row["currency"] == "EUR" \
            else data26.usd_rates[i]
        rate = anchor[data26.rate_years.index(year)]
        usd, national = float(row["core_usd_current_m"]), float(row["core_nat_currency_current_m"])
        # Whole millions in both tables: half a unit of each, carried through the rate.
        tolerance = 0.5 + 0.5 * rate if row["currency"] != "EUR" else 0.5 + 0.006 * national
        assert abs(usd * rate - national) <= tolerance, row


def test_euro_allies_share_the_euro_rate_in_history(data26) -> None:
    r = _result(data26, ["base_year=2024"])
    t = r.table
    for year in (2024, 2025, 2026):
        rates = t[(t.currency == "EUR") & (t.year == year)].usd_rate
        assert rates.nunique() == 1, year
    assert set(t[t.iso3.isin(["HRV", "BGR", "LTU", "MNE"])].currency) == {"EUR"}
    # Germany 2026: NATO's EUR 124,660 m over USD 147,002 m.
    assert t[(t.iso3 == "DEU") & (t.year == 2026)].usd_rate.item() == pytest.approx(124660 / 147002)


def test_projected_rate_moves_with_the_inflation_gap(data26) -> None:
    t = _result(data26).table
    usa = data26.index("USA")
    for iso3 in ("CAN", "TUR", "DEU", "POL"):
        m = data26.index(iso3)
        rates = t[t.iso3 == iso3].set_index("year").usd_rate
        for year in range(2027, 2036):
            col = data26.projection_years.index(min(year, data26.projection_years[-1]))
            expected = rates[year - 1] * (1 + data26.cpi_pct[m, col] / 100) / (
                1 + data26.cpi_pct[usa, col] / 100)
            assert rates[year] == pytest.approx(expected, rel=1e-12)


def test_local_gdp_grows_with_real_growth_and_local_cpi(data26) -> None:
    t = _result(data26).table
    for iso3 in ("CAN", "TUR", "ESP"):
        m = data26.index(iso3)
        gdp = t[t.iso3 == iso3].set_index("year").gdp_lcu_bn
        for year in range(2027, 2036):
            col = data26.projection_years.index(min(year, data26.projection_years[-1]))
            real, cpi = data26.real_growth_pct[m, col], data26.cpi_pct[m, col]
            assert gdp[year] / gdp[year - 1] == pytest.approx((1 + real / 100) * (1 + cpi / 100),
                                                              rel=1e-12)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice=st.sampled_from(["local", "EUR", "CAD", "TRY", "GBP"]),
       target_year=st.integers(2028, 2035), core=st.floats(2.0, 6.0),
       base_year=st.integers(2024, 2026),
       fixed=st.one_of(st.none(), st.floats(0.5, 2.0)))
def test_local_is_usd_times_rate_in_every_cell(data26, choice, target_year, core, base_year,
                                                fixed) -> None:
    overrides = [f"target.year={target_year}", f"target.core_pct={core}",
                 f"base_year={base_year}"]
    if fixed is not None:
        overrides.append(f"currency.EUR_per_USD={fixed}")
    plain = _result(data26, overrides, "USD")
    result = _result(data26, overrides, choice)
    t, usd = result.table, plain.table
    for col in usd.columns:  # dollar figures exactly as without --currency
        assert usd[col].equals(t[col]), col
    for col in [c for c in usd.columns if c.endswith("_usd_bn") and lcu_name(c) in t]:
        if col.startswith("cum_"):  # running sums of the converted flows, each at its rate
            flow = t[lcu_name(col.removeprefix("cum_"))].to_numpy().reshape(-1, len(set(t.year)))
            running = np.cumsum(flow, axis=1) - flow[:, :1]
            np.testing.assert_array_equal(t[lcu_name(col)], running.reshape(-1))
        else:
            np.testing.assert_array_equal(t[lcu_name(col)], t[col] * t.usd_rate)
    if fixed is not None and choice in ("local", "EUR"):
        assert np.all(t[t.currency == "EUR"].usd_rate == fixed)
    assert result.meta["currency"]["currency"] == choice


def test_constant_local_prices_deflate_by_own_cpi(data26) -> None:
    t = _result(data26).table
    can = t[t.iso3 == "CAN"].set_index("year")
    m, cols = data26.index("CAN"), data26.projection_years
    level = np.cumprod([1.0] + [1 + data26.cpi_pct[m, cols.index(min(y, cols[-1]))] / 100
                                for y in range(2027, 2036)])
    np.testing.assert_allclose(can.total_lcu_bn_const, can.total_lcu_bn / level, rtol=1e-12)
    assert can.total_lcu_bn_const[2026] == can.total_lcu_bn[2026]


def test_iceland_has_no_local_rate_but_converts_to_a_common_currency(data26) -> None:
    local = _result(data26).table
    assert local[local.iso3 == "ISL"].gdp_lcu_bn.isna().all()
    eur = _result(data26, choice="EUR").table
    assert eur[eur.iso3 == "ISL"].gdp_lcu_bn.notna().all()


def test_common_currency_aggregates_and_per_year_fixed_rate(data26) -> None:
    r = _result(data26, ["currency.EUR_per_USD={2030 = 1.0}"], "EUR")
    agg = r.aggregates
    nato = agg[agg.group == "nato"].set_index("year")
    assert (nato.currency == "EUR").all() and nato.usd_rate[2030] == 1.0
    assert nato.total_lcu_bn[2030] == nato.total_usd_bn[2030]
    assert nato.usd_rate[2031] != 1.0  # moves on with inflation after the fixed year


def test_bad_choices_are_clear_errors(data26) -> None:
    with pytest.raises(CurrencyError, match="no ally reports in 'XYZ'"):
        _result(data26, choice="XYZ")
    with pytest.raises(CurrencyError, match="nato-2025 edition has no exchange rates"):
        _result(load_dataset(None, "nato-2025"), choice="EUR")
    with pytest.raises(ScenarioError, match=r"currency\.ISK_per_USD"):
        _result(data26, ["currency.ISK_per_USD=140"], "local")
    assert _result(load_dataset(None, "nato-2025"), choice="USD").meta.get("currency") is None


def test_run_currency_eur_writes_xlsx_json_and_csv(tmp_path) -> None:
    import json

    import jsonschema
    from typer.testing import CliRunner

    from spendcalc.cli.app import app
    from spendcalc.io import export_schema

    runner = CliRunner()
    res = runner.invoke(app, ["run", "--currency", "EUR", "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 0, res.output
    assert "EUR bn" in res.output and (tmp_path / "x.xlsx").is_file()
    res = runner.invoke(app, ["run", "--currency", "eur", "-o", str(tmp_path / "x.json")])
    doc = json.loads((tmp_path / "x.json").read_text())
    schema = json.loads(export_schema.SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["meta"]["currency"]["currency"] == "EUR"
    deu = next(r for r in doc["table"] if r["iso3"] == "DEU" and r["year"] == 2026)
    assert deu["currency"] == "EUR"  # the export rounds: 6 decimals of USD, 10 of the rate
    assert deu["core_lcu_bn"] == pytest.approx(deu["core_usd_bn"] * deu["usd_rate"], rel=1e-6)
    assert doc["meta"]["currency"]["rates_per_usd"]["DEU"][0] == pytest.approx(deu["usd_rate"])
    res = runner.invoke(app, ["run", "--currency", "local", "-o", str(tmp_path / "x.csv")],
                        env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "Local bn" in res.output and "Cur." in res.output
    # One table at 80 columns: the currency stands where the code would.
    table = [line for line in res.output.splitlines() if str(tmp_path) not in line]
    assert max(len(line) for line in table) <= 80
    assert res.output.count("Member") == 1  # a split table repeats its first columns
    assert any(line.split()[:2] == ["PLN", "Poland"] for line in res.output.splitlines())
    res = runner.invoke(app, ["run", "--from-meta", str(tmp_path / "x.csv.meta.json")])
    assert res.exit_code == 0 and "identical" in res.output, res.output
    res = runner.invoke(app, ["run", "--currency", "XYZ"])
    assert res.exit_code == 2


def test_explain_speaks_the_allys_money_first(data26) -> None:
    from typer.testing import CliRunner

    from spendcalc.cli.app import app

    out = CliRunner().invoke(app, ["explain", "--member", "CAN", "--currency", "local"],
                             env={"COLUMNS": "200"}).output
    out = " ".join(out.split())  # the console may wrap anywhere
    assert "Exchange rate." in out and "CAD per USD in 2026" in out
    assert "CAD 232.5 bn (USD 174.0 bn) in all" in out
    default = CliRunner().invoke(app, ["explain", "--member", "DEU"], env={"COLUMNS": "200"})
    assert "EUR 124.5 bn (USD 146.8 bn)" in " ".join(default.output.split())
    usd = CliRunner().invoke(app, ["explain", "--member", "DEU", "--currency", "USD"],
                             env={"COLUMNS": "200"})
    assert "EUR" not in usd.output and "USD 146.8 bn" in " ".join(usd.output.split())


def test_meta_records_the_rates_file_and_fixed_rates(data26) -> None:
    import hashlib

    meta = _result(data26, ["currency.EUR_per_USD={2030 = 0.95}"], "EUR").meta["currency"]
    assert meta["rates_file"]["sha256"] == hashlib.sha256(RATES_FILE.read_bytes()).hexdigest()
    assert meta["fixed_rates"] == {"EUR_per_USD": {"2030": 0.95}}
    assert meta["rates_per_usd"]["FRA"][meta["years"].index(2030)] == 0.95


def test_compare_in_a_common_currency_and_in_local(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from spendcalc.cli.app import app
    from spendcalc.io.export_schema import CompareExport

    runner = CliRunner()
    out = tmp_path / "c.json"
    res = runner.invoke(app, ["compare", "hague-2035", "rutte-2032", "--currency", "EUR",
                              "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Spending in 2035, EUR bn" in " ".join(res.output.split())
    doc = json.loads(out.read_text())
    CompareExport.model_validate(doc)
    nato = [r for r in doc["comparison"] if r["key"] == "nato"]
    assert all(r["currency"] == "EUR" for r in nato)
    assert nato[1]["cum_extra_over_baseline_lcu_bn_vs_first"] == pytest.approx(
        nato[1]["cum_extra_over_baseline_usd_bn_vs_first"] * 0.8446, rel=0.01)
    res = runner.invoke(app, ["compare", "hague-2035", "rutte-2032", "--currency", "local"])
    assert "Canada (CAD)" in res.output and "groups: USD bn" in " ".join(res.output.split())


def test_tradeoff_in_the_allys_money(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from spendcalc.cli.app import app

    out = tmp_path / "t.json"
    res = CliRunner().invoke(app, ["tradeoff", "--member", "CAN", "--currency", "local",
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "CAD bn" in res.output and "CAD per person" in res.output
    doc = json.loads(out.read_text())
    row = doc["summary"][0]
    assert row["currency"] == "CAD"
    local = row["above_baseline_usd_bn"] * row["usd_rate"]
    assert local == pytest.approx(row["above_baseline_lcu_bn"], rel=1e-6)
    yearly = [r for r in doc["yearly"] if 2026 < r["year"] <= 2035]
    assert row["cum_above_baseline_lcu_bn"] == pytest.approx(
        sum(r["above_baseline_lcu_bn"] for r in yearly), rel=1e-6)
    assert row["cum_added_debt_lcu_bn"] == pytest.approx(  # a stock, not a sum
        row["cum_added_debt_usd_bn"] * row["usd_rate"], rel=1e-6)
    assert doc["meta"]["currency"]["currency"] == "local"


def test_plot_in_a_currency_names_it_on_the_axis(tmp_path) -> None:
    from typer.testing import CliRunner

    from spendcalc.cli.app import app

    runner = CliRunner()
    res = runner.invoke(app, ["plot", "gap", "--currency", "EUR", "-o", str(tmp_path / "g.png")])
    assert res.exit_code == 0, res.output
    assert "EUR bn, current prices" in res.output
    # Germany's 2035 gap in euros: the table's converted figure, not dollars.
    data = load_dataset(None, "nato-2026")
    t = _result(data, choice="EUR").table
    deu = t[(t.iso3 == "DEU") & (t.year == 2035)].extra_over_baseline_lcu_bn.item()
    assert f"Germany              +{deu:,.1f}" in res.output
    res = runner.invoke(app, ["plot", "stack", "--currency", "local", "-o",
                              str(tmp_path / "s.png")])
    assert res.exit_code == 2 and "a chart shows one currency" in res.output
    res = runner.invoke(app, ["plot", "stack", "--currency", "local", "--set",
                              'members=["DEU","FRA"]', "-o", str(tmp_path / "s.png")])
    assert res.exit_code == 0 and "EUR bn" in res.output, res.output


def test_fixed_rates_round_trip_through_the_resolved_toml(data26, tmp_path) -> None:
    from spendcalc.core.scenario_toml import to_toml

    scenario = load_scenario("hague-2035", data26, ["currency.EUR_per_USD={2030 = 0.95}"])
    path = tmp_path / "fixed.toml"
    path.write_text(to_toml(scenario))
    again = load_scenario(str(path), data26, [])
    assert again.currency == {"EUR_per_USD": {2030: 0.95}}
    with pytest.raises(ScenarioError, match=r"e\.g\. EUR_per_USD"):
        load_scenario("hague-2035", data26, ["currency.eur_per_usd=0.9"])
    plain = load_scenario("hague-2035", data26, [])
    assert "currency" not in to_toml(plain)  # unset: the TOML (and input hashes) as before


@pytest.mark.parametrize("base_year", [2024, 2025, 2026])
def test_base_year_spending_in_local_currency_matches_table_1(data26, base_year) -> None:
    """End to end: the projection's base-year core spending in the ally's currency (Table 3
    share x GDP x rate) against NATO's Table 1, within the rounding of the share (2 decimals)
    and of Table 1 (whole millions), with 10% slack for GDP's rounding and, for euro allies,
    Germany's rate. The Netherlands is off by 12-13%: NATO's current-price tables disagree with
    its Table 3 share (data/editions/nato-2026/SOURCES.md)."""
    rows = {(r["iso3"], int(r["year"])): r for r in csv.DictReader(RATES_FILE.open())}
    t = _result(data26, [f"base_year={base_year}"]).table
    t = t[(t.year == base_year) & t.armed_forces]
    for r in t.itertuples():
        table_1 = float(rows[(r.iso3, base_year)]["core_nat_currency_current_m"]) / 1000
        gap = r.core_lcu_bn / table_1 - 1
        if r.iso3 == "NLD":
            assert 0.12 <= gap <= 0.131
            continue
        tolerance = 0.005 / r.core_pct + 0.0005 / table_1
        assert abs(gap) <= 1.1 * tolerance, (r.iso3, gap, tolerance)


def _cell(page: str, table: str, iso3: str, column: str, year: int) -> float:
    """The exact value (``data-v``) of one cell of a report table."""
    import re

    body = page[page.index(f'id="{table}"'):]
    row = body[body.index(f'data-key="{iso3}"'):]
    row = row[:row.index("</tr>")]
    found = re.search(rf'data-col="{column}" data-year="{year}" data-v="([^"]+)"', row)
    assert found, (table, iso3, column, year)
    return float(found.group(1))


def test_report_in_a_currency_and_in_local(data26, tmp_path) -> None:
    from typer.testing import CliRunner

    from spendcalc.cli.app import app

    runner = CliRunner()
    eur, local = tmp_path / "eur.html", tmp_path / "local.html"
    res = runner.invoke(app, ["report", "--currency", "EUR", "-o", str(eur)])
    assert res.exit_code == 0, res.output
    page = eur.read_text(encoding="utf-8")
    t = _result(data26, choice="EUR").table.set_index(["iso3", "year"])
    # Poland's 2035 spending: the euro figure of the converted table, in the member table.
    assert _cell(page, "s1-members-table", "POL", "total_lcu_bn", 2035) == pytest.approx(
        t.total_lcu_bn["POL", 2035])
    assert "Money</dt><dd>EUR bn at current prices" in page
    assert "EUR bn, current prices" in page  # the gap chart's axis
    assert "--currency EUR" in page  # the command that remakes it
    res = runner.invoke(app, ["report", "--currency", "local", "-o", str(local)])
    assert res.exit_code == 0, res.output
    page = local.read_text(encoding="utf-8")
    t = _result(data26).table.set_index(["iso3", "year"])
    assert _cell(page, "s1-members-table", "POL", "total_lcu_bn", 2035) == pytest.approx(
        t.total_lcu_bn["POL", 2035])
    assert '<td class="code">PLN</td>' in page
    # Groups and charts stay in dollars: a group's allies use several currencies.
    assert _cell(page, "s1-aggregates-table", "nato", "total_usd_bn", 2035) > 0
    assert "USD bn, current prices" in page
    res = runner.invoke(app, ["report", "--currency", "EUR", "--edition", "nato-2025",
                              "-o", str(tmp_path / "old.html")])
    assert res.exit_code == 2 and "no exchange rates" in res.output
    assert not (tmp_path / "old.html").exists()

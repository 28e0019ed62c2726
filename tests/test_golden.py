"""Golden outputs: every ready scenario's summary equals the checked-in one (with tolerance),
and a few headline figures are checked by hand from the data files."""

from __future__ import annotations

import pandas as pd
import pytest
from golden_summary import EDITIONS, GOLDEN, summary

import spendcalc
from spendcalc.io.scenarios import ready_scenarios


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("name", [r.name for r in ready_scenarios()])
def test_ready_scenario_matches_golden(name, edition):
    expected = pd.read_csv(GOLDEN / edition / f"{name}.csv", keep_default_na=False,
                           na_values=[""])
    actual = summary(name, edition).reset_index(drop=True)
    assert list(actual.key) == list(expected.key)
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, rtol=1e-6, atol=1e-6)


@pytest.fixture(scope="module")
def hague():
    # The hand checks below use the nato-2025 edition's files (data/); nato-2026's headline
    # figures are checked in test_editions.py.
    data = spendcalc.load_dataset(edition="nato-2025")
    return spendcalc.compute(spendcalc.load_scenario("hague-2035", data), data)


def _row(table, iso3, year):
    rows = table[(table.iso3 == iso3) & (table.year == year)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_germany_by_hand(hague):
    # From the CSVs: GDP 2024 4610.035; IMF real growth 2025-2030 and US CPI; share 2.4 in 2025.
    real = [0.191, 0.944, 1.473, 1.203, 0.980, 0.679]
    us_cpi = [2.715, 2.435, 2.185, 2.206, 2.203, 2.191]
    gdp = 4610.035
    for r, p in zip(real, us_cpi, strict=True):  # 2025 ... 2030
        gdp *= (1 + r / 100) * (1 + p / 100)
    row = _row(hague.table, "DEU", 2030)
    assert row.gdp_usd_bn == pytest.approx(gdp, rel=1e-12)
    # Linear from 2.4 (2025) to 3.5 (2035): half way in 2030.
    assert row.core_pct == pytest.approx(2.95, abs=1e-12)
    assert row.related_pct == pytest.approx(0.75, abs=1e-12)
    assert row.total_usd_bn == pytest.approx(0.037 * gdp, rel=1e-12)
    assert row.baseline_usd_bn == pytest.approx(0.02 * gdp, rel=1e-12)


def test_spain_follows_its_exemption_and_the_us_share_falls(hague):
    spain = _row(hague.table, "ESP", 2035)
    assert (spain.core_pct, spain.related_pct, spain.target_core_pct) == (2.1, 0.0, 2.1)
    us_2025 = _row(hague.table, "USA", 2025).share_of_total_pct
    us_2035 = _row(hague.table, "USA", 2035).share_of_total_pct
    assert 60 < us_2025 < 62 and us_2035 < us_2025


def test_members_above_target_keep_their_share(hague):
    for iso3, base in [("POL", 4.48), ("LTU", 4.00), ("LVA", 3.73)]:
        assert _row(hague.table, iso3, 2035).core_pct == base


def test_nato_total_2025_is_close_to_natos_published_estimate(hague):
    # NATO's August 2025 release: "over 1.5 trillion" USD for 2025 (data/SOURCES.md, row 7).
    a = hague.aggregates
    total = a[(a.group == "nato") & (a.year == 2025)].total_usd_bn.item()
    assert 1500 < total < 1650


def test_table_contract(hague):
    t = hague.table
    required = ["scenario", "iso3", "member", "year", "gdp_usd_bn", "core_pct", "related_pct",
                "total_pct", "core_usd_bn", "related_usd_bn", "total_usd_bn", "baseline_usd_bn"]
    assert set(required) <= set(t.columns)
    assert len(t) == 32 * 11 and not t.duplicated(["scenario", "iso3", "year"]).any()
    armed = t[t.armed_forces]
    pd.testing.assert_series_equal(armed.core_usd_bn, armed.core_pct / 100 * armed.gdp_usd_bn,
                                   check_names=False, rtol=1e-12)
    pd.testing.assert_series_equal(armed.total_usd_bn, armed.core_usd_bn + armed.related_usd_bn,
                                   check_names=False, rtol=1e-12)
    pd.testing.assert_series_equal(armed.baseline_usd_bn, 0.02 * armed.gdp_usd_bn,
                                   check_names=False, rtol=1e-12)
    iceland = t[t.iso3 == "ISL"]
    assert iceland.core_usd_bn.isna().all() and iceland.gdp_usd_bn.notna().all()


def test_group_aggregates_equal_member_sums(hague):
    t, a = hague.table, hague.aggregates
    for year in (2025, 2030, 2035):
        members = t[(t.year == year) & (t.iso3 != "USA")]
        group = a[(a.group == "european-allies") & (a.year == year)].iloc[0]
        assert group.total_usd_bn == pytest.approx(members.total_usd_bn.sum(), rel=1e-12)

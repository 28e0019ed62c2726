"""Data editions: the NATO 2026 edition's files in data/editions/nato-2026/, and choosing
an edition.

These repeat the "Checks already run on it" in data/editions/nato-2026/SOURCES.md,
this time on the generated files. Where a check needs a measure that the files do not
carry (constant 2021 prices), it reads the shared long CSV.

    pytest tests/test_editions.py
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import pandas as pd
import pytest

import spendcalc
from spendcalc.io import nato_edition as nl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

import build_nato_2026 as build  # noqa: E402

EDITION = REPO / "data" / "editions" / "nato-2026"
SHARED = build.DEFAULT_INPUT
ALLIES = sorted(nl.GEO_TO_ISO3.values())
YEARS = list(nl.YEARS)


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(EDITION / name, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def long_df() -> pd.DataFrame:
    return nl.read_long(SHARED)


@pytest.fixture(scope="module")
def main() -> pd.DataFrame:
    return read(nl.MAIN_FILE)


@pytest.fixture(scope="module")
def wide21(long_df: pd.DataFrame) -> pd.DataFrame:
    """Allies and aggregates, (key, year) x measure, from the shared input."""
    a = nl.wide(long_df).rename(columns={"iso3": "key"})
    b = nl.wide(long_df, aggregates=True).rename(columns={"group": "key"})
    return pd.concat([a, b]).set_index(["key", "year"])


def value(frame: pd.DataFrame, iso3: str, year: int, col: str) -> float:
    key = "group" if "group" in frame.columns else "iso3"
    row = frame[(frame[key] == iso3) & (frame["year"] == year)]
    assert len(row) == 1, (iso3, year)
    return float(row[col].iloc[0])


# --------------------------------------------------------------------------- the input file

def test_input_is_the_documented_copy() -> None:
    assert hashlib.sha256(SHARED.read_bytes()).hexdigest() == build.EXPECTED_SHA256
    assert SHARED.stat().st_size == 314_533


def test_input_completeness() -> None:
    with SHARED.open(newline="", encoding="utf-8") as f:
        lines = list(csv.reader(f))
    assert lines[0] == list(nl.LONG_COLUMNS)
    assert len(lines) - 1 == 6_273
    assert {len(line) for line in lines} == {6}
    df = pd.read_csv(SHARED)
    assert not df.duplicated(["geo", "measure", "year"]).any()


# --------------------------------------------------------------------------- reproducibility

def test_generated_files_are_up_to_date(tmp_path: Path) -> None:
    written = build.build(SHARED, tmp_path)
    assert written
    for path in written:
        assert path.read_bytes() == (EDITION / path.name).read_bytes(), path.name


# --------------------------------------------------------------------------- completeness

def test_main_file_has_31_allies_plus_iceland_2014_2026(main: pd.DataFrame) -> None:
    members = pd.read_csv(REPO / "data" / "members.csv")
    assert sorted(main["iso3"].unique()) == sorted(members["iso3"])
    assert sorted(main["iso3"].unique()) == sorted([*ALLIES, nl.ICELAND])
    assert len(main) == 32 * 13
    assert not main.duplicated(["iso3", "year"]).any()
    for _, rows in main.groupby("iso3"):
        assert rows["year"].tolist() == YEARS
    names = dict(zip(members["iso3"], members["member"], strict=True))
    assert (main["member"] == main["iso3"].map(names)).all()
    assert (main["source_id"] == "NATO-DE-2026").all()
    assert (main["estimate"] == main["year"].isin([2025, 2026])).all()


def test_iceland_rows_are_empty_like_the_existing_file(main: pd.DataFrame) -> None:
    isl = main[main["iso3"] == "ISL"]
    assert isl["defence_share_gdp_pct"].isna().all()
    assert isl["defence_usd_m_current"].isna().all()
    allies = main[main["iso3"] != "ISL"]
    assert allies["defence_share_gdp_pct"].notna().all()
    assert allies["defence_usd_m_current"].notna().all()
    existing = pd.read_csv(REPO / "data" / "nato_defence_expenditure.csv")
    assert existing[existing["iso3"] == "ISL"][
        ["defence_share_gdp_pct", "defence_usd_m_current"]].isna().all().all()


@pytest.mark.parametrize("name", [nl.EQUIPMENT_FILE, nl.PERSONNEL_FILE, nl.CURRENCY_FILE,
                                  nl.BREAKDOWN_FILE])
def test_ally_files_have_31_allies_2014_2026(name: str) -> None:
    df = read(name)
    assert sorted(df["iso3"].unique()) == ALLIES
    assert len(df) == 31 * 13
    assert not df.duplicated(["iso3", "year"]).any()
    expected = df["year"].map(lambda y: "NATO-DE-2026-EST" if y >= 2025 else "NATO-DE-2026")
    assert (df["source_id"] == expected).all()


def test_gdp_file_allies_from_2026_edition_iceland_from_existing_file() -> None:
    gdp = read(nl.GDP_FILE)
    allies = gdp[gdp["iso3"] != "ISL"]
    assert len(allies) == 31 * 13
    assert (allies["source_id"] == "NATO-DE-2026").all()
    isl = gdp[gdp["iso3"] == "ISL"].reset_index(drop=True)
    existing = pd.read_csv(REPO / "data" / "gdp.csv")
    existing_isl = existing[existing["iso3"] == "ISL"].reset_index(drop=True)
    pd.testing.assert_frame_equal(isl.iloc[:11], existing_isl)
    assert isl["year"].tolist() == YEARS
    # 2025-2026: the 2025 edition's own projection for Iceland (IMF real growth x US CPI).
    assert (isl["source_id"].iloc[11:] == "IMF-WEO-2025-10-derived").all()
    old = spendcalc.load_dataset(edition="nato-2025")
    for year in (2025, 2026):
        expected = old.gdp_in(year)[old.index("ISL")]
        assert float(isl[isl["year"] == year]["gdp_usd_bn_current"].iloc[0]) == pytest.approx(
            expected, abs=0.0005)


def test_gdp_is_table5_in_billions(wide21: pd.DataFrame) -> None:
    gdp = read(nl.GDP_FILE)
    allies = gdp[gdp["iso3"] != "ISL"][["iso3", "year", "gdp_usd_bn_current"]]
    for iso3, year, bn in allies.itertuples(index=False, name=None):
        assert bn == pytest.approx(wide21.loc[(iso3, year), "gdp_usd_current_m"] / 1000,
                                   abs=5e-4)


# --------------------------------------------------------------------------- shares

def test_shares_match_constant_price_ratio(main: pd.DataFrame, wide21: pd.DataFrame) -> None:
    """core_share_gdp = core_usd_2021_m / gdp_usd_2021_m within rounding, 429 rows."""
    agg = read(nl.AGGREGATES_FILE).rename(columns={"group": "iso3",
                                                   "core_share_gdp": "defence_share_gdp_pct"})
    shares = pd.concat([main[main["iso3"] != "ISL"], agg])
    assert len(shares) == 429
    for iso3, year, share in shares[["iso3", "year", "defence_share_gdp_pct"]].itertuples(
            index=False, name=None):
        usd, gdp = wide21.loc[(iso3, year), ["core_usd_2021_m", "gdp_usd_2021_m"]]
        tol = 0.005 + share * (0.5 / usd + 0.5 / gdp) + 1e-9
        assert abs(100 * usd / gdp - share) <= tol, (iso3, year, share, 100 * usd / gdp)


def test_current_price_ratio_matches_except_netherlands(main: pd.DataFrame) -> None:
    """usd_current / gdp_current vs Table 3: within 0.01 (plus rounding) for 30 allies.

    Exceptions: the Netherlands (see SOURCES.md), and Italy 2016-2017, which are off by
    0.016 and 0.013. The shared SOURCES.md does not mention Italy."""
    gdp = read(nl.GDP_FILE)
    m = main.merge(gdp, on=["iso3", "year"])
    m = m[m["iso3"] != "ISL"]
    m["ratio"] = 100 * m["defence_usd_m_current"] / (1000 * m["gdp_usd_bn_current"])
    tol = 0.01 + m["defence_share_gdp_pct"] * (0.5 / m["defence_usd_m_current"])
    bad = m[(m["ratio"] - m["defence_share_gdp_pct"]).abs() > tol]
    assert set(bad["iso3"]) == {"NLD", "ITA"}
    assert set(bad.loc[bad["iso3"] == "ITA", "year"]) == {2016, 2017}
    nld = m[(m["iso3"] == "NLD") & m["year"].between(2024, 2026)]
    assert nld["ratio"].round(2).tolist() == [1.80, 2.24, 2.29]
    assert nld["defence_share_gdp_pct"].tolist() == [2.02, 2.53, 2.58]


# --------------------------------------------------------------------------- totals

@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_allies_sum_to_nato_totals(main: pd.DataFrame, year: int) -> None:
    agg = read(nl.AGGREGATES_FILE)
    rows = main[(main["year"] == year) & (main["iso3"] != "ISL")]
    total = rows["defence_usd_m_current"].sum()
    europe_canada = rows.loc[rows["iso3"] != "USA", "defence_usd_m_current"].sum()
    assert abs(total - value(agg, "NATO_TOTAL", year, "core_usd_current_m")) <= 2
    assert abs(europe_canada - value(agg, "NATO_EUR_CAN", year, "core_usd_current_m")) <= 2


def test_aggregates_count_allies_from_accession(main: pd.DataFrame) -> None:
    """Before 2024 NATO's totals leave out allies that had not yet joined."""
    agg = read(nl.AGGREGATES_FILE)
    rows = main[main["iso3"] != "ISL"].copy()
    counted = rows["year"] >= rows["iso3"].map(nl.AGGREGATE_FROM).fillna(2014)
    sums = rows[counted].groupby("year")["defence_usd_m_current"].sum()
    for year in YEARS:
        assert abs(sums[year] - value(agg, "NATO_TOTAL", year, "core_usd_current_m")) <= 3


# --------------------------------------------------------------------------- breakdown

def test_breakdown_sums_to_100() -> None:
    b = read(nl.BREAKDOWN_FILE)
    complete = b.dropna(subset=list(nl.BREAKDOWN_MEASURES))
    total = complete[list(nl.BREAKDOWN_MEASURES)].sum(axis=1)
    assert (total - 100).abs().max() <= 0.1 + 1e-9
    incomplete = b[b[list(nl.BREAKDOWN_MEASURES)].isna().any(axis=1)]
    assert sorted(zip(incomplete["iso3"], incomplete["year"], strict=True)) == [
        ("NLD", 2026), ("PRT", 2026)]
    assert incomplete["equipment_share_pct"].notna().all()


def test_equipment_file_equals_breakdown_equipment() -> None:
    e = read(nl.EQUIPMENT_FILE)
    b = read(nl.BREAKDOWN_FILE)
    assert e["equipment_share_pct"].tolist() == b["equipment_share_pct"].tolist()


# --------------------------------------------------------------------------- headline values

@pytest.mark.parametrize(("iso3", "year", "share"), [
    ("DEU", 2026, 2.69), ("DEU", 2025, 2.22),
    ("POL", 2025, 4.25), ("POL", 2026, 4.68),
    ("LVA", 2025, 3.67), ("LVA", 2026, 4.92),
    ("LTU", 2026, 5.33), ("SWE", 2026, 3.22),
])
def test_headline_shares(main: pd.DataFrame, iso3: str, year: int, share: float) -> None:
    assert value(main, iso3, year, "defence_share_gdp_pct") == share


@pytest.mark.parametrize(("iso3", "year", "usd"), [
    ("USA", 2026, 1_032_849), ("SWE", 2026, 24_186), ("NOR", 2026, 19_247),
    ("DNK", 2026, 17_615), ("FIN", 2026, 9_027),
])
def test_headline_usd(main: pd.DataFrame, iso3: str, year: int, usd: float) -> None:
    assert value(main, iso3, year, "defence_usd_m_current") == usd


def test_headline_aggregates() -> None:
    agg = read(nl.AGGREGATES_FILE)
    assert value(agg, "NATO_TOTAL", 2026, "core_usd_current_m") == 1_809_915
    expected = {"NATO_TOTAL": [2.65, 2.75, 2.86], "NATO_EUR_CAN": [1.96, 2.31, 2.53]}
    for group, shares in expected.items():
        got = [value(agg, group, y, "core_share_gdp") for y in (2024, 2025, 2026)]
        assert got == shares


def test_headline_other_tables() -> None:
    assert value(read(nl.EQUIPMENT_FILE), "SWE", 2026, "equipment_share_pct") == 25.41
    assert value(read(nl.CURRENCY_FILE), "DEU", 2026, "core_nat_currency_current_m") == 124_660


# --------------------------------------------------------------------------- currencies

def test_rates_are_national_over_usd() -> None:
    c = read(nl.CURRENCY_FILE)
    assert c["usd_rate"].tolist() == (
        c["core_nat_currency_current_m"] / c["core_usd_current_m"]).round(4).tolist()
    main_usd = read(nl.MAIN_FILE).set_index(["iso3", "year"])["defence_usd_m_current"]
    assert (c.set_index(["iso3", "year"])["core_usd_current_m"]
            == main_usd.loc[c.set_index(["iso3", "year"]).index]).all()
    assert (c.loc[c["iso3"] == "USA", "usd_rate"] == 1.0).all()


def test_euro_allies_use_the_euro_rate_every_year() -> None:
    """Table 1 gives Croatia, Bulgaria and Lithuania in euro for all years: their implied
    rates equal the euro-area rate before adoption as well."""
    c = read(nl.CURRENCY_FILE)
    euro = sorted(k for k, v in nl.CURRENCY.items() if v == "EUR")
    assert (c["currency"] == c["iso3"].map(nl.CURRENCY)).all()
    ref = c[c["iso3"].isin(["DEU", "FRA", "ITA", "ESP"])].groupby("year")["usd_rate"].median()
    for iso3, year, rate, usd in c[c["iso3"].isin(euro)][
            ["iso3", "year", "usd_rate", "core_usd_current_m"]].itertuples(index=False,
                                                                            name=None):
        tol = 0.002 + ref[year] * 0.5 / usd * 2  # rounding of small allies' millions
        assert abs(rate - ref[year]) <= max(tol, 0.002), (iso3, year, rate, ref[year])
    # If NATO had used the old currency, the rate would be far from the euro rate.
    for iso3, (adopted, _old, per_eur) in nl.EURO_ADOPTION.items():
        before = c[(c["iso3"] == iso3) & (c["year"] < adopted)]
        assert len(before) > 0
        assert (before["usd_rate"] < 0.5 * per_eur).all()
    non_euro = c[~c["iso3"].isin(euro) & (c["iso3"] != "USA")]
    assert ((non_euro["usd_rate"] - non_euro["year"].map(ref)).abs() > 0.05).all()


# --------------------------------------------------------------------------- Iceland's GDP

def test_iceland_gdp_residual_is_close_to_existing(long_df: pd.DataFrame) -> None:
    """NATO_TOTAL GDP includes Iceland: the residual is within 2.5% of the 2024 edition's
    Iceland GDP for 2014-2024 (revisions), which supports the documented option."""
    residual = nl.iceland_gdp_residual(long_df).set_index("year")["gdp_usd_bn_current"]
    existing = pd.read_csv(REPO / "data" / "gdp.csv")
    existing = existing[existing["iso3"] == "ISL"].set_index("year")["gdp_usd_bn_current"]
    for year, bn in existing.items():
        assert residual[year] == pytest.approx(bn, rel=0.025)
    assert residual[2025] == 38.583
    assert residual[2026] == 43.087


# --------------------------------------------------------------------------- format

def test_format_and_order() -> None:
    for name in (*nl.FORMATS, "sources.csv"):
        raw = (EDITION / name).read_bytes()
        crlf = name in nl.LINE_ENDINGS
        assert (b"\r\n" in raw) == crlf, name
        assert raw.endswith(b"\r\n" if crlf else b"\n")
        if name == "sources.csv":
            continue
        df = read(name)
        key = "group" if name == nl.AGGREGATES_FILE else "iso3"
        assert df[[key, "year"]].values.tolist() == sorted(df[[key, "year"]].values.tolist())
    with (EDITION / nl.MAIN_FILE).open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    shares = [r["defence_share_gdp_pct"] for r in rows if r["iso3"] != "ISL"]
    assert all(len(s.split(".")[1]) == 2 for s in shares)
    assert all(r["estimate"] in ("true", "false") for r in rows)
    assert all(r["defence_usd_m_current"].endswith(".0") for r in rows if r["iso3"] != "ISL")


def test_source_ids_are_registered() -> None:
    register = (EDITION / "sources.csv").read_text(encoding="utf-8")
    bundled = (REPO / "data" / "sources.csv").read_text(encoding="utf-8")
    assert register.startswith(bundled)
    ids = set(read("sources.csv")["source_id"])
    used: set[str] = set()
    for name in nl.FORMATS:
        used |= set(read(name)["source_id"])
    assert used <= ids
    assert {"NATO-DE-2026", "NATO-DE-2026-EST", "IMF-WEO-2025-10-derived"} <= used


# --------------------------------------------------------------------------- choosing an edition

@pytest.fixture
def run_cli():
    from typer.testing import CliRunner

    from spendcalc.cli.app import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])

def test_default_edition_starts_from_2026() -> None:
    result = spendcalc.compute(spendcalc.load_scenario("hague-2035"))
    assert result.scenario.base_year == 2026
    assert result.scenario.edition == "nato-2026"
    assert result.data.edition is not None and result.data.edition.name == "nato-2026"
    base = result.table[result.table.year == 2026].set_index("iso3")
    assert base.loc["DEU", "core_pct"] == pytest.approx(2.69)
    assert base.loc["POL", "core_pct"] == pytest.approx(4.68)
    nato = result.aggregates[(result.aggregates.group == "nato")
                             & (result.aggregates.year == 2026)].iloc[0]
    # NATO's Table 2: USD 1,809,915 m in 2026 (core, before related spending).
    assert nato.core_usd_bn == pytest.approx(1809.915, rel=0.005)
    assert "edition nato-2026" in result.meta["data_vintage"]


def test_edition_2025_keeps_its_base_year_and_files() -> None:
    data = spendcalc.load_dataset(edition="nato-2025")
    scenario = spendcalc.load_scenario("hague-2035", data)
    assert scenario.base_year == 2025 and scenario.edition == "nato-2025"
    assert data.path("gdp.csv") == REPO / "data" / "gdp.csv"
    assert spendcalc.load_dataset().path("gdp.csv") == EDITION / "gdp.csv"
    assert list(data.base_years) == [2024, 2025]
    assert list(spendcalc.load_dataset().base_years) == [2024, 2025, 2026]


@pytest.mark.parametrize("edition", ["nato-2025", "nato-2026"])
@pytest.mark.parametrize("base_year", [2024, 2025])
def test_earlier_base_years(edition: str, base_year: int) -> None:
    data = spendcalc.load_dataset(edition=edition)
    scenario = spendcalc.load_scenario("hague-2035", data, [f"base_year={base_year}"])
    assert spendcalc.compute(scenario, data).table.year.min() == base_year


def test_unknown_edition_is_one_line(run_cli) -> None:
    result = run_cli("run", "--edition", "nato-1999")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: --edition nato-1999: unknown edition; bundled "
                                     "editions: nato-2025, nato-2026")


def test_scenario_file_chooses_the_edition_and_the_flag_must_agree(run_cli, tmp_path) -> None:
    mine = tmp_path / "old.toml"
    mine.write_text('extends = "hague-2035"\nedition = "nato-2025"\n', encoding="utf-8")
    result = run_cli("run", str(mine))
    assert result.exit_code == 0, result.stderr
    assert "Core   Core" in result.stdout and "2025" in result.stdout
    assert "edition nato-2025" in result.stdout.replace("\n", " ")
    clash = run_cli("run", str(mine), "--edition", "nato-2026")
    assert clash.exit_code == 2
    assert "edition" in clash.stderr and clash.stderr.count("\n") == 1


def test_from_meta_reruns_under_the_recorded_edition(run_cli, tmp_path) -> None:
    out = tmp_path / "old.csv"
    assert run_cli("run", "--edition", "nato-2025", "-o", str(out)).exit_code == 0
    rerun = run_cli("run", "--from-meta", str(tmp_path / "old.csv.meta.json"))
    assert rerun.exit_code == 0, rerun.stdout + rerun.stderr
    assert "identical" in rerun.stdout.lower()


# --------------------------------------------------------------------------- revisions chart

def test_revisions_chart_draws_diffs_values(run_cli, tmp_path) -> None:
    """plot revisions: each ally's 2025 share in both editions, read back from the Axes, are
    the figures data diff prints; largest revision at the top; the footer names both."""
    from spendcalc.core.revisions import revisions
    from spendcalc.views.charts.revisions import revisions_figure

    old, new = (spendcalc.load_dataset(edition=e) for e in ("nato-2025", "nato-2026"))
    fig = revisions_figure(old, new)
    ax = fig.axes[0]
    by_gid = {c.get_gid(): c.get_offsets() for c in ax.collections}
    labels = [t.get_text() for t in ax.get_yticklabels()]
    shares = {r.member: r for r in revisions(old, new, 2025)}
    assert labels[:3] == ["Estonia", "Albania", "Slovenia"]
    for k, name in enumerate(labels):
        assert by_gid["revisions-old"][k][0] == pytest.approx(shares[name].old_pct)
        assert by_gid["revisions-new"][k][0] == pytest.approx(shares[name].new_pct)
    assert by_gid["revisions-new"][labels.index("Germany")][0] == pytest.approx(2.22)
    assert by_gid["revisions-old"][labels.index("Germany")][0] == pytest.approx(2.4)
    changes = [abs(shares[n].change_pct) for n in labels]
    assert changes == sorted(changes, reverse=True) and min(changes) >= 0.005
    footer = " ".join(t.get_text() for t in fig.texts if (t.get_gid() or "").startswith("footer"))
    assert "nato-2025: NATO" in footer and "nato-2026: NATO" in footer
    diff = run_cli("data", "diff", "nato-2025", "nato-2026", "--top", "0").stdout
    assert "Germany 2025: 2.40 -> 2.22 (-0.18 pt)" in diff
    out = tmp_path / "rev.png"
    result = run_cli("plot", "revisions", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    one = run_cli("plot", "revisions", "nato-2025", "-o", tmp_path / "x.png")
    assert one.exit_code == 2 and one.stderr.startswith("error: plot revisions takes two")


# --------------------------------------------------------------------------- 2026 figures in use

def test_explain_gives_spending_per_service_member_from_table_7() -> None:
    """nato-2026 carries NATO's personnel (Table 7): explain divides the table's core
    spending by it; nato-2025 has no personnel file and says nothing of it."""
    from spendcalc.evidence.explain import explain

    result = spendcalc.compute(spendcalc.load_scenario("hague-2035"))
    assert result.data.personnel_in("DEU", 2026) == 183.2
    assert result.data.personnel_in("ISL", 2026) is None
    paragraphs = dict(explain(result, "DEU").paragraphs)
    text = paragraphs["Per service member"]
    t = result.table[result.table.year == 2026].set_index("iso3")
    each = t.loc["DEU", "core_usd_bn"] / 183.2 * 1e3  # USD thousand a head
    assert f"about USD {each:,.0f},000 of core defence spending" in text
    assert "183.2 thousand military personnel for Germany in 2026 (Table 7, an estimate)" in text
    assert "for all 31 allies together" in text
    old = spendcalc.load_dataset(edition="nato-2025")
    assert old.personnel_k is None
    old_result = spendcalc.compute(spendcalc.load_scenario("hague-2035", old), old)
    assert "Per service member" not in dict(explain(old_result, "DEU").paragraphs)
    assert "Per service member" not in dict(explain(result, "ISL").paragraphs)


def test_moneyflow_uses_the_editions_equipment_shares() -> None:
    """moneyflow reads equipment_share.csv through the dataset: NATO's 2026 Table 8a under
    the default edition, the 2024 figures under nato-2025."""
    from spendcalc.evidence.moneyflow import moneyflow

    new = moneyflow(spendcalc.compute(spendcalc.load_scenario("hague-2035")))
    frame = new.frame.set_index("iso3")
    assert frame.loc["SWE", "equipment_share_pct"] == 25.41
    equipment = read(nl.EQUIPMENT_FILE)
    latest = equipment[equipment["year"] == 2026].set_index("iso3")["equipment_share_pct"]
    armed = frame[frame.armed_forces]
    assert (armed["equipment_share_source"] == "NATO 2026").all()
    assert armed["equipment_share_pct"].to_dict() == latest.to_dict()
    data = spendcalc.load_dataset(edition="nato-2025")
    old = moneyflow(spendcalc.compute(spendcalc.load_scenario("hague-2035", data), data))
    assert set(old.frame[old.frame.armed_forces]["equipment_share_source"]) == {"NATO 2024"}


def test_explain_gives_natos_real_change_from_table_3():
    """The 2026 edition's annual real change (Table 3) reaches explain, as NATO gives it."""
    from spendcalc.evidence.explain import explain

    real = read("real_change.csv")
    deu = real[(real.iso3 == "DEU")].set_index("year").core_real_change_pct
    data = spendcalc.load_dataset()
    assert data.real_change_in("DEU", 2026) == pytest.approx(float(deu[2026]))
    assert data.real_change_in("ISL", 2026) is None  # Iceland: no figure, no sentence
    result = spendcalc.compute(spendcalc.load_scenario("hague-2035", data), data)
    text = dict(explain(result, "DEU").paragraphs)["Real change"]
    assert f"+{float(deu[2026]):.1f}% after +{float(deu[2025]):.1f}%".replace(" after", ", after") \
        in text
    old = spendcalc.load_dataset(edition="nato-2025")
    assert old.real_change_pct is None
    past = spendcalc.compute(spendcalc.load_scenario("hague-2035", old), old)
    assert "Real change" not in dict(explain(past, "DEU").paragraphs)

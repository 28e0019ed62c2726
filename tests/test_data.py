"""The bundled data load, validate, and fail clearly when a file is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from spendcalc.core.errors import DataError
from spendcalc.io.data import load_dataset


def test_bundled_data_has_32_members_and_complete_years(data):
    assert len(data.members) == 32
    assert data.share_years == tuple(range(2014, 2026))
    assert data.gdp_years == tuple(range(2014, 2025))
    assert data.projection_years == tuple(range(2025, 2031))
    armed = np.array([m.armed_forces for m in data.members])
    assert not np.isnan(data.shares_pct[armed]).any()
    assert [m.iso3 for m in data.members if not m.armed_forces] == ["ISL"]
    assert np.isnan(data.shares_pct[data.index("ISL")]).all()


def test_values_are_read_as_published(data):
    # Spot checks against data/nato_defence_expenditure.csv and data/gdp.csv.
    assert data.share_in(2025)[data.index("POL")] == 4.48
    assert data.share_in(2025)[data.index("DEU")] == 2.4
    assert data.share_in(2024)[data.index("ESP")] == 1.429
    assert data.gdp_in(2024)[data.index("USA")] == 28719.942
    assert data.share_sources[data.index("DEU")][-1] == "NATO-SGAR-2025"


def test_base_year_gdp_is_derived_from_imf_real_growth_and_us_inflation(data):
    # Germany 2025 = 2024 GDP x (1 + 0.191 %) x (1 + 2.715 % US CPI).
    assert data.gdp_in(2025)[data.index("DEU")] == pytest.approx(
        4610.035 * 1.00191 * 1.02715, rel=1e-12)
    # Türkiye grows with US, not Turkish, inflation: 3.494 % real.
    assert data.gdp_in(2025)[data.index("TUR")] == pytest.approx(
        1090.290 * 1.03494 * 1.02715, rel=1e-12)


def test_growth_after_2030_holds_the_2030_rates(data):
    assert np.array_equal(data.default_nominal_growth_pct(2035),
                          data.default_nominal_growth_pct(2030))
    assert data.us_cpi_pct(2040) == data.us_cpi_pct(2030) == 2.191


def test_groups_are_defined_once_in_data(data):
    assert len(data.groups["eu"].members) == 23
    assert "USA" not in data.groups["european-allies"].members
    assert len(data.groups["european-allies"].members) == 31
    assert len(data.groups["nato"].members) == 32


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("nato_defence_expenditure.csv", "POL,Poland,2025,4.48,", "POL,Poland,2025,104.48,",
     r"nato_defence_expenditure.csv: row \d+: defence_share_gdp_pct = 104.48 is outside 0 to 100"),
    ("nato_defence_expenditure.csv", "POL,Poland,2025,4.48,", "POL,Poland,2025,abc,",
     r"row \d+: defence_share_gdp_pct = 'abc' is not a number"),
    ("nato_defence_expenditure.csv", "POL,Poland,2025,4.48,", "POL,Poland,2025,,",
     r"row \d+: defence_share_gdp_pct is empty"),
    ("nato_defence_expenditure.csv", "POL,Poland,2025,4.48,", "POL,Poland,2024,4.48,",
     r"row \d+: duplicate row for POL 2024"),
    ("nato_defence_expenditure.csv", "POL,Poland,2025,4.48,", "XXX,Nowhere,2025,4.48,",
     r"row \d+: iso3 = 'XXX' is not in members.csv"),
    ("gdp.csv", "DEU,2024,4610.035,NATO-DE-2024\n", "",
     r"gdp.csv: missing row for DEU 2024"),
    ("gdp.csv", "iso3,year,gdp_usd_bn_current", "iso3,year,gdp",
     r"gdp.csv: missing column\(s\) gdp_usd_bn_current"),
    ("members.csv", "DEU,Germany,1955,true,europe,true", "DEU,Germany,1955,yes,europe,true",
     r"members.csv: row \d+: eu_member = 'yes'; allowed: true, false"),
])
def test_bad_data_files_fail_with_file_row_and_field(data_copy, file, old, new, message):
    _edit(data_copy / file, old, new)
    with pytest.raises(DataError, match=message):
        load_dataset(data_copy)


def test_a_user_folder_replaces_only_the_files_it_holds(data_copy, data):
    (data_copy / "gdp.csv").unlink()
    _edit(data_copy / "nato_defence_expenditure.csv", "POL,Poland,2025,4.48,",
          "POL,Poland,2025,4.7,")
    mine = load_dataset(data_copy, edition="nato-2025")
    assert mine.path("gdp.csv") == data.path("gdp.csv")  # bundled, as the folder has none
    assert mine.path("nato_defence_expenditure.csv").parent == data_copy.resolve()
    assert mine.share_in(2025)[mine.index("POL")] == 4.7
    assert np.array_equal(mine.gdp_usd_bn, data.gdp_usd_bn)


@pytest.mark.parametrize(("file", "transform", "message"), [
    ("nato_defence_expenditure.csv", "fractions",
     r"every value is at most 1; shares must be in percent of GDP"),
    ("gdp.csv", "millions", r"GDP must be in billions of US dollars"),
])
def test_wrong_units_are_caught(data_copy, file, transform, message):
    import csv

    path = data_copy / file
    rows = list(csv.DictReader(path.open()))
    col = "defence_share_gdp_pct" if transform == "fractions" else "gdp_usd_bn_current"
    for r in rows:
        if r[col]:
            r[col] = str(float(r[col]) / 100 if transform == "fractions" else float(r[col]) * 1000)
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(DataError, match=message):
        load_dataset(data_copy)

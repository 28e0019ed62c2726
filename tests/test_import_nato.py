"""``spendcalc data import-nato``: NATO's own workbook into a data folder.

The workbooks are built here with openpyxl in NATO's layout (data/editions/nato-2026/
SOURCES.md, "The workbook's layout") from the bundled 2026 edition's source, the long table
of NATO's workbook (data/editions/nato-2026/source/): every table, both blocks per sheet.

    pytest tests/test_import_nato.py
"""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from spendcalc.cli.app import app

REPO = Path(__file__).resolve().parents[1]
EDITION = REPO / "data" / "editions" / "nato-2026"
SOURCE = EDITION / "source" / "nato_defence_2026.csv"
EDITION_FILES = ("nato_defence_expenditure.csv", "gdp.csv", "equipment_share.csv",
                 "real_change.csv", "personnel.csv", "national_currency.csv", "breakdown.csv",
                 "aggregates.csv")

GEO = {"AL": "Albania", "BE": "Belgium", "BG": "Bulgaria", "CA": "Canada", "CZ": "Czechia",
       "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "EL": "Greece", "ES": "Spain",
       "FI": "Finland", "FR": "France", "HR": "Croatia", "HU": "Hungary", "IT": "Italy",
       "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "ME": "Montenegro",
       "MK": "North Macedonia", "NL": "Netherlands", "NO": "Norway", "PL": "Poland",
       "PT": "Portugal", "RO": "Romania", "SE": "Sweden", "SI": "Slovenia",
       "SK": "Slovak Republic", "TR": "Türkiye", "UK": "United Kingdom",
       "US": "United States", "NATO_EUR_CAN": "NATO Europe and Canada",
       "NATO_TOTAL": "NATO Total"}
"""NATO's 2026 labels, in NATO's order (alphabetical by English name, aggregates last)."""
OLD_SPELLINGS = {"CZ": "Czech Republic", "SK": "Slovakia", "TR": "Turkey",
                 "MK": "Republic of North Macedonia"}
CURRENCY_NAMES = {"AL": "Leks", "BG": "Euros", "CA": "Canadian dollars", "CZ": "Koruny",
                  "DK": "Kroner", "HU": "Forint", "MK": "Denars", "NO": "Kroner",
                  "PL": "Zlotys", "RO": "Lei", "SE": "Kronor", "TR": "Liras",
                  "UK": "Pounds", "US": "US dollars"}

SHEETS = {
    "1": ("expenditure (million national currency)",
          [("core_nat_currency_current_m", "Current prices"),
           ("core_nat_currency_2021_m", "Constant 2021 prices")]),
    "2": ("expenditure (million US dollars)",
          [("core_usd_current_m", "Current prices and exchange rates"),
           ("core_usd_2021_m", "Constant 2021 prices and exchange rates")]),
    "3": ("expenditure as a share of GDP and annual real change",
          [("core_share_gdp", "Share of real GDP (%)"),
           ("core_real_change_pct", "Annual real change (%)")]),
    "5": ("Gross domestic product (million US dollars)",
          [("gdp_usd_current_m", "Current prices and exchange rates"),
           ("gdp_usd_2021_m", "Constant 2021 prices and exchange rates")]),
    "6": ("GDP and expenditure per capita",
          [("gdp_per_capita_2021_kusd", "GDP per capita (thousand US dollars)"),
           ("core_per_capita_2021_usd", "Expenditure per capita (US dollars)")]),
    "7": ("Military personnel", [("personnel_k", "Thousands")]),
    "8a": ("expenditure by main category (%)",
           [("equipment_share_pct", "Equipment (a)"), ("personnel_share_pct", "Personnel (b)")]),
    "8b": ("expenditure by main category (%)",
           [("infrastructure_share_pct", "Infrastructure (c)"), ("other_share_pct", "Other (d)")]),
}


MISSING_MARKERS = {"1": "..", "2": "..", "3": "..", "5": "..", "6": "..", "7": "-",
                   "8a": None, "8b": "-"}
"""NATO's ways of leaving a cell without a value: "..", "-" or empty."""


def build_workbook(path: Path, *, layout: int = 2026, shuffle: bool = False,
                   extra_year: bool = False, drop: str | None = None,
                   old_spellings: bool = False, variant: bool = False) -> Path:
    """NATO's workbook from the edition's long table. ``layout`` 2025: titles "Defence
    expenditure", years to 2025, header in row 4; 2026: "Core defence expenditure", a blank
    row before each subtitle. ``extra_year`` adds a "2027e" column (2026's values);
    ``drop`` leaves out an ally (a geo code). ``variant``: what next year's workbook might
    do differently: "Country" above the labels, "2026 (e)" headers, an Iceland row, the
    constant-price block first in Tables 2 and 5."""
    long = pd.read_csv(SOURCE)
    long = long[long["year"] <= layout]
    values = {(g, m, y): v for g, m, y, v in long[["geo", "measure", "year", "value"]]
              .itertuples(index=False, name=None)}
    years = list(range(2014, layout + 1)) + ([layout + 1] if extra_year else [])
    estimates = {layout - 1, layout, layout + 1} if layout == 2026 else {2025}
    labels = {**GEO, **(OLD_SPELLINGS if old_spellings else {})}
    if variant:
        labels = {**labels, "IS": "Iceland"}
    book = openpyxl.Workbook()
    book.remove(book.active)
    tables = list(SHEETS)
    if shuffle:
        random.Random(7).shuffle(tables)
    for table in tables:
        title, blocks = SHEETS[table]
        sheet = book.create_sheet(f"Table {table}")
        kind = "Core defence" if layout == 2026 else "Defence"
        sheet.append([f"Table {table}: {kind} {title}" if "expenditure" in title[:12]
                      else f"Table {table}: {title}"])
        sheet.append(["million US dollars"])
        if variant and table in ("2", "5"):
            blocks = blocks[::-1]
        for measure, subtitle in blocks:
            if layout == 2026:
                sheet.append([])
            sheet.append([subtitle])
            mark = " (e)" if variant else "e"
            sheet.append(["Country" if variant else None,
                          *(f"{y}{mark}" if y in estimates else y for y in years)])
            for geo, label in labels.items():
                if geo == drop:
                    continue
                cells = [values.get((geo, measure, min(y, layout))) for y in years]
                if all(c is None for c in cells) and geo != "IS":
                    continue  # no row (Table 1 has no aggregates)
                if table == "1" and len(geo) == 2:
                    unit = "Leva" if geo == "BG" and layout == 2025 else CURRENCY_NAMES.get(
                        geo, "Euros")  # Bulgaria joined the euro in 2026
                    label = f"{label} ({unit})"
                row: list[object] = [MISSING_MARKERS[table] if c is None else c for c in cells]
                if geo == "SI" and table == "3":
                    label += "*"  # NATO's footnote on Slovenia's 2026 figure
                    row[years.index(layout)] = f"{row[years.index(layout)]}*"
                sheet.append([label, *row])
            sheet.append([])
        sheet.append(["Notes: figures for 2025 and 2026 are estimates."])
    book.save(path)
    return path


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def workbook_2026(tmp_path_factory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("wb") / "def-exp-2026-en.xlsx")


@pytest.fixture(scope="module")
def imported(workbook_2026: Path, tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("imp") / "nato-2026"
    return out, invoke("data", "import-nato", workbook_2026, "-o", out)


def test_round_trip_reproduces_the_bundled_edition(imported) -> None:
    out, result = imported
    assert result.exit_code == 0, result.stdout + result.stderr
    for name in EDITION_FILES:
        assert (out / name).read_bytes() == (EDITION / name).read_bytes(), name
    register = (out / "sources.csv").read_text(encoding="utf-8")
    assert "NATO-DE-2026," in register and "NATO-DE-2026-EST," in register


def test_check_table_reports_shares_totals_and_the_netherlands(imported) -> None:
    _, result = imported
    text = " ".join(result.stdout.split())
    assert "31 of 31 in Table 3" in text
    assert "2014-2026 (estimates: 2025e, 2026e)" in text
    assert "429 of 429 rows agree" in text  # constant prices: Table 3's definition
    # current prices: the Netherlands' known inconsistency (SOURCES.md) and Italy 2016-2017
    assert "391 of 403 rows agree within rounding; differ: Italy 2016, 2017; Netherlands " \
        "2014-2018, 2022-2026" in text
    assert "Allies' sum vs NATO Total" in text
    assert "spendcalc run --data" in text


def test_run_works_on_the_imported_folder(imported) -> None:
    out, _ = imported
    result = invoke("run", "--data", out)
    assert result.exit_code == 0, result.stderr
    assert "2026" in result.stdout
    same = invoke("data", "diff", "nato-2026", out)
    assert same.exit_code == 0, same.stderr
    assert same.stdout.startswith(f"Revisions nato-2026 -> {out}: 0 ally-years differ")


def test_layout_2025_shuffled_with_old_spellings(tmp_path: Path) -> None:
    wb = build_workbook(tmp_path / "def-exp-2025-en.xlsx", layout=2025, shuffle=True,
                        old_spellings=True)
    out = tmp_path / "nato-2025"
    result = invoke("data", "import-nato", wb, "-o", out)
    assert result.exit_code == 0, result.stdout + result.stderr
    main = pd.read_csv(out / "nato_defence_expenditure.csv")
    assert main["year"].max() == 2025 and len(main) == 32 * 12
    assert set(main.loc[main["estimate"], "year"]) == {2025}
    assert set(main["source_id"]) == {"NATO-DE-2025"}
    deu = main[(main["iso3"] == "DEU") & (main["year"] == 2025)].iloc[0]
    assert deu["defence_share_gdp_pct"] == 2.22
    for iso3 in ("CZE", "SVK", "TUR", "MKD"):
        assert main.loc[main["iso3"] == iso3, "defence_share_gdp_pct"].notna().all()
    gdp = pd.read_csv(out / "gdp.csv")
    assert gdp[gdp["iso3"] == "ISL"]["year"].tolist() == list(range(2014, 2026))
    currency = pd.read_csv(out / "national_currency.csv").set_index(["iso3", "year"])
    assert currency.loc[("BGR", 2025), "currency"] == "BGN"  # "Bulgaria (Leva)"
    assert currency.loc[("SWE", 2025), "currency"] == "SEK"
    assert invoke("run", "--data", out, "--edition", "nato-2025").exit_code == 0


def test_variant_layout_round_trips(tmp_path: Path) -> None:
    wb = build_workbook(tmp_path / "wb.xlsx", variant=True, shuffle=True)
    out = tmp_path / "variant"
    result = invoke("data", "import-nato", wb, "-o", out)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Iceland rows in Table 1" in " ".join(result.stdout.split())
    for name in EDITION_FILES:
        assert (out / name).read_bytes() == (EDITION / name).read_bytes(), name


def test_extra_year_column(tmp_path: Path) -> None:
    wb = build_workbook(tmp_path / "wb.xlsx", extra_year=True)
    out = tmp_path / "next"
    result = invoke("data", "import-nato", wb, "-o", out)
    assert result.exit_code == 0, result.stdout + result.stderr
    main = pd.read_csv(out / "nato_defence_expenditure.csv")
    assert main["year"].max() == 2027
    assert set(main.loc[main["estimate"], "year"]) == {2025, 2026, 2027}
    assert set(main["source_id"]) == {"NATO-DE-2027"}
    assert pd.read_csv(out / "gdp.csv").query("iso3 == 'ISL'")["year"].max() == 2027
    assert invoke("run", "--data", out).exit_code == 0


def test_missing_ally_is_reported_and_nothing_written(tmp_path: Path) -> None:
    wb = build_workbook(tmp_path / "wb.xlsx", drop="PL")
    out = tmp_path / "out"
    result = invoke("data", "import-nato", wb, "-o", out)
    assert result.exit_code == 2
    assert "30 of 31 in Table 3; missing: Poland (Tables 1, 2, 3, 5, 7, 8a, 8b)" in " ".join(
        result.stdout.split())
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Poland" in result.stderr and "nothing written" in result.stderr
    assert not out.exists()


def test_corrupt_file_is_one_error_line(tmp_path: Path) -> None:
    bad = tmp_path / "def-exp-2026-en.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = invoke("data", "import-nato", bad, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "not NATO's" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_workbook_that_is_not_natos(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["country", 2020, 2021, 2022])
    book.active.append(["Germany", 1, 2, 3])
    book.save(tmp_path / "other.xlsx")
    result = invoke("data", "import-nato", tmp_path / "other.xlsx", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == ("error: other.xlsx: not NATO's defence expenditure workbook "
                             "(no sheet 'Table 1'; its sheets: 'Sheet')\n")
    assert not (tmp_path / "out").exists()


def test_never_over_existing_files_without_force(workbook_2026: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "gdp.csv").write_text("mine\n", encoding="utf-8")
    result = invoke("data", "import-nato", workbook_2026, "-o", out)
    assert result.exit_code == 2 and "--force" in result.stderr
    assert (out / "gdp.csv").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in out.iterdir()) == ["gdp.csv"]
    forced = invoke("data", "import-nato", workbook_2026, "-o", out, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert (out / "gdp.csv").read_bytes() == (EDITION / "gdp.csv").read_bytes()


def test_missing_share_is_reported_and_nothing_written(workbook_2026: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(workbook_2026)
    sheet = book["Table 3"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "Poland")
    row[-1].value = ".."  # 2026e
    book.save(tmp_path / "gap.xlsx")
    result = invoke("data", "import-nato", tmp_path / "gap.xlsx", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == "error: gap.xlsx: Table 3: no value for Poland 2026; nothing written\n"
    assert "Missing values" in result.stdout
    assert not (tmp_path / "out").exists()


def test_output_in_a_files_place_is_one_error_line(workbook_2026: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    for out in (tmp_path / "file", tmp_path / "file" / "sub"):
        result = invoke("data", "import-nato", workbook_2026, "-o", out)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_table_without_a_year_is_reported(workbook_2026: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(workbook_2026)
    book["Table 5"].delete_cols(book["Table 5"].max_column)  # no 2026e column
    book.save(tmp_path / "short.xlsx")
    result = invoke("data", "import-nato", tmp_path / "short.xlsx", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "Table 5 (Current prices and exchange rates) lacks 2026" in result.stdout
    assert result.stderr == ("error: short.xlsx: Table 5: no value for every ally in 2026; "
                             "nothing written\n")

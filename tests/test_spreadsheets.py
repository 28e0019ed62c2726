"""Exports opened where people open them: CSV dialects for spreadsheets in any locale
(read back by DuckDB, an independent reader), every table in every format, one writer per
new file, and CSV + sidecar pairs written all or nothing."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc.cli.app import app
from spendcalc.core.errors import OutputError
from spendcalc.io import outputs, provenance
from spendcalc.io.data import load_dataset

runner = CliRunner()
EPOCH = 1_767_225_600  # 2026-01-01, UTC
DIALECTS = ("standard", "excel", "excel-eu")


def invoke(*args):
    return runner.invoke(app, list(map(str, args)))


@pytest.fixture(scope="module")
def result():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        return spendcalc.compute(spendcalc.load_scenario("hague-2035"))


# --------------------------------------------------------------------------- dialects

def test_standard_is_todays_format(result):
    text = outputs.render_result(result, ".csv")[""]
    assert not text.startswith(b"\xef\xbb\xbf") and b"\r\n" not in text
    header, first = text.decode().splitlines()[:2]
    assert header.startswith("scenario,iso3,member,year,projected,armed_forces,")
    assert first.startswith("hague-2035,ALB,Albania,2026,False,True,")


@pytest.mark.parametrize("dialect, separator, decimal", [("excel", ",", "."),
                                                         ("excel-eu", ";", ",")])
def test_excel_dialects_have_a_bom_crlf_and_their_separators(result, dialect, separator,
                                                             decimal):
    content = outputs.render_result(result, ".csv", dialect)[""]
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[-1] == "" and all("\n" not in line for line in lines)
    header = lines[0].split(separator)
    assert header[:4] == ["scenario", "iso3", "member", "year"]
    rows = [dict(zip(header, line.split(separator), strict=True)) for line in lines[1:-1]]
    tur = next(r for r in rows if r["iso3"] == "TUR")
    assert tur["member"] == "Türkiye"
    assert tur["year"] == "2026" and tur["target_year"] == "2035"
    assert tur["projected"] == "FALSE" and tur["armed_forces"] == "TRUE"
    whole, _, fraction = tur["gdp_usd_bn"].partition(decimal)
    assert whole.isdigit() and len(fraction) == 6
    expected = result.table.set_index(["iso3", "year"]).at[("TUR", 2026), "gdp_usd_bn"]
    assert float(tur["gdp_usd_bn"].replace(decimal, ".")) == pytest.approx(expected, abs=5e-7)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_duckdb_reads_numbers_as_numbers_and_years_as_integers(tmp_path, dialect):
    import duckdb
    out = tmp_path / "sw.csv"
    res = invoke("sweep", "--vary", "target.year=2030:2032", "-o", out, "--csv-dialect", dialect)
    assert res.exit_code == 0, res.output
    options = {"delimiter": ";", "decimal": ","} if dialect == "excel-eu" else {}
    rel = duckdb.read_csv(str(out), **options)
    types = dict(zip(rel.columns, map(str, rel.types), strict=True))
    assert types["target.year"] == "BIGINT" and types["year"] == "BIGINT"
    assert types["cum_extra_over_baseline_usd_bn"] == "DOUBLE"
    assert [r[0] for r in rel.select('"target.year"').fetchall()] == [2030, 2031, 2032]


def test_duckdb_reads_the_projection_in_excel_eu(tmp_path):
    import duckdb
    out = tmp_path / "r.csv"
    assert invoke("run", "-o", out, "--csv-dialect", "excel-eu").exit_code == 0
    rel = duckdb.read_csv(str(out), delimiter=";", decimal=",")
    types = dict(zip(rel.columns, map(str, rel.types), strict=True))
    assert types["gdp_usd_bn"] == "DOUBLE" and types["year"] == "BIGINT"
    assert types["armed_forces"] == "BOOLEAN"
    ((name, total),) = rel.filter("iso3 = 'TUR' AND year = 2035").select(
        "member, total_pct").fetchall()
    assert name == "Türkiye" and total == pytest.approx(5.0)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_from_meta_reruns_byte_identically_in_every_dialect(tmp_path, dialect):
    out = tmp_path / "plan.csv"
    res = invoke("run", "rutte-2032", "-o", out, "--csv-dialect", dialect)
    assert res.exit_code == 0, res.output
    meta = json.loads((tmp_path / "plan.csv.meta.json").read_text())
    assert meta["csv_dialect"] == dialect
    again = provenance.rerun(tmp_path / "plan.csv.meta.json", load_dataset())
    assert again.identical is True, again.message
    changed = out.read_bytes().replace(b"Albania", b"Albanja", 1)
    out.write_bytes(changed)
    again = provenance.rerun(tmp_path / "plan.csv.meta.json", load_dataset())
    assert again.identical is False
    assert "differs from line 2 (ALB 2026, member: Albanja in the file, Albania now)" \
        in again.message


def test_every_csv_command_takes_the_dialect(tmp_path):
    commands = {
        "compare": ["compare", "hague-2035", "rutte-2032"],
        "sensitivity": ["sensitivity"],
        "simulate": ["simulate", "--draws", "50"],
        "claims": ["claims", "--checkable"],
        "tradeoff": ["tradeoff"],
        "moneyflow": ["moneyflow"],
    }
    for name, args in commands.items():
        out = tmp_path / f"{name}.csv"
        res = invoke(*args, "-o", out, "--csv-dialect", "excel-eu")
        assert res.exit_code == 0, (name, res.output)
        content = out.read_bytes()
        assert content.startswith(b"\xef\xbb\xbf") and b"\r\n" in content, name
        assert ";" in content.decode("utf-8-sig").splitlines()[0], name
        meta = json.loads(Path(f"{out}.meta.json").read_text())
        assert meta["csv_dialect"] == "excel-eu", name


def test_literature_csv_takes_the_dialect_too(tmp_path):
    out = tmp_path / "lit.csv"
    res = invoke("literature", "-o", out, "--csv-dialect", "excel-eu")
    assert res.exit_code == 0, res.output
    content = out.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and b"\r\n" in content
    assert content.decode("utf-8-sig").startswith("id;source;")


def test_an_unknown_dialect_is_one_line_before_any_work(tmp_path):
    res = invoke("run", "-o", tmp_path / "r.csv", "--csv-dialect", "german")
    assert res.exit_code == 2
    assert res.output == ("error: --csv-dialect 'german': unknown; choose one of standard, "
                          "excel, excel-eu\n")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- every table

def test_simulate_csv_writes_the_chance_of_reaching_the_target_beside_it(tmp_path):
    out = tmp_path / "sim.csv"
    res = invoke("simulate", "--draws", "200", "-o", out)
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim.csv", "sim.csv.meta.json",
                                                          "sim.reach.csv"]
    reach = pd.read_csv(tmp_path / "sim.reach.csv")
    assert {"iso3", "p_reach_target", "p_reach_target_full_compliance"} <= set(reach.columns)
    assert reach["p_reach_target"].dropna().between(0, 1).all() and len(reach) > 25
    doc_out = tmp_path / "sim.json"
    assert invoke("simulate", "--draws", "200", "-o", doc_out).exit_code == 0
    doc = json.loads(doc_out.read_text())
    assert len(doc["reach"]) == len(reach)


def test_run_csv_writes_the_aggregates_beside_it(result, tmp_path):
    out = tmp_path / "r.csv"
    written = outputs.write_result(result, out)
    assert tmp_path / "r.aggregates.csv" in written
    back = pd.read_csv(tmp_path / "r.aggregates.csv")
    assert list(back.columns) == list(result.aggregates.columns)
    assert len(back) == len(result.aggregates)


# --------------------------------------------------------------------------- one writer

def test_racing_threads_give_exactly_one_winner(result, tmp_path):
    out = tmp_path / "fresh.csv"
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def write() -> None:
        barrier.wait()
        try:
            outputs.write_rendered(out, outputs.render_result(result, ".csv"), force=False)
            outcomes.append("wrote")
        except OutputError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("wrote") == 1, outcomes
    assert all(o.endswith("file exists; use --force to overwrite it") for o in outcomes
               if o != "wrote")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fresh.aggregates.csv", "fresh.csv", "fresh.csv.meta.json"]  # no temporary files
    assert out.read_bytes() == outputs.render_result(result, ".csv")[""]


def test_racing_processes_give_exactly_one_winner(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
    script = "from spendcalc.cli.app import main; main()"
    procs = [subprocess.Popen([sys.executable, "-c", script, "run", "-o", "fresh.csv"],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    codes, errors = [], []
    for p in procs:
        _, err = p.communicate(timeout=300)
        codes.append(p.returncode)
        errors.append(err.strip())
    assert codes.count(0) == 1, (codes, errors)
    losers = [e for c, e in zip(codes, errors, strict=True) if c != 0]
    assert all(e.startswith("error: fresh.") and e.endswith("file exists; use --force to "
                                                            "overwrite it") for e in losers)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fresh.aggregates.csv", "fresh.csv", "fresh.csv.meta.json"]


def test_a_sidecar_that_cannot_be_written_leaves_no_csv(result, tmp_path):
    out = tmp_path / "pair.csv"
    (tmp_path / "pair.csv.meta.json").mkdir()
    for force in (False, True):
        with pytest.raises(OutputError):
            outputs.write_rendered(out, outputs.render_result(result, ".csv"), force=force)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pair.csv.meta.json"]


def test_a_sidecar_taken_by_another_writer_removes_the_claimed_csv(result, tmp_path):
    out = tmp_path / "pair.csv"
    (tmp_path / "pair.aggregates.csv").write_text("someone else's")
    with pytest.raises(OutputError, match=r"pair\.aggregates\.csv: file exists"):
        outputs.write_result(result, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pair.aggregates.csv"]
    assert (tmp_path / "pair.aggregates.csv").read_text() == "someone else's"


# --------------------------------------------------------------------------- workbooks

@pytest.fixture(scope="module")
def workbook(result):
    return outputs.render_result(result, ".xlsx")[""]


def test_calamine_reads_readable_headers_then_names_then_numbers(result, workbook):
    import python_calamine as calamine
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(workbook))
    assert book.sheet_names == ["Projection", "Members", "Aggregates", "Assumptions",
                                "Sources", "Meta"]
    rows = book.get_sheet_by_name("Projection").to_python()
    labels, names = rows[0], rows[1]
    assert names == list(result.table.columns)
    assert dict(zip(names, labels, strict=True))["total_usd_bn_const"] == \
        "Total (USD bn, constant prices)"
    body = [dict(zip(names, r, strict=True)) for r in rows[2:]]
    tur = next(r for r in body if r["iso3"] == "TUR" and r["year"] == 2035)
    assert tur["member"] == "Türkiye" and isinstance(tur["total_usd_bn"], float)
    assert tur["armed_forces"] is True and tur["projected"] is True
    aggregates = book.get_sheet_by_name("Aggregates").to_python()
    assert aggregates[0][:5] == ["Scenario", "Group", "Group name", "Year", "Members"]
    assert aggregates[1] == list(result.aggregates.columns)


def test_workbook_prints_landscape_fit_to_width_with_row_labels(workbook):
    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_area, ws.title
    projection = wb["Projection"]
    assert projection.print_title_rows == "$1:$2" and projection.print_title_cols == "$A:$D"
    assert 1 < projection.page_setup.fitToWidth <= 5
    assert wb["Members"].print_title_cols == "$A:$B"


def test_workbook_booleans_show_yes_no_and_meta_rows_are_tall_enough(result, workbook):
    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    ws = wb["Projection"]
    names = [c.value for c in ws[2]]
    cell = ws.cell(3, names.index("armed_forces") + 1)
    assert cell.value is True and cell.number_format == '"yes";"yes";"no"'
    meta = wb["Meta"]
    for row in meta.iter_rows(min_row=2):
        text = str(row[1].value)
        assert row[1].alignment.wrap_text
        assert meta.row_dimensions[row[0].row].height >= 15 * (text.count("\n") + 1) or \
            meta.row_dimensions[row[0].row].height == 409


def test_simulate_workbook_sheets_are_capitalised_and_chances_are_percent(tmp_path):
    out = tmp_path / "sim.xlsx"
    assert invoke("simulate", "--draws", "100", "-o", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Percentiles", "Reach", "Meta"]
    ws = wb["Reach"]
    names = [c.value for c in ws[2]]
    j = names.index("p_reach_target") + 1
    assert ws.cell(1, j).value == "Chance of reaching the target (%)"
    assert ws.cell(3, j).number_format == "0.0%" and 0 <= ws.cell(3, j).value <= 1


# --------------------------------------------------------------------------- the report

def test_report_without_javascript_hides_the_sort_hint_and_arrows(result):
    from spendcalc.views import report

    page = report.build([result])
    head = page[: page.index("</head>")]
    noscript = head[head.index("<noscript>"): head.index("</noscript>")]
    assert "caption .screen { display: none; }" in noscript  # "Click a column heading ..."
    assert 'th button::after { content: ""; }' in noscript  # no sort arrows
    assert "pointer-events: none" in noscript  # the headings are no longer buttons to press
    assert page.count(report.SORT_HINT) >= 1
    assert all(f'<span class="screen"> {report.SORT_HINT}</span></caption>' in chunk
               for chunk in page.split("<caption>")[1:] if report.SORT_HINT in chunk)


# --------------------------------------------------------------------------- schemas

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
COMMANDS = {  # kind -> the command line that writes it (without -o)
    "projection": ["run", "rutte-2032"],
    "compare": ["compare", "hague-2035", "rutte-2032"],
    "sweep": ["sweep", "--vary", "target.year=2030:2031"],
    "sensitivity": ["sensitivity"],
    "simulate": ["simulate", "--draws", "50"],
    "tradeoff": ["tradeoff"],
    "moneyflow": ["moneyflow"],
    "claims": ["claims", "--checkable"],
}


def validate(doc: object, name: str) -> None:
    """Validate under the draft the schema declares (its ``$schema``)."""
    import jsonschema

    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    cls.check_schema(schema)
    cls(schema).validate(doc)


def test_every_schema_file_is_generated_and_current():
    from spendcalc.io import export_schema

    files = export_schema.schema_files()
    assert set(files) == {p.name for p in SCHEMAS.glob("*.schema.json")}
    assert {n.split(".")[0] for n in files} == set(COMMANDS)
    for name, text in files.items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, name
    assert export_schema.main(["--check"]) == 0


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_every_export_validates_against_its_published_schema(tmp_path, kind):
    import jsonschema

    for suffix in (".json", ".csv"):
        out = tmp_path / f"{kind}{suffix}"
        res = invoke(*COMMANDS[kind], "-o", out, "--csv-dialect", "excel-eu")
        assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / f"{kind}.json").read_text())
    validate(doc, f"{kind}.schema.json")
    validate(doc["meta"], f"{kind}.meta.schema.json")
    sidecar = json.loads((tmp_path / f"{kind}.csv.meta.json").read_text())
    validate(sidecar, f"{kind}.meta.schema.json")
    sidecar["surprise"] = 1  # closed objects: an unknown field is an error
    with pytest.raises(jsonschema.ValidationError):
        validate(sidecar, f"{kind}.meta.schema.json")


def test_the_parquet_metadata_validates_too(result, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "r.parquet"
    outputs.write_result(result, out)
    meta = json.loads(pq.read_schema(out).metadata[outputs.PARQUET_META_KEY])
    validate(meta, "projection.meta.schema.json")


# --------------------------------------------------------------------------- LibreOffice

SOFFICE = shutil.which("soffice")
INSTALL = "apt-get install -y --no-install-recommends libreoffice-calc-nogui poppler-utils"
REQUIRE = os.environ.get("SPENDCALC_REQUIRE_TOOLS", "") == "1"
"""CI sets SPENDCALC_REQUIRE_TOOLS=1 (and installs the tools): there a missing one fails."""


def need(tool: str) -> None:
    """Skip, naming the install command, when ``tool`` is missing; fail under CI's flag."""
    if shutil.which(tool) is None:
        message = f"{tool} not installed: {INSTALL}"
        if REQUIRE:
            pytest.fail(f"{message} (SPENDCALC_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip(message)


needs_libreoffice = pytest.mark.usefixtures("libreoffice")


@pytest.fixture
def libreoffice() -> None:
    need("soffice")
LOCALES = {"excel": ("44", "1033"), "excel-eu": ("59", "1031")}  # separator, en-US / de-DE


def soffice(folder: Path, *args: str) -> None:
    """Run LibreOffice headless with a profile of its own (parallel test runs)."""
    profile = (folder / "lo-profile").as_uri()
    subprocess.run([str(SOFFICE), f"-env:UserInstallation={profile}", "--headless", *args],
                   cwd=folder, check=True, capture_output=True, timeout=300)


@needs_libreoffice
@pytest.mark.parametrize("dialect", list(LOCALES))
def test_libreoffice_reads_the_excel_dialects_as_text_and_numbers(tmp_path, dialect):
    separator, language = LOCALES[dialect]
    res = invoke("run", "-o", tmp_path / "r.csv", "--csv-dialect", dialect)
    assert res.exit_code == 0, res.output
    # The charset token is left empty: LibreOffice must find UTF-8 from the byte-order mark.
    soffice(tmp_path, f"--infilter=CSV:{separator},34,,1,,{language}",
            "--convert-to", "xlsx:Calc MS Excel 2007 XML", "r.csv")
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx").active.iter_rows(values_only=True))
    header = rows[0]
    tur = next(dict(zip(header, r, strict=True)) for r in rows[1:]
               if r[1] == "TUR" and r[3] == 2035)
    assert tur["member"] == "Türkiye"
    assert isinstance(tur["gdp_usd_bn"], float) and isinstance(tur["total_pct"], int | float)
    assert tur["year"] == 2035 and tur["target_year"] == 2035


@needs_libreoffice
def test_the_printed_workbook_has_row_labels_on_every_page(tmp_path):
    need("pdftotext")
    assert invoke("run", "-o", tmp_path / "r.xlsx").exit_code == 0
    soffice(tmp_path, "--convert-to", "pdf", "r.xlsx")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) <= 50  # 102 before print settings
    for page in pages:
        if "Projection, page" in page:
            assert "Code" in page and "Member" in page and "Year" in page
            # every row printed with its scenario, code, member and year beside the numbers
            labelled = re.findall(r"(?m)^\s*hague-2035\s+[A-Z]{3}\s+\S.*?\s20[23]\d\s", page)
            assert len(labelled) >= 20, page[:400]


def test_other_workbooks_repeat_their_key_columns(tmp_path):
    out = tmp_path / "sim.xlsx"
    assert invoke("simulate", "--draws", "50", "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["Percentiles"]
    assert [c.value for c in ws[2]][:5] == ["scenario", "kind", "key", "name", "year"]
    assert ws.freeze_panes == "F3" and ws.print_title_cols == "$A:$E"


def test_from_meta_writes_its_output_in_the_recorded_dialect(tmp_path):
    out = tmp_path / "eu.csv"
    assert invoke("run", "-o", out, "--csv-dialect", "excel-eu").exit_code == 0
    again = tmp_path / "again.csv"
    res = invoke("run", "--from-meta", f"{out}.meta.json", "-o", again)
    assert res.exit_code == 0, res.output
    assert again.read_bytes() == out.read_bytes()
    other = tmp_path / "std.csv"
    res = invoke("run", "--from-meta", f"{out}.meta.json", "-o", other, "--csv-dialect",
                 "standard")
    assert res.exit_code == 0 and not other.read_bytes().startswith(b"\xef\xbb\xbf")

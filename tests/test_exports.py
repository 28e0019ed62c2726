"""Exports: every format round-trips to the table, carries the metadata, is deterministic
apart from the creation time; the JSON schema is current; --from-meta re-runs reproduce;
bad output paths and bad meta files are one clear error with nothing lost."""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import shutil
import tomllib
import zipfile
from datetime import datetime
from pathlib import Path

import jsonschema
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc.cli.app import app
from spendcalc.core import currency, fiscal_year, tables
from spendcalc.core.errors import OutputError, SpendcalcError
from spendcalc.core.overrides import parse_scenario
from spendcalc.io import export_schema, outputs, provenance
from spendcalc.io.data import load_dataset
from spendcalc.io.export_schema import Meta, ProjectionExport

runner = CliRunner()
MEMBERS = ("DEU", "ESP", "ISL", "USA")  # a large ally, the exemption, no armed forces, the US
EPOCH_A, EPOCH_B = 1_767_225_600, 1_767_312_000  # 2026-01-01 and 2026-01-02, UTC


def invoke(*args):
    return runner.invoke(app, list(map(str, args)))


def computed(epoch: int, name: str = "hague-2035") -> spendcalc.core.result.Result:
    """A run whose metadata say it was made at ``epoch`` (seconds since 1970, UTC)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(epoch))
        return spendcalc.compute(spendcalc.load_scenario(name))


@pytest.fixture(scope="module")
def result():
    return computed(EPOCH_A)


@pytest.fixture(scope="module")
def xlsx_bytes(result):
    return outputs.render_result(result, ".xlsx")[""]


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable integers (``target_year``) as floats: files store a missing value as an empty
    cell or null, which reads back as NaN."""
    return frame.astype({c: "float64" for c in frame.columns if str(frame[c].dtype) == "Int64"})


def write(result, path: Path, force: bool = False) -> list[Path]:
    return outputs.write_result(result, path, force=force)


# --------------------------------------------------------------------------- round trips

def test_csv_round_trip_and_sidecar(result, tmp_path):
    out = tmp_path / "t.csv"
    assert write(result, out) == [out, tmp_path / "t.csv.meta.json",
                                  tmp_path / "t.aggregates.csv"]
    back = pd.read_csv(out)
    assert list(back.columns) == list(result.table.columns)
    pd.testing.assert_frame_equal(plain(back), plain(result.table), check_dtype=False,
                                  atol=5e-7 + 1e-12, rtol=0)  # six decimals, plus float error
    assert json.loads((tmp_path / "t.csv.meta.json").read_text()) == {
        **result.meta, "csv_dialect": "standard"}


def test_json_round_trip(result, tmp_path):
    out = tmp_path / "t.json"
    write(result, out)
    doc = json.loads(out.read_text())
    assert doc["meta"] == result.meta
    for name, frame in (("table", result.table), ("aggregates", result.aggregates)):
        back = pd.DataFrame.from_records(doc[name], columns=list(frame.columns))
        pd.testing.assert_frame_equal(plain(back), plain(frame), check_dtype=False,
                                      rtol=1e-15, atol=1e-10)  # ten decimals


def test_xlsx_round_trip(result, xlsx_bytes):
    for sheet, frame in (("Projection", result.table), ("Aggregates", result.aggregates)):
        back = pd.read_excel(io.BytesIO(xlsx_bytes), sheet_name=sheet, header=1,
                             engine="openpyxl")  # row 1: readable headers; row 2: names
        assert list(back.columns) == list(frame.columns)
        pd.testing.assert_frame_equal(plain(back), plain(frame), check_dtype=False,
                                      rtol=1e-15, atol=0)  # 16 significant digits


def test_parquet_round_trip_or_one_clear_error(result, tmp_path, monkeypatch):
    out = tmp_path / "t.parquet"
    if outputs.parquet_available():
        assert write(result, out) == [out]
        pd.testing.assert_frame_equal(pd.read_parquet(out), result.table, check_dtype=False)
        import pyarrow.parquet as pq

        meta = pq.read_schema(out).metadata[outputs.PARQUET_META_KEY]
        assert json.loads(meta) == result.meta
        monkeypatch.setattr(outputs, "library_available", lambda suffix: suffix != ".parquet")
    with pytest.raises(OutputError) as err:
        write(result, out, force=True)
    assert str(err.value) == (f"{out}: writing .parquet needs pyarrow, which is not installed; "
                              "install it (pip install pyarrow) or use .csv, .json, .xlsx")
    assert not list(tmp_path.glob(".*tmp"))


# --------------------------------------------------------------------------- xlsx contents

def sheet_rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def test_xlsx_cells_match_the_table(result, xlsx_bytes):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))
    assert wb.sheetnames == ["Projection", "Members", "Aggregates", "Assumptions", "Sources",
                             "Meta"]
    ws = wb["Projection"]
    header = [c.value for c in ws[2]]
    assert header == list(tables.MEMBER_COLUMNS)
    assert [c.value for c in ws[1]][:4] == ["Scenario", "Code", "Member", "Year"]
    assert "Cumulative extra over baseline (USD bn)" in [c.value for c in ws[1]]
    assert ws.freeze_panes == "E3" and all(c.font.bold for c in ws[1])
    assert ws.column_dimensions["B"].width >= len("iso3") + 2
    col = {name: i for i, name in enumerate(header)}
    t = result.table
    for r, row in enumerate(ws.iter_rows(min_row=3), start=0):
        expect = t.iloc[r]
        if expect.iso3 not in MEMBERS:
            continue
        for name, cell in zip(header, row, strict=True):
            want = expect[name]
            if pd.isna(want):
                assert cell.value is None, (expect.iso3, name)  # empty, never 0
            elif isinstance(want, float):
                assert cell.value == pytest.approx(want, rel=1e-15, abs=0), (expect.iso3, name)
            else:
                assert cell.value == want.item() if hasattr(want, "item") else want
        assert row[col["core_pct"]].number_format == "0.00"
        assert row[col["total_usd_bn"]].number_format == "#,##0.0"
        assert row[col["year"]].number_format == "0"


def test_xlsx_members_sheet_is_the_tables_base_and_horizon_rows(result, xlsx_bytes):
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))["Members"]
    rows = sheet_rows(ws)
    header, body = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert header[:3] == ("Code", "Member", "Armed forces") and ws.freeze_panes == "C2"
    t = result.table.set_index(["iso3", "year"])
    for iso3 in MEMBERS:
        row, start, end = body[iso3], t.loc[(iso3, 2026)], t.loc[(iso3, 2035)]
        assert row["Member"] == end.member and row["Armed forces"] == end.armed_forces
        for label, value in (("Core % GDP 2026", start.core_pct),
                             ("Total % GDP 2035", end.total_pct),
                             ("Total USD bn 2035", end.total_usd_bn),
                             ("Over 2% USD bn 2035", end.extra_over_baseline_usd_bn),
                             ("Cum. over 2% USD bn 2027-2035",
                              end.cum_extra_over_baseline_usd_bn)):
            if pd.isna(value):
                assert row[label] is None, label
            else:
                assert row[label] == pytest.approx(value, rel=1e-15, abs=0), label
    assert body["ESP"]["Target total % GDP"] == pytest.approx(2.1)
    assert body["ISL"]["Total USD bn 2035"] is None


def test_xlsx_assumptions_sources_and_meta_sheets(result, xlsx_bytes):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))
    settings = {r[0]: r[1:] for r in sheet_rows(wb["Assumptions"])[1:]}
    assert settings["target.core_pct"][0] == 3.5 and settings["target.year"][0] == 2035
    assert settings["exemptions.ESP.core_pct"][0] == 2.1
    assert "Why the member is exempted" in settings["exemptions.ESP.reason"][1]
    sources = [r for r in sheet_rows(wb["Sources"]) if r[0]]
    assert ("NATO-DE-2024", result.meta["sources"]["NATO-DE-2024"], None) in sources
    files = {r[0]: r[2] for r in sources if r[1] in ("bundled", "user")}
    assert files == {f["name"]: f["sha256"] for f in result.meta["data_files"]}
    meta: dict[str, str] = {}
    for field, text in sheet_rows(wb["Meta"])[1:]:
        name, _, more = field.partition(" (")  # "scenario_toml (2)" continues its value
        meta[name] = f"{meta[name]}\n{text}" if more else text
    assert list(meta) == list(result.meta)
    for key, value in result.meta.items():
        assert meta[key] == (value if isinstance(value, str)
                             else json.dumps(value, ensure_ascii=False))
    assert wb.properties.created == wb.properties.modified
    assert wb.properties.created.strftime("%Y-%m-%dT%H:%M:%SZ") == result.meta["created"]


def test_xlsx_is_deterministic_apart_from_the_creation_time(result, xlsx_bytes):
    assert outputs.render_result(result, ".xlsx")[""] == xlsx_bytes  # same run: same bytes
    later = computed(EPOCH_B)
    other = outputs.render_result(later, ".xlsx")[""]
    a, b = (openpyxl.load_workbook(io.BytesIO(x)) for x in (xlsx_bytes, other))
    assert a.sheetnames == b.sheetnames
    differ = []
    for name in a.sheetnames:
        rows_a, rows_b = sheet_rows(a[name]), sheet_rows(b[name])
        assert len(rows_a) == len(rows_b), name
        for ra, rb in zip(rows_a, rows_b, strict=True):
            for j, (va, vb) in enumerate(zip(ra, rb, strict=True)):
                if va != vb and not (isinstance(va, float) and math.isnan(va)):
                    differ.append((name, ra[0], j, va, vb))
    assert differ == [("Meta", "created", 1, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")]
    assert (a.properties.created, b.properties.created) == (datetime(2026, 1, 1),
                                                            datetime(2026, 1, 2))
    assert (a.properties.modified, b.properties.modified) == (datetime(2026, 1, 1),
                                                              datetime(2026, 1, 2))
    # In the archive, only the Meta sheet and docProps/core.xml differ (and entry times).
    za, zb = zipfile.ZipFile(io.BytesIO(xlsx_bytes)), zipfile.ZipFile(io.BytesIO(other))
    assert za.namelist() == zb.namelist()
    changed = [n for n in za.namelist() if za.read(n) != zb.read(n)]
    assert changed == ["docProps/core.xml", "xl/worksheets/sheet6.xml"]


# --------------------------------------------------------------------------- metadata

def test_every_format_carries_the_same_metadata(result, tmp_path):
    Meta.model_validate(result.meta)  # every documented field, nothing else
    assert result.meta["spendcalc_version"] == spendcalc.__version__
    assert result.meta["created"] == "2026-01-01T00:00:00Z"
    assert "NATO-DE-2026" in result.meta["data_vintage"]
    assert parse_scenario(tomllib.loads(result.meta["scenario_toml"]), "t") == result.scenario
    write(result, tmp_path / "t.csv")
    write(result, tmp_path / "t.json")
    assert json.loads((tmp_path / "t.csv.meta.json").read_text()) == {
        **result.meta, "csv_dialect": "standard"}
    assert json.loads((tmp_path / "t.json").read_text())["meta"] == result.meta


def test_inputs_hash_is_sha256_over_data_files_then_scenario(result):
    data = load_dataset()
    h = hashlib.sha256()
    names = sorted(f["name"] for f in result.meta["data_files"])
    assert names == [f["name"] for f in result.meta["data_files"]]
    assert {"gdp.csv", "nato_defence_expenditure.csv", "gdp_projections.csv"} <= set(names)
    for name in names:
        content = data.path(name).read_bytes()
        h.update(f"data/{name}\n{len(content)}\n".encode() + content)
    toml = result.meta["scenario_toml"].encode()
    h.update(f"scenario.toml\n{len(toml)}\n".encode() + toml)
    assert result.meta["inputs_sha256"] == h.hexdigest()


def test_inputs_hash_follows_the_scenario_and_the_data(result, tmp_path):
    changed = spendcalc.compute(spendcalc.load_scenario("hague-2035").model_copy(
        update={"baseline_pct": 2.5}))
    assert changed.meta["inputs_sha256"] != result.meta["inputs_sha256"]
    for folder in ("same", "edited"):
        (tmp_path / folder).mkdir()
        shutil.copy(load_dataset().path("gdp.csv"), tmp_path / folder / "gdp.csv")
    with (tmp_path / "edited" / "gdp.csv").open("a") as f:
        f.write("\n")
    copy = spendcalc.compute(result.scenario, load_dataset(tmp_path / "same"))
    assert copy.meta["inputs_sha256"] == result.meta["inputs_sha256"]  # contents, not paths
    assert {f["name"]: f["origin"] for f in copy.meta["data_files"]}["gdp.csv"] == "user"
    edited = spendcalc.compute(result.scenario, load_dataset(tmp_path / "edited"))
    assert edited.meta["inputs_sha256"] != result.meta["inputs_sha256"]


def test_json_and_csv_are_byte_identical_apart_from_the_creation_time(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_A))
    assert invoke("run", "-o", tmp_path / "a.json").exit_code == 0
    assert invoke("run", "-o", tmp_path / "a.csv").exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_B))
    assert invoke("run", "-o", tmp_path / "b.json").exit_code == 0
    assert invoke("run", "-o", tmp_path / "b.csv").exit_code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    docs = [json.loads((tmp_path / f).read_text()) for f in ("a.json", "b.json")]
    assert docs[0]["meta"].pop("created") != docs[1]["meta"].pop("created")
    assert docs[0] == docs[1]
    a = (tmp_path / "a.json").read_text().replace("2026-01-01T00:00:00Z", "X")
    assert a == (tmp_path / "b.json").read_text().replace("2026-01-02T00:00:00Z", "X")


# --------------------------------------------------------------------------- schema

def test_committed_schema_is_the_generated_one():
    committed = export_schema.SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == export_schema.schema_text(), (
        "schemas/projection.schema.json is stale: python -m spendcalc.io.export_schema")
    assert export_schema.main(["--check"]) == 0


def test_schema_models_match_the_tables():
    extra = currency.COLUMNS  # optional: only --currency runs have them
    fiscal = fiscal_year.COLUMNS  # and --fiscal-year runs these
    assert tuple(export_schema.TableRow.model_fields) == (*tables.MEMBER_COLUMNS, *extra,
                                                          *fiscal)
    assert tuple(export_schema.AggregateRow.model_fields) == (*tables.AGGREGATE_COLUMNS, *extra)


@pytest.mark.parametrize("name", ["hague-2035", "status-quo"])
def test_a_real_export_validates_against_the_schema(name):
    schema = json.loads(export_schema.SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = json.loads(outputs.render_result(computed(EPOCH_A, name), ".json")[""])
    jsonschema.Draft202012Validator(schema).validate(doc)
    ProjectionExport.model_validate(doc)
    doc["table"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)


# --------------------------------------------------------------------------- --from-meta

def test_rerun_reproduces_the_csv_byte_for_byte(tmp_path):
    out = tmp_path / "plan.csv"
    assert invoke("run", "national-plans", "--set", "target.year=2032", "-o", out).exit_code == 0
    again = provenance.rerun(tmp_path / "plan.csv.meta.json", load_dataset())
    assert again.identical is True
    assert again.message == ("identical: plan.csv is reproduced byte for byte "
                             "(national-plans; same data as the original run)")
    assert outputs.render_result(again.result, ".csv")[""] == out.read_bytes()
    assert again.result.scenario.target.year == 2032


def test_rerun_accepts_a_json_export(tmp_path):
    out = tmp_path / "r.json"
    assert invoke("run", "rutte-2032", "-o", out).exit_code == 0
    again = provenance.rerun(out, load_dataset())
    assert again.identical is True and again.message.startswith("identical: r.json's table")
    doc = json.loads(out.read_text())
    doc["table"][5]["total_usd_bn"] += 1
    out.write_text(json.dumps(doc))
    again = provenance.rerun(out, load_dataset())
    assert again.identical is False and "table[5]" in again.message


def test_rerun_says_what_differs(result, tmp_path):
    out = tmp_path / "t.csv"
    write(result, out)
    lines = out.read_text().splitlines(keepends=True)
    deu = next(i for i, line in enumerate(lines) if ",DEU," in line and ",2030," in line)
    lines[deu] = lines[deu].replace(",2030,True,True,", ",2030,True,True,9")
    out.write_text("".join(lines))
    again = provenance.rerun(tmp_path / "t.csv.meta.json", load_dataset())
    assert again.identical is False
    assert again.message.startswith(f"DIFFERENT: t.csv differs from line {deu + 1} (DEU 2030, "
                                    "gdp_usd_bn: 9")
    out.write_text("scenario,group,year,cum_extra_over_baseline_usd_bn\n")  # e.g. a sweep
    again = provenance.rerun(tmp_path / "t.csv.meta.json", load_dataset())
    assert again.identical is None and "t.csv is not a spendcalc run projection table" in (
        again.message)
    out.unlink()
    again = provenance.rerun(tmp_path / "t.csv.meta.json", load_dataset())
    assert again.identical is None and "not found, so there is nothing to compare" in (
        again.message)


def test_rerun_names_data_that_changed(result, tmp_path):
    write(result, tmp_path / "t.csv")
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(load_dataset().path("gdp.csv"), folder / "gdp.csv")
    with (folder / "gdp.csv").open("a") as f:
        f.write("\n")
    again = provenance.rerun(tmp_path / "t.csv.meta.json", load_dataset(folder))
    assert again.identical is True  # a blank line changes the bytes, not the numbers
    assert "DATA DIFFER from the original run: gdp.csv changed" in again.message


def test_rerun_of_an_older_version_notes_it(result, tmp_path):
    write(result, tmp_path / "t.csv")
    sidecar = tmp_path / "t.csv.meta.json"
    sidecar.write_text(json.dumps({**result.meta, "spendcalc_version": "0.0.9"}))
    again = provenance.rerun(sidecar, load_dataset())
    assert again.identical is True
    assert again.message.splitlines()[1] == (
        f"note: t.csv.meta.json was written by spendcalc 0.0.9; re-run with spendcalc "
        f"{spendcalc.__version__}")


def test_rerun_of_a_meta_without_toml_uses_the_settings(result, tmp_path):
    write(result, tmp_path / "t.csv")
    old = {k: v for k, v in result.meta.items()
           if k not in ("scenario_toml", "data_files", "inputs_sha256", "created")}
    (tmp_path / "t.csv.meta.json").write_text(json.dumps(old))
    again = provenance.rerun(tmp_path / "t.csv.meta.json", load_dataset())
    assert again.identical is True and "holds no scenario TOML" in again.message
    assert "whether the data are the same is unknown" in again.message


@pytest.mark.parametrize(("content", "message"), [
    ('{"spendcalc_version": "9.0.0"', "not valid JSON (Expecting ',' delimiter at line 1, "
                                      "column 30)"),
    ("[1, 2]", "not a spendcalc meta file (expected a JSON object)"),
    ('{"spendcalc_version": "7.0"}', "written by spendcalc 7.0, newer than this spendcalc"),
    ('{"spendcalc_version": "new", "scenario": "x"}', "spendcalc_version 'new' is not a version"),
    ('{"scenario": "x"}', "lacks 'spendcalc_version'; not a spendcalc meta file"),
    ('{"spendcalc_version": "0.1.0", "scenario": "x"}',
     "lacks 'scenario_toml' (and 'scenario_settings'); cannot tell which scenario made it"),
    ('{"spendcalc_version": "0.1.0", "scenario": ["a", "b"], "scenario_toml": ""}',
     "records several scenarios (spendcalc compare); --from-meta re-runs a single spendcalc "
     "run export"),
    ('{"spendcalc_version": "0.1.0", "scenario": "x", "scenario_toml": "name = "}',
     "scenario_toml: invalid TOML: "),
    ('{"spendcalc_version": "0.1.0", "scenario": "x", "scenario_toml": "horizon = 1"}',
     "scenario_toml: name: required but missing"),
])
def test_bad_meta_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "t.csv.meta.json"
    path.write_text(content)
    with pytest.raises(SpendcalcError) as err:
        provenance.rerun(path, load_dataset())
    text = str(err.value)
    assert text.startswith(f"{path}") and message in text and "\n" not in text


def test_meta_from_a_newer_version_is_an_error_naming_both_versions(result, tmp_path):
    path = tmp_path / "t.csv.meta.json"
    path.write_text(json.dumps({**result.meta, "spendcalc_version": "99.1"}))
    with pytest.raises(SpendcalcError) as err:
        provenance.rerun(path, load_dataset())
    assert str(err.value) == (f"{path}: written by spendcalc 99.1, newer than this spendcalc "
                              f"{spendcalc.__version__}; upgrade spendcalc to re-run it")


def test_rerun_wants_the_meta_file_not_the_export(result, tmp_path):
    write(result, tmp_path / "t.csv")
    with pytest.raises(SpendcalcError, match=r"t\.csv: expected a FILE\.meta\.json sidecar .* "
                                             r"\(for this export: t\.csv\.meta\.json\)"):
        provenance.rerun(tmp_path / "t.csv", load_dataset())
    with pytest.raises(SpendcalcError, match=r"missing\.meta\.json: file not found$"):
        provenance.rerun(tmp_path / "missing.meta.json", load_dataset())
    (tmp_path / "x.json").write_text('{"table": []}')
    with pytest.raises(SpendcalcError, match="no 'meta' block"):
        provenance.rerun(tmp_path / "x.json", load_dataset())


# --------------------------------------------------------------------------- bad outputs

def test_unknown_suffix_lists_every_format(result, tmp_path):
    with pytest.raises(OutputError) as err:
        write(result, tmp_path / "t.xls")
    assert str(err.value) == (f"{tmp_path / 't.xls'}: unsupported suffix '.xls'; "
                              "allowed: .csv, .json, .xlsx, .parquet")
    # Commands with their own writers keep the formats they handle.
    with pytest.raises(OutputError, match=r"allowed: \.csv, \.json$"):
        outputs.check_output(tmp_path / "t.xlsx")


def test_a_missing_folder_is_made_and_a_file_in_its_way_is_an_error(result, tmp_path):
    write(result, tmp_path / "new" / "deeper" / "t.csv")
    assert (tmp_path / "new" / "deeper" / "t.csv.meta.json").is_file()
    (tmp_path / "taken").write_text("a file, not a folder")
    with pytest.raises(OutputError, match=r"taken is a file, not a folder"):
        write(result, tmp_path / "taken" / "t.csv")


def test_unwritable_folder_fails_before_any_work(result, tmp_path, monkeypatch):
    monkeypatch.setattr(outputs.os, "access", lambda *_a, **_k: False)
    with pytest.raises(OutputError) as err:
        write(result, tmp_path / "t.xlsx")
    assert str(err.value) == f"{tmp_path / 't.xlsx'}: folder {tmp_path} is not writable"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_refuses_files_is_one_line(result, tmp_path, monkeypatch):
    def refuse(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", refuse)
    message = f"t.csv: folder {tmp_path} is not writable"
    with pytest.raises(OutputError, match=re.escape(message) + "$"):
        write(result, tmp_path / "t.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
@pytest.mark.parametrize("failing_call", [1, 2])
def test_disk_full_leaves_no_partial_file_and_keeps_the_old_one(result, tmp_path, monkeypatch,
                                                                suffix, failing_call):
    out = tmp_path / f"t{suffix}"
    out.write_bytes(b"precious")
    calls = []

    def full(*_a, **_k):
        calls.append(1)
        if len(calls) == failing_call:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", full)
    if failing_call == 2 and suffix != ".csv":  # one file only: the write succeeds
        write(result, out, force=True)
        assert out.read_bytes() != b"precious"
        return
    with pytest.raises(OutputError) as err:
        write(result, out, force=True)
    target = out if failing_call == 1 else Path(f"{out}.meta.json")
    assert str(err.value) == f"{target}: could not write (No space left on device)"
    assert out.read_bytes() == b"precious"  # nothing lost
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary files


def test_cli_errors_are_one_line_exit_2(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    res = invoke("run", "-o", tmp_path / "taken" / "t.csv")
    assert res.exit_code == 2
    assert res.output == f"error: {tmp_path / 'taken' / 't.csv'}: {tmp_path / 'taken'} is a " \
                         "file, not a folder\n"

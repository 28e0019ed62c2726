"""Every command, every bad-input case, and the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc.cli.app import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(map(str, args)))


def test_run_default_prints_the_hague_summary():
    res = invoke("run")
    assert res.exit_code == 0, res.output
    out = res.output
    assert "hague-2035" in out and "Germany" in out and "NATO total" in out
    assert "European allies + Canada" in out and "US share of NATO total" in out
    assert "Iceland has no armed forces" in out
    assert "NATO-DE-2026" in out  # the data vintage is named
    # The numbers printed are the table's (Germany's 2035 spending, USD bn, one decimal).
    t = spendcalc.project(spendcalc.load_scenario("hague-2035"))
    deu = t[(t.iso3 == "DEU") & (t.year == 2035)].total_usd_bn.item()
    assert f"{deu:,.1f}" in out


@pytest.mark.parametrize("name", ["status-quo", "rutte-2032", "national-plans"])
def test_run_other_ready_scenarios(name):
    res = invoke("run", name)
    assert res.exit_code == 0 and name in res.output


def test_run_writes_csv_with_metadata_sidecar(tmp_path):
    out = tmp_path / "hague.csv"
    res = invoke("run", "-o", out)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    expected = spendcalc.project(spendcalc.load_scenario("hague-2035"))
    assert list(table.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(table[["core_usd_bn", "total_pct"]],
                                  expected[["core_usd_bn", "total_pct"]], atol=1e-6)
    meta = json.loads((tmp_path / "hague.csv.meta.json").read_text())
    assert meta["scenario"] == "hague-2035"
    assert meta["spendcalc_version"] == spendcalc.__version__
    assert "NATO-DE-2026" in meta["data_vintage"]


def test_run_writes_json_with_meta_table_and_aggregates(tmp_path):
    out = tmp_path / "hague.json"
    assert invoke("run", "-o", out).exit_code == 0
    doc = json.loads(out.read_text())
    assert set(doc) == {"meta", "table", "aggregates"}
    assert len(doc["table"]) == 32 * 10
    iceland = next(r for r in doc["table"] if r["iso3"] == "ISL")
    assert iceland["core_usd_bn"] is None  # not zero


def test_outputs_are_byte_identical_across_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the creation time in the meta
    for suffix in (".csv", ".json"):
        a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        invoke("run", "-o", a)
        invoke("run", "-o", b)
        assert a.read_bytes() == b.read_bytes()


def test_existing_output_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "keep.csv"
    out.write_text("precious")
    res = invoke("run", "-o", out)
    assert res.exit_code == 2
    assert f"error: {out}: file exists; use --force to overwrite it" in res.output
    assert out.read_text() == "precious"
    assert invoke("run", "-o", out, "--force").exit_code == 0
    assert out.read_text().startswith("scenario,iso3")


def test_existing_sidecar_also_blocks_without_force(tmp_path):
    (tmp_path / "t.csv.meta.json").write_text("mine")
    res = invoke("run", "-o", tmp_path / "t.csv")
    assert res.exit_code == 2 and "t.csv.meta.json: file exists" in res.output
    assert not (tmp_path / "t.csv").exists()


def test_unsupported_suffix_fails_before_any_work(tmp_path):
    res = invoke("run", "-o", tmp_path / "t.xls")
    assert res.exit_code == 2
    assert res.output.strip() == (f"error: {tmp_path / 't.xls'}: unsupported suffix '.xls'; "
                                  "allowed: .csv, .json, .xlsx, .parquet")


def test_no_partial_file_is_left_when_a_write_fails(tmp_path, monkeypatch):
    from spendcalc.io import outputs

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", boom)
    res = invoke("run", "-o", tmp_path / "t.json")
    assert res.exit_code == 2 and "could not write (No space left on device)" in res.output
    assert list(tmp_path.iterdir()) == []


def test_members_lists_all_32_with_sources_and_vintage():
    res = invoke("members")
    assert res.exit_code == 0
    for name in ("Albania", "North Macedonia", "United States", "Türkiye"):
        assert name in res.output
    assert "no armed forces" in res.output and "NATO-DE-2026" in res.output
    assert "Vintage" in res.output


def test_scenarios_lists_ready_scenarios_with_descriptions():
    res = invoke("scenarios")
    assert res.exit_code == 0
    assert "hague-2035" in res.output and "rutte-2032" in res.output
    assert "The Hague commitment" in res.output


def test_validate_ok_and_bad(write_scenario):
    good = write_scenario('name = "mine"\n[target]\nyear = 2030\n', "good.toml")
    res = invoke("validate", good)
    assert res.exit_code == 0 and res.output.strip() == f"ok: {good} (mine)"
    bad = write_scenario('name = "mine"\n[target]\nyaer = 2030\n', "bad.toml")
    res = invoke("validate", bad)
    assert res.exit_code == 2
    assert res.output.strip().startswith(f"error: {bad}: target.yaer: unknown key; "
                                         "did you mean 'year'?")
    assert "Traceback" not in res.output


@pytest.mark.parametrize(("args", "message"), [
    (["run", "hauge-2035"], "error: unknown scenario 'hauge-2035': did you mean 'hague-2035'?"),
    (["run", "missing.toml"], "error: missing.toml: file not found"),
    (["validate", "missing.toml"], "error: missing.toml: file not found"),
])
def test_bad_input_is_one_line_and_exit_2(args, message):
    res = invoke(*args)
    assert res.exit_code == 2
    assert res.output.startswith(message) and res.output.count("\n") == 1


def test_high_share_warns_on_stderr_but_runs(write_scenario):
    path = write_scenario('name = "big"\n[target]\ncore_pct = 11\n')
    res = invoke("validate", path)
    assert res.exit_code == 0
    assert "warning:" in res.output and "target.core_pct = 11 % of GDP is unusually high" in (
        res.output)


def test_version():
    res = invoke("--version")
    assert res.exit_code == 0 and res.output.strip() == f"spendcalc {spendcalc.__version__}"


def test_installed_console_script_runs_in_a_subprocess(tmp_path):
    exe = shutil.which("spendcalc")
    assert exe, "the spendcalc console script is not installed (pip install -e .)"
    env = {**os.environ, "COLUMNS": "120"}
    res = subprocess.run([exe, "run", "rutte-2032", "-o", "out.csv"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "rutte-2032" in res.stdout and (tmp_path / "out.csv").exists()
    res = subprocess.run([exe, "validate", "nope.toml"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and res.stderr == "error: nope.toml: file not found\n"
    assert res.stdout == ""


def test_help_does_not_import_pandas_or_matplotlib():
    code = ("import sys; sys.argv = ['spendcalc', '--help']\n"
            "from spendcalc.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pandas', 'matplotlib', 'numpy', 'pydantic')\n"
            "         if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in res.stdout, res.stdout + res.stderr


def test_outputs_get_the_usual_file_permissions(tmp_path):
    import stat

    old = os.umask(0o022)
    try:
        assert invoke("run", "-o", tmp_path / "t.csv").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "t.csv").stat().st_mode) == 0o644


# --------------------------------------------------------------------------- narrow terminals

NUMBER = r"[+−-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?%?"

WIDE_COMMANDS = [
    ["run"], ["compare", "hague-2035", "hague-no-exemption", "rutte-2032", "status-quo"],
    ["sweep", "--vary", "target.year=2030:2035", "--vary", "target.core_pct=3,3.5"],
    ["sensitivity"], ["simulate", "--draws", "200", "--seed", "1"], ["tradeoff"],
    ["tradeoff", "--member", "DEU"], ["moneyflow"], ["explain", "--member", "DEU"],
    ["claims"], ["members"], ["data", "sources"],
]


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("args", WIDE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_no_number_is_cut_on_a_narrow_terminal(args, columns):
    """At 80 and 120 columns nothing is cut with an ellipsis, and every line fits."""
    res = runner.invoke(app, args, env={"COLUMNS": str(columns)})
    assert res.exit_code == 0, res.output
    assert "…" not in res.output
    for line in res.output.splitlines():
        assert len(line.rstrip()) <= columns, line


def test_every_number_of_the_compare_table_appears_in_full():
    names = ["hague-2035", "hague-no-exemption", "rutte-2032", "status-quo"]
    res = runner.invoke(app, ["compare", *names], env={"COLUMNS": "80"})
    from spendcalc.views.format import money

    results = [spendcalc.compute(spendcalc.load_scenario(n)) for n in names]
    last = results[0].scenario.horizon
    for r in results:
        t = r.table[r.table.year == last]
        for v in t.cum_extra_over_baseline_usd_bn.dropna():
            assert money(v) in res.output
    agg = results[2].aggregates
    nato = agg[(agg.group == "nato") & (agg.year == last)].iloc[0]
    assert money(nato.cum_extra_over_baseline_usd_bn) in res.output
    assert "European allies" in res.output and "Canada" in res.output


def test_members_marks_figures_not_from_natos_own_tables():
    """The mark comes from the data: a source whose confidence is below "high"."""
    import dataclasses

    from rich.console import Console

    from spendcalc.views import terminal

    data = spendcalc.load_dataset()
    plain = Console(width=120, record=True)
    terminal.show(plain, terminal.members_table(data, 3))
    latest = data.share_sources[data.index("DEU")][-1]
    marked = {k for k, v in data.sources.items() if v.confidence != "high"}
    assert ("†" in plain.export_text()) == bool(marked & {r[-1] for r in data.share_sources})
    press = {**data.sources,
             latest: data.sources[latest].model_copy(update={"confidence": "medium"})}
    console = Console(width=120, record=True)
    terminal.show(console, terminal.members_table(dataclasses.replace(data, sources=press), 3))
    text = console.export_text()
    germany = next(line for line in text.splitlines() if "Germany" in line)
    assert f"{latest}†" in germany
    assert "† Not from NATO's own tables" in " ".join(text.split())

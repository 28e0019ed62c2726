"""Your own data: --data DIR on every command, data template, data sources."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from spendcalc.cli.app import app
from spendcalc.io.resources import bundled_dir

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_a_modified_copy_changes_exactly_what_it_should(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    shares = (bundled_dir("data") / "nato_defence_expenditure.csv").read_text()
    assert "POL,Poland,2025,4.48," in shares
    (mine / "nato_defence_expenditure.csv").write_text(
        shares.replace("POL,Poland,2025,4.48,", "POL,Poland,2025,4.70,"))
    assert invoke("run", "--edition", "nato-2025", "-o", tmp_path / "a.json").exit_code == 0
    res = invoke("run", "--edition", "nato-2025", "--data", mine, "-o", tmp_path / "b.json")
    assert res.exit_code == 0, res.output
    a = pd.DataFrame(json.loads((tmp_path / "a.json").read_text())["table"])
    b = pd.DataFrame(json.loads((tmp_path / "b.json").read_text())["table"])
    changed = a.compare(b)
    # Poland's rows change; elsewhere only the share of the alliance total can move.
    outside = changed[a.loc[changed.index, "iso3"] != "POL"].dropna(axis=1, how="all")
    assert {c for c, _ in outside.columns} == {"share_of_total_pct"}
    pol_a, pol_b = a[a.iso3 == "POL"], b[b.iso3 == "POL"]
    assert pol_b.core_pct.iloc[0] == 4.70 and pol_a.core_pct.iloc[0] == 4.48
    # Other members' own spending is untouched; only their share of the total moves.
    others = ["core_pct", "total_usd_bn", "gdp_usd_bn", "cum_extra_over_baseline_usd_bn"]
    pd.testing.assert_frame_equal(a[a.iso3 != "POL"][others], b[b.iso3 != "POL"][others])


@pytest.mark.parametrize("command", [
    ["members"], ["run"], ["simulate", "--draws", "50"], ["sweep", "--vary",
                                                          "target.year=2030:2031"],
    ["explain", "--member", "DEU"], ["claims", "--id", "nato-32-members"],
])
def test_every_command_takes_data(tmp_path, command):
    mine = tmp_path / "mine"
    shutil.copytree(bundled_dir("data"), mine)
    res = invoke(*command, "--data", mine)
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(("edit", "message"), [
    (("nato_defence_expenditure.csv", "defence_share_gdp_pct", "share"),
     "nato_defence_expenditure.csv: missing column(s) defence_share_gdp_pct"),
    (("gdp.csv", "DEU,2024,", "GER,2024,"), "gdp.csv: row 122: iso3 = 'GER' is not in "
                                            "members.csv"),
])
def test_bad_data_folder_is_one_line(tmp_path, edit, message):
    mine = tmp_path / "mine"
    mine.mkdir()
    name, old, new = edit
    text = (bundled_dir("data") / name).read_text()
    (mine / name).write_text(text.replace(old, new, 1))
    res = invoke("run", "--data", mine)
    assert res.exit_code == 2
    assert res.output == f"error: {message}\n"


def test_missing_data_folder(tmp_path):
    res = invoke("run", "--data", tmp_path / "nope")
    assert res.exit_code == 2 and "folder not found" in res.output


def test_template_writes_the_schema_and_never_overwrites(tmp_path):
    folder = tmp_path / "t"
    res = invoke("data", "template", folder)
    assert res.exit_code == 0, res.output
    for path in bundled_dir("data").glob("*.csv"):
        header = path.read_text().splitlines()[0]
        assert (folder / path.name).read_text() == header + "\n"
    assert "percent of GDP" in (folder / "README.md").read_text()
    again = invoke("data", "template", folder)
    assert again.exit_code == 2 and "already exists; use --force" in again.output
    # An empty template file says how to fall back to the bundled one.
    res = invoke("run", "--data", folder)
    assert res.exit_code == 2 and "no rows (fill it, or delete it from" in res.output


def test_sources_say_which_files_are_yours(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copy(bundled_dir("data") / "gdp.csv", mine / "gdp.csv")
    res = invoke("data", "sources", "--data", mine)
    assert res.exit_code == 0, res.output
    line = next(x for x in res.output.splitlines() if x.strip().startswith("gdp.csv"))
    assert "yours" in line and "NATO-DE-2024" in line
    line = next(x for x in res.output.splitlines() if x.strip().startswith("members.csv"))
    assert "bundled" in line


def test_editions_lists_both_with_dates_and_base_years():
    res = invoke("data", "editions")
    assert res.exit_code == 0, res.output
    assert "nato-2026 (default)" in res.output and "published 2026-07-10" in res.output
    assert "nato-2025:" in res.output and "base year 2025" in res.output


def test_diff_lists_revisions_largest_first():
    res = invoke("data", "diff", "nato-2025", "nato-2026", "--top", "0")
    assert res.exit_code == 0, res.output
    assert "Germany 2025: 2.40 -> 2.22 (-0.18 pt)" in res.output
    assert "Poland 2025: 4.48 -> 4.25" in res.output
    changes = [abs(float(line.split("(")[1].split(" pt")[0]))
               for line in res.output.splitlines()[1:]]
    assert changes == sorted(changes, reverse=True)
    assert invoke("data", "diff", "nato-2025", "nato-1999").exit_code == 2

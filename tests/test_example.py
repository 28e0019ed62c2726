"""The worked example in examples/ runs as written and writes what it says, where it says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "worked_example.py"
FILES = ("gap-2030.png", "compare.png", "hague-2030.csv", "hague-2030.csv.meta.json",
         "hague-2030.aggregates.csv")


def test_worked_example_runs(tmp_path):
    # No argument: everything goes into worked-example-output/, which it creates.
    res = subprocess.run([sys.executable, str(EXAMPLE)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    assert "Germany 2030: 3.50% of GDP on core defence" in res.stdout
    out = tmp_path / "worked-example-output"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # nothing else in the folder
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (out / name).stat().st_size > 1000 or name.endswith(".json")
        assert str(Path(out.name, name)) in res.stdout  # it says what it wrote
    table = pd.read_csv(out / "hague-2030.csv")
    assert set(table.scenario) == {"hague-2030-no-exemption"}
    spain = table[(table.iso3 == "ESP") & (table.year == 2030)].iloc[0]
    assert spain.total_pct == 5.0  # no exemption any more
    meta = json.loads((out / "hague-2030.csv.meta.json").read_text())
    assert meta["scenario"] == "hague-2030-no-exemption"


def test_worked_example_writes_into_the_folder_it_is_given(tmp_path):
    res = subprocess.run([sys.executable, str(EXAMPLE), str(tmp_path / "runs" / "first")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["runs"]
    assert sorted(p.name for p in (tmp_path / "runs" / "first").iterdir()) == sorted(FILES)

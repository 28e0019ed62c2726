"""The worked example in examples/ runs as written and writes what it says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "worked_example.py"


def test_worked_example_runs(tmp_path):
    res = subprocess.run([sys.executable, str(EXAMPLE)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    assert "Germany 2030: 3.50% of GDP on core defence" in res.stdout
    for name in ("gap-2030.png", "compare.png", "hague-2030.csv", "hague-2030.csv.meta.json"):
        assert (tmp_path / name).stat().st_size > 1000 or name.endswith(".json")
    table = pd.read_csv(tmp_path / "hague-2030.csv")
    assert set(table.scenario) == {"hague-2030-no-exemption"}
    spain = table[(table.iso3 == "ESP") & (table.year == 2030)].iloc[0]
    assert spain.total_pct == 5.0  # no exemption any more
    meta = json.loads((tmp_path / "hague-2030.csv.meta.json").read_text())
    assert meta["scenario"] == "hague-2030-no-exemption"

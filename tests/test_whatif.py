"""Comparisons, sweeps and sensitivity equal independent single runs of each variant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc import load_scenario
from spendcalc.cli.app import app
from spendcalc.core import compare, whatif
from spendcalc.core.errors import SpendcalcError

runner = CliRunner()


def single(data, *overrides, group="nato", metric="cum_extra_over_baseline_usd_bn"):
    s = load_scenario("hague-2035", data, overrides=list(overrides))
    a = spendcalc.compute(s, data).aggregates
    return a[(a.group == group) & (a.year == s.horizon)][metric].item()


def test_sweep_equals_single_runs(data):
    s = load_scenario("hague-2035", data)
    varies = [whatif.parse_vary("target.year=2030:2035"),
              whatif.parse_vary("growth.real_offset=-1:1:0.5")]
    r = whatif.sweep(s, data, varies, group="european-allies")
    assert len(r.values) == 6 * 5
    for i in (0, 7, 29):
        year, offset = int(r.grid["target.year"][i]), r.grid["growth.real_offset"][i]
        expected = single(data, f"target.year={year}", f"growth.real_offset={offset}",
                          group="european-allies")
        assert r.values[i] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("key", "values", "metric"), [
    ("target.core_pct", "3,3.5,4", "total_usd_bn"),
    ("exemptions.ESP.core_pct", "2.1,3.5", "total_pct"),
    ("path.delivered_pct", "0:100:25", "cum_increase_over_base_share_usd_bn"),
    ("baseline_pct", "2,3", "extra_over_baseline_usd_bn"),
    ("related.base_pct", "0,0.5", "related_usd_bn"),
])
def test_each_variable_key_matches_single_runs(data, key, values, metric):
    s = load_scenario("hague-2035", data)
    r = whatif.sweep(s, data, [whatif.parse_vary(f"{key}={values}")], metric)
    for i, v in enumerate(r.grid[key]):
        assert r.values[i] == pytest.approx(single(data, f"{key}={float(v)!r}", metric=metric),
                                            rel=1e-12)


def test_compare_differences_are_against_the_first(data):
    results = [spendcalc.compute(load_scenario(n, data), data)
               for n in ("hague-2035", "status-quo")]
    t = compare.compare(results).set_index(["kind", "key", "scenario"])
    deu_h = t.loc[("member", "DEU", "hague-2035")]
    deu_s = t.loc[("member", "DEU", "status-quo")]
    assert deu_h.total_usd_bn_vs_first == 0
    assert deu_s.total_usd_bn_vs_first == pytest.approx(deu_s.total_usd_bn - deu_h.total_usd_bn)
    nato = t.loc[("group", "nato", "status-quo")]
    a = results[1].aggregates
    assert nato.total_usd_bn == a[(a.group == "nato") & (a.year == 2035)].total_usd_bn.item()


def test_sensitivity_levers_equal_single_runs(data):
    s = load_scenario("hague-2035", data)
    r = whatif.sensitivity(s, data)
    names = [lv.name for lv in r.levers]
    assert {"Target year", "Spain's exemption", "Real growth, pts/year"} <= set(names)
    assert r.base == pytest.approx(single(data))
    i = names.index("Target year")
    assert r.low[i] == pytest.approx(single(data, "target.year=2032"), rel=1e-12)
    assert r.high[i] == pytest.approx(single(data, "target.year=2038"), rel=1e-12)
    j = names.index("Spain's exemption")
    assert r.high[j] == pytest.approx(single(data, "exemptions.ESP=none"), rel=1e-12)
    swings = [abs(r.high[k] - r.low[k]) for k in r.ranked()]
    assert swings == sorted(swings, reverse=True)


@pytest.mark.parametrize(("text", "message"), [
    ("target.year=2035:2030", "stop 2030 is before start 2035"),
    ("target.year=2030:2035:0", "the step must be positive"),
    ("growth.real_offset=-1:1:0.000001", "2,000,001 values; at most 1,000,000"),
    ("target.year", "expected KEY=START:STOP"),
    ("target.year=a:b", "values must be numbers"),
])
def test_malformed_ranges(text, message):
    with pytest.raises(SpendcalcError, match=message):
        whatif.parse_vary(text)


def test_too_many_variants_need_force(data):
    s = load_scenario("hague-2035", data)
    big = [whatif.parse_vary("target.core_pct=0:99.9:0.1"),
           whatif.parse_vary("growth.real_offset=-5:5:0.01")]
    with pytest.raises(SpendcalcError, match=r"1,001,000 variants; at most 1,000,000 without "
                                             r"--force"):
        whatif.sweep(s, data, big)


@pytest.mark.parametrize(("args", "message"), [
    (["--vary", "target.yr=2030:2035"], "target.yr: cannot be varied; allowed: target.year"),
    (["--vary", "target.year=2020:2035"], "target.year (2020) must be after base_year"),
    (["--vary", "members=1:2"], "members: cannot be varied; allowed:"),
    (["--vary", "target.year=2030:2035", "--metric", "cumulative_extra_usd_bn"],
     "--metric 'cumulative_extra_usd_bn': unknown; did you mean"),
    (["--vary", "target.year=2030:2035", "--group", "nordics"], "--group 'nordics': unknown"),
    ([], "sweep needs at least one --vary"),
])
def test_sweep_cli_bad_input(args, message):
    res = runner.invoke(app, ["sweep", *args])
    assert res.exit_code == 2, res.output
    assert message in res.output and res.output.count("\n") == 1


def test_sweep_cli_writes_the_grid(tmp_path):
    out = tmp_path / "sweep.csv"
    res = runner.invoke(app, ["sweep", "--vary", "target.year=2030:2035", "-o", str(out)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert list(table["target.year"]) == list(range(2030, 2036))
    assert np.all(np.diff(table.cum_extra_over_baseline_usd_bn) < 0)  # later = cheaper


def test_compare_cli(tmp_path):
    out = tmp_path / "cmp.json"
    res = runner.invoke(app, ["compare", "hague-2035", "rutte-2032", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "rutte-2032" in res.output and "NATO total" in res.output
    assert runner.invoke(app, ["compare", "hague-2035"]).exit_code == 2

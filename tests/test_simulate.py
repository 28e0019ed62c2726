"""Monte Carlo: determinism, chunking, limits that reproduce deterministic runs, statistics."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc import load_scenario
from spendcalc.cli.app import app
from spendcalc.core import inputs, simulate
from spendcalc.core.uncertainty import (
    Streams,
    growth_draws,
    historical_growth_sd,
    mean_pairwise_correlation,
)

runner = CliRunner()


def run(data, n=400, seed=7, chunk=simulate.DEFAULT_CHUNK, *overrides):
    s = load_scenario("hague-2035", data, overrides=list(overrides))
    return simulate.run_draws(s, data, n, seed, chunk=chunk)


def test_same_seed_same_draws_and_chunking_changes_nothing(data):
    a, b = run(data, 500, 3), run(data, 500, 3, 64)
    for name in ("member_total_usd_bn", "member_total_pct", "group_total_usd_bn"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True)
    assert np.array_equal(a.reach_probability, b.reach_probability, equal_nan=True)
    c = run(data, 500, 4)
    assert not np.array_equal(a.member_total_usd_bn, c.member_total_usd_bn, equal_nan=True)


def test_percentiles_are_ordered(data):
    d = run(data, 300)
    q = d.percentiles(d.member_total_usd_bn)
    ok = ~np.isnan(q[0])
    assert np.all(np.diff(q[:, ok], axis=0) >= 0)


def test_zero_variance_reproduces_the_deterministic_run_exactly(data):
    flat = ("uncertainty.growth_sd_pct=0.0", "uncertainty.compliance_full_pct=100")
    d = run(data, 50, 1, 16, *flat)
    result = spendcalc.compute(load_scenario("hague-2035", data), data)
    det = result.table.pivot(index="iso3", columns="year", values="total_usd_bn")
    det = det.loc[[m.iso3 for m in d.setup.members]].to_numpy()
    for draw in d.member_total_usd_bn:
        assert np.array_equal(draw, det, equal_nan=True)
    a = result.aggregates
    nato = a[a.group == "nato"].total_usd_bn.to_numpy()
    g = [x.key for x in d.groups].index("nato")
    assert np.array_equal(d.percentiles(d.group_total_usd_bn)[2, g], nato)


def test_compliance_one_is_the_plan_and_zero_is_the_status_quo(data):
    sd0 = "uncertainty.growth_sd_pct=0.0"
    plan = spendcalc.project(load_scenario("hague-2035", data), data)
    quo = spendcalc.project(load_scenario("status-quo", data), data)
    for value, expected in ((1.0, plan), (0.0, quo)):
        fixed = "uncertainty.compliance_overrides={" + ", ".join(
            f"{m.iso3} = {value}" for m in data.members) + "}"
        d = run(data, 20, 5, simulate.DEFAULT_CHUNK, sd0, fixed)
        pct = expected.pivot(index="iso3", columns="year", values="total_pct")
        pct = pct.loc[[m.iso3 for m in d.setup.members]].to_numpy()
        np.testing.assert_allclose(d.member_total_pct[0], pct, rtol=1e-12, equal_nan=True)


def test_simulated_growth_has_the_specified_mean_and_spread(data):
    s = load_scenario("hague-2035", data)
    setup = inputs.build(s, data)
    u = simulate.uncertainty_arrays(s, data, setup)
    g = growth_draws(Streams.from_seed(11), 20_000, setup.inputs.growth, u)
    shocks = g - setup.inputs.growth
    assert np.all(shocks[..., 0] == 0)
    # Mean within 4 standard errors; sd within 3 %; cross-member correlation near rho.
    se = u.growth_sd[None, :, None] / np.sqrt(20_000)
    assert np.all(np.abs(shocks[..., 1:].mean(axis=0)) < 4 * se[0])
    np.testing.assert_allclose(shocks[..., 1:].std(axis=(0, 2)), u.growth_sd, rtol=0.03)
    c = np.corrcoef(shocks[:, 0, 1], shocks[:, 1, 1])[0, 1]
    assert c == pytest.approx(u.correlation, abs=0.03)


def test_uncertainty_defaults_are_the_data_estimates(data):
    u = load_scenario("hague-2035", data).uncertainty
    assert mean_pairwise_correlation(data.gdp_usd_bn) == pytest.approx(u.growth_correlation,
                                                                       abs=0.005)
    sd = historical_growth_sd(data.gdp_usd_bn)
    assert sd[data.index("USA")] == pytest.approx(0.032, abs=0.001)
    # Wales record 2014-2024: 15 of the 28 allies below 2% reached it.
    s14, s24 = data.share_in(2014), data.share_in(2024)
    below = ~np.isnan(s14) & (s14 < 2)
    progress = np.clip((s24[below] - s14[below]) / (2 - s14[below]), 0, 1)
    assert below.sum() == 28 and (progress >= 1).sum() == 15
    assert 100 * (progress >= 1).mean() == pytest.approx(u.compliance_full_pct, abs=0.5)
    partial = progress[progress < 1]
    m, v = partial.mean(), partial.var(ddof=1)
    k = m * (1 - m) / v - 1
    assert (m * k, (1 - m) * k) == pytest.approx((u.compliance_alpha, u.compliance_beta),
                                                 abs=0.01)


def test_reach_probability_for_a_member_already_above_target(data):
    d = run(data, 200)
    codes = [m.iso3 for m in d.setup.members]
    assert np.isnan(d.reach_probability[codes.index("ISL")])
    assert 0.5 < d.reach_probability[codes.index("DEU")] < 0.6


def test_simulate_cli_is_byte_identical_for_a_seed(tmp_path):
    for name in ("a.csv", "b.csv"):
        res = runner.invoke(app, ["simulate", "--draws", "300", "--seed", "9", "-o",
                                  str(tmp_path / name)])
        assert res.exit_code == 0, res.output
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert "P50" in res.output and "Chance" in res.output


@pytest.mark.parametrize(("args", "message"), [
    (["--draws", "-5"], "--draws -5: must be at least 1"),
    (["--draws", "2000000"], "more than 1,000,000 needs --force"),
    (["--seed", "-1"], "--seed -1: must be a whole number"),
])
def test_simulate_bad_input(args, message):
    res = runner.invoke(app, ["simulate", *args])
    assert res.exit_code == 2 and message in res.output


def test_progress_bar_appears_only_after_a_second(monkeypatch):
    from spendcalc.cli import whatif as whatif_cli

    clock = iter([0.0, 0.5, 1.5, 1.6])
    monkeypatch.setattr(whatif_cli.time, "perf_counter", lambda: next(clock))
    with whatif_cli._Progress(100) as p:
        p.update(10, 100)  # 0.5 s: no bar yet
        assert p.bar is None
        p.update(20, 100)  # 1.5 s: the bar starts
        assert p.bar is not None
        assert p.bar.tasks[0].completed == 20


def test_full_compliance_chance_is_growths_own_effect(data):
    s = load_scenario("hague-2035", data, overrides=["uncertainty.growth_sd_pct=0.0"])
    d = simulate.run_draws(s, data, 300, 5)
    full = simulate.reach_with_full_compliance(s, data, 300, 5)
    codes = [m.iso3 for m in d.setup.members]
    ok = ~np.isnan(d.reach_probability)
    # No growth shocks and every plan delivered: the deterministic outcome, reached.
    assert np.all(full[ok] == 1.0)
    assert np.isnan(full[codes.index("ISL")])
    assert np.all(d.reach_probability[ok] <= full[ok])
    assert d.reach_probability[codes.index("DEU")] < 1.0


def test_simulate_names_the_compliance_input_and_shows_both_chances_at_80_columns():
    res = runner.invoke(app, ["simulate", "--draws", "200", "--seed", "3",
                              "--edition", "nato-2025"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    note = [line for line in lines if "compliance_full_pct" in line]
    assert len(note) == 1 and "[uncertainty]" in note[0] and "54 %" in note[0]
    header = next(line for line in lines if "Chance" in line and "P50" in line)
    assert "All delivered" in header
    deu = next(line for line in lines if "(DEU)" in line)
    assert deu.rstrip().endswith("100.0%") and deu.count("%") == 2


def test_simulate_export_has_the_full_compliance_chance(tmp_path):
    import json

    out = tmp_path / "sim.json"
    res = runner.invoke(app, ["simulate", "--draws", "100", "-o", str(out)])
    assert res.exit_code == 0, res.output
    reach = json.loads(out.read_text())["reach"]
    assert all("p_reach_target_full_compliance" in row for row in reach)

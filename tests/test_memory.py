"""Bounded memory: streamed sweeps and simulations equal the unchunked runs, memory follows
the chunk rather than the number of draws or variants, and sizes that cannot fit are refused
before allocating, with the estimate in the one-line error."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from typer.testing import CliRunner

from spendcalc import load_scenario
from spendcalc.cli.app import app
from spendcalc.core import memory, simulate, whatif
from spendcalc.core.errors import SpendcalcError

runner = CliRunner()
FIELDS = ("member_usd_q", "member_usd_mean", "member_pct_q", "member_pct_mean", "group_usd_q",
          "group_usd_mean", "group_pct_q", "group_pct_mean", "reach_probability")


def same(a, b) -> None:
    for name in FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


@pytest.mark.parametrize("shape", ["linear", "constant-growth", "back-loaded"])
def test_streamed_summary_is_bit_for_bit_that_of_every_draw_kept(data, monkeypatch, shape):
    s = load_scenario("hague-2035", data, overrides=[f'path.shape="{shape}"'])
    kept = simulate.run_draws(s, data, 3001, 5).summary()
    same(simulate.summarise(s, data, 3001, 5), kept)
    # Too many draws to keep: a sample's windows and a second pass, still exact.
    monkeypatch.setattr(simulate, "KEEP_ALL_BYTES", 0)
    monkeypatch.setattr(simulate, "SAMPLE_DRAWS", 400)
    streamed = simulate.summarise(s, data, 3001, 5, chunk=256)
    same(streamed, kept)
    assert np.isnan(streamed.member_usd_q[:, [m.iso3 for m in s_members(streamed)].index("ISL")]
                    ).all()


def s_members(summary):
    return summary.setup.members


def test_a_window_the_sample_misses_falls_back_to_every_draw(data, monkeypatch):
    s = load_scenario("hague-2035", data)
    kept = simulate.run_draws(s, data, 2000, 8).summary()
    monkeypatch.setattr(simulate, "KEEP_ALL_BYTES", 0)
    monkeypatch.setattr(simulate, "SAMPLE_DRAWS", 50)
    monkeypatch.setattr(simulate, "WINDOW_SIGMAS", 0.0)  # windows far too narrow
    same(simulate.summarise(s, data, 2000, 8), kept)


def test_chunk_size_changes_no_number(data):
    s = load_scenario("hague-2035", data)
    same(simulate.summarise(s, data, 1000, 3, chunk=97), simulate.summarise(s, data, 1000, 3))


def test_full_compliance_chance_comes_from_the_same_pass(data):
    s = load_scenario("hague-2035", data)
    summary = simulate.summarise(s, data, 700, 5)
    alone = simulate.reach_with_full_compliance(s, data, 700, 5)
    assert np.array_equal(summary.reach_full_compliance, alone, equal_nan=True)


def test_impossible_draws_are_refused_with_the_estimate(data):
    s = load_scenario("hague-2035", data)
    with pytest.raises(SpendcalcError, match=r"--draws 1,000,000,000: needs about [\d.]+ "
                                             r"[GTP]iB of memory; [\d.]+ [KMGT]iB available"):
        simulate.summarise(s, data, 10**9, 1)
    with pytest.raises(SpendcalcError, match="needs about"):
        simulate.run_draws(s, data, 10**9, 1)


def test_limits_follow_the_memory_available(data, monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 200 * 1024**2)
    result = runner.invoke(app, ["simulate", "--draws", "5000000", "--force"])
    assert result.exit_code == 2
    line = result.output.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "needs about" in line and "200.0 MiB available" in line


def test_cli_refuses_a_billion_draws_in_one_line():
    result = runner.invoke(app, ["simulate", "--draws", "1000000000", "--force"])
    assert result.exit_code == 2
    assert result.output.startswith("error: --draws 1,000,000,000: needs about")
    assert len(result.output.strip().splitlines()) == 1


def test_streamed_sweep_equals_one_pass(data):
    s = load_scenario("hague-2035", data)
    varies = [whatif.parse_vary("target.year=2030:2036"),
              whatif.parse_vary("growth.real_offset=-1:1:0.25")]
    for metric in ("cum_extra_over_baseline_usd_bn", "total_pct"):
        one = whatif.sweep(s, data, varies, metric, chunk=10**9)
        for chunk in (1, 7, 40):
            part = whatif.sweep(s, data, varies, metric, chunk=chunk)
            assert np.array_equal(part.values, one.values)
            for key in one.grid:
                assert np.array_equal(part.grid[key], one.grid[key])


def test_impossible_sweeps_are_refused_with_the_estimate(data):
    s = load_scenario("hague-2035", data)
    big = [whatif.parse_vary("growth.real_offset=-1:1:0.001"),
           whatif.parse_vary("target.core_pct=3:4:0.001"),
           whatif.parse_vary("baseline_pct=1:3:0.001")]
    with pytest.raises(SpendcalcError, match=r"variants: needs about [\d.]+ [GTP]iB"):
        whatif.sweep(s, data, big, force=True)


def test_sweep_memory_follows_the_chunk_not_the_variants(data):
    """200,000 variants: peak allocations stay below a bound proportional to the chunk (plus
    a few bytes per variant for the grid and the metric), far below one (V, M, Y) array."""
    s = load_scenario("hague-2035", data)
    n, chunk = 200_000, 512
    varies = [whatif.parse_vary(f"growth.real_offset=-1:1:{2 / (n - 1)!r}")]
    assert len(varies[0].values) == n
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = whatif.sweep(s, data, varies, chunk=chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.values) == n and np.isfinite(result.values).all()
    n_m, n_y = 32, s.horizon - s.base_year + 1
    per_variant_engine = n_m * n_y * 8 * 40  # ~40 (M, Y) float arrays alive at once
    bound = chunk * per_variant_engine + n * 8 * 8
    assert peak < bound, (peak, bound)
    assert bound < n * n_m * n_y * 8  # below even one full (V, M, Y) array


def test_run_summary_does_not_load_pandas():
    """`spendcalc run` prints its summary from the engine's columns: pandas (a third of its
    start-up) is loaded only when a table is written."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "spendcalc", "run"],
                         capture_output=True, text=True, check=True)
    assert "Aggregates" in out.stdout
    assert not [line for line in out.stderr.splitlines() if line.rstrip().endswith(" pandas")]

"""Speed of Monte Carlo runs and sweeps, as ratios against floors measured in the same run.

    python benchmarks/bench_engine.py [--runs N] [--draws N] [--skip-reference]

The machine is shared and noisy, so every figure is a median over --runs runs, and every
claim is a ratio to something measured in the same run, interleaved with it:

1. End to end, 100,000 draws of hague-2035 (draws, engine, percentiles, means, both chances,
   CSV written): `spendcalc`'s `summarise` + tables + writer against `plain_numpy`, a plain
   NumPy kernel of the same work (the same draws, every array kept whole, `np.percentile`,
   pandas' CSV). Target: ratio at most 0.6. The kernel's outputs are checked against ours.
2. Chunk sizes, as ratios to the default (simulate: 2,500 draws; sweep: 1,024 variants).
3. Peak memory of a 100,000-draw `summarise` with its tables, in a fresh process.
4. The plain loop in reference.py against the engine on 2,000 draws: at least 100 times
   faster, agreeing to 1e-9 relative (the engine is right, and not just fast).
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference import reference_project

from spendcalc import load_scenario
from spendcalc.core import engine, inputs, simulate, tables, whatif
from spendcalc.core.uncertainty import Streams, compliance, growth_draws
from spendcalc.io.data import load_dataset
from spendcalc.io.outputs import render_tables

PEAK_SCRIPT = """
import resource, sys
from spendcalc.core import simulate, tables
from spendcalc.io.data import load_dataset
from spendcalc import load_scenario
d = load_dataset(); s = load_scenario("hague-2035", d)
r = simulate.summarise(s, d, int(sys.argv[1]), 1)
tables.simulation_table(s.name, r); tables.reach_table(s.name, r)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def plain_numpy(scenario, data, n: int, seed: int) -> bytes:
    """The same work in plain NumPy, every array whole: draw growth and compliance, GDP paths,
    shares, money, group sums, percentiles and means with np.percentile/mean, both chances,
    the CSV. Uses spendcalc only for the scenario's input arrays and the planned share path
    (deterministic, computed once), as a hand-written script would read them."""
    setup = inputs.build(scenario, data)
    base = setup.inputs
    u = simulate.uncertainty_arrays(scenario, data, setup)
    streams = Streams.from_seed(seed)
    n_y = setup.n_report_years
    codes = [m.iso3 for m in setup.members]
    groups = [g for g in data.groups.values() if set(g.members) & set(codes)]
    masks = np.array([[c in g.members for c in codes] for g in groups], dtype=float)
    n_m, y_all = len(codes), len(base.years)
    # Draws, all at once.
    z_c = streams.common.standard_normal((n, 1, y_all - 1), dtype=np.float32)
    z_m = streams.member.standard_normal((n, n_m, y_all - 1), dtype=np.float32)
    shocks = u.growth_sd[None, :, None] * (np.sqrt(1 - u.correlation) * z_m
                                           + np.sqrt(u.correlation) * z_c)
    full = streams.full.random((n, n_m)) < u.full_p
    c = np.where(full, 1.0, streams.partial.beta(u.alpha, u.beta, (n, n_m)))
    fixed = ~np.isnan(u.fixed_compliance)
    c[:, fixed] = u.fixed_compliance[fixed]
    delivered = c * float(np.asarray(base.delivered).reshape(-1)[0])
    # Engine: GDP, shares, money.
    gdp = np.empty((n, n_m, y_all))
    gdp[..., 0] = base.gdp0_usd_bn
    np.add(1 + base.growth[..., 1:], shocks, out=gdp[..., 1:])
    np.cumprod(gdp, axis=-1, out=gdp)
    proj = engine.project(base)
    plan = (proj.plan_core_pct + proj.plan_related_pct)[0]
    pct = plan[..., :1] + delivered[..., None] * (plan - plan[..., :1])
    usd = pct / 100 * gdp
    target_col = np.nan_to_num(setup.target_year[0] - base.years[0], nan=0).astype(int)
    at = pct[:, np.arange(n_m), target_col]
    target = base.target_total_pct[0]
    reach = (at >= target - 1e-9).mean(axis=0)
    reach_full = np.broadcast_to(plan[np.arange(n_m), target_col] >= target - 1e-9,
                                 (n, n_m)).mean(axis=0)
    pct, usd, gdp = pct[..., :n_y], usd[..., :n_y], gdp[..., :n_y]
    cov = base.covered
    g_usd = np.matmul(masks[:, cov], usd[:, cov])
    g_pct = 100 * g_usd / np.matmul(masks[:, cov], gdp[:, cov])
    # Percentiles and means.
    rows = []
    for values in (usd, pct, g_usd, g_pct):
        q = np.percentile(values, simulate.PERCENTILES, axis=0)
        rows.append(np.concatenate([q, values.mean(axis=0)[None]]).reshape(6, -1).T)
    member = np.hstack(rows[:2])
    group = np.hstack(rows[2:])
    out = io.StringIO()
    np.savetxt(out, np.vstack([member, group]), fmt="%.6f", delimiter=",")
    return out.getvalue().encode() + np.hstack([reach, reach_full]).tobytes()


def ours(scenario, data, n: int, seed: int) -> bytes:
    """spendcalc's own path: summarise, the tables, the CSV as `simulate -o x.csv` renders it."""
    s = simulate.summarise(scenario, data, n, seed)
    frames = {"percentiles": tables.simulation_table(scenario.name, s),
              "reach": tables.reach_table(scenario.name, s)}
    return b"".join(render_tables(".csv", frames, {"draws": n}).values())


def before_streaming(scenario, data, n: int, seed: int) -> bytes:
    """spendcalc's path before issue 13 (every draw kept, a second run for the full-compliance
    chance): a check that the plain kernel is a fair floor (the issue measured 1.0-1.1)."""
    d = simulate.run_draws(scenario, data, n, seed)
    full = simulate.reach_with_full_compliance(scenario, data, n, seed)
    frames = {"percentiles": tables.simulation_table(scenario.name, d),
              "reach": tables.reach_table(scenario.name, d).assign(
                  p_reach_target_full_compliance=full)}
    return b"".join(render_tables(".csv", frames, {"draws": n}).values())


def interleaved(fns: dict[str, object], runs: int) -> dict[str, float]:
    """Median seconds of each callable, run in turn so that load affects them alike."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def check_plain_agrees(scenario, data) -> None:
    """The plain kernel does the same work: its percentiles equal ours to 1e-9 relative."""
    s = simulate.summarise(scenario, data, 2_000, 3)
    text = plain_numpy(scenario, data, 2_000, 3).split(b"\n")
    first = np.array([float(x) for x in text[1].split(b",")])  # ALB, second year
    ours_row = np.concatenate([s.member_usd_q[:, 0, 1], [s.member_usd_mean[0, 1]],
                               s.member_pct_q[:, 0, 1], [s.member_pct_mean[0, 1]]])
    np.testing.assert_allclose(first, ours_row, rtol=1e-9, atol=1e-6)


def ratio_row(name: str, seconds: float, floor: float, target: float | None) -> None:
    goal = f"<= {target:.2f}" if target else "-"
    print(f"{name:58} {seconds:8.3f}s {floor:8.3f}s {seconds / floor:6.2f} {goal:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--skip-reference", action="store_true")
    args = parser.parse_args()
    n = args.draws
    # First, while this process is small: a child's peak RSS counts its parent's at the fork.
    peak = float(subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(n)],
                                capture_output=True, text=True, check=True).stdout)
    data = load_dataset()
    scenario = load_scenario("hague-2035", data)
    check_plain_agrees(scenario, data)
    print(f"{'what (median of ' + str(args.runs) + ')':58} {'time':>9} {'floor':>9} "
          f"{'ratio':>6} {'target':>8}")

    t = interleaved({"ours": lambda: ours(scenario, data, n, 1),
                     "plain": lambda: plain_numpy(scenario, data, n, 1),
                     "before": lambda: before_streaming(scenario, data, n, 1)}, args.runs)
    ratio_row(f"simulate end to end, {n:,} draws / plain NumPy", t["ours"], t["plain"], 0.6)
    ratio_row("  the same, before streaming (every draw kept) / plain NumPy", t["before"],
              t["plain"], None)

    chunks = {c: (lambda c=c: simulate.summarise(scenario, data, n, 1, chunk=c))
              for c in (625, 2_500, 10_000)}
    t = interleaved(chunks, max(3, args.runs // 2))
    for c in (625, 10_000):
        ratio_row(f"summarise, chunk {c:,} / chunk 2,500", t[c], t[2_500], None)

    kept = np.random.default_rng(1).lognormal(size=(538, n))
    ranks = simulate._Ranks(n)

    def partition(threads: int):
        def go():
            simulate.PARTITION_THREADS = threads
            simulate._order_stats(kept.copy(), ranks)
            simulate.PARTITION_THREADS = 2
        return go

    t = interleaved({1: partition(1), 2: partition(2)}, args.runs)
    ratio_row(f"percentile pass, {n:,} x 538 columns: 2 threads / 1", t[2], t[1], None)

    varies = [whatif.parse_vary("target.year=2027:2036"),
              whatif.parse_vary("growth.real_offset=-2:1.996:0.004")]
    sweeps = {c: (lambda c=c: whatif.sweep(scenario, data, varies, chunk=c))
              for c in (256, whatif.SWEEP_CHUNK, 4_096, 10**9)}
    t = interleaved(sweeps, args.runs)
    for c in (256, 4_096, 10**9):
        label = "all at once" if c == 10**9 else f"chunk {c:,}"
        ratio_row(f"sweep 10,000 variants, {label} / chunk {whatif.SWEEP_CHUNK:,}", t[c],
                  t[whatif.SWEEP_CHUNK], None)


    print(f"peak RSS of a {n:,}-draw summarise with its tables: {peak:.0f} MB "
          f"(target 1536 MB at 1,000,000 draws: measure that with /usr/bin/time -v)")
    if args.skip_reference:
        return
    setup = inputs.build(scenario, data)
    u = simulate.uncertainty_arrays(scenario, data, setup)
    streams = Streams.from_seed(1)
    small = replace(setup.inputs, growth=growth_draws(streams, 2_000, setup.inputs.growth, u),
                    delivered=compliance(streams, 2_000, u))
    t0 = time.perf_counter()
    fast_total = engine.project(small).total_usd_bn
    t_engine = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref_total = np.array(reference_project(small, 2_000)["total_usd_bn"])
    t_ref = time.perf_counter() - t0
    ok = ~np.isnan(ref_total)
    rel = np.max(np.abs(fast_total[ok] - ref_total[ok]) / np.abs(ref_total[ok]))
    print(f"reference loop / engine, 2,000 draws: {t_ref / t_engine:,.0f}x (target >= 100x); "
          f"max relative difference {rel:.1e} (target 1e-9)")


if __name__ == "__main__":
    main()

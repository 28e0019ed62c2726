"""Speed and memory of the draws axis, against the targets of the what-if issue.

    python benchmarks/bench_engine.py [--runs N] [--skip-reference]

1. 100,000 draws x 32 members x 11 years: engine time (projection, totals and group sums
   of pre-drawn growth and compliance) at most 1 s; the whole `simulate` run (draws included)
   is reported too, and its peak memory (at most 1.5 GB), measured in a fresh process.
2. A sweep of 10,000 variants: at most 2 s.
3. The plain loop in reference.py against the engine on 10,000 draws: at least 100 times
   faster, agreeing to 1e-9 relative.
Figures are medians over --runs runs (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference import reference_project
from timing import median_time

from spendcalc.core import engine, inputs, simulate, whatif
from spendcalc.core.uncertainty import Streams, compliance, growth_draws
from spendcalc.io.data import load_dataset
from spendcalc import load_scenario

PEAK_SCRIPT = """
import resource, sys
from spendcalc.core import simulate
from spendcalc.core import tables
from spendcalc.io.data import load_dataset
from spendcalc import load_scenario
d = load_dataset(); s = load_scenario("hague-2035", d)
r = simulate.run_draws(s, d, 100_000, 1)
tables.simulation_table(s.name, r)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""




def draws_inputs(n: int):
    data = load_dataset()
    scenario = load_scenario("hague-2035", data)
    setup = inputs.build(scenario, data)
    u = simulate.uncertainty_arrays(scenario, data, setup)
    streams = Streams.from_seed(1)
    return data, scenario, setup, replace(
        setup.inputs, growth=growth_draws(streams, n, setup.inputs.growth, u),
        delivered=compliance(streams, n, u))


def engine_pass(setup, inp, masks, chunk=simulate.DEFAULT_CHUNK) -> None:
    """What simulate asks of the engine, in its chunks: projection, totals, group sums."""
    n = inp.growth.shape[0]
    delivered = np.asarray(inp.delivered)
    for start in range(0, n, chunk):
        part = replace(inp, growth=inp.growth[start:start + chunk],
                       delivered=delivered[start:start + chunk])
        proj = engine.project(part)
        proj.total_pct  # noqa: B018 - computing it is the point
        engine.aggregate(proj, masks, part.covered, names=("gdp_usd_bn", "total_usd_bn"))


def time_engine(runs: int):
    """Median engine time over 100,000 pre-drawn draws (the draws freed afterwards)."""
    data, scenario, setup, inp = draws_inputs(100_000)
    codes = [m.iso3 for m in setup.members]
    masks = np.array([[c in g.members for c in codes] for g in data.groups.values()])
    engine_pass(setup, inp, masks)
    return data, scenario, median_time(lambda: engine_pass(setup, inp, masks), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-reference", action="store_true")
    args = parser.parse_args()
    rows = []

    data, scenario, seconds = time_engine(args.runs)
    rows.append(("engine, 100,000 draws (pre-drawn)", seconds, 1.0))
    rows.append(("simulate.run_draws, 100,000 draws", median_time(
        lambda: simulate.run_draws(scenario, data, 100_000, 1), max(3, args.runs // 2)), None))
    peak = float(subprocess.run([sys.executable, "-c", PEAK_SCRIPT], capture_output=True,
                                text=True, check=True).stdout)
    print(f"peak memory of a 100,000-draw simulate with its tables: {peak:.0f} MB "
          f"(target 1536 MB, ratio {peak / 1536:.2f})")

    varies = [whatif.parse_vary("target.year=2026:2035"),
              whatif.parse_vary("growth.real_offset=-2:1.996:0.004")]
    assert np.prod([len(v.values) for v in varies]) == 10_000
    whatif.sweep(scenario, data, varies)
    rows.append(("sweep, 10,000 variants", median_time(
        lambda: whatif.sweep(scenario, data, varies), args.runs), 2.0))

    print(f"{'what':42} {'median':>10} {'target':>8} {'ratio':>6}")
    for name, seconds, target in rows:
        ratio = f"{seconds / target:6.2f}" if target else "     -"
        tgt = f"{target:7.1f}s" if target else "       -"
        print(f"{name:42} {seconds:9.3f}s {tgt} {ratio}")

    if args.skip_reference:
        return
    _, _, _, small = draws_inputs(10_000)
    t0 = time.perf_counter()
    fast = engine.project(small)
    fast_total = fast.total_usd_bn
    t_engine = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = reference_project(small, 10_000)
    t_ref = time.perf_counter() - t0
    ref_total = np.array(ref["total_usd_bn"])
    ok = ~np.isnan(ref_total)
    rel = np.max(np.abs(fast_total[ok] - ref_total[ok]) / np.abs(ref_total[ok]))
    print(f"reference loop vs engine, 10,000 draws: {t_ref:.1f} s vs {t_engine * 1000:.1f} ms "
          f"= {t_ref / t_engine:,.0f}x faster (target 100x); max relative difference "
          f"{rel:.1e} (target 1e-9)")


if __name__ == "__main__":
    main()

"""Speed of the foundation, against the targets of the issue (medians over repeated runs).

    python benchmarks/bench_core.py [--runs N]

Targets: `spendcalc --help` < 0.25 s wall; the engine for one scenario < 5 ms;
`spendcalc run` end to end < 1 s. The machine is shared and noisy, so each figure is a
median, printed with its ratio to the target (below 1.0 = within target).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def in_process(fn, runs: int) -> float:
    fn()  # warm up: imports, data cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from spendcalc import api, engine, inputs
    from spendcalc.data import load_dataset

    exe = shutil.which("spendcalc")
    if exe is None:
        sys.exit("spendcalc is not installed: pip install -e .")
    data = load_dataset()
    scenario = api.load_scenario("hague-2035", data)
    setup = inputs.build(scenario, data)

    rows = [
        ("spendcalc --help (wall)", wall([exe, "--help"], args.runs), 0.25),
        ("python -m spendcalc --help (wall)",
         wall([sys.executable, "-m", "spendcalc", "--help"], args.runs), 0.25),
        ("engine.project, hague-2035",
         in_process(lambda: engine.project(setup.inputs), args.runs * 20), 0.005),
        ("inputs.build + engine + tables (in process)",
         in_process(lambda: api.compute(scenario, data), args.runs * 5), None),
        ("spendcalc run (wall)", wall([exe, "run"], max(5, args.runs // 2)), 1.0),
    ]
    print(f"{'what':45} {'median':>10} {'target':>8} {'ratio':>6}")
    for name, seconds, target in rows:
        ratio = f"{seconds / target:6.2f}" if target else "     -"
        tgt = f"{target * 1000:6.0f}ms" if target else "       -"
        print(f"{name:45} {seconds * 1000:8.2f}ms {tgt} {ratio}")
    print(f"(console script: {exe})")


if __name__ == "__main__":
    main()

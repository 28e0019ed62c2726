"""Speed of the foundation, against the targets of the issue (medians over repeated runs).

    python benchmarks/bench_core.py [--runs N]

Targets: `spendcalc --help` < 0.25 s wall; the engine for one scenario < 5 ms;
`spendcalc run` end to end < 1 s. The machine is shared and noisy, so each figure is a
median, printed with its ratio to the target (below 1.0 = within target).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_time, report, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from spendcalc.core import engine, inputs
    import spendcalc
    from spendcalc.io.data import load_dataset

    exe = shutil.which("spendcalc")
    if exe is None:
        sys.exit("spendcalc is not installed: pip install -e .")
    data = load_dataset()
    scenario = spendcalc.load_scenario("hague-2035", data)
    setup = inputs.build(scenario, data)

    rows = [
        ("spendcalc --help (wall)", wall([exe, "--help"], args.runs), 0.25),
        ("python -m spendcalc --help (wall)",
         wall([sys.executable, "-m", "spendcalc", "--help"], args.runs), 0.25),
        ("engine.project, hague-2035",
         median_time(lambda: engine.project(setup.inputs), args.runs * 20), 0.005),
        ("inputs.build + engine + tables (in process)",
         median_time(lambda: spendcalc.compute(scenario, data), args.runs * 5), None),
        ("spendcalc run (wall)", wall([exe, "run"], max(5, args.runs // 2)), 1.0),
    ]
    report(rows)
    print(f"(console script: {exe})")


if __name__ == "__main__":
    main()

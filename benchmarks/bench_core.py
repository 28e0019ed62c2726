"""Speed of the foundation: start-up as ratios to floors measured in the same run.

    python benchmarks/bench_core.py [--runs N]

The machine is shared and noisy, so commands and their floors are run in turn (interleaved,
so load affects both alike) and each figure is a median; the ratio is the claim.

- `spendcalc run` (wall) / the bare import of numpy + pandas + pydantic + rich: at most 1.3.
- `spendcalc plot gap` (wall) / importing matplotlib + pandas + pydantic and saving an empty
  figure of the same size and dpi as the chart's PNG: at most 1.6.
- Also, against absolute targets: `spendcalc --help` < 0.25 s wall; the engine for one
  scenario < 5 ms (in process).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_time, report, wall

IMPORT_FLOOR = "import numpy, pandas, pydantic, rich"
PLOT_FLOOR = """
import sys, matplotlib
matplotlib.use("Agg")
import pandas, pydantic
from matplotlib.figure import Figure
w, h, dpi = (float(x) for x in sys.argv[1:4])
Figure(figsize=(w / dpi, h / dpi), dpi=dpi).savefig(sys.argv[4], dpi=dpi)
"""
DPI = 200


def png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels, from the PNG header."""
    head = path.read_bytes()[16:24]
    return int.from_bytes(head[:4], "big"), int.from_bytes(head[4:], "big")


def interleaved(cmds: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall seconds of each command, run in turn."""
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def ratio_row(name: str, seconds: float, floor: float, target: float) -> None:
    verdict = "ok" if seconds / floor <= target else "OVER"
    print(f"{name:46} {seconds * 1000:8.0f}ms {floor * 1000:8.0f}ms {seconds / floor:6.2f} "
          f"{'<= ' + format(target, '.1f'):>7} {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()

    import spendcalc
    from spendcalc.core import engine, inputs
    from spendcalc.io.data import load_dataset

    exe = shutil.which("spendcalc")
    if exe is None:
        sys.exit("spendcalc is not installed: pip install -e .")
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        chart, empty = Path(tmp) / "gap.png", Path(tmp) / "empty.png"
        subprocess.run([exe, "plot", "gap", "-o", str(chart), "--force"], check=True,
                       stdout=subprocess.DEVNULL)
        w, h = png_size(chart)
        t = interleaved({
            "run": [exe, "run"], "imports": [py, "-c", IMPORT_FLOOR],
            "plot": [exe, "plot", "gap", "-o", str(chart), "--force"],
            "plot floor": [py, "-c", PLOT_FLOOR, str(w), str(h), str(DPI), str(empty)],
        }, args.runs)
    print(f"{'ratio (median of ' + str(args.runs) + ', interleaved)':46} {'time':>10} "
          f"{'floor':>10} {'ratio':>6} {'target':>7}")
    ratio_row("spendcalc run / import numpy+pandas+pydantic+rich", t["run"], t["imports"], 1.3)
    ratio_row(f"spendcalc plot gap / empty {w}x{h} PNG floor", t["plot"], t["plot floor"], 1.6)
    print()

    data = load_dataset()
    scenario = spendcalc.load_scenario("hague-2035", data)
    setup = inputs.build(scenario, data)
    report([
        ("spendcalc --help (wall)", wall([exe, "--help"], args.runs), 0.25),
        ("engine.project, hague-2035",
         median_time(lambda: engine.project(setup.inputs), args.runs * 20), 0.005),
        ("inputs.build + engine + columns (in process)",
         median_time(lambda: spendcalc.compute(scenario, data), args.runs * 5), None),
    ])
    print(f"(console script: {exe})")


if __name__ == "__main__":
    main()

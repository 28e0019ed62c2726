"""Speed of the plot command: the ratio of issue 13, and the targets of issue 3 (medians).

    python benchmarks/bench_plot.py [--runs N]

The claim (issue 13): `spendcalc plot gap -o x.png --force` end to end (wall) is at most 1.6
times the floor, a subprocess that imports matplotlib + pandas + pydantic and saves an empty
figure of the same size and dpi (``bench_core.PLOT_FLOOR``). The two are run in turn
(interleaved, so the shared machine's load hits both alike) and each figure is a median.

Other targets: `spendcalc plot gap` end to end < 2 s wall (the README chart: 8 x 9.6 in at
200 dpi); `spendcalc --help` < 0.25 s wall (matplotlib must not load for it). Also shown,
without targets: the other kinds end to end, and the in-process split between computing the
scenario, drawing the figure and encoding the PNG. The machine is shared and noisy, so each
figure is a median, printed with its ratio to the target (below 1.0 = within target).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import DPI, PLOT_FLOOR, interleaved, png_size, ratio_row
from timing import median_time, report, wall


def floor_ratio(exe: str, runs: int, tmp: Path) -> None:
    """Print `spendcalc plot gap` / the empty-figure floor, medians of ``runs`` interleaved."""
    chart, empty = tmp / "gap.png", tmp / "empty.png"
    plot = [exe, "plot", "gap", "-o", str(chart), "--force"]
    subprocess.run(plot, check=True, stdout=subprocess.DEVNULL)  # warm caches; the size
    w, h = png_size(chart)
    t = interleaved({"plot": plot, "floor": [sys.executable, "-c", PLOT_FLOOR, str(w), str(h),
                                             str(DPI), str(empty)]}, runs)
    print(f"{'ratio (median of ' + str(runs) + ', interleaved)':46} {'time':>10} "
          f"{'floor':>10} {'ratio':>6} {'target':>7}")
    ratio_row(f"spendcalc plot gap / empty {w}x{h} PNG floor", t["plot"], t["floor"], 1.6)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--ratio-only", action="store_true",
                        help="only the plot gap / floor ratio (issue 13)")
    args = parser.parse_args()

    exe = shutil.which("spendcalc")
    if exe is None:
        sys.exit("spendcalc is not installed: pip install -e .")
    with tempfile.TemporaryDirectory() as tmp:
        floor_ratio(exe, max(args.runs, 5), Path(tmp))
    if args.ratio_only:
        return
    import spendcalc as api
    from spendcalc.views import charts as plots

    scenario = api.load_scenario("hague-2035")
    result = api.compute(scenario)
    run = plots.as_run(result)
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "chart.png")

        def plot(*extra: str) -> list[str]:
            return [exe, "plot", *extra, "-o", out, "--force"]

        rows = [
            ("spendcalc --help (wall)", wall([exe, "--help"], args.runs * 2), 0.25),
            ("spendcalc plot gap (wall, 200 dpi PNG)", wall(plot("gap"), args.runs), 2.0),
            ("spendcalc plot gap -o .svg (wall)",
             wall([exe, "plot", "gap", "-o", str(Path(tmp) / "c.svg"), "--force"], 3), None),
        ]
        for kind in ("paths", "heatmap", "stack", "burden"):
            rows.append((f"spendcalc plot {kind} (wall)", wall(plot(kind), 3), None))
        rows.append(("spendcalc plot gap --size slide (wall)",
                     wall(plot("gap", "--size", "slide"), 3), None))
        rows.append(("spendcalc plot compare A B (wall)",
                     wall(plot("compare", "hague-2035", "status-quo"), 3), None))
        opts = plots.Options()
        rows += [
            ("  in process: compute hague-2035", median_time(lambda: api.compute(scenario),
                                                            args.runs), None),
            ("  in process: draw the gap figure",
             median_time(lambda: plots.render("gap", [run], opts), args.runs), None),
            ("  in process: encode it as PNG",
             median_time(lambda: plots.to_bytes(plots.render("gap", [run], opts).figure, "png"),
                        args.runs)
             - median_time(lambda: plots.render("gap", [run], opts), args.runs), None),
        ]
    report(rows)
    print(f"(console script: {exe})")


if __name__ == "__main__":
    main()

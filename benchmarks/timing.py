"""Timing helpers shared by the benchmark scripts: medians over repeated runs."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable


def wall(cmd: list[str], runs: int) -> float:
    """Median wall time of a command, seconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def median_time(fn: Callable[[], object], runs: int, *, warm_up: bool = True) -> float:
    """Median time of a call in this process, seconds (after one warm-up call)."""
    if warm_up:
        fn()  # imports, data and font caches
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(rows: list[tuple[str, float, float | None]], width: int = 45) -> None:
    """Print (what, median seconds, target seconds or None) with the ratio to the target."""
    print(f"{'what':{width}} {'median':>10} {'target':>8} {'ratio':>6}")
    for name, seconds, target in rows:
        ratio = f"{seconds / target:6.2f}" if target else "     -"
        tgt = f"{target * 1000:6.0f}ms" if target else "       -"
        print(f"{name:{width}} {seconds * 1000:8.1f}ms {tgt} {ratio}")

"""Speed and size of the classroom explorer (issue 12), measured in headless Chromium.

    python benchmarks/bench_explorer.py [--runs N]

Goal: a control change redrawn in <= 50 ms (median). Also shown: the file size (limit 1 MB),
the time to first render (navigation start to the page's first complete render, from the
browser's own clock), ``spendcalc explore`` end to end, and the JavaScript engine alone.
A redraw is timed in the page: from dispatching a slider's input event to the end of a
forced layout of the whole page (so the browser has laid out every redrawn SVG and table).
Needs Debian's chromium and chromium-driver, like the browser tests.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import wall

REDRAW = """
const core = document.getElementById('core'), times = [];
for (let i = 0; i < arguments[0]; i++) {
  core.value = (3 + (i % 20) / 10).toFixed(1);
  const t0 = performance.now();
  core.dispatchEvent(new Event('input', {bubbles: true}));
  void document.documentElement.getBoundingClientRect().height;  // force layout
  times.push(performance.now() - t0);
}
return times;
"""

ENGINE = """
const s = window.spendcalc.scenario(), times = [];
for (let i = 0; i < arguments[0]; i++) {
  const t0 = performance.now(); window.spendcalc.project(s); times.push(performance.now() - t0);
}
return times;
"""

FIRST_RENDER = """
const nav = performance.getEntriesByType('navigation')[0];
return nav.loadEventEnd > 0 ? nav.domContentLoadedEventEnd : null;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    exe, chromium = shutil.which("spendcalc"), shutil.which("chromium")
    if exe is None or chromium is None or shutil.which("chromedriver") is None:
        sys.exit("needs spendcalc (pip install -e .), chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "explorer.html"
        cmd = [exe, "explore", "-o", str(page), "--force"]
        explore_s = wall(cmd, 3)
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,800"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        try:
            firsts = []
            for _ in range(5):
                driver.get("about:blank")
                driver.get(page.as_uri())
                firsts.append(driver.execute_script(FIRST_RENDER))
            redraw = driver.execute_script(REDRAW, args.runs)
            engine = driver.execute_script(ENGINE, args.runs)
        finally:
            driver.quit()
        size = page.stat().st_size
    rows = [
        ("control change -> redrawn page, median (ms)", statistics.median(redraw), 50.0),
        ("  same, 90th percentile (ms)", sorted(redraw)[int(0.9 * len(redraw))], None),
        ("JS engine alone, one projection (ms)", statistics.median(engine), None),
        ("time to first render (ms)", statistics.median(firsts), None),
        ("spendcalc explore end to end (s, wall)", explore_s, None),
        ("file size (KB)", size / 1024, 1_000_000 / 1024),
    ]
    for label, value, goal in rows:
        ratio = f"  ({value / goal:.2f} of goal {goal:g})" if goal else ""
        print(f"{label:46} {value:10.1f}{ratio}")


if __name__ == "__main__":
    main()

"""spendcalc report in a real browser: headless Chromium opens the file from disk.

Checks that the page renders without console errors or network requests, that every chart
is drawn at a visible size inside the page, that the tables show the projection table's
numbers, that sorting works without a server, and that print styles apply; saves
screenshots (the path is printed; ``pytest -s`` shows it).

Needs Chromium and its driver: Debian's ``chromium`` and ``chromium-driver`` packages
(``apt-get install chromium chromium-driver``, as .ci/run does) and ``selenium`` (the test
extra). Other locations: ``SPENDCALC_CHROMIUM`` and ``SPENDCALC_CHROMEDRIVER``. Without them
the tests skip, saying what to install (``pytest -rs`` shows why; the project's addopts
include it); with ``SPENDCALC_REQUIRE_BROWSER=1`` (set by .ci/run) a missing browser is a
failure instead. A browser that is installed but does not start always fails.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import pytest

import spendcalc
from spendcalc.evidence import claims
from spendcalc.views import report

CHROMIUM = os.environ.get("SPENDCALC_CHROMIUM", "chromium")  # a path, or a name on PATH
CHROMEDRIVER = os.environ.get("SPENDCALC_CHROMEDRIVER", "chromedriver")
INSTALL = ("install them with: apt-get install chromium chromium-driver (or point "
           "SPENDCALC_CHROMIUM and SPENDCALC_CHROMEDRIVER at a Chromium and its driver)")
REQUIRE = os.environ.get("SPENDCALC_REQUIRE_BROWSER", "") == "1"
"""CI sets SPENDCALC_REQUIRE_BROWSER=1: there a missing browser fails instead of skipping."""
WIDTH, HEIGHT = 1280, 800  # a common projector resolution


def _missing(what: str) -> NoReturn:
    """Skip (or, with SPENDCALC_REQUIRE_BROWSER=1, fail) because ``what`` is missing."""
    message = f"browser test: {what}"
    if REQUIRE:
        pytest.fail(f"{message} (SPENDCALC_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(message)


def _executable(path: str) -> str:
    found = shutil.which(path)
    if found is None:
        _missing(f"{path} not found; {INSTALL}")
    return found


def _absent() -> str | None:
    """What is missing to run these tests, if anything (checked without starting anything)."""
    if importlib.util.find_spec("selenium") is None:
        return "selenium is missing; install the test extra: pip install -e '.[test]'"
    for path in (CHROMIUM, CHROMEDRIVER):
        if shutil.which(path) is None:
            return f"{path} not found; {INSTALL}"
    return None


ABSENT = _absent()
if ABSENT is not None and not REQUIRE:  # the whole module, one line in the summary
    pytest.skip(f"browser tests: {ABSENT}", allow_module_level=True)
# (When required, the fixtures below fail, naming what is missing.)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    results = [spendcalc.compute(spendcalc.load_scenario(n))
               for n in ("hague-2035", "rutte-2032")]
    evidence = claims.load_evidence(results[0].data)
    text = report.build(results, claim_results=claims.check_all(None, evidence),
                        created=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                        command="spendcalc report hague-2035 rutte-2032")
    return report.write(text, tmp_path_factory.mktemp("report") / "report.html")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is missing; install the test extra: pip install -e '.[test]'")
    options = webdriver.ChromeOptions()
    options.binary_location = _executable(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                 "--disable-extensions", "--allow-file-access-from-files",
                 f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=_executable(CHROMEDRIVER)),
                                  options=options)
    except WebDriverException as exc:
        pytest.fail(f"browser test: Chromium did not start ({exc.msg}); {INSTALL}",
                    pytrace=False)
    driver.set_page_load_timeout(20)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1,
                            "mobile": False})
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def loaded(browser, page_file):
    browser.get_log("browser")  # start from empty logs
    browser.get_log("performance")
    browser.get(page_file.as_uri())
    return browser


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def network(driver) -> tuple[list[str], list[str]]:
    """The URLs the page requested and those that failed, from Chromium's performance log,
    leaving out the browser's own (chrome:, devtools:, about:)."""
    urls: dict[str, str] = {}
    failed = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
        elif message["method"] == "Network.loadingFailed":
            failed.append(urls.get(params["requestId"], "?"))
    own = ("chrome:", "devtools:", "about:")
    return ([u for u in urls.values() if not u.startswith(own)],
            [u for u in failed if not u.startswith(own)])


def test_renders_without_errors_or_requests(loaded, page_file):
    driver = loaded
    assert driver.title == "NATO defence spending to 2035: hague-2035 vs rutte-2032"
    assert driver.execute_script("return document.readyState") == "complete"
    problems = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems
    requested, failed = network(driver)
    assert requested == [page_file.as_uri()]  # the page itself, nothing else is fetched
    assert failed == []
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources == []


def test_every_chart_is_visible_inside_the_page(loaded):
    boxes = loaded.execute_script("""
        const page = document.documentElement.clientWidth;
        return Array.from(document.querySelectorAll('figure.chart')).map(f => {
            const svg = f.querySelector('svg');
            const r = svg.getBoundingClientRect();
            const vb = svg.viewBox.baseVal;
            const bar = svg.querySelector('path, use');
            return {chart: f.dataset.chart, left: r.left, right: r.right, width: r.width,
                    height: r.height, page: page, ratio: vb.height / vb.width,
                    visible: getComputedStyle(svg).visibility === 'visible'
                             && getComputedStyle(f).display !== 'none',
                    drawn: bar !== null && bar.getBoundingClientRect().width > 0};
        });""")
    assert [b["chart"] for b in boxes] == [
        "cmp-chart-2", "s1-gap", "s1-paths-largest", "s1-paths-behind", "s2-gap",
        "s2-paths-largest", "s2-paths-behind"]
    for b in boxes:
        assert b["visible"] and b["drawn"], b
        assert b["width"] > 600 and b["height"] > 300, b  # readable on a projector
        assert b["left"] >= 0 and b["right"] <= b["page"], b  # inside the page
        assert abs(b["height"] / b["width"] - b["ratio"]) < 0.01, b  # not distorted
    no_scroll = loaded.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert no_scroll, "the page scrolls sideways at 1280 px"
    # The gap chart's German bar is drawn (the chart's own element, inside the SVG).
    deu = loaded.execute_script(
        "return document.getElementById('chart-s1-gap-gap-total-DEU')"
        ".getBoundingClientRect().width")
    assert deu > 50


def test_tables_show_the_projection_numbers(loaded):
    result = spendcalc.compute(spendcalc.load_scenario("hague-2035"))
    t = result.table.set_index(["iso3", "year"])
    cell = loaded.execute_script(
        "const c = document.querySelector('#s1-members-table tr[data-key=DEU] "
        "td[data-col=total_usd_bn][data-year=\"2035\"]');"
        "c.scrollIntoView({block: 'center'});"
        "const r = c.getBoundingClientRect();"
        "return {text: c.innerText, w: r.width, h: r.height, "
        "top: document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === c};")
    assert cell["text"] == f"{t.loc[('DEU', 2035), 'total_usd_bn']:,.1f}"  # the table's cell
    assert cell["w"] > 0 and cell["h"] > 0 and cell["top"]  # visible, not covered
    nato = result.aggregates.set_index(["group", "year"]).loc[("nato", 2035)]
    text = loaded.execute_script(
        "return document.querySelector('#s1-aggregates-table tr[data-key=nato] "
        "td[data-col=cum_extra_over_baseline_usd_bn]').innerText")
    assert text == f"{nato.cum_extra_over_baseline_usd_bn:+,.1f}"


def test_member_table_sorts_without_a_server(loaded):
    order = """return Array.from(document.querySelectorAll('#s1-members-table tbody tr'))
                      .map(r => r.dataset.key);"""
    before = loaded.execute_script(order)
    assert before[:3] == ["ALB", "BEL", "BGR"]  # table order (by name)
    loaded.execute_script("""document.querySelectorAll('#s1-members-table thead th')[7]
                             .querySelector('button').click();""")  # spending in 2035
    after = loaded.execute_script(order)
    assert after[:3] == ["USA", "DEU", "GBR"] and after[-1] == "ISL"  # no value: last
    state = loaded.execute_script(
        "return document.querySelectorAll('#s1-members-table thead th')[7]"
        ".getAttribute('aria-sort')")
    assert state == "descending"
    loaded.execute_script("""document.querySelectorAll('#s1-members-table thead th')[7]
                             .querySelector('button').click();""")
    again = loaded.execute_script(order)
    assert again[0] == "MNE" and again[-1] == "ISL"
    assert sorted(again) == sorted(before)
    assert loaded.get_log("browser") == []


def test_screenshots_and_print_styles(loaded, shots):
    driver = loaded
    driver.execute_script("window.scrollTo(0, 0)")
    top = shots / "report-top.png"
    assert driver.save_screenshot(str(top))
    driver.execute_script("document.getElementById('s1-gap').scrollIntoView()")
    assert driver.save_screenshot(str(shots / "report-gap.png"))
    height = driver.execute_script("return document.documentElement.scrollHeight")
    full = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": WIDTH, "height": min(height, 16000), "scale": 0.5}})
    (shots / "report-full.png").write_bytes(base64.b64decode(full["data"]))
    assert top.stat().st_size > 10_000
    print(f"\nscreenshots: {shots}")
    # Printed: white background, a page break before each major section, no sort hints.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        styles = driver.execute_script("""
            const s = e => getComputedStyle(document.querySelector(e));
            return {body: s('body').backgroundColor, h2: s('#claims > h2').breakBefore,
                    hint: s('#s1-members-table caption .screen').display,
                    gap: s('#s1-gap + figure').breakInside};""")
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27,
                                                         "paperHeight": 11.69})
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert styles == {"body": "rgb(255, 255, 255)", "h2": "page", "hint": "none",
                      "gap": "avoid"}
    data = base64.b64decode(pdf["data"])
    (shots / "report.pdf").write_bytes(data)
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") > 10

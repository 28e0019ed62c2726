"""spendcalc explore in a real browser: headless Chromium opens the file from disk.

The parity test runs random valid scenarios (hypothesis) and every ready scenario through the
page's JavaScript engine and the Python engine and requires agreement to a relative 1e-9 on
every cell. The others check the page itself: no console errors or requests, the CSP, the
controls, permalinks, the downloaded TOML, the keyboard, everyday terms, screenshots.

Browser set-up, and skipping without Chromium (failing under SPENDCALC_REQUIRE_BROWSER=1),
are the report's: the ``browser`` fixture and the module-level skip of
tests/test_report_browser.py, imported from it.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_report_browser import WIDTH, browser, network  # noqa: F401  (shared fixture; skips)

from spendcalc.core.errors import SpendcalcError
from spendcalc.core.models import Scenario
from spendcalc.core.result import compute
from spendcalc.evidence.tradeoff import tradeoff
from spendcalc.io.data import load_dataset
from spendcalc.io.scenarios import load_scenario, ready_scenarios
from spendcalc.views import explorer

COLUMNS = ("gdp_usd_bn", "core_pct", "related_pct", "total_pct", "core_usd_bn",
           "related_usd_bn", "total_usd_bn", "baseline_usd_bn", "extra_over_baseline_usd_bn",
           "cum_extra_over_baseline_usd_bn", "increase_over_base_share_usd_bn",
           "cum_increase_over_base_share_usd_bn", "deflator")
REL = 1e-9
WORST: dict[str, float] = {"rel": 0.0, "runs": 0, "random": 0}
"""The largest relative difference seen, over how many scenario runs (printed at the end)."""

DATA = load_dataset()
CODES = [m.iso3 for m in DATA.members]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("explorer")
    out = {}
    for edition in ("nato-2026", "nato-2025"):
        data = load_dataset(None, edition)
        html = explorer.build(load_scenario("hague-2035", data), data)
        out[edition] = explorer.write(html, folder / f"{edition}.html")
    plans = explorer.build(load_scenario("national-plans", DATA), DATA)
    out["national-plans"] = explorer.write(plans, folder / "plans.html")
    return out


@pytest.fixture(scope="module")
def page(browser, pages):  # noqa: F811
    browser.get_log("browser")
    browser.get_log("performance")
    browser.get(pages["nato-2026"].as_uri())
    return browser


def _js_table(driver, scenario: dict[str, Any]) -> list[dict[str, Any]]:
    text = driver.execute_script(
        "return JSON.stringify(window.spendcalc.project(arguments[0]))", scenario)
    return json.loads(text)


def _agree(python: Any, js_rows: list[dict[str, Any]]) -> None:
    """Every cell of COLUMNS within a relative 1e-9 (NaN where Python has NaN)."""
    t = python.table
    assert len(t) == len(js_rows)
    assert list(t.iso3) == [r["iso3"] for r in js_rows]
    assert list(t.year) == [r["year"] for r in js_rows]
    for col in COLUMNS:
        for a, b in zip(t[col].tolist(), (r[col] for r in js_rows), strict=True):
            if a is None or (isinstance(a, float) and math.isnan(a)):
                assert b is None, (col, a, b)
                continue
            scale = max(abs(a), abs(b))
            diff = abs(a - b)
            if scale > 0:
                WORST["rel"] = max(WORST["rel"], diff / scale)
            assert diff <= REL * scale + 1e-12, (col, a, b)
    WORST["runs"] += 1


def test_every_ready_scenario_matches_the_python_engine(browser, pages):  # noqa: F811
    for edition in ("nato-2026", "nato-2025"):
        data = load_dataset(None, edition)
        browser.get(pages[edition].as_uri())
        for ready in ready_scenarios():
            scenario = load_scenario(ready.name, data)
            _agree(compute(scenario, data), _js_table(browser, scenario.model_dump(mode="json")))


def test_show_json_is_the_project_input():
    out = subprocess.run([sys.executable, "-c", "from spendcalc.cli.app import main; main()",
                          "show", "rutte-2032", "--json"], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == load_scenario("rutte-2032", DATA).model_dump(mode="json")


def _year(base: int) -> st.SearchStrategy[int]:
    return st.integers(base + 1, 2040)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A random scenario the models accept: every path shape, milestones, exemptions,
    allow_cuts, base years, growth settings and member subsets."""
    base = draw(st.sampled_from(list(DATA.base_years)))
    horizon = draw(st.integers(base + 1, 2040))
    pct = st.floats(0, 10, allow_nan=False)
    shape = draw(st.sampled_from(["linear", "front-loaded", "back-loaded", "step",
                                  "constant-growth", "points"]))
    delivered = draw(st.sampled_from([100.0, 0.0]) | st.floats(0, 100))
    path: dict[str, Any] = {"shape": shape, "curvature": draw(st.floats(1, 10)),
                            "delivered_pct": delivered}
    if shape == "step" and draw(st.booleans()):
        path["step_year"] = draw(st.integers(base + 1, horizon))
    if shape == "points":
        path["points"] = draw(st.dictionaries(st.integers(base + 1, horizon), pct, min_size=1,
                                              max_size=3))
    s: dict[str, Any] = {
        "name": "random", "base_year": base, "horizon": horizon, "path": path,
        "baseline_pct": draw(st.floats(0, 5)), "allow_cuts": draw(st.booleans()),
        "related": {"base_pct": draw(st.floats(0, 3))},
    }
    no_target = draw(st.integers(0, 5)) == 0  # one in six: shares hold
    s["target"] = None if no_target else {
        "core_pct": draw(pct), "related_pct": draw(st.floats(0, 5)),
        "year": draw(st.integers(base + 1, 2045))}
    codes = draw(st.lists(st.sampled_from(CODES), max_size=3, unique=True))
    s["exemptions"] = {c: {"core_pct": draw(pct), "related_pct": draw(st.floats(0, 3)),
                           "year": draw(st.none() | st.integers(base + 1, 2045)),
                           "reason": "test"} for c in codes}
    pairs = draw(st.lists(st.tuples(st.sampled_from(CODES), st.integers(base + 1, horizon)),
                          max_size=5, unique=True))
    s["milestones"] = [{"member": c, "year": y, "pct": draw(pct)} for c, y in pairs]
    growth: dict[str, Any] = ({"source": "flat", "flat_pct": draw(st.floats(-5, 15))}
                              if draw(st.booleans()) else
                              {"real_offset": draw(st.floats(-5, 5))})
    if draw(st.booleans()):
        growth["overrides"] = {c: draw(st.floats(-10, 20)) for c in
                               draw(st.lists(st.sampled_from(CODES), max_size=2, unique=True))}
    if draw(st.booleans()):
        growth["shock"] = {"year": draw(st.integers(base + 1, horizon)),
                           "pct": draw(st.floats(-10, 10))}
    s["growth"] = growth
    if draw(st.booleans()):
        s["members"] = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=8,
                                     unique=True))
    elif draw(st.booleans()):
        s["exclude"] = draw(st.lists(st.sampled_from(CODES), max_size=4, unique=True))
    return s


@settings(max_examples=220, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw=scenarios())
def test_random_scenarios_match_the_python_engine(page, raw):
    try:
        scenario = Scenario.model_validate(raw)
        python = compute(scenario, DATA)
    except (ValueError, SpendcalcError):  # rejected by the models: not a valid scenario
        return
    _agree(python, _js_table(page, scenario.model_dump(mode="json")))
    WORST["random"] += 1


def test_parity_figures():
    """Runs after the parity tests (file order): prints what they saw."""
    if WORST["random"] == 0:
        pytest.skip("prints the parity tests' figures: run it with them")
    assert WORST["random"] >= 200
    print(f"\nparity: {WORST['runs']} scenario runs ({WORST['random']} random), max relative "
          f"difference {WORST['rel']:.3g}")
    assert WORST["runs"] >= 200 + 2 * len(ready_scenarios())


# --------------------------------------------------------------------------- the page


@pytest.fixture
def fresh(browser, pages):  # noqa: F811
    """The default page, freshly loaded (no hash), with empty logs."""
    browser.get("about:blank")
    browser.get_log("browser")
    browser.get_log("performance")
    browser.get(pages["nato-2026"].as_uri())
    return browser


def _table(driver) -> list[dict[str, Any]]:
    return json.loads(driver.execute_script("return JSON.stringify(window.spendcalc.table())"))


def _set(driver, control: str, value: Any) -> None:
    driver.execute_script("""
        const e = document.getElementById(arguments[0]);
        if (e.type === 'checkbox') e.checked = arguments[1]; else e.value = arguments[1];
        e.dispatchEvent(new Event('input', {bubbles: true}));""", control, value)


def _cell(driver, code: str, col: str) -> str:
    return driver.execute_script(
        "return document.querySelector(`#summary tr[data-key=${arguments[0]}] "
        "td[data-col=${arguments[1]}]`).textContent", code, col)


def test_offline_page_with_csp_and_no_errors(fresh, pages):
    driver = fresh
    assert pages["nato-2026"].stat().st_size <= explorer.MAX_BYTES
    csp = driver.execute_script("return document.querySelector("
                                "'meta[http-equiv=\"Content-Security-Policy\"]').content")
    assert csp.startswith("default-src 'none'; script-src 'sha256-")
    assert "img-src data:" in csp and "unsafe" not in csp
    assert driver.get_log("browser") == []
    requested, failed = network(driver)
    assert requested == [pages["nato-2026"].as_uri()]
    assert failed == []
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    python = compute(load_scenario("hague-2035", DATA), DATA).table.set_index(["iso3", "year"])
    deu = python.loc[("DEU", 2035), "total_usd_bn"]
    assert _cell(driver, "DEU", "total_usd_bn") == f"{deu:,.1f}"


CONTROLS = [  # control, value, the same change as --set
    ("core", "4", ["target.core_pct=4.0"]),
    ("related", "1", ["target.related_pct=1.0"]),
    ("year", "2032", ["target.year=2032"]),
    ("shape", "back-loaded", ["path.shape=back-loaded"]),
    ("esp-core", "3", ["exemptions.ESP.core_pct=3.0"]),
    ("esp-on", False, ["exemptions.ESP=none"]),
    ("baseline", "2.5", ["baseline_pct=2.5"]),
    ("offset", "-1", ["growth.real_offset=-1.0"]),
    ("growth", "flat", ["growth.source=flat", "growth.flat_pct=4.0"]),
    ("flat", "3", ["growth.source=flat", "growth.flat_pct=3.0"]),
    ("relbase", "0.5", ["related.base_pct=0.5"]),
    ("cuts", True, ["allow_cuts=true"]),
    ("base", "2025", ["base_year=2025"]),
    ("target-on", False, ["target=none"]),
]


def test_each_control_changes_the_numbers_as_the_engine_predicts(fresh):
    driver = fresh
    sets: list[str] = []
    before = _table(driver)
    for control, value, change in CONTROLS:
        _set(driver, control, value)
        sets = [s for s in sets if s.split("=")[0] not in {c.split("=")[0] for c in change}]
        sets += change
        python = compute(load_scenario("hague-2035", DATA, overrides=sets), DATA)
        after = _table(driver)
        assert after != before, control
        _agree(python, after)
        t = python.table.set_index(["iso3", "year"])
        horizon = python.scenario.horizon
        assert _cell(driver, "DEU", "total_usd_bn") == (
            f"{t.loc[('DEU', horizon), 'total_usd_bn']:,.1f}"), control
        before = after
    assert driver.get_log("browser") == []


def test_permalink_round_trips(fresh, pages):
    driver = fresh
    for control, value in (("core", "4.2"), ("year", "2031"), ("esp-on", False),
                           ("shape", "front-loaded"), ("focus", "DEU"), ("growth", "flat")):
        _set(driver, control, value)
    driver.find_element("id", "projector").click()
    state = driver.execute_script("return window.spendcalc.state()")
    table = _table(driver)
    link = driver.execute_script("return window.spendcalc.link()")
    assert driver.find_element("id", "link").get_attribute("value") == link
    driver.get("about:blank")
    driver.get(link)
    assert driver.execute_script("return window.spendcalc.state()") == state
    assert _table(driver) == table
    assert driver.execute_script("return document.body.classList.contains('projector')")
    assert driver.find_element("id", "core").get_attribute("value") == "4.2"
    driver.find_element("id", "copy-link").click()
    from selenium.webdriver.support.ui import WebDriverWait

    # The clipboard answers asynchronously (a promise), granted or refused.
    status = WebDriverWait(driver, 10).until(
        lambda d: d.find_element("id", "copy-status").text)
    assert status in ("Link copied.", "Select the link and copy it.")


def test_settings_the_model_rejects_show_a_note_not_numbers(fresh, pages):
    driver = fresh
    driver.get("about:blank")
    driver.get(pages["nato-2026"].as_uri() + "#p=hague-2035&y=2026&base=2026")
    notes = driver.find_element("id", "notes").text
    assert "Not computed: target year 2026 must be after the base year 2026" in notes
    assert driver.execute_script("return window.spendcalc.table()") is None
    assert driver.find_elements("css selector", "#summary td, #gap rect") == []
    driver.find_element("id", "year").send_keys("\ue014")  # arrow right: a valid year again
    assert driver.execute_script("return window.spendcalc.state().year") > 2026
    assert driver.find_elements("css selector", "#summary td")
    assert driver.get_log("browser") == []


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from spendcalc.cli.app import main; main()",
                           *args], capture_output=True, text=True, check=False)


def test_downloaded_toml_reruns_to_the_same_numbers(fresh, tmp_path):
    driver = fresh
    for control, value in (("core", "3.1"), ("year", "2033"), ("esp-core", "2.6"),
                           ("relbase", "0.3"), ("shape", "step"), ("offset", "0.5")):
        _set(driver, control, value)
    for preset in ("hague-2035", "national-plans"):
        if preset != "hague-2035":
            _set(driver, "preset", preset)
            driver.execute_script("document.getElementById('preset')"
                                  ".dispatchEvent(new Event('change', {bubbles: true}))")
            _set(driver, "core", "3.9")
        path = tmp_path / f"{preset}-mine.toml"
        path.write_text(driver.execute_script("return window.spendcalc.toml()"),
                        encoding="utf-8")
        checked = _run_cli("validate", str(path))
        assert checked.returncode == 0 and checked.stdout.startswith("ok"), checked.stderr
        _agree(compute(load_scenario(path, DATA), DATA), _table(driver))
        ran = _run_cli("run", str(path))
        assert ran.returncode == 0, ran.stderr
    csv = driver.execute_script("return window.spendcalc.csv()").splitlines()
    assert csv[0].startswith("iso3,member,year,gdp_usd_bn")
    assert len(csv) == 1 + len(_table(driver))


def test_keyboard_reaches_every_control_with_a_name(fresh):
    from selenium.webdriver.common.keys import Keys

    driver = fresh
    wanted = set(driver.execute_script(
        "return Array.from(document.querySelectorAll('#controls input, #controls select, "
        ".actions button, .actions input')).map(e => e.id)"))
    unnamed = driver.execute_script("""
        return Array.from(document.querySelectorAll('input, select, button')).filter(e =>
            !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
            && !e.textContent.trim()).map(e => e.id || e.outerHTML);""")
    assert unnamed == []
    driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    body = driver.find_element("tag name", "body")
    body.send_keys(Keys.TAB)
    seen = set()
    for _ in range(120):
        seen.add(driver.execute_script("return document.activeElement.id"))
        driver.switch_to.active_element.send_keys(Keys.TAB)
    missing = {w for w in wanted if w not in seen and driver.execute_script(
        "return !document.getElementById(arguments[0]).disabled", w)}
    assert missing == set()
    core = driver.find_element("id", "core")
    before = _cell(driver, "DEU", "total_usd_bn")
    core.send_keys(Keys.ARROW_RIGHT)
    assert driver.execute_script("return window.spendcalc.state().core") == pytest.approx(3.6)
    assert _cell(driver, "DEU", "total_usd_bn") != before


def test_everyday_terms_are_the_tradeoff_numbers(fresh):
    driver = fresh
    result = compute(load_scenario("hague-2035", DATA), DATA)
    js = driver.execute_script("return window.spendcalc.everyday('DEU')")
    row = tradeoff(result, member="DEU").summary.iloc[0]
    assert js["per_person_usd"] == pytest.approx(row.above_baseline_usd_per_person, rel=REL)
    for line in ("health", "education", "social_protection"):
        assert js["lines"][line] == pytest.approx(row[f"above_baseline_pct_{line}"], rel=REL)
    assert js["debt_with_pct_gdp"] == pytest.approx(row.debt_with_pct_gdp, rel=REL)
    assert js["debt_without_pct_gdp"] == pytest.approx(row.debt_without_pct_gdp, rel=REL)
    total = tradeoff(result, group="nato").total
    assert total is not None
    js = driver.execute_script("return window.spendcalc.everyday('nato')")
    assert js["per_person_usd"] == pytest.approx(total["above_baseline_usd_per_person"], rel=REL)
    assert js["lines"]["health"] == pytest.approx(total["above_baseline_pct_health"], rel=REL)
    assert js["debt_with_pct_gdp"] == pytest.approx(total["debt_with_pct_gdp"], rel=REL)
    _set(driver, "focus", "DEU")
    text = driver.find_element("id", "everyday-terms").text
    assert f"USD {row.above_baseline_usd_per_person:,.0f}" in text


def test_sorting_lesson_and_notes(fresh, pages):
    driver = fresh
    driver.execute_script("document.querySelector('#summary button[data-col=total_usd_bn]')"
                          ".click()")
    order = driver.execute_script(
        "return Array.from(document.querySelectorAll('#summary tbody tr'))"
        ".map(r => r.dataset.key)")
    assert order[:2] == ["USA", "DEU"] and order[-1] == "ISL"
    driver.find_element("id", "lesson-2").click()
    assert driver.execute_script("return window.spendcalc.state().year") == 2032
    early = compute(load_scenario("hague-2035", DATA, overrides=["target.year=2032"]), DATA)
    cum = early.aggregates.set_index(["group", "year"]).loc[("nato", 2035),
                                                            "cum_extra_over_baseline_usd_bn"]
    assert f"{cum:+,.1f}" in driver.find_element("id", "answer-2").text
    assert all(driver.find_element("id", f"answer-{i}").text for i in range(1, 6))
    assert driver.find_element("id", "notes").text == ""
    driver.get(pages["national-plans"].as_uri())
    notes = driver.find_element("id", "notes").text
    assert "national milestones" in notes and "no control" in notes
    assert "spendcalc simulate" in driver.find_element("id", "unsupported").text
    assert driver.get_log("browser") == []


def test_screenshots_projector_and_print(fresh, tmp_path_factory):
    driver = fresh
    shots = tmp_path_factory.mktemp("explorer-shots")
    assert driver.save_screenshot(str(shots / "explorer.png"))
    driver.find_element("id", "projector").click()
    assert driver.execute_script("return getComputedStyle(document.body).fontSize") == "22px"
    assert driver.save_screenshot(str(shots / "explorer-projector.png"))
    print(f"\nexplorer screenshots: {shots} ({WIDTH} px wide)")
    assert (shots / "explorer.png").stat().st_size > 10_000
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = driver.execute_script(
            "return getComputedStyle(document.getElementById('controls')).display")
        background = driver.execute_script("return getComputedStyle(document.body)"
                                           ".backgroundColor")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert hidden == "none" and background == "rgb(255, 255, 255)"


def test_pin_compares_two_settings(fresh):
    driver = fresh
    driver.find_element("id", "pin").click()
    _set(driver, "year", "2032")
    text = driver.find_element("css selector", ".pinned-diff[data-key=nato]").text
    late = compute(load_scenario("hague-2035", DATA), DATA).aggregates
    early = compute(load_scenario("hague-2035", DATA, overrides=["target.year=2032"]),
                    DATA).aggregates
    cum = "cum_extra_over_baseline_usd_bn"
    diff = (early.set_index(["group", "year"]).loc[("nato", 2035), cum]
            - late.set_index(["group", "year"]).loc[("nato", 2035), cum])
    assert text.startswith("Pinned (hague-2035)")
    assert f"{diff:+,.1f}".replace("-", "−") in text
    assert driver.find_elements("id", "trend-pinned")
    driver.find_element("id", "pin").click()
    assert driver.find_elements("css selector", ".pinned-diff") == []
    assert driver.get_log("browser") == []


def test_a_file_with_options_the_explorer_lacks_opens_with_a_note(browser, tmp_path):  # noqa: F811
    path = tmp_path / "mine.toml"
    path.write_text('extends = "hague-2035"\nname = "mine"\n[uncertainty]\n'
                    'growth_correlation = 0.5\n[path]\ndelivered_pct = 80\n', encoding="utf-8")
    scenario = load_scenario(path, DATA)
    page = explorer.write(explorer.build(scenario, DATA), tmp_path / "mine.html")
    browser.get(page.as_uri())
    notes = browser.find_element("id", "notes").text
    assert "80% of each increase delivered" in notes
    assert "sets uncertainty, which the explorer does not use" in notes
    _agree(compute(scenario, DATA), _table(browser))


# --------------------------------------------------------------------------- currencies

LCU = ("gdp_lcu_bn", "core_lcu_bn", "total_lcu_bn", "extra_over_baseline_lcu_bn",
       "cum_extra_over_baseline_lcu_bn", "cum_increase_over_base_share_lcu_bn")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= REL * max(abs(a), abs(b)) + 1e-12


def test_local_currency_for_one_ally_is_in_currency_s(fresh):
    """Germany in its own currency: the trend's figure, every converted column and the
    everyday terms are Result.in_currency('local')'s, to the digits shown."""
    from spendcalc.evidence.tradeoff import with_currency

    driver = fresh
    _set(driver, "focus", "DEU")
    _set(driver, "currency", "local")
    result = compute(load_scenario("hague-2035", DATA), DATA).in_currency("local")
    t = result.table.set_index(["iso3", "year"])
    label = driver.find_element("id", "trend-label").text
    assert label.endswith(f"EUR {t.loc[('DEU', 2035), 'total_lcu_bn']:,.1f} bn in 2035")
    js = driver.execute_script("return window.spendcalc.inCurrency('DEU')")
    assert [r["year"] for r in js] == list(range(2026, 2036))
    for row in js:
        assert row["currency"] == "EUR"
        assert row["usd_rate"] == t.loc[("DEU", row["year"]), "usd_rate"]
        for col in LCU:
            assert _close(row[col], t.loc[("DEU", row["year"]), col]), (col, row["year"])
    per_person = with_currency(tradeoff(result, member="DEU"), result).summary.iloc[0]
    text = driver.find_element("id", "everyday-terms").text
    assert f"EUR {per_person.above_baseline_lcu_per_person:,.0f}" in text
    note = driver.find_element("id", "currency-note").text
    assert note.startswith(f"Germany in EUR: {t.loc[('DEU', 2035), 'usd_rate']:,.4f} per US")
    # Groups and the table compare allies: they stay in dollars, and say so.
    assert driver.find_element("css selector", ".stat[data-key=nato] b").text.startswith("USD ")
    assert "USD bn" in driver.find_element("css selector", "#summary caption").text
    _set(driver, "focus", "nato")
    assert "stay in US dollars" in driver.find_element("id", "currency-note").text
    assert " USD " in driver.find_element("id", "trend-label").text
    assert driver.get_log("browser") == []


def test_one_currency_for_every_ally(fresh):
    """EUR everywhere: the table, its headings, the headline and the downloaded CSV are
    Result.in_currency('EUR')'s; the CSV in 'local' carries each ally's own."""
    driver = fresh
    _set(driver, "currency", "EUR")
    result = compute(load_scenario("hague-2035", DATA), DATA)
    eur = result.in_currency("EUR")
    t = eur.table.set_index(["iso3", "year"])
    assert _cell(driver, "DEU", "total_usd_bn") == f"{t.loc[('DEU', 2035), 'total_lcu_bn']:,.1f}"
    assert _cell(driver, "POL", "cum_extra_over_baseline_usd_bn") == (
        f"{t.loc[('POL', 2035), 'cum_extra_over_baseline_lcu_bn']:+,.1f}".replace("-", "−"))
    heads = driver.execute_script("return Array.from(document.querySelectorAll('#summary th'))"
                                  ".map(th => th.textContent)")
    assert "EUR bn 2035" in heads and "Cum. over 2%, EUR bn" in heads
    nato = eur.aggregates.set_index(["group", "year"]).loc[("nato", 2035), "total_lcu_bn"]
    stat = driver.find_element("css selector", ".stat[data-key=nato] b").text
    assert stat.startswith(f"EUR {nato:,.1f} bn")
    for choice in ("EUR", "local"):
        _set(driver, "currency", choice)
        lines = driver.execute_script("return window.spendcalc.csv()").splitlines()
        head = lines[0].split(",")
        assert head[-9:-7] == ["currency", "usd_rate"] and head[-1] == (
            "cum_extra_over_baseline_lcu_bn")
        table = result.in_currency(choice).table
        assert len(lines) == 1 + len(table)
        for line, (_, want) in zip(lines[1:], table.iterrows(), strict=True):
            cells = dict(zip(head, line.split(","), strict=True))
            assert cells["currency"].strip('"') == want.currency
            for col in ("total_lcu_bn", "cum_extra_over_baseline_lcu_bn"):
                if math.isnan(want[col]):
                    assert cells[col] == ""
                else:
                    assert _close(float(cells[col]), want[col]), (col, want.iso3)
    assert driver.get_log("browser") == []


def test_currency_survives_the_link_and_needs_rates(browser, pages):  # noqa: F811
    browser.get("about:blank")
    browser.get(pages["nato-2026"].as_uri() + "#p=hague-2035&focus=POL&cur=local")
    assert browser.execute_script("return window.spendcalc.state().currency") == "local"
    assert " PLN " in browser.find_element("id", "trend-label").text
    # An edition without national-currency figures: dollars only, disabled, and why.
    browser.get("about:blank")
    browser.get(pages["nato-2025"].as_uri() + "#p=hague-2035&focus=POL&cur=local")
    assert browser.execute_script("return window.spendcalc.state().currency") == "USD"
    select = browser.find_element("id", "currency")
    assert not select.is_enabled()
    assert [o.get_attribute("value") for o in select.find_elements("tag name", "option")] == [
        "USD"]
    assert "US dollars only" in browser.find_element("id", "currency-note").text
    assert " USD " in browser.find_element("id", "trend-label").text
    assert browser.get_log("browser") == []


# --------------------------------------------------------------------------- estimates


def test_published_estimates_are_presets_computed_exactly(browser, pages):  # noqa: F811
    """Every estimate's scenario runs in the page exactly as in Python on the page's data
    (nothing approximated), on both editions."""
    from spendcalc.evidence import literature

    for edition in ("nato-2026", "nato-2025"):
        data = load_dataset(None, edition)
        browser.get(pages[edition].as_uri())
        shown = browser.execute_script("return window.spendcalc.data.published.estimates")
        assert len(shown) == len(literature.load_estimates())
        for name in shown:
            preset = browser.execute_script("return window.spendcalc.data.presets[arguments[0]]",
                                            name)
            scenario = Scenario.model_validate(preset)
            _agree(compute(scenario, data), _js_table(browser, preset))


def test_choosing_an_estimate_shows_its_source(fresh):
    from spendcalc.evidence import literature

    driver = fresh
    group = driver.find_element("css selector", "#preset optgroup[label='Published estimates']")
    labels = [o.text for o in group.find_elements("tag name", "option")]
    estimates = literature.load_estimates()
    assert sorted(labels) == sorted(e.source["short"] for e in estimates)
    assert driver.find_element("id", "preset-source").get_attribute("hidden") == "true"
    est = next(e for e in estimates if e.id == "pbo-canada-2026")
    _set(driver, "preset", est.id)
    driver.execute_script("document.getElementById('preset')"
                          ".dispatchEvent(new Event('change', {bubbles: true}))")
    state = driver.execute_script("return window.spendcalc.state()")
    assert state["preset"] == est.id and state["focus"] == "CAN"  # one ally: shown
    doc = literature.scenario_of(est.document, DATA, est.id)
    assert state["core"] == doc.target.core_pct and state["baseline"] == doc.baseline_pct
    _agree(compute(doc, DATA), _table(driver))
    text = driver.find_element("id", "preset-source").text
    for key in ("author", "date", "url", "value_text"):
        assert est.source[key] in text
    assert f"Encoded on the {est.edition} data; this page computes it on nato-2026" in text
    assert f"spendcalc literature --id {est.id}" in text
    assert driver.get_log("browser") == []
    _set(driver, "core", "4.5")
    assert "no longer this estimate's assumptions" in driver.find_element(
        "id", "preset-source").text

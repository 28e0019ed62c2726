"""spendcalc report: one self-contained HTML page; its numbers are the projection table's.

No browser here (tests/test_report_browser.py opens the page in Chromium): the file's
content, its sections, every number in its tables against the table, reproducible bytes,
the comparison section, and bad input.
"""

from __future__ import annotations

import html
import math
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc.core import compare
from spendcalc.core.errors import OutputError
from spendcalc.evidence import claims
from spendcalc.views import report

CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
runner = CliRunner()


def invoke(*args):
    from spendcalc.cli.app import app

    return runner.invoke(app, list(map(str, args)))


# The hand-checked figures below are the nato-2025 edition's (base year 2025).
OLD = spendcalc.load_dataset(edition="nato-2025")


def run(name):
    return spendcalc.compute(spendcalc.load_scenario(name, OLD), OLD)


@pytest.fixture(scope="module")
def hague():
    return run("hague-2035")


@pytest.fixture(scope="module")
def claim_results():
    return claims.check_all(None, claims.load_evidence(OLD))


@pytest.fixture(scope="module")
def page(hague, claim_results):
    return report.build([hague], claim_results=claim_results, created=CREATED,
                        command="spendcalc report hague-2035")


@pytest.fixture(scope="module")
def several(hague, claim_results):
    results = [hague, run("rutte-2032"), run("status-quo")]
    return results, report.build(results, claim_results=claim_results, created=CREATED)


class Page(HTMLParser):
    """Tags with their attributes, element ids, and every numeric cell with its context."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.cells: list[dict[str, str]] = []
        self._table: list[str] = []
        self._key: str | None = None
        self._cell: dict[str, str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "table":
            self._table.append(a.get("id", ""))
        elif tag in ("tr", "p") and "data-key" in a:
            self._key = a["data-key"]
        elif "data-col" in a:
            key = a.get("data-key") or self._key or ""
            self._cell = {**a, "tag": tag, "table": self._table[-1] if self._table else "",
                          "key": key, "text": ""}

    def handle_endtag(self, tag):
        if tag == "table" and self._table:
            self._table.pop()
        if tag in ("tr", "p"):
            self._key = None
        if self._cell is not None and tag == self._cell["tag"]:
            self.cells.append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data


def fmt(value: float, kind: str) -> str:
    """How the report writes each kind of number (report.money, pct, share)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "share":
        return f"{value:.1f}%"
    text = f"{value:+,.1f}" if kind == "signed" else (
        f"{value:.2f}" if kind == "pct" else f"{value:,.1f}")
    if text.lstrip("+-") == "0.0":
        text = "0.0"
    return text.replace("-", "−")


KINDS = {"core_pct": "pct", "total_pct": "pct", "target_total_pct": "pct",
         "extra_over_baseline_usd_bn": "signed", "cum_extra_over_baseline_usd_bn": "signed",
         "share_of_total_pct": "share"}


# --------------------------------------------------------------------------- self-contained

def test_the_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page  # not even namespace URLs
    assert "@import" not in page and "@font-face" not in page
    assert not re.search(r"url\((?!#)", page), "only url(#id) references inside the SVGs"
    parsed = Page(page)
    for tag, attrs in parsed.tags:
        assert tag not in ("img", "iframe", "object", "embed", "audio", "video", "source"), tag
        if tag == "script":
            assert "src" not in attrs
        if tag == "link":
            assert attrs.get("rel") == "icon" and attrs.get("href") == "data:,", attrs
        for name in ("src", "href", "xlink:href", "action", "poster", "srcset"):
            if name in attrs:
                assert attrs[name].startswith("#") or attrs[name] == "data:,", (tag, attrs)
                if attrs[name].startswith("#") and len(attrs[name]) > 1:
                    assert attrs[name][1:] in parsed.ids, f"{attrs[name]} points nowhere"
    assert [t for t, _ in parsed.tags].count("script") == 1
    assert [t for t, _ in parsed.tags].count("style") >= 1


def test_element_ids_are_unique_across_the_inlined_charts(page):
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_assets_ship_inside_the_package():
    from importlib import resources

    base = resources.files("spendcalc") / "report_assets"
    assert "@media print" in (base / "report.css").read_text(encoding="utf-8")
    assert "sortable" in (base / "sort.js").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- sections

def test_the_page_has_every_section(page, hague):
    parsed = Page(page)
    for key in ("s1", "s1-gap", "s1-paths", "s1-aggregates", "s1-members", "s1-assumptions",
                "claims", "claims-checked", "claims-not-checkable", "sources",
                "s1-members", "s1-aggregates"):
        assert key in parsed.ids, key
    assert "comparison" not in parsed.ids  # one scenario: no comparison
    # Title, scenario, vintage, version, creation date are visible at the top.
    head = page[:page.index("<main>")]
    assert "<h1>NATO defence spending to 2035: hague-2035</h1>" in head
    assert hague.meta["data_vintage"] in head
    assert f"version {spendcalc.__version__}" in head
    assert "2026-01-02 03:04 UTC" in head
    assert hague.scenario.description in head
    # Three charts, inline SVG: the gap chart and the two paths charts.
    charts = [a["data-chart"] for t, a in parsed.tags if t == "figure"]
    assert charts == ["s1-gap", "s1-paths-largest", "s1-paths-behind"]
    assert page.count("<svg ") == 3
    assert 'id="chart-s1-gap-gap-total-DEU"' in page  # the chart's own element ids, prefixed
    # Assumptions in words.
    assert "Exemption: Spain." in page and "Spain negotiated flexibility" in page
    assert "3.5% of GDP on core defence" in page
    # Print styles: page breaks, light backgrounds.
    assert "@media print" in page and "break-before: page" in page


def test_the_report_and_the_chart_footers_say_the_assumptions_in_the_same_words():
    """One set of words (views/words.py): what the report lists in full, a chart footer says
    briefly, for the same typed Scenario; a --set change shows in both."""
    from spendcalc.views import charts, words

    scenario = spendcalc.load_scenario("hague-front-loaded", OLD, overrides=[
        "growth.shock.year=2028", "growth.shock.pct=-1", "path.delivered_pct=80"])
    result = spendcalc.compute(scenario, OLD)
    page = report.build([result], created=CREATED)
    items = words.assumptions(scenario, OLD)
    listed = re.search(r'<ul class="assumptions">(.*?)</ul>', page, re.S)
    assert listed is not None
    assert listed.group(1).count("<li>") == len(items)
    for item in items:
        assert f"<strong>{html.escape(item.topic, quote=False)}.</strong>" in listed.group(1)
    assert "In 2028 every ally's growth changes by -1 points." in listed.group(1)
    assert "Only 80% of each planned change is delivered" in listed.group(1)
    brief = words.brief(scenario, OLD)
    assert brief == ("3.5% core + 1.5% related by 2035; front-loaded path; 80% of the planned "
                     "rise delivered; exempt: ESP 2.1%; IMF WEO growth; -1 pt growth shock in "
                     "2028")
    footer = charts.footer_text([charts.as_run(result)])
    assert f"Scenario {scenario.name}: {brief}." in footer
    assert brief in page  # the scenario's heading gives the brief words too


def test_paths_show_the_largest_and_the_furthest_behind(hague):
    assert report.largest(hague) == ["USA", "DEU", "GBR", "FRA", "ITA", "CAN"]
    behind, below = report.furthest_behind(hague)
    base = hague.table[hague.table.year == 2025].set_index("iso3")
    gaps = (base.target_core_pct - base.core_pct).dropna()
    assert below and len(behind) == 6
    assert min(gaps[behind]) >= max(gaps.drop(behind))  # nobody left out is further behind
    # Without a target: the lowest core shares.
    quo = run("status-quo")
    lowest, below = report.furthest_behind(quo)
    shares = quo.table[quo.table.year == 2025].set_index("iso3").core_pct.dropna()
    assert not below and len(lowest) == 6
    assert max(shares[lowest]) <= min(shares.drop(lowest))


# --------------------------------------------------------------------------- numbers

def test_member_table_cells_are_the_projection_table(page, hague):
    cells = [c for c in Page(page).cells if c["table"] == "s1-members-table"]
    t = hague.table.set_index(["iso3", "year"])
    assert len(cells) == 32 * 9
    for c in cells:
        value = t.loc[(c["key"], int(c["data-year"])), c["data-col"]]
        if isinstance(value, float) and math.isnan(value):
            assert c["data-v"] == "" and c["text"] == "—"
            continue
        assert float(c["data-v"]) == float(value), c
        assert c["text"] == fmt(float(value), KINDS.get(c["data-col"], "money")), c
    # Germany's 2035 spending, as the terminal prints it.
    deu = t.loc[("DEU", 2035), "total_usd_bn"]
    [cell] = [c for c in cells if c["key"] == "DEU" and c["data-col"] == "total_usd_bn"
              and c["data-year"] == "2035"]
    assert cell["text"] == f"{deu:,.1f}" == "322.0"


def test_aggregate_table_and_sentences_are_the_aggregates(page, hague):
    parsed = Page(page)
    a = hague.aggregates.set_index(["group", "year"])
    cells = [c for c in parsed.cells if c["table"] == "s1-aggregates-table"]
    assert {c["key"] for c in cells} == set(hague.aggregates.group)
    for c in cells:
        if c["data-col"] == "n_members":
            assert c["text"] == str(int(a.loc[(c["key"], 2035), "n_members"]))
            continue
        value = float(a.loc[(c["key"], int(c["data-year"])), c["data-col"]])
        assert float(c["data-v"]) == value
        assert c["text"] == fmt(value, KINDS.get(c["data-col"], "money")), c
    # The US share of the total comes from the member table.
    us = [c for c in parsed.cells if c["key"] == "USA" and c["table"] == ""]
    t = hague.table.set_index(["iso3", "year"])
    assert [c["text"] for c in us] == [f"{t.loc[('USA', y), 'share_of_total_pct']:.1f}%"
                                       for y in (2025, 2035)] == ["61.1%", "55.1%"]
    # The summary sentence's numbers are the NATO total's cells.
    nato = a.loc[("nato", 2035)]
    assert f"USD {nato.total_usd_bn:,.1f} bn ({nato.total_pct:.2f}%) in 2035" in page
    assert f"USD {nato.cum_extra_over_baseline_usd_bn:,.1f} bn more in all than 2%" in page


def test_claims_section_has_the_summary_and_every_claim(page, claim_results):
    checkable = [r for r in claim_results if r.claim.check.kind != "not_checkable"]
    assert (f"<strong>{len(claim_results)} claims.</strong> {len(checkable)} have a check "
            "against the data") in page
    parsed = Page(page)
    for r in claim_results:
        assert f"claim-{r.claim.id}" in parsed.ids
    mixed = [r.claim.id for r in checkable if r.verdict == "mixed"]
    for cid in mixed:
        assert f'<tr id="claim-{cid}" data-verdict="mixed">' in page
    assert "What is claimed" in page and "What the data say" in page
    # Every outcome's numbers, as the claims command prints them (HTML-escaped).
    import html

    for r in checkable:
        for o in r.check.outcomes:
            assert html.escape(o.detail, quote=True) in page


def test_claims_name_documents_by_title_and_not_checkable_ones_are_collapsed_last(
        page, claim_results):
    import html

    section = page[page.index('<section id="claims"'):page.index('<section id="sources"')]
    assert ".txt" not in section
    for r in claim_results:
        assert html.escape(r.claim.document_title, quote=True) in section
    checked, details = section.index('id="claims-table"'), section.index("<details")
    assert checked < details < section.index('id="claims-rest"') < section.index("</details>")
    rest = section[details:]
    assert all(f'id="claim-{r.claim.id}"' in rest for r in claim_results
               if r.claim.check.kind == "not_checkable")
    assert 'data-verdict="not_checkable"' not in section[:details]
    assert "<details open" not in section


def test_sources_section_names_the_vintage_and_sources(page, hague):
    sources = page[page.index('<section id="sources"'):]
    assert hague.meta["data_vintage"] in sources
    for sid, title in hague.meta["sources"].items():
        assert sid in sources
        import html

        assert html.escape(title, quote=True) in sources
    assert "spendcalc report hague-2035" in sources


# --------------------------------------------------------------------------- comparison

def test_several_scenarios_add_a_comparison(several):
    results, text = several
    parsed = Page(text)
    assert "comparison" in parsed.ids and "cmp-spending" in parsed.ids
    assert "cmp-cumulative" in parsed.ids
    assert {"s1", "s2", "s3"} <= parsed.ids  # each scenario keeps its own sections
    assert "<h1>NATO defence spending to 2035: hague-2035 vs rutte-2032 vs status-quo</h1>" \
        in text
    # Compare charts: rutte-2032 differs most from hague-2035 in its own target year.
    assert report.chart_year(results[0], results[1]) == 2032
    charts = [a["data-chart"] for t, a in parsed.tags if t == "figure"]
    assert charts[:2] == ["cmp-chart-2", "cmp-chart-3"]
    assert "Spending in 2032: rutte-2032 minus hague-2035" in text
    # Every comparison cell is whatif.compare's (the table of spendcalc compare).
    table = compare.compare(results).set_index(["key", "scenario"])
    cells = [c for c in parsed.cells if c["table"].startswith("cmp-")]
    seen = set()
    for c in cells:
        col = c["data-col"]
        value = float(table.loc[(c["key"], c["data-scenario"]), col])
        kind = "signed" if col.endswith("_vs_first") else KINDS.get(col, "money")
        assert c["data-v"] == ("" if math.isnan(value) else repr(value))
        assert c["text"] == fmt(value, kind), c
        seen.add(col)
    # 32 members and 2 groups; spending: 3 USD + 3 shares + 2 differences; cumulative: 3 + 2.
    assert len(cells) == 34 * (8 + 5)
    assert seen == {"total_usd_bn", "total_pct", "total_usd_bn_vs_first",
                    "cum_extra_over_baseline_usd_bn", "cum_extra_over_baseline_usd_bn_vs_first"}


def test_identical_scenarios_get_no_empty_difference_chart(claim_results):
    a = run("status-quo")
    b = run("wales-2pct")
    assert report.chart_year(a, b) is None
    text = report.build([a, b], claim_results=claim_results, created=CREATED)
    assert "give the same NATO total in every year" in text
    assert "cmp-chart-2" in text and 'data-chart="cmp-chart-2"' not in text


# --------------------------------------------------------------------------- reproducible

def test_same_inputs_give_the_same_bytes(page, hague, claim_results):
    again = report.build([hague], claim_results=claim_results, created=CREATED,
                         command="spendcalc report hague-2035")
    assert again == page
    later = report.build([hague], claim_results=claim_results,
                         created=datetime(2027, 5, 6, 7, 8, tzinfo=UTC),
                         command="spendcalc report hague-2035")
    stamp = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d\+00:00)?( UTC)?")
    assert later != page and stamp.sub("T", later) == stamp.sub("T", page)


def test_source_date_epoch_fixes_the_creation_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767323045")
    assert report.creation_time() == CREATED
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert report.creation_time().tzinfo is UTC


def test_command_writes_identical_files_with_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767323045")
    monkeypatch.chdir(tmp_path)
    res = invoke("report")
    assert res.exit_code == 0, res.output
    first = tmp_path / "report-hague-2035.html"  # the default name
    assert res.stdout.startswith(f"wrote {first.name} (")
    before = first.read_bytes()
    res = invoke("report", "--force")
    assert res.exit_code == 0, res.output
    after = first.read_text(encoding="utf-8")
    # The same command, apart from --force, which the Command line repeats as typed.
    assert after.replace("spendcalc report --force", "spendcalc report") == before.decode()
    assert "2026-01-02 03:04 UTC" in after
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary file left


def test_the_command_line_is_the_command_as_typed(tmp_path):
    out = tmp_path / "my report.html"
    res = invoke("report", "rutte-2032", "-o", out, "--set", "description=Two words",
                 "--edition", "nato-2025")
    assert res.exit_code == 0, res.output
    typed = (f"spendcalc report rutte-2032 -o '{out}' --set 'description=Two words' "
             "--edition nato-2025")
    assert f"<code>{html.escape(typed)}</code>" in out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the command

def test_existing_file_needs_force(tmp_path):
    out = tmp_path / "r.html"
    out.write_text("mine")
    res = invoke("report", "-o", out)
    assert res.exit_code == 2
    assert res.stderr == f"error: {out}: file exists; use --force to overwrite it\n"
    assert out.read_text() == "mine"
    res = invoke("report", "-o", out, "--force")
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_default_name_for_several_scenarios(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report-hague-2035-vs-rutte-2032.html").write_text("x")
    res = invoke("report", "hague-2035", "rutte-2032")
    assert res.exit_code == 2
    assert res.stderr == ("error: report-hague-2035-vs-rutte-2032.html: file exists; use "
                          "--force to overwrite it\n")


@pytest.mark.parametrize(("args", "message"), [
    (["hauge-2035"], "error: unknown scenario 'hauge-2035': did you mean 'hague-2035'?"),
    (["missing.toml"], "error: missing.toml: file not found"),
    (["-o", "{tmp}/r.pdf"], "error: {tmp}/r.pdf: PDF is not supported; write .html and use "
                            "the browser's Print > Save as PDF (the page has print styles)"),
    (["-o", "{tmp}/r.txt"], "error: {tmp}/r.txt: unsupported suffix '.txt'; allowed: .html, "
                            ".htm"),
    (["hague-2035", "hague-2035", "-o", "{tmp}/r.html"],
     "error: scenario 'hague-2035' is given twice; give each scenario once"),
    (["--set", "target.yaer=2030", "-o", "{tmp}/r.html"], "error: --set"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    res = invoke("report", *args)
    assert res.exit_code == 2, res.output
    err = res.stderr
    assert err.startswith(message.replace("{tmp}", str(tmp_path))), err
    assert len(err.strip().splitlines()) == 1 and res.stdout == ""
    assert not list(tmp_path.glob("*.html"))


def test_set_applies_to_the_report(tmp_path):
    out = tmp_path / "r.html"
    res = invoke("report", "--set", "target.year=2032", "-o", out)
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert f"spendcalc report -o {out} --set target.year=2032" in text
    assert "reached in 2032 and held after" in text


def test_usage_errors_through_the_console_script_are_one_line(tmp_path):
    code = ("import sys; from spendcalc.cli import app as cli\n"
            "sys.argv = ['spendcalc', 'report', '--nope']; cli.main()")
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 2 and res.stderr.startswith("error: ")
    assert len(res.stderr.strip().splitlines()) == 1


def test_the_command_module_is_import_light():
    code = ("import sys; import spendcalc.cli.report\n"
            "heavy = [m for m in ('pandas', 'matplotlib', 'numpy', 'pydantic')\n"
            "         if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSTARTUP"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, env=env)
    assert "HEAVY []" in res.stdout, res.stdout + res.stderr


def test_report_file_is_an_html_page_others_can_open(tmp_path, page):
    path = report.write(page, tmp_path / "r.html")
    assert path.read_bytes() == page.encode("utf-8")
    with pytest.raises(OutputError):
        report.write(page, tmp_path / "r.html")
    assert Path(report.default_output(["a", "b"])) == Path("report-a-vs-b.html")

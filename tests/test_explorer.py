"""spendcalc explore without a browser: the file, its policy, its data, the command.

What the page computes is checked in a real browser (tests/test_explorer_browser.py); here,
that the file is one self-contained page under 1 MB whose Content-Security-Policy allows
exactly its own script and style, that it embeds the data the command was given (edition,
--data DIR), and that the command behaves like every other output command.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spendcalc.cli.app import app
from spendcalc.io.data import load_dataset
from spendcalc.io.scenarios import load_scenario, ready_scenarios
from spendcalc.views import explorer

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def _embedded(text: str) -> dict:
    blob = re.search(r'<script type="application/json" id="spendcalc-data">(.*?)</script>',
                     text, re.S)
    assert blob is not None
    return json.loads(blob.group(1))


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def page() -> str:
    data = load_dataset()
    return explorer.build(load_scenario("hague-2035", data), data)


def test_one_small_page_whose_policy_allows_only_its_own_code(page):
    assert len(page.encode()) <= explorer.MAX_BYTES
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1).replace("&#x27;", "'")
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(scripts) == 1 and len(styles) == 1
    assert policy == (f"default-src 'none'; script-src {_sha(scripts[0])}; "
                      f"style-src {_sha(styles[0])}; img-src data:; base-uri 'none'; "
                      "form-action 'none'")
    # Nothing that could fetch: no external URLs, no src/href attributes pointing anywhere.
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page


def test_embeds_the_dataset_and_every_ready_scenario(page):
    data = load_dataset()
    embedded = _embedded(page)
    assert embedded["edition"] == "nato-2026"
    assert embedded["base_years"] == list(data.base_years)
    assert set(embedded["presets"]) == {r.name for r in ready_scenarios()}
    assert embedded["presets"]["rutte-2032"] == load_scenario(
        "rutte-2032", data).model_dump(mode="json")
    deu = data.index("DEU")
    assert embedded["base_gdp_usd_bn"]["2026"][deu] == data.gdp_in(2026)[deu]
    assert embedded["base_share_pct"]["2025"][deu] == data.share_in(2025)[deu]
    isl = data.index("ISL")
    assert embedded["base_share_pct"]["2026"][isl] is None  # no armed forces: NaN -> null


def test_command_writes_the_page_and_never_overwrites(tmp_path):
    out = tmp_path / "class" / "e.html"
    res = invoke("explore", "rutte-2032", "-o", out)
    assert res.exit_code == 0, res.output
    assert f"wrote {out}" in res.output
    assert _embedded(out.read_text(encoding="utf-8"))["initial"] == "rutte-2032"
    again = invoke("explore", "-o", out)
    assert again.exit_code == 2
    assert "file exists; use --force" in again.output
    assert invoke("explore", "-o", out, "--force").exit_code == 0
    bad = invoke("explore", "-o", tmp_path / "e.pdf")
    assert bad.exit_code == 2 and "error:" in bad.output


def test_a_changed_scenario_is_added_and_opened(tmp_path):
    out = tmp_path / "e.html"
    res = invoke("explore", "--set", "target.year=2031", "-o", out)
    assert res.exit_code == 0, res.output
    embedded = _embedded(out.read_text(encoding="utf-8"))
    assert embedded["presets"][embedded["initial"]]["target"]["year"] == 2031
    assert len(embedded["presets"]) == len(ready_scenarios())  # replaces its ready namesake


def test_edition_and_own_data_are_what_the_page_embeds(tmp_path, data_copy):
    out = tmp_path / "e.html"
    assert invoke("explore", "--edition", "nato-2025", "-o", out).exit_code == 0
    embedded = _embedded(out.read_text(encoding="utf-8"))
    assert embedded["edition"] == "nato-2025" and embedded["base_years"] == [2024, 2025]
    # A user's GDP file replaces the bundled one: the page carries the user's numbers.
    gdp = data_copy / "gdp.csv"
    lines = gdp.read_text(encoding="utf-8").splitlines()
    row = next(i for i, x in enumerate(lines) if x.startswith("DEU,2024,"))
    cells = lines[row].split(",")
    cells[2] = "5000.0"
    lines[row] = ",".join(cells)
    gdp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    own = load_dataset(data_copy, "nato-2025")
    out2 = tmp_path / "own.html"
    res = invoke("explore", "--data", data_copy, "--edition", "nato-2025", "-o", out2)
    assert res.exit_code == 0, res.output
    embedded = _embedded(out2.read_text(encoding="utf-8"))
    assert embedded["base_gdp_usd_bn"]["2024"][own.index("DEU")] == 5000.0
    assert "your data" in embedded["vintage"]


def test_bad_scenario_is_one_line_error(tmp_path):
    res = invoke("explore", "no-such-scenario", "-o", tmp_path / "e.html")
    assert res.exit_code == 2
    assert res.output.startswith("error: ")
    assert not (tmp_path / "e.html").exists()


def test_show_json_prints_the_resolved_scenario():
    res = invoke("show", "hague-2035", "--json", "--set", "target.year=2033")
    assert res.exit_code == 0, res.output
    shown = json.loads(res.output)
    assert shown["target"]["year"] == 2033 and shown["exemptions"]["ESP"]["core_pct"] == 2.1


def test_assets_ship_inside_the_package():
    folder = Path(explorer.__file__).parent / explorer.ASSETS
    for name in (*explorer.SCRIPTS, "explorer.css", "explorer.html"):
        assert (folder / name).is_file()


def test_open_hands_the_file_to_the_browser(tmp_path, monkeypatch):
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    out = tmp_path / "e.html"
    assert invoke("explore", "-o", out, "--open").exit_code == 0
    assert opened == [out.resolve().as_uri()]

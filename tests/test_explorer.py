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
from spendcalc.core.result import compute
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
    # The only addresses are the published estimates' sources, shown as text from the data.
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    data = re.search(r'<script type="application/json" id="spendcalc-data">.*?</script>', page,
                     re.S)
    assert data is not None
    rest = page.replace(data.group(0), "")
    assert "http://" not in rest.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in rest
    urls = {e["url"] for e in _embedded(page)["published"]["estimates"].values()}
    assert set(re.findall(r'"(https?://[^"]*)"', data.group(0))) <= urls


def test_embeds_the_dataset_and_every_ready_scenario(page):
    data = load_dataset()
    embedded = _embedded(page)
    assert embedded["edition"] == "nato-2026"
    assert embedded["base_years"] == list(data.base_years)
    published = set(embedded["published"]["estimates"])
    assert set(embedded["presets"]) == {r.name for r in ready_scenarios()} | published
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
    published = embedded["published"]["estimates"]
    assert len(embedded["presets"]) == len(ready_scenarios()) + len(published)  # replaces
    # its ready namesake


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


# --------------------------------------------------------------------------- currencies


def test_embedded_rates_are_the_ones_results_are_converted_at():
    """The page multiplies by these rates; they must be Result.in_currency's, every year
    from the earliest base year on (the base-year control reaches back to 2024)."""
    data = load_dataset()
    rates = explorer.currency_payload(data, [load_scenario("hague-2035", data)])
    assert rates["available"] and rates["years"] == list(range(2024, 2036))
    for base in (2024, 2026):
        result = compute(load_scenario("hague-2035", data, overrides=[f"base_year={base}"]),
                         data)
        local = result.in_currency("local").table
        for code in ("DEU", "POL", "CAN", "USA"):
            rows = local[local.iso3 == code]
            assert rows.usd_rate.tolist() == rates["local"][code][base - 2024:], (code, base)
        for code in ("EUR", "GBP"):
            table = result.in_currency(code).table
            assert (table[table.iso3 == "POL"].usd_rate.tolist()
                    == rates["common"][code][base - 2024:]), (code, base)
    assert rates["member_currency"]["POL"] == "PLN" and rates["local"]["USA"][0] == 1.0
    assert rates["local"]["ISL"][0] is None  # no currency in NATO's table: NaN -> null


def test_an_edition_without_rates_says_so():
    data = load_dataset(None, "nato-2025")
    rates = explorer.currency_payload(data, [load_scenario("hague-2035", data)])
    assert rates["available"] is False
    assert "US dollars only" in rates["note"] and "--edition nato-2026" in rates["note"]


def test_a_scenario_fixing_rates_gets_its_own(tmp_path):
    data = load_dataset()
    path = tmp_path / "fixed.toml"
    path.write_text('extends = "hague-2035"\nname = "fixed"\n[currency]\nEUR_per_USD = 0.9\n',
                    encoding="utf-8")
    fixed = load_scenario(path, data)
    rates = _embedded(explorer.build(fixed, data, estimates=False))["currency"]
    [own] = rates["fixed"]
    assert own["currency"] == {"EUR_per_USD": 0.9}
    assert set(own["local"]["FRA"]) == {0.9} and own["common"]["EUR"] == own["local"]["DEU"]
    table = compute(fixed, data).in_currency("local").table
    assert table[table.iso3 == "DEU"].usd_rate.tolist() == own["local"]["DEU"][2:]
    assert rates["local"]["FRA"] != own["local"]["FRA"]  # the others keep NATO's rates


# --------------------------------------------------------------------------- estimates


def test_every_published_estimate_is_a_preset_with_its_source(page):
    from spendcalc.evidence import literature

    data = load_dataset()
    embedded = _embedded(page)
    shown = embedded["published"]["estimates"]
    estimates = literature.load_estimates()
    assert len(estimates) >= 12 and embedded["published"]["skipped"] == []
    for est in estimates:
        name = next(n for n, s in shown.items() if s["id"] == est.id)
        assert embedded["presets"][name] == literature.scenario_of(
            est.document, data, est.id).model_copy(update={"name": name}).model_dump(
            mode="json")
        for key in ("short", "author", "title", "date", "url", "value_text"):
            assert shown[name][key] == est.source[key]
        assert shown[name]["edition"] == (est.edition or "nato-2026")
        assert shown[name]["same_edition"] == (shown[name]["edition"] == "nato-2026")


def test_estimates_on_their_own_edition_are_marked_so():
    data = load_dataset(None, "nato-2025")
    _, info = explorer.published_presets(data, set())
    assert info["estimates"]
    for est in info["estimates"].values():
        assert est["same_edition"] == (est["edition"] == "nato-2025")


def test_an_estimate_that_does_not_load_is_listed_not_dropped(tmp_path, monkeypatch):
    from spendcalc.evidence import literature

    good = literature.published_dir() / "pbo-canada-2026.toml"
    (tmp_path / "good.toml").write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "broken.toml").write_text('extends = "hague-2035"\nbase_year = 1990\n'
                                          + good.read_text(encoding="utf-8")
                                          .split("[published]", 1)[1].join(["[published]",
                                                                             ""]),
                                          encoding="utf-8")
    monkeypatch.setattr(literature, "published_dir", lambda: tmp_path)
    data = load_dataset()
    presets, info = explorer.published_presets(data, {"hague-2035", "good"})
    assert [p.name for p in presets] == ["published-pbo-canada-2026"]  # "good" is taken
    assert list(info["estimates"]) == ["published-pbo-canada-2026"]
    [skipped] = info["skipped"]
    assert skipped.startswith("broken: ") and "base_year" in skipped

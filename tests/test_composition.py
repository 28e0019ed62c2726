"""Scenario composition: extends chains, --set, show and new."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc import load_scenario
from spendcalc.cli.app import app
from spendcalc.core.errors import ScenarioError
from spendcalc.core.models import Scenario
from spendcalc.core.scenario_toml import to_toml

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


def resolved_child() -> Scenario:
    return load_scenario(FIXTURES / "child.toml", overrides=["growth.real_offset=-0.5",
                                                             "target.related_pct=1.0"])


def test_extends_chain_with_set_matches_golden_toml():
    # Rewrite with: python -c "from tests.test_composition import *; write_golden()"
    text = to_toml(resolved_child())
    assert text == (GOLDEN / "resolved-child.toml").read_text(encoding="utf-8")


def write_golden() -> None:  # pragma: no cover - a helper for deliberate changes
    (GOLDEN / "resolved-child.toml").write_text(to_toml(resolved_child()), encoding="utf-8")


def test_chain_resolves_each_level():
    s = resolved_child()
    assert s.name == "child"
    assert s.target.year == 2032 and s.target.core_pct == 3.5  # parent, then hague-2035
    assert s.target.related_pct == 1.0 and s.growth.real_offset == -0.5  # --set
    assert s.growth.shock.year == 2027 and s.growth.shock.pct == -3.0  # parent
    assert s.exemptions == {}  # removed by the child
    assert [(m.member, m.year) for m in s.milestones] == [("DEU", 2029)]
    assert "--set growth.real_offset=-0.5" in s.description


def test_set_reaches_the_numbers():
    base = spendcalc.project(load_scenario("hague-2035"))
    later = spendcalc.project(load_scenario("hague-2035", overrides=["target.year=2040",
                                                                      "horizon=2040"]))
    deu = lambda t, y: t[(t.iso3 == "DEU") & (t.year == y)].core_pct.item()  # noqa: E731
    assert deu(base, 2035) == pytest.approx(3.5)
    assert deu(later, 2035) == pytest.approx(2.69 + 0.81 * 9 / 14)
    spain = load_scenario("hague-2035", overrides=["exemptions.ESP=none"])
    assert spain.exemptions == {}


@pytest.mark.parametrize(("overrides", "message"), [
    (["target.yaer=2030"], r"--set \(hague-2035.toml\): target.yaer: unknown key; did you "
                           r"mean 'year'\?"),
    (["target.year=abc"], r"target.year: 'abc' is not allowed; allowed: a whole number"),
    (["target.core_pct=120"], r"target.core_pct: 120 is out of range; allowed: from 0 to 100"),
    (["nokey"], r"--set 'nokey': expected KEY=VALUE"),
    (["target.year.x=1"], r"target.year is a value, not a table"),
    (["members=[\"GER\"]"], r"'GER' is not a NATO member code; did you mean DEU"),
])
def test_bad_set_is_one_clear_line(overrides, message):
    with pytest.raises(ScenarioError, match=message):
        load_scenario("hague-2035", overrides=overrides)


def test_extends_cycle_and_missing_parent(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match=r"extends: cycle a.toml -> b.toml -> a.toml"):
        load_scenario(tmp_path / "a.toml")
    (tmp_path / "c.toml").write_text('extends = "nowhere.toml"\n')
    with pytest.raises(ScenarioError, match=r"c.toml: extends: 'nowhere.toml' not found"):
        load_scenario(tmp_path / "c.toml")
    (tmp_path / "d.toml").write_text('extends = "hauge-2035"\n')
    with pytest.raises(ScenarioError, match=r"extends: unknown scenario 'hauge-2035': did you "
                                            r"mean 'hague-2035'"):
        load_scenario(tmp_path / "d.toml")


def test_show_prints_toml_that_loads_back_to_the_same_scenario():
    res = runner.invoke(app, ["show", str(FIXTURES / "child.toml"), "--set",
                              "growth.real_offset=-0.5", "--set", "target.related_pct=1.0"])
    assert res.exit_code == 0, res.output
    assert Scenario.model_validate(tomllib.loads(res.output)) == resolved_child()


@pytest.mark.parametrize("source", ["hague-2035", "national-plans", "status-quo"])
def test_new_writes_a_commented_file_equal_to_its_source(tmp_path, monkeypatch, source):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["new", "mine", "--from", source])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "mine.toml").read_text()
    assert "# Core defence spending (NATO definition), percent of GDP." in text or (
        source == "status-quo")
    assert "# The old Wales guideline the gaps are measured against" in text
    assert runner.invoke(app, ["validate", "mine.toml"]).exit_code == 0
    mine = load_scenario(tmp_path / "mine.toml")
    assert mine.model_copy(update={"name": source}) == load_scenario(source)
    again = runner.invoke(app, ["new", "mine"])
    assert again.exit_code == 2 and "mine.toml: file exists; use --force" in again.output

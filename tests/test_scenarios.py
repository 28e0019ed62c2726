"""Scenario files: the ready ones load; every kind of mistake gets one clear line."""

from __future__ import annotations

import tomllib
import warnings

import pytest

from spendcalc import load_scenario
from spendcalc.core.errors import ScenarioError, SpendcalcWarning
from spendcalc.io.scenarios import ready_scenarios

READY = ["hague-2035", "hague-no-exemption", "hague-front-loaded", "hague-back-loaded",
         "rutte-2032", "national-plans", "status-quo", "wales-2pct"]


def test_all_ready_scenarios_exist_and_load():
    names = [r.name for r in ready_scenarios()]
    assert sorted(names) == sorted(READY)
    for r in ready_scenarios():
        scenario = load_scenario(r.name)
        assert scenario.name == r.name
        assert r.description and r.path.read_text().startswith(f"# {r.name} ")


def test_hague_default_matches_the_declaration():
    s = load_scenario("hague-2035")
    assert (s.target.core_pct, s.target.related_pct, s.target.year) == (3.5, 1.5, 2035)
    assert [(code, e.core_pct) for code, e in s.exemptions.items()] == [("ESP", 2.1)]
    assert s.exemptions["ESP"].reason
    assert s.path.shape == "linear" and not s.allow_cuts and s.base_year == 2026


def test_national_plans_milestones_come_from_commitments(data):
    s = load_scenario("national-plans")
    stated = {(c.iso3, c.by_year, c.value_pct, c.source_id) for c in data.commitments}
    assert s.milestones
    for m in s.milestones:
        assert (m.member, m.year, m.pct, m.source) in stated


def test_a_path_file_loads(write_scenario):
    path = write_scenario('name = "mine"\n[target]\ncore_pct = 3.0\nyear = 2030\n')
    s = load_scenario(path)
    assert s.target.core_pct == 3.0 and s.target.related_pct == 1.5


BAD = [
    # (file text, the error must match)
    ('name = "x"\n[target\n', r"my.toml: invalid TOML: .*line 2"),
    ('name = "x"\n[target]\ncor_pct = 3.5\n',
     r"my.toml: target.cor_pct: unknown key; did you mean 'core_pct'\?"),
    ('name = "x"\nhorizn = 2035\n', r"horizn: unknown key; did you mean 'horizon'\?"),
    ('name = "x"\nbaseline_pct = "two"\n',
     r"baseline_pct: 'two' is not allowed; allowed: a number"),
    ('name = "x"\n[target]\ncore_pct = 150\n',
     r"target.core_pct: 150 is out of range; allowed: from 0 to 100"),
    ('name = "x"\n[target]\ncore_pct = -1\n', r"target.core_pct: -1 is out of range"),
    ('name = "x"\n[target]\nyear = 2020\n',
     r"target.year \(2020\) must be after base_year \(2026\)"),
    ('name = "x"\n[target]\nyear = 2101\n', r"target.year: 2101 is out of range; .*to 2100"),
    ('name = "x"\nmembers = ["GER"]\n',
     r"members\[0\]: 'GER' is not a NATO member code; did you mean DEU \(Germany\)\?"),
    ('name = "x"\n[exemptions.JPN]\ncore_pct = 1\nreason = "r"\n',
     r"exemptions.JPN: 'JPN' is not a NATO member code"),
    ('name = "x"\n[[milestones]]\nmember = "XYZ"\nyear = 2030\npct = 3\n',
     r"milestones\[0\].member: 'XYZ' is not a NATO member code"),
    ('name = "x"\n[exemptions.ESP]\ncore_pct = 2\nreason = "a"\n'
     '[exemptions.ESP]\ncore_pct = 3\nreason = "b"\n',
     r"my.toml: invalid TOML: .*line 5"),
    ('name = "x"\n[exemptions.ESP]\ncore_pct = 2\n',
     r"exemptions.ESP.reason: required but missing"),
    ('name = "x"\nmembers = []\n', r"members: the selection is empty"),
    ('name = "x"\nmembers = ["DEU"]\nexclude = ["DEU"]\n', r"selection is empty after 'exclude'"),
    ('name = "x"\n[path]\nshape = "curvy"\n',
     r"path.shape: 'curvy' is not allowed; allowed: 'linear', 'front-loaded'"),
    ('name = "x"\nbase_year = 2019\n', r"base_year: 2019 is not allowed; allowed: 2024 to 2026"),
    ('name = "x"\n[[milestones]]\nmember = "DEU"\nyear = 2029\npct = 3\n'
     '[[milestones]]\nmember = "DEU"\nyear = 2029\npct = 3.5\n',
     r"DEU has two milestones in 2029"),
    ('name = "x"\n[growth]\nsource = "flat"\n', r"source 'flat' needs 'flat_pct'"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_scenarios_fail_with_one_clear_line(write_scenario, text, message):
    with pytest.raises(ScenarioError, match=message) as info:
        load_scenario(write_scenario(text))
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(str(write_scenario(text)))  # the file is named


def test_every_bad_case_is_valid_toml_except_the_toml_cases():
    parsed = 0
    for text, message in BAD:
        if "invalid TOML" not in message:
            tomllib.loads(text)
            parsed += 1
    assert parsed == len(BAD) - 2


def test_unknown_scenario_name_lists_the_ready_ones():
    with pytest.raises(ScenarioError, match=r"unknown scenario 'hauge-2035': did you mean "
                                            r"'hague-2035'\? ready scenarios: .*status-quo"):
        load_scenario("hauge-2035")


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match=r"nope.toml: file not found"):
        load_scenario(tmp_path / "nope.toml")


def test_share_above_ten_percent_warns_but_loads(write_scenario):
    path = write_scenario('name = "x"\n[target]\ncore_pct = 12\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_scenario(path)
    messages = [str(w.message) for w in caught if w.category is SpendcalcWarning]
    assert messages == [f"{path}: target.core_pct = 12 % of GDP is unusually high (above 10 %); "
                        "check the unit is percent, not a fraction or money"]

"""Issue 13, the input half: every bad input gives one line naming the file, the field and
what is allowed (a SpendcalcError; exit 2 from the CLI), never a traceback and never a
silent conversion."""

from __future__ import annotations

import re
import shutil

import pytest
from typer.testing import CliRunner

from spendcalc.cli.app import app
from spendcalc.core.errors import DataError, ScenarioError
from spendcalc.io.data import load_dataset
from spendcalc.io.fiscal_data import load_fiscal
from spendcalc.io.scenarios import load_scenario

runner = CliRunner()


def one_error(args: list[str]) -> str:
    """Run the CLI; assert one `error:` line and exit 2; return the line."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.output, result.exception)
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    return errors[0]


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------- data files

@pytest.mark.parametrize("name", ["members.csv", "gdp.csv", "nato_defence_expenditure.csv"])
def test_binary_bytes_in_a_data_csv_are_one_error(tmp_path, name):
    (tmp_path / name).write_bytes(b"iso3,\xff\xfe\x00\x81 binary\n\x00\x00")
    line = one_error(["run", "--data", str(tmp_path)])
    assert f"{name}: not a UTF-8 text file" in line


def test_an_empty_groups_file_is_an_error_naming_it(tmp_path):
    (tmp_path / "groups.toml").write_text("", encoding="utf-8")
    assert "groups.toml: needs at least one [groups.NAME] table" in one_error(
        ["run", "--data", str(tmp_path)])


@pytest.mark.parametrize(("text", "message"), [
    ("[groups.nato]\nmembers = 3\n", "groups.nato.members: 3 is not allowed"),
    ("[groups.nato]\nmembers = \"some\"\n", "groups.nato.members: 'some' is not allowed"),
    ("[groups.nato]\nmembers = \"*\"\nexclude = \"USA\"\n", "groups.nato.exclude"),
    ("[groups.nato]\nmembers = [\"USA\"]\nexclude = [\"USA\"]\n", "groups.nato: no members"),
    ("[groups.nato]\nmembers = \"*\"\nlable = \"x\"\n", "groups.nato: 'lable' is an unknown key"),
    ("groups = 1\n", "needs at least one [groups.NAME] table"),
    ('[groups."a\\nb"]\nmembers = "*"\n', "groups: 'a\\nb' is not allowed as a group name"),
    ('[groups.nato]\nmembers = ["USA", "x\\ny"]\n', "groups.nato.members: unknown 'x\\ny'"),
])
def test_bad_groups_files_name_the_field(tmp_path, text, message):
    (tmp_path / "groups.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(message)):
        load_dataset(tmp_path)


def test_an_empty_data_folder_name_is_refused():
    assert "--data '': an empty folder name" in one_error(["run", "--data", ""])
    with pytest.raises(DataError, match="empty folder name"):
        load_dataset("")


def test_a_folder_in_the_place_of_a_data_file_is_refused(tmp_path):
    (tmp_path / "gdp.csv").mkdir()
    assert "gdp.csv: is not a file" in one_error(["run", "--data", str(tmp_path)])
    (tmp_path / "gdp.csv").rmdir()
    (tmp_path / "fiscal.csv").mkdir()
    with pytest.raises(DataError, match=r"fiscal.csv: is not a file"):
        load_dataset(tmp_path)


BOM = "\ufeff"


def test_a_byte_order_mark_is_accepted_in_data_files(data_copy):
    for name in ("members.csv", "gdp.csv", "groups.toml"):
        path = data_copy / name
        path.write_text(BOM + path.read_text(encoding="utf-8"), encoding="utf-8")
    mine = load_dataset(data_copy, edition="nato-2025")
    assert len(mine.members) == 32 and "nato" in mine.groups


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("gdp_projections.csv", "ALB,2025,5.707,", "ALB,2025,inf,",
     r"gdp_projections.csv: row \d+: nominal_growth_pct = 'inf' is not allowed; allowed: a "
     "finite number"),
    ("gdp_projections.csv", "ALB,2025,5.707,", "ALB,2025,-100,",
     r"nominal_growth_pct = -100 is outside -75 to 2100"),
    ("gdp_projections.csv", "ALB,2025,5.707,IMF-WEO-2025-10-derived,3.358",
     "ALB,2025,5.707,IMF-WEO-2025-10-derived,nan", r"real_gdp_growth_pct = 'nan' is not allowed"),
    ("nato_defence_expenditure.csv", "ALB,Albania,2014,1.347,178.4,false",
     "ALB,Albania,2014,1.347,178.4,maybe", r"row 2: estimate = 'maybe'; allowed: true, false"),
    ("nato_defence_expenditure.csv", "ALB,Albania,2014,1.347,178.4,",
     "ALB,Albania,2014,1.347,-5,", r"row 2: defence_usd_m_current = -5 is outside"),
    ("nato_defence_expenditure.csv", "ALB,Albania,2014,1.347,178.4,false,NATO-DE-2024",
     "ALB,Albania,2014,1.347,178.4,false,NOWHERE-1",
     r"nato_defence_expenditure.csv: ALB 2014: source_id 'NOWHERE-1' is not in sources.csv"),
    ("gdp.csv", "ALB,2014,13.246,NATO-DE-2024", "ALB,2014,13.246,",
     r"gdp.csv: row 2: source_id is empty"),
    ("sources.csv", "NATO-DE-2024,", "NATO-DE-2024-OLD,",
     r"source_id 'NATO-DE-2024' is not in sources.csv"),
    ("members.csv", "ALB,Albania,2009", "ALB,Albania,20o9", r"nato_since = '20o9' is not a year"),
    ("members.csv", "ALB,Albania,2009", "ALB,Albania,²009", r"nato_since = '²009' is not a year"),
    ("members.csv", "ALB,Albania,", "alb!,Albania,", r"iso3 = 'alb!' is not allowed"),
    ("commitments.csv", "DEU,national_plan", "XYZ,national_plan",
     r"commitments.csv: row \d+: iso3 = 'XYZ' is not in members.csv"),
    ("gdp.csv", "ALB,2014,13.246,NATO-DE-2024", "ALB,2014,13.246,NATO-DE-2024,extra",
     r"gdp.csv: row 2: more cells than the header"),
])
def test_every_column_is_validated(data_copy, file, old, new, message):
    _edit(data_copy / file, old, new)
    with pytest.raises(DataError, match=message):
        load_dataset(data_copy, edition="nato-2025")


def test_fiscal_empty_cell_is_a_gap_and_nan_is_an_error(data_copy, data):
    path = data_copy / "fiscal.csv"
    _edit(path, "ALB,2022,defence_cofog,0.73,", "ALB,2022,defence_cofog,,")
    mine = load_dataset(data_copy, edition="nato-2025")
    assert 2022 not in load_fiscal(mine).series("ALB", "defence_cofog")
    assert 2023 in load_fiscal(mine).series("ALB", "defence_cofog")
    other = data_copy.parent / "other"  # the loaders cache by folder
    other.mkdir()
    shutil.copy(data.path("fiscal.csv"), other / "fiscal.csv")
    _edit(other / "fiscal.csv", "ALB,2022,defence_cofog,0.73,", "ALB,2022,defence_cofog,NaN,")
    mine = load_dataset(other, edition="nato-2025")
    with pytest.raises(DataError, match=r"fiscal.csv: row 2: value_pct_gdp = 'NaN' is not "
                       "allowed; allowed: a finite number, or an empty cell for no value"):
        load_fiscal(mine)


def test_vintages_estimate_is_a_boolean(data_copy):
    path = data_copy / "nato_defence_expenditure_vintages.csv"
    _edit(path, "ALB,Albania,2014,share_gdp_pct,1.347,false",
          "ALB,Albania,2014,share_gdp_pct,1.347,nope")
    with pytest.raises(DataError, match="estimate = 'nope'"):
        load_fiscal(load_dataset(data_copy, edition="nato-2025"))


# --------------------------------------------------------------------------- scenarios

def _scenario_error(write_scenario, text: str, data) -> str:
    path = write_scenario(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, data)
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("text", "message"), [
    ('target = { core_pct = "3.5" }', "target.core_pct: '3.5' is not allowed; allowed: a number"),
    ("baseline_pct = true", "baseline_pct: true is not allowed; allowed: a number"),
    ('allow_cuts = "yes"', "allow_cuts: 'yes' is not allowed; allowed: true or false"),
    ('[[milestones]]\nmember = "DEU"\nyear = "2029"\npct = 3.5',
     "milestones[0].year: '2029' is not allowed; allowed: a whole number"),
    ("horizon = 2035.0", "horizon: 2035.0 is not allowed; allowed: a whole number"),
    ('description = 1', "description: 1 is not allowed; allowed: text"),
])
def test_scenario_types_are_strict(write_scenario, data, text, message):
    assert message in _scenario_error(write_scenario, f'name = "x"\n{text}\n', data)


def test_a_whole_number_is_a_valid_decimal(write_scenario, data):
    scenario = load_scenario(write_scenario('name = "x"\nbaseline_pct = 3\n'), data)
    assert scenario.baseline_pct == 3.0


@pytest.mark.parametrize(("overrides", "message"), [
    (["target.core_pct=\"3.5\""], "target.core_pct: '3.5' is not allowed; allowed: a number"),
    (["baseline_pct=true"], "baseline_pct: true is not allowed"),
    (["allow_cuts=yes"], "allow_cuts: 'yes' is not allowed; allowed: true or false"),
    (['milestones=[{member="DEU", year="2029", pct=3.5}]'], "milestones[0].year: '2029'"),
    (["description=\"x\"\nbogus = 1"], "one --set sets one key; line breaks are not allowed"),
    (["milestones[0].year=2030"], "'milestones[0]' is not a key; allowed: names separated"),
    (["a[0]=1"], "'a[0]' is not a key"),
])
def test_set_is_strict_and_sets_one_key(data, overrides, message):
    with pytest.raises(ScenarioError) as info:
        load_scenario("hague-2035", data, overrides)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("text", ['"milestones[0]" = 1', '"a[0]" = 1', '"x\\ny" = 1',
                                  '[target]\n"core[1]" = 2'])
def test_keys_with_brackets_are_unknown_keys(write_scenario, data, text):
    message = _scenario_error(write_scenario, f'name = "x"\n{text}\n', data)
    assert "unknown key" in message and "allowed here:" in message


def test_cli_strict_and_bracket_cases_are_one_line():
    assert "'milestones[0]' is not a key" in one_error(
        ["run", "--set", "milestones[0].year=2030"])
    assert "line breaks are not allowed" in one_error(
        ["run", "--set", 'description="x"\nbogus = 1'])


def test_a_deep_extends_chain_stops_at_a_clear_limit(tmp_path, data):
    (tmp_path / "s0.toml").write_text('name = "s0"\n', encoding="utf-8")
    for i in range(1, 1200):
        (tmp_path / f"s{i}.toml").write_text(f'extends = "s{i - 1}.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"s1199.toml: extends: the chain is longer than "
                       r"100 files; at most 100"):
        load_scenario(tmp_path / "s1199.toml", data)
    assert load_scenario(tmp_path / "s99.toml", data).name == "s99"
    line = one_error(["validate", str(tmp_path / "s1199.toml")])
    assert "the chain is longer than 100 files" in line


def test_an_unknown_key_in_a_parent_is_reported_against_the_parent(tmp_path, data):
    (tmp_path / "parent.toml").write_text('extends = "hague-2035"\n[target]\ncor_pct = 3\n',
                                          encoding="utf-8")
    (tmp_path / "child.toml").write_text('extends = "parent.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "child.toml", data)
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'parent.toml'}: target.cor_pct: unknown key; "
                              "did you mean 'core_pct'?")


def test_an_unknown_key_inside_an_exemption_names_the_allowed_keys(write_scenario, data):
    message = _scenario_error(
        write_scenario, 'name = "x"\n[exemptions.ESP]\ncore_pct = 2\nreason = "r"\nyaer = 1',
        data)
    assert "exemptions.ESP.yaer: unknown key; did you mean 'year'? allowed here: core_pct" in (
        message)


def test_a_byte_order_mark_is_accepted_in_scenario_files(write_scenario, data):
    path = write_scenario("")
    path.write_bytes(b"\xef\xbb\xbfname = \"bom\"\nbaseline_pct = 2.5\n")
    assert load_scenario(path, data).baseline_pct == 2.5


def test_deeply_nested_toml_is_one_error(write_scenario, data):
    message = _scenario_error(write_scenario, "x = " + "[" * 5000 + "]" * 5000, data)
    assert "nested too deeply" in message
    message = _scenario_error(write_scenario, "x = " + "[" * 40 + "]" * 40, data)
    assert "nested too deeply; at most 16 levels" in message


# --------------------------------------------------------------------------- meta, sweeps

def test_source_date_epoch_out_of_range_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999")
    line = one_error(["run", "-o", str(tmp_path / "x.xlsx")])
    assert "SOURCE_DATE_EPOCH=99999999999: out of range; allowed: 0 to 4354819199" in line
    assert not (tmp_path / "x.xlsx").exists()


def test_source_date_epoch_at_the_zip_limit_writes_an_xlsx(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4354819199")
    result = runner.invoke(app, ["run", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.xlsx").stat().st_size > 0


def test_source_date_epoch_not_a_number_is_a_warning(monkeypatch):
    from spendcalc.core.errors import SpendcalcWarning
    from spendcalc.core.meta import created_now

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.warns(SpendcalcWarning, match="'yesterday' is not a whole number"):
        created_now()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert created_now() == "1970-01-01T00:00:00Z"


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  '{"a":' * 100_000 + "1" + "}" * 100_000])
def test_a_deeply_nested_meta_file_is_one_error(tmp_path, text):
    path = tmp_path / "deep.meta.json"
    path.write_text(text, encoding="utf-8")
    assert "nested too deeply" in one_error(["run", "--from-meta", str(path)])


@pytest.mark.parametrize(("vary", "message"), [
    ("target.core_pct=0:inf", "'inf' is not allowed; allowed: finite numbers"),
    ("target.core_pct=nan:3", "'nan' is not allowed"),
    ("target.core_pct=0:1e300:1e-300", "too many values; at most 1,000,000"),
    ("target.year=2030:2035:0.5", "years take whole numbers (whole steps too), got 0.5"),
    ("target.year=2030.5:2035", "years take whole numbers"),
    ("target.year=2030,2031.5", "got 2031.5"),
])
def test_bad_vary_ranges_are_one_error(vary, message):
    assert message in one_error(["sweep", "--vary", vary])


# --------------------------------------------------------------------------- Python API

def test_project_accepts_a_name_or_a_path(data, write_scenario):
    import spendcalc

    by_name = spendcalc.project("hague-2035", data)
    assert set(by_name["scenario"]) == {"hague-2035"} and len(by_name) > 0
    path = write_scenario('extends = "hague-2035"\nname = "mine"\n')
    assert set(spendcalc.project(path, data)["scenario"]) == {"mine"}
    assert set(spendcalc.project(str(path), data)["scenario"]) == {"mine"}


@pytest.mark.parametrize(("call", "message"), [
    (lambda s, d: __import__("spendcalc").project(None), "project: scenario must be a Scenario"),
    (lambda s, d: __import__("spendcalc").project({}), "not dict"),
    (lambda s, d: __import__("spendcalc").compute(s, data="x"),
     "compute: data must be a Dataset (spendcalc.load_dataset(...)) or None"),
    (lambda s, d: __import__("spendcalc").sweep(s, ["target.year=2030:2031"], data=3),
     "sweep: data"),
    (lambda s, d: __import__("spendcalc").override(s, "target.year=2032", d),
     "override: changes must be a mapping"),
    (lambda s, d: __import__("spendcalc").override(s, {1: 2}, d), "changes' keys must be"),
])
def test_wrong_arguments_are_type_errors_naming_them(data, call, message):
    import spendcalc

    scenario = spendcalc.load_scenario("hague-2035", data)
    with pytest.raises(TypeError) as info:
        call(scenario, data)
    assert message in str(info.value)


def test_compute_validates_a_scenario_changed_with_model_copy(data):
    import spendcalc

    scenario = spendcalc.load_scenario("hague-2035", data)
    with pytest.raises(ScenarioError, match=r"members\[0\]: 'XYZ' is not a NATO member code"):
        spendcalc.project(scenario.model_copy(update={"members": ["XYZ"]}), data)
    with pytest.raises(ScenarioError, match=r"baseline_pct: '3' is not allowed"):
        spendcalc.compute(scenario.model_copy(update={"baseline_pct": "3"}), data)


def test_override_validates_exactly_like_set(data):
    import spendcalc

    scenario = spendcalc.load_scenario("hague-2035", data)
    later = spendcalc.override(scenario, {"target.year": 2032, "exemptions.ESP": None}, data)
    assert later.target is not None and later.target.year == 2032
    assert later.exemptions == {} and "[changed: target.year=2032" in later.description
    same = spendcalc.load_scenario("hague-2035", data, ["target.year=2032",
                                                        "exemptions.ESP=none"])
    assert spendcalc.project(later, data)["total_usd_bn"].equals(
        spendcalc.project(same, data)["total_usd_bn"])
    assert spendcalc.override(scenario, ["target.year=2031"], data).target.year == 2031
    for changes, message in [({"target.year": "2032"}, "target.year: '2032' is not allowed"),
                             ({"target.year": 2032.5}, "target.year: 2032.5 is not allowed"),
                             ({"target.cor_pct": 3}, "target.cor_pct: unknown key"),
                             ({"milestones[0].year": 2030}, "'milestones[0]' is not a key"),
                             ({"members": ["GER"]}, "did you mean DEU")]:
        with pytest.raises(ScenarioError, match=re.escape(message)):
            spendcalc.override(scenario, changes, data)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name_or_path": None}, "load_scenario: name_or_path must be"),
    ({"name_or_path": "hague-2035", "data": "x"}, "load_scenario: data must be a Dataset"),
    ({"name_or_path": "hague-2035", "overrides": "target.year=2032"},
     "load_scenario: overrides must be a list"),
])
def test_load_scenario_arguments_of_the_wrong_kind_are_type_errors(kwargs, message):
    import spendcalc

    with pytest.raises(TypeError, match=re.escape(message)):
        spendcalc.load_scenario(**kwargs)


@pytest.mark.parametrize("text", ['extends = "a\\nb.toml"', '[exemptions."A\\nB"]\ncore_pct = 2\n'
                                  'reason = "r"', 'members = ["DEU", "X\\nY"]'])
def test_line_breaks_in_user_text_stay_inside_one_line_errors(write_scenario, data, text):
    _scenario_error(write_scenario, f'name = "x"\n{text}\n', data)


def test_source_date_epoch_text_does_not_break_svg_charts(tmp_path, monkeypatch):
    # matplotlib reads SOURCE_DATE_EPOCH itself for SVG metadata and failed on text.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    result = runner.invoke(app, ["plot", "gap", "-o", str(tmp_path / "g.svg")])
    assert result.exit_code == 0, result.output
    assert "SOURCE_DATE_EPOCH='abc' is not a whole number" in result.output
    assert (tmp_path / "g.svg").read_text(encoding="utf-8").startswith("<?xml")

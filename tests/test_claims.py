"""Claim checks: every verdict equals the hand-computed one in seeds/claims.toml, a few
figures recomputed here straight from the CSV files, the comparison rules, and the command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc.cli.app import app
from spendcalc.core.errors import DataError
from spendcalc.evidence import claims
from spendcalc.io.resources import bundled_dir

runner = CliRunner()
DATA = bundled_dir("data")
CLAIMS = claims.load_claims()


@pytest.fixture(scope="module")
def evidence():
    return claims.load_evidence(spendcalc.load_dataset(edition="nato-2025"))


@pytest.fixture(scope="module")
def results(evidence):
    return {r.claim.id: r for r in claims.check_all(CLAIMS, evidence)}


def _vintage_rows():
    with (DATA / "nato_defence_expenditure_vintages.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _value(rows, source, metric, iso3, year):
    for r in rows:
        if (r["source_id"], r["metric"], r["iso3"], r["year"]) == (source, metric, iso3,
                                                                   str(year)):
            return float(r["value"])
    return None


# --------------------------------------------------------------------------- hand verdicts

@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_verdicts_equal_the_hand_computed_ones(claim, results):
    got = results[claim.id].verdicts
    assert got == claim.expected_verdict, (claim.id, got, claim.hand_check)


def test_every_claim_is_listed_and_ids_are_unique():
    ids = [c.id for c in CLAIMS]
    assert len(ids) == len(set(ids)) == 60


def test_opinions_are_not_checkable_and_say_why(results):
    opinions = [c for c in CLAIMS if c.claim.startswith("Opinion:")]
    assert opinions
    for c in opinions:
        r = results[c.id]
        assert r.verdict == "not_checkable"
        assert r.check.outcomes[0].detail == c.check.reason != ""


def test_context_checks_never_set_the_verdict(results):
    lavrov = results["lavrov-2pct-not-met-by-all"]
    # The 2025 context (main file) finds no ally below 2 % and so is "inconsistent" ...
    assert lavrov.context[0].outcomes[0].verdict == "inconsistent"
    # ... yet the claim, about 2024, is consistent in all three editions.
    assert lavrov.verdict == "consistent"


def test_2024_count_below_two_percent_differs_by_edition(results):
    r = results["allies-below-2pct-2024"]
    assert r.vintages_disagree and r.verdict == "mixed"
    values = {o.key: o.value for o in r.check.outcomes}
    assert values == {"NATO-SGAR-2024-PRESS": 10, "NATO-DE-2024": 9, "NATO-DE-2025": 14}


# --------------------------------------------------------------------------- by hand

def test_count_below_by_hand_from_the_vintages_file(results):
    rows = _vintage_rows()
    below = {r["iso3"] for r in rows if r["source_id"] == "NATO-DE-2025"
             and r["metric"] == "share_gdp_pct" and r["year"] == "2024"
             and float(r["value"]) < 2.0}
    assert below == {"ALB", "BEL", "BGR", "CAN", "ESP", "HRV", "ITA", "LUX", "MKD", "MNE",
                     "PRT", "SVK", "SVN"}
    out = {o.key: o for o in results["lavrov-2pct-not-met-by-all"].check.outcomes}
    assert out["NATO-DE-2025"].value == len(below)


def test_us_share_2024_by_hand(results):
    rows = _vintage_rows()
    usd = {r["iso3"]: float(r["value"]) for r in rows if r["source_id"] == "NATO-DE-2024"
           and r["metric"] == "defence_usd_m_current" and r["year"] == "2024"}
    share = 100 * usd["USA"] / sum(usd.values())
    assert share == pytest.approx(65.6, abs=0.05)
    out = {o.key: o for o in results["us-bears-most-burden"].check.outcomes}
    assert out["NATO-DE-2024"].value == pytest.approx(share)


def test_nato_total_2023_share_times_gdp_by_hand(results):
    rows = _vintage_rows()
    with (DATA / "gdp.csv").open(encoding="utf-8") as f:
        gdp = {r["iso3"]: float(r["gdp_usd_bn_current"]) for r in csv.DictReader(f)
               if r["year"] == "2023"}
    with (DATA / "members.csv").open(encoding="utf-8") as f:
        members = [r["iso3"] for r in csv.DictReader(f) if int(r["nato_since"]) <= 2023]
    total_bn = 0.0
    for iso3 in members:
        share = _value(rows, "NATO-DE-2025", "share_gdp_pct", iso3, 2023)
        if share is not None:
            total_bn += share / 100 * gdp[iso3]
    assert total_bn == pytest.approx(1262.2, abs=0.1)
    out = {o.key: o for o in results["nato-total-2023-1p3trn"].check.outcomes}
    assert out["NATO-DE-2025"].value == pytest.approx(total_bn / 1000)


def test_poland_2024_is_revised_between_editions():
    rows = _vintage_rows()
    got = {s: _value(rows, s, "share_gdp_pct", "POL", 2024)
           for s in ("NATO-DE-2024", "NATO-SGAR-2024-PRESS", "NATO-DE-2025")}
    assert got == pytest.approx({"NATO-DE-2024": 4.12, "NATO-SGAR-2024-PRESS": 4.07,
                                 "NATO-DE-2025": 3.79}, abs=0.005)


# --------------------------------------------------------------------------- rules

@pytest.mark.parametrize(("value", "expect", "target", "tol", "ok"), [
    (10, "equal", 10, 0, True), (9, "equal", 10, 0, False), (9.96, "equal", 10, 0.05, True),
    (1, "at_least", 1, 0, True), (0, "at_least", 1, 0, False),
    (5, "at_most", 5, 0, True), (50, "above", 50, 0, False), (50.1, "above", 50, 0, True),
    (49.9, "below", 50, 0, True), (50, "below", 50, 0, False),
])
def test_compare(value, expect, target, tol, ok):
    assert claims.compare(value, expect, target, tol) is ok


def test_an_incomplete_vintage_is_not_checkable(evidence):
    # The press vintage holds only some allies' 2025 figures: a count over it would mislead.
    check = {"kind": "count_below", "metric": "share_gdp_pct", "year": 2025, "threshold": 2.0,
             "members": "members_in_year", "vintages": ["NATO-DE-2025-PRESS"],
             "expect": "at_least", "target": 1, "tolerance": {"absolute": 0}}
    out = claims.run_check(check, {}, evidence).outcomes[0]
    assert out.verdict == "not_checkable" and "no value" in out.detail


def test_unknown_claim_id_suggests_close_ones():
    with pytest.raises(claims.ClaimError, match="did you mean 'allies-below-2pct-2024'"):
        claims.find_claim("allies-below-2pct")


def test_a_malformed_claims_file_names_the_claim_and_field(tmp_path: Path):
    bad = tmp_path / "claims.toml"
    bad.write_text('[[claim]]\nid = "x"\ndocument = "d"\nclaim = "c"\n'
                   '[claim.check]\nkind = "guess"\n[claim.expected_verdict]\nall = "x"\n',
                   encoding="utf-8")
    with pytest.raises(DataError, match=r"claims.toml: claim 'x': check.kind = 'guess'"):
        claims.load_claims(bad)


GOOD_CHECK = ('kind = "count_below"\nmetric = "share_gdp_pct"\nyear = 2024\nthreshold = 2.0\n'
              'members = "members_in_year"\nvintages = ["NATO-DE-2024"]\nexpect = "at_least"\n'
              'target = 1\ntolerance = { absolute = 0 }\n')


@pytest.mark.parametrize(("change", "message"), [
    (("year = 2024\n", ""), "check: year is required for kind 'count_below'"),
    (("threshold", "treshold"), "check.treshold: unknown key for kind 'count_below'; "
                                "did you mean 'threshold'? allowed: "),
    (('"at_least"', '"atleast"'), "check.expect = 'atleast': Input should be 'equal', "),
    (("year = 2024", 'year = "2024"'), "check.year = '2024': Input should be a valid integer"),
    (("{ absolute = 0 }", "{ absolute = 0, relative = 0.1 }"),
     "check.tolerance = {'absolute': 0, 'relative': 0.1}: must be { absolute = x } or "
     "{ relative = x }"),
    (("target = 1\n", ""), "check: no target and no stated.value to compare with"),
])
def test_a_malformed_check_is_one_line_naming_the_claim_and_field(tmp_path: Path, change,
                                                                  message):
    bad = tmp_path / "claims.toml"
    bad.write_text('[[claim]]\nid = "x"\ndocument = "d"\nclaim = "c"\n[claim.check]\n'
                   + GOOD_CHECK.replace(*change)
                   + '[claim.expected_verdict]\nall = "consistent"\n', encoding="utf-8")
    with pytest.raises(DataError) as info:
        claims.load_claims(bad)
    text = str(info.value)
    assert text.startswith(f"claims.toml: claim 'x': {message}"), text
    assert "\n" not in text


def test_a_context_check_is_validated_too(tmp_path: Path):
    bad = tmp_path / "claims.toml"
    bad.write_text('[[claim]]\nid = "x"\ndocument = "d"\nclaim = "c"\n[claim.check]\n'
                   + GOOD_CHECK + '[[claim.context]]\nkind = "membership"\n'
                   '[claim.expected_verdict]\nall = "consistent"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"claim 'x': context\[0\]: year is required for kind "
                                         r"'membership'"):
        claims.load_claims(bad)
    bad.write_text(bad.read_text(encoding="utf-8").replace(
        'kind = "membership"', 'kind = "membership"\nyear = 2024'), encoding="utf-8")
    (claim,) = claims.load_claims(bad)
    assert claim.check.kind == "count_below" and claim.context[0].kind == "membership"


def test_every_bundled_check_is_typed_and_exports_as_written():
    from spendcalc.evidence.checks import MODELS

    for c in CLAIMS:
        for check in (c.check, *c.context):
            assert isinstance(check, MODELS[check.kind])
    doc = claims.document([], {})
    assert doc == {"meta": {}, "claims": []}


# --------------------------------------------------------------------------- the command

def test_claims_command_prints_each_claim_with_verdicts():
    res = runner.invoke(app, ["claims"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "allies-below-2pct-2024" in out and "DEPENDS ON THE EDITION" in out
    assert "NATO report, August 2025" in out  # editions are named
    assert "Not checkable with the bundled data" in out
    assert "60 claims." in out


def test_claims_command_one_id_shows_the_hand_check():
    res = runner.invoke(app, ["claims", "--id", "us-bears-most-burden"])
    assert res.exit_code == 0, res.output
    assert "65.6%" in res.output and "Hand check" in res.output


def test_unknown_id_is_one_error_line_exit_2():
    res = runner.invoke(app, ["claims", "--id", "no-such-claim"])
    assert res.exit_code == 2
    assert res.stderr.strip().startswith("error: --id: unknown claim id 'no-such-claim'")
    assert len(res.stderr.strip().splitlines()) == 1


def test_claims_export_csv_and_json(tmp_path: Path):
    out = tmp_path / "claims.csv"
    assert runner.invoke(app, ["claims", "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    main = [r for r in rows if r["role"] == "check"]
    assert all(r["verdict"] == r["hand_verdict"] for r in main)
    assert json.loads((tmp_path / "claims.csv.meta.json").read_text())["claims_file"]
    again = runner.invoke(app, ["claims", "-o", str(out)])
    assert again.exit_code == 2
    assert f"error: {out}: file exists; use --force to overwrite it" in again.stderr
    doc_path = tmp_path / "claims.json"
    assert runner.invoke(app, ["claims", "--checkable", "-o", str(doc_path)]).exit_code == 0
    doc = json.loads(doc_path.read_text())
    assert {c["id"] for c in doc["claims"]} == {c.id for c in CLAIMS
                                                 if c.check.kind != "not_checkable"}


# --------------------------------------------------------------------------- document titles

def test_every_source_document_has_a_readable_title():
    docs = claims.load_documents(bundled_dir("seeds") / claims.DOCUMENTS_FILE)
    shared = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if shared.is_dir():  # the documents themselves, when the checkout sits beside them
        assert set(docs) == {p.name for p in shared.glob("*.txt")}
    for c in CLAIMS:
        assert c.document in docs
        assert c.document_title == docs[c.document].label
        assert c.document not in c.document_title and ".txt" not in c.document_title
    assert docs["000_b0fe7375db2cbe8f.txt"].label.startswith("Global Times (opinion), June 2025")


def test_a_document_missing_from_the_list_is_named_by_its_file(tmp_path: Path):
    (tmp_path / "claims.toml").write_text(
        '[[claim]]\nid = "x"\ndocument = "d.txt"\nclaim = "c"\n[claim.check]\n'
        'kind = "not_checkable"\nreason = "r"\n[claim.expected_verdict]\nall = '
        '"not_checkable"\n', encoding="utf-8")
    assert claims.load_claims(tmp_path / "claims.toml")[0].document_title == "d.txt"
    (tmp_path / "documents.toml").write_text('[[document]]\nfile = "d.txt"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"documents.toml: document\[0\]: publisher is missing"):
        claims.load_documents(tmp_path / "documents.toml")


def test_claims_command_and_exports_name_documents_by_title(tmp_path: Path):
    res = runner.invoke(app, ["claims"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "_b0fe7375db2cbe8f" not in res.output
    assert "Global Times (opinion), June 2025" in res.output
    out = tmp_path / "claims.csv"
    assert runner.invoke(app, ["claims", "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert all(r["document"].endswith(".txt") and r["document_title"] for r in rows)
    doc_path = tmp_path / "claims.json"
    assert runner.invoke(app, ["claims", "-o", str(doc_path)]).exit_code == 0
    first = json.loads(doc_path.read_text())["claims"][0]
    assert first["document"].endswith(".txt") and first["document_title"].count(",") >= 1

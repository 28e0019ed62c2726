"""Check the source documents' claims (``seeds/claims.toml``) against the bundled data.

Each claim carries one check (``kind`` plus parameters, documented at the top of
``claims.toml`` and in ``seeds/README.md``). A check gives one verdict per vintage or source
it reads — ``consistent``, ``inconsistent`` or ``not_checkable`` — with the numbers behind it,
so that disagreements between NATO's editions stay visible. Context checks are shown beside a
claim for information and never set its verdict.

Check kinds: ``count_below``, ``count_increased``, ``sum``, ``share_of_total``, ``rank``,
``commitment``, ``membership``, ``arms_import_share``, ``not_checkable``.

Rules applied throughout:
- a value is compared with ``target`` (or the claim's ``stated.value``) by ``expect``:
  ``equal`` |v - t| <= tol; ``at_least`` v >= t - tol; ``at_most`` v <= t + tol;
  ``above`` v > t - tol; ``below`` v < t + tol (tolerance absolute, or relative x |t|);
- allies without a value are listed. With ``missing = "exclude"`` they are left out; with
  ``count_as_below`` (``count_below`` only) they count as below. If an ally *with armed
  forces* lacks a value in a vintage, a count, sum, share or rank over it would be
  incomplete, so that vintage's verdict is ``not_checkable`` (``count_increased`` leaves
  such allies out, as its definition says);
- USD figures are in USD million (NATO's unit); ``share_x_gdp`` = share / 100 x
  ``data/gdp.csv`` (USD bn) x 1,000.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from spendcalc.core.dataset import Dataset
from spendcalc.core.errors import DataError, SpendcalcError
from spendcalc.core.format import count, money, number, pct, percent
from spendcalc.evidence.checks import (
    ArmsImportShare,
    Check,
    Commitment,
    Compared,
    CountBelow,
    CountIncreased,
    Membership,
    NotCheckable,
    OverMembers,
    Rank,
    ShareOfTotal,
    Sum,
    parse_check,
)
from spendcalc.io.data import (
    MEMBERS_FILE,
    SHARES_FILE,
    number_cell,
    read_rows,
    read_toml,
    year_cell,
)
from spendcalc.io.fiscal_data import FiscalData, load_fiscal
from spendcalc.io.resources import bundled_dir

CLAIMS_FILE = "claims.toml"
DOCUMENTS_FILE = "documents.toml"
"""Next to the claims file: each source document's publisher, date and title."""
Verdict = Literal["consistent", "inconsistent", "not_checkable"]
VERDICTS: tuple[Verdict, ...] = ("consistent", "inconsistent", "not_checkable")
VERDICT_WORDS = {"consistent": "consistent", "inconsistent": "inconsistent",
                 "not_checkable": "not checkable", "mixed": "depends on the edition"}
"""Each verdict in words, and ``mixed`` (a claim whose editions disagree): the terminal and
the report write them from here."""
KINDS = ("count_below", "count_increased", "sum", "share_of_total", "rank", "commitment",
         "membership", "arms_import_share", "not_checkable")
EXPECTS = ("equal", "at_least", "at_most", "above", "below")

VINTAGE_LABELS = {
    "NATO-DE-2024": "NATO report, June 2024",
    "NATO-SGAR-2024-PRESS": "NATO Secretary General's Annual Report 2024 (April 2025)",
    "NATO-DE-2025": "NATO report, August 2025",
    "SIPRI-MILEX-2025": "SIPRI military expenditure, April 2025, SIPRI's definition",
    "main": "spendcalc's main file (latest edition per year)",
}

SIPRI = "SIPRI-MILEX-2025"
SIPRI_METRICS = {"share_gdp_pct": "sipri_share_gdp_pct",
                 "defence_usd_m_current": "sipri_milex_usd_m_current"}
METRIC_LABELS = {"share_gdp_pct": "% of GDP", "defence_usd_m_current": "USD m, current",
                 "defence_usd_m_constant_2015": "USD m, 2015 prices"}
METRIC_NOUNS = {"share_gdp_pct": "defence spending as a share of GDP",
                "defence_usd_m_current": "defence spending in current US dollars",
                "defence_usd_m_constant_2015": "defence spending at 2015 prices"}
UNITS = {"USD bn": 1e3, "USD trn": 1e6}


class ClaimError(SpendcalcError):
    """An unknown claim id, or a claims file that does not follow the schema."""


# --------------------------------------------------------------------------- the claims

@dataclass(frozen=True)
class Claim:
    """One ``[[claim]]`` of ``claims.toml``."""

    id: str
    document: str
    claim: str
    stated: dict[str, Any]
    hand_check: str
    check: Check
    expected_verdict: dict[str, str]
    context: tuple[Check, ...] = ()
    document_title: str = ""
    """The document named for readers ("Publisher, date: title", from ``documents.toml``);
    its file name when that file does not list it."""


@dataclass(frozen=True)
class Document:
    """One ``[[document]]`` of ``documents.toml``: a source document named for readers."""

    file: str
    publisher: str
    date: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.publisher}, {self.date}: {self.title}"


def load_documents(path: Path) -> dict[str, Document]:
    """The source documents listed in ``path`` (``documents.toml``), by file name; none if
    there is no such file."""
    if not path.is_file():
        return {}
    out: dict[str, Document] = {}
    for i, raw in enumerate(read_toml(path).get("document", [])):
        for key in ("file", "publisher", "date", "title"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise DataError(f"{path.name}: document[{i}]: {key} is missing")
        out[raw["file"]] = Document(raw["file"], raw["publisher"], raw["date"], raw["title"])
    return out


def claims_path() -> Path:
    return bundled_dir("seeds") / CLAIMS_FILE


def load_claims(path: Path | None = None) -> tuple[Claim, ...]:
    """Read and check the claims file (bundled ``seeds/claims.toml`` by default)."""
    return _load_claims(path or claims_path())


@cache
def _load_claims(path: Path) -> tuple[Claim, ...]:
    doc = read_toml(path)
    documents = load_documents(path.parent / DOCUMENTS_FILE)
    out: list[Claim] = []
    seen: set[str] = set()
    for i, raw in enumerate(doc.get("claim", [])):
        where = f"{path.name}: claim[{i}]"
        for key in ("id", "document", "claim", "check", "expected_verdict"):
            if key not in raw:
                raise DataError(f"{where}: {key} is missing")
        cid = str(raw["id"])
        where = f"{path.name}: claim {cid!r}"
        if cid in seen:
            raise DataError(f"{where}: duplicate id")
        seen.add(cid)
        stated = raw.get("stated", {})
        check, *context = [
            _parse(c, f"{where}: {'check' if j == 0 else f'context[{j - 1}]'}", stated)
            for j, c in enumerate([raw["check"], *raw.get("context", [])])]
        for key, verdict in raw["expected_verdict"].items():
            if verdict not in VERDICTS:
                raise DataError(f"{where}: expected_verdict.{key} = {verdict!r}; allowed: "
                                f"{', '.join(VERDICTS)}")
        out.append(Claim(id=cid, document=str(raw["document"]), claim=str(raw["claim"]),
                         stated=dict(raw.get("stated", {})),
                         hand_check=str(raw.get("hand_check", "")), check=check,
                         expected_verdict=dict(raw["expected_verdict"]),
                         context=tuple(context),
                         document_title=_title(documents, str(raw["document"]))))
    if not out:
        raise DataError(f"{path.name}: no [[claim]] tables")
    return tuple(out)


def _title(documents: dict[str, Document], file: str) -> str:
    return documents[file].label if file in documents else file


def _parse(raw: Any, where: str, stated: dict[str, Any]) -> Check:
    """A check validated against its kind's model, and against the claim: a compared
    check needs a target or a stated value."""
    check = parse_check(raw, where)
    if (isinstance(check, Compared) and check.target is None
            and not isinstance(stated.get("value"), int | float)):
        raise DataError(f"{where}: no target and no stated.value to compare with")
    return check


def find_claim(claim_id: str, claims: tuple[Claim, ...] | None = None) -> Claim:
    """The claim with ``claim_id``; a ClaimError naming close ids otherwise."""
    import difflib

    claims = claims or load_claims()
    for c in claims:
        if c.id == claim_id:
            return c
    ids = [c.id for c in claims]
    close = difflib.get_close_matches(claim_id, ids, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
    raise ClaimError(f"--id: unknown claim id {claim_id!r}; {hint}"
                     "'spendcalc claims' lists every id")


# --------------------------------------------------------------------------- the evidence

@dataclass(frozen=True)
class Evidence:
    """The bundled data a check reads."""

    data: Dataset
    fiscal: FiscalData
    main_usd_m: dict[tuple[str, int], float]
    """nato_defence_expenditure.csv: defence_usd_m_current where given."""
    members_source: str

    def member_codes(self, spec: Any, year: int, region: str | None = None) -> list[str]:
        """``members``: ``members_in_year``, a group id from groups.toml, or a list of codes."""
        if spec == "members_in_year":
            codes = [m.iso3 for m in self.data.members if m.nato_since <= year]
        elif isinstance(spec, str):
            if spec not in self.data.groups:
                raise DataError(f"{CLAIMS_FILE}: members = {spec!r} is not a group; allowed: "
                                f"members_in_year, {', '.join(self.data.groups)}, or a list")
            codes = list(self.data.groups[spec].members)
        else:
            codes = [str(c) for c in spec]
        if region is not None:
            regions = {m.iso3: m.region for m in self.data.members}
            codes = [c for c in codes if regions.get(c) == region]
        return codes

    def armed(self, iso3: str) -> bool:
        return bool(self.data.members[self.data.index(iso3)].armed_forces)

    def value(self, vintage: str, metric: str, iso3: str, year: int,
              method: str = "usd_column") -> float | None:
        """One ally's value in one vintage, or None when the vintage has none."""
        if method == "share_x_gdp":
            share = self.value(vintage, "share_gdp_pct", iso3, year)
            if share is None or year not in self.data.gdp_years:
                return None
            gdp = float(self.data.gdp_usd_bn[self.data.index(iso3),
                                             self.data.gdp_years.index(year)])
            return share / 100.0 * gdp * 1000.0
        if vintage == "main":
            if metric == "share_gdp_pct":
                if year not in self.data.share_years:
                    return None
                v = float(self.data.share_in(year)[self.data.index(iso3)])
                return None if math.isnan(v) else v
            if metric == "defence_usd_m_current":
                return self.main_usd_m.get((iso3, year))
            return None
        if vintage == SIPRI:
            metric = SIPRI_METRICS.get(metric, metric)
        row = self.fiscal.vintage_value(vintage, metric, iso3, year)
        return None if row is None else row.value


def load_evidence(data: Dataset) -> Evidence:
    """What the claims are checked against: ``data``'s files plus the vintages and SIPRI."""
    path = data.path(SHARES_FILE)
    usd: dict[tuple[str, int], float] = {}
    for line, row in read_rows(path, ("iso3", "year", "defence_usd_m_current")):
        value = number_cell(path, line, row, "defence_usd_m_current", optional=True, low=0)
        if not math.isnan(value):
            usd[(row["iso3"].strip(), year_cell(path, line, row))] = value
    sources = {(row.get("source_id") or "").strip()
               for _, row in read_rows(data.path(MEMBERS_FILE), ("iso3",))}
    sources.discard("")
    return Evidence(data=data, fiscal=load_fiscal(data), main_usd_m=usd,
                    members_source=", ".join(sorted(sources)) or MEMBERS_FILE)


# --------------------------------------------------------------------------- outcomes

@dataclass(frozen=True)
class Outcome:
    """One verdict of one check for one vintage or source (``key``)."""

    key: str
    verdict: Verdict
    value: float | None
    target: float | None
    expect: str | None
    tolerance: str
    detail: str
    """The numbers behind the verdict, in words."""


@dataclass(frozen=True)
class CheckResult:
    description: str
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    check: CheckResult
    context: tuple[CheckResult, ...] = field(default_factory=tuple)

    @property
    def verdicts(self) -> dict[str, Verdict]:
        return {o.key: o.verdict for o in self.check.outcomes}

    @property
    def verdict(self) -> str:
        """One word for the claim: the common verdict, or ``mixed`` when vintages disagree."""
        found = set(self.verdicts.values())
        return found.pop() if len(found) == 1 else "mixed"

    @property
    def vintages_disagree(self) -> bool:
        return len(set(self.verdicts.values())) > 1


def check_claim(claim: Claim, evidence: Evidence) -> ClaimResult:
    """Run a claim's check and its context checks."""
    return ClaimResult(claim=claim, check=run_check(claim.check, claim.stated, evidence),
                       context=tuple(run_check(c, claim.stated, evidence)
                                     for c in claim.context))


def check_all(claims: tuple[Claim, ...] | None, evidence: Evidence) -> list[ClaimResult]:
    """Every claim's check (default: all the bundled claims) against ``evidence``."""
    return [check_claim(c, evidence) for c in (claims or load_claims())]


def run_check(check: Check | dict[str, Any], stated: dict[str, Any],
              ev: Evidence) -> CheckResult:
    """One check's outcomes; ``check`` a model, or a table validated as ``claims.toml``'s."""
    if isinstance(check, dict):
        check = _parse(check, "check", stated)
    return _KINDS[check.kind](check, stated, ev)


def _target(check: Compared, stated: dict[str, Any]) -> float:
    return float(check.target if check.target is not None else stated["value"])


def _tolerance(check: Compared, target: float) -> tuple[float, str]:
    return check.tolerance.of(target)


def compare(value: float, expect: str, target: float, tol: float) -> bool:
    """The comparison rule for ``expect`` (see the module docstring)."""
    if expect == "equal":
        return abs(value - target) <= tol
    if expect == "at_least":
        return value >= target - tol
    if expect == "at_most":
        return value <= target + tol
    if expect == "above":
        return value > target - tol
    if expect == "below":
        return value < target + tol
    raise ClaimError(f"expect = {expect!r}; allowed: {', '.join(EXPECTS)}")


EXPECT_WORDS = {"equal": "equal to", "at_least": "at least", "at_most": "at most",
                "above": "above", "below": "below"}


def _judge(key: str, value: float | None, check: Compared, stated: dict[str, Any],
           detail: str, fmt: Callable[[float], str] = count) -> Outcome:
    target = _target(check, stated)
    tol, tol_text = _tolerance(check, target)
    expect = check.expect
    if value is None:
        return Outcome(key, "not_checkable", None, target, expect, tol_text, detail)
    ok = compare(value, expect, target, tol)
    sign = "meets" if ok else "does not meet"
    text = f"{detail} → {fmt(value)} {sign} '{EXPECT_WORDS[expect]} {fmt(target)}'"
    if tol:
        text += f" ({tol_text})"
    return Outcome(key, "consistent" if ok else "inconsistent", value, target, expect,
                   tol_text, text)


def _metric_value(value: float, metric: str) -> str:
    """A data value of ``metric`` by the one rule: a share of GDP with two decimals, USD
    millions as a whole number."""
    return pct(value) if metric.endswith("share_gdp_pct") else count(value)


def _members_text(check: OverMembers, year: int) -> str:
    spec = check.members
    if spec == "members_in_year":
        text = f"allies that were members in {year}"
    elif isinstance(spec, str):
        text = f"group {spec!r}"
    else:
        text = ", ".join(spec)
    if check.region:
        text += f", region {check.region}"
    return text


def _threshold(value: float, metric: str) -> str:
    if metric.endswith("share_gdp_pct"):
        return f"{value:g}% of GDP"
    return f"{value:g} ({METRIC_LABELS.get(metric, metric)})"


def _incomplete(ev: Evidence, missing: list[str]) -> list[str]:
    return [c for c in missing if ev.armed(c)]


def _count_below(check: CountBelow, stated: dict[str, Any], ev: Evidence) -> CheckResult:
    year, threshold, metric = check.year, float(check.threshold), check.metric
    codes = ev.member_codes(check.members, year, check.region)
    as_below = check.missing == "count_as_below"
    desc = (f"number of allies below {_threshold(threshold, metric)} in {year}, among "
            f"{_members_text(check, year)} ({len(codes)}); "
            + ("an ally without a value counts as below" if as_below else
               "allies without a value are left out"))
    outcomes = []
    for vintage in check.vintages:
        values = {c: ev.value(vintage, metric, c, year) for c in codes}
        missing = [c for c, v in values.items() if v is None]
        below = {c: v for c, v in values.items() if v is not None and v < threshold}
        listed = ", ".join(f"{c} {_metric_value(v, metric)}" for c, v in sorted(below.items()))
        detail = (f"{len(below)} of {len(values) - len(missing)} with a value below "
                  f"{_threshold(threshold, metric)}" + (f": {listed}" if listed else ""))
        if missing:
            detail += f"; no value: {', '.join(missing)}"
        if _incomplete(ev, missing):
            outcomes.append(Outcome(vintage, "not_checkable", None, _target(check, stated),
                                    check.expect, _tolerance(check, 0)[1],
                                    detail + " (allies with armed forces lack a value)"))
            continue
        n = len(below) + (len(missing) if as_below else 0)
        if as_below and missing:
            detail += f" (counted as below: {len(below)} + {len(missing)} = {n})"
        outcomes.append(_judge(vintage, float(n), check, stated, detail))
    return CheckResult(desc, tuple(outcomes))


def _count_increased(check: CountIncreased, stated: dict[str, Any],
                     ev: Evidence) -> CheckResult:
    y0, y1, metric = check.year_from, check.year_to, check.metric
    codes = ev.member_codes(check.members, y1, check.region)
    desc = (f"number of allies whose {METRIC_NOUNS.get(metric, metric)} was higher in {y1} "
            f"than in {y0}, among {_members_text(check, y1)} ({len(codes)}); allies lacking "
            "either value are left out")
    outcomes = []
    for vintage in check.vintages:
        pairs = {c: (ev.value(vintage, metric, c, y0), ev.value(vintage, metric, c, y1))
                 for c in codes}
        have = {c: (a, b) for c, (a, b) in pairs.items() if a is not None and b is not None}
        up = [c for c, (a, b) in have.items() if b > a]
        not_up = [c for c in have if c not in up]
        lacking = [c for c in codes if c not in have]
        detail = f"{len(up)} of {len(have)} higher"
        if not_up:
            detail += f"; not higher: {', '.join(not_up)}"
        if lacking:
            detail += f"; left out (no value): {', '.join(lacking)}"
        outcomes.append(_judge(vintage, float(len(up)), check, stated, detail))
    return CheckResult(desc, tuple(outcomes))


def _usd_values(check: Sum | ShareOfTotal | Rank, vintage: str, ev: Evidence, codes: list[str],
                year: int) -> tuple[dict[str, float], list[str], str]:
    method = (check.method or {}).get(vintage, "usd_column")
    values = {c: ev.value(vintage, check.metric, c, year, method) for c in codes}
    missing = [c for c, v in values.items() if v is None]
    how = ("share x NATO GDP (gdp.csv)" if method == "share_x_gdp" else "its own USD figures")
    return {c: v for c, v in values.items() if v is not None}, missing, how


def _sum(check: Sum, stated: dict[str, Any], ev: Evidence) -> CheckResult:
    year, unit = check.year, check.unit
    codes = ev.member_codes(check.members, year, check.region)
    desc = (f"total defence spending in {year}, {unit}, of {_members_text(check, year)} "
            f"({len(codes)})")
    outcomes = []
    for vintage in check.vintages:
        values, missing, how = _usd_values(check, vintage, ev, codes, year)
        total = sum(values.values()) / UNITS[unit]
        detail = (f"{len(values)} allies, {how}: {number(total, 3)} {unit} "
                  f"(USD {money(sum(values.values()) / 1e3)} bn)")
        if missing:
            detail += f"; no value: {', '.join(missing)}"
        if _incomplete(ev, missing) or not values:
            outcomes.append(Outcome(vintage, "not_checkable", None, _target(check, stated),
                                    check.expect, _tolerance(check, 0)[1],
                                    detail + " (incomplete)"))
            continue
        outcomes.append(_judge(vintage, total, check, stated, detail,
                               lambda v: number(v, 3)))
    return CheckResult(desc, tuple(outcomes))


def _share_of_total(check: ShareOfTotal, stated: dict[str, Any],
                    ev: Evidence) -> CheckResult:
    year, member = check.year, check.member
    codes = ev.member_codes(check.members, year, check.region)
    desc = (f"{member}'s share, in percent, of the total defence spending in {year} of "
            f"{_members_text(check, year)} ({len(codes)})")
    outcomes = []
    for vintage in check.vintages:
        values, missing, how = _usd_values(check, vintage, ev, codes, year)
        total = sum(values.values())
        mine = values.get(member)
        detail = (f"{how}: {member} USD {money(mine / 1e3 if mine else None)} bn of "
                  f"USD {money(total / 1e3)} bn ({len(values)} allies)")
        if missing:
            detail += f"; no value: {', '.join(missing)}"
        if mine is None or _incomplete(ev, missing) or not total:
            outcomes.append(Outcome(vintage, "not_checkable", None, _target(check, stated),
                                    check.expect, _tolerance(check, 0)[1],
                                    detail + " (incomplete)"))
            continue
        outcomes.append(_judge(vintage, 100.0 * mine / total, check, stated, detail,
                               percent))
    return CheckResult(desc, tuple(outcomes))


def _rank(check: Rank, stated: dict[str, Any], ev: Evidence) -> CheckResult:
    year, member = check.year, check.member
    codes = ev.member_codes(check.members, year, check.region)
    desc = (f"{member}'s rank by defence spending in {year} among "
            f"{_members_text(check, year)} ({len(codes)}), largest = 1")
    outcomes = []
    for vintage in check.vintages:
        values, missing, how = _usd_values(check, vintage, ev, codes, year)
        order = sorted(values, key=lambda c: -values[c])
        top = ", ".join(f"{c} {money(values[c] / 1e3)}" for c in order[:3])
        detail = f"{how}, USD bn: {top}"
        if member not in values or _incomplete(ev, missing):
            outcomes.append(Outcome(vintage, "not_checkable", None, _target(check, stated),
                                    check.expect, _tolerance(check, 0)[1],
                                    detail + " (incomplete)"))
            continue
        outcomes.append(_judge(vintage, float(order.index(member) + 1), check, stated,
                               detail))
    return CheckResult(desc, tuple(outcomes))


def _commitment(check: Commitment, stated: dict[str, Any], ev: Evidence) -> CheckResult:
    iso3, kind = check.iso3, check.commitment_kind
    want_value, want_year = check.value_pct, check.by_year
    parts = [f"value {want_value:g}% of GDP" if want_value is not None else "",
             f"by {want_year}" if want_year is not None else ""]
    wanted = " and ".join(p for p in parts if p) or "a row exists"
    desc = f"commitments.csv row {iso3} / {kind}: {wanted}"
    rows = [c for c in ev.data.commitments if c.iso3 == iso3 and c.kind == kind]
    if not rows:
        return CheckResult(desc, (Outcome("commitments.csv", "not_checkable", None, None, None,
                                          "", f"no {iso3} {kind} row in commitments.csv"),))
    outcomes = []
    tol = check.tolerance.of(float(want_value or 0.0))[0]
    for row in rows:
        found = (f"{row.iso3} {row.kind}: "
                 f"{pct(row.value_pct, unit=True)}"
                 f"{f' by {row.by_year}' if row.by_year else ''} ({row.source_id})")
        ok = True
        if want_value is not None:
            ok &= row.value_pct is not None and abs(row.value_pct - float(want_value)) <= tol
        if want_year is not None:
            ok &= row.by_year == int(want_year)
        verdict: Verdict = "consistent" if ok else "inconsistent"
        detail = f"{found} → {'as claimed' if ok else 'differs from the claim'} ({wanted})"
        outcomes.append(Outcome(row.source_id, verdict,
                                row.value_pct, None if want_value is None else float(want_value),
                                "equal" if want_value is not None else None,
                                f"±{tol:g}", detail))
    return CheckResult(desc, tuple(outcomes))


def _membership(check: Membership, stated: dict[str, Any], ev: Evidence) -> CheckResult:
    year = check.year
    members = {m.iso3: m.nato_since for m in ev.data.members}
    current = sorted(c for c, since in members.items() if since <= year)
    tests: list[tuple[str, bool]] = []
    if check.count is not None:
        tests.append((f"{len(current)} members (claimed {check.count})",
                      len(current) == check.count))
    for code in check.is_member:
        since = members.get(code)
        tests.append((f"{code} member since {since}" if since else f"{code} not in members.csv",
                      since is not None and since <= year))
    for code in check.is_not_member:
        since = members.get(code)
        tests.append((f"{code} joined {since}" if since else f"{code} never a member",
                      since is None or since > year))
    ok = all(t for _, t in tests)
    detail = f"members.csv as of {year}: " + "; ".join(text for text, _ in tests)
    desc = f"NATO membership as of {year} (members.csv, nato_since <= {year})"
    return CheckResult(desc, (Outcome(ev.members_source, "consistent" if ok else "inconsistent",
                                      float(len(current)), None, None, "", detail),))


def _arms_import_share(check: ArmsImportShare, stated: dict[str, Any],
                       ev: Evidence) -> CheckResult:
    group, period, supplier = check.importer_group, check.period, check.supplier
    the = "the " if supplier.startswith("United") else ""
    desc = (f"share of the arms imports of {group} supplied by {the}{supplier}, {period} (SIPRI, "
            "by volume of deliveries, not money)")
    rows = [r for r in ev.fiscal.arms_imports
            if (r.importer_group, r.period, r.supplier) == (group, period, supplier)]
    if not rows:
        return CheckResult(desc, (Outcome("arms_imports.csv", "not_checkable", None,
                                          _target(check, stated), check.expect, "",
                                          "no such row in arms_imports.csv"),))
    row = rows[0]
    return CheckResult(desc, (_judge(row.source_id, row.share_pct, check, stated,
                                     f"arms_imports.csv: {percent(row.share_pct)}",
                                     percent),))


def _not_checkable(check: NotCheckable, stated: dict[str, Any],
                   ev: Evidence) -> CheckResult:
    return CheckResult("not checkable with the bundled data",
                       (Outcome("all", "not_checkable", None, None, None, "", check.reason),))


_KINDS: dict[str, Callable[[Any, dict[str, Any], Evidence], CheckResult]] = {
    "count_below": _count_below, "count_increased": _count_increased, "sum": _sum,
    "share_of_total": _share_of_total, "rank": _rank, "commitment": _commitment,
    "membership": _membership, "arms_import_share": _arms_import_share,
    "not_checkable": _not_checkable,
}


# --------------------------------------------------------------------------- outputs

def stated_text(stated: dict[str, Any]) -> str:
    """The figures a document gives, in one line ("" when it gives none)."""
    if not stated:
        return ""
    parts = []
    if "value" in stated:
        parts.append(f"{stated['value']:g}" if isinstance(stated["value"], float)
                     else str(stated["value"]))
    if "text" in stated:
        parts.append(f"“{stated['text']}”")
    if "unit" in stated:
        unit = str(stated["unit"])
        if unit.startswith("%") and "value" in stated and len(parts) == 1:
            parts[-1] += unit.split(" ", 1)[0]
            unit = unit.split(" ", 1)[1] if " " in unit else ""
        if unit:
            parts.append(unit)
    extra = [f"{k.replace('_', ' ')} {v}" for k, v in stated.items()
             if k not in ("value", "text", "unit")]
    return " ".join(parts) + (f" ({', '.join(extra)})" if extra else "")


def records(results: list[ClaimResult]) -> list[dict[str, Any]]:
    """One flat row per (claim, check or context check, vintage) for CSV export."""
    rows = []
    for r in results:
        c = r.claim
        for role, res in [("check", r.check),
                          *[(f"context {i + 1}", x) for i, x in enumerate(r.context)]]:
            for o in res.outcomes:
                rows.append({
                    "claim_id": c.id, "document": c.document, "document_title": c.document_title,
                    "role": role,
                    "kind": (c.check if role == "check" else
                             c.context[int(role.split()[1]) - 1]).kind,
                    "source": o.key, "verdict": o.verdict,
                    "hand_verdict": c.expected_verdict.get(o.key, "") if role == "check"
                    else "",
                    "value": o.value, "expect": o.expect or "", "target": o.target,
                    "tolerance": o.tolerance, "check": res.description, "numbers": o.detail,
                    "claim": c.claim, "stated": stated_text(c.stated),
                })
    return rows


def document(results: list[ClaimResult], meta: dict[str, Any]) -> dict[str, Any]:
    """The JSON export: ``meta`` and one entry per claim with every outcome."""
    def outcome(o: Outcome) -> dict[str, Any]:
        return {"source": o.key, "verdict": o.verdict, "value": o.value, "expect": o.expect,
                "target": o.target, "tolerance": o.tolerance, "numbers": o.detail}

    return {"meta": meta, "claims": [{
        "id": r.claim.id, "document": r.claim.document,
        "document_title": r.claim.document_title,
        "claim": r.claim.claim,
        "stated": r.claim.stated, "verdict": r.verdict,
        "vintages_disagree": r.vintages_disagree, "check": _as_written(r.claim.check),
        "description": r.check.description,
        "outcomes": [outcome(o) for o in r.check.outcomes],
        "hand_check": r.claim.hand_check, "hand_verdict": r.claim.expected_verdict,
        "context": [{"check": _as_written(chk), "description": res.description,
                     "outcomes": [outcome(o) for o in res.outcomes]}
                    for chk, res in zip(r.claim.context, r.context, strict=True)],
    } for r in results]}


def _as_written(check: Check) -> dict[str, Any]:
    """A check as the claims file gives it (the keys it sets, numbers as written)."""
    return check.model_dump(mode="json", exclude_unset=True)


def metadata(evidence: Evidence) -> dict[str, Any]:
    from spendcalc.core.version import __version__

    return {"spendcalc_version": __version__, "claims_file": f"seeds/{CLAIMS_FILE}",
            "data_vintage": evidence.data.vintage,
            "vintages": VINTAGE_LABELS,
            "verdicts": "consistent | inconsistent | not_checkable, one per vintage or source; "
                        "context checks never set a verdict"}

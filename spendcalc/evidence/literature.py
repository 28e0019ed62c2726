"""Published estimates of the Hague target's cost, encoded as scenarios and reproduced.

Each file in ``scenarios/published/`` is a scenario (it may ``extends`` a ready one) plus a
``[published]`` table describing the source and its figure. The table is split off before the
scenario is validated, so the ready-scenario machinery (and ``spendcalc scenarios``, which
lists only the top folder) is untouched.

**How each figure is compared** (``[published.compare]``). A figure in a national currency
is compared in that currency, through spendcalc's exchange-rate model; a figure the source
itself states as a ratio or a percent of GDP is compared as one:

- ``usd``: the figure is in US dollars (bn) and compared as it stands;
- ``local``: a figure in one currency (``currency``: ``CAD``, ``EUR``, ...), compared with
  the engine's figures in that currency: dollars times NATO's implied rates for history, then
  the inflation-gap path of ``spendcalc.core.currency`` (on an edition without rates, the
  base year's rate that matches NATO's 2026 national-currency GDP; ``in_currency``). A
  metric may add ``fiscal_start_month`` (4: April-March) to sum fiscal years apportioned
  from calendar years, or ``rate_year`` to convert every year at one year's rate;
- ``ratio``: two figures of the same source in the same currency, divided (currency cancels);
  spendcalc's value is the same ratio of two engine figures;
- ``percent``: the source states the figure as a percent of GDP itself;
- ``none``: not comparable with the data spendcalc has (the reason is given).

**Tolerances, set from the source's own wording before any result is seen** (``figures``):
a bare number is exact to half a unit of its last digit shown (``33.5`` ±0.05). A number the
author marks as rounded (around, about, roughly, some, circa, and the same words in the
sources' languages: ``ROUNDED``) is exact to half a
unit of its last non-zero digit (``around 30`` means 25 to 35). ``more than X`` / ``over X``
(oltre, meer dan) means X up to X plus one unit of that digit; ``almost``/``nearly X`` means
X minus one unit up to X; a range ``16-19`` means 15.5 to 19.5. Figures combined by a sum add
their bounds; a ratio divides the bounds crosswise. *reproduced*: spendcalc's value lies in
the interval; *differs*: outside it, with the reason the file gives; *not reproducible*: the
comparison needs data spendcalc does not have.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spendcalc.core import currency
from spendcalc.core.errors import SpendcalcError
from spendcalc.core.fiscal_year import apportion
from spendcalc.core.overrides import check_against_data, merge, parse_scenario, without_none
from spendcalc.io.data import load_dataset, read_rows
from spendcalc.io.resources import bundled_dir
from spendcalc.io.scenarios import resolve_document, scenario_path

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.core.result import Result

PUBLISHED_DIR = "published"
CURRENCY_EDITION = "nato-2026"
"""The edition whose rates (``national_currency.csv``) convert estimates run on an edition
without them (see ``in_currency``)."""
KINDS = ("usd", "local", "ratio", "percent", "none")
VERDICTS = ("reproduced", "differs", "not reproducible")
SOURCE_FIELDS = ("id", "short", "author", "title", "date", "url", "value_text", "unit", "measures",
                 "years", "members", "baseline", "claim", "quote")
# The words that mark a figure as rounded, a floor or a ceiling, in the sources' languages
# (en, es, pt, it, fr, de, nl, da, no, sv, fi, pl, cs, sk, hu, ro, tr, lt, lv); matched as
# whole words.
ROUNDED = ("around", "about", "roughly", "some", "approximately", "circa", "ca.",
           "unos", "alrededor de", "aproximadamente", "cerca de", "intorno a", "environ",
           "rund", "etwa", "ungefähr", "zo'n", "ongeveer", "omkring", "omtrent", "rundt",
           "cirka", "ungefär", "noin", "około", "nějakých", "zhruba", "přibližně", "asi",
           "približne", "okolo", "mintegy", "körülbelül", "nagyjából", "aproximativ",
           "yaklaşık", "apie", "apmēram")
ABOVE = ("more than", "over", "at least", "más de", "mais de", "oltre", "plus de", "mehr als",
         "über", "meer dan", "ruim", "mere end", "mer enn", "över", "drygt", "yli", "ponad",
         "více než", "viac ako", "több mint", "peste", "daugiau nei", "vairāk nekā")
BELOW = ("almost", "nearly", "casi", "quase", "quasi", "presque", "près de", "fast", "knapp",
         "bijna", "næsten", "nesten", "nästan", "knappt", "lähes", "prawie", "blisko",
         "téměř", "takmer", "majdnem", "aproape", "neredeyse", "beveik", "gandrīz")


class LiteratureError(SpendcalcError):
    """A published-estimate file is malformed or unknown."""


@dataclass(frozen=True)
class Estimate:
    """One published estimate: its source, its figure and the scenario of its assumptions."""

    id: str
    path: Path
    source: dict[str, Any]
    """The ``[published]`` table (without ``compare``): author, title, date, url, ..."""
    compare: dict[str, Any]
    """How the figure is compared: kind, numerator, denominator, reason, ..."""
    document: dict[str, Any]
    """The scenario document (``extends`` resolved), without ``[published]``."""

    @property
    def edition(self) -> str | None:
        value = self.document.get("edition")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Reproduction:
    """spendcalc's value for one estimate next to the published one, in the comparison unit."""

    estimate: Estimate
    published: float | None
    """The published figure in the comparison unit (see ``unit``)."""
    low: float | None
    high: float | None
    """The tolerance interval, from the source's rounding (module docstring)."""
    reproduced: float | None
    """spendcalc's value under the estimate's assumptions, same unit; None: not reproducible."""
    unit: str
    verdict: str
    reason: str
    steps: list[str] = field(default_factory=list)
    """How the published figure was put in the comparison unit (shown with --id)."""

    @property
    def difference_pct(self) -> float | None:
        if self.published in (None, 0.0) or self.reproduced is None:
            return None
        return (self.reproduced - self.published) / abs(self.published) * 100


def published_dir() -> Path:
    return bundled_dir("scenarios") / PUBLISHED_DIR


def load_estimates(directory: Path | None = None) -> list[Estimate]:
    """Every published estimate (``scenarios/published/*.toml``), sorted by id."""
    folder = directory or published_dir()
    return [load_estimate(p) for p in sorted(folder.glob("*.toml"))]


def load_estimate(path: Path) -> Estimate:
    """One estimate file: the ``[published]`` table split off the scenario document."""
    raw = _read(path)
    if not isinstance(raw.get("published"), dict):
        raise LiteratureError(f"{path.name}: published: missing [published] table")
    published = dict(raw["published"])
    compare = published.pop("compare", None)
    if not isinstance(compare, dict) or compare.get("kind") not in KINDS:
        raise LiteratureError(f"{path.name}: published.compare.kind: allowed: {', '.join(KINDS)}")
    missing = [k for k in SOURCE_FIELDS if not published.get(k)]
    if missing:
        raise LiteratureError(f"{path.name}: published.{missing[0]}: required")
    return Estimate(str(published["id"]), path, published, compare, _document(path, raw))


def _document(path: Path, raw: dict[str, Any]) -> dict[str, Any]:
    """The scenario part of an estimate file, merged over the scenario it ``extends`` (a
    ready name or a path relative to the file). ``[published]`` never reaches the
    scenario readers, which reject unknown keys."""
    doc = {k: v for k, v in raw.items() if k not in ("published", "extends")}
    doc.setdefault("name", path.stem)
    parent = raw.get("extends")
    if parent is None:
        return doc
    if not isinstance(parent, str) or not parent:
        raise LiteratureError(f"{path.name}: extends: a ready scenario's name or a path")
    relative = parent.endswith(".toml") or "/" in parent
    parent_path = (path.parent / parent).resolve() if relative else scenario_path(parent)
    if not parent_path.is_file():
        raise LiteratureError(f"{path.name}: extends: {parent} not found")
    return merge(resolve_document(parent_path), doc)


def find_estimate(estimate_id: str, estimates: list[Estimate]) -> Estimate:
    for est in estimates:
        if est.id == estimate_id:
            return est
    raise LiteratureError(f"unknown estimate {estimate_id!r}; known: "
                          f"{', '.join(e.id for e in estimates)}")


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LiteratureError(f"{path.name}: invalid TOML: {exc}") from None


def scenario_of(doc: dict[str, Any], data: Dataset, label: str) -> Scenario:
    """Validate a scenario document against ``data`` (as ``load_scenario`` does)."""
    doc = dict(doc)
    doc.setdefault("base_year", data.latest_share_year)
    doc["edition"] = data.edition_name
    scenario = parse_scenario(without_none(doc), label)
    check_against_data(scenario, data, label)
    return scenario


def dataset_for(doc: dict[str, Any], directory: Path | None = None) -> Dataset:
    """The data an estimate's scenario runs on: its own ``edition`` (else the default)."""
    edition = doc.get("edition")
    return load_dataset(directory, edition if isinstance(edition, str) else None)


def run(doc: dict[str, Any], label: str, directory: Path | None = None) -> Result:
    """Compute a scenario document with the engine."""
    from spendcalc.core.result import compute

    data = dataset_for(doc, directory)
    return compute(scenario_of(doc, data, label), data)


def year_of(token: Any, scenario: Scenario) -> int:
    """A year in a metric: a number, or ``base``, ``target``, ``horizon`` with an optional
    ``+N``/``-N`` (``base+1``: the first projected year)."""
    if isinstance(token, int):
        return token
    match = re.fullmatch(r"(base|target|horizon)([+-]\d+)?", str(token))
    if match is None:
        raise LiteratureError(f"year {token!r}: a number, or base/target/horizon[+N]")
    anchor = {"base": scenario.base_year, "horizon": scenario.horizon,
              "target": scenario.target.year if scenario.target else scenario.horizon}
    return anchor[match.group(1)] + int(match.group(2) or 0)


def term(result: Result, spec: dict[str, Any], code: str | None = None) -> float:
    """A figure from the projection table, summed over the run's members: ``column`` in the
    years ``from``..``to`` (inclusive), their ``sum`` or ``mean``; ``minus_year`` subtracts the
    column's value in that year from every year's (a flat-cash baseline); ``divide`` divides
    the result (10: per year over ten years); ``fiscal_start_month`` makes the years fiscal
    years (2035: FY 2035-36), apportioned from calendar years. USD bn unless the column is a
    share, or bn of currency ``code`` when one is given (the ``_usd_bn`` column's twin):
    converted year by year, or all at ``rate_year``'s rate (``base``: figures "in today's
    terms", where GDP is held flat in dollars)."""
    sc = result.scenario
    first = year_of(spec["from"], sc)
    last = year_of(spec.get("to", spec["from"]), sc)
    table, column = result.table, spec["column"]
    if code is not None:
        table, column = in_currency(result, code), currency.lcu_name(column)
        if "rate_year" in spec:  # "today's terms": every year's dollars at one year's rate
            at = table.loc[table["year"] == year_of(spec["rate_year"], sc)]
            rate = table["iso3"].map(at.set_index("iso3")["usd_rate"])
            table = table.assign(**{column: table[spec["column"]] * rate})
    by_year = table.groupby("year")[column].sum(min_count=1)
    if "fiscal_start_month" in spec:
        calendar = {int(y): float(v) for y, v in by_year.items()}
        fiscal = apportion(calendar, int(spec["fiscal_start_month"]))
        by_year = pd.Series(list(fiscal.values()), index=list(fiscal), dtype=float)
    years = list(range(first, last + 1))
    if any(y not in by_year.index for y in years):
        return math.nan
    values = by_year.loc[years].astype(float)
    if "minus_year" in spec:
        minus = year_of(spec["minus_year"], sc)
        values = values - (float(by_year.loc[minus]) if minus in by_year.index else math.nan)
    total = float(values.sum())
    if spec.get("stat", "sum") == "mean":
        total /= len(years)
    return total / float(spec.get("divide", 1.0))


def ours(estimate: Estimate, result: Result) -> float:
    """spendcalc's value in the estimate's comparison unit (module docstring)."""
    kind = estimate.compare["kind"]
    if kind == "local":
        code = str(estimate.compare["currency"])
        value = term(result, estimate.compare["numerator"], code)
        if "denominator" in estimate.compare:
            return value / term(result, estimate.compare["denominator"], code)
        return value
    value = term(result, estimate.compare["numerator"])
    if kind == "ratio":
        return value / term(result, estimate.compare["denominator"])
    if kind == "percent":
        return value / term(result, estimate.compare["denominator"]) * 100
    return value


def figure_bounds(text: str) -> tuple[float, float, float]:
    """(central, low, high) of one published figure from its wording (module docstring)."""
    words = text.lower().replace(",", "")
    numbers = re.findall(r"\d+(?:\.\d+)?", words)
    if not numbers:
        raise LiteratureError(f"figure {text!r}: no number")
    if len(numbers) == 2:  # a range "16-19"
        lo, hi = (float(n) for n in numbers)
        half = _unit(numbers[0], last_nonzero=False) / 2
        return (lo + hi) / 2, lo - half, hi + half
    x = float(numbers[0])
    if _says(words, ABOVE):
        return x, x, x + _unit(numbers[0], last_nonzero=True)
    if _says(words, BELOW):
        return x, x - _unit(numbers[0], last_nonzero=True), x
    half = _unit(numbers[0], last_nonzero=_says(words, ROUNDED)) / 2
    return x, x - half, x + half


def _says(text: str, vocabulary: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of the words (whole words: "over" is not in "cover")."""
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in vocabulary)


def _unit(number: str, *, last_nonzero: bool) -> float:
    """One unit of the number's last digit shown (or of its last non-zero digit)."""
    whole, _, frac = number.partition(".")
    if frac and not (last_nonzero and not frac.strip("0")):
        digits = frac.rstrip("0") if last_nonzero else frac
        return 10.0 ** -len(digits)
    zeros = len(whole) - len(whole.rstrip("0")) if last_nonzero and whole.strip("0") else 0
    return 10.0 ** zeros


def published_bounds(estimate: Estimate) -> tuple[float, float, float]:
    """The compared figure and its interval, in the source's own unit, from ``figures``
    combined by ``combine``: single, sum, or ratio (first / the sum of the others); times
    ``scale`` (0.001: millions to billions)."""
    scale = float(estimate.compare.get("scale", 1.0))
    figures = []
    for text in estimate.compare["figures"]:
        mid, lo, hi = figure_bounds(text)
        figures.append((mid * scale, lo * scale, hi * scale))
    combine = estimate.compare.get("combine", "single")
    if combine == "sum":
        return (sum(f[0] for f in figures), sum(f[1] for f in figures),
                sum(f[2] for f in figures))
    if combine == "ratio":
        (a, a_lo, a_hi), rest = figures[0], figures[1:]
        b, b_lo, b_hi = (sum(f[i] for f in rest) for i in range(3))
        return a / b, a_lo / b_hi, a_hi / b_lo
    return figures[0]


def in_currency(result: Result, code: str) -> pd.DataFrame:
    """The result's member table with ``_lcu_bn`` money in ``code`` (one member's own
    currency, or a currency several members share).

    NATO's 2025 edition has no national-currency tables, and its dollars rest on that
    release's own rate assumptions, so the July 2026 rates do not fit them. For such an
    edition the base year's rate is the one that turns the edition's dollar GDP into the
    national-currency GDP of NATO's 2026 tables (the conversion the old currency-free
    comparison made); the years after move with the inflation gap only, as that edition's
    dollar GDP assumes (real rates held), not with the later release's actual rates."""
    if result.data.usd_rates is not None:
        return result.in_currency(code).table
    rates = load_dataset(None, CURRENCY_EDITION)
    iso3s = tuple(dict.fromkeys(str(c) for c in result.columns["iso3"]))
    years = np.unique(np.asarray(result.columns["year"], dtype=np.int64))
    conv = currency.conversion(rates, iso3s, years, code)
    # A member using ``code`` is scaled by its own GDP (its dollars and euros then describe
    # the same base-year economy, whatever revisions came between editions); the others by
    # the currency's anchor, the largest economy using it.
    base, at = result.scenario.base_year, int(result.scenario.base_year - years[0])
    anchor = rates.codes[currency.anchor(rates, code)]
    usd = rates.index("USA")
    for i, iso3 in enumerate(iso3s):
        who = iso3 if rates.currencies[rates.index(iso3)] == code else anchor
        usd_gdp = float(result.data.gdp_in(base)[result.data.index(who)])
        gap = (currency.price_level(rates, rates.index(who), years[at:])
               / currency.price_level(rates, usd, years[at:]))
        conv.rate[i, at:] = national_gdp_bn(who, base)[0] / usd_gdp * gap
    return pd.DataFrame(currency.convert_columns(result.columns, conv))


def national_gdp_bn(iso3: str, year: int, directory: Path | None = None) -> tuple[float, str]:
    """A member's GDP in its own currency, bn, in ``year``: NATO's core spending in national
    currency (July 2026 table) divided by its core share of GDP. With the currency code."""
    data = load_dataset(directory, CURRENCY_EDITION)
    path = data.path("national_currency.csv")
    required = ("iso3", "year", "currency", "core_nat_currency_current_m")
    for _, row in read_rows(path, required):
        if row["iso3"] == iso3 and row["year"] == str(year):
            share = data.shares_pct[data.index(iso3), data.share_years.index(year)]
            return float(row["core_nat_currency_current_m"]) / 1000 / (share / 100), \
                row["currency"]
    raise LiteratureError(f"{path.name}: no national-currency figure for {iso3} {year}")


def reproduce(estimate: Estimate, directory: Path | None = None) -> Reproduction:
    """The estimate's figure and spendcalc's, in the comparison unit, with a verdict."""
    cmp = estimate.compare
    unit = str(cmp.get("unit", estimate.source["unit"]))
    if cmp["kind"] == "none":
        central = published_bounds(estimate)[0] if cmp.get("figures") else None
        return Reproduction(estimate, central, None, None, None, unit, "not reproducible",
                            str(cmp["reason"]))
    result = run(estimate.document, estimate.path.name, directory)
    value, lo, hi = published_bounds(estimate)
    steps = [f"published: {' and '.join(cmp['figures'])}"
             + (f" ({cmp.get('combine')})" if cmp.get("combine", "single") != "single" else "")]
    if cmp["kind"] == "local":
        steps.append(f"spendcalc in {cmp['currency']}: USD x NATO's implied rates, then the "
                     "inflation gap" + (" (this edition has no rates: the base year's rate "
                                        "matches NATO's 2026 national-currency GDP)"
                                        if result.data.usd_rates is None else ""))
    mine = ours(estimate, result)
    if math.isnan(mine):
        return Reproduction(estimate, value, lo, hi, None, unit, "not reproducible",
                            "the projection lacks a year the comparison needs", steps)
    if lo - 1e-12 <= mine <= hi + 1e-12:
        verdict, reason = "reproduced", "within the source's rounding"
    else:
        verdict, reason = "differs", str(cmp["differences"])
    return Reproduction(estimate, value, lo, hi, mine, unit, verdict, reason, steps)


def reproduce_all(estimates: list[Estimate],
                  directory: Path | None = None) -> list[Reproduction]:
    return [reproduce(e, directory) for e in estimates]


def as_record(rep: Reproduction) -> dict[str, Any]:
    """The ``--json`` fields of one estimate (values in the comparison unit ``unit``)."""
    src = rep.estimate.source
    diff = rep.difference_pct
    return {
        "id": rep.estimate.id,
        "source": src["author"],
        "title": src["title"],
        "date": src["date"],
        "url": src["url"],
        "claim": src["claim"],
        "value_as_published": src["value_text"],
        "published_unit": src["unit"],
        "published_value": _round(rep.published),
        "tolerance": [_round(rep.low), _round(rep.high)],
        "unit": rep.unit,
        "comparison": rep.estimate.compare["kind"],
        "reproduced_value": _round(rep.reproduced),
        "difference_pct": None if diff is None else round(diff, 2),
        "verdict": rep.verdict,
        "reason": rep.reason,
        "edition": rep.estimate.edition,
    }


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(f"{value:.8g}")


DEFAULT_SCENARIO = "hague-2035"
DRIVERS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("base year", (("base_year",),)),
    ("data edition", (("edition",),)),
    ("path shape", (("target", "year"), ("horizon",), ("path",), ("milestones",),
                    ("allow_cuts",))),
    ("baseline", (("baseline_pct",),)),
    ("growth", (("growth",),)),
    ("related spending and target", (("target", "core_pct"), ("target", "related_pct"),
                                     ("related",), ("exemptions",))),
)
"""The drivers ``--explain`` moves, in turn, from the default scenario to the estimate's.
The base year goes first: an edition's default base year is its latest, so changing the
edition first would move the base year unseen."""


@dataclass(frozen=True)
class Step:
    """One driver moved to the estimate's assumption, and spendcalc's value after it."""

    driver: str
    changes: list[str]
    """``field: default -> estimate`` for every field the step changed (empty: no change)."""
    value: float | None
    """spendcalc's value in the comparison unit after this step; None: cannot be computed."""
    note: str = ""


def explain(estimate: Estimate, directory: Path | None = None) -> list[Step]:
    """Walk from spendcalc's default scenario (``hague-2035`` on the default edition, for the
    estimate's members) to the estimate's scenario one driver at a time, computing the
    estimate's figure after each step; the last step is the currency conversion."""
    if estimate.compare["kind"] == "none":  # nothing spendcalc can compute to walk towards
        return [Step("currency", [], None, f"not reproducible: {estimate.compare['reason']}")]
    doc = resolve_document(scenario_path(DEFAULT_SCENARIO))
    for field_name in ("members", "exclude", "name"):
        _put(doc, (field_name,), _get(estimate.document, (field_name,)))
    steps = [_step(estimate, "spendcalc's default (hague-2035, default edition)", [], doc,
                   directory)]
    for driver, keys in DRIVERS:
        changes = []
        for key in keys:
            old, new = _get(doc, key), _get(estimate.document, key)
            if old != new:
                changes.append(f"{'.'.join(key)}: {_show(old)} -> {_show(new)}")
                _put(doc, key, new)
        if changes:
            steps.append(_step(estimate, driver, changes, doc, directory))
        else:
            steps.append(Step(driver, [], steps[-1].value, "as the default"))
    rep = reproduce(estimate, directory)
    steps.append(Step("currency", [f"{estimate.compare['kind']}: {s}" for s in rep.steps],
                      rep.reproduced, f"published, same unit: {_fmt(rep.published)}"))
    return steps


def _step(estimate: Estimate, driver: str, changes: list[str], doc: dict[str, Any],
          directory: Path | None) -> Step:
    try:
        return Step(driver, changes, ours(estimate, run(doc, estimate.path.name, directory)))
    except SpendcalcError as exc:
        return Step(driver, changes, None, f"not computable at this step: {exc}")


_MISSING = object()


def _get(doc: dict[str, Any], key: tuple[str, ...]) -> Any:
    node: Any = doc
    for part in key:
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _put(doc: dict[str, Any], key: tuple[str, ...], value: Any) -> None:
    node = doc
    for part in key[:-1]:
        node = node.setdefault(part, {})
    if value is _MISSING:
        node.pop(key[-1], None)
    else:
        node[key[-1]] = value


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(not set: the default)"
    if isinstance(value, dict):  # notes and sources say why, not what: left out here
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()
                               if k not in ("note", "source", "reason")) + "}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "[" + "; ".join(_show(v) for v in value) + "]"
    return str(value)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.4g}"

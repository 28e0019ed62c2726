"""The classroom explorer: one offline HTML file with live controls (``spendcalc explore``).

    from spendcalc.views import explorer
    html = explorer.build(scenario, data)        # one self-contained page as a string
    explorer.write(html, Path("explorer.html"))  # atomic; refuses to overwrite

The page computes with a JavaScript port of the engine's deterministic path
(``explorer_assets/engine.js``, exposed as ``window.spendcalc.project(scenario)``) on the data
embedded here: exactly what ``data`` (the selected edition and ``--data DIR``) holds, so the
page and ``spendcalc run`` agree to the last digits. Nothing is fetched: a
Content-Security-Policy in the page allows only its own inline script and style (by hash)
and ``data:`` images. Units: shares in percent of GDP, money in USD bn at current prices,
growth in percent a year, population in millions.

Money can also be shown in each ally's own currency or one common currency: the rates
(units per USD, every year the page can show) are computed here with
``spendcalc.core.currency`` and embedded, never modelled in the page. Published estimates
(``scenarios/published/``, ``spendcalc.evidence.literature``) are presets too, run on the
page's data with their source shown.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spendcalc.core.errors import OutputError
from spendcalc.core.version import __version__
from spendcalc.io import outputs

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.io.fiscal_data import FiscalData

SUFFIXES = (".html", ".htm")
MAX_BYTES = 1_000_000
"""The page must stay small enough to email: 1 MB."""
ASSETS = "explorer_assets"
SCRIPTS = ("engine.js", "explorer.js")
LINES = ("health", "education", "social_protection")
"""Budget lines "In everyday terms" sets the extra spending against."""
UNSUPPORTED = {
    "uncertainty": "Monte Carlo ranges (uncertainty): use spendcalc simulate",
    "equipment": "where the money goes (equipment): use spendcalc moneyflow",
}
"""Scenario tables the explorer does not use at all, and where to find them instead."""


def _asset(name: str) -> str:
    return resources.files("spendcalc.views").joinpath(ASSETS, name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _clean(value: Any) -> Any:
    """JSON-safe: NaN becomes null (the page reads null back as NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _fiscal_payload(data: Dataset, fiscal: FiscalData) -> dict[str, Any]:
    """Per member: population (millions) and gross debt (% of GDP) by year, and the latest
    share of GDP of each budget line, exactly as ``spendcalc tradeoff`` reads them."""
    out: dict[str, Any] = {}
    for code in data.codes:
        lines = {ln: fiscal.latest(code, ln) for ln in LINES}
        out[code] = {
            "population_m": {str(y): o.value for y, o in fiscal.population_m.get(code,
                                                                                {}).items()},
            "debt_pct_gdp": {str(y): o.value for y, o in fiscal.series(code, "gov_debt").items()},
            "lines_pct_gdp": {ln: (o.value if o else None) for ln, o in lines.items()},
            "lines_year": {ln: (o.year if o else None) for ln, o in lines.items()},
        }
    return out


def _rates(data: Dataset, years: list[int], fixed: dict[str, Any] | None) -> dict[str, Any]:
    """Units per USD in each of ``years``: every member in its own currency (``local``) and
    every currency the data knows, at its largest economy's rate (``common``), exactly the
    rates ``Result.in_currency`` multiplies by."""
    import numpy as np

    from spendcalc.core import currency

    span = np.asarray(years, dtype=np.int64)
    local = currency.conversion(data, tuple(data.codes), span, currency.LOCAL, fixed)
    common = {code: currency.conversion(data, ("USA",), span, code, fixed).rate[0].tolist()
              for code in currency.available(data) if code != currency.USD}
    return {"local": dict(zip(data.codes, local.rate.tolist(), strict=True)),
            "common": common}


def currency_payload(data: Dataset, presets: list[Scenario]) -> dict[str, Any]:
    """The page's exchange rates: for every year from the earliest base year to the latest
    horizon of ``presets`` (no control moves the horizon), each member's currency and rate,
    and each currency's common rate; presets that fix rates (``[currency]``) get their own.
    An edition without national-currency figures gives ``available: false`` and why."""
    from spendcalc.core import currency

    if data.usd_rates is None:
        return {"available": False,
                "note": f"The {data.edition_name} data has no national-currency figures "
                        "(NATO's Table 1), so money is shown in US dollars only; "
                        "spendcalc explore --edition nato-2026 has them."}
    years = list(range(min(data.base_years), max(p.horizon for p in presets) + 1))
    fixed = {json.dumps(p.currency, sort_keys=True): p.currency for p in presets if p.currency}
    out: dict[str, Any] = _clean({
        "available": True, "years": years, "model": currency.MODEL,
        "nato_until": max(data.rate_years),
        "member_currency": dict(zip(data.codes, data.currencies, strict=True)),
        **_rates(data, years, None),
        "fixed": [{"currency": json.loads(key), **_rates(data, years, value)}
                  for key, value in fixed.items()],
    })
    return out


def payload(data: Dataset, presets: list[Scenario], initial: str,
            fiscal: FiscalData | None = None,
            published: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the page computes from: the dataset's members, base-year shares and GDP
    for every allowed base year, IMF growth and US inflation, groups, fiscal data, exchange
    rates, the preset scenarios (resolved, as ``spendcalc show --json`` prints them) and,
    for presets that are published estimates, their sources (``published_presets``)."""
    from spendcalc.io.fiscal_data import load_fiscal

    fiscal = fiscal or load_fiscal(data)
    usa = data.index("USA")
    base_years = list(data.base_years)
    out: dict[str, Any] = _clean({
        "version": __version__,
        "edition": data.edition_name,
        "vintage": data.vintage,
        "base_years": base_years,
        "members": [{"iso3": m.iso3, "name": m.name, "armed_forces": m.armed_forces}
                    for m in data.members],
        "base_share_pct": {str(y): data.share_in(y).tolist() for y in base_years},
        "base_gdp_usd_bn": {str(y): data.gdp_in(y).tolist() for y in base_years},
        "projection_years": list(data.projection_years),
        "real_growth_pct": data.real_growth_pct.tolist(),
        "us_cpi_pct": data.cpi_pct[usa].tolist(),
        "groups": [{"key": g.key, "label": g.label, "members": list(g.members)}
                   for g in data.groups.values()],
        "fiscal": _fiscal_payload(data, fiscal),
        "presets": {s.name: s.model_dump(mode="json") for s in presets},
        "published": published or {},
        "currency": currency_payload(data, presets),
        "initial": initial,
        "unsupported": UNSUPPORTED,
        "defaults": {key: _default_of(key) for key in UNSUPPORTED},
    })
    return out


def _default_of(key: str) -> Any:
    """A scenario table's default, as JSON: the page notes a scenario that changes it."""
    from spendcalc.core.models import Scenario

    return Scenario.model_fields[key].get_default(call_default_factory=True).model_dump(
        mode="json")


def ready_presets(data: Dataset) -> list[Scenario]:
    """Every ready scenario, resolved against ``data``."""
    from spendcalc.io.scenarios import load_scenario, ready_scenarios

    return [load_scenario(r.name, data) for r in ready_scenarios()]


SOURCE_KEYS = ("id", "short", "author", "title", "date", "url", "value_text", "claim")
"""What the page shows of an estimate's ``[published]`` table."""


def published_presets(data: Dataset, taken: set[str]) -> tuple[list[Scenario], dict[str, Any]]:
    """Every published estimate (``scenarios/published/*.toml``) as a preset on ``data``,
    and what the page says of each: its source, the edition it was encoded on and whether
    that is the page's. A file that does not load or validate on ``data`` is not a preset:
    it is listed under ``skipped`` with why. Names clashing with ``taken`` get a
    ``published-`` prefix."""
    from spendcalc.core.errors import SpendcalcError
    from spendcalc.evidence import literature
    from spendcalc.io.data import DEFAULT_EDITION

    scenarios: list[Scenario] = []
    info: dict[str, dict[str, Any]] = {}
    skipped: list[str] = []
    for path in sorted(literature.published_dir().glob("*.toml")):
        try:  # one estimate another engineer is still writing must not cost the page
            est = literature.load_estimate(path)
            scenario = literature.scenario_of(est.document, data, path.name)
        except (SpendcalcError, ValueError) as exc:
            skipped.append(f"{path.stem}: {exc}")
            continue
        if scenario.name in taken:
            scenario = scenario.model_copy(update={"name": f"published-{est.id}"})
        taken.add(scenario.name)
        scenarios.append(scenario)
        encoded = est.edition or DEFAULT_EDITION
        info[scenario.name] = {**{k: str(est.source.get(k, "")) for k in SOURCE_KEYS},
                               "edition": encoded,
                               "same_edition": encoded == data.edition_name}
    shown: dict[str, Any] = {"estimates": info, "skipped": skipped} if info or skipped else {}
    return scenarios, shown


def build(scenario: Scenario, data: Dataset, *, presets: list[Scenario] | None = None,
          fiscal: FiscalData | None = None, estimates: bool = True) -> str:
    """The explorer page opening on ``scenario`` (added to the presets unless it is one of
    them unchanged), as one HTML string; ``estimates``: the published estimates are
    presets too (``published_presets``)."""
    presets = list(ready_presets(data) if presets is None else presets)
    same = [p for p in presets if p.name == scenario.name]
    if not same or same[0] != scenario:
        presets = [p for p in presets if p.name != scenario.name] + [scenario]
    published: dict[str, Any] = {}
    if estimates:
        more, published = published_presets(data, {p.name for p in presets})
        presets += more
    info = payload(data, presets, scenario.name, fiscal, published)
    script = "\n".join(_asset(name) for name in SCRIPTS)
    style = _asset("explorer.css")
    # "</" cannot end the data block early: JSON allows the escaped form.
    blob = json.dumps(info, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    csp = (f"default-src 'none'; script-src {_csp_hash(script)}; "
           f"style-src {_csp_hash(style)}; img-src data:; base-uri 'none'; form-action 'none'")
    page = _asset("explorer.html")
    for key, value in (("CSP", html.escape(csp)), ("STYLE", style), ("DATA", blob),
                       ("SCRIPT", script), ("VERSION", __version__),
                       ("EDITION", html.escape(data.edition_name))):
        page = page.replace("{{" + key + "}}", value)
    return page


def check_output(path: Path, *, force: bool = False) -> None:
    """Fail before any work on a suffix other than .html, or an existing file (no force)."""
    outputs.check_output(path, force=force, formats=SUFFIXES)


def write(content: str, path: Path, *, force: bool = False) -> Path:
    """Write the page atomically; refuse a page over 1 MB (it must stay emailable)."""
    data = content.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise OutputError(f"{path}: the explorer would be {len(data):,} bytes, over the "
                          f"{MAX_BYTES:,}-byte limit")
    check_output(path, force=force)
    outputs.write_atomic(path, data, force=force)
    return path

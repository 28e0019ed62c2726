"""A scenario's assumptions in words, from the typed ``Scenario``: the one place they are
written. The HTML report lists the full sentences (``Assumption.text``); chart footers join
the few words of each (``Assumption.brief``); ``spendcalc explain`` describes the path with
the same ``path_words``.

Plain text: callers escape it for HTML. Shares are percent of GDP; growth percent a year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from spendcalc.evidence.explain import path_words

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario

BRIEF_SHAPES = {"step": "in one step", "constant-growth": "constant money growth",
                "points": "along set points"}
"""A path shape in a chart footer's few words (others: '<shape> path')."""


@dataclass(frozen=True)
class Assumption:
    """One assumption: its topic ('Target'), the full sentences, and a few words for a
    chart footer ('' where the footer leaves it out)."""

    topic: str
    text: str
    brief: str = ""


def assumptions(scenario: Scenario, data: Dataset) -> list[Assumption]:
    """Every assumption of ``scenario`` run on ``data`` (which names the members and says
    which base-year figures are estimates), in reading order."""
    s = scenario
    names = {m.iso3: m.name for m in data.members}
    out = [_years(s, data), _target(s)]
    if s.target is not None:
        out.append(_path(s))
    out.append(_cuts(s))
    out += _exemptions(s, names)
    if s.milestones:
        out.append(_milestones(s, names))
    out.append(_related(s))
    out.append(_growth(s, data, names))
    out.append(Assumption("Baseline", f"Gaps are measured against {s.baseline_pct:g}% of GDP"
                          + (" (the old Wales guideline)." if s.baseline_pct == 2.0 else ".")))
    if isinstance(s.members, list) or s.exclude:
        out.append(_members(s, data, names))
    out.append(Assumption(
        "Prices", f"Money is in billions of current US dollars; constant {s.base_year} "
        "dollars (in spendcalc's exports) are deflated by US inflation. Iceland has no armed "
        "forces: it is listed without spending and adds nothing to totals or to group GDP."))
    return out


def brief(scenario: Scenario, data: Dataset) -> str:
    """The key assumptions in a few words, for a chart footer: '3.5% core + 1.5% related by
    2035; linear path; exempt: ESP 2.1%; IMF WEO growth'."""
    return "; ".join(a.brief for a in assumptions(scenario, data) if a.brief)


def settings_brief(settings: Mapping[str, Any] | None, data: Dataset) -> str:
    """``brief`` from an export's ``meta["scenario_settings"]``; '' when there are none or
    they do not describe a scenario this version reads (an older export)."""
    from pydantic import ValidationError

    from spendcalc.core.models import Scenario

    if not settings:
        return ""
    try:
        scenario = Scenario.model_validate(dict(settings))
    except ValidationError:
        return ""
    return brief(scenario, data)


def _years(s: Scenario, data: Dataset) -> Assumption:
    col = data.share_years.index(s.base_year) if s.base_year in data.share_years else None
    estimates = col is not None and any(row[col] for row in data.share_estimate)
    return Assumption(
        "Years", f"The projection starts from each ally's {s.base_year} share of GDP as NATO "
        "reports it (the base year" + ("; partly NATO estimates" if estimates else "")
        + f"; the source of each figure is under Data sources) and runs to {s.horizon}.")


def _target(s: Scenario) -> Assumption:
    tg = s.target
    if tg is None:
        return Assumption("Target", f"None: every ally keeps its {s.base_year} share of GDP, "
                          "so spending changes only with GDP.",
                          f"no target, shares held at {s.base_year} levels")
    goal = f"{tg.core_pct:g}% core" + (f" + {tg.related_pct:g}% related" if tg.related_pct
                                       else "")
    return Assumption(
        "Target", f"{tg.core_pct:g}% of GDP on core defence (NATO's definition) plus "
        f"{tg.related_pct:g}% on defence- and security-related spending, "
        f"{tg.core_pct + tg.related_pct:g}% in all, reached in {tg.year} and held after.",
        f"{goal} by {tg.year}")


def _path(s: Scenario) -> Assumption:
    p = s.path
    text = f"Shares move {path_words(p)}."
    short = BRIEF_SHAPES.get(p.shape, f"{p.shape} path")
    if p.delivered_pct != 100:
        text += (f" Only {p.delivered_pct:g}% of each planned change is delivered "
                 "(path.delivered_pct).")
        short += f"; {p.delivered_pct:g}% of the planned rise delivered"
    return Assumption("Path", text, short)


def _cuts(s: Scenario) -> Assumption:
    if s.allow_cuts:
        return Assumption("Cuts", "Shares may fall below their base-year level where the path "
                          "says so (allow_cuts).", "cuts allowed")
    return Assumption("Cuts", f"No ally's share falls below its {s.base_year} share (a target "
                      "below it is raised to it).")


def _exemptions(s: Scenario, names: dict[str, str]) -> list[Assumption]:
    """One per exemption; the first carries the footer's words for all of them."""
    items = list(s.exemptions.items())
    shown = ", ".join(f"{code} {ex.core_pct + ex.related_pct:g}%" for code, ex in items[:3])
    short = f"exempt: {shown}" + (f" +{len(items) - 3}" if len(items) > 3 else "")
    out = []
    for i, (code, ex) in enumerate(items):
        when = ex.year or (s.target.year if s.target else s.horizon)
        src = f" (source {ex.source})" if ex.source else ""
        out.append(Assumption(
            f"Exemption: {names.get(code, code)}", f"Its own target replaces the common one: "
            f"{ex.core_pct:g}% core + {ex.related_pct:g}% related by {when}. Reason given: "
            f"{ex.reason.rstrip('.')}{src}.", short if i == 0 else ""))
    return out


def _milestones(s: Scenario, names: dict[str, str]) -> Assumption:
    stones = "; ".join(f"{names.get(ms.member, ms.member)} {ms.pct:g}% core in {ms.year}"
                       + (f" ({ms.source})" if ms.source else "") for ms in s.milestones)
    return Assumption("National milestones", f"Met exactly in their year: {stones}.",
                      f"{len(s.milestones)} national milestones")


def _related(s: Scenario) -> Assumption:
    if s.related.base_pct:
        return Assumption("Related spending", f"{s.related.base_pct:g}% of GDP of "
                          f"defence-related spending is assumed to be spent already in "
                          f"{s.base_year}.", f"{s.related.base_pct:g}% related already spent")
    return Assumption("Related spending", "No data exist for the defence-related category; "
                      f"none is counted in {s.base_year}, so all of it is new spending (an "
                      "upper bound on its cost).")


def _growth(s: Scenario, data: Dataset, names: dict[str, str]) -> Assumption:
    g = s.growth
    if g.source == "flat":
        text = f"Nominal GDP in US dollars grows {g.flat_pct:g}% a year for every ally."
        short = [f"GDP growth {g.flat_pct:g}%/yr"]
    else:
        text = ("GDP in current US dollars grows with each ally's real growth (IMF World "
                "Economic Outlook, October 2025) combined with US inflation: exchange rates "
                "are held constant in real terms; the 2030 rates hold after 2030. NATO's GDP "
                f"series ends in {data.gdp_years[-1]}.")
        if g.real_offset:
            text += f" Real growth is changed by {g.real_offset:+g} points a year for all."
        short = ["IMF WEO growth" + (f" {g.real_offset:+g} pt" if g.real_offset else "")]
    if g.overrides:
        text += " Growth set by the scenario: " + ", ".join(
            f"{names.get(c, c)} {v:g}% a year" for c, v in g.overrides.items()) + "."
        short.append(f"growth set for {', '.join(g.overrides)}")
    if g.shock is not None:
        text += f" In {g.shock.year} every ally's growth changes by {g.shock.pct:+g} points."
        short.append(f"{g.shock.pct:+g} pt growth shock in {g.shock.year}")
    return Assumption("GDP growth", text, "; ".join(short))


def _members(s: Scenario, data: Dataset, names: dict[str, str]) -> Assumption:
    chosen = s.members if isinstance(s.members, list) else [m.iso3 for m in data.members]
    chosen = [c for c in chosen if c not in s.exclude]
    short = [f"{len(s.members)} members"] if isinstance(s.members, list) else []
    if s.exclude:
        short.append(f"without {', '.join(s.exclude)}")
    return Assumption("Members", f"{len(chosen)} allies: "
                      + ", ".join(names.get(c, c) for c in chosen) + ".", "; ".join(short))

"""Turn a validated Scenario and the Dataset into the engine's arrays.

This is where scenario rules become numbers: which members take part, each member's target
(or exemption), the anchors its share passes through (base year, common points, national
milestones, target) and the growth of its dollar GDP. No arithmetic on results happens here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spendcalc.data import Dataset
from spendcalc.engine import EngineInputs
from spendcalc.models import Member, Scenario


@dataclass(frozen=True)
class Setup:
    """Engine inputs plus what the views need to label them."""

    inputs: EngineInputs
    members: tuple[Member, ...]
    n_report_years: int
    """Years base..horizon; the engine may run further to reach a later target year."""
    base_sources: tuple[str, ...]
    target_core_pct: np.ndarray
    target_related_pct: np.ndarray
    target_year: np.ndarray


def selected_members(scenario: Scenario, data: Dataset) -> tuple[Member, ...]:
    """Members taking part, in the data's order."""
    chosen = set(data.codes if scenario.members == "all" else scenario.members)
    chosen -= set(scenario.exclude)
    return tuple(m for m in data.members if m.iso3 in chosen)


def _anchors(base: float, anchors: dict[int, float], allow_cuts: bool) -> list[float]:
    values = [base]
    for year in sorted(anchors):
        v = anchors[year]
        values.append(v if allow_cuts else max(v, values[-1]))
    return values


def _pad(rows: list[list[float]]) -> np.ndarray:
    width = max(len(r) for r in rows)
    return np.array([r + [r[-1]] * (width - len(r)) for r in rows], dtype=np.float64)


def build(scenario: Scenario, data: Dataset) -> Setup:
    """Engine inputs for one deterministic run of ``scenario`` (one draw)."""
    members = selected_members(scenario, data)
    rows = [data.index(m.iso3) for m in members]
    base_year = scenario.base_year
    exemptions = scenario.exemptions
    milestones: dict[str, dict[int, float]] = {}
    for ms in scenario.milestones:
        milestones.setdefault(ms.member, {})[ms.year] = ms.pct

    base_core = data.share_in(base_year)[rows]
    covered = np.array([m.armed_forces for m in members], dtype=bool)
    tgt = scenario.target
    last_year = scenario.horizon

    core_years: list[list[float]] = []
    core_vals: list[list[float]] = []
    rel_years: list[list[float]] = []
    rel_vals: list[list[float]] = []
    t_core: list[float] = []
    t_rel: list[float] = []
    t_year: list[float] = []
    for m, base in zip(members, base_core, strict=True):
        base = 0.0 if np.isnan(base) else float(base)
        rel_base = scenario.related.base_pct if m.armed_forces else 0.0
        ex = exemptions.get(m.iso3)
        anchors: dict[int, float] = {}
        rel_anchors: dict[int, float] = {}
        if tgt is not None and m.armed_forces:
            core_t = ex.core_pct if ex else tgt.core_pct
            rel_t = ex.related_pct if ex else tgt.related_pct
            year = (ex.year or tgt.year) if ex else tgt.year
            anchors.update(scenario.path.points or {})
            anchors[year] = core_t
            rel_anchors[year] = rel_t
            t_core.append(core_t)
            t_rel.append(rel_t)
            t_year.append(year)
            last_year = max(last_year, year)
        else:
            t_core.append(np.nan)
            t_rel.append(np.nan)
            t_year.append(np.nan)
        if m.armed_forces:
            anchors.update(milestones.get(m.iso3, {}))
        core_years.append([float(base_year), *map(float, sorted(anchors))])
        core_vals.append(_anchors(base, anchors, scenario.allow_cuts))
        rel_years.append([float(base_year), *map(float, sorted(rel_anchors))])
        rel_vals.append(_anchors(rel_base, rel_anchors, scenario.allow_cuts))

    years = np.arange(base_year, last_year + 1, dtype=np.int64)
    growth = np.zeros((1, len(members), len(years)))
    deflator_growth = np.zeros(len(years))
    g = scenario.growth
    for j, year in enumerate(years[1:], start=1):
        y = int(year)
        deflator_growth[j] = data.us_cpi_pct(y) / 100
        if g.source == "flat":
            pct = np.full(len(members), float(g.flat_pct or 0.0))
        else:
            pct = data.default_nominal_growth_pct(y, g.real_offset)[rows]
        for i, m in enumerate(members):
            if m.iso3 in g.overrides:
                pct[i] = g.overrides[m.iso3]
        if g.shock is not None and g.shock.year == y:
            pct = pct + g.shock.pct
        growth[0, :, j] = pct / 100

    target_total = np.array(t_core) + np.array(t_rel)
    shape = "linear" if scenario.path.shape == "points" else scenario.path.shape
    inputs = EngineInputs(
        years=years,
        gdp0_usd_bn=data.gdp_in(base_year)[rows],
        growth=growth,
        deflator_growth=deflator_growth,
        core_knot_years=_pad(core_years)[None],
        core_knot_pct=_pad(core_vals)[None],
        related_knot_years=_pad(rel_years)[None],
        related_knot_pct=_pad(rel_vals)[None],
        target_total_pct=target_total[None],
        covered=covered,
        baseline_pct=scenario.baseline_pct,
        shape=shape,
        curvature=scenario.path.curvature,
        step_year=None if scenario.path.step_year is None else float(scenario.path.step_year),
    )
    col = data.share_years.index(base_year)
    return Setup(
        inputs=inputs, members=members, n_report_years=scenario.horizon - base_year + 1,
        base_sources=tuple(data.share_sources[r][col] for r in rows),
        target_core_pct=np.array(t_core), target_related_pct=np.array(t_rel),
        target_year=np.array(t_year),
    )

"""Turn a validated Scenario and the Dataset into the engine's arrays.

This is where scenario rules become numbers: which members take part, each member's target
(or exemption), the anchors its share passes through (base year, common points, national
milestones, target) and the growth of its dollar GDP.

Sweeps and sensitivity runs pass ``variants``: per-draw values of numeric scenario fields
(see ``VARIABLE_KEYS``), built into the same arrays along the draws axis in one pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from spendcalc.core.dataset import Dataset
from spendcalc.core.engine import EngineInputs
from spendcalc.core.errors import ScenarioError
from spendcalc.core.models import Member, Scenario

FloatArray = npt.NDArray[np.float64]

VARIABLE_KEYS = (
    "target.year", "target.core_pct", "target.related_pct", "baseline_pct", "related.base_pct",
    "path.curvature", "path.delivered_pct", "growth.real_offset", "growth.flat_pct",
    "growth.shock.pct",
)
"""Scenario fields a sweep may vary, besides ``exemptions.<ISO3>.core_pct`` and
``exemptions.<ISO3>.related_pct`` (each needs that exemption, or a target, to exist)."""

# Anchor priorities within one year: the later wins (milestones override the common target).
_BASE, _POINT, _TARGET, _MILESTONE = range(4)


@dataclass(frozen=True)
class Setup:
    """Engine inputs plus what the views need to label them."""

    inputs: EngineInputs
    members: tuple[Member, ...]
    n_report_years: int
    """Years base..horizon; the engine may run further to reach a later target year."""
    base_sources: tuple[str, ...]
    target_core_pct: FloatArray
    """(D|1, M) percent of GDP; NaN without a target."""
    target_related_pct: FloatArray
    target_year: FloatArray
    """(D|1, M); NaN without a target."""


def selected_members(scenario: Scenario, data: Dataset) -> tuple[Member, ...]:
    """Members taking part, in the data's order."""
    chosen = set(data.codes if scenario.members == "all" else scenario.members)
    chosen -= set(scenario.exclude)
    return tuple(m for m in data.members if m.iso3 in chosen)


def check_variant_keys(scenario: Scenario, keys: list[str]) -> None:
    """Fail clearly for a key that cannot vary along the draws axis."""
    for key in keys:
        parts = key.split(".")
        if key in VARIABLE_KEYS:
            if key.startswith("target.") and scenario.target is None:
                raise ScenarioError(f"{key}: the scenario has no target to vary")
            if key == "growth.flat_pct" and scenario.growth.source != "flat":
                raise ScenarioError(f"{key}: only with growth.source = 'flat'")
            if key == "growth.shock.pct" and scenario.growth.shock is None:
                raise ScenarioError(f"{key}: the scenario has no growth.shock (set its year)")
            continue
        if len(parts) == 3 and parts[0] == "exemptions" and parts[2] in ("core_pct",
                                                                           "related_pct"):
            if scenario.target is None:
                raise ScenarioError(f"{key}: the scenario has no target to exempt from")
            continue
        allowed = ", ".join((*VARIABLE_KEYS, "exemptions.<ISO3>.core_pct|related_pct"))
        raise ScenarioError(f"{key}: cannot be varied; allowed: {allowed}")


Values = Callable[[str, float], FloatArray]
"""``value(key, default)``: (D,) values of a numeric field, the variant's or the scenario's."""


def build(scenario: Scenario, data: Dataset,
          variants: dict[str, FloatArray] | None = None) -> Setup:
    """Engine inputs for ``scenario``: one draw, or one per entry of the ``variants`` arrays
    (all the same length), each replacing the scenario's value of its key."""
    variants = {k: np.asarray(v, dtype=np.float64).reshape(-1) for k, v in (variants or {}).items()}
    check_variant_keys(scenario, list(variants))
    sizes = {len(v) for v in variants.values()}
    if len(sizes) > 1:
        raise ValueError("variant arrays must have the same length")
    n_draws = sizes.pop() if sizes else 1

    def value(key: str, default: float) -> FloatArray:
        return variants.get(key, np.full(n_draws, float(default)))

    members = selected_members(scenario, data)
    rows = [data.index(m.iso3) for m in members]
    base_year = scenario.base_year
    covered = np.array([m.armed_forces for m in members], dtype=bool)
    base_core = np.nan_to_num(data.share_in(base_year)[rows])
    has_target = covered & (scenario.target is not None)
    t_core, t_rel, t_year = _targets(scenario, members, covered, value, variants, n_draws)
    knot_years, knot_pct = _core_anchors(scenario, members, has_target, base_core,
                                         t_core, t_year, n_draws)
    rel_base = np.where(covered, 1.0, 0.0) * value("related.base_pct",
                                                    scenario.related.base_pct)[:, None]
    rel_years = np.stack([np.full(rel_base.shape, float(base_year)),
                          np.where(has_target, t_year, base_year)], axis=-1)
    rel_pct = np.stack([rel_base, np.where(has_target, t_rel, rel_base)], axis=-1)
    if not scenario.allow_cuts:
        rel_pct = np.maximum.accumulate(rel_pct, axis=-1)

    last_year = int(max(scenario.horizon, np.nanmax(t_year, initial=base_year)))
    years = np.arange(base_year, last_year + 1, dtype=np.int64)
    growth, deflator_growth = _growth(scenario, data, rows, years, value, n_draws)
    shape = "linear" if scenario.path.shape == "points" else scenario.path.shape
    inputs = EngineInputs(
        years=years,
        gdp0_usd_bn=data.gdp_in(base_year)[rows],
        growth=growth,
        deflator_growth=deflator_growth,
        core_knot_years=knot_years,
        core_knot_pct=knot_pct,
        related_knot_years=rel_years,
        related_knot_pct=rel_pct,
        target_total_pct=t_core + t_rel,
        covered=covered,
        baseline_pct=value("baseline_pct", scenario.baseline_pct),
        delivered=value("path.delivered_pct", scenario.path.delivered_pct) / 100.0,
        shape=shape,
        curvature=value("path.curvature", scenario.path.curvature),
        step_year=None if scenario.path.step_year is None else float(scenario.path.step_year),
    )
    base_col = data.share_years.index(base_year)
    return Setup(
        inputs=inputs, members=members, n_report_years=scenario.horizon - base_year + 1,
        base_sources=tuple(data.share_sources[r][base_col] for r in rows),
        target_core_pct=t_core, target_related_pct=t_rel, target_year=t_year,
    )


def _targets(scenario: Scenario, members: tuple[Member, ...], covered: npt.NDArray[np.bool_],
             value: Values, variants: dict[str, FloatArray],
             n_draws: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Core and related target shares (% of GDP) and target years, each (D, M): the common
    target, or the member's exemption; NaN where a member has none."""
    n_m = len(members)
    has_target = covered & (scenario.target is not None)
    t_core = np.full((n_draws, n_m), np.nan)
    t_rel = np.full((n_draws, n_m), np.nan)
    t_year = np.full((n_draws, n_m), np.nan)
    if scenario.target is not None:
        tgt = scenario.target
        t_core[:, has_target] = value("target.core_pct", tgt.core_pct)[:, None]
        t_rel[:, has_target] = value("target.related_pct", tgt.related_pct)[:, None]
        t_year[:, has_target] = value("target.year", tgt.year)[:, None]
        codes = [m.iso3 for m in members]
        for code, ex in scenario.exemptions.items():
            if code not in codes or not covered[codes.index(code)]:
                continue
            i = codes.index(code)
            t_core[:, i] = value(f"exemptions.{code}.core_pct", ex.core_pct)
            t_rel[:, i] = value(f"exemptions.{code}.related_pct", ex.related_pct)
            if ex.year is not None:
                t_year[:, i] = ex.year
        for key in variants:
            parts = key.split(".")
            # Varying the target of a member without an exemption gives it one.
            if (parts[0] == "exemptions" and parts[1] not in scenario.exemptions
                    and parts[1] in codes and covered[codes.index(parts[1])]):
                col = t_core if parts[2] == "core_pct" else t_rel
                col[:, codes.index(parts[1])] = variants[key]
    if np.any(t_year[~np.isnan(t_year)] <= scenario.base_year):
        raise ScenarioError(
            f"target.year: every value must be after base_year ({scenario.base_year})")
    return t_core, t_rel, t_year


def _core_anchors(scenario: Scenario, members: tuple[Member, ...],
                  has_target: npt.NDArray[np.bool_], base_core: FloatArray,
                  t_core: FloatArray, t_year: FloatArray,
                  n_draws: int) -> tuple[FloatArray, FloatArray]:
    """Core-share anchors, years and % of GDP, each (D, M, K): base, common points, target,
    milestones; sorted by year with ties broken by priority, then raised to a running
    maximum unless cuts are allowed."""
    base_year, n_m = scenario.base_year, len(members)
    anchors: list[tuple[FloatArray, FloatArray, int]] = [
        (np.full((n_draws, n_m), float(base_year)), np.tile(base_core, (n_draws, 1)), _BASE)]
    for year, pct in sorted((scenario.path.points or {}).items()):
        anchors.append((np.where(has_target, float(year), base_year) * np.ones((n_draws, 1)),
                        np.where(has_target, pct, base_core) * np.ones((n_draws, 1)), _POINT))
    anchors.append((np.where(has_target, t_year, base_year), np.where(has_target, t_core,
                                                                        base_core), _TARGET))
    per_member: dict[str, list[tuple[int, float]]] = {}
    for ms in scenario.milestones:
        per_member.setdefault(ms.member, []).append((ms.year, ms.pct))
    for k in range(max((len(v) for v in per_member.values()), default=0)):
        years = np.full(n_m, float(base_year))
        pcts = base_core.copy()
        for i, m in enumerate(members):
            own = sorted(per_member.get(m.iso3, []))
            if k < len(own) and m.armed_forces:
                years[i], pcts[i] = own[k]
        anchors.append((np.tile(years, (n_draws, 1)), np.tile(pcts, (n_draws, 1)), _MILESTONE))
    knot_years = np.stack([a[0] for a in anchors], axis=-1)
    knot_pct = np.stack([a[1] for a in anchors], axis=-1)
    priority = np.array([a[2] for a in anchors], dtype=np.float64)
    order = np.argsort(knot_years * 4 + priority, axis=-1, kind="stable")
    knot_years = np.take_along_axis(knot_years, order, axis=-1)
    knot_pct = np.take_along_axis(knot_pct, order, axis=-1)
    if not scenario.allow_cuts:
        knot_pct = np.maximum.accumulate(knot_pct, axis=-1)
    return knot_years, knot_pct


def _growth(scenario: Scenario, data: Dataset, rows: list[int], years: npt.NDArray[np.int64],
            value: Values, n_draws: int) -> tuple[FloatArray, FloatArray]:
    """Nominal USD growth (D, M, Y) and US inflation (Y,), fractions."""
    g = scenario.growth
    n_m, n_y = len(rows), len(years)
    growth = np.zeros((n_draws, n_m, n_y))
    deflator = np.zeros(n_y)
    for j, year in enumerate(years[1:], start=1):
        y = int(year)
        deflator[j] = data.us_cpi_pct(y) / 100
        if g.source == "flat":
            pct = np.tile(value("growth.flat_pct", g.flat_pct or 0.0)[:, None], (1, n_m))
        else:
            real = data.real_growth(y)[rows][None, :] + value("growth.real_offset",
                                                               g.real_offset)[:, None]
            pct = ((1 + real / 100) * (1 + data.us_cpi_pct(y) / 100) - 1) * 100
        for i, r in enumerate(rows):
            code = data.members[r].iso3
            if code in g.overrides:
                pct[:, i] = g.overrides[code]
        if g.shock is not None and g.shock.year == y:
            pct = pct + value("growth.shock.pct", g.shock.pct)[:, None]
        growth[:, :, j] = pct / 100
    return growth, deflator

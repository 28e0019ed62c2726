"""Monte Carlo runs: draw growth and compliance, project every draw, summarise.

Draws go through the engine's one code path (the draws axis) in chunks, so memory stays
bounded; chunking does not change a single number (see ``spendcalc.core.uncertainty``).
Pure NumPy; ``tables.simulation_tables`` lays the summaries out for the views.

Units: spending in USD bn at current prices; shares in percent of GDP; probabilities 0 to 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from spendcalc.core import engine, inputs
from spendcalc.core.dataset import Dataset, Group
from spendcalc.core.models import Scenario
from spendcalc.core.uncertainty import (
    Streams,
    UncertaintyArrays,
    compliance,
    growth_draws,
    historical_growth_sd,
)

FloatArray = npt.NDArray[np.float64]

PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)
DEFAULT_CHUNK = 2_500
"""Draws per chunk: small enough for the working arrays to stay in cache (measured in
benchmarks/bench_engine.py: 2,500 is about twice as fast as 10,000 on this machine)."""
REACH_TOLERANCE_PCT = 1e-9


@dataclass(frozen=True)
class Draws:
    """Per-draw results and their summaries. Arrays are (D, M, Y) for members and
    (D, G, Y) for groups; summaries put the percentiles first: (P, M, Y) and (P, G, Y)."""

    setup: inputs.Setup
    groups: list[Group]
    years: npt.NDArray[np.int64]
    member_total_usd_bn: FloatArray
    member_total_pct: FloatArray
    group_total_usd_bn: FloatArray
    group_total_pct: FloatArray
    reach_probability: FloatArray
    """(M,) share of draws in which the member's total share reaches its target in the
    target year; NaN without a target."""

    def percentiles(self, values: FloatArray) -> FloatArray:
        """(P, M|G, Y) percentiles over draws, one member or group at a time (no full copy)."""
        out: FloatArray = np.stack([np.percentile(values[:, i, :], PERCENTILES, axis=0)
                                    for i in range(values.shape[1])], axis=1)
        return out


def uncertainty_arrays(scenario: Scenario, data: Dataset,
                       setup: inputs.Setup) -> UncertaintyArrays:
    """The scenario's uncertainty settings for its members, as fractions."""
    u = scenario.uncertainty
    rows = [data.index(m.iso3) for m in setup.members]
    if u.growth_sd_pct == "historical":
        sd = historical_growth_sd(data.gdp_usd_bn)[rows]
    else:
        sd = np.full(len(rows), float(u.growth_sd_pct) / 100)
    fixed = np.full(len(rows), np.nan)
    for i, m in enumerate(setup.members):
        if m.iso3 in u.growth_sd_overrides:
            sd[i] = u.growth_sd_overrides[m.iso3] / 100
        if m.iso3 in u.compliance_overrides:
            fixed[i] = u.compliance_overrides[m.iso3]
    return UncertaintyArrays(growth_sd=sd, correlation=u.growth_correlation,
                             full_p=u.compliance_full_pct / 100, alpha=u.compliance_alpha,
                             beta=u.compliance_beta, fixed_compliance=fixed)


def run_draws(scenario: Scenario, data: Dataset, n_draws: int, seed: int,
              chunk: int = DEFAULT_CHUNK,
              progress: Callable[[int, int], None] | None = None) -> Draws:
    """Project ``n_draws`` random draws of growth and compliance around ``scenario``."""
    setup = inputs.build(scenario, data)
    u = uncertainty_arrays(scenario, data, setup)
    streams = Streams.from_seed(seed)
    codes = [m.iso3 for m in setup.members]
    groups = [g for g in data.groups.values() if set(g.members) & set(codes)]
    masks = np.array([[c in g.members for c in codes] for g in groups], dtype=bool)
    n_years, n_m, n_g = setup.n_report_years, len(codes), len(groups)
    base = setup.inputs
    planned_delivery = np.asarray(base.delivered, dtype=np.float64).reshape(-1, 1)

    target_col = np.nan_to_num(setup.target_year[0] - base.years[0], nan=0).astype(np.int64)
    has_target = ~np.isnan(setup.target_year[0])
    target_total = base.target_total_pct[0]

    member_usd = np.empty((n_draws, n_m, n_years))
    member_pct = np.empty((n_draws, n_m, n_years))
    group_usd = np.empty((n_draws, n_g, n_years))
    group_pct = np.empty((n_draws, n_g, n_years))
    reached = np.zeros(n_m)
    for start in range(0, n_draws, chunk):
        n = min(chunk, n_draws - start)
        draw_inputs = replace(
            base,
            growth=growth_draws(streams, n, base.growth, u),
            delivered=compliance(streams, n, u) * planned_delivery,
        )
        proj = engine.project(draw_inputs)
        # The target year may lie past the horizon: read it before keeping base..horizon.
        at_target = np.take_along_axis(proj.total_pct, target_col[None, :, None], axis=2)[..., 0]
        reached += (at_target >= target_total - REACH_TOLERANCE_PCT).sum(axis=0)
        member_usd[start:start + n] = proj.total_usd_bn[..., :n_years]
        member_pct[start:start + n] = proj.total_pct[..., :n_years]
        agg = engine.aggregate(proj, masks, base.covered, names=("gdp_usd_bn", "total_usd_bn"))
        group_usd[start:start + n] = agg["total_usd_bn"][..., :n_years]
        group_pct[start:start + n] = agg["total_pct"][..., :n_years]
        if progress is not None:
            progress(start + n, n_draws)
    return Draws(
        setup=setup, groups=groups, years=base.years[:n_years],
        member_total_usd_bn=member_usd, member_total_pct=member_pct,
        group_total_usd_bn=group_usd, group_total_pct=group_pct,
        reach_probability=np.where(has_target & base.covered, reached / n_draws, np.nan),
    )


def full_compliance(scenario: Scenario) -> Scenario:
    """``scenario`` with every member delivering its whole planned change in every draw
    (compliance fixed at 100 %, overrides dropped); growth uncertainty unchanged."""
    u = scenario.uncertainty.model_copy(
        update={"compliance_full_pct": 100.0, "compliance_overrides": {}})
    return scenario.model_copy(update={"uncertainty": u})


def reach_with_full_compliance(scenario: Scenario, data: Dataset, n_draws: int, seed: int,
                               chunk: int = DEFAULT_CHUNK) -> FloatArray:
    """(M,) chance (0 to 1) of reaching the target when every planned change is delivered:
    growth's own effect. Same seed, so the growth draws are those of ``run_draws``
    (each kind of draw has its own stream)."""
    return run_draws(full_compliance(scenario), data, n_draws, seed, chunk).reach_probability

"""The vectorised engine agrees with the plain loop in benchmarks/reference.py."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import spendcalc
from spendcalc.core import inputs
from spendcalc.core.engine import EngineInputs, project

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from reference import reference_project


def _compare(inp: EngineInputs, n_draws: int) -> None:
    ref = reference_project(inp, n_draws)
    proj = project(inp)
    for name in ("gdp_usd_bn", "core_pct", "related_pct", "total_usd_bn"):
        fast = np.broadcast_to(getattr(proj, name), (n_draws, *proj.gdp_usd_bn.shape[1:]))
        np.testing.assert_allclose(fast, np.array(ref[name]), rtol=1e-9, atol=1e-12,
                                   equal_nan=True, err_msg=name)


def test_ready_scenarios_agree_with_the_reference(data):
    for name in ("hague-2035", "national-plans", "hague-front-loaded", "status-quo"):
        _compare(inputs.build(spendcalc.load_scenario(name, data), data).inputs, 1)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1),
       st.sampled_from(["linear", "front-loaded", "back-loaded", "step", "constant-growth"]))
def test_random_draws_agree_with_the_reference(seed, shape):
    rng = np.random.default_rng(seed)
    d, m, y = 4, 5, 8
    years = np.arange(2025, 2025 + y)
    ky = np.sort(rng.integers(2026, 2025 + y, (d, m, 3)), axis=-1).astype(float)
    ky = np.concatenate([np.full((d, m, 1), 2025.0), ky], axis=-1)
    inp = EngineInputs(
        years=years, gdp0_usd_bn=rng.uniform(1, 1000, m),
        growth=rng.uniform(-0.05, 0.1, (d, m, y)), deflator_growth=np.full(y, 0.02),
        core_knot_years=ky, core_knot_pct=np.maximum.accumulate(rng.uniform(0, 6, (d, m, 4)),
                                                               axis=-1),
        related_knot_years=np.stack([np.full((d, m), 2025.0), np.full((d, m), 2030.0)], -1),
        related_knot_pct=rng.uniform(0, 2, (d, m, 2)),
        target_total_pct=rng.uniform(0, 8, (d, m)), covered=rng.uniform(size=m) > 0.2,
        delivered=rng.uniform(0, 1, (d, m)), shape=shape,
        curvature=rng.uniform(1, 4, d), baseline_pct=rng.uniform(1, 3, d),
    )
    _compare(inp, d)

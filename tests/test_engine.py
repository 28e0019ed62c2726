"""The engine on small cases worked out by hand, and its properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from spendcalc.core.engine import EngineInputs, aggregate, project, share_paths

YEARS = np.arange(2025, 2030)  # five years: base 2025 to 2029


def one_member(core_knots, related_knots=((2025, 0.0),), growth=0.0, **kw) -> EngineInputs:
    """One member, GDP 100 bn in 2025, constant growth, the given anchors."""
    ky, kv = zip(*core_knots, strict=True)
    ry, rv = zip(*related_knots, strict=True)
    g = np.full((1, 1, len(YEARS)), growth)
    return EngineInputs(
        years=YEARS, gdp0_usd_bn=np.array([100.0]), growth=g,
        deflator_growth=np.full(len(YEARS), 0.02),
        core_knot_years=np.array([[ky]], float), core_knot_pct=np.array([[kv]], float),
        related_knot_years=np.array([[ry]], float), related_knot_pct=np.array([[rv]], float),
        target_total_pct=np.array([[kv[-1] + rv[-1]]]), covered=np.array([True]), **kw,
    )


def core(inp: EngineInputs) -> list[float]:
    return project(inp).core_pct[0, 0].tolist()


@pytest.mark.parametrize(("shape", "kw", "expected"), [
    # 2 % in 2025 to 4 % in 2029; f = 0, 1/4, 1/2, 3/4, 1.
    ("linear", {}, [2.0, 2.5, 3.0, 3.5, 4.0]),
    # 1 - (1 - f)^2 = 0, 7/16, 3/4, 15/16, 1
    ("front-loaded", {}, [2.0, 2.875, 3.5, 3.875, 4.0]),
    # f^2 = 0, 1/16, 1/4, 9/16, 1
    ("back-loaded", {}, [2.0, 2.125, 2.5, 3.125, 4.0]),
    # f^3 = 0, 1/64, 1/8, 27/64, 1
    ("back-loaded", {"curvature": 3.0}, [2.0, 2.03125, 2.25, 2.84375, 4.0]),
    ("step", {}, [2.0, 2.0, 2.0, 2.0, 4.0]),
    ("step", {"step_year": 2027.0}, [2.0, 2.0, 4.0, 4.0, 4.0]),
    # Money 2 bn -> 4 bn at constant GDP: 2 * 2^f = 2, 2^1.25, 2^1.5, 2^1.75, 4.
    ("constant-growth", {}, [2.0, 2.0 * 2**0.25, 2.0 * 2**0.5, 2.0 * 2**0.75, 4.0]),
])
def test_path_shapes_by_hand(shape, kw, expected):
    assert_allclose(core(one_member([(2025, 2.0), (2029, 4.0)], shape=shape, **kw)), expected,
                    rtol=1e-12)


def test_constant_growth_keeps_money_growing_at_a_constant_rate():
    # GDP grows 10 % a year: 100, 110, 121, 133.1, 146.41; money 2 -> 4 % of 146.41 = 5.8564.
    proj = project(one_member([(2025, 2.0), (2029, 4.0)], shape="constant-growth", growth=0.10))
    money = proj.core_usd_bn[0, 0]
    assert_allclose(money[[0, -1]], [2.0, 5.8564], rtol=1e-12)
    ratios = money[1:] / money[:-1]
    assert_allclose(ratios, ratios[0], rtol=1e-12)
    assert_allclose(ratios[0], (5.8564 / 2.0) ** 0.25, rtol=1e-12)


def test_milestone_is_met_in_its_year_then_path_goes_on():
    # 2.0 (2025) -> 3.0 (2026) -> 4.0 (2029): thirds of a point a year after the milestone.
    assert_allclose(core(one_member([(2025, 2.0), (2026, 3.0), (2029, 4.0)])),
                    [2.0, 3.0, 10 / 3, 11 / 3, 4.0], rtol=1e-12)


def test_share_holds_after_the_last_anchor():
    assert_allclose(core(one_member([(2025, 2.0), (2027, 3.0)])), [2.0, 2.5, 3.0, 3.0, 3.0])


def test_money_columns_by_hand():
    # GDP 100 growing 10 %; core 2 -> 4 linear; related 0 -> 1 linear; baseline 2 %.
    proj = project(one_member([(2025, 2.0), (2029, 4.0)], [(2025, 0.0), (2029, 1.0)],
                              growth=0.10))
    gdp = [100.0, 110.0, 121.0, 133.1, 146.41]
    assert_allclose(proj.gdp_usd_bn[0, 0], gdp, rtol=1e-12)
    core_usd = [2.0 * 1.0, 2.5 * 1.1, 3.0 * 1.21, 3.5 * 1.331, 4.0 * 1.4641]
    related_usd = [0.0, 0.25 * 1.1, 0.5 * 1.21, 0.75 * 1.331, 1.0 * 1.4641]
    assert_allclose(proj.core_usd_bn[0, 0], core_usd, rtol=1e-12)
    assert_allclose(proj.related_usd_bn[0, 0], related_usd, rtol=1e-12, atol=1e-15)
    extra = [c + r - 0.02 * g for c, r, g in zip(core_usd, related_usd, gdp, strict=True)]
    assert_allclose(proj.extra_over_baseline_usd_bn[0, 0], extra, rtol=1e-12, atol=1e-12)
    # Cumulative excludes the base year.
    assert_allclose(proj.cum_extra_over_baseline_usd_bn[0, 0, -1], sum(extra[1:]), rtol=1e-12)
    assert proj.cum_extra_over_baseline_usd_bn[0, 0, 0] == 0.0
    # Increase over holding the 2025 share (2 % of GDP).
    assert_allclose(proj.increase_over_base_share_usd_bn[0, 0, -1], 5.0 * 1.4641 - 2.0 * 1.4641)
    # Shortfall to the 5 % total target in 2027: (5 - 3.5) % of 121.
    assert_allclose(proj.shortfall_to_target_usd_bn[0, 0, 2], 0.015 * 121.0)
    assert proj.shortfall_to_target_usd_bn[0, 0, -1] == 0.0
    # Constant prices: deflated by 2 % a year.
    assert_allclose(proj.total_usd_bn_const[0, 0, -1], 5.0 * 1.4641 / 1.02**4)


def test_member_without_armed_forces_yields_nan_not_zero():
    inp = one_member([(2025, 2.0), (2029, 4.0)])
    inp = EngineInputs(**{**inp.__dict__, "covered": np.array([False])})
    proj = project(inp)
    assert np.all(np.isnan(proj.core_usd_bn)) and np.all(np.isnan(proj.baseline_usd_bn))
    assert_allclose(proj.gdp_usd_bn[0, 0, 0], 100.0)


def test_draws_axis_runs_variants_in_one_pass():
    # Two growth variants on the draws axis equal two separate runs.
    base = one_member([(2025, 2.0), (2029, 4.0)], growth=0.0)
    both = EngineInputs(**{**base.__dict__, "growth": np.stack([
        np.zeros((1, 5)), np.full((1, 5), 0.05)])})
    fast = one_member([(2025, 2.0), (2029, 4.0)], growth=0.05)
    out = project(both)
    assert_allclose(out.total_usd_bn[0], project(base).total_usd_bn[0])
    assert_allclose(out.total_usd_bn[1], project(fast).total_usd_bn[0])


# ---- properties -------------------------------------------------------------------------

shares = st.floats(0.0, 10.0, allow_nan=False)
shapes = st.sampled_from(["linear", "front-loaded", "back-loaded", "step", "constant-growth"])


@st.composite
def knots(draw):
    """A base anchor in 2025 and one to three later anchors in increasing years."""
    years = sorted(draw(st.sets(st.integers(2026, 2035), min_size=1, max_size=3)))
    return [(2025, draw(shares))] + [(y, draw(shares)) for y in years]


@settings(max_examples=200, deadline=None)
@given(knots(), shapes)
def test_every_anchor_is_met_in_its_year_and_held_after(anchors, shape):
    years = np.arange(2025, 2041)
    ky = np.array([[[y for y, _ in anchors]]], float)
    kv = np.array([[[v for _, v in anchors]]], float)
    gdp = np.full((1, 1, len(years)), 100.0) * 1.03 ** np.arange(len(years))
    path = share_paths(years, ky, kv, gdp, shape=shape)[0, 0]
    for y, v in anchors:
        assert path[y - 2025] == pytest.approx(v, abs=1e-9)
    last_year, last_value = anchors[-1]
    assert_allclose(path[last_year - 2025:], last_value, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(knots(), shapes)
def test_path_stays_between_its_anchors(anchors, shape):
    years = np.arange(2025, 2036)
    ky = np.array([[[y for y, _ in anchors]]], float)
    kv = np.array([[[v for _, v in anchors]]], float)
    path = share_paths(years, ky, kv, np.full((1, 1, len(years)), 50.0), shape=shape)[0, 0]
    for (y0, v0), (y1, v1) in itertools.pairwise(anchors):
        seg = path[y0 - 2025: y1 - 2025 + 1]
        assert np.all(seg >= min(v0, v1) - 1e-9) and np.all(seg <= max(v0, v1) + 1e-9)


def _random_inputs(seed: int, n_members: int = 6) -> EngineInputs:
    rng = np.random.default_rng(seed)
    y = len(YEARS)
    return EngineInputs(
        years=YEARS, gdp0_usd_bn=rng.uniform(5, 5000, n_members),
        growth=rng.uniform(-0.05, 0.1, (1, n_members, y)),
        deflator_growth=rng.uniform(0, 0.05, y),
        core_knot_years=np.tile([2025.0, 2029.0], (1, n_members, 1)),
        core_knot_pct=rng.uniform(0, 6, (1, n_members, 2)),
        related_knot_years=np.tile([2025.0, 2029.0], (1, n_members, 1)),
        related_knot_pct=rng.uniform(0, 2, (1, n_members, 2)),
        target_total_pct=rng.uniform(0, 8, (1, n_members)),
        covered=rng.uniform(size=n_members) > 0.2,
    )


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_doubling_gdp_doubles_money_and_leaves_shares(seed):
    inp = _random_inputs(seed)
    doubled = EngineInputs(**{**inp.__dict__, "gdp0_usd_bn": 2 * inp.gdp0_usd_bn})
    a, b = project(inp), project(doubled)
    for name in ("core_usd_bn", "related_usd_bn", "total_usd_bn", "baseline_usd_bn",
                 "extra_over_baseline_usd_bn", "cum_extra_over_baseline_usd_bn",
                 "shortfall_to_target_usd_bn", "total_usd_bn_const"):
        assert_allclose(getattr(b, name), 2 * getattr(a, name), rtol=1e-12, equal_nan=True)
    for name in ("core_pct", "related_pct", "total_pct", "share_of_total_pct"):
        assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-12, equal_nan=True)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_aggregates_are_sums_of_members(seed):
    inp = _random_inputs(seed)
    proj = project(inp)
    rng = np.random.default_rng(seed)
    masks = rng.uniform(size=(3, 6)) > 0.5
    agg = aggregate(proj, masks, inp.covered)
    for g, mask in enumerate(masks):
        for name in ("total_usd_bn", "core_usd_bn", "cum_extra_over_baseline_usd_bn"):
            expected = np.nansum(getattr(proj, name)[0][mask], axis=0)
            assert_allclose(agg[name][0, g], expected, rtol=1e-12, atol=1e-12)
        gdp = proj.gdp_usd_bn[0][mask & inp.covered].sum(axis=0)
        assert_allclose(agg["gdp_usd_bn"][0, g], gdp, rtol=1e-12, atol=1e-12)
    assert_allclose(np.nansum(proj.share_of_total_pct[0], axis=0), 100.0)

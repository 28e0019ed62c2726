"""The projection engine: pure NumPy, no files, no pandas, no plotting.

Every array is shaped ``(draws, members, years)`` (or broadcastable to it). A deterministic
run has one draw; sweeps and Monte Carlo put their variants on the draws axis and go through
exactly the same code.

Units: shares in percent of GDP; money in billions of current US dollars unless the name
ends in ``_const`` (constant base-year US dollars); growth as fractions per year.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

SHAPES = ("linear", "front-loaded", "back-loaded", "step", "constant-growth")


@dataclass(frozen=True)
class EngineInputs:
    """Arrays describing one scenario (or a batch of variants along the draws axis).

    ``D|1`` means the axis may have one entry, broadcast to every draw.
    """

    years: IntArray
    """(Y,) calendar years, base year first, consecutive."""
    gdp0_usd_bn: FloatArray
    """(M,) GDP in the base year, USD bn current."""
    growth: FloatArray
    """(D|1, M, Y) nominal USD GDP growth into each year, fraction; index 0 is ignored."""
    deflator_growth: FloatArray
    """(Y,) US-dollar inflation into each year, fraction; index 0 is ignored."""
    core_knot_years: FloatArray
    """(D|1, M, K) years of the core-share anchors, base year first, non-decreasing."""
    core_knot_pct: FloatArray
    """(D|1, M, K) core share at each anchor, percent of GDP."""
    related_knot_years: FloatArray
    """(D|1, M, K2) as above, for defence-related spending."""
    related_knot_pct: FloatArray
    target_total_pct: FloatArray
    """(D|1, M) final core + related target, percent of GDP; NaN where there is none."""
    covered: BoolArray
    """(M,) members with defence spending; the others (Iceland) yield NaN money and shares."""
    baseline_pct: FloatArray | float = 2.0
    """Scalar or (D,) percent of GDP."""
    delivered: FloatArray | float = 1.0
    """Fraction of each planned change (from the base-year share) actually delivered:
    scalar, (D,) or (D, M). 1 follows the plan; 0 holds base-year shares."""
    shape: str = "linear"
    curvature: FloatArray | float = 2.0
    """Scalar or (D,): exponent of front/back-loaded paths."""
    step_year: float | None = None


def _per_draw(x: FloatArray | float) -> FloatArray:
    """A scalar or (D,) parameter as (D|1, 1, 1) for broadcasting."""
    out: FloatArray = np.asarray(x, dtype=np.float64).reshape(-1, 1, 1)
    return out


@dataclass(frozen=True)
class Projection:
    """Engine output. Member arrays are (D, M, Y); ``deflator`` is (Y,).

    Only GDP and the planned share paths are computed up front; every other column is
    computed on first use, so a Monte Carlo run pays only for what it reads.
    """

    years: IntArray
    deflator: FloatArray
    """US price level relative to the base year (1.0 in the base year)."""
    gdp_usd_bn: FloatArray
    plan_core_pct: FloatArray
    """(D|1, M, Y) the planned core path, percent of GDP; NaN for members not covered."""
    plan_related_pct: FloatArray
    delivered: FloatArray | None
    """(D|1, M|1, 1) fraction of each planned change delivered; None: all of it."""
    baseline_pct: FloatArray
    """(D|1, 1, 1) percent of GDP."""
    target_total_pct: FloatArray
    """(D|1, M, 1) percent of GDP; NaN without a target."""
    covered: BoolArray

    def _deliver(self, plan: FloatArray) -> FloatArray:
        """base + delivered x (plan - base), as a read-only (D, M, Y) view where possible.

        Written as plan - (1 - delivered) x (plan - base) so that full delivery gives the
        plan to the last bit."""
        if self.delivered is not None:
            plan = plan - (1.0 - self.delivered) * (plan - plan[..., :1])
        out: FloatArray = np.broadcast_to(plan, np.broadcast_shapes(plan.shape,
                                                                    self.gdp_usd_bn.shape))
        return out

    @cached_property
    def core_pct(self) -> FloatArray:
        return self._deliver(self.plan_core_pct)

    @cached_property
    def related_pct(self) -> FloatArray:
        return self._deliver(self.plan_related_pct)

    @cached_property
    def total_pct(self) -> FloatArray:
        return self._deliver(self.plan_core_pct + self.plan_related_pct)

    @cached_property
    def core_usd_bn(self) -> FloatArray:
        return spending_usd_bn(self.core_pct, self.gdp_usd_bn)

    @cached_property
    def related_usd_bn(self) -> FloatArray:
        return spending_usd_bn(self.related_pct, self.gdp_usd_bn)

    @cached_property
    def total_usd_bn(self) -> FloatArray:
        return spending_usd_bn(self.total_pct, self.gdp_usd_bn)

    @cached_property
    def baseline_usd_bn(self) -> FloatArray:
        mask = self.covered[None, :, None]
        out: FloatArray = np.where(mask, self.baseline_pct / 100.0 * self.gdp_usd_bn, np.nan)
        return out

    @cached_property
    def extra_over_baseline_usd_bn(self) -> FloatArray:
        """total - baseline (negative when below the baseline)."""
        out: FloatArray = self.total_usd_bn - self.baseline_usd_bn
        return out

    @cached_property
    def cum_extra_over_baseline_usd_bn(self) -> FloatArray:
        """Running sum of the above over projection years (base year excluded, so 0 there)."""
        return running_sum_after_base(self.extra_over_baseline_usd_bn)

    @cached_property
    def increase_over_base_share_usd_bn(self) -> FloatArray:
        """total - (base-year total share x this year's GDP): the cost of moving off it."""
        return spending_usd_bn(self.total_pct - self.total_pct[..., :1], self.gdp_usd_bn)

    @cached_property
    def cum_increase_over_base_share_usd_bn(self) -> FloatArray:
        return running_sum_after_base(self.increase_over_base_share_usd_bn)

    @cached_property
    def shortfall_to_target_usd_bn(self) -> FloatArray:
        """max(0, final target share - this year's share) x GDP; NaN without a target."""
        gap = np.maximum(self.target_total_pct - self.total_pct, 0.0)
        return spending_usd_bn(gap, self.gdp_usd_bn)

    @cached_property
    def share_of_total_pct(self) -> FloatArray:
        """This member's share of the summed spending of all members in the run, percent."""
        return share_of_total(self.total_usd_bn, axis=1)

    def _const(self, values: FloatArray) -> FloatArray:
        out: FloatArray = values / self.deflator
        return out

    @cached_property
    def gdp_usd_bn_const(self) -> FloatArray:
        """Constant base-year US dollars (deflated by US CPI); likewise the other _const."""
        return self._const(self.gdp_usd_bn)

    @cached_property
    def core_usd_bn_const(self) -> FloatArray:
        return self._const(self.core_usd_bn)

    @cached_property
    def related_usd_bn_const(self) -> FloatArray:
        return self._const(self.related_usd_bn)

    @cached_property
    def total_usd_bn_const(self) -> FloatArray:
        return self._const(self.total_usd_bn)

    @cached_property
    def baseline_usd_bn_const(self) -> FloatArray:
        return self._const(self.baseline_usd_bn)

    @cached_property
    def extra_over_baseline_usd_bn_const(self) -> FloatArray:
        return self._const(self.extra_over_baseline_usd_bn)

    def truncate(self, n_years: int) -> Projection:
        """The first ``n_years`` years (the engine may run past the horizon to reach anchors)."""
        return replace(
            self, years=self.years[:n_years], deflator=self.deflator[:n_years],
            gdp_usd_bn=self.gdp_usd_bn[..., :n_years],
            plan_core_pct=self.plan_core_pct[..., :n_years],
            plan_related_pct=self.plan_related_pct[..., :n_years],
        )


def _gdp_paths(gdp0: FloatArray, growth: FloatArray) -> FloatArray:
    """GDP (D, M, Y) from base-year GDP (M,) and growth into each year (D|1, M, Y):
    gdp[t] = gdp[t-1] x (1 + growth[t]), as a running product seeded with base-year GDP."""
    gdp: FloatArray = 1.0 + growth
    gdp[..., 0] = gdp0
    np.cumprod(gdp, axis=-1, out=gdp)
    return gdp


def _progress(f: FloatArray, t: FloatArray, y0: FloatArray, y1: FloatArray, shape: str,
              curvature: FloatArray | float, step_year: float | None) -> FloatArray:
    """Fraction of a segment's change done by year t, given the linear fraction f."""
    if shape in ("linear", "constant-growth"):
        return f
    if shape == "front-loaded":
        return 1.0 - (1.0 - f) ** curvature
    if shape == "back-loaded":
        return f**curvature
    if shape == "step":
        # The jump lands in step_year when it falls inside the segment, else at its end,
        # so milestones are still met in their own year.
        at = y1 if step_year is None else np.clip(step_year, np.minimum(y0 + 1, y1), y1)
        return np.where(t >= at, 1.0, 0.0)
    raise ValueError(f"unknown path shape {shape!r}; allowed: {', '.join(SHAPES)}")


def share_paths(years: IntArray, knot_years: FloatArray, knot_pct: FloatArray, gdp: FloatArray,
                shape: str = "linear", curvature: FloatArray | float = 2.0,
                step_year: float | None = None) -> FloatArray:
    """Shares (percent of GDP) for every year, moving between anchors by ``shape``.

    Each anchor is met exactly in its year; after the last anchor the share holds.
    ``constant-growth`` makes the money amount grow at a constant rate between anchors.
    """
    if knot_years.shape[-1] == 1:
        knot_years = np.concatenate([knot_years, knot_years], axis=-1)
        knot_pct = np.concatenate([knot_pct, knot_pct], axis=-1)
    n_knots = knot_years.shape[-1]
    t = years.astype(np.float64)
    passed: IntArray = (knot_years[..., None, :] <= t[:, None]).sum(axis=-1)
    seg = np.clip(passed - 1, 0, n_knots - 2)
    y0 = np.take_along_axis(knot_years, seg, axis=-1)
    y1 = np.take_along_axis(knot_years, seg + 1, axis=-1)
    v0 = np.take_along_axis(knot_pct, seg, axis=-1)
    v1 = np.take_along_axis(knot_pct, seg + 1, axis=-1)
    span = y1 - y0
    f = np.clip(np.divide(t - y0, span, out=np.ones_like(span), where=span > 0), 0.0, 1.0)
    g = _progress(f, t, y0, y1, shape, curvature, step_year)
    linear: FloatArray = v0 + g * (v1 - v0)
    if shape != "constant-growth":
        return linear
    # Money grows geometrically from anchor to anchor: m(t) = m0 * (m1/m0) ** f.
    gdp = np.broadcast_to(gdp, np.broadcast_shapes(gdp.shape, linear.shape))
    m0 = v0 * np.take_along_axis(gdp, _year_index(y0, t), axis=-1)
    m1 = v1 * np.take_along_axis(gdp, _year_index(y1, t), axis=-1)
    # Strictly inside a segment only: anchors are met exactly, and shares hold after the last.
    ok = (m0 > 0) & (m1 > 0) & (t > y0) & (t < y1)
    # In logs, so that tiny or huge amounts neither overflow nor underflow.
    log0 = np.log(np.where(ok, m0, 1.0))
    log1 = np.log(np.where(ok, m1, 1.0))
    money = np.exp(log0 + f * (log1 - log0))
    geometric: FloatArray = np.divide(money, gdp, out=np.zeros_like(money), where=gdp > 0)
    return np.where(ok, geometric, linear)


def _year_index(year: FloatArray, years: FloatArray) -> IntArray:
    """Column of ``year`` in ``years`` (consecutive), clipped to the range."""
    out: IntArray = np.clip((year - years[0]).astype(np.int64), 0, len(years) - 1)
    return out


def running_sum_after_base(x: FloatArray) -> FloatArray:
    """The ``cum_`` columns: along the last (year) axis, the running sum of ``x`` after the
    base year (0.0 in the base year itself)."""
    out = np.cumsum(x, axis=-1)
    return out - x[..., :1]


def project(inp: EngineInputs) -> Projection:
    """Project GDP and shares for every draw, member and year."""
    gdp = _gdp_paths(inp.gdp0_usd_bn, inp.growth)
    curvature = _per_draw(inp.curvature)
    # NaN for members without defence spending, so every derived column is NaN for them.
    uncovered_nan = np.where(inp.covered, 1.0, np.nan)[None, :, None]
    core = share_paths(inp.years, inp.core_knot_years, inp.core_knot_pct, gdp,
                       inp.shape, curvature, inp.step_year) * uncovered_nan
    related = share_paths(inp.years, inp.related_knot_years, inp.related_knot_pct, gdp,
                          inp.shape, curvature, inp.step_year) * uncovered_nan
    delivered = np.asarray(inp.delivered, dtype=np.float64)
    deflator_factors: FloatArray = 1.0 + inp.deflator_growth
    deflator_factors[0] = 1.0
    return Projection(
        years=inp.years, deflator=np.cumprod(deflator_factors, dtype=np.float64),
        gdp_usd_bn=gdp, plan_core_pct=core, plan_related_pct=related,
        delivered=None if delivered.ndim == 0 and delivered == 1.0 else (
            delivered.reshape(-1, 1, 1) if delivered.ndim <= 1 else delivered[..., None]),
        baseline_pct=_per_draw(inp.baseline_pct),
        target_total_pct=np.asarray(inp.target_total_pct, dtype=np.float64)[..., None],
        covered=inp.covered,
    )


MONEY_FIELDS = (
    "gdp_usd_bn", "core_usd_bn", "related_usd_bn", "total_usd_bn", "baseline_usd_bn",
    "extra_over_baseline_usd_bn", "cum_extra_over_baseline_usd_bn",
    "increase_over_base_share_usd_bn", "cum_increase_over_base_share_usd_bn",
    "shortfall_to_target_usd_bn", "gdp_usd_bn_const", "core_usd_bn_const",
    "related_usd_bn_const", "total_usd_bn_const", "baseline_usd_bn_const",
    "extra_over_baseline_usd_bn_const",
)


def aggregate(proj: Projection, masks: BoolArray, covered: BoolArray,
              names: tuple[str, ...] = MONEY_FIELDS) -> dict[str, FloatArray]:
    """Sum members into groups. ``masks`` is (G, M); results are (D, G, Y).

    Money columns are plain sums (members without defence spending add nothing); GDP sums
    only members with defence spending, so that group shares of GDP compare like with like.
    ``core_pct``/``total_pct`` are the group's spending over the group's GDP, in percent, and
    ``share_of_total_pct`` the group's share of all members' spending. ``names`` limits the
    work to some money fields (shares come with the money fields they need).
    """
    # Only members with defence spending enter the sums: their money is never NaN, and
    # members without it (NaN money) add nothing, neither spending nor GDP.
    weights = masks[:, covered].astype(np.float64)
    out: dict[str, FloatArray] = {}
    for name in names:
        out[name] = np.matmul(weights, getattr(proj, name)[:, covered])
    if "gdp_usd_bn" in out:
        for part in ("core", "related", "total"):
            if f"{part}_usd_bn" in out:
                out[f"{part}_pct"] = _percent(out[f"{part}_usd_bn"], out["gdp_usd_bn"])
    if "total_usd_bn" in out:
        alliance = np.nansum(proj.total_usd_bn, axis=1)[:, None, :]
        out["share_of_total_pct"] = _percent(out["total_usd_bn"], alliance)
    return out


def _percent(part: FloatArray, whole: FloatArray) -> FloatArray:
    """100 * part / whole, NaN where the whole is zero (a group without defence spending)."""
    whole = np.broadcast_to(whole, part.shape)
    out: FloatArray = np.divide(100.0 * part, whole, out=np.full(part.shape, np.nan),
                                where=whole != 0)
    return out


def share_of_total(money: FloatArray, axis: int) -> FloatArray:
    """Each entry's share of the sum along ``axis`` (members), percent; NaN entries add
    nothing and stay NaN."""
    return _percent(money, np.nansum(money, axis=axis, keepdims=True))


def spending_usd_bn(share_pct: FloatArray, gdp_usd_bn: FloatArray) -> FloatArray:
    """Money from a share: percent of GDP x GDP (USD bn) -> USD bn."""
    out: FloatArray = share_pct / 100.0 * gdp_usd_bn
    return out

"""A plain reference implementation of the engine: one draw, one member, one year at a time.

Written for clarity, not speed, straight from the model in the README. The benchmark
(`bench_engine.py`) times the vectorised engine against it, and the tests cross-check the two
on small inputs. Returns GDP, core, related and total spending for every draw, member, year.
"""

from __future__ import annotations

import math

from spendcalc.core.engine import EngineInputs


def _at(array, d, *rest):
    """Index an array whose first axis may have length 1 (shared by every draw)."""
    return array[0 if array.shape[0] == 1 else d][rest] if rest else array[
        0 if array.shape[0] == 1 else d]


def _scalar(x, d):
    try:
        return float(x[0 if len(x) == 1 else d])
    except TypeError:
        return float(x)


def _share(t, years, values, shape, curvature, step_year, gdp_of):
    """The share in year t for one member's anchors (years and values, sorted by year)."""
    if len(years) == 1 or t >= years[-1]:
        return values[-1] if t >= years[-1] else values[0]
    k = 0
    for i in range(len(years) - 1):
        if years[i] <= t:
            k = i
    y0, y1, v0, v1 = years[k], years[k + 1], values[k], values[k + 1]
    f = 1.0 if y1 <= y0 else min(max((t - y0) / (y1 - y0), 0.0), 1.0)
    if shape == "front-loaded":
        g = 1 - (1 - f) ** curvature
    elif shape == "back-loaded":
        g = f**curvature
    elif shape == "step":
        at = y1 if step_year is None else min(max(step_year, min(y0 + 1, y1)), y1)
        g = 1.0 if t >= at else 0.0
    else:
        g = f
    linear = v0 + g * (v1 - v0)
    if shape == "constant-growth" and y0 < t < y1:
        m0, m1 = v0 * gdp_of(y0), v1 * gdp_of(y1)
        if m0 > 0 and m1 > 0:
            return m0 * (m1 / m0) ** f / gdp_of(t)
    return linear


def reference_project(inp: EngineInputs, n_draws: int) -> dict[str, list]:
    """Nested lists [draw][member][year] of gdp, core_pct, related_pct and total_usd_bn."""
    years = [int(y) for y in inp.years]
    n_members = len(inp.gdp0_usd_bn)
    out = {"gdp_usd_bn": [], "core_pct": [], "related_pct": [], "total_usd_bn": []}
    for d in range(n_draws):
        rows = {key: [] for key in out}
        for m in range(n_members):
            gdp = [float(inp.gdp0_usd_bn[m])]
            for j in range(1, len(years)):
                gdp.append(gdp[-1] * (1 + float(_at(inp.growth, d, m, j))))

            def gdp_of(year, gdp=gdp):
                return gdp[min(max(int(year) - years[0], 0), len(years) - 1)]

            curvature = _scalar(inp.curvature, d)
            delivered = inp.delivered
            try:
                dm = float(delivered[d if len(delivered) > 1 else 0][m])  # (D, M)
            except (TypeError, IndexError):
                dm = _scalar(delivered, d)
            shares = {}
            for name, ky, kv in (("core_pct", inp.core_knot_years, inp.core_knot_pct),
                                 ("related_pct", inp.related_knot_years, inp.related_knot_pct)):
                ys = [float(y) for y in _at(ky, d, m)]
                vs = [float(v) for v in _at(kv, d, m)]
                path = [_share(t, ys, vs, inp.shape, curvature, inp.step_year, gdp_of)
                        for t in years]
                path = [path[0] + dm * (p - path[0]) for p in path]
                if not inp.covered[m]:
                    path = [math.nan] * len(years)
                shares[name] = path
            rows["gdp_usd_bn"].append(gdp)
            rows["core_pct"].append(shares["core_pct"])
            rows["related_pct"].append(shares["related_pct"])
            rows["total_usd_bn"].append([(c + r) / 100 * g for c, r, g in zip(
                shares["core_pct"], shares["related_pct"], gdp, strict=True)])
        for key in out:
            out[key].append(rows[key])
    return out

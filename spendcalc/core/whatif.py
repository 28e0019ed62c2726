"""What-if runs built on the engine's draws axis: comparisons, sweeps and sensitivity.

A sweep or sensitivity run is one scenario plus per-draw values of a few numeric fields
(``spendcalc.core.inputs.VARIABLE_KEYS``), projected in one vectorised pass.

Units: money in USD bn at current prices, shares in percent of GDP (as in the tables).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from spendcalc.core import engine, inputs, memory
from spendcalc.core.dataset import Dataset
from spendcalc.core.engine import MONEY_FIELDS
from spendcalc.core.errors import ScenarioError, SpendcalcError
from spendcalc.core.models import Scenario
from spendcalc.core.overrides import apply_overrides, parse_scenario

if TYPE_CHECKING:
    pass


FloatArray = npt.NDArray[np.float64]

MAX_VARIANTS = 1_000_000
METRICS = (*MONEY_FIELDS, "core_pct", "related_pct", "total_pct", "share_of_total_pct")
DEFAULT_METRIC = "cum_extra_over_baseline_usd_bn"
SWEEP_CHUNK = 1_024
"""Variants projected at once: the engine's working arrays for a chunk stay near 50 MB
(32 members x up to ~25 years) and in cache. Measured as ratios to chunks of 1,024 in
benchmarks/bench_engine.py (10,000 variants): all at once 1.35x as long on a quiet machine,
2.9x under load; 4,096 1.1-1.3x; 256 1.0-1.4x."""
SWEEP_BYTES_PER_VALUE = 24
"""Bytes each variant costs per varied key and for its metric, over the whole run: the grid,
the metric, and their copies in the output table."""
SWEEP_CHUNK_BYTES = 160 * 1024**2
"""The engine's working memory for one chunk of ``SWEEP_CHUNK`` variants (upper estimate)."""


def sweep_bytes(n_variants: int, n_keys: int) -> int:
    """Estimated peak bytes of a sweep of ``n_variants`` over ``n_keys`` varied fields."""
    return n_variants * (n_keys + 3) * SWEEP_BYTES_PER_VALUE + SWEEP_CHUNK_BYTES


# ---- sweeps -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Vary:
    """One swept field and its values."""

    key: str
    values: FloatArray


def parse_vary(text: str) -> Vary:
    """``KEY=START:STOP[:STEP]`` (inclusive; step 1 by default) or ``KEY=V1,V2,...``.
    Every number must be finite; a year field (a key ending in ``year``) takes whole
    numbers only, its start, stop and step included."""
    key, sep, spec = text.partition("=")
    key = key.strip()
    if not sep or not key or not spec.strip():
        raise SpendcalcError(f"--vary {text!r}: expected KEY=START:STOP[:STEP] or KEY=V1,V2")
    whole = key.rsplit(".", 1)[-1].endswith("year")
    try:
        if "," in spec:
            values = np.array([_vary_number(text, v, whole) for v in spec.split(",")])
        else:
            parts = [_vary_number(text, p, whole) for p in spec.split(":")]
            if len(parts) not in (2, 3):
                raise ValueError
            values = _vary_range(text, parts)
    except ValueError:
        raise SpendcalcError(
            f"--vary {text!r}: values must be numbers, as START:STOP[:STEP] or V1,V2") from None
    return Vary(key, np.round(values, 12))


def _vary_number(text: str, item: str, whole: bool) -> float:
    """One number of a ``--vary`` spec: finite, and whole for a year field."""
    value = float(item)
    if not math.isfinite(value):
        raise SpendcalcError(f"--vary {text!r}: {item.strip()!r} is not allowed; allowed: "
                             "finite numbers")
    if whole and not value.is_integer():
        raise SpendcalcError(f"--vary {text!r}: years take whole numbers (whole steps "
                             f"too), got {value:g}")
    return value


def _vary_range(text: str, parts: list[float]) -> FloatArray:
    """START:STOP[:STEP], inclusive; the count checked before any array is made."""
    start, stop = parts[0], parts[1]
    step = parts[2] if len(parts) == 3 else 1.0
    if step <= 0:
        raise SpendcalcError(f"--vary {text!r}: the step must be positive, got {step:g}")
    if stop < start:
        raise SpendcalcError(f"--vary {text!r}: stop {stop:g} is before start {start:g}")
    steps = (stop - start) / step + 1e-9
    count = math.floor(steps) + 1 if math.isfinite(steps) else None
    if count is None or count > MAX_VARIANTS:
        many = f"{count:,}" if count is not None else "too many"
        raise SpendcalcError(f"--vary {text!r}: {many} values; at most {MAX_VARIANTS:,} for "
                             "one field")
    return np.arange(count, dtype=np.float64) * step + start


def check_values(scenario: Scenario, vary: Vary, label: str) -> None:
    """Each value is validated exactly as ``--set KEY=VALUE`` would be (smallest, largest)."""
    doc = scenario.model_dump(mode="json", exclude_none=True)
    for v in (vary.values.min(), vary.values.max()):
        text = str(int(v)) if vary.key.endswith("year") and float(v).is_integer() else repr(
            float(v))
        if vary.key.endswith("year") and not float(v).is_integer():
            raise SpendcalcError(f"--vary {vary.key}: years must be whole numbers, got {v:g}")
        parse_scenario(apply_overrides(doc, [f"{vary.key}={text}"]), f"--vary ({label})")


@dataclass(frozen=True)
class SweepResult:
    grid: dict[str, FloatArray]
    """Per variant (flattened Cartesian grid), the value of each varied key."""
    values: FloatArray
    """(V,) the metric for the group in the horizon year."""
    metric: str
    group: str
    year: int


def sweep(scenario: Scenario, data: Dataset, varies: list[Vary], metric: str = DEFAULT_METRIC,
          group: str = "nato", *, force: bool = False, chunk: int = SWEEP_CHUNK) -> SweepResult:
    """The metric over the Cartesian grid of ``varies``, projected ``chunk`` variants at a
    time (the result does not depend on ``chunk``). Refuses, before allocating, a grid
    whose arrays would not fit in the memory available."""
    check_metric(metric)
    check_group(group, data)
    keys = [v.key for v in varies]
    if len(set(keys)) != len(keys):
        raise SpendcalcError("--vary: each key may be varied once")
    inputs.check_variant_keys(scenario, keys)
    total = math.prod(len(v.values) for v in varies)
    if total > MAX_VARIANTS and not force:
        raise SpendcalcError(f"--vary: {total:,} variants; at most {MAX_VARIANTS:,} without "
                             "--force")
    memory.require(f"--vary: {total:,} variants", sweep_bytes(total, len(varies)))
    mesh = np.meshgrid(*[v.values for v in varies], indexing="ij", copy=False)
    grid = {v.key: np.ascontiguousarray(m).reshape(-1) for v, m in zip(varies, mesh,
                                                                      strict=True)}
    values = np.empty(total)
    # In chunks of variants, so memory follows the chunk, not the grid: each variant is
    # projected alone (elementwise along the draws axis), so chunking changes no number.
    for start in range(0, total, chunk):
        part = {k: g[start:start + chunk] for k, g in grid.items()}
        values[start:start + chunk] = _metric(scenario, data, part, metric, group)
    return SweepResult(grid=grid, values=values, metric=metric, group=group,
                       year=scenario.horizon)


def check_group(group: str, data: Dataset) -> None:
    if group not in data.groups:
        close = difflib.get_close_matches(group, list(data.groups), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise SpendcalcError(f"--group {group!r}: unknown; {hint}allowed: "
                             f"{', '.join(data.groups)}")


def check_metric(metric: str) -> None:
    if metric not in METRICS:
        close = difflib.get_close_matches(metric, METRICS, n=1, cutoff=0.4)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise SpendcalcError(f"--metric {metric!r}: unknown; {hint}allowed: {', '.join(METRICS)}")


def _metric(scenario: Scenario, data: Dataset, variants: dict[str, FloatArray], metric: str,
            group: str) -> FloatArray:
    """(V,) the group's metric in the horizon year for each variant."""
    setup = inputs.build(scenario, data, variants)
    proj = engine.project(setup.inputs).truncate(setup.n_report_years)
    codes = [m.iso3 for m in setup.members]
    mask = np.array([[c in data.groups[group].members for c in codes]], dtype=bool)
    needed = (metric,) if metric in MONEY_FIELDS else (
        "gdp_usd_bn", "core_usd_bn", "related_usd_bn", "total_usd_bn")
    agg = engine.aggregate(proj, mask, setup.inputs.covered, names=needed)
    out: FloatArray = np.broadcast_to(agg[metric][:, 0, -1],
                                      (len(next(iter(variants.values()))),)).copy()
    return out


# ---- sensitivity --------------------------------------------------------------------------

@dataclass(frozen=True)
class Lever:
    """A parameter moved between a documented low and high, the others held."""

    name: str
    low_label: str
    high_label: str
    low: dict[str, float]
    high: dict[str, float]


def levers(scenario: Scenario, data: Dataset) -> list[Lever]:
    """The key parameters and their documented ranges (README, "Sensitivity")."""
    g = scenario.growth
    if g.source == "imf-weo":
        out = [Lever("Real growth, pts/year", "-1", "+1",
                     {"growth.real_offset": g.real_offset - 1.0},
                     {"growth.real_offset": g.real_offset + 1.0})]
    else:
        flat = g.flat_pct or 0.0
        out = [Lever("Growth, % a year", f"{flat - 1:g}", f"{flat + 1:g}",
                     {"growth.flat_pct": flat - 1.0}, {"growth.flat_pct": flat + 1.0})]
    # Low: the mean share of the gap to 2% delivered 2014-2024 under the uncertainty
    # defaults (a full delivery with probability p, else a Beta(alpha, beta) fraction).
    u = scenario.uncertainty
    p = u.compliance_full_pct / 100
    record = 100 * (p + (1 - p) * u.compliance_alpha / (u.compliance_alpha + u.compliance_beta))
    out.append(Lever("Increases delivered, %", f"{record:.0f}", "100",
                     {"path.delivered_pct": record}, {"path.delivered_pct": 100.0}))
    t = scenario.target
    if t is None:
        return out
    if t.year - 3 > scenario.base_year:
        out.append(Lever("Target year", f"{t.year - 3}", f"{t.year + 3}",
                         {"target.year": t.year - 3}, {"target.year": t.year + 3}))
    out += [
        Lever("Core target, % GDP", f"{max(t.core_pct - 0.5, 0):g}", f"{t.core_pct + 0.5:g}",
              {"target.core_pct": max(t.core_pct - 0.5, 0)},
              {"target.core_pct": t.core_pct + 0.5}),
        Lever("Related in place, % GDP", "0", f"{t.related_pct * 2 / 3:g}",
              {"related.base_pct": 0.0}, {"related.base_pct": t.related_pct * 2 / 3}),
    ]
    if "ESP" in scenario.exemptions and (scenario.members == "all" or "ESP" in scenario.members):
        ex = scenario.exemptions["ESP"]
        out.append(Lever("Spain's exemption", "yes", "no",
                         {"exemptions.ESP.core_pct": ex.core_pct,
                          "exemptions.ESP.related_pct": ex.related_pct},
                         {"exemptions.ESP.core_pct": t.core_pct,
                          "exemptions.ESP.related_pct": t.related_pct}))
    return out


@dataclass(frozen=True)
class Sensitivity:
    levers: list[Lever]
    base: float
    low: FloatArray
    high: FloatArray
    metric: str
    group: str
    year: int

    def ranked(self) -> list[int]:
        """Lever indices, largest swing first."""
        return sorted(range(len(self.levers)), key=lambda i: -abs(self.high[i] - self.low[i]))


def sensitivity(scenario: Scenario, data: Dataset, metric: str = DEFAULT_METRIC,
                group: str = "nato") -> Sensitivity:
    """Each lever at its low and its high, all in one pass; draw 0 is the scenario itself."""
    check_metric(metric)
    check_group(group, data)
    lv = levers(scenario, data)
    keys = sorted({k for lever in lv for k in (*lever.low, *lever.high)})
    defaults = _current_values(scenario, keys)
    rows = [defaults] + [{**defaults, **side} for lever in lv for side in (lever.low,
                                                                            lever.high)]
    variants = {k: np.array([r[k] for r in rows]) for k in keys}
    values = _metric(scenario, data, variants, metric, group)
    return Sensitivity(levers=lv, base=float(values[0]), low=values[1::2], high=values[2::2],
                       metric=metric, group=group, year=scenario.horizon)


def _current_values(scenario: Scenario, keys: list[str]) -> dict[str, float]:
    doc = scenario.model_dump(mode="json")
    out = {}
    for key in keys:
        node = doc
        for part in key.split("."):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if key.startswith("exemptions.") and node == {}:
            raise ScenarioError(f"{key}: not set in the scenario")
        out[key] = float(node)  # type: ignore[arg-type]
    return out

"""Monte Carlo runs: draw growth and compliance, project every draw, summarise.

Draws go through the engine's one code path (the draws axis) in chunks; chunking does not
change a single number (see ``spendcalc.core.uncertainty``). ``summarise`` streams the chunks
and keeps only what the outputs need (exact percentiles, means, chances), so memory is
bounded whatever the number of draws; ``run_draws`` keeps every draw (tests, small runs).
Sizes that cannot fit in the memory available are refused before allocating.
Pure NumPy; ``tables.simulation_table`` lays the summaries out for the views.

Units: spending in USD bn at current prices; shares in percent of GDP; probabilities 0 to 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from spendcalc.core import engine, inputs, memory
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
"""Draws per chunk: small enough for the working arrays to stay in cache (measured as ratios
in benchmarks/bench_engine.py, 100,000 draws: chunks of 10,000 take 1.3-1.5x as long as
chunks of 2,500; chunks of 625 1.0-1.1x)."""
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

    def summary(self, reach_full_compliance: FloatArray | None = None) -> Summary:
        """The outputs' summary of these draws (as ``summarise`` computes it streaming)."""
        def q(values: FloatArray) -> FloatArray:
            return self.percentiles(values)

        return Summary(
            setup=self.setup, groups=self.groups, years=self.years,
            n_draws=len(self.member_total_usd_bn),
            member_usd_q=q(self.member_total_usd_bn),
            member_usd_mean=self.member_total_usd_bn.mean(axis=0),
            member_pct_q=q(self.member_total_pct),
            member_pct_mean=self.member_total_pct.mean(axis=0),
            group_usd_q=q(self.group_total_usd_bn),
            group_usd_mean=self.group_total_usd_bn.mean(axis=0),
            group_pct_q=q(self.group_total_pct), group_pct_mean=self.group_total_pct.mean(axis=0),
            reach_probability=self.reach_probability,
            reach_full_compliance=(np.full_like(self.reach_probability, np.nan)
                                   if reach_full_compliance is None else reach_full_compliance),
        )


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
    """Project ``n_draws`` random draws of growth and compliance around ``scenario`` and keep
    every draw (memory grows with ``n_draws``: for outputs, use ``summarise``)."""
    run = _Run.build(scenario, data)
    memory.require(f"--draws {n_draws:,}", n_draws * run.n_stored() * 8 + WORK_BYTES)
    n_m, n_g, n_y = len(run.setup.members), len(run.groups), run.n_years
    parts: list[_Chunk] = []
    reached = np.zeros(n_m)
    for part in run.chunks(Streams.from_seed(seed), n_draws, chunk, progress):
        reached += part.reached
        parts.append(part)

    def stack(name: str, n_k: int) -> FloatArray:
        out = np.empty((n_draws, n_k, n_y))
        start = 0
        for p in parts:
            values = getattr(p, name)
            out[start:start + len(values)] = values
            start += len(values)
        return out

    return Draws(
        setup=run.setup, groups=run.groups, years=run.years,
        member_total_usd_bn=stack("member_usd", n_m), member_total_pct=stack("member_pct", n_m),
        group_total_usd_bn=stack("group_usd", n_g), group_total_pct=stack("group_pct", n_g),
        reach_probability=run.probability(reached, n_draws),
    )


@dataclass(frozen=True)
class _Chunk:
    """One chunk of draws, as the outputs need them: (n, M|G, Y) spending (USD bn) and
    shares (% of GDP) in the reported years, (n, M) fraction delivered, (M,) draws reaching
    the target, as drawn and with every planned change delivered."""

    member_usd: FloatArray
    member_pct: FloatArray
    group_usd: FloatArray
    group_pct: FloatArray
    delivered: FloatArray
    reached: FloatArray
    reached_full: FloatArray


@dataclass(frozen=True)
class _Run:
    """What every chunk of a run shares: inputs, groups, the target columns."""

    setup: inputs.Setup
    u: UncertaintyArrays
    groups: list[Group]
    masks: npt.NDArray[np.bool_]
    n_years: int
    planned_delivery: FloatArray
    target_col: npt.NDArray[np.int64]
    has_target: npt.NDArray[np.bool_]

    @classmethod
    def build(cls, scenario: Scenario, data: Dataset) -> _Run:
        setup = inputs.build(scenario, data)
        codes = [m.iso3 for m in setup.members]
        groups = [g for g in data.groups.values() if set(g.members) & set(codes)]
        base = setup.inputs
        return cls(
            setup=setup, u=uncertainty_arrays(scenario, data, setup), groups=groups,
            masks=np.array([[c in g.members for c in codes] for g in groups], dtype=bool),
            n_years=setup.n_report_years,
            planned_delivery=np.asarray(base.delivered, dtype=np.float64).reshape(-1, 1),
            target_col=np.nan_to_num(setup.target_year[0] - base.years[0],
                                     nan=0).astype(np.int64),
            has_target=~np.isnan(setup.target_year[0]),
        )

    @property
    def years(self) -> npt.NDArray[np.int64]:
        return self.setup.inputs.years[:self.n_years]

    @property
    def affine(self) -> bool:
        """Shares are base + delivered x (plan - base) with a plan the same in every draw, so
        a member's share is monotone in its fraction delivered (not for constant-growth,
        whose plan follows each draw's GDP)."""
        return self.setup.inputs.shape != "constant-growth"

    def n_stored(self) -> int:
        """Values kept per draw when every draw is kept (four (M|G, Y) arrays)."""
        return 2 * (len(self.setup.members) + len(self.groups)) * self.n_years

    def probability(self, reached: FloatArray, n_draws: int) -> FloatArray:
        covered = self.setup.inputs.covered
        out: FloatArray = np.where(self.has_target & covered, reached / n_draws, np.nan)
        return out

    def chunks(self, streams: Streams, n_draws: int, chunk: int,
               progress: Callable[[int, int], None] | None = None) -> Iterator[_Chunk]:
        """Every draw in order, ``chunk`` at a time; the streams advance as in one pass."""
        for start in range(0, n_draws, chunk):
            n = min(chunk, n_draws - start)
            yield self.project(streams, n)
            if progress is not None:
                progress(start + n, n_draws)

    def project(self, streams: Streams, n: int) -> _Chunk:
        base, n_y = self.setup.inputs, self.n_years
        delivered = compliance(streams, n, self.u) * self.planned_delivery
        proj = engine.project(replace(base, growth=growth_draws(streams, n, base.growth, self.u),
                                      delivered=delivered))
        # Every plan delivered, same growth: compliance fixed at 1 gives these very numbers.
        full = replace(proj, delivered=self.planned_delivery.reshape(1, -1, 1))
        agg = engine.aggregate(proj, self.masks, base.covered,
                               names=("gdp_usd_bn", "total_usd_bn"))
        return _Chunk(
            member_usd=proj.total_usd_bn[..., :n_y], member_pct=proj.total_pct[..., :n_y],
            group_usd=agg["total_usd_bn"][..., :n_y], group_pct=agg["total_pct"][..., :n_y],
            delivered=delivered, reached=self._reached(proj.total_pct),
            reached_full=self._reached(full.total_pct))

    def _reached(self, total_pct: FloatArray) -> FloatArray:
        """(M,) draws whose total share reaches the target in the target year (which may
        lie past the horizon: read before keeping base..horizon)."""
        col = self.target_col[None, :, None]
        at_target = np.take_along_axis(total_pct, np.broadcast_to(
            col, (total_pct.shape[0], *col.shape[1:])), axis=2)[..., 0]
        target = self.setup.inputs.target_total_pct[0]
        out: FloatArray = (at_target >= target - REACH_TOLERANCE_PCT).sum(axis=0)
        return out


@dataclass(frozen=True)
class Summary:
    """What a simulation's outputs need, computed while streaming the draws. Percentiles
    (P, M|G, Y) and means (M|G, Y) over draws of spending (USD bn) and share (% of GDP) per
    member and group; chances 0 to 1. The numbers are exactly those of ``run_draws``
    followed by ``Draws.percentiles`` and ``mean(axis=0)``."""

    setup: inputs.Setup
    groups: list[Group]
    years: npt.NDArray[np.int64]
    n_draws: int
    member_usd_q: FloatArray
    member_usd_mean: FloatArray
    member_pct_q: FloatArray
    member_pct_mean: FloatArray
    group_usd_q: FloatArray
    group_usd_mean: FloatArray
    group_pct_q: FloatArray
    group_pct_mean: FloatArray
    reach_probability: FloatArray
    """(M,) as in ``Draws``."""
    reach_full_compliance: FloatArray
    """(M,) the same chance with every planned change delivered (same growth draws)."""


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
    (each kind of draw has its own stream). ``summarise`` gives the same figures from its own
    pass; this runs the full-compliance scenario on its own, as a check of that."""
    run = _Run.build(full_compliance(scenario), data)
    reached = np.zeros(len(run.setup.members))
    for part in run.chunks(Streams.from_seed(seed), n_draws, chunk):
        reached += part.reached
    return run.probability(reached, n_draws)


# ---- streaming summaries ------------------------------------------------------------------

WORK_BYTES = 96 * 1024**2
"""Working memory of the engine for one chunk of ``DEFAULT_CHUNK`` draws (upper estimate)."""
KEEP_ALL_BYTES = 768 * 1024**2
"""Up to this many bytes, the columns whose percentiles are wanted are kept for every draw
and percentiles are taken in one pass; above it, a sample bounds each percentile and a second
pass keeps only the draws near it."""
PARTITION_THREADS = 2
"""Threads sorting the kept draws for percentiles (this machine has 2 cores): 0.53x the time
of one thread on a quiet machine, 0.9x when other work fills the cores (bench_engine.py)."""
SAMPLE_DRAWS = 100_000
WINDOW_SIGMAS = 5.0
"""Half-width of each percentile's window, in standard errors of the sample percentile: a
window misses (and its column takes one more pass) about once in 3 million."""


def summarise(scenario: Scenario, data: Dataset, n_draws: int, seed: int,
              chunk: int = DEFAULT_CHUNK,
              progress: Callable[[int, int], None] | None = None) -> Summary:
    """Percentiles, means and chances of ``n_draws`` draws in bounded memory.

    Means are summed draw by draw in order, as ``mean(axis=0)`` does, and each percentile is
    numpy's linear interpolation between two exact order statistics, so the result is
    bit for bit that of keeping every draw. Shares' percentiles follow from the percentiles
    of the fraction delivered where shares are monotone in it (every shape but
    constant-growth). Refuses, before allocating, a run that would not fit in memory.
    """
    run = _Run.build(scenario, data)
    cols = _Columns(run)
    keep_all = _keep_all(n_draws, cols.n_q)
    memory.require(f"--draws {n_draws:,}", estimate_bytes(n_draws, cols.n_q, keep_all))
    sums = np.zeros(cols.n_mean)
    reached, reached_full = np.zeros(len(run.setup.members)), np.zeros(len(run.setup.members))
    kept = np.empty((cols.n_q, n_draws)) if keep_all else None
    window = None if keep_all else _Windows.from_sample(run, cols, n_draws, seed, chunk)
    done = 0
    for part in run.chunks(Streams.from_seed(seed), n_draws, chunk, progress):
        n = len(part.delivered)
        # Row by row in draw order, carrying the running sum: mean(axis=0)'s own order.
        sums = np.add.reduce(np.concatenate([sums[None], cols.means(part)]), axis=0)
        reached += part.reached
        reached_full += part.reached_full
        values = cols.quantiled(part)
        if kept is not None:
            kept[:, done:done + n] = values.T
        else:
            assert window is not None
            window.add(values)
        done += n
    ranks = _Ranks(n_draws)
    if kept is not None:
        stats = _order_stats(kept, ranks)
    else:
        assert window is not None
        stats, missed = window.order_stats(ranks)
        if missed.any():
            stats[..., missed] = _exact(run, cols, np.nonzero(missed)[0], n_draws, seed, chunk,
                                        ranks)
    return cols.summary(run, n_draws, stats, ranks, sums / n_draws,
                        run.probability(reached, n_draws), run.probability(reached_full, n_draws))


def _exact(run: _Run, cols: _Columns, which: npt.NDArray[np.intp], n_draws: int, seed: int,
           chunk: int, ranks: _Ranks) -> FloatArray:
    """(4, P, K) order statistics of columns ``which`` from every draw kept: the fallback
    when a sample's window missed (rare: see ``WINDOW_SIGMAS``)."""
    memory.require(f"--draws {n_draws:,}", len(which) * n_draws * 8 + WORK_BYTES)
    kept = np.empty((len(which), n_draws))
    done = 0
    for part in run.chunks(Streams.from_seed(seed), n_draws, chunk):
        values = cols.quantiled(part)[:, which]
        kept[:, done:done + len(values)] = values.T
        done += len(values)
    return _order_stats(kept, ranks)


def _keep_all(n_draws: int, n_columns: int) -> bool:
    return n_draws * n_columns * 8 <= min(KEEP_ALL_BYTES, memory.available_bytes() // 4)


def bytes_needed(scenario: Scenario, data: Dataset, n_draws: int) -> int:
    """Estimated peak bytes of ``summarise`` for ``n_draws`` draws of ``scenario``."""
    n_q = _Columns(_Run.build(scenario, data)).n_q
    return estimate_bytes(n_draws, n_q, _keep_all(n_draws, n_q))


def estimate_bytes(n_draws: int, n_columns: int, keep_all: bool) -> int:
    """Peak bytes of ``summarise``: every draw's columns kept, or a sample and the
    draws near each percentile (about 6 % of draws per column, held twice while sorted)."""
    if keep_all:
        return n_draws * n_columns * 8 * 2 + WORK_BYTES
    sample = min(n_draws, SAMPLE_DRAWS) * n_columns * 8
    window = int(n_draws * n_columns * 0.06) * 12 * 2
    return max(sample, window) + WORK_BYTES


@dataclass(frozen=True)
class _Ranks:
    """numpy's linear percentile over ``n`` values: for each percentile the order statistics
    below (``prev``) and above (``next``) its virtual index, and the weight ``gamma``; the
    ``mirror`` ranks (n-1-prev, n-1-next) serve values decreasing in what is ranked."""

    n: int
    ranks: npt.NDArray[np.intp]
    """(4, P) prev, next, n-1-prev, n-1-next."""
    gamma: FloatArray
    """(P, 1)"""

    def __init__(self, n: int) -> None:
        virtual = (n - 1) * np.true_divide(np.asarray(PERCENTILES), 100)
        prev = np.floor(virtual)
        nxt = prev + 1
        prev[virtual >= n - 1] = -1  # numpy's own convention: the last value
        nxt[virtual >= n - 1] = -1
        gamma = (virtual - prev).reshape(-1, 1)
        p, q = (np.where(x < 0, n - 1, x).astype(np.intp) for x in (prev, nxt))
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "ranks", np.stack([p, q, n - 1 - p, n - 1 - q]))
        object.__setattr__(self, "gamma", gamma)


def _lerp(a: FloatArray, b: FloatArray, t: FloatArray) -> FloatArray:
    """numpy's percentile interpolation, operation for operation (so bit for bit)."""
    diff = b - a
    out: FloatArray = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
    return out


def _order_stats(kept: FloatArray, ranks: _Ranks) -> FloatArray:
    """(4, P, C) the order statistics at ``ranks`` of each row of ``kept`` (C, n), NaN for
    rows holding a NaN (as numpy's percentile). Sorts in place, on two threads (numpy
    releases the GIL while partitioning)."""
    from concurrent.futures import ThreadPoolExecutor

    kth = np.unique(np.append(ranks.ranks.ravel(), ranks.n - 1))
    halves = np.array_split(np.arange(kept.shape[0]), PARTITION_THREADS)

    def part(rows: npt.NDArray[np.intp]) -> None:
        if len(rows):
            block = kept[rows[0]:rows[-1] + 1]
            block.partition(kth, axis=1)

    with ThreadPoolExecutor(PARTITION_THREADS) as pool:
        list(pool.map(part, halves))
    out: FloatArray = kept[:, ranks.ranks].transpose(1, 2, 0).copy()
    out[..., np.isnan(kept[:, -1])] = np.nan
    return out


class _Columns:
    """Which values of a chunk are summarised, laid out as columns: percentiles of member
    and group spending and group shares, and either member shares or (monotone case) the
    fraction delivered; means of the four (M|G, Y) arrays."""

    def __init__(self, run: _Run) -> None:
        self.n_m, self.n_g, self.n_y = len(run.setup.members), len(run.groups), run.n_years
        self.affine = run.affine
        my, gy = self.n_m * self.n_y, self.n_g * self.n_y
        self.n_q = my + 2 * gy + (self.n_m if self.affine else my)
        self.n_mean = 2 * my + 2 * gy
        if self.affine:
            proj = engine.project(run.setup.inputs)
            self.plan = (proj.plan_core_pct + proj.plan_related_pct)[0]  # (M, Y_full)

    def means(self, c: _Chunk) -> FloatArray:
        n = len(c.delivered)
        return np.concatenate([x.reshape(n, -1) for x in (c.member_usd, c.member_pct,
                                                          c.group_usd, c.group_pct)], axis=1)

    def quantiled(self, c: _Chunk) -> FloatArray:
        n = len(c.delivered)
        last = c.delivered if self.affine else c.member_pct.reshape(n, -1)
        return np.concatenate([c.member_usd.reshape(n, -1), c.group_usd.reshape(n, -1),
                               c.group_pct.reshape(n, -1), last], axis=1)

    def _shares(self, delivered: FloatArray) -> FloatArray:
        """(R, M, Y) the member shares for fractions delivered (R, M): the engine's formula."""
        plan = self.plan
        out: FloatArray = plan - (1.0 - delivered[..., None]) * (plan - plan[..., :1])
        return out[..., :self.n_y]

    def member_pct_q(self, stats: FloatArray, ranks: _Ranks) -> FloatArray:
        """(P, M, Y) from the order statistics of the fraction delivered (4, P, M)."""
        falling = (self.plan - self.plan[..., :1])[..., :self.n_y] < 0
        a = np.where(falling, self._shares(stats[2]), self._shares(stats[0]))
        b = np.where(falling, self._shares(stats[3]), self._shares(stats[1]))
        return _lerp(a, b, ranks.gamma[..., None])

    def summary(self, run: _Run, n: int, stats: FloatArray, ranks: _Ranks, means: FloatArray,
                reach: FloatArray, reach_full: FloatArray) -> Summary:
        my, gy, p = self.n_m * self.n_y, self.n_g * self.n_y, len(PERCENTILES)
        q = _lerp(stats[0], stats[1], ranks.gamma)  # (P, C)
        pct_q = (self.member_pct_q(stats[:, :, my + 2 * gy:], ranks) if self.affine
                 else q[:, my + 2 * gy:].reshape(p, self.n_m, self.n_y))
        m = np.split(means, np.cumsum([my, my, gy]))
        return Summary(
            setup=run.setup, groups=run.groups, years=run.years, n_draws=n,
            member_usd_q=q[:, :my].reshape(p, self.n_m, self.n_y),
            member_usd_mean=m[0].reshape(self.n_m, self.n_y),
            member_pct_q=pct_q, member_pct_mean=m[1].reshape(self.n_m, self.n_y),
            group_usd_q=q[:, my:my + gy].reshape(p, self.n_g, self.n_y),
            group_usd_mean=m[2].reshape(self.n_g, self.n_y),
            group_pct_q=q[:, my + gy:my + 2 * gy].reshape(p, self.n_g, self.n_y),
            group_pct_mean=m[3].reshape(self.n_g, self.n_y),
            reach_probability=reach, reach_full_compliance=reach_full,
        )


class _Windows:
    """Exact order statistics of many columns over draws too many to keep: a sample of the
    first draws bounds each needed rank by values ``lo`` and ``hi``; a pass over every draw
    then counts the values below ``lo``, equal to ``lo`` or ``hi``, and keeps only those
    strictly between. Ranks close together share a window."""

    def __init__(self, lo: FloatArray, hi: FloatArray, groups: list[npt.NDArray[np.intp]],
                 n_q: int) -> None:
        self.lo, self.hi, self.groups = lo, hi, groups  # lo, hi: (W, C); groups: ranks per W
        w = len(groups)
        self.below = np.zeros((w, n_q), dtype=np.int64)
        self.eq_lo = np.zeros((w, n_q), dtype=np.int64)
        self.eq_hi = np.zeros((w, n_q), dtype=np.int64)
        self.has_nan = np.zeros(n_q, dtype=bool)
        self.kept: list[list[tuple[npt.NDArray[np.int32], FloatArray]]] = [[] for _ in groups]

    @classmethod
    def from_sample(cls, run: _Run, cols: _Columns, n_draws: int, seed: int,
                    chunk: int) -> _Windows:
        ranks = _Ranks(n_draws).ranks.ravel()
        n_s = min(n_draws, SAMPLE_DRAWS)
        # Double precision: a value held by many draws (a constant base year, a full
        # delivery) is then a bound exactly, counted instead of kept.
        sample = np.empty((cols.n_q, n_s))
        done = 0
        for part in run.chunks(Streams.from_seed(seed), n_s, chunk):
            values = cols.quantiled(part)
            sample[:, done:done + len(values)] = values.T
            done += len(values)
        sample.sort(axis=1)
        order = np.sort(np.unique(ranks))
        # Ranks within 2 % of the draws of each other share one window.
        cuts = np.nonzero(np.diff(order) > 0.02 * n_draws)[0] + 1
        groups = np.split(order, cuts)
        lo, hi = [], []
        for g in groups:
            lo.append(cls._bound(sample, g[0] / max(n_draws - 1, 1), n_s, -1))
            hi.append(cls._bound(sample, g[-1] / max(n_draws - 1, 1), n_s, +1))
        return cls(np.array(lo), np.array(hi), groups, cols.n_q)

    @staticmethod
    def _bound(sample: FloatArray, p: float, n_s: int, side: int) -> FloatArray:
        """(C,) a value the rank at fraction ``p`` lies above (side -1) or below (+1) in all
        but freak samples: ``WINDOW_SIGMAS`` standard errors of the sample percentile out."""
        margin = WINDOW_SIGMAS * np.sqrt(max(p * (1 - p), 1 / n_s) / n_s) + 2 / n_s
        at = p + side * margin
        if at <= 0 or at >= 1:
            return np.full(sample.shape[0], -np.inf if side < 0 else np.inf)
        out: FloatArray = sample[:, int(np.floor(at * (n_s - 1)) if side < 0
                                        else np.ceil(at * (n_s - 1)))].copy()
        return out

    def add(self, values: FloatArray) -> None:
        """Count and keep one chunk's values (n, C)."""
        self.has_nan |= np.isnan(values).any(axis=0)
        for w in range(len(self.groups)):
            lo, hi = self.lo[w], self.hi[w]
            self.below[w] += (values < lo).sum(axis=0)
            self.eq_lo[w] += (values == lo).sum(axis=0)
            self.eq_hi[w] += ((values == hi) & (hi != lo)).sum(axis=0)
            rows, cols = np.nonzero((values > lo) & (values < hi))
            self.kept[w].append((cols.astype(np.int32), values[rows, cols]))

    def order_stats(self, ranks: _Ranks) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        """(4, P, C) order statistics at ``ranks`` and (C,) the columns for which a window
        missed (a freak sample): those need another pass."""
        flat = ranks.ranks.ravel()
        out = np.full((len(flat), self.lo.shape[1]), np.nan)
        missed = np.zeros(self.lo.shape[1], dtype=bool)
        for w, group in enumerate(self.groups):
            cols = np.concatenate([c for c, _ in self.kept[w]])
            vals = np.concatenate([v for _, v in self.kept[w]])
            self.kept[w] = []
            vals = vals[np.argsort(cols, kind="stable")]  # grouped by column
            counts = np.bincount(cols, minlength=out.shape[1])
            starts = np.cumsum(counts) - counts
            self._select(vals, starts, counts, np.stack([r - self.below[w] - self.eq_lo[w]
                                                         for r in group]))
            for r in group:
                local = r - self.below[w]
                inside = local - self.eq_lo[w]
                beyond = inside - counts
                value = np.where(local < self.eq_lo[w], self.lo[w], np.where(
                    beyond >= 0, self.hi[w],
                    vals[np.clip(starts + inside, 0, max(len(vals) - 1, 0))]
                    if len(vals) else np.nan))
                bad = (local < 0) | (beyond >= self.eq_hi[w])
                missed |= bad & ~self.has_nan
                out[flat == r] = value
        out[:, self.has_nan] = np.nan
        return out.reshape(4, -1, out.shape[1]), missed

    @staticmethod
    def _select(vals: FloatArray, starts: npt.NDArray[np.int64],
                counts: npt.NDArray[np.int64], wanted: npt.NDArray[np.int64]) -> None:
        """Partition each column's kept values (``vals[starts[c]:][:counts[c]]``) in place so
        that the ``wanted`` (R, C) positions hold their order statistics."""
        for c in range(len(counts)):
            need = wanted[:, c]
            need = np.unique(need[(need >= 0) & (need < counts[c])])
            if need.size:
                vals[starts[c]:starts[c] + counts[c]].partition(need)

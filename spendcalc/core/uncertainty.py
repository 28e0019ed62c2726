"""Random draws for Monte Carlo runs: GDP growth shocks and compliance. Pure NumPy.

Each kind of draw comes from its own stream (spawned from one seed), so a run split into
chunks of draws consumes every stream in the same order as an unsplit run: chunked and
unchunked results are identical.

Units: growth and its standard deviations as fractions per year; compliance as the fraction
(0 to 1) of each planned change a member delivers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class UncertaintyArrays:
    """The scenario's uncertainty settings as arrays over its members."""

    growth_sd: FloatArray
    """(M,) standard deviation of yearly nominal USD growth, fraction."""
    correlation: float
    """Share of each member's growth variance common to all members, 0 to 1."""
    full_p: float
    """Probability a member delivers its whole planned change, 0 to 1."""
    alpha: float
    beta: float
    fixed_compliance: FloatArray
    """(M,) a member's fixed fraction delivered, or NaN where it is drawn."""


@dataclass
class Streams:
    """Independent generators for each kind of draw."""

    common: np.random.Generator
    member: np.random.Generator
    full: np.random.Generator
    partial: np.random.Generator

    @classmethod
    def from_seed(cls, seed: int) -> Streams:
        return cls(*(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)))


def historical_growth_sd(gdp_usd_bn: FloatArray) -> FloatArray:
    """(M,) sample standard deviation of year-on-year growth of a (M, T) GDP series, fraction."""
    growth = gdp_usd_bn[:, 1:] / gdp_usd_bn[:, :-1] - 1.0
    out: FloatArray = growth.std(axis=1, ddof=1)
    return out


def mean_pairwise_correlation(gdp_usd_bn: FloatArray) -> float:
    """Mean correlation of year-on-year growth between every pair of members."""
    growth = gdp_usd_bn[:, 1:] / gdp_usd_bn[:, :-1] - 1.0
    corr: FloatArray = np.atleast_2d(np.corrcoef(growth))
    upper = np.triu_indices(corr.shape[0], k=1)
    return float(corr[upper].mean())


def growth_draws(streams: Streams, n_draws: int, planned: FloatArray,
                 u: UncertaintyArrays) -> FloatArray:
    """(n, M, Y) growth: the planned growth (1|n, M, Y) plus a random shock each year after
    the base year (index 0 is left as planned).

    shock = sd_m * (sqrt(rho) * z_common[t] + sqrt(1 - rho) * z_member[m, t]), so each
    member's shock has sd ``sd_m`` and two members' shocks have correlation ``rho``.
    The standard normals are drawn in single precision (ample for shocks, three times faster);
    the sums are double precision, so a zero sd reproduces the planned growth exactly.
    """
    n_m, n_years = planned.shape[-2], planned.shape[-1]
    z_common = streams.common.standard_normal((n_draws, 1, n_years - 1), dtype=np.float32)
    z_member = streams.member.standard_normal((n_draws, n_m, n_years - 1), dtype=np.float32)
    out = np.zeros((n_draws, n_m, n_years))
    shocks = out[..., 1:]
    np.multiply(z_member, np.sqrt(1.0 - u.correlation), out=shocks)
    shocks += np.sqrt(u.correlation) * z_common
    shocks *= u.growth_sd[None, :, None]
    out += planned
    return out


def compliance(streams: Streams, n_draws: int, u: UncertaintyArrays) -> FloatArray:
    """(n, M) fraction of the planned change each member delivers.

    With probability ``full_p`` all of it; otherwise a Beta(alpha, beta) fraction; fixed where
    the scenario fixes it. Both draws are always made, each from its own stream, so the
    streams advance alike however the draws are split into chunks.
    """
    n_m = len(u.fixed_compliance)
    full = streams.full.random((n_draws, n_m)) < u.full_p
    partial = streams.partial.beta(u.alpha, u.beta, (n_draws, n_m))
    out: FloatArray = np.where(full, 1.0, partial)
    fixed = ~np.isnan(u.fixed_compliance)
    out[:, fixed] = u.fixed_compliance[fixed]
    return out

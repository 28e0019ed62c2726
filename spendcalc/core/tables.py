"""Lay the engine's arrays out as tidy pandas tables; no numbers are computed here.

``members``: one row per (scenario, member, year). ``aggregates``: one row per
(scenario, group, year). The columns are documented in the README ("The projection table").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from spendcalc.core.engine import MONEY_FIELDS, Projection

if TYPE_CHECKING:
    import pandas as pd

    from spendcalc.core.dataset import Dataset, Group
    from spendcalc.core.inputs import Setup
    from spendcalc.core.simulate import Draws, Summary
    from spendcalc.core.whatif import Sensitivity, SweepResult

MEMBER_COLUMNS = (
    "scenario", "iso3", "member", "year", "projected", "armed_forces",
    "gdp_usd_bn", "core_pct", "related_pct", "total_pct",
    "core_usd_bn", "related_usd_bn", "total_usd_bn",
    "baseline_pct", "baseline_usd_bn",
    "target_core_pct", "target_related_pct", "target_total_pct", "target_year",
    "extra_over_baseline_usd_bn", "cum_extra_over_baseline_usd_bn",
    "increase_over_base_share_usd_bn", "cum_increase_over_base_share_usd_bn",
    "shortfall_to_target_usd_bn", "share_of_total_pct",
    "deflator", "gdp_usd_bn_const", "core_usd_bn_const", "related_usd_bn_const",
    "total_usd_bn_const", "baseline_usd_bn_const", "extra_over_baseline_usd_bn_const",
    "base_share_source",
)

HISTORY_COLUMNS = ("iso3", "member", "year", "armed_forces", "core_pct", "gdp_usd_bn",
                   "core_usd_bn", "share_of_total_pct", "estimate", "source")

AGGREGATE_COLUMNS = (
    "scenario", "group", "label", "year", "n_members", *MONEY_FIELDS,
    "core_pct", "related_pct", "total_pct", "share_of_total_pct",
)


def member_columns(name: str, setup: Setup, proj: Projection,
                   baseline_pct: float) -> dict[str, Any]:
    """The projection table's columns for draw 0 of ``proj`` as NumPy arrays (``scenario`` a
    scalar; ``target_year`` float, NaN where there is none): no pandas, so a terminal summary
    need not import it."""
    n_m, n_y = len(setup.members), len(proj.years)

    def per_member(values: object) -> np.ndarray:
        return np.repeat(np.asarray(values), n_y)

    cols: dict[str, Any] = {
        "scenario": name,
        "iso3": per_member([m.iso3 for m in setup.members]),
        "member": per_member([m.name for m in setup.members]),
        "year": np.tile(proj.years, n_m),
        "projected": np.tile(proj.years > proj.years[0], n_m),
        "armed_forces": per_member([m.armed_forces for m in setup.members]),
        "baseline_pct": np.where(per_member([m.armed_forces for m in setup.members]),
                                 baseline_pct, np.nan),
        "target_core_pct": per_member(setup.target_core_pct[0]),
        "target_related_pct": per_member(setup.target_related_pct[0]),
        "target_total_pct": per_member(setup.inputs.target_total_pct[0]),
        "target_year": per_member(setup.target_year[0]),
        "deflator": np.tile(proj.deflator, n_m),
        "base_share_source": per_member(setup.base_sources),
    }
    for col in MEMBER_COLUMNS:
        if col not in cols:
            cols[col] = getattr(proj, col)[0].reshape(-1)
    return {c: cols[c] for c in MEMBER_COLUMNS}


def member_table(name: str, setup: Setup, proj: Projection, baseline_pct: float) -> pd.DataFrame:
    """The projection table for draw 0 of ``proj``."""
    return member_frame(member_columns(name, setup, proj, baseline_pct))


def member_frame(columns: dict[str, Any]) -> pd.DataFrame:
    """``member_columns`` as the projection table (``target_year`` a nullable integer)."""
    import pandas as pd

    cols = {**columns, "target_year": pd.Series(columns["target_year"]).astype("Int64")}
    # Columns beyond the standard ones (``--currency``'s) follow them, in their own order.
    extra = [c for c in columns if c not in MEMBER_COLUMNS]
    return pd.DataFrame({c: cols[c] for c in (*MEMBER_COLUMNS, *extra)})


def aggregate_columns(name: str, groups: list[Group], values: dict[str, np.ndarray],
                      years: np.ndarray, sizes: list[int]) -> dict[str, Any]:
    """The aggregates table's columns for draw 0 of the engine's aggregates (NumPy)."""
    n_g, n_y = len(groups), len(years)
    cols: dict[str, Any] = {
        "scenario": name,
        "group": np.repeat([g.key for g in groups], n_y),
        "label": np.repeat([g.label for g in groups], n_y),
        "year": np.tile(years, n_g),
        "n_members": np.repeat(sizes, n_y),
    }
    for col in AGGREGATE_COLUMNS:
        if col not in cols:
            cols[col] = values[col][0].reshape(-1)
    return {c: cols[c] for c in AGGREGATE_COLUMNS}


def aggregate_table(name: str, groups: list[Group], values: dict[str, np.ndarray],
                    years: np.ndarray, sizes: list[int]) -> pd.DataFrame:
    """One row per (group, year) for draw 0 of the engine's aggregates."""
    import pandas as pd

    return pd.DataFrame(aggregate_columns(name, groups, values, years, sizes))


def records(columns: dict[str, Any], *keys: str) -> dict[Any, dict[str, Any]]:
    """Rows of a table's ``columns`` as plain dicts (Python scalars) keyed by the ``keys``
    columns (one key: its value), without pandas."""
    arrays = {c: v for c, v in columns.items() if isinstance(v, np.ndarray)}
    n = len(next(iter(arrays.values())))
    lists = {c: (v.tolist() if isinstance(v, np.ndarray) else [v] * n)
             for c, v in columns.items()}
    out: dict[Any, dict[str, Any]] = {}
    for i in range(n):
        rec = {c: v[i] for c, v in lists.items()}
        out[rec[keys[0]] if len(keys) == 1 else tuple(rec[k] for k in keys)] = rec
    return out


def history_table(data: Dataset) -> pd.DataFrame:
    """NATO's reported shares with GDP and money, one row per (member, year) with GDP data.

    Money is share x NATO's GDP (computed by the engine), which reproduces NATO's USD series;
    ``share_of_total_pct`` is the member's share of all 32 members' spending that year.
    """
    import pandas as pd

    from spendcalc.core.engine import share_of_total, spending_usd_bn

    years = [y for y in data.share_years if y in data.gdp_years]
    cols = [data.share_years.index(y) for y in years]
    shares = data.shares_pct[:, cols]
    gdp = data.gdp_usd_bn[:, [data.gdp_years.index(y) for y in years]]
    n_y = len(years)
    return pd.DataFrame({
        "iso3": np.repeat([m.iso3 for m in data.members], n_y),
        "member": np.repeat([m.name for m in data.members], n_y),
        "year": np.tile(years, len(data.members)),
        "armed_forces": np.repeat([m.armed_forces for m in data.members], n_y),
        "core_pct": shares.reshape(-1),
        "gdp_usd_bn": gdp.reshape(-1),
        "core_usd_bn": spending_usd_bn(shares, gdp).reshape(-1),
        "share_of_total_pct": share_of_total(spending_usd_bn(shares, gdp), axis=0).reshape(-1),
        "estimate": [data.share_estimate[i][c] for i in range(len(data.members)) for c in cols],
        "source": [data.share_sources[i][c] for i in range(len(data.members)) for c in cols],
    }, columns=list(HISTORY_COLUMNS))


def simulation_table(name: str, draws: Draws | Summary) -> pd.DataFrame:
    """Percentiles per (member or group, year) of spending (USD bn) and share (% of GDP)."""
    import pandas as pd

    from spendcalc.core.simulate import PERCENTILES, Draws

    s = draws.summary() if isinstance(draws, Draws) else draws
    frames = []
    for kind, keys, names, stats in (
        ("member", [m.iso3 for m in s.setup.members], [m.name for m in s.setup.members],
         ((s.member_usd_q, s.member_usd_mean), (s.member_pct_q, s.member_pct_mean))),
        ("group", [g.key for g in s.groups], [g.label for g in s.groups],
         ((s.group_usd_q, s.group_usd_mean), (s.group_pct_q, s.group_pct_mean))),
    ):
        n_k, n_y = len(keys), len(s.years)
        cols: dict[str, object] = {
            "scenario": name, "kind": kind, "key": np.repeat(keys, n_y),
            "name": np.repeat(names, n_y), "year": np.tile(s.years, n_k),
        }
        for label, (q, mean) in zip(("total_usd_bn", "total_pct"), stats, strict=True):
            for p, row in zip(PERCENTILES, q, strict=True):
                cols[f"{label}_p{p:g}"] = row.reshape(-1)
            cols[f"{label}_mean"] = mean.reshape(-1)
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


def reach_table(name: str, draws: Draws | Summary) -> pd.DataFrame:
    """Per member: its target and the probability (0 to 1) of reaching it in its year (and,
    from a ``Summary``, with every planned change delivered)."""
    import pandas as pd

    from spendcalc.core.simulate import Summary

    s = draws.setup
    return pd.DataFrame({
        "scenario": name,
        "iso3": [m.iso3 for m in s.members],
        "member": [m.name for m in s.members],
        "base_total_pct": np.where(s.inputs.covered, s.inputs.core_knot_pct[0, :, 0]
                                   + s.inputs.related_knot_pct[0, :, 0], np.nan),
        "target_total_pct": s.inputs.target_total_pct[0],
        "target_year": pd.Series(s.target_year[0]).astype("Int64"),
        "p_reach_target": draws.reach_probability,
        **({"p_reach_target_full_compliance": draws.reach_full_compliance}
           if isinstance(draws, Summary) else {}),
    })


def sweep_table(result: SweepResult, name: str) -> pd.DataFrame:
    """One row per variant: the varied fields' values and the metric."""
    import pandas as pd

    return pd.DataFrame({"scenario": name, **result.grid, "group": result.group,
                         "year": result.year, result.metric: result.values})


def sensitivity_table(result: Sensitivity, name: str) -> pd.DataFrame:
    """One row per lever, largest swing first: the metric at its low and high."""
    import pandas as pd

    order = result.ranked()
    return pd.DataFrame({
        "scenario": name,
        "parameter": [result.levers[i].name for i in order],
        "low": [result.levers[i].low_label for i in order],
        "high": [result.levers[i].high_label for i in order],
        "group": result.group, "year": result.year, "metric": result.metric,
        "base_value": result.base,
        "value_at_low": result.low[order], "value_at_high": result.high[order],
        "swing": np.abs(result.high[order] - result.low[order]),
    })

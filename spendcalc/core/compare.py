"""Several scenarios side by side: horizon-year figures and differences from the first.

Money in USD bn at current prices; shares in percent of GDP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from spendcalc.core.result import Result

COMPARED = ("total_usd_bn", "total_pct", "cum_extra_over_baseline_usd_bn",
            "cum_increase_over_base_share_usd_bn")


def compare(results: list[Result]) -> pd.DataFrame:
    """Horizon-year figures per member and group for each scenario, with differences from
    the first scenario. One row per (kind, key, scenario)."""
    import pandas as pd

    frames = []
    for r in results:
        horizon = r.scenario.horizon
        t = r.table[r.table.year == horizon]
        members = pd.DataFrame({"kind": "member", "key": t.iso3, "name": t.member,
                                "scenario": r.scenario.name, "year": horizon,
                                **{c: t[c] for c in COMPARED}})
        a = r.aggregates[r.aggregates.year == horizon]
        groups = pd.DataFrame({"kind": "group", "key": a.group, "name": a.label,
                               "scenario": r.scenario.name, "year": horizon,
                               **{c: a[c] for c in COMPARED}})
        frames += [members, groups]
    out = pd.concat(frames, ignore_index=True)
    first = out[out.scenario == results[0].scenario.name].set_index(["kind", "key"])
    index = pd.MultiIndex.from_frame(out[["kind", "key"]])
    for c in COMPARED:
        out[f"{c}_vs_first"] = out[c].to_numpy() - first[c].reindex(index).to_numpy()
    return out

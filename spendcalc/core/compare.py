"""Several scenarios side by side: horizon-year figures and differences from the first.

Money in USD bn at current prices; shares in percent of GDP; with ``--currency``, also in
bn of the row's ``currency`` (``_lcu_bn``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from spendcalc.core.result import Result

COMPARED = ("total_usd_bn", "total_pct", "cum_extra_over_baseline_usd_bn",
            "cum_increase_over_base_share_usd_bn")

LOCAL_COMPARED = ("total_lcu_bn", "cum_extra_over_baseline_lcu_bn",
                  "cum_increase_over_base_share_lcu_bn")
"""With ``--currency``: the money columns in ``currency`` (bn, current prices); groups have
them for a common currency only (NaN for ``local``)."""


def compare(results: list[Result]) -> pd.DataFrame:
    """Horizon-year figures per member and group for each scenario, with differences from
    the first scenario. One row per (kind, key, scenario)."""
    import pandas as pd

    local = "currency" in results[0].table
    compared = (*COMPARED, *(LOCAL_COMPARED if local else ()))
    extra = ("currency",) if local else ()

    def cols(frame: pd.DataFrame) -> dict[str, object]:
        # Groups under 'local' have no common currency: empty cells.
        return {c: frame[c] if c in frame else (None if c == "currency" else float("nan"))
                for c in (*extra, *compared)}

    frames = []
    for r in results:
        horizon = r.scenario.horizon
        t = r.table[r.table.year == horizon]
        members = pd.DataFrame({"kind": "member", "key": t.iso3, "name": t.member,
                                "scenario": r.scenario.name, "year": horizon, **cols(t)})
        a = r.aggregates[r.aggregates.year == horizon]
        groups = pd.DataFrame({"kind": "group", "key": a.group, "name": a.label,
                               "scenario": r.scenario.name, "year": horizon, **cols(a)})
        frames += [members, groups]
    out = pd.concat(frames, ignore_index=True)
    first = out[out.scenario == results[0].scenario.name].set_index(["kind", "key"])
    index = pd.MultiIndex.from_frame(out[["kind", "key"]])
    for c in compared:
        out[f"{c}_vs_first"] = out[c].to_numpy() - first[c].reindex(index).to_numpy()
    return out

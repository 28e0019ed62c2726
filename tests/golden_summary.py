"""The golden summary of a ready scenario, and the command that rewrites the checked-in files.

    python tests/golden_summary.py        # rewrite tests/golden/<edition>/*.csv after a
                                          # deliberate change, for every bundled edition

Review the diff before committing: every changed number must be explained by the change.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

GOLDEN = Path(__file__).parent / "golden"
MEMBER_COLUMNS = ["core_pct", "total_pct", "gdp_usd_bn", "total_usd_bn",
                  "extra_over_baseline_usd_bn", "cum_extra_over_baseline_usd_bn",
                  "cum_increase_over_base_share_usd_bn", "share_of_total_pct"]
GROUP_COLUMNS = ["total_pct", "total_usd_bn", "cum_extra_over_baseline_usd_bn"]


EDITIONS = ("nato-2025", "nato-2026")
"""The editions with golden files: nato-2025's are the files from before editions existed."""


def summary(name: str, edition: str = "nato-2026") -> pd.DataFrame:
    """Horizon-year figures per member, and base/horizon figures per group, as one table."""
    import spendcalc

    data = spendcalc.load_dataset(edition=edition)
    result = spendcalc.compute(spendcalc.load_scenario(name, data), data)
    horizon, base = result.scenario.horizon, result.scenario.base_year
    t = result.table[result.table.year == horizon]
    members = t[["iso3", "year", *MEMBER_COLUMNS]].rename(columns={"iso3": "key"})
    a = result.aggregates[result.aggregates.year.isin([base, horizon])]
    groups = a[["group", "year", *GROUP_COLUMNS]].rename(columns={"group": "key"})
    return pd.concat([members, groups], ignore_index=True)


if __name__ == "__main__":
    from spendcalc.io.scenarios import ready_scenarios

    for edition in EDITIONS:
        folder = GOLDEN / edition
        folder.mkdir(parents=True, exist_ok=True)
        for ready in ready_scenarios():
            summary(ready.name, edition).to_csv(folder / f"{ready.name}.csv", index=False,
                                                float_format="%.6f", lineterminator="\n")
            print(f"wrote {folder / ready.name}.csv")

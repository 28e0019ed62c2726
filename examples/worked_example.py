"""A worked example of the Python API: load, change in code, project, compare, plot, export.

Run it as a script (``python examples/worked_example.py [FOLDER]``) or paste it cell by cell
into a Jupyter notebook. It writes four files (two charts, a CSV and its provenance sidecar)
into FOLDER, by default ``worked-example-output/``, which it creates; nothing else.
"""

import sys
from pathlib import Path

import spendcalc
from spendcalc.io.outputs import write_result
from spendcalc.views import charts as plots

# 0. Where the files go: the script's argument, else worked-example-output/ (in a notebook,
#    set OUT to the folder you want).
args = sys.argv[1:] if Path(sys.argv[0]).name == "worked_example.py" else []
OUT = Path(args[0] if args else "worked-example-output")
OUT.mkdir(parents=True, exist_ok=True)

# 1. Load a ready scenario: a validated, immutable Scenario.
hague = spendcalc.load_scenario("hague-2035")
print(hague.description)

# 2. Change it in code: the same target by 2030, and no exemption for Spain. ``override``
#    validates every change exactly as ``--set`` does on the command line.
faster = spendcalc.override(hague, {
    "name": "hague-2030-no-exemption",
    "description": "The Hague target by 2030, Spain not exempt",
    "target.year": 2030,
    "exemptions.ESP": None,
})

# 3. Project both: one tidy table per scenario (one row per member and year).
base = spendcalc.compute(hague)
alt = spendcalc.compute(faster)
table = alt.table
germany = table[(table.iso3 == "DEU") & (table.year == 2030)].iloc[0]
print(f"Germany 2030: {germany.core_pct:.2f}% of GDP on core defence, "
      f"USD {germany.total_usd_bn:,.1f} bn in all")


def nato(result, column="cum_extra_over_baseline_usd_bn"):
    """The NATO total of a column in the horizon year (the engine's own aggregate)."""
    a = result.aggregates
    return a[(a.group == "nato") & (a.year == result.scenario.horizon)][column].item()


print(f"Cumulative spending above 2% of GDP to 2035, USD bn: {nato(base):,.0f} "
      f"({hague.name}) vs {nato(alt):,.0f} ({faster.name})")

# 4. Plot: every chart function returns a matplotlib Figure (shown inline in Jupyter).
figure = plots.gap(alt)
figure.savefig(OUT / "gap-2030.png", dpi=100)
figure = plots.compare(base, alt)
figure.savefig(OUT / "compare.png", dpi=100)
print(f"wrote {OUT / 'gap-2030.png'}, {OUT / 'compare.png'}")

# 5. Export the full table with its provenance (scenario, data vintage, version).
for path in write_result(alt, OUT / "hague-2030.csv", force=True):
    print(f"wrote {path}")

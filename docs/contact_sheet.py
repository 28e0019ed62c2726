"""Render every chart kind at the default size and at ``--size slide`` into OUT_DIR.

    python docs/contact_sheet.py OUT_DIR

Open the PNGs side by side (an image viewer, or ``OUT_DIR/index.html`` in a browser) and
look at each before a release: labels that collide, markers that hide bars, legends over
data. The sheet is not committed; it is regenerated from the code and the bundled data.
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import replace
from pathlib import Path


def main(out_dir: Path) -> list[Path]:
    import spendcalc
    from spendcalc.core import simulate, tables, whatif
    from spendcalc.evidence.tradeoff import tradeoff
    from spendcalc.views import charts as plots

    out_dir.mkdir(parents=True, exist_ok=True)
    hague = spendcalc.compute(spendcalc.load_scenario("hague-2035"))
    other = spendcalc.compute(spendcalc.load_scenario("status-quo"))
    scenario, data = hague.scenario, hague.data
    sim = tables.simulation_table(scenario.name, simulate.run_draws(scenario, data, 500, 1))
    sweep = whatif.sweep(scenario, data, [whatif.parse_vary("target.year=2030:2040")])
    sweep2 = whatif.sweep(scenario, data, [whatif.parse_vary("target.year=2030:2035"),
                                           whatif.parse_vary("growth.real_offset=-1:1:0.5")])
    sens = whatif.sensitivity(scenario, data)
    written: list[Path] = []
    for size_name in ("default", "slide"):
        size = plots.preset_size("slide") if size_name == "slide" else None
        w, h = size if size else (None, None)
        opts = plots.Options(width=w, height=h)
        charts = {kind: plots.render(kind, [plots.as_run(hague)], opts).figure
                  for kind in ("gap", "paths", "heatmap", "stack", "burden")}
        charts["gap-pct"] = plots.render("gap", [plots.as_run(hague)],
                                         replace(opts, unit="pct")).figure
        charts["compare"] = plots.render("compare", [plots.as_run(hague), plots.as_run(other)],
                                         opts).figure
        charts["compare-diff"] = plots.render(
            "compare", [plots.as_run(hague), plots.as_run(other)],
            replace(opts, diff=True, unit="pct")).figure
        charts["paths-grid"] = plots.render("paths", [plots.as_run(hague)],
                                            replace(opts, grid=True)).figure
        charts["gap-dark"] = plots.render("gap", [plots.as_run(hague)],
                                          replace(opts, style="dark")).figure
        charts["fan"] = plots.fan_figure(sim, "nato", scenario, data, size=size)
        charts["fan-deu"] = plots.fan_figure(sim, "DEU", scenario, data, size=size)
        charts["tradeoff"] = plots.tradeoff_figure(
            hague, tradeoff_data=tradeoff(hague, "DEU", None, None), size=size)
        charts["tradeoff-nato"] = plots.tradeoff_figure(
            hague, tradeoff_data=tradeoff(hague, None, "nato", None), size=size)
        charts["revisions"] = plots.revisions_figure(
            spendcalc.load_dataset(edition="nato-2025"), data, size=size)
        charts["sweep"] = plots.sweep_figure(sweep, scenario, data, size=size)
        charts["sweep2"] = plots.sweep_figure(sweep2, scenario, data, size=size)
        charts["tornado"] = plots.tornado_figure(sens, scenario, data, size=size)
        for name, fig in charts.items():
            path = out_dir / f"{name}-{size_name}.png"
            path.write_bytes(plots.to_bytes(fig, "png", dpi=100))
            written.append(path)
    cells = "".join(f'<figure><img src="{p.name}" width="480"><figcaption>{p.name}'
                    "</figcaption></figure>" for p in written)
    (out_dir / "index.html").write_text(f"<!doctype html><body style='display:flex;"
                                        f"flex-wrap:wrap'>{cells}</body>", encoding="utf-8")
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python docs/contact_sheet.py OUT_DIR")
    warnings.simplefilter("always")
    for p in main(Path(sys.argv[1])):
        print(p)

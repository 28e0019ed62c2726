"""The Python API: load a scenario, project it, get tidy tables back.

    >>> import spendcalc
    >>> table = spendcalc.project(spendcalc.load_scenario("hague-2035"))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from spendcalc.core import engine, inputs, tables
from spendcalc.core.models import Scenario
from spendcalc.core.version import __version__
from spendcalc.io.data import Dataset, load_dataset
from spendcalc.io.scenarios import DEFAULT_SCENARIO
from spendcalc.io.scenarios import load_scenario as _load_scenario

if TYPE_CHECKING:
    import pandas as pd

@dataclass(frozen=True)
class Result:
    """A projected scenario: the member table, the group aggregates and their provenance."""

    scenario: Scenario
    table: pd.DataFrame
    """One row per (scenario, member, year); see the README for every column."""
    aggregates: pd.DataFrame
    """One row per (scenario, group, year)."""
    meta: dict[str, Any]
    """spendcalc version, scenario, data vintage and sources."""


def load_scenario(name_or_path: str | Path = DEFAULT_SCENARIO,
                  data: Dataset | None = None) -> Scenario:
    """A validated Scenario from a ready scenario's name or a TOML file's path."""
    return _load_scenario(name_or_path, data)


def compute(scenario: Scenario, data: Dataset | None = None) -> Result:
    """Run the engine for ``scenario`` and lay out its tables."""
    data = data or load_dataset()
    setup = inputs.build(scenario, data)
    proj = engine.project(setup.inputs).truncate(setup.n_report_years)
    codes = [m.iso3 for m in setup.members]
    groups = [g for g in data.groups.values() if set(g.members) & set(codes)]
    masks = np.array([[c in g.members for c in codes] for g in groups], dtype=bool)
    values = engine.aggregate(proj, masks, setup.inputs.covered)
    return Result(
        scenario=scenario,
        table=tables.member_table(scenario.name, setup, proj, scenario.baseline_pct),
        aggregates=tables.aggregate_table(scenario.name, groups, values, proj.years,
                                          [int(row.sum()) for row in masks]),
        meta=metadata(scenario, data, setup.base_sources),
    )


def project(scenario: Scenario, data: Dataset | None = None) -> pd.DataFrame:
    """The projection table: one row per (scenario, member, year)."""
    return compute(scenario, data).table


def history(data: Dataset | None = None) -> pd.DataFrame:
    """NATO's reported shares, GDP and spending per (member, year) before the base year."""
    return tables.history_table(data or load_dataset())


def metadata(scenario: Scenario, data: Dataset, base_sources: tuple[str, ...]) -> dict[str, Any]:
    """What made a result: enough to trace every number back to data and assumptions, and
    to re-run it (``spendcalc run --from-meta``). The fields are documented in
    ``spendcalc.io.export_schema.Meta`` and docs/exports.md."""
    from spendcalc.io import provenance

    used = sorted({*base_sources, "NATO-DE-2024", "IMF-WEO-2025-10-derived"} - {""})
    toml_text = provenance.scenario_toml(scenario)
    return {
        "spendcalc_version": __version__,
        "created": provenance.created_now(),
        "scenario": scenario.name,
        "scenario_description": scenario.description,
        "scenario_settings": scenario.model_dump(mode="json"),
        "scenario_toml": toml_text,
        "data_vintage": data.vintage,
        "data_files": provenance.data_files(data),
        "inputs_sha256": provenance.inputs_sha256(toml_text, data),
        "sources": {s: data.sources[s].title for s in used if s in data.sources},
        "units": "shares in percent of GDP; money in billions of current US dollars "
                 "(_const: constant base-year US dollars, deflated by US CPI)",
    }

"""A projected scenario and how it is computed: ``compute(scenario, data) -> Result``.

A Result carries everything it was computed with (the scenario and the dataset) next to its
tables and metadata, so every view reads one object and never reloads data on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from spendcalc.core import engine, inputs, tables
from spendcalc.core.dataset import Dataset
from spendcalc.core.meta import metadata
from spendcalc.core.models import Scenario

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Result:
    """A projected scenario: its inputs, the member table, the group aggregates, provenance."""

    scenario: Scenario
    """The validated scenario, as run."""
    data: Dataset
    """The data it was computed with: views take groups, members and sources from here."""
    table: pd.DataFrame
    """One row per (scenario, member, year); see the README for every column."""
    aggregates: pd.DataFrame
    """One row per (scenario, group, year)."""
    meta: dict[str, Any]
    """spendcalc version, scenario, data vintage and sources (``spendcalc.core.meta``)."""


def compute(scenario: Scenario, data: Dataset) -> Result:
    """Run the engine for ``scenario`` on ``data`` and lay out its tables."""
    setup = inputs.build(scenario, data)
    proj = engine.project(setup.inputs).truncate(setup.n_report_years)
    codes = [m.iso3 for m in setup.members]
    groups = [g for g in data.groups.values() if set(g.members) & set(codes)]
    masks = np.array([[c in g.members for c in codes] for g in groups], dtype=bool)
    values = engine.aggregate(proj, masks, setup.inputs.covered)
    return Result(
        scenario=scenario,
        data=data,
        table=tables.member_table(scenario.name, setup, proj, scenario.baseline_pct),
        aggregates=tables.aggregate_table(scenario.name, groups, values, proj.years,
                                          [int(row.sum()) for row in masks]),
        meta=metadata(scenario, data, setup.base_sources),
    )

"""A projected scenario and how it is computed: ``compute(scenario, data) -> Result``.

A Result carries everything it was computed with (the scenario and the dataset) next to its
tables and metadata, so every view reads one object and never reloads data on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from spendcalc.core import currency, engine, fiscal_year, inputs, tables
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
    meta: dict[str, Any]
    """spendcalc version, scenario, data vintage and sources (``spendcalc.core.meta``)."""
    columns: dict[str, Any]
    """The member table's columns as NumPy arrays (``tables.member_columns``)."""
    aggregate_columns: dict[str, Any]
    """The aggregates' columns as NumPy arrays (``tables.aggregate_columns``)."""

    # The tables are laid out on first use: a terminal summary reads the columns and never
    # pays for importing pandas (a third of `spendcalc run`).
    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per (scenario, member, year); see the README for every column."""
        return tables.member_frame(self.columns)

    @cached_property
    def aggregates(self) -> pd.DataFrame:
        """One row per (scenario, group, year)."""
        import pandas as pd

        return pd.DataFrame(self.aggregate_columns)

    def in_currency(self, choice: str) -> Result:
        """This result with money also in ``choice`` (``local``, ``USD`` or an ISO 4217 code;
        see ``spendcalc.core.currency``): ``currency``, ``usd_rate`` and ``_lcu_bn`` columns
        next to the unchanged USD ones, and the rates in ``meta["currency"]``. ``USD`` returns
        the result unchanged."""
        choice = currency.check_choice(self.data, choice)
        if choice == currency.USD:
            return self
        iso3s = tuple(dict.fromkeys(str(c) for c in self.columns["iso3"]))
        years = np.unique(np.asarray(self.columns["year"], dtype=np.int64))
        fixed = dict(self.scenario.currency or {})
        conv = currency.conversion(self.data, iso3s, years, choice, fixed)
        entry = currency.meta_entry(conv, iso3s, self.data.rates_sha256, fixed)
        return replace(
            self, meta={**self.meta, "currency": entry},
            columns=currency.convert_columns(self.columns, conv),
            aggregate_columns=currency.convert_aggregates(self.aggregate_columns, conv))

    def by_fiscal_year(self) -> Result:
        """This result with Canada, the UK and the US by fiscal year (``2035-36`` in the row
        of 2035; see ``spendcalc.core.fiscal_year``), an approximation by apportioning
        calendar years. The scenario is computed one year past its horizon so that the
        horizon's fiscal year is whole; that year is then dropped. Money stays in the
        result's currency (``in_currency`` first); groups stay in calendar years."""
        longer = self.scenario.model_copy(update={"horizon": self.scenario.horizon + 1})
        again = compute(longer, self.data)
        chosen = (self.meta.get("currency") or {}).get("currency")
        if chosen:
            again = again.in_currency(str(chosen))
        keep = np.asarray(again.columns["year"]) <= self.scenario.horizon
        columns = {k: v[keep] if np.ndim(v) else v  # ``scenario`` is one string
                   for k, v in fiscal_year.fiscal_columns(again.columns).items()}
        entry = {"model": fiscal_year.MODEL, "start_month": dict(fiscal_year.START_MONTH)}
        return replace(self, columns=columns, meta={**self.meta, "fiscal_year": entry})


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
        meta=metadata(scenario, data, setup.base_sources),
        columns=tables.member_columns(scenario.name, setup, proj, scenario.baseline_pct),
        aggregate_columns=tables.aggregate_columns(scenario.name, groups, values, proj.years,
                                                   [int(row.sum()) for row in masks]),
    )

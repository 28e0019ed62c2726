"""The shape of every export, as Pydantic models: the documented, stable JSON schemas.

``spendcalc run -o FILE.json`` writes ``{"meta": Meta, "table": [TableRow], "aggregates":
[AggregateRow]}``; the CSV's ``FILE.meta.json`` sidecar is a ``Meta``. Every other command
that writes files has its own export model and meta model (``KINDS``): ``compare``, ``sweep``,
``sensitivity``, ``simulate``, ``tradeoff``, ``moneyflow``, ``claims``. For each kind the
committed ``schemas/KIND.schema.json`` (the JSON export) and ``schemas/KIND.meta.schema.json``
(the metadata: the CSV sidecar, the JSON's ``meta``, the xlsx ``Meta`` sheet, the Parquet
key) are generated from these models; regenerate them after a deliberate change with::

    python -m spendcalc.io.export_schema            # write schemas/*.schema.json
    python -m spendcalc.io.export_schema --check    # exit 1 if a committed file is stale

Field descriptions are the attribute docstrings below, so each field is documented once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "projection.schema.json"
"""Where the schema lives in a source checkout (the top-level ``schemas/`` folder)."""

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Timestamp = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
Iso3Code = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
CsvDialect = Literal["standard", "excel", "excel-eu"]
Scalar = float | int | str | bool | None
"""One cell of a table: a number, text, a boolean, or null where there is no value."""
Record = dict[str, Scalar]
"""One row of a table, column name to cell (the columns are listed in docs/ and the CSV)."""


class _Shape(BaseModel):
    """Closed objects: a column added to the tables without a schema update fails the tests."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class DataFile(_Shape):
    """One data file the projection read."""

    name: str
    """The file's name in the data folder, e.g. ``gdp.csv``."""
    origin: Literal["bundled", "user"]
    """``bundled``: spendcalc's own copy; ``user``: the copy in the folder given with
    ``--data``."""
    sha256: Sha256
    """SHA-256 of the file's bytes, lower-case hex."""


class Meta(_Shape):
    """What made an export: enough to trace every number to data and assumptions, and to
    re-run it (``spendcalc run --from-meta``)."""

    spendcalc_version: str
    """The spendcalc version that wrote the file."""
    created: Timestamp
    """When the result was computed, UTC, ISO 8601 to the second (``SOURCE_DATE_EPOCH``,
    when set, replaces the clock). The only field that differs between two runs of the same
    inputs."""
    scenario: str
    """The scenario's name."""
    scenario_description: str
    """The scenario's description (a run changed by ``--set`` says so here)."""
    scenario_settings: dict[str, Any]
    """The resolved scenario as a JSON object (every field, defaults included)."""
    scenario_toml: str
    """The resolved scenario as TOML text (``extends`` and ``--set`` applied): a scenario
    file that reproduces the run by itself."""
    data_vintage: str
    """The editions behind the base data, in one line."""
    data_files: list[DataFile]
    """The data files the projection read, in name order, with their hashes."""
    inputs_sha256: Sha256
    """SHA-256 over the data files (in name order) and the resolved scenario TOML; equal
    hashes mean equal inputs. See docs/exports.md for the exact byte layout."""
    sources: dict[str, str]
    """The sources behind the figures used: source id to title (``data/sources.csv``)."""
    units: str
    """The units of the tables' columns."""
    csv_dialect: CsvDialect | None = None
    """CSV sidecars only: how the CSV is spelled (``--csv-dialect``), so ``--from-meta``
    re-renders the same bytes."""
    currency: dict[str, Any] | None = None
    """``--currency`` runs only: ``currency`` (``local`` or an ISO 4217 code), ``model`` (the
    exchange-rate model in one line), ``years``, ``member_currency`` (iso3 to code),
    ``rates_per_usd`` (iso3 to one rate a year, units of its currency per USD), ``rates_file``
    (name and SHA-256 of national_currency.csv) and ``fixed_rates`` (the scenario's)."""
    fiscal_year: dict[str, Any] | None = None
    """``--fiscal-year`` runs only: ``model`` (the apportioning, in one line) and
    ``start_month`` (iso3 to the first month of its fiscal year)."""


Num = float
"""A number; never NaN or infinite in an export."""
OptNum = float | None
"""A number, or null where it does not apply (Iceland's spending, a run without target)."""


class _MemberFields(_Shape):
    """The projection table's own columns, in order."""

    scenario: str
    """The scenario's name."""
    iso3: Iso3Code
    """The member's ISO 3166-1 alpha-3 code."""
    member: str
    """The member's name."""
    year: int
    """The calendar year."""
    projected: bool
    """False in the base year (data), true after."""
    armed_forces: bool
    """False for Iceland: its spending columns are null."""
    gdp_usd_bn: Num
    """GDP, USD bn at current prices."""
    core_pct: OptNum
    """Core defence spending (NATO definition), % of GDP."""
    related_pct: OptNum
    """Defence- and security-related spending, % of GDP."""
    total_pct: OptNum
    """core_pct + related_pct, % of GDP."""
    core_usd_bn: OptNum
    """core_pct / 100 × gdp_usd_bn, USD bn."""
    related_usd_bn: OptNum
    """related_pct / 100 × gdp_usd_bn, USD bn."""
    total_usd_bn: OptNum
    """core_usd_bn + related_usd_bn, USD bn."""
    baseline_pct: OptNum
    """The old guideline the gaps are measured against, % of GDP (2 unless the scenario
    says otherwise)."""
    baseline_usd_bn: OptNum
    """baseline_pct / 100 × gdp_usd_bn, USD bn."""
    target_core_pct: OptNum
    """The member's final core target, % of GDP (exemption applied); null without one."""
    target_related_pct: OptNum
    """The member's final related target, % of GDP; null without one."""
    target_total_pct: OptNum
    """target_core_pct + target_related_pct; null without a target."""
    target_year: int | None
    """The year the target is reached; null without one."""
    extra_over_baseline_usd_bn: OptNum
    """total_usd_bn − baseline_usd_bn (negative below the baseline)."""
    cum_extra_over_baseline_usd_bn: OptNum
    """Running sum of extra_over_baseline_usd_bn over projection years (0 in the base
    year)."""
    increase_over_base_share_usd_bn: OptNum
    """total_usd_bn − base-year total share × this year's GDP, USD bn."""
    cum_increase_over_base_share_usd_bn: OptNum
    """Running sum of increase_over_base_share_usd_bn over projection years."""
    shortfall_to_target_usd_bn: OptNum
    """max(0, target_total_pct − total_pct) / 100 × gdp_usd_bn, USD bn."""
    share_of_total_pct: OptNum
    """The member's share of the summed spending of all members in the run, %."""
    deflator: Num
    """US price level relative to the base year."""
    gdp_usd_bn_const: Num
    """GDP, USD bn at constant base-year prices."""
    core_usd_bn_const: OptNum
    """core_usd_bn at constant base-year prices."""
    related_usd_bn_const: OptNum
    """related_usd_bn at constant base-year prices."""
    total_usd_bn_const: OptNum
    """total_usd_bn at constant base-year prices."""
    baseline_usd_bn_const: OptNum
    """baseline_usd_bn at constant base-year prices."""
    extra_over_baseline_usd_bn_const: OptNum
    """extra_over_baseline_usd_bn at constant base-year prices."""
    base_share_source: str
    """The source id of the member's base-year share (see meta.sources)."""


class _GroupFields(_Shape):
    """The aggregates' own columns, in order."""

    scenario: str
    """The scenario's name."""
    group: str
    """The group's key (``data/groups.toml``), e.g. ``nato``, ``european-allies``."""
    label: str
    """The group's name."""
    year: int
    """The calendar year."""
    n_members: int
    """How many of the group's members are in the run."""
    gdp_usd_bn: Num
    """GDP of the group's members with armed forces, USD bn."""
    core_usd_bn: Num
    """Core defence spending, USD bn."""
    related_usd_bn: Num
    """Defence-related spending, USD bn."""
    total_usd_bn: Num
    """Total spending, USD bn."""
    baseline_usd_bn: Num
    """The old guideline in money, USD bn."""
    extra_over_baseline_usd_bn: Num
    """total_usd_bn − baseline_usd_bn."""
    cum_extra_over_baseline_usd_bn: Num
    """Running sum of extra_over_baseline_usd_bn over projection years."""
    increase_over_base_share_usd_bn: Num
    """Sum of the members' increase over their base-year shares."""
    cum_increase_over_base_share_usd_bn: Num
    """Its running sum over projection years."""
    shortfall_to_target_usd_bn: OptNum
    """Sum of the members' shortfalls to target; null without a target."""
    gdp_usd_bn_const: Num
    """gdp_usd_bn at constant base-year prices."""
    core_usd_bn_const: Num
    """core_usd_bn at constant base-year prices."""
    related_usd_bn_const: Num
    """related_usd_bn at constant base-year prices."""
    total_usd_bn_const: Num
    """total_usd_bn at constant base-year prices."""
    baseline_usd_bn_const: Num
    """baseline_usd_bn at constant base-year prices."""
    extra_over_baseline_usd_bn_const: Num
    """extra_over_baseline_usd_bn at constant base-year prices."""
    core_pct: OptNum
    """The group's core spending over its GDP, %."""
    related_pct: OptNum
    """The group's related spending over its GDP, %."""
    total_pct: OptNum
    """The group's total spending over its GDP, %."""
    share_of_total_pct: OptNum
    """The group's share of the summed spending of all members in the run, %."""


class _LocalMoney(_Shape):
    """``--currency`` only: the money columns again in another currency, and the rate.
    Declared once for member and group rows; they come after the USD columns."""

    currency: str | None = None
    """The ISO 4217 code of the ``_lcu_bn`` columns; null where a member has no rate
    (Iceland). Groups: a common currency only (``--currency local`` leaves them in USD)."""
    usd_rate: OptNum = None
    """``--currency`` only: units of ``currency`` per USD in this year (NATO's rate, then
    moved by the inflation gap; see README)."""
    gdp_lcu_bn: OptNum = None
    """``--currency``: gdp_usd_bn x usd_rate, bn of ``currency``."""
    core_lcu_bn: OptNum = None
    """``--currency``: core_usd_bn x usd_rate, bn of ``currency``."""
    related_lcu_bn: OptNum = None
    """``--currency``: related_usd_bn x usd_rate, bn of ``currency``."""
    total_lcu_bn: OptNum = None
    """``--currency``: total_usd_bn x usd_rate, bn of ``currency``."""
    baseline_lcu_bn: OptNum = None
    """``--currency``: baseline_usd_bn x usd_rate, bn of ``currency``."""
    extra_over_baseline_lcu_bn: OptNum = None
    """``--currency``: extra_over_baseline_usd_bn x usd_rate, bn of ``currency``."""
    cum_extra_over_baseline_lcu_bn: OptNum = None
    """``--currency``: running sum of extra_over_baseline_lcu_bn (each year at its rate)."""
    increase_over_base_share_lcu_bn: OptNum = None
    """``--currency``: increase_over_base_share_usd_bn x usd_rate, bn of ``currency``."""
    cum_increase_over_base_share_lcu_bn: OptNum = None
    """``--currency``: running sum of increase_over_base_share_lcu_bn (each year at its rate)."""
    shortfall_to_target_lcu_bn: OptNum = None
    """``--currency``: shortfall_to_target_usd_bn x usd_rate, bn of ``currency``."""
    gdp_lcu_bn_const: OptNum = None
    """``--currency`` only: gdp_lcu_bn at constant base-year prices (own CPI)."""
    core_lcu_bn_const: OptNum = None
    """``--currency`` only: core_lcu_bn at constant base-year prices (own CPI)."""
    related_lcu_bn_const: OptNum = None
    """``--currency`` only: related_lcu_bn at constant base-year prices (own CPI)."""
    total_lcu_bn_const: OptNum = None
    """``--currency`` only: total_lcu_bn at constant base-year prices (own CPI)."""
    baseline_lcu_bn_const: OptNum = None
    """``--currency`` only: baseline_lcu_bn at constant base-year prices (own CPI)."""
    extra_over_baseline_lcu_bn_const: OptNum = None
    """``--currency`` only: extra_over_baseline_lcu_bn at constant base-year prices (own CPI)."""


class _FiscalYear(_Shape):
    """``--fiscal-year`` only (member rows): which fiscal year a row's money covers."""

    fiscal_year: str | None = None
    """``2035-36`` where the row's money is the fiscal year starting in its year (Canada and
    the UK from April, the US from October; apportioned from calendar years), else ``2035``."""
    fiscal_start_month: int | None = None
    """The fiscal year's first month (1: the calendar year)."""


class TableRow(_FiscalYear, _LocalMoney, _MemberFields):
    """One row of the projection table: one (scenario, member, year)."""


class AggregateRow(_LocalMoney, _GroupFields):
    """One row of the aggregates: one (scenario, group, year); money columns are sums over
    the group's members in the run."""


class ProjectionExport(_Shape):
    """A spendcalc projection export (``spendcalc run -o FILE.json``)."""

    model_config = ConfigDict(title="spendcalc projection export")

    meta: Meta
    """What made the export."""
    table: list[TableRow]
    """The projection table, one row per (scenario, member, year), members in data order,
    years ascending."""
    aggregates: list[AggregateRow]
    """The group aggregates, one row per (scenario, group, year)."""


class SimulateMeta(Meta):
    """``spendcalc simulate``'s metadata: a run's, and the draws and seed."""

    draws: int
    """How many random draws."""
    seed: int
    """The random seed: the same seed gives the same output."""


class CompareMeta(_Shape):
    """``spendcalc compare``'s metadata: a run's, with one entry per scenario compared
    where scenarios differ."""

    spendcalc_version: str
    """The spendcalc version that wrote the file."""
    created: Timestamp
    """When the first result was computed, UTC."""
    scenario: list[str]
    """The scenarios' names, in the order given."""
    scenario_description: str
    """The first scenario's description."""
    scenario_settings: list[dict[str, Any]]
    """Each resolved scenario as a JSON object."""
    scenario_toml: list[str]
    """Each resolved scenario as TOML text."""
    data_vintage: str
    """The editions behind the base data, in one line."""
    data_files: list[DataFile]
    """The data files read, in name order, with their hashes."""
    inputs_sha256: list[Sha256]
    """Each scenario's inputs hash (see the projection meta)."""
    sources: dict[str, str]
    """Source id to title."""
    units: str
    """The units of the table's columns."""
    csv_dialect: CsvDialect | None = None
    """CSV sidecars only: how the CSV is spelled (``--csv-dialect``)."""
    currency: dict[str, Any] | None = None
    """``--currency`` only: the first scenario's currency and rates (see the projection
    meta's ``currency``)."""


class _ViewFields(_Shape):
    view: str
    """Which view wrote the file: ``tradeoff``, or ``moneyflow (MEASURE)``."""
    year: int
    """The year shown; sums run from the year after the base year to it."""
    financing: dict[str, Any]
    """The scenario's [financing] settings (borrowed share, interest rate, cut line)."""
    equipment: dict[str, Any]
    """The scenario's [equipment] settings (equipment, imported and US shares)."""
    notes: list[str]
    """What the figures leave out or assume, in sentences."""
    view_sources: list[str]
    """The sources behind the view's figures, in sentences."""
    units: str
    """The units of the columns."""
    csv_dialect: CsvDialect | None = None
    """CSV sidecars only: how the CSV is spelled (``--csv-dialect``)."""


class TradeoffMeta(Meta, _ViewFields):
    """``spendcalc tradeoff``'s metadata: a run's, and the view's settings and notes."""


class MoneyflowMeta(_ViewFields):
    """``spendcalc moneyflow``'s metadata: the view's settings and notes."""


class ClaimsMeta(_Shape):
    """``spendcalc claims``'s metadata."""

    spendcalc_version: str
    """The spendcalc version that wrote the file."""
    claims_file: str
    """The claims checked (``seeds/claims.toml``)."""
    data_vintage: str
    """The editions behind the base data, in one line."""
    vintages: dict[str, str]
    """Each data vintage or source a claim is checked against: key to title."""
    verdicts: str
    """The verdicts a check can give."""
    csv_dialect: CsvDialect | None = None
    """CSV sidecars only: how the CSV is spelled (``--csv-dialect``)."""


class CompareExport(_Shape):
    """``spendcalc compare -o FILE.json``."""

    model_config = ConfigDict(title="spendcalc compare export")
    meta: CompareMeta
    comparison: list[Record]
    """One row per (kind, key, scenario): horizon-year figures and differences to the first."""


class SweepExport(_Shape):
    """``spendcalc sweep -o FILE.json``."""

    model_config = ConfigDict(title="spendcalc sweep export")
    meta: Meta
    sweep: list[Record]
    """One row per variant: the varied fields, the group, the year and the metric."""


class SensitivityExport(_Shape):
    """``spendcalc sensitivity -o FILE.json``."""

    model_config = ConfigDict(title="spendcalc sensitivity export")
    meta: Meta
    sensitivity: list[Record]
    """One row per parameter: its low and high value, the metric at each, the swing."""


class SimulateExport(_Shape):
    """``spendcalc simulate -o FILE.json``."""

    model_config = ConfigDict(title="spendcalc simulate export")
    meta: SimulateMeta
    percentiles: list[Record]
    """One row per (member or group, year): percentiles and mean over the draws."""
    reach: list[Record]
    """One row per member: the chance (0-1) of reaching the target."""


class TradeoffExport(_Shape):
    """``spendcalc tradeoff -o FILE.json``."""

    model_config = ConfigDict(title="spendcalc tradeoff export")
    meta: TradeoffMeta
    summary: list[Record]
    """One row per member for the chosen year."""
    total: Record | None
    """The group's totals; null for one member."""
    yearly: list[Record]
    """One row per (member, year)."""


class MoneyflowExport(_Shape):
    """``spendcalc moneyflow -o FILE.json``."""

    model_config = ConfigDict(title="spendcalc moneyflow export")
    meta: MoneyflowMeta
    members: list[Record]
    """One row per member."""
    total: Record
    """The totals over the members."""


class ClaimsExport(_Shape):
    """``spendcalc claims -o FILE.json``."""

    model_config = ConfigDict(title="spendcalc claims export")
    meta: ClaimsMeta
    claims: list[dict[str, Any]]
    """One object per claim: what is claimed, the check, the outcome per vintage."""


KINDS: dict[str, tuple[type[BaseModel], type[BaseModel]]] = {
    "projection": (ProjectionExport, Meta),
    "compare": (CompareExport, CompareMeta),
    "sweep": (SweepExport, Meta),
    "sensitivity": (SensitivityExport, Meta),
    "simulate": (SimulateExport, SimulateMeta),
    "tradeoff": (TradeoffExport, TradeoffMeta),
    "moneyflow": (MoneyflowExport, MoneyflowMeta),
    "claims": (ClaimsExport, ClaimsMeta),
}
"""Each kind of export (``projection`` is ``spendcalc run``'s): its JSON export's model and
its metadata's model."""


def _schema_of(model: type[BaseModel]) -> dict[str, Any]:
    return {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema()}


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a projection export, generated from the models."""
    return _schema_of(ProjectionExport)


def schema_text() -> str:
    """The schema as the committed file holds it (two-space indent, final newline)."""
    return _text(schema())


def _text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def schema_files() -> dict[str, str]:
    """Every committed schema file's name (in ``schemas/``) and its text."""
    files = {}
    for kind, (export, meta) in KINDS.items():
        files[f"{kind}.schema.json"] = _text(_schema_of(export))
        files[f"{kind}.meta.schema.json"] = _text(_schema_of(meta))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m spendcalc.io.export_schema",
        description="Write (or check) the JSON Schemas of spendcalc's exports.")
    parser.add_argument("folder", nargs="?", type=Path, default=None,
                        help="the schema folder (default, in a source checkout: schemas/)")
    parser.add_argument("--check", action="store_true",
                        help="only check that the files are up to date (exit 1 if not)")
    args = parser.parse_args(argv)
    if args.folder is None:
        if not (SCHEMA_FILE.parent.parent / "pyproject.toml").is_file():
            parser.error("not in a source checkout: give the schema folder")
        args.folder = SCHEMA_FILE.parent
    stale = 0
    for name, text in schema_files().items():
        path = args.folder / name
        if args.check:
            current = path.read_text(encoding="utf-8") if path.is_file() else None
            if current != text:
                print(f"{path}: out of date; run python -m spendcalc.io.export_schema",
                      file=sys.stderr)
                stale += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    if args.check:
        if stale:
            return 1
        print(f"{args.folder}: {len(KINDS) * 2} schemas up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())

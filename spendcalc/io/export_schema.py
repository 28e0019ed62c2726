"""The shape of a projection export, as Pydantic models: the documented, stable JSON schema.

``spendcalc run -o FILE.json`` writes ``{"meta": Meta, "table": [TableRow], "aggregates":
[AggregateRow]}``; the CSV's ``FILE.meta.json`` sidecar is a ``Meta``. The committed JSON
Schema ``schemas/projection.schema.json`` is generated from these models; regenerate it after
a deliberate change with::

    python -m spendcalc.io.export_schema            # write schemas/projection.schema.json
    python -m spendcalc.io.export_schema --check    # exit 1 if the committed file is stale

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
    csv_dialect: Literal["standard", "excel", "excel-eu"] | None = None
    """CSV sidecars only: how the CSV is spelled (``--csv-dialect``), so ``--from-meta``
    re-renders the same bytes."""


Num = float
"""A number; never NaN or infinite in an export."""
OptNum = float | None
"""A number, or null where it does not apply (Iceland's spending, a run without target)."""


class TableRow(_Shape):
    """One row of the projection table: one (scenario, member, year)."""

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


class AggregateRow(_Shape):
    """One row of the aggregates: one (scenario, group, year); money columns are sums over
    the group's members in the run."""

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


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a projection export, generated from the models."""
    doc = ProjectionExport.model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, **doc}


def schema_text() -> str:
    """The schema as the committed file holds it (two-space indent, final newline)."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m spendcalc.io.export_schema",
        description="Write (or check) the JSON Schema of spendcalc's projection export.")
    parser.add_argument("path", nargs="?", type=Path, default=None,
                        help="the schema file (default, in a source checkout: "
                             "schemas/projection.schema.json)")
    parser.add_argument("--check", action="store_true",
                        help="only check that the file is up to date (exit 1 if not)")
    args = parser.parse_args(argv)
    if args.path is None:
        if not (SCHEMA_FILE.parent.parent / "pyproject.toml").is_file():
            parser.error("not in a source checkout: give the schema file's path")
        args.path = SCHEMA_FILE
    text = schema_text()
    if args.check:
        current = args.path.read_text(encoding="utf-8") if args.path.is_file() else None
        if current != text:
            print(f"{args.path}: out of date; run python -m spendcalc.io.export_schema",
                  file=sys.stderr)
            return 1
        print(f"{args.path}: up to date")
        return 0
    args.path.parent.mkdir(parents=True, exist_ok=True)
    args.path.write_text(text, encoding="utf-8")
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What a chart is asked to draw: a projected run (:class:`Run`), the options
(:class:`Options`), their validation, the member selection and the footer text."""


from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from spendcalc.views import words
from spendcalc.views.charts.kit import DEFAULT_DPI, STYLES, PlotError, data_sources

if TYPE_CHECKING:
    import pandas as pd

    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.core.result import Result


KINDS = ("gap", "paths", "heatmap", "stack", "burden", "compare")
"""The chart kinds, in the order the help lists them; ``gap`` is the default."""


ALL_KINDS = (*KINDS, "fan", "tradeoff")
"""Every kind ``spendcalc plot`` draws: fan and tradeoff come from what-if and evidence runs."""
UNITS = ("usd", "pct")
PRICES = ("current", "constant")


_UNITS = {"gap": ("usd", "pct"), "compare": ("usd", "pct"), "stack": ("usd",),
          "paths": ("pct",), "heatmap": ("pct",), "burden": ("pct",)}
_WITH_YEAR = ("gap", "compare")
_WITH_MEMBERS = ("gap", "paths", "heatmap", "stack", "compare")


# ---------------------------------------------------------------------------------------------
# Inputs and options


Columns = Mapping[str, Any]
"""A table as its columns: NumPy arrays of one length, a scalar standing for a constant
column (``Result.columns``)."""


class Run:
    """One projected scenario as the charts see it.

    ``table`` and ``aggregates`` are given as DataFrames or as their columns (a Result's
    ``columns`` and ``aggregate_columns``). Either way both views are there: a chart that reads
    a few numbers (gap) takes them from ``columns`` and never imports pandas (a fifth of
    `spendcalc plot gap`); ``table`` and ``aggregates`` are laid out on first use."""

    def __init__(self, name: str, table: pd.DataFrame | Columns,
                 aggregates: pd.DataFrame | Columns | None, meta: dict[str, Any],
                 data: Dataset, scenario: Scenario | None = None,
                 currency: str = "USD") -> None:
        self.name = name
        self.meta = meta
        self.data = data
        """The data the table was computed with: groups, regions and history come from here."""
        self.scenario = scenario
        """The typed scenario, when the run comes from a Result; a bare table with its meta has
        none, and the charts fall back on the table and ``meta["scenario_settings"]``."""
        self.currency = currency
        """The currency of the money columns the charts read (``--currency``; see
        ``as_run``)."""
        self._table = table
        self._aggregates = aggregates

    def __repr__(self) -> str:
        return f"Run({self.name!r}, currency={self.currency!r})"

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per (member, year): the projection table."""
        if isinstance(self._table, Mapping):
            from spendcalc.core.tables import member_frame

            return member_frame(dict(self._table))
        return self._table

    @cached_property
    def aggregates(self) -> pd.DataFrame | None:
        """One row per (group, year), if the run has its aggregates."""
        if isinstance(self._aggregates, Mapping):
            import pandas as pd

            return pd.DataFrame(dict(self._aggregates))
        return self._aggregates

    @cached_property
    def columns(self) -> dict[str, np.ndarray]:
        """The table's columns as NumPy arrays of the table's length."""
        return _arrays(self._table)

    @cached_property
    def aggregate_columns(self) -> dict[str, np.ndarray] | None:
        """The aggregates' columns as NumPy arrays, if the run has its aggregates."""
        return None if self._aggregates is None else _arrays(self._aggregates)

    @property
    def base_year(self) -> int:
        return int(self.columns["year"].min())

    @property
    def horizon(self) -> int:
        return int(self.columns["year"].max())

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in np.unique(self.columns["year"]))

    @property
    def baseline_pct(self) -> float:
        """The old guideline the gap is measured from, percent of GDP."""
        if self.scenario is not None:
            return float(self.scenario.baseline_pct)
        settings = self.meta.get("scenario_settings") or {}
        if "baseline_pct" in settings:
            return float(settings["baseline_pct"])
        values = self.columns["baseline_pct"].astype(float)
        values = values[~np.isnan(values)]
        return float(values[0]) if len(values) else 2.0

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(str(c) for c in self.columns["iso3"]))

    def at(self, year: int) -> pd.DataFrame:
        """The table's rows for ``year``, indexed by member code."""
        return self.table[self.table.year == year].set_index("iso3")

    def rows(self, year: int, codes: Sequence[str]) -> dict[str, np.ndarray]:
        """The columns of the rows for ``year`` of the members ``codes``, in that order
        (``at(year).loc[codes]`` without pandas)."""
        cols = self.columns
        where = np.flatnonzero(cols["year"] == year)
        position = {str(c): i for c, i in zip(cols["iso3"][where], where, strict=True)}
        take = np.array([position[c] for c in codes], dtype=np.intp)
        return {name: values[take] for name, values in cols.items()}

    def aggregate(self, group: str | None, year: int, column: str) -> float | None:
        agg = self.aggregate_columns
        if group is None or agg is None:
            return None
        hits = np.flatnonzero((agg["group"] == group) & (agg["year"] == year))
        return float(agg[column][hits[0]]) if len(hits) else None


def _arrays(table: pd.DataFrame | Columns) -> dict[str, np.ndarray]:
    """A table's columns as NumPy arrays of its length (scalars repeated)."""
    if not isinstance(table, Mapping):
        return {str(c): table[c].to_numpy() for c in table.columns}
    n = max((len(v) for v in table.values() if isinstance(v, np.ndarray)), default=0)
    return {c: v if isinstance(v, np.ndarray) else np.repeat(np.asarray(v, dtype=object), n)
            for c, v in table.items()}


def as_run(source: Result | pd.DataFrame | Run, meta: dict[str, Any] | None = None,
           data: Dataset | None = None) -> Run:
    """A Run from a Result, or from a projection table with the ``data`` it was computed
    with (and its ``meta`` if you have it)."""
    if isinstance(source, Run):
        return source
    from spendcalc.core.result import Result

    if isinstance(source, Result):  # its columns: the DataFrames only if a chart asks
        columns, aggregates, code = _in_currency(source.columns, source.aggregate_columns,
                                                 source.meta)
        return Run(source.scenario.name, columns, aggregates,
                   dict(source.meta), source.data, source.scenario, code)
    frame = source
    if "scenario" not in getattr(frame, "columns", ()):
        raise PlotError("expected a spendcalc Result or its projection table")
    if data is None:
        raise PlotError("a projection table needs data=: the Dataset it was computed with "
                        "(or pass the Result itself)")
    names = list(dict.fromkeys(frame["scenario"]))
    if len(names) != 1:
        raise PlotError(f"the table holds {len(names)} scenarios; pass one at a time")
    meta = dict(meta or frame.attrs.get("meta") or {})
    meta.setdefault("data_vintage", data.vintage)
    return Run(str(names[0]), frame, None, meta, data)


@dataclass(frozen=True)
class Options:
    """What every chart can be asked; ``None`` means the kind's own default."""

    members: tuple[str, ...] | None = None
    group: str | None = None
    unit: str | None = None
    prices: str = "current"
    year: int | None = None
    title: str | None = None
    subtitle: str | None = None
    width: float | None = None
    height: float | None = None
    dpi: float = DEFAULT_DPI
    style: str = "light"
    grid: bool = False
    diff: bool = False
    changed_only: bool = False
    """compare: only the allies whose value differs between the two scenarios."""
    cut: bool = True




def check_options(kind: str, opts: Options) -> Options:
    """Validate ``opts`` for ``kind``; return them with the kind's defaults filled in."""
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, ALL_KINDS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise PlotError(f"unknown chart kind {kind!r}; {hint}kinds: {', '.join(ALL_KINDS)}")
    allowed = _UNITS[kind]
    unit = opts.unit if opts.unit is not None else allowed[0]
    if unit not in UNITS:
        raise PlotError(f"--unit: unknown unit {unit!r}; allowed: {', '.join(UNITS)}")
    if unit not in allowed:
        raise PlotError(f"--unit {unit}: {kind} shows "
                        f"{'shares of GDP' if allowed == ('pct',) else 'US dollars'}; "
                        f"allowed: {', '.join(allowed)}")
    if opts.prices not in PRICES:
        raise PlotError(f"--prices: unknown {opts.prices!r}; allowed: {', '.join(PRICES)}")
    if opts.prices == "constant" and unit != "usd":
        raise PlotError(f"--prices constant: {kind} shows shares of GDP, which do not depend "
                        "on prices" if allowed == ("pct",) else
                        "--prices constant needs --unit usd: shares of GDP do not depend on "
                        "prices")
    if opts.style not in STYLES:
        close = difflib.get_close_matches(opts.style, STYLES, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise PlotError(f"--style: unknown style {opts.style!r}; {hint}allowed: "
                        f"{', '.join(STYLES)}")
    if opts.year is not None and kind not in _WITH_YEAR:
        raise PlotError(f"--year: {kind} shows every year; --year applies to "
                        f"{' and '.join(_WITH_YEAR)}")
    if (opts.members or opts.group) and kind not in _WITH_MEMBERS:
        raise PlotError(f"--members/--group: {kind} is about the whole alliance; they apply to "
                        f"{', '.join(_WITH_MEMBERS)}")
    if opts.members is not None and opts.group is not None:
        raise PlotError("--members and --group: give one or the other")
    if opts.members is not None and not [m for m in opts.members if m.strip()]:
        raise PlotError("--members: no member codes given (e.g. --members DEU,FRA,POL)")
    if opts.grid and kind != "paths":
        raise PlotError("--grid applies to paths")
    if opts.diff and kind != "compare":
        raise PlotError("--diff applies to compare")
    if opts.changed_only and kind != "compare":
        raise PlotError("--changed-only applies to compare")
    for name, value, low, high in (("--width", opts.width, 2.0, 40.0),
                                   ("--height", opts.height, 2.0, 40.0),
                                   ("--dpi", opts.dpi, 20.0, 1200.0)):
        if value is not None and not (low <= value <= high):
            raise PlotError(f"{name}: {value:g} is out of range; allowed: {low:g} to {high:g}")
    return replace(opts, unit=unit)


def select_members(run: Run, opts: Options) -> list[str]:
    """Member codes to draw, in table order, from --members or --group (default: all)."""
    from spendcalc.core.overrides import suggest_member

    data = run.data
    present = run.codes
    if opts.members is not None:
        chosen: list[str] = []
        for raw in opts.members:
            code = raw.strip().upper()
            if not code:
                continue
            if code not in data.codes:
                raise PlotError(f"--members: {raw.strip()!r} is not a NATO member code"
                                f"{suggest_member(raw.strip(), data)}")
            if code not in present:
                name = data.members[data.index(code)].name
                raise PlotError(f"--members: {code} ({name}) is not in scenario {run.name}")
            if code not in chosen:
                chosen.append(code)
        return chosen
    if opts.group is not None:
        groups = data.groups
        if opts.group not in groups:
            close = difflib.get_close_matches(opts.group, list(groups), n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise PlotError(f"--group: unknown group {opts.group!r}; {hint}groups: "
                            f"{', '.join(groups)}")
        chosen = [c for c in present if c in groups[opts.group].members]
        if not chosen:
            raise PlotError(f"--group {opts.group}: none of its members is in scenario "
                            f"{run.name}")
        return chosen
    return present


def check_runs(kind: str, runs: Sequence[Run], opts: Options) -> None:
    """Raise PlotError if --members, --group or --year does not fit the runs."""
    for run in runs:
        select_members(run, opts)
    if kind in _WITH_YEAR:
        chart_year(runs[0], opts, runs[1] if len(runs) > 1 else None)


def matching_group(run: Run, codes: Sequence[str], opts: Options) -> tuple[str, str] | None:
    """(key, label) of the aggregate covering exactly ``codes``, if the table has one."""
    agg = run.aggregate_columns
    if agg is None:
        return None
    wanted = set(codes)
    first: dict[str, str] = {}  # each group's label, in the aggregates' order
    for key, label in zip(agg["group"].tolist(), agg["label"].tolist(), strict=True):
        first.setdefault(str(key), str(label))
    keys = list(first)
    if opts.group in keys:
        keys.remove(opts.group)
        keys.insert(0, opts.group)
    groups = run.data.groups
    present = set(run.codes)
    for key in keys:
        if key in groups and set(groups[key].members) & present == wanted:
            label = first[key]
            if not set(groups[key].members) <= present:
                label += f" (its {len(wanted)} members in {run.name})"
            return key, label
    return None


def chart_year(run: Run, opts: Options, other: Run | None = None) -> int:
    year = opts.year if opts.year is not None else run.horizon
    for r in (run, other):
        if r is not None and year not in r.years:
            raise PlotError(f"--year: {year} is not in scenario {r.name}; allowed: "
                            f"{r.base_year} to {r.horizon}")
    return year


def _in_currency(table: Columns, aggregates: Columns | None, meta: dict[str, Any]
                 ) -> tuple[Columns, Columns | None, str]:
    """A ``--currency`` result's columns with its converted money (``_lcu_bn``) under the USD
    names the charts read, and the currency's code; unchanged in USD. One chart shows one
    currency: ``local`` only when the members shown share one (else a PlotError)."""
    chosen = (meta.get("currency") or {}).get("currency")
    if not chosen or chosen == "USD":
        return table, aggregates, "USD"
    codes = {c for c in table["currency"] if isinstance(c, str) and c}
    if chosen == "local" and len(codes) != 1:
        raise PlotError("--currency local: a chart shows one currency, and these members use "
                        f"{len(codes)} ({', '.join(sorted(codes))}); choose one (--currency EUR), "
                        "or run only allies sharing one (--set 'members=[\"DEU\",\"FRA\"]')")
    code = codes.pop() if chosen == "local" else str(chosen)

    def swap(columns: Columns) -> Columns:
        local = [c for c in columns if "_lcu_bn" in c]
        return {**columns, **{c.replace("_lcu_bn", "_usd_bn"): columns[c] for c in local}}

    has_agg = aggregates is not None and "currency" in aggregates
    return swap(table), (swap(aggregates) if has_agg and aggregates is not None else None), code


def money_suffix(prices: str | None) -> str:
    return "_const" if prices == "constant" else ""


def unit_text(run: Run, opts: Options) -> str:
    if opts.unit == "pct":
        return "% of GDP"
    if opts.prices == "constant":
        return f"{run.currency} bn, constant {run.base_year} prices"
    return f"{run.currency} bn, current prices"


def footer_text(runs: Sequence[Run], notes: Iterable[str] = ()) -> str:
    """Source, vintage, scenario(s) and assumptions, and any chart notes (one per line)."""
    lines = [f"Sources: {data_sources(runs[0].data)}."]
    for run in runs:
        what = (words.brief(run.scenario, run.data) if run.scenario is not None
                else words.settings_brief(run.meta.get("scenario_settings"), run.data))
        lines.append(f"Scenario {run.name}" + (f": {what}." if what else "."))
    lines.extend(notes)
    return "\n".join(lines)


def tuple_members(options: dict[str, Any]) -> dict[str, Any]:
    members = options.get("members")
    if isinstance(members, str):
        options = {**options, "members": tuple(members.split(","))}
    elif members is not None:
        options = {**options, "members": tuple(members)}
    return options

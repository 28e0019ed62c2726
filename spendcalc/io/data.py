"""Load and validate the bundled data (or a user's folder in the same schema).

Reads with the standard ``csv`` module, not pandas, so that commands that only need the
numbers start fast. Every problem is reported as a ``DataError`` naming file, row and field.

Units: shares in percent of GDP; GDP in billions of current US dollars (NATO's own GDP
series); growth and inflation in percent per year.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
import tomllib
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from spendcalc.core.dataset import GDP_FILE, DataFile, Dataset, Edition, FloatArray, Group, feed
from spendcalc.core.errors import DataError
from spendcalc.core.models import MAX_YEAR, Commitment, Member, Source
from spendcalc.io.resources import bundled_dir

SHARES_FILE = "nato_defence_expenditure.csv"
PROJECTIONS_FILE = "gdp_projections.csv"
MEMBERS_FILE = "members.csv"
COMMITMENTS_FILE = "commitments.csv"
SOURCES_FILE = "sources.csv"
GROUPS_FILE = "groups.toml"
PERSONNEL_FILE = "personnel.csv"
REAL_CHANGE_FILE = "real_change.csv"
CURRENCY_FILE = "national_currency.csv"
EDITION_FILE = "edition.toml"
EDITIONS_DIR = "editions"
DEFAULT_EDITION = "nato-2026"
MIN_DATA_YEAR = 1900
"""The edition ``load_dataset`` and every command use unless told otherwise."""


def read_rows(path: Path,
              required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """A data CSV's rows: yield (line number, row) after checking the header has the
    ``required`` columns; line numbers count the header as 1. A byte-order mark (Excel
    writes one) is accepted; every cell is a string ("" where a row is short); a row with
    more cells than the header, bytes that are not UTF-8, or a folder in the file's place
    are DataErrors naming the file."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a data file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read data file ({exc.strerror})") from None
    line = 1
    try:
        with handle:
            reader = csv.DictReader(handle)
            header = [str(c).strip() for c in (reader.fieldnames or [])]
            reader.fieldnames = header
            missing = [c for c in required if c not in header]
            if missing:
                raise DataError(f"{path.name}: missing column(s) {', '.join(missing)}")
            for row in reader:
                line = reader.line_num
                if None in row:
                    raise DataError(f"{path.name}: row {line}: more cells than the header's "
                                    f"{len(header)} columns")
                yield line, {k: v or "" for k, v in row.items()}
    except UnicodeDecodeError:
        raise DataError(f"{path.name}: not a UTF-8 text file (bytes that are not UTF-8 after "
                        f"row {line}); save it as UTF-8 CSV") from None
    except csv.Error as exc:
        raise DataError(f"{path.name}: row {line}: not a valid CSV row ({exc})") from None


def _source_ids(raw: dict[tuple[str, int], dict[str, str]]) -> tuple[str, ...]:
    return tuple(sorted({(row.get("source_id") or "").strip() for row in raw.values()} - {""}))


def _user_hint(path: Path) -> str:
    """For a file in a user's --data folder: how to fall back to the bundled file."""
    bundle = bundled_dir("data").resolve()
    if path.parent.resolve() in (bundle, *(bundle / EDITIONS_DIR).glob("*")):
        return ""
    return f" (fill it, or delete it from {path.parent} to use the bundled file)"


def number_cell(path: Path, line: int, row: dict[str, str], col: str, *, optional: bool = False,
                low: float | None = None, high: float | None = None) -> float:
    """The number in ``col`` (within ``low``..``high``; empty: NaN if ``optional``), or a
    DataError naming the file, row and column. Only an empty cell means "no value": text
    such as ``NaN`` or ``inf`` is an error, never a silent gap."""
    text = (row.get(col) or "").strip()
    if not text:
        if optional:
            return float("nan")
        raise DataError(f"{path.name}: row {line}: {col} is empty (a number is required)")
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{path.name}: row {line}: {col} = {text!r} is not a number") from None
    if not math.isfinite(value):
        allowed = "a finite number, or an empty cell for no value" if optional else (
            "a finite number")
        raise DataError(f"{path.name}: row {line}: {col} = {text!r} is not allowed; "
                        f"allowed: {allowed}")
    if (low is not None and value < low) or (high is not None and value > high):
        rng = (f"{low:g} to {high:g}" if low is not None and high is not None
               else f"at least {low:g}" if low is not None else f"at most {high:g}")
        raise DataError(f"{path.name}: row {line}: {col} = {value:g} is outside {rng}")
    return value


def year_cell(path: Path, line: int, row: dict[str, str], col: str = "year") -> int:
    """The year in ``col`` (four digits, 1900 to 2100), or a DataError naming the file, row
    and column."""
    text = (row.get(col) or "").strip()
    if not (len(text) == 4 and text.isascii() and text.isdigit()
            and MIN_DATA_YEAR <= int(text) <= MAX_YEAR):
        raise DataError(f"{path.name}: row {line}: {col} = {text!r} is not a year; allowed: "
                        f"{MIN_DATA_YEAR} to {MAX_YEAR}")
    return int(text)


def bool_cell(path: Path, line: int, row: dict[str, str], col: str, *,
              optional: bool = False) -> bool:
    """``true`` or ``false`` in ``col`` (empty: false if ``optional``), or a DataError naming
    the file, row and column."""
    text = (row.get(col) or "").strip().lower()
    if optional and not text:
        return False
    if text not in ("true", "false"):
        allowed = "true, false, or empty (false)" if optional else "true, false"
        raise DataError(f"{path.name}: row {line}: {col} = {text!r}; allowed: {allowed}")
    return text == "true"


def _load_members(path: Path) -> tuple[Member, ...]:
    members: list[Member] = []
    seen: set[str] = set()
    cols = ("iso3", "member", "nato_since", "eu_member", "region", "armed_forces")
    for line, row in read_rows(path, cols):
        iso3 = row["iso3"].strip()
        if not (len(iso3) == 3 and iso3.isascii() and iso3.isalpha() and iso3.isupper()):
            raise DataError(f"{path.name}: row {line}: iso3 = {iso3!r} is not allowed; "
                            "allowed: an ISO 3166 alpha-3 code in capitals, such as DEU")
        if not row["member"].strip():
            raise DataError(f"{path.name}: row {line}: member is empty (the ally's name)")
        if iso3 in seen:
            raise DataError(f"{path.name}: row {line}: duplicate member {iso3}")
        seen.add(iso3)
        region = row["region"].strip()
        if region not in ("europe", "north_america"):
            raise DataError(
                f"{path.name}: row {line}: region = {region!r}; allowed: europe, north_america"
            )
        members.append(Member(
            iso3=iso3, name=row["member"].strip(),
            nato_since=year_cell(path, line, row, "nato_since"),
            eu_member=bool_cell(path, line, row, "eu_member"),
            region="europe" if region == "europe" else "north_america",
            armed_forces=bool_cell(path, line, row, "armed_forces"),
        ))
    if not members:
        raise DataError(f"{path.name}: no rows{_user_hint(path)}")
    return tuple(members)


def _grid(path: Path, codes: tuple[str, ...], value_col: str, *, year_col: str = "year",
          low: float, high: float, optional_for: frozenset[str] = frozenset(),
          extra_cols: tuple[str, ...] = (),
          check: Callable[[int, dict[str, str]], None] | None = None,
          ) -> tuple[tuple[int, ...], FloatArray, dict[tuple[str, int], dict[str, str]]]:
    """Read a member x year file into an array, checking completeness and duplicates;
    ``check(line, row)`` validates the row's other columns."""
    index = {c: i for i, c in enumerate(codes)}
    cells: dict[tuple[str, int], float] = {}
    raw: dict[tuple[str, int], dict[str, str]] = {}
    for line, row in read_rows(path, ("iso3", year_col, value_col, *extra_cols)):
        iso3 = row["iso3"].strip()
        if iso3 not in index:
            raise DataError(f"{path.name}: row {line}: iso3 = {iso3!r} is not in {MEMBERS_FILE}")
        year = year_cell(path, line, row, year_col)
        if (iso3, year) in cells:
            raise DataError(f"{path.name}: row {line}: duplicate row for {iso3} {year}")
        cells[(iso3, year)] = number_cell(path, line, row, value_col, optional=iso3 in optional_for,
                                      low=low, high=high)
        raw[(iso3, year)] = row
        if check is not None:
            check(line, row)
    years = tuple(sorted({y for _, y in cells}))
    if not years:
        raise DataError(f"{path.name}: no rows{_user_hint(path)}")
    if years != tuple(range(years[0], years[-1] + 1)):
        raise DataError(f"{path.name}: years are not consecutive ({years[0]}-{years[-1]})")
    grid = np.full((len(codes), len(years)), np.nan)
    for c in codes:
        for j, y in enumerate(years):
            if (c, y) not in cells:
                raise DataError(f"{path.name}: missing row for {c} {y}")
            grid[index[c], j] = cells[(c, y)]
    return years, grid, raw


def _source_check(path: Path) -> Callable[[int, dict[str, str]], None]:
    """Every value names its source (checked against sources.csv by ``_check_cited``)."""
    def check(line: int, row: dict[str, str]) -> None:
        if not row.get("source_id", "").strip():
            raise DataError(f"{path.name}: row {line}: source_id is empty (every value needs "
                            f"one, listed in {SOURCES_FILE})")
    return check


def _share_row_check(path: Path) -> Callable[[int, dict[str, str]], None]:
    """The shares file's other columns: source, estimate flag, spending in USD m."""
    has_source = _source_check(path)

    def check(line: int, row: dict[str, str]) -> None:
        has_source(line, row)
        bool_cell(path, line, row, "estimate", optional=True)
        number_cell(path, line, row, "defence_usd_m_current", optional=True, low=0, high=1e8)
    return check


def _projection_row_check(path: Path) -> Callable[[int, dict[str, str]], None]:
    """The projections file's other columns: source, and nominal growth where given
    (percent a year: (1 + real) x (1 + inflation) - 1 lies within -75 to 2,100)."""
    has_source = _source_check(path)

    def check(line: int, row: dict[str, str]) -> None:
        has_source(line, row)
        number_cell(path, line, row, "nominal_growth_pct", optional=True, low=-75, high=2100)
    return check


def _check_cited(sources: dict[str, Source], register: Path,
                 citing: tuple[tuple[Path, dict[str, str]], ...]) -> None:
    """Every source a data file cites is in the register (sources.csv)."""
    for path, cited in citing:
        for what, source_id in cited.items():
            if source_id and source_id not in sources:
                raise DataError(f"{path.name}: {what}: source_id {source_id!r} is not in "
                                f"{register.name} (add a row for it there)")


def _load_commitments(path: Path, codes: tuple[str, ...]) -> tuple[Commitment, ...]:
    out = []
    for line, row in read_rows(path, ("iso3", "kind", "value_pct", "by_year", "source_id", "note")):
        iso3 = row["iso3"].strip()
        if iso3 != "NATO" and iso3 not in codes:
            raise DataError(f"{path.name}: row {line}: iso3 = {iso3!r} is not in {MEMBERS_FILE} "
                            "(nor NATO, for alliance-wide commitments)")
        for col in ("kind", "source_id"):
            if not row[col].strip():
                raise DataError(f"{path.name}: row {line}: {col} is empty")
        value = number_cell(path, line, row, "value_pct", optional=True, low=0, high=100)
        year_text = row["by_year"].strip()
        out.append(Commitment(
            iso3=iso3, kind=row["kind"].strip(),
            value_pct=None if np.isnan(value) else value,
            by_year=year_cell(path, line, row, "by_year") if year_text else None,
            source_id=row["source_id"].strip(), note=row["note"].strip(),
        ))
    return tuple(out)


def _load_sources(path: Path) -> dict[str, Source]:
    cols = ("source_id", "title", "published", "confidence")
    out: dict[str, Source] = {}
    for line, row in read_rows(path, cols):
        source = Source(**{c: row[c].strip() for c in cols})
        if not source.source_id or not source.title:
            raise DataError(f"{path.name}: row {line}: source_id and title must not be empty")
        if source.source_id in out:
            raise DataError(f"{path.name}: row {line}: duplicate source_id {source.source_id!r}")
        out[source.source_id] = source
    if not out:
        raise DataError(f"{path.name}: no rows{_user_hint(path)}")
    return out


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML data file (a leading byte-order mark accepted); DataError naming the file if it
    is missing, a folder, not UTF-8 or malformed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a data file") from None
    except UnicodeDecodeError:
        raise DataError(f"{path.name}: not a UTF-8 text file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read data file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path.name}: invalid TOML: {exc}") from None


def _text_list(path: Path, where: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataError(f"{path.name}: {where}: {value!r} is not allowed; allowed: a list of "
                        "member codes")
    return value


def _group_members(path: Path, key: str, spec: dict[str, Any],
                   members: tuple[Member, ...]) -> tuple[str, ...]:
    codes = [m.iso3 for m in members]
    chosen = spec.get("members", [])
    if chosen == "*":
        picked = list(codes)
    elif chosen == "eu_member":
        picked = [m.iso3 for m in members if m.eu_member]
    else:
        if isinstance(chosen, str):
            raise DataError(f"{path.name}: groups.{key}.members: {chosen!r} is not allowed; "
                            "allowed: \"*\", \"eu_member\" or a list of member codes")
        picked = _text_list(path, f"groups.{key}.members", chosen)
        unknown = [c for c in picked if c not in codes]
        if unknown:
            raise DataError(f"{path.name}: groups.{key}.members: unknown "
                            f"{', '.join(repr(c) if not c.isalnum() else c for c in unknown)}")
    exclude = set(_text_list(path, f"groups.{key}.exclude", spec.get("exclude", [])))
    chosen_codes = tuple(c for c in picked if c not in exclude)
    if not chosen_codes:
        raise DataError(f"{path.name}: groups.{key}: no members (after 'exclude')")
    return chosen_codes


GROUP_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _load_groups(path: Path, members: tuple[Member, ...]) -> dict[str, Group]:
    doc = read_toml(path)
    tables = doc.get("groups")
    if not isinstance(tables, dict) or not tables:
        raise DataError(f"{path.name}: needs at least one [groups.NAME] table with members "
                        "(see the bundled groups.toml)")
    allowed = ("label", "description", "members", "exclude")
    groups: dict[str, Group] = {}
    for key, spec in tables.items():
        if not GROUP_NAME.fullmatch(key):
            raise DataError(f"{path.name}: groups: {key!r} is not allowed as a group name; "
                            "allowed: letters, digits, '-' and '_' (it is typed after --group)")
        if not isinstance(spec, dict):
            raise DataError(f"{path.name}: groups.{key}: {spec!r} is not allowed; allowed: a "
                            f"table with {', '.join(allowed)}")
        unknown = [k for k in spec if k not in allowed]
        if unknown:
            raise DataError(f"{path.name}: groups.{key}: {unknown[0]!r} is an unknown key; "
                            f"allowed here: {', '.join(allowed)}")
        label, description = spec.get("label", key), spec.get("description", "")
        for name, value in (("label", label), ("description", description)):
            if not isinstance(value, str):
                raise DataError(f"{path.name}: groups.{key}.{name}: {value!r} is not "
                                "allowed; allowed: text")
        groups[key] = Group(key=key, label=str(label), description=str(description),
                            members=_group_members(path, key, spec, members))
    return groups


def read_edition(folder: Path, *, bundled: bool = True) -> Edition:
    """The edition described by ``folder/edition.toml``; DataError naming the field if wrong."""
    path = folder / EDITION_FILE
    doc = read_toml(path)
    try:
        history = doc["history"]
        return Edition(
            name=folder.name, directory=folder, title=str(doc["title"]),
            published=str(doc["published"]), base_year=int(doc["base_year"]),
            first_base_year=int(doc.get("first_base_year", doc["base_year"])),
            history=(int(history[0]), int(history[1])), notes=str(doc.get("notes", "")),
            bundled=bundled)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise DataError(f"{path}: needs title, published, base_year and history = [first, "
                        f"last] ({exc!r})") from None


def bundled_editions() -> list[Edition]:
    """The editions bundled in ``data/editions/``, oldest first."""
    root = bundled_dir("data") / EDITIONS_DIR
    folders = sorted(p for p in root.glob("*") if (p / EDITION_FILE).is_file())
    return [read_edition(p) for p in folders]


def find_edition(name: str) -> Edition:
    """A bundled edition by name; DataError listing the bundled ones if there is none."""
    editions = bundled_editions()
    for edition in editions:
        if edition.name == name:
            return edition
    names = ", ".join(e.name for e in editions)
    raise DataError(f"--edition {name}: unknown edition; bundled editions: {names}")


def resolve(directory: Path | None, name: str, edition: Path | None = None) -> Path:
    """A data file: the user's folder's copy where it has one, else the edition's, else the
    bundled file."""
    if directory is not None and (directory / name).is_file():
        return directory / name
    if directory is not None and (directory / name).exists():
        raise DataError(f"{directory / name}: is not a file; rename or remove it to use the "
                        f"bundled {name}")
    if edition is not None and (edition / name).is_file():
        return edition / name
    return bundled_dir("data") / name


def load_dataset(directory: Path | str | None = None, edition: str | None = None) -> Dataset:
    """Load and validate the data of ``edition`` (default ``DEFAULT_EDITION``): the bundled
    ``data/`` overlaid by the edition's folder, with any file of the same name in the user's
    ``directory`` in their place. Loaded once per folder, edition and process."""
    if isinstance(directory, str) and not directory.strip():
        raise DataError("--data '': an empty folder name; give a data folder, or leave --data "
                        "out for the bundled data")
    if directory is not None and not isinstance(directory, str | Path):
        raise TypeError(f"load_dataset: directory must be a folder path (str or Path) or None, "
                        f"not {type(directory).__name__}")
    if directory is not None and not Path(directory).is_dir():
        raise DataError(f"--data {directory}: folder not found")
    if directory is not None:
        _check_folder(Path(directory))
    chosen = find_edition(edition or DEFAULT_EDITION)
    return _load_cached(None if directory is None else Path(directory).resolve(), chosen)


def _check_folder(directory: Path) -> None:
    """A folder in the place of a data file is an error, never silently the bundled file."""
    for entry in sorted(directory.iterdir()):
        if entry.suffix.lower() in (".csv", ".toml") and not entry.is_file():
            raise DataError(f"{entry}: is not a file; rename or remove it to use the bundled "
                            f"{entry.name}")


# The files the projection depends on; their hashes go into every export's meta.
DATASET_FILES = tuple(sorted((MEMBERS_FILE, SHARES_FILE, GDP_FILE, PROJECTIONS_FILE,
                              COMMITMENTS_FILE, SOURCES_FILE, GROUPS_FILE)))


def _digest(directory: Path | None,
            edition: Path | None) -> tuple[tuple[DataFile, ...], Any]:
    """Each data file's name, origin and SHA-256, and a hasher fed with all of them."""
    whole = hashlib.sha256()
    files = []
    for name in DATASET_FILES:
        path = resolve(directory, name, edition)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise DataError(f"{path}: cannot read data file ({exc.strerror})") from None
        feed(whole, f"data/{name}", content)
        user = directory is not None and path.parent == directory
        files.append(DataFile(name, "user" if user else "bundled",
                              hashlib.sha256(content).hexdigest()))
    return tuple(files), whole


@cache
def _load_cached(directory: Path | None, edition: Edition) -> Dataset:
    def path(name: str) -> Path:
        return resolve(directory, name, edition.directory)

    members = _load_members(path(MEMBERS_FILE))
    codes = tuple(m.iso3 for m in members)
    unarmed = frozenset(m.iso3 for m in members if not m.armed_forces)

    share_path = path(SHARES_FILE)
    share_years, shares, raw = _load_shares(share_path, codes, unarmed)
    share_sources = tuple(tuple(raw[(c, y)]["source_id"].strip() for y in share_years)
                          for c in codes)
    share_estimate = tuple(tuple(raw[(c, y)].get("estimate", "").strip().lower() == "true"
                                 for y in share_years) for c in codes)  # checked by _grid
    gdp_years, gdp, gdp_raw = _load_gdp(path(GDP_FILE), codes)
    proj_path = path(PROJECTIONS_FILE)
    proj_years, real, proj_raw = _grid(proj_path, codes, "real_gdp_growth_pct", year_col="period",
                                low=-50, high=100, check=_projection_row_check(proj_path))
    _, cpi, _ = _grid(proj_path, codes, "cpi_inflation_pct", year_col="period",
                      low=-50, high=1000)
    if "USA" not in codes:
        raise DataError(f"{MEMBERS_FILE}: USA is needed (US inflation drives dollar GDP)")
    if proj_years[0] > gdp_years[-1] + 1:
        raise DataError(f"{PROJECTIONS_FILE}: projections must start by {gdp_years[-1] + 1}")

    sources = _load_sources(path(SOURCES_FILE))
    _check_cited(sources, path(SOURCES_FILE), (
        (path(MEMBERS_FILE), {row["iso3"].strip(): row.get("source_id", "").strip()
                              for _, row in read_rows(path(MEMBERS_FILE), ("iso3",))}),
        (share_path, {f"{c} {y}": r["source_id"].strip() for (c, y), r in raw.items()}),
        (path(GDP_FILE), {f"{c} {y}": r["source_id"].strip() for (c, y), r in gdp_raw.items()}),
        (proj_path, {f"{c} {y}": r["source_id"].strip() for (c, y), r in proj_raw.items()}),
    ))
    files, hasher = _digest(directory, edition.directory)
    return Dataset(
        edition=edition,
        directory=directory, bundle=bundled_dir("data"), files=files, files_hasher=hasher,
        members=members, share_years=share_years, shares_pct=shares,
        share_sources=share_sources, share_estimate=share_estimate,
        gdp_years=gdp_years, gdp_usd_bn=gdp,
        gdp_source_ids=_source_ids(gdp_raw), projection_source_ids=_source_ids(proj_raw),
        projection_years=proj_years, real_growth_pct=real, cpi_pct=cpi,
        commitments=_load_commitments(path(COMMITMENTS_FILE), codes),
        groups=_load_groups(path(GROUPS_FILE), members),
        sources=sources,
        **_load_personnel(path(PERSONNEL_FILE), codes),
        **_load_real_change(path(REAL_CHANGE_FILE), codes),
        **_load_rates(path(CURRENCY_FILE), codes),
    )


def _load_shares(path: Path, codes: tuple[str, ...], unarmed: frozenset[str]
                 ) -> tuple[tuple[int, ...], FloatArray, dict[tuple[str, int], dict[str, str]]]:
    """NATO's defence shares, percent of GDP, (member, year); NaN for allies without forces."""
    years, shares, raw = _grid(path, codes, "defence_share_gdp_pct", low=0, high=100,
                               optional_for=unarmed, extra_cols=("source_id",),
                               check=_share_row_check(path))
    for iso3 in unarmed:
        if not np.all(np.isnan(shares[codes.index(iso3)])):
            raise DataError(f"{SHARES_FILE}: {iso3} has no armed forces in {MEMBERS_FILE} "
                            "but has defence shares")
    if np.nanmax(shares) <= 1.0:
        raise DataError(f"{SHARES_FILE}: defence_share_gdp_pct: every value is at most 1; "
                        "shares must be in percent of GDP (2.0 for 2 %), not fractions")
    return years, shares, raw


def _load_gdp(path: Path, codes: tuple[str, ...]
              ) -> tuple[tuple[int, ...], FloatArray, dict[tuple[str, int], dict[str, str]]]:
    """GDP, billions of current US dollars, (member, year), with a units check."""
    # A loose bound per row; the units check below names the likely mistake.
    years, gdp, raw = _grid(path, codes, "gdp_usd_bn_current", low=0, high=1e12,
                            check=_source_check(path))
    typical = float(np.median(gdp[:, -1]))
    if not 1.0 <= typical <= 50_000.0:
        raise DataError(f"{GDP_FILE}: gdp_usd_bn_current: the median ally's GDP is "
                        f"{typical:,.4g}; GDP must be in billions of US dollars (Germany about "
                        "4,600), not millions or trillions")
    if np.any(gdp <= 0):
        raise DataError(f"{GDP_FILE}: GDP must be positive")
    return years, gdp, raw


def _load_rates(path: Path, codes: tuple[str, ...]) -> dict[str, Any]:
    """``national_currency.csv`` (NATO Tables 1 and 2) where the edition or folder has one, as
    the Dataset's ``rate_years``, ``currencies`` and ``usd_rates`` (national currency units per
    USD, computed as Table 1 / Table 2 from the amounts, finer than the rounded ``usd_rate``
    column). Not part of the projection (nor of its hashes): ``--currency`` converts it."""
    if not path.is_file():
        return {}
    index = {c: i for i, c in enumerate(codes)}
    cells: dict[tuple[int, int], float] = {}
    currency = [""] * len(codes)
    cols = ("iso3", "year", "currency", "core_nat_currency_current_m", "core_usd_current_m")
    for line, row in read_rows(path, cols):
        iso3 = row["iso3"].strip()
        if iso3 not in index:
            raise DataError(f"{path.name}: row {line}: iso3 = {iso3!r} is not in {MEMBERS_FILE}")
        code = row["currency"].strip().upper()
        if len(code) != 3 or not code.isalpha() or currency[index[iso3]] not in ("", code):
            raise DataError(f"{path.name}: row {line}: currency = {code!r}: one ISO 4217 code "
                            "per member, the same in every year")
        currency[index[iso3]] = code
        national = number_cell(path, line, row, "core_nat_currency_current_m", low=0)
        usd = number_cell(path, line, row, "core_usd_current_m", low=0)
        if usd <= 0:
            raise DataError(f"{path.name}: row {line}: core_usd_current_m must be positive")
        cells[(index[iso3], year_cell(path, line, row))] = national / usd
    if not cells:
        return {}
    years = tuple(range(min(y for _, y in cells), max(y for _, y in cells) + 1))
    grid = np.full((len(codes), len(years)), np.nan)
    for (i, year), value in cells.items():
        grid[i, years.index(year)] = value
    return {"rate_years": years, "currencies": tuple(currency), "usd_rates": grid,
            "rates_sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def _load_personnel(path: Path, codes: tuple[str, ...]) -> dict[str, Any]:
    """``personnel.csv`` (NATO Table 7, thousands) where the edition or folder has one, as
    the Dataset's ``personnel_years`` and ``personnel_k``; members without rows get NaN.
    Not part of the projection (nor of its hashes): ``explain`` shows it."""
    years, grid = _member_years(path, codes, "personnel_k", low=0, high=100_000)
    return {} if grid is None else {"personnel_years": years, "personnel_k": grid}


def _load_real_change(path: Path, codes: tuple[str, ...]) -> dict[str, Any]:
    """``real_change.csv`` (NATO Table 3, annual real change of core spending, percent)
    where the edition or folder has one; not part of the projection: ``explain`` shows it."""
    years, grid = _member_years(path, codes, "core_real_change_pct", low=-100, high=1000)
    return {} if grid is None else {"real_change_years": years, "real_change_pct": grid}


def _member_years(path: Path, codes: tuple[str, ...], column: str, *, low: float,
                  high: float) -> tuple[tuple[int, ...], FloatArray | None]:
    """An optional (iso3, year, value) file as years and a [member, year] grid (NaN where a
    member has no row); no file or no rows: ``((), None)``."""
    if not path.is_file():
        return (), None
    index = {c: i for i, c in enumerate(codes)}
    cells: dict[tuple[int, int], float] = {}
    for line, row in read_rows(path, ("iso3", "year", column)):
        iso3 = row["iso3"].strip()
        if iso3 not in index:
            raise DataError(f"{path.name}: row {line}: iso3 = {iso3!r} is not in {MEMBERS_FILE}")
        year = year_cell(path, line, row)
        cells[(index[iso3], year)] = number_cell(path, line, row, column, optional=True,
                                                 low=low, high=high)
    if not cells:
        return (), None
    years = tuple(range(min(y for _, y in cells), max(y for _, y in cells) + 1))
    grid = np.full((len(codes), len(years)), np.nan)
    for (i, year), value in cells.items():
        grid[i, years.index(year)] = value
    return years, grid

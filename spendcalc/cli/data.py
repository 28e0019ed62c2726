"""``spendcalc data template DIR`` and ``spendcalc data sources``: your own data.

Every command also takes ``--data DIR`` (added by ``cli.guarded``): a folder whose files
replace the bundled files of the same name, validated the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spendcalc.cli.options import DataChoice, FolderForceOption, FolderOutputOption

if TYPE_CHECKING:
    from spendcalc.core.dataset import Dataset

data_app = typer.Typer(help="Data editions, your own data (a template folder), the sources in "
                            "use.",
                       no_args_is_help=True)

README = """# Your own data for spendcalc

Run any command with `--data {folder}`: each file here replaces the bundled file of the same
name (see `spendcalc data sources`); files you delete come from the bundled data. A file you
keep must be complete: the same columns, every member and year, validated like the bundled
data (errors name the file, row and field).

Units, as in the bundled files:
- shares (`*_pct`, `defence_share_gdp_pct`): percent of GDP, 2.0 for 2 %, never fractions;
- GDP (`gdp_usd_bn_current`): billions of current US dollars (NATO's own series);
- growth and inflation (`real_gdp_growth_pct`, `cpi_inflation_pct`): percent per year;
- `source_id`: an id from `sources.csv`, so every number keeps its source.

The files here have the bundled header and no rows. The quickest start is to copy the
bundled file you want to change (its folder is printed by `spendcalc data sources`) and edit
it, e.g. to add next year's NATO figures to `nato_defence_expenditure.csv`.
"""


def register(app: typer.Typer) -> None:
    from spendcalc.cli.options import guarded

    data_app.command("template")(guarded(template))
    data_app.command("sources")(guarded(sources))
    data_app.command("editions")(guarded(editions))
    data_app.command("diff")(guarded(diff))
    data_app.command("import-nato")(guarded(import_nato))
    app.add_typer(data_app, name="data")


def template(
    folder: Annotated[Path, typer.Argument(help="The folder to create (must not exist).")],
    force: FolderForceOption = False,
) -> None:
    """Write empty files in the bundled schema, with a README on columns and units."""
    from spendcalc.core.errors import OutputError
    from spendcalc.io.outputs import write_atomic
    from spendcalc.io.resources import bundled_dir

    if folder.exists() and not force:
        raise OutputError(f"{folder}: already exists; use --force to write into it")
    bundled = bundled_dir("data")
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(bundled.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            header = handle.readline()
        write_atomic(folder / path.name, header.encode())
    write_atomic(folder / "README.md", README.format(folder=folder).encode())
    print(f"wrote {folder}/ with {len(list(bundled.glob('*.csv')))} empty CSV files and a "
          "README.md; fill the ones you need and delete the rest")


def sources(*, data: DataChoice) -> None:
    """List the data files in use (yours or bundled), their sources and the vintage."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from spendcalc.io.resources import bundled_dir
    from spendcalc.views.terminal import show

    dataset = data.dataset
    table = Table(title="Data in use", box=box.SIMPLE_HEAD, header_style="bold",
                  caption=f"Vintage: {dataset.vintage}. Bundled folder: {bundled_dir('data')}")
    table.add_column("File", no_wrap=True)
    table.add_column("From")
    table.add_column("Sources")
    for path in sorted(bundled_dir("data").glob("*.csv")):
        used = dataset.path(path.name)
        ids = _source_ids(used)
        titles = [f"{i} ({dataset.sources[i].published})" if i in dataset.sources else i
                  for i in ids]
        shown = ", ".join(titles[:3]) + (f" and {len(titles) - 3} more" if len(titles) > 3
                                         else "")
        table.add_row(path.name, "yours" if used != path else "bundled", shown or "—")
    show(Console(), table)  # fitted to the width: no source id is cut


def _source_ids(path: Path) -> list[str]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if "source_id" not in (reader.fieldnames or []):
            return []
        return sorted({(row.get("source_id") or "").strip() for row in reader} - {""})


def editions(*, data: DataChoice) -> None:
    """List the bundled data editions (and your --data folder) with publication dates and
    base years; the default is marked."""
    from spendcalc.io.data import DEFAULT_EDITION, bundled_editions

    for edition in bundled_editions():
        mark = " (default)" if edition.name == DEFAULT_EDITION else ""
        first, last = edition.history
        print(f"{edition.name}{mark}: {edition.title}; published {edition.published}; "
              f"base year {edition.base_year}; history {first}-{last}")
    if data.directory is not None:
        dataset = data.dataset
        print(f"your folder {data.directory}: over edition {dataset.edition_name}; base year "
              f"{dataset.latest_share_year}; history {dataset.share_years[0]}-"
              f"{dataset.latest_share_year}")


def edition_or_folder(name: str) -> Dataset:
    """A bundled edition by name, or a data folder (e.g. one ``data import-nato`` wrote)
    over the default edition: what ``data diff`` and ``plot revisions`` compare."""
    from spendcalc.io.data import bundled_editions, load_dataset

    # A bundled edition's name wins over a folder of the same name in the current folder.
    if name not in {e.name for e in bundled_editions()} and Path(name).is_dir():
        return load_dataset(directory=name)
    return load_dataset(edition=name)


def diff(
    old: Annotated[str, typer.Argument(help="The earlier edition, e.g. nato-2025, or a data "
                                            "folder.")],
    new: Annotated[str, typer.Argument(help="The later edition, e.g. nato-2026, or a data "
                                            "folder (e.g. from data import-nato).")],
    top: Annotated[int, typer.Option("--top", help="Show the N largest revisions (0: all).")]
    = 30,
) -> None:
    """Revisions between two editions per ally and year, largest first: the share of GDP
    (percent) and spending (USD bn, current prices, share x GDP)."""
    from spendcalc.core.revisions import revisions

    rows = revisions(edition_or_folder(old), edition_or_folder(new))
    print(f"Revisions {old} -> {new}: {len(rows)} ally-years differ (share % of GDP; "
          "spending USD bn current)")
    for r in rows[:top or None]:
        print(f"{r.member} {r.year}: {r.old_pct:.2f} -> {r.new_pct:.2f} "
              f"({r.change_pct:+.2f} pt); "
              f"USD {r.old_usd_bn:,.1f} bn -> {r.new_usd_bn:,.1f} bn ({r.change_usd_bn:+,.1f})")


def import_nato(
    workbook: Annotated[Path, typer.Argument(help="NATO's workbook, e.g. def-exp-2026-en.xlsx.")],
    output: FolderOutputOption,
    force: FolderForceOption = False,
) -> None:
    """Read NATO's own workbook ("Defence Expenditure of NATO Countries", Tables 1-8b) into a
    data folder for --data DIR; print what it checked (shares against USD/GDP, the allies'
    sum against NATO's total, missing allies or years)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from spendcalc.core.errors import DataError
    from spendcalc.io.nato_workbook import checks, import_files, problems, read_workbook
    from spendcalc.views.terminal import show

    book = read_workbook(workbook)
    release = sorted(set(book.long["year"]))
    table = Table(title=f"{workbook.name}: NATO tables {release[0]}-{release[-1]}, checked",
                  box=box.SIMPLE_HEAD, header_style="bold")
    table.add_column("Check", no_wrap=True)
    table.add_column("Result")
    table.add_column("", no_wrap=True)
    for check in checks(book):
        table.add_row(check.name, check.result, "ok" if check.ok else "note")
    show(Console(), table)
    unusable = problems(book)
    if unusable:
        raise DataError(f"{workbook.name}: {unusable[0]}; nothing written")
    from spendcalc.io.nato_workbook import write_folder

    files = import_files(book)
    write_folder(output, files, force=force)
    print(f"wrote {output}/ ({len(files)} files); use it with: spendcalc run --data {output}")


def plot_revisions(old: str | None, new: str | None, *, output: Path | None, force: bool,
                   year: int | None, style: str,
                   frame: tuple[str | None, str | None, str | None, float | None,
                                float | None, float]) -> None:
    """``spendcalc plot revisions [A B]``: the revisions chart of two editions (default
    nato-2025 nato-2026), from the computation behind ``data diff``."""
    from spendcalc.views import charts as plots
    from spendcalc.views.charts.revisions import revisions_figure

    if (old is None) != (new is None):
        raise plots.PlotError("plot revisions takes two editions, A B (or none: nato-2025 "
                              "nato-2026)")
    a, b = old or "nato-2025", new or "nato-2026"
    if style not in plots.STYLES:
        raise plots.PlotError(f"--style {style!r}: allowed: {', '.join(plots.STYLES)}")
    title, subtitle, size, width, height, dpi = frame
    preset = plots.preset_size(size or "slide", dpi)
    dims = (width or preset[0], height or preset[1]) if preset else None
    path = output or Path(f"revisions-{a}-{b}.png")
    plots.check_output(path, force=force)
    figure = revisions_figure(edition_or_folder(a), edition_or_folder(b), year,
                              style=plots.STYLE_BY_NAME[style], size=dims, dpi=dpi,
                              title=title, subtitle=subtitle)
    plots.save(figure, path, force=force)
    print(f"wrote {path}")

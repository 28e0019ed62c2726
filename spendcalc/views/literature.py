"""Published estimates next to spendcalc's reproduction: terminal tables, JSON and CSV.

Formatting only: every number comes from ``spendcalc.evidence.literature``.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table
from rich.text import Text

from spendcalc.evidence.literature import VERDICTS, Reproduction, Step, as_record

if TYPE_CHECKING:
    from rich.console import RenderableType

VERDICT_STYLE = {"reproduced": "green", "differs": "yellow", "not reproducible": "red"}
CSV_FIELDS = ("id", "source", "date", "url", "claim", "value_as_published", "published_unit",
              "published_value", "unit", "comparison", "reproduced_value", "difference_pct",
              "verdict", "reason", "edition")


def number(value: float | None) -> str:
    """A compared value (bn of its currency, a ratio or a percent): 4 significant figures."""
    if value is None:
        return "n/a"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def difference(rep: Reproduction) -> str:
    diff = rep.difference_pct
    return "n/a" if diff is None else f"{diff:+.1f}%".replace("-", "−")


def summary(reps: list[Reproduction]) -> str:
    """``38 estimates: 10 reproduced, 28 differ, 0 not reproducible`` (the counts vary)."""
    counts = Counter(r.verdict for r in reps)
    one = len(reps) == 1 or counts.get("differs", 0) == 1
    words = {"reproduced": "reproduced", "differs": "differs" if one else "differ",
             "not reproducible": "not reproducible"}
    parts = ", ".join(f"{counts.get(v, 0)} {words[v]}" for v in VERDICTS)
    return f"{len(reps)} published estimate{'' if len(reps) == 1 else 's'}: {parts}"


def tables(reps: list[Reproduction]) -> list[Table]:
    """Two tables, one row per estimate in each: the numbers (estimate, date, published and
    spendcalc values, difference, verdict), then the words (source, claim, unit, reason)."""
    numbers = _table("Published estimates of the Hague target, reproduced by spendcalc",
                     summary(reps) + ". Values in each row's comparison unit (below); "
                     "tolerance from the source's own rounding.",
                     ("Estimate", "Date", "Published", "spendcalc", "Diff.", "Verdict"))
    words = _table("Who published each estimate, what it claims, how it is compared, and why "
                   "it differs", "", ("Estimate", "Source", "Claim (our words); compared as",
                                      "Reason"))
    for rep in reps:
        src = rep.estimate.source
        numbers.add_row(src["short"], str(src["date"]), number(rep.published),
                        number(rep.reproduced), difference(rep),
                        Text(rep.verdict, style=VERDICT_STYLE[rep.verdict]))
        words.add_row(src["short"], source_name(src["author"]),
                      f"{src['claim']}; compared as {rep.unit}", rep.reason)
    return [numbers, words]


def _table(title: str, caption: str, columns: tuple[str, ...]) -> Table:
    out = Table(title=title, caption=caption or None, box=box.SIMPLE_HEAD, header_style="bold",
                title_justify="left", caption_justify="left")
    for name in columns:
        right = name in ("Published", "spendcalc", "Diff.")
        out.add_column(name, justify="right" if right else "left")
    return out


def source_name(author: str) -> str:
    """The publisher without the details in brackets or after a semicolon."""
    return author.split(";")[0].split(" (")[0].strip()


def detail(rep: Reproduction) -> list[RenderableType]:
    """One estimate in full: source, quote, assumptions, how it is compared."""
    src = rep.estimate.source
    lines = [
        f"[bold]{src['title']}[/bold]",
        f"{src['author']}, {src['date']}: {src['url']}",
        f"Quote: “{src['quote']}”",
        f"Measures: {src['measures']}; years {src['years']}; members: {src['members']}; "
        f"baseline: {src['baseline']}",
        f"Scenario: {rep.estimate.path.name} (edition {rep.estimate.edition or 'default'})",
        *(f"Comparison: {step}" for step in rep.steps),
        f"Tolerance: {number(rep.low)} to {number(rep.high)} {rep.unit}",
    ]
    return [Text.from_markup(line) for line in lines]


def explain_table(rep: Reproduction, steps: list[Step]) -> Table:
    """The ``--explain`` walk: each driver, what changed, and spendcalc's value after it."""
    out = Table(title=f"{rep.estimate.id}: from spendcalc's default to the estimate's "
                      f"assumptions, one driver at a time ({rep.unit})",
                caption=f"Published: {number(rep.published)} {rep.unit} "
                        f"(“{rep.estimate.source['value_text']}”); verdict: {rep.verdict}.",
                box=box.SIMPLE_HEAD, header_style="bold", title_justify="left",
                caption_justify="left")
    out.add_column("Driver")
    out.add_column("What changes", overflow="fold")
    out.add_column("Value", justify="right")
    out.add_column("Moves", justify="right")
    previous: float | None = None
    for step in steps:
        change = None if previous is None or step.value is None else step.value - previous
        moves = ("" if change is None else "0" if abs(change) < 1e-12
                 else f"{change:+,.4g}".replace("-", "−"))
        what = "; ".join(step.changes) or step.note or "—"
        if step.changes and step.note:
            what += f" ({step.note})"
        out.add_row(step.driver, what, number(step.value), moves)
        previous = step.value if step.value is not None else previous
    return out


def records(reps: list[Reproduction]) -> list[dict[str, Any]]:
    """The ``--json`` list: one record per estimate (``evidence.literature.as_record``)."""
    return [as_record(r) for r in reps]

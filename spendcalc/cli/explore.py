"""The ``spendcalc explore`` command: the classroom explorer, one offline HTML file.

Parse, call ``spendcalc.views.explorer``, write. Import-light: numpy, pandas and pydantic load
only when the command runs, so ``spendcalc --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from spendcalc.cli.options import DataChoice, ExplorerOutputOption, ForceOption, SetOption

HELP = """Write the classroom explorer: one offline HTML file with live controls.

Sliders for the target, its year, the path, Spain's exemption, the baseline, growth and
related spending; the group total over time, every ally's gap, the run summary, the extra
spending in everyday terms, a lesson panel and a projector mode. The page computes with a
JavaScript port of the engine on the data chosen here (--data, --edition), so its numbers
are spendcalc run's. It makes no network requests; email it or open it from a USB stick.
Links keep every setting; "Download scenario (.toml)" gives a file spendcalc run accepts.

Money in US dollars, in the shown ally's own currency (local) or in one currency for all
(EUR, GBP, CAD, ...), at the rates of spendcalc run --currency (nato-2026 data; dollars
only on nato-2025).

SCENARIO (default hague-2035) is the one the page opens on; every ready scenario and every
published estimate (scenarios/published, with its source) is in its menu. The file is
explorer.html unless -o says otherwise; never overwritten without --force.

Examples: spendcalc explore; spendcalc explore rutte-2032 -o class.html --open.
See docs/teaching.md.
"""


def register(app: typer.Typer) -> None:
    """Add the explore command to ``app``."""
    from spendcalc.cli.options import guarded

    @app.command("explore", help=HELP)
    @guarded
    def explore(
        scenario: Annotated[str, typer.Argument(
            help="The scenario the page opens on: a ready name or a .toml file.")]
        = "hague-2035",
        output: ExplorerOutputOption = Path("explorer.html"),
        force: ForceOption = False,
        open_it: Annotated[bool, typer.Option(
            "--open", help="Open the page in the default browser.")] = False,
        sets: SetOption = None,
        *, data: DataChoice,
    ) -> None:
        """Write the classroom explorer: one offline HTML file with live controls."""
        from spendcalc.cli import options as cli_options
        from spendcalc.views import explorer

        explorer.check_output(output, force=force)  # before any work
        chosen = cli_options.load(scenario, sets, data.dataset)
        content = explorer.build(chosen, data.dataset)
        explorer.write(content, output, force=force)
        size = len(content.encode("utf-8"))
        print(f"wrote {output} ({size / 1024:,.0f} KB): open it in a browser; it works offline")
        if open_it:
            import webbrowser

            webbrowser.open(output.resolve().as_uri())

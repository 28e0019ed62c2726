"""Arguments and options shared by every command that takes a scenario.

Kept free of heavy imports: command modules import it at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from spendcalc.core.models import Scenario
    from spendcalc.io.data import Dataset

ScenarioArg = Annotated[
    str,
    typer.Argument(help="A ready scenario's name (see 'spendcalc scenarios') or a .toml file."),
]

DataOption = Annotated[
    Path | None,
    typer.Option("--data", metavar="DIR",
                 help="Your own data folder: its files replace the bundled files of the same "
                      "name (see 'spendcalc data template')."),
]

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="KEY=VALUE",
                 help="Change one scenario field, e.g. target.year=2032 or exemptions.ESP=none "
                      "(repeatable; validated like the file)."),
]


def load(scenario: str, sets: list[str] | None = None,
         data: Dataset | None = None) -> Scenario:
    """The scenario a command runs: the file or ready name, with ``--set`` changes applied."""
    from spendcalc.io.scenarios import load_scenario

    return load_scenario(scenario, data, overrides=sets or ())

"""The ``spendcalc plot`` command (being built; see issue 3)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the plot command to ``app``."""

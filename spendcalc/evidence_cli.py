"""Commands for evidence and teaching: claims, tradeoff, explain (being built; issue 5)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the evidence commands to ``app``."""

"""Where the bundled data and ready scenarios are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # spendcalc/


def bundled_dir(name: str) -> Path:
    """The bundled folder ``name`` (``data``, ``scenarios`` or ``seeds``).

    A wheel carries them inside the package (``spendcalc/_bundled``); an editable install
    or a source checkout uses the folders at the top of the repository.
    """
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found next to {_PACKAGE}")

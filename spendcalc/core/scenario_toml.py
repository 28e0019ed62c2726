"""Write a Scenario back as TOML: resolved (``spendcalc show``) or commented (``spendcalc new``).

The comments are the models' own field docstrings, so each setting is documented once.
"""

from __future__ import annotations

import textwrap
from typing import Any

import tomlkit
from pydantic import BaseModel

from spendcalc.core.models import Scenario

WIDTH = 88


def to_toml(scenario: Scenario, *, header: str = "", commented: bool = False) -> str:
    """TOML that loads back to ``scenario``; with ``commented``, every field's meaning,
    unit and default above it, and unset optional fields as comments."""
    doc = tomlkit.document()
    for line in header.splitlines():
        doc.add(tomlkit.comment(line))
    if header:
        doc.add(tomlkit.nl())
    _fill(doc, scenario, commented)
    return tomlkit.dumps(doc)


def _comment_lines(container: Any, text: str) -> None:
    for line in textwrap.wrap(" ".join(text.split()), WIDTH - 2):
        container.add(tomlkit.comment(line))


def _fill(container: Any, model: BaseModel, commented: bool) -> None:
    values = model.model_dump(mode="json")
    fields = type(model).model_fields
    # Plain values first, then sub-tables, as TOML requires.
    for key in sorted(fields, key=lambda k: _is_table(getattr(model, k))):
        info = fields[key]
        value = getattr(model, key)
        if commented and info.description:
            note = "" if _is_table(value) else f" {_default(info)}"
            _comment_lines(container, info.description + note)
        if value is None:
            if commented:
                container.add(tomlkit.comment(f"{key} = (not set)"))
        elif isinstance(value, BaseModel):
            table = tomlkit.table()
            _fill(table, value, commented)
            container.add(key, table)
        elif isinstance(value, dict) and _is_table(value):
            table = tomlkit.table(is_super_table=True)
            for name, item in value.items():
                sub = tomlkit.table()
                _fill(sub, item, commented=False)
                table.add(name, sub)
            container.add(key, table)
        elif isinstance(value, list) and _is_table(value):
            aot = tomlkit.aot()
            for item in value:
                sub = tomlkit.table()
                _fill(sub, item, commented=False)
                aot.append(sub)
            container.add(key, aot)
        else:
            container.add(key, _plain(values[key]))


def _is_table(value: object) -> bool:
    """Sub-models, and dicts or lists of them, are written as tables."""
    if isinstance(value, BaseModel):
        return True
    items = list(value.values()) if isinstance(value, dict) else value
    return isinstance(items, list) and bool(items) and isinstance(items[0], BaseModel)


def _default(info: Any) -> str:
    if info.is_required():
        return "Required."
    default = info.get_default(call_default_factory=True)
    if default is None:
        return "Default: not set."
    if isinstance(default, str):
        return f'Default: "{default}".'
    if isinstance(default, bool):
        return f"Default: {str(default).lower()}."
    if default in ({}, []):
        return "Default: none."
    return f"Default: {default}."


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        table.update({str(k): v for k, v in value.items()})
        return table
    return value



"""Read scenario files (TOML) into validated Scenarios, with one-line errors.

A scenario is named either by a ready scenario's name (``hague-2035``, from the bundled
``scenarios/`` folder) or by the path of a TOML file. Every error names the file, the field
and what is allowed; unknown keys are errors with the closest valid key suggested.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from spendcalc.core.dataset import Dataset
from spendcalc.core.errors import ScenarioError
from spendcalc.core.models import Scenario
from spendcalc.core.overrides import (
    NONE,
    apply_overrides,
    check_against_data,
    describe_validation_error,
    merge,
    parse_scenario,
    set_key,
    unknown_key,
    without_none,
)
from spendcalc.io.resources import bundled_dir

DEFAULT_SCENARIO = "hague-2035"
@dataclass(frozen=True)
class ReadyScenario:
    name: str
    description: str
    path: Path


def ready_scenarios() -> list[ReadyScenario]:
    """The bundled scenarios, sorted by name."""
    out = []
    for path in sorted(bundled_dir("scenarios").glob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        out.append(ReadyScenario(path.stem, str(doc.get("description", "")), path))
    return out


def scenario_path(name_or_path: str | Path) -> Path:
    """The file behind a ready scenario's name or a user's path."""
    text = str(name_or_path)
    path = Path(text)
    if path.suffix == ".toml" or path.exists() or "/" in text:
        if not path.is_file():
            raise ScenarioError(f"{_label(path)}: file not found")
        return path
    ready = bundled_dir("scenarios") / f"{text}.toml"
    if ready.is_file():
        return ready
    names = [r.name for r in ready_scenarios()]
    close = difflib.get_close_matches(text, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ScenarioError(
        f"unknown scenario {text!r}: {hint}ready scenarios: {', '.join(names)} "
        "(or give the path of a .toml file)"
    )


def load_scenario(name_or_path: str | Path, data: Dataset,
                  overrides: Sequence[str] = ()) -> Scenario:
    """Read a scenario (resolving ``extends``), apply ``--set`` overrides, validate it and
    check it against the data. Raises ScenarioError naming the file or the override."""
    path = scenario_path(name_or_path)
    label = _label(path)
    doc = resolve_document(path)
    # Without a base year, a scenario starts from the data's latest year (the edition's).
    doc.setdefault("base_year", data.latest_share_year)
    scenario = parse_scenario(without_none(doc), label)
    if overrides:
        label = f"--set ({label})"
        changed = apply_overrides(doc, overrides)
        if "description" not in {o.partition("=")[0].strip() for o in overrides}:
            changed["description"] = f"{doc.get('description', '')} [--set {', '.join(overrides)}]"
        scenario = parse_scenario(without_none(changed), label)
    if scenario.edition not in (None, data.edition_name):
        raise ScenarioError(f"{label}: edition: the scenario asks for {scenario.edition!r} but "
                            f"the data loaded are edition {data.edition_name!r}; give the same "
                            "--edition, or none")
    check_against_data(scenario, data, label)
    return scenario.model_copy(update={"edition": data.edition_name})


def scenario_edition(name_or_path: str | Path) -> str | None:
    """The edition a scenario file asks for (``edition = ...``, through ``extends``), if any."""
    edition = resolve_document(scenario_path(name_or_path)).get("edition")
    return edition if isinstance(edition, str) else None


def _label(path: Path) -> str:
    """How errors name a file: a ready scenario by its file name, any other by its path
    (quoted if it holds a line break or other control character, to keep errors on one
    line)."""
    text = path.name if path.parent == bundled_dir("scenarios") else str(path)
    return text if text.isprintable() else repr(text)


MAX_EXTENDS = 100
"""The longest ``extends`` chain: deeper is almost surely a mistake, and says so."""
MAX_NESTING = 16
"""The deepest nesting of tables and lists in a scenario file (the fields need 4)."""


def _read(path: Path) -> dict[str, Any]:
    """One scenario file's TOML (a leading byte-order mark accepted: Notepad writes one)."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{_label(path)}: invalid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{_label(path)}: not a UTF-8 text file") from None
    except RecursionError:
        raise ScenarioError(f"{_label(path)}: nested too deeply; at most {MAX_NESTING} levels "
                            "of tables and lists") from None
    except IsADirectoryError:
        raise ScenarioError(f"{_label(path)}: is a folder, not a scenario file") from None
    except OSError as exc:
        raise ScenarioError(f"{_label(path)}: cannot read ({exc.strerror})") from None
    if _depth(doc) > MAX_NESTING:
        raise ScenarioError(f"{_label(path)}: nested too deeply; at most {MAX_NESTING} levels "
                            "of tables and lists")
    return doc


def _depth(doc: Any) -> int:
    """How deeply tables and lists nest in ``doc`` (iteratively: any depth is safe)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            break
        children = node.values() if isinstance(node, dict) else (
            node if isinstance(node, list) else ())
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return deepest


def _parent_path(path: Path, parent: Any) -> Path:
    """The file an ``extends`` names: a ready scenario's name or a path relative to ``path``."""
    if not isinstance(parent, str) or not parent:
        raise ScenarioError(f"{_label(path)}: extends: must be a ready scenario's name or a "
                            f"path relative to this file, got {parent!r}")
    if parent.endswith(".toml") or "/" in parent:
        parent_path = (path.parent / parent).resolve()
        if not parent_path.is_file():
            raise ScenarioError(f"{_label(path)}: extends: {parent!r} not found "
                                f"(looked for {_label(parent_path)})")
        return parent_path
    try:
        return scenario_path(parent).resolve()
    except ScenarioError as exc:
        raise ScenarioError(f"{_label(path)}: extends: {exc}") from None


def resolve_document(path: Path) -> dict[str, Any]:
    """The file's TOML merged over its ``extends`` parents (a ready name or a relative path).

    Tables merge key by key; any other value replaces the parent's. A file without ``name``
    is named after itself; one without ``description`` says what it extends. The chain is
    followed in a loop (at most ``MAX_EXTENDS`` files); an unknown key is reported against
    the file that holds it.
    """
    chain: list[tuple[Path, dict[str, Any]]] = []
    seen: list[Path] = []
    current: Path | None = path
    while current is not None:
        doc = _read(current)
        doc.setdefault("name", current.stem)
        parent = doc.pop("extends", None)
        # A published estimate's file (scenarios/published/) describes its source in a
        # [published] table; as a scenario it runs on its assumptions alone.
        if isinstance(doc.get("published"), dict):
            del doc["published"]
        problem = unknown_key(doc)
        if problem is not None:
            raise ScenarioError(f"{_label(current)}: {problem}")
        chain.append((current, doc))
        seen.append(current.resolve())
        if parent is None:
            break
        parent_path = _parent_path(current, parent)
        if parent_path in seen:
            cycle = " -> ".join(p.name for p in (*seen, parent_path))
            raise ScenarioError(f"{_label(current)}: extends: cycle {cycle}")
        if len(chain) >= MAX_EXTENDS:
            raise ScenarioError(f"{_label(path)}: extends: the chain is longer than "
                                f"{MAX_EXTENDS} files; at most {MAX_EXTENDS}")
        current = parent_path
    merged = chain[-1][1]
    for file, doc in reversed(chain[:-1]):
        doc.setdefault("description",
                       f"{merged.get('description', '')} (changed by {file.name})")
        merged = merge(merged, doc)
    return merged


def override(scenario: Scenario, changes: Mapping[str, Any] | Sequence[str],
             data: Dataset) -> Scenario:
    """``scenario`` with ``changes`` applied and validated exactly as ``--set`` is: a mapping
    of dotted keys to Python values (``{"target.year": 2032}``; ``"none"`` or None removes
    an entry or table) or ``KEY=VALUE`` strings in ``--set`` syntax. The description says
    what changed, as a ``--set`` run's does. ScenarioError naming the key if it is wrong."""
    doc = scenario.model_dump(mode="json", exclude_none=True)
    label = f"override ({scenario.name})"
    if isinstance(changes, Mapping):
        items = []
        for key, value in changes.items():
            if not isinstance(key, str):
                raise TypeError(f"override: changes' keys must be dotted field names (str), "
                                f"not {type(key).__name__}")
            doc = set_key(doc, key, NONE if value is None else value, f"{label}: {key}")
            items.append(f"{key}={value!r}")
        keys = [str(k).strip() for k in changes]
    elif isinstance(changes, Sequence) and not isinstance(changes, str):
        doc = apply_overrides(doc, list(changes))
        items = [str(c) for c in changes]
        keys = [str(c).partition("=")[0].strip() for c in changes]
    else:
        raise TypeError("override: changes must be a mapping such as {'target.year': 2032} "
                        f"or a list of 'KEY=VALUE' strings, not {type(changes).__name__}")
    if "description" not in keys:
        doc["description"] = f"{scenario.description} [changed: {', '.join(items)}]"
    changed = parse_scenario(without_none(doc), label)
    check_against_data(changed, data, label)
    return changed


def check_scenario(scenario: Scenario, data: Dataset, label: str) -> Scenario:
    """A Scenario made in code (``model_copy`` skips validation) validated again, as a file
    would be, and checked against ``data``; ScenarioError naming the field if it is wrong."""
    try:
        checked = Scenario.model_validate(scenario.model_dump(warnings=False))
    except ValidationError as exc:
        raise ScenarioError(f"{label}: {describe_validation_error(exc, Scenario)}") from None
    check_against_data(checked, data, label)
    return checked

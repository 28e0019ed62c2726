"""Scenario documents before and after validation: ``extends`` merging, ``--set`` overrides,
validation with one-line errors naming the field, and the checks against the data.

Works on parsed TOML (plain dicts); reading files is ``spendcalc.io.scenarios``.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from spendcalc.core.currency import check_fixed
from spendcalc.core.dataset import Dataset
from spendcalc.core.errors import ScenarioError, SpendcalcWarning
from spendcalc.core.models import Scenario

HIGH_SHARE_PCT = 10.0


NONE = "none"
"""A table entry set to this string is removed after merging (``exemptions.ESP = "none"``)."""


def merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``base``: tables merge recursively, other values replace."""
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def without_none(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: without_none(v) if isinstance(v, dict) else v
            for k, v in doc.items() if v != NONE}


KEY_PART = re.compile(r"[A-Za-z0-9_-]+")
"""One part of a dotted ``--set`` key: a field name, or a member code or year in a table."""


def apply_overrides(doc: dict[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """Apply ``KEY=VALUE`` items (dotted keys; values in TOML syntax, bare words as text).
    One item sets exactly one key: line breaks are refused, and so are keys other than
    names separated by dots (list items cannot be set one by one: set the whole list)."""
    out = doc
    for item in overrides:
        if not isinstance(item, str):
            raise TypeError(f"overrides: each item must be a 'KEY=VALUE' string, not "
                            f"{type(item).__name__}")
        key, sep, text = item.partition("=")
        if not sep or not all(key.strip().split(".")):
            raise ScenarioError(f"--set {item!r}: expected KEY=VALUE, e.g. target.year=2032")
        if "\n" in item or "\r" in item:
            raise ScenarioError(f"--set {item!r}: one --set sets one key; line breaks are not "
                                "allowed (give each key its own --set)")
        out = set_key(out, key, _override_value(text.strip()), f"--set {item!r}")
    return out


def set_key(doc: dict[str, Any], key: str, value: Any, label: str) -> dict[str, Any]:
    """``doc`` with the dotted ``key`` set to ``value`` (tables merged, as ``extends`` does;
    the text "none" removes an entry); ``label`` starts any error. ``doc`` is not changed."""
    parts = [p.strip() for p in key.strip().split(".")]
    bad = next((p for p in parts if not KEY_PART.fullmatch(p)), None)
    if bad is not None:
        raise ScenarioError(f"{label}: {bad!r} is not a key; allowed: names separated by "
                            "dots (target.year, exemptions.ESP.core_pct); a list is set "
                            "whole, e.g. members=[\"DEU\",\"FRA\"]")
    patch: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        patch = {part: patch}
    node: Any = doc
    for depth, part in enumerate(parts[:-1]):
        node = node.get(part) if isinstance(node, dict) else None
        if node is not None and not isinstance(node, dict):
            where = ".".join(parts[: depth + 1])
            raise ScenarioError(f"{label}: {where} is a value, not a table")
    return merge(doc, patch)


def _override_value(text: str) -> Any:
    """A ``--set`` value: TOML (``2032``, ``true``, ``"text"``, ``[...]``), else the bare
    text itself (``exemptions.ESP=none``)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    except RecursionError:
        raise ScenarioError(f"--set: the value is nested too deeply ({text[:20]}...)") from None


def parse_scenario(doc: dict[str, Any], label: str) -> Scenario:
    """Validate a parsed TOML document; errors name ``label`` and the field."""
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        raise ScenarioError(
            f"{label}: {describe_validation_error(exc, Scenario, doc)}") from None


# What a field of each kind takes, for type errors (strict: no conversion from text or bool).
_ALLOWED = {
    "float_type": "a number without quotes, e.g. 3.5", "float_parsing": "a number, e.g. 3.5",
    "int_type": "a whole number without quotes, e.g. 2030",
    "int_from_float": "a whole number, e.g. 2030", "int_parsing": "a whole number, e.g. 2030",
    "bool_type": "true or false, without quotes", "string_type": "text in quotes",
    "list_type": "a list, e.g. [\"DEU\", \"FRA\"]", "dict_type": "a table",
    "model_type": "a table", "model_attributes_type": "a table",
    "finite_number": "a finite number",
}


def describe_validation_error(exc: ValidationError, model: type[BaseModel],
                              doc: Any = None) -> str:
    """One line for the first problem in a pydantic error, with valid keys suggested.
    ``doc`` (the validated document) tells the user's keys from pydantic's own location
    tags, so a key that looks like a tag (``"milestones[0]"``) is still named."""
    errors = exc.errors()
    err = errors[0]
    kind = err["type"]
    loc = _user_loc(err["loc"], doc, kind == "missing")
    field = _field_name(loc)
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    got = _short(err.get("input"))
    if kind == "extra_forbidden" and loc:
        valid = _valid_keys(model, tuple(loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"{field}: unknown key; {hint}allowed here: {', '.join(valid)}{more}"
    ctx = err.get("ctx") or {}
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = _bounds(model, err["loc"])
        rng = f"from {low:g} to {high:g}" if None not in (low, high) else err["msg"]
        return f"{field}: {got} is out of range; allowed: {rng}{more}"
    if kind == "literal_error":
        return f"{field}: {got} is not allowed; allowed: {ctx.get('expected')}{more}"
    if kind == "missing":
        return f"{field}: required but missing{more}"
    if kind == "value_error":
        msg = _one_line(str(ctx.get("error", err["msg"])))
        return f"{msg}{more}" if not loc else f"{field}: {msg}{more}"
    if kind in _ALLOWED:
        return f"{field}: {got} is not allowed; allowed: {_ALLOWED[kind]}{more}"
    return f"{field}: {_one_line(err['msg'])}, got {got}{more}"


def _user_loc(loc: tuple[int | str, ...], doc: Any, missing: bool) -> list[int | str]:
    """The parts of a pydantic location the user wrote: keys and list positions found in
    ``doc`` (and, for a missing field, its name); without ``doc``, every part but pydantic's
    tags for union branches and validators (``list[...]``, ``function-after[...]``)."""
    if doc is None:
        return [p for p in loc if isinstance(p, int) or "[" not in p]
    out: list[int | str] = []
    node = doc
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and str(part) in node:  # a year key read from text
            out.append(str(part))
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif missing and i == len(loc) - 1 and isinstance(node, dict):
            out.append(part)  # a required field the document lacks
    return out


def _field_name(loc: Sequence[int | str]) -> str:
    """``target.core_pct``, ``milestones[0].year``; a key that is not a plain name is
    quoted as TOML would (``"milestones[0]"``)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if KEY_PART.fullmatch(part) else json.dumps(part)
            out += f".{text}"
    return out.lstrip(".") or "(top)"


def _short(value: Any) -> str:
    """A value as the user wrote it, on one line and at most 60 characters (a bool as TOML
    spells it)."""
    text = str(value).lower() if isinstance(value, bool) else repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _one_line(text: str) -> str:
    return " ".join(text.split())


def unknown_key(doc: dict[str, Any], model: type[BaseModel] = Scenario) -> str | None:
    """The first unknown key in one file's document, described as validation would ("x.y:
    unknown key; did you mean ...? allowed here: ..."), or None. Checks the keys alone, so
    a parent file in an ``extends`` chain can be blamed for its own keys."""
    found = _first_unknown(doc, model, ())
    if found is None:
        return None
    loc, sub = found
    valid = list(sub.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{_field_name(loc)}: unknown key; {hint}allowed here: {', '.join(valid)}"


def _first_unknown(node: dict[str, Any], model: type[BaseModel], loc: tuple[int | str, ...],
                   ) -> tuple[tuple[int | str, ...], type[BaseModel]] | None:
    for key, value in node.items():
        info = model.model_fields.get(key)
        if info is None:
            return (*loc, key), model
        sub = _model_in(info.annotation)
        if sub is None:
            continue
        kind = _container(info.annotation)
        items: list[tuple[tuple[int | str, ...], Any]] = []
        if kind == "dict" and isinstance(value, dict):
            items = [((*loc, key, k), v) for k, v in value.items()]
        elif kind == "list" and isinstance(value, list):
            items = [((*loc, key, i), v) for i, v in enumerate(value)]
        elif kind == "model":
            items = [((*loc, key), value)]
        for where, item in items:
            found = _first_unknown(item, sub, where) if isinstance(item, dict) else None
            if found is not None:
                return found
    return None


def _container(annotation: Any) -> str:
    """How a model sits in an annotation: ``dict`` (``dict[str, X]``), ``list``, ``model``."""
    origin = get_origin(annotation)
    if origin is dict:
        return "dict"
    if origin is list:
        return "list"
    for arg in get_args(annotation):
        if _model_in(arg) is not None:
            return _container(arg)
    return "model"


def _submodel(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    current: Any = model
    key_next = False  # after a table of models (exemptions), the next part is its key
    for part in loc:
        if isinstance(part, int):
            continue
        if key_next:
            key_next = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _model_in(info.annotation)
        key_next = _container(info.annotation) == "dict"
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _model_in(annotation: Any) -> Any:
    """The BaseModel class inside an annotation such as ``list[X]`` or ``X | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _valid_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    sub = _submodel(model, loc)
    return list(sub.model_fields) if sub else []


def _bounds(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[Any, Any]:
    """The (ge, le) declared for the field at ``loc``, looking inside Optional, list, dict."""
    parts = tuple(p for p in loc if isinstance(p, str))
    # A dict entry such as growth.overrides.DEU is bounded by its field, one level up.
    for names in (parts, parts[:-1]):
        parent = _submodel(model, names[:-1]) if names else None
        info = parent.model_fields.get(names[-1]) if parent else None
        if info is not None:
            low = high = None
            for c in _constraints([*info.metadata, info.annotation]):
                low = c.ge if getattr(c, "ge", None) is not None else low
                high = c.le if getattr(c, "le", None) is not None else high
            return low, high
    return None, None


def _constraints(items: list[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _constraints([*getattr(item, "metadata", ()), *getattr(item, "__metadata__", ()),
                                 *getattr(item, "__args__", ())])


def suggest_member(code: str, data: Dataset) -> str:
    """' did you mean DEU (Germany)?' for a near miss such as GER, else ''."""
    low = code.lower()
    by_name = [m for m in data.members if m.name.lower().startswith(low)]
    if by_name:
        m = by_name[0]
    else:
        close = difflib.get_close_matches(code.upper(), data.codes, n=1, cutoff=0.6)
        if not close:
            names = {m.name.lower(): m for m in data.members}
            near = difflib.get_close_matches(low, list(names), n=1, cutoff=0.6)
            if not near:
                return ""
            m = names[near[0]]
        else:
            m = data.members[data.index(close[0])]
    return f"; did you mean {m.iso3} ({m.name})?"


def check_against_data(scenario: Scenario, data: Dataset, label: str) -> None:
    """Member codes exist, the base year has data; warn on shares above 10 % of GDP."""
    known = set(data.codes)
    used: list[tuple[str, str]] = []
    if scenario.members != "all":
        used += [(f"members[{i}]", c) for i, c in enumerate(scenario.members)]
    used += [(f"exclude[{i}]", c) for i, c in enumerate(scenario.exclude)]
    used += [(_field_name(("exemptions", c)), c) for c in scenario.exemptions]
    used += [(f"milestones[{i}].member", m.member) for i, m in enumerate(scenario.milestones)]
    used += [(_field_name(("growth", "overrides", c)), c) for c in scenario.growth.overrides]
    u = scenario.uncertainty
    used += [(_field_name(("uncertainty", "growth_sd_overrides", c)), c)
             for c in u.growth_sd_overrides]
    used += [(_field_name(("uncertainty", "compliance_overrides", c)), c)
             for c in u.compliance_overrides]
    for field, code in used:
        if code not in known:
            raise ScenarioError(
                f"{label}: {field}: {code!r} is not a NATO member code{suggest_member(code, data)}"
            )
    first, last = data.base_years[0], data.base_years[-1]
    if not first <= scenario.base_year <= last:
        raise ScenarioError(
            f"{label}: base_year: {scenario.base_year} is not allowed; allowed: {first} to "
            f"{last} (years with both NATO shares and GDP or a GDP projection)"
        )
    if scenario.currency and data.usd_rates is not None:  # a fixed rate names a real currency
        try:
            check_fixed(data, scenario.currency)
        except ScenarioError as exc:
            raise ScenarioError(f"{label}: {exc}") from None
    chosen = scenario.members if scenario.members != "all" else list(data.codes)
    if not set(chosen) - set(scenario.exclude):
        raise ScenarioError(f"{label}: members: the selection is empty after 'exclude'")
    for field, value in _shares(scenario):
        if value > HIGH_SHARE_PCT:
            warnings.warn(
                f"{label}: {field} = {value:g} % of GDP is unusually high (above "
                f"{HIGH_SHARE_PCT:g} %); check the unit is percent, not a fraction or money",
                SpendcalcWarning, stacklevel=2,
            )


def _shares(s: Scenario) -> Iterator[tuple[str, float]]:
    """Every share-of-GDP field in the scenario, with its dotted name."""
    yield "baseline_pct", s.baseline_pct
    yield "related.base_pct", s.related.base_pct
    if s.target is not None:
        yield "target.core_pct", s.target.core_pct
        yield "target.related_pct", s.target.related_pct
    for year, pct in (s.path.points or {}).items():
        yield f"path.points.{year}", pct
    for code, e in s.exemptions.items():
        yield _field_name(("exemptions", code, "core_pct")), e.core_pct
        yield _field_name(("exemptions", code, "related_pct")), e.related_pct
    for i, m in enumerate(s.milestones):
        yield f"milestones[{i}].pct", m.pct

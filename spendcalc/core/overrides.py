"""Scenario documents before and after validation: ``extends`` merging, ``--set`` overrides,
validation with one-line errors naming the field, and the checks against the data.

Works on parsed TOML (plain dicts); reading files is ``spendcalc.io.scenarios``.
"""

from __future__ import annotations

import difflib
import tomllib
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

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


def apply_overrides(doc: dict[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """Apply ``KEY=VALUE`` items (dotted keys; values in TOML syntax, bare words as text)."""
    out = doc
    for item in overrides:
        key, sep, text = item.partition("=")
        parts = key.strip().split(".")
        if not sep or not all(parts):
            raise ScenarioError(f"--set {item!r}: expected KEY=VALUE, e.g. target.year=2032")
        try:
            value = tomllib.loads(f"v = {text.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = text.strip()
        patch: dict[str, Any] = {parts[-1]: value}
        for part in reversed(parts[:-1]):
            patch = {part: patch}
        node: Any = out
        for depth, part in enumerate(parts[:-1]):
            node = node.get(part) if isinstance(node, dict) else None
            if node is not None and not isinstance(node, dict):
                where = ".".join(parts[: depth + 1])
                raise ScenarioError(f"--set {item!r}: {where} is a value, not a table")
        out = merge(out, patch)
    return out


def parse_scenario(doc: dict[str, Any], label: str) -> Scenario:
    """Validate a parsed TOML document; errors name ``label`` and the field."""
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        raise ScenarioError(f"{label}: {describe_validation_error(exc, Scenario)}") from None


def describe_validation_error(exc: ValidationError, model: type[BaseModel]) -> str:
    """One line for the first problem in a pydantic error, with valid keys suggested."""
    errors = exc.errors()
    err = errors[0]
    # Union branches add tags such as "list[...]" to the location; users never wrote those.
    loc = [str(p) for p in err["loc"] if isinstance(p, int) or "[" not in str(p)]
    field = "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in loc).lstrip(".") or "(top)"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    kind = err["type"]
    if kind == "extra_forbidden":
        valid = _valid_keys(model, err["loc"][:-1])
        close = difflib.get_close_matches(loc[-1], valid, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"{field}: unknown key; {hint}allowed here: {', '.join(valid)}{more}"
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = _bounds(model, err["loc"])
        rng = f"from {low:g} to {high:g}" if None not in (low, high) else err["msg"]
        return f"{field}: {got!r} is out of range; allowed: {rng}{more}"
    if kind == "literal_error":
        return f"{field}: {got!r} is not allowed; allowed: {ctx.get('expected')}{more}"
    if kind == "missing":
        return f"{field}: required but missing{more}"
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        return f"{msg}{more}" if not loc else f"{field}: {msg}{more}"
    return f"{field}: {err['msg']}, got {got!r}{more}"


def _submodel(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _model_in(info.annotation)
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
    used += [(f"exemptions.{c}", c) for c in scenario.exemptions]
    used += [(f"milestones[{i}].member", m.member) for i, m in enumerate(scenario.milestones)]
    used += [(f"growth.overrides.{c}", c) for c in scenario.growth.overrides]
    u = scenario.uncertainty
    used += [(f"uncertainty.growth_sd_overrides.{c}", c) for c in u.growth_sd_overrides]
    used += [(f"uncertainty.compliance_overrides.{c}", c) for c in u.compliance_overrides]
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
        yield f"exemptions.{code}.core_pct", e.core_pct
        yield f"exemptions.{code}.related_pct", e.related_pct
    for i, m in enumerate(s.milestones):
        yield f"milestones[{i}].pct", m.pct

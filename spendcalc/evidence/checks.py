"""The checks a claim can carry (``[claim.check]`` and ``[[claim.context]]`` in
``seeds/claims.toml``), one typed model per ``kind``, validated when the file is read.

Numbers keep the type they are written with (``Number``), so an export repeats the file.
Shares are percent of GDP; USD figures USD million (NATO's unit) unless ``unit`` says.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from spendcalc.core.errors import DataError

Number = int | float
Expect = Literal["equal", "at_least", "at_most", "above", "below"]
Method = Literal["usd_column", "share_x_gdp"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Tolerance(_Model):
    """How far a value may be from the target: ``{ absolute = x }`` in the value's unit, or
    ``{ relative = x }`` as a fraction of the target."""

    absolute: Number | None = None
    relative: Number | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Tolerance:
        if (self.absolute is None) == (self.relative is None):
            raise ValueError("must be { absolute = x } or { relative = x }")
        return self

    def of(self, target: float) -> tuple[float, str]:
        """The tolerance for ``target`` and how it is written (``±0.05``, ``±5%``)."""
        if self.relative is not None:
            return abs(target) * float(self.relative), f"±{float(self.relative) * 100:g}%"
        return float(self.absolute or 0.0), f"±{float(self.absolute or 0.0):g}"


class Compared(_Model):
    """A check whose value is compared with ``target`` (default: the claim's
    ``stated.value``) by ``expect``, within ``tolerance``."""

    expect: Expect
    target: Number | None = None
    tolerance: Tolerance


class OverMembers(Compared):
    """A check over members' values of ``metric`` in each of ``vintages``."""

    metric: str
    members: str | list[str]
    """``members_in_year``, a group name (data/groups.toml) or a list of codes."""
    region: str | None = None
    vintages: list[str]


class CountBelow(OverMembers):
    kind: Literal["count_below"]
    year: int
    threshold: Number
    missing: Literal["exclude", "count_as_below"] = "exclude"


class CountIncreased(OverMembers):
    kind: Literal["count_increased"]
    year_from: int
    year_to: int


class Sum(OverMembers):
    kind: Literal["sum"]
    year: int
    unit: Literal["USD bn", "USD trn"]
    method: dict[str, Method] | None = None
    """Per vintage: ``usd_column`` (its own USD figures, the default) or ``share_x_gdp``."""


class ShareOfTotal(OverMembers):
    kind: Literal["share_of_total"]
    member: str
    year: int
    method: dict[str, Method] | None = None


class Rank(OverMembers):
    kind: Literal["rank"]
    member: str
    year: int
    method: dict[str, Method] | None = None


class Commitment(_Model):
    kind: Literal["commitment"]
    iso3: str
    commitment_kind: str
    value_pct: Number | None = None
    by_year: int | None = None
    tolerance: Tolerance


class Membership(_Model):
    kind: Literal["membership"]
    year: int
    count: int | None = None
    is_member: list[str] = []
    is_not_member: list[str] = []


class ArmsImportShare(Compared):
    kind: Literal["arms_import_share"]
    importer_group: str
    period: str
    supplier: str


class NotCheckable(_Model):
    kind: Literal["not_checkable"]
    reason: str


Check = (CountBelow | CountIncreased | Sum | ShareOfTotal | Rank | Commitment | Membership
         | ArmsImportShare | NotCheckable)

MODELS: dict[str, type[Check]] = {
    "count_below": CountBelow, "count_increased": CountIncreased, "sum": Sum,
    "share_of_total": ShareOfTotal, "rank": Rank, "commitment": Commitment,
    "membership": Membership, "arms_import_share": ArmsImportShare,
    "not_checkable": NotCheckable,
}
"""Each check kind's model (the kinds in ``claims.KINDS`` order)."""


def parse_check(raw: Any, where: str) -> Check:
    """``raw`` (a TOML table) as its kind's model; a DataError of one line naming ``where``
    (file, claim and check) and the field otherwise."""
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind not in MODELS:
        raise DataError(f"{where}.kind = {kind!r}; allowed: {', '.join(MODELS)}")
    model = MODELS[kind]
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataError(_problem(exc, where, kind, model)) from None


def _problem(exc: ValidationError, where: str, kind: str, model: type[Check]) -> str:
    import difflib

    errors = exc.errors()
    # An unknown key first: a misspelt key also makes the right one missing.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    # Union branches add tags ("str", "list[str]") to the location; the file has none.
    loc = ".".join(str(p) for p in err["loc"]
                   if isinstance(p, int) or ("[" not in p and p not in ("str", "int", "float")))
    if err["type"] == "missing":
        return f"{where}: {loc} is required for kind {kind!r}"
    if err["type"] == "extra_forbidden":
        close = difflib.get_close_matches(loc.rsplit(".", 1)[-1], model.model_fields, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return (f"{where}.{loc}: unknown key for kind {kind!r}; {hint}allowed: "
                f"{', '.join(model.model_fields)}")
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}.{loc} = {err['input']!r}: {message}"

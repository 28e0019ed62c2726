"""Field types shared by every model: member codes, shares of GDP, years."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import Strict as StrictType

MAX_YEAR = 2100


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


Iso3 = Annotated[str, BeforeValidator(_upper), Field(min_length=1)]
"""An ISO 3166-1 alpha-3 member code such as ``DEU``; lower case is accepted. Whether it
names a member is checked against the data (with a suggestion) by ``spendcalc.io.scenarios``."""

Percent = Annotated[float, Field(ge=0.0, le=100.0)]
"""A share of GDP in percent, 0 to 100."""

Year = Annotated[int, Field(ge=1949, le=MAX_YEAR)]

YearKey = Annotated[int, StrictType(False), Field(ge=1949, le=MAX_YEAR)]
"""A year as a table key (``points = { 2028 = 2.5 }``): TOML keys are always text, so
``"2028"`` is read as 2028 here, and only here."""


class Strict(BaseModel):
    """Unknown keys are errors; types are strict (a number is a TOML number, never the text
    "3.5" or a bool; a whole number is accepted where a decimal is expected, 3 for 3.0; a
    year is a whole number); instances are immutable; a field's docstring is its
    description (shown in the files ``spendcalc new`` writes)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True,
                              strict=True)

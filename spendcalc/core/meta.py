"""What made a result: the metadata every result and export carries.

The input hash (``inputs_sha256``) is SHA-256 over, in this order, for each data file the
projection reads (in name order) and then the resolved scenario::

    b"data/<name>\\n" + b"<length in bytes>\\n" + <the file's bytes>
    b"scenario.toml\\n" + b"<length in bytes>\\n" + <the resolved scenario TOML, UTF-8>

so it depends on the files' contents only, never on where they are.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from spendcalc.core.dataset import Dataset
from spendcalc.core.errors import SpendcalcError, SpendcalcWarning
from spendcalc.core.models import Scenario
from spendcalc.core.version import __version__

# Sources every projection rests on besides the base-year shares: NATO's GDP series and the
# IMF growth that carries it forward.
ALWAYS_USED = ("NATO-DE-2024", "IMF-WEO-2025-10-derived")

UNITS = ("shares in percent of GDP; money in billions of current US dollars "
         "(_const: constant base-year US dollars, deflated by US CPI)")


MAX_EPOCH = 4354819199
"""2107-12-31T23:59:59Z: the last moment a zip file (an .xlsx export) can record."""


def created_now() -> str:
    """The creation time for metadata, ``...Z`` (see ``creation_moment``)."""
    return creation_moment().strftime("%Y-%m-%dT%H:%M:%SZ")


def creation_moment() -> datetime:
    """The creation time of an output: now, UTC, to the second. The environment
    variable ``SOURCE_DATE_EPOCH`` (whole seconds since 1970, the reproducible-builds
    convention) replaces the clock, for files that must be byte-identical from one day to
    the next. A value that is not a whole number is ignored with a warning (and removed from
    the environment, for matplotlib's sake); one outside 0 to ``MAX_EPOCH`` is an error (an
    export could not record it)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.now(UTC).replace(microsecond=0)
    if epoch:
        try:
            seconds = int(epoch, 10)
        except ValueError:
            shown = epoch if len(epoch) <= 30 else f"{epoch[:27]}..."
            warnings.warn(f"SOURCE_DATE_EPOCH={shown!r} is not a whole number of seconds "
                          "since 1970; ignored, the clock is used", SpendcalcWarning,
                          stacklevel=2)
            # Removed, not only ignored: matplotlib reads it too when it writes SVG and PDF
            # metadata, and fails on text.
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            if not 0 <= seconds <= MAX_EPOCH:
                raise SpendcalcError(
                    f"SOURCE_DATE_EPOCH={epoch}: out of range; allowed: 0 to {MAX_EPOCH} "
                    "(seconds since 1970, up to the end of 2107, the last date a zip file "
                    "such as .xlsx can hold)")
            moment = datetime.fromtimestamp(seconds, UTC)
    return moment


_tomls: dict[str, str] = {}


def scenario_toml(scenario: Scenario) -> str:
    """The resolved scenario as TOML text (``scenario_toml.to_toml``), cached by content."""
    key = scenario.model_dump_json()
    text = _tomls.get(key)
    if text is None:
        from spendcalc.core.scenario_toml import to_toml

        text = to_toml(scenario)
        if len(_tomls) > 64:
            _tomls.clear()
        _tomls[key] = text
    return text


def metadata(scenario: Scenario, data: Dataset, base_sources: tuple[str, ...]) -> dict[str, Any]:
    """What made a result: enough to trace every number back to data and assumptions, and
    to re-run it (``spendcalc run --from-meta``). The fields are documented in
    ``spendcalc.io.export_schema.Meta`` and docs/exports.md."""
    used = sorted({*base_sources, *ALWAYS_USED} - {""})
    toml_text = scenario_toml(scenario)
    return {
        "spendcalc_version": __version__,
        "created": created_now(),
        "scenario": scenario.name,
        "scenario_description": scenario.description,
        "scenario_settings": scenario.model_dump(mode="json"),
        "scenario_toml": toml_text,
        "data_vintage": data.vintage,
        "data_files": [asdict(f) for f in data.files],
        "inputs_sha256": data.inputs_sha256(toml_text),
        "sources": {s: data.sources[s].title for s in used if s in data.sources},
        "units": UNITS,
    }

"""spendcalc: NATO defence-spending scenarios, country by country, year by year.

The Python API::

    import spendcalc
    scenario = spendcalc.load_scenario("hague-2035")   # a ready name or a TOML path
    table = spendcalc.project(scenario)                # pandas DataFrame, one row per
                                                       # (scenario, member, year)

Heavy modules (numpy, pandas, pydantic) load on first use, so ``spendcalc --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from spendcalc.core.result import compute, load_scenario, project

__all__ = ["__version__", "compute", "load_scenario", "project"]


def __getattr__(name: str) -> Any:
    if name in ("compute", "load_scenario", "project"):
        from spendcalc.core import result as api

        return getattr(api, name)
    raise AttributeError(f"module 'spendcalc' has no attribute {name!r}")

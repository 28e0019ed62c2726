"""spendcalc: NATO defence-spending scenarios, country by country, year by year.

The Python API::

    import spendcalc
    data = spendcalc.load_dataset()                    # the bundled data (or a folder of yours)
    scenario = spendcalc.load_scenario("hague-2035")   # a ready name or a TOML path
    result = spendcalc.compute(scenario, data)         # .table, .aggregates, .meta, .data
    spendcalc.project(scenario)                        # just the table: one row per
                                                       # (scenario, member, year)

Every function that takes ``data`` uses the bundled data when it is left out. A Result
carries the scenario and data it was computed with, so charts, reports and exports made
from it (``spendcalc.views``, ``spendcalc.io.outputs``) never mix in other data.

Units: shares in percent of GDP; money in billions of current US dollars unless a column
name ends in ``_const`` (constant base-year US dollars).

Heavy modules (numpy, pandas, pydantic) load on first use, so ``spendcalc --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spendcalc.core.version import __version__

if TYPE_CHECKING:
    import pandas as pd

    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.core.result import Result

__all__ = ["Dataset", "Result", "Scenario", "__version__", "compute", "history", "load_dataset",
           "load_scenario", "override", "project", "sensitivity", "simulate", "sweep"]

DEFAULT_SCENARIO = "hague-2035"


def load_dataset(directory: str | Path | None = None, edition: str | None = None) -> Dataset:
    """The data: the bundled files of ``edition`` (default ``nato-2026``; ``nato-2025`` the
    previous), with any file of the same name in ``directory`` (your own data folder, see
    ``spendcalc data template``) in its place. Validated on load."""
    from spendcalc.io.data import load_dataset as load

    return load(directory, edition)


def load_scenario(name_or_path: str | Path = DEFAULT_SCENARIO, data: Dataset | None = None,
                  overrides: Sequence[str] = ()) -> Scenario:
    """A validated Scenario from a ready scenario's name or a TOML file's path, with
    ``KEY=VALUE`` overrides applied as ``--set`` does, checked against ``data``."""
    from spendcalc.core.dataset import Dataset
    from spendcalc.io.scenarios import load_scenario as load
    from spendcalc.io.scenarios import scenario_edition

    if not isinstance(name_or_path, str | Path):
        raise TypeError("load_scenario: name_or_path must be a ready scenario's name or a .toml "
                        f"path (str or Path), not {type(name_or_path).__name__}")
    if data is not None and not isinstance(data, Dataset):
        raise TypeError("load_scenario: data must be a Dataset (spendcalc.load_dataset(...)) or "
                        f"None for the bundled data, not {type(data).__name__}")
    if isinstance(overrides, str) or not all(isinstance(o, str) for o in overrides):
        raise TypeError("load_scenario: overrides must be a list of 'KEY=VALUE' strings, e.g. "
                        "['target.year=2032']")
    return load(name_or_path, data or load_dataset(edition=scenario_edition(name_or_path)),
                overrides)


def compute(scenario: Scenario | str | Path, data: Dataset | None = None) -> Result:
    """Project ``scenario`` (a Scenario, or a ready scenario's name or a .toml path, loaded
    as ``load_scenario`` does): a Result with the member table, group aggregates and
    metadata. The scenario is validated again first (``model_copy`` skips validation):
    ScenarioError naming the field if it is wrong; TypeError for an argument of the wrong
    kind."""
    from spendcalc.core.result import compute as run

    scenario, data = _scenario_and_data(scenario, data, "compute")
    return run(scenario, data)


def project(scenario: Scenario | str | Path, data: Dataset | None = None) -> pd.DataFrame:
    """The projection table: one row per (scenario, member, year); columns in the README.
    ``scenario`` and ``data`` as for ``compute``."""
    from spendcalc.core.result import compute as run

    scenario, data = _scenario_and_data(scenario, data, "project")
    return run(scenario, data).table


def override(scenario: Scenario, changes: Mapping[str, Any] | Sequence[str],
             data: Dataset | None = None) -> Scenario:
    """A copy of ``scenario`` with ``changes`` applied, validated exactly as ``--set`` is:
    ``override(s, {"target.year": 2032, "exemptions.ESP": None})`` (None or "none" removes
    an entry or table) or ``override(s, ["target.year=2032"])``. Use it, not
    ``model_copy``, which skips validation. ScenarioError naming the key if it is wrong."""
    from spendcalc.io.scenarios import override as apply

    scenario, data = _scenario_and_data(scenario, data, "override")
    return apply(scenario, changes, data)


def _scenario_and_data(scenario: Any, data: Any, function: str) -> tuple[Scenario, Dataset]:
    """Check the arguments' kinds (TypeError naming the argument), load a scenario given by
    name or path, and validate a Scenario again against the data."""
    from spendcalc.core.dataset import Dataset
    from spendcalc.core.models import Scenario
    from spendcalc.io.scenarios import check_scenario

    if data is not None and not isinstance(data, Dataset):
        raise TypeError(f"{function}: data must be a Dataset (spendcalc.load_dataset(...)) or "
                        f"None for the bundled data, not {type(data).__name__}")
    if isinstance(scenario, str | Path):
        return (loaded := load_scenario(scenario, data)), data or load_dataset(
            edition=loaded.edition)
    if not isinstance(scenario, Scenario):
        raise TypeError(f"{function}: scenario must be a Scenario (spendcalc.load_scenario), "
                        f"a ready scenario's name or a .toml path, not "
                        f"{type(scenario).__name__}")
    data = data or load_dataset(edition=scenario.edition)
    return check_scenario(scenario, data, f"{function}: scenario {scenario.name!r}"), data


def history(data: Dataset | None = None) -> pd.DataFrame:
    """NATO's reported core shares, GDP and spending per (member, year) up to the base year."""
    from spendcalc.core.tables import history_table

    return history_table(data or load_dataset())


def sweep(scenario: Scenario | str | Path, vary: Sequence[str], metric: str | None = None,
          group: str = "nato", data: Dataset | None = None) -> pd.DataFrame:
    """The metric for ``group`` in the horizon year over the grid of ``vary`` items
    (``"target.year=2030:2035"``, ``"target.core_pct=3,3.5,4"``), one row per variant."""
    from spendcalc.core import tables, whatif

    scenario, data = _scenario_and_data(scenario, data, "sweep")
    varies = [whatif.parse_vary(text) for text in vary]
    swept = whatif.sweep(scenario, data, varies, metric or whatif.DEFAULT_METRIC, group)
    return tables.sweep_table(swept, scenario.name)


def sensitivity(scenario: Scenario | str | Path, metric: str | None = None, group: str = "nato",
                data: Dataset | None = None) -> pd.DataFrame:
    """Each key parameter moved alone between its documented low and high (README), one row
    per parameter, largest swing first."""
    from spendcalc.core import tables, whatif

    scenario, data = _scenario_and_data(scenario, data, "sensitivity")
    result = whatif.sensitivity(scenario, data, metric or whatif.DEFAULT_METRIC, group)
    return tables.sensitivity_table(result, scenario.name)


def simulate(scenario: Scenario | str | Path, draws: int, seed: int,
             data: Dataset | None = None) -> pd.DataFrame:
    """Monte Carlo over growth and compliance: P5–P95 of spending (USD bn) and share (% of
    GDP) per member, group and year. The same seed gives the same numbers."""
    from spendcalc.core import simulate as mc
    from spendcalc.core import tables

    scenario, data = _scenario_and_data(scenario, data, "simulate")
    result = mc.summarise(scenario, data, draws, seed)  # bounded memory, same numbers
    return tables.simulation_table(scenario.name, result)


def __getattr__(name: str) -> Any:
    if name == "Result":
        from spendcalc.core.result import Result

        return Result
    if name == "Scenario":
        from spendcalc.core.models import Scenario

        return Scenario
    if name == "Dataset":
        from spendcalc.core.dataset import Dataset

        return Dataset
    raise AttributeError(f"module 'spendcalc' has no attribute {name!r}")

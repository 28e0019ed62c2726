"""The house rules: layers and cycles (import-linter), no reach-ins, one data per result."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import spendcalc
from spendcalc.io.resources import bundled_dir

PACKAGE = Path(spendcalc.__file__).resolve().parent


def test_import_contracts_hold():
    """Layers cli > views > evidence > io > core, no cycles, a pure engine (pyproject.toml)."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "lint-imports missing: pip install -e '.[test]'"
    res = subprocess.run([exe], cwd=PACKAGE.parent, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout[-3000:]
    assert "0 broken" in res.stdout


def _imported_private_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("spendcalc"):
            found += [f"{node.module}.{a.name}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                and not node.attr.startswith("__") and isinstance(node.value, ast.Name)
                and node.value.id in {"plots", "data", "charts", "kit", "api", "claims"}):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_module_reaches_into_another_modules_private_names():
    offenders = {str(p.relative_to(PACKAGE)): names for p in PACKAGE.rglob("*.py")
                 if (names := _imported_private_names(p))}
    assert offenders == {}


def test_a_result_carries_its_data_into_every_view(tmp_path):
    """compute(s, data=mine) then charts, explain, trade-offs and exports use mine, never the
    bundled data: here a copy whose groups file names a group the bundle lacks."""
    from spendcalc.evidence.explain import explain
    from spendcalc.evidence.tradeoff import tradeoff
    from spendcalc.io.outputs import write_result
    from spendcalc.views import charts

    mine = tmp_path / "mine"
    mine.mkdir()
    groups = (bundled_dir("data") / "groups.toml").read_text(encoding="utf-8")
    (mine / "groups.toml").write_text(
        groups + '\n[groups.pair]\nlabel = "Germany and Poland"\nmembers = ["DEU", "POL"]\n',
        encoding="utf-8")
    data = spendcalc.load_dataset(mine)
    result = spendcalc.compute(spendcalc.load_scenario("hague-2035", data), data)
    assert result.data is data
    assert "pair" in set(result.aggregates.group)
    fig = charts.gap(result, group="pair", dpi=50)
    assert fig.axes
    assert tradeoff(result, group="pair").selection.label == "Germany and Poland"
    assert explain(result, "DEU").facts
    paths = write_result(result, tmp_path / "out.json")
    assert f"your data: {mine.resolve()}" in paths[0].read_text(encoding="utf-8")
    with pytest.raises(Exception, match="pair"):
        bundled = spendcalc.compute(result.scenario)
        charts.gap(bundled, group="pair", dpi=50)


# --------------------------------------------------------------------------- one of each

SHARED_FLAGS = {"-o", "--output", "--force", "--group", "--member", "--members", "--year",
                "--chart", "--metric"}
SHARED_NAMES = {"output", "force", "group", "member", "members", "year", "chart", "metric"}


def _is_typer_option(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "Option")


def test_shared_cli_options_are_declared_once_in_options_py():
    """-o, --force, --group, --member, --year, --chart, --metric: an alias in cli/options.py
    per meaning; commands use the aliases and never declare these flags themselves."""
    offenders = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        if path.name == "options.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if _is_typer_option(node):
                assert isinstance(node, ast.Call)
                flags = {a.value for a in node.args if isinstance(a, ast.Constant)}
                offenders += [f"{path.name}:{node.lineno} {f}" for f in flags & SHARED_FLAGS]
            # typer names an option after its parameter: 'group: Annotated[..., Option()]'
            if (isinstance(node, ast.arg) and node.arg in SHARED_NAMES and node.annotation
                    and any(_is_typer_option(n) for n in ast.walk(node.annotation))):
                offenders.append(f"{path.name}:{node.lineno} {node.arg}")
    assert offenders == []


@pytest.mark.parametrize("name", ["SHAPE_WORDS", "VERDICT_WORDS"])
def test_words_are_defined_once(name):
    defined = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if isinstance(node, ast.AnnAssign) else [])
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                defined.append(str(path.relative_to(PACKAGE)))
    assert len(defined) == 1, defined


SPLIT = {"evidence/explain.py": ["explain", "_start", "_target", "_path", "_growth",
                                 "_spending", "_gaps"],
         "evidence/tradeoff.py": ["tradeoff", "_inputs", "_yearly", "_summary"],
         "cli/evidence.py": ["register", "claims", "tradeoff", "moneyflow", "explain"],
         "views/words.py": ["assumptions"]}


@pytest.mark.parametrize("module", sorted(SPLIT))
def test_functions_once_too_long_fit_on_a_screen(module):
    """The functions split for issue 10 stay within ~60 lines."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    lengths = {n.name: n.end_lineno - n.lineno + 1 for n in tree.body
               if isinstance(n, ast.FunctionDef) and n.end_lineno is not None}
    assert {name: lengths[name] for name in SPLIT[module] if lengths[name] > 60} == {}

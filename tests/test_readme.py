"""The README's examples work as written."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from spendcalc.cli.app import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_scenario_example_validates(tmp_path):
    toml = re.search(r"```toml\n(.*?)```", README, re.S).group(1)
    path = tmp_path / "example.toml"
    path.write_text(toml, encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 0, res.output


def test_readme_python_example_runs():
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)
    later = namespace["later"]
    assert later.target.year == 2032


def test_readme_quick_start_is_what_ci_runs():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "pip install -e '.[test]' && pytest" in README
    assert "pip install -e '.[test]' && pytest" in ci

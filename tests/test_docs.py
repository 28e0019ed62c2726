"""The shell examples in README.md and docs/*.md run as written, in order.

From every ```sh block, each line (or ``&&`` part of a line) that runs ``spendcalc`` is run
with the real console script of the environment the tests run in, together with the lines
the sequence needs (``mkdir``, ``cp``). Installing (``pip``), the test, lint and type tools,
and ``python`` scripts are left out: they belong to the development set-up, not to the
examples, and some rewrite files in the repository. Each document runs in its own empty
scratch folder, so its examples start where a reader starts; the documents run in parallel.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

RUN = ("spendcalc",)
"""Commands under test."""
HELPERS = ("mkdir", "cp")
"""Commands run because the examples after them need them."""
SKIPPED = ("pip", "pytest", "python", "ruff", "mypy", "lint-imports", "git", "apt-get")
"""Set-up and development commands: not run (their lines are only checked to be known)."""

PRECONDITIONS: dict[str, list[str]] = {
    # "spendcalc run --from-meta out.csv.meta.json" re-runs an export the reader already has;
    # the document does not make one.
    "docs/exports.md": ["spendcalc run -o out.csv"],
}
"""Commands run before a document's examples, for files the document takes as given."""

XFAIL: dict[tuple[str, str], str] = {}
"""(document, command) -> why it fails: known bugs; the test fails once the line works."""

TIMEOUT = 120


@dataclass
class Step:
    doc: str
    line: int
    command: str
    returncode: int = 0
    output: str = ""


def _program(command: str) -> str:
    """The program a command runs, after any ``NAME=value`` settings."""
    words = shlex.split(command, comments=True)
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
        words.pop(0)
    return words[0] if words else ""


def commands(path: Path) -> list[tuple[int, str]]:
    """The (line number, command) pairs to run from ``path``'s ```sh blocks, in order."""
    found: list[tuple[int, str]] = []
    block = False
    lines = path.read_text(encoding="utf-8").splitlines()
    number = 0
    while number < len(lines):
        text, start = lines[number], number + 1
        number += 1
        fence = text.strip()
        if fence.startswith("```"):
            block = not block and fence[3:].strip() in ("sh", "bash", "shell")
            continue
        if not block:
            continue
        while text.endswith("\\") and number < len(lines):  # continued lines
            text = text[:-1] + lines[number]
            number += 1
        text = re.sub(r"^\s*\$ ", "", text).strip()
        if not text or text.startswith("#"):
            continue
        for part in text.split(" && "):
            program = _program(part)
            if program in RUN or program in HELPERS:
                found.append((start, part.strip()))
            else:
                assert program in SKIPPED, (
                    f"{path.name}:{start}: {part!r}: add {program!r} to RUN, HELPERS or "
                    "SKIPPED in tests/test_docs.py")
    return found


def _wrapper(path: Path, *command: str) -> None:
    path.write_text(f'#!/bin/sh\nexec {shlex.join(command)} "$@"\n', encoding="utf-8")
    path.chmod(0o755)


def _environment(bin_dir: Path) -> dict[str, str]:
    """PATH led by a folder holding this environment's ``spendcalc`` and ``python``."""
    bin_dir.mkdir()
    _wrapper(bin_dir / "python", sys.executable)  # exec'd by its path: a venv stays one
    scripts = [sysconfig.get_path("scripts")]
    if sysconfig.get_preferred_scheme("user") in sysconfig.get_scheme_names():
        scripts.append(sysconfig.get_path("scripts", sysconfig.get_preferred_scheme("user")))
    script = next((Path(d, "spendcalc") for d in scripts if Path(d, "spendcalc").is_file()),
                  None)
    if script is not None:
        (bin_dir / "spendcalc").symlink_to(script)
    else:  # not installed as a script (e.g. only on sys.path): the module does the same
        _wrapper(bin_dir / "spendcalc", sys.executable, "-m", "spendcalc")
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    for name in ("SOURCE_DATE_EPOCH", "PYTHONPATH"):
        env.pop(name, None)
    return env


def run_document(path: Path, scratch: Path, env: dict[str, str]) -> list[Step]:
    """Run the document's commands in order in ``scratch``; stop at the first failure that
    is not an expected one."""
    doc = path.relative_to(ROOT).as_posix()
    scratch.mkdir()
    steps = [Step(doc, 0, c) for c in PRECONDITIONS.get(doc, [])]
    steps += [Step(doc, n, c) for n, c in commands(path)]
    for step in steps:
        res = subprocess.run(["bash", "-c", step.command], cwd=scratch, env=env,
                             capture_output=True, text=True, timeout=TIMEOUT)
        step.returncode, step.output = res.returncode, res.stdout + res.stderr
        if res.returncode != 0 and (doc, step.command) not in XFAIL:
            break
    return steps


@pytest.fixture(scope="session")
def runs(request, tmp_path_factory) -> Iterator[dict[str, Future[list[Step]]]]:
    """Every selected document started at once, each in its own scratch folder."""
    selected = {item.callspec.params["doc"] for item in request.session.items
                if item.originalname == "test_shell_examples_run_in_order"}
    tmp = tmp_path_factory.mktemp("docs")
    env = _environment(tmp / "bin")
    with ThreadPoolExecutor(max_workers=len(DOCS)) as pool:
        yield {p.relative_to(ROOT).as_posix(): pool.submit(run_document, p, tmp / p.stem, env)
               for p in DOCS if p.relative_to(ROOT).as_posix() in selected}


def test_every_document_is_checked_and_has_examples():
    counts = {p.name: len(commands(p)) for p in DOCS}
    assert counts["README.md"] >= 3 and counts["plots.md"] >= 10, counts
    known = {doc for doc, _ in XFAIL} | set(PRECONDITIONS)
    assert known <= {p.relative_to(ROOT).as_posix() for p in DOCS}, known


@pytest.mark.parametrize("doc", [p.relative_to(ROOT).as_posix() for p in DOCS])
def test_shell_examples_run_in_order(runs, doc):
    steps = runs[doc].result()
    for step in steps:
        where = f"{doc}:{step.line or '(before its examples)'}: {step.command}"
        reason = XFAIL.get((doc, step.command))
        if reason is not None:
            assert step.returncode != 0, f"{where}: works now; remove it from XFAIL"
            continue
        assert step.returncode == 0, f"{where}: exit {step.returncode}\n{step.output}"
    expected = [(doc, c) for d, c in XFAIL if d == doc]
    if expected:
        pytest.xfail("; ".join(XFAIL[key] for key in expected))

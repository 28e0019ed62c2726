"""The output writer killed at every step (issue 13): a process that dies abruptly (SIGKILL,
no clean-up) while putting an export in place never leaves a partial file under a target
name, nor a main file without its companions. Each death is placed exactly: a child process
replaces ``os.link`` / ``os.replace`` with one that calls ``os._exit`` at the K-th call, as
SIGKILL would at that instant. A real SIGKILL at staggered times checks the same from outside.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FILES = ("out.csv", "out.aggregates.csv", "out.csv.meta.json")
CHILD = """
import os, sys
from pathlib import Path
import spendcalc
from spendcalc.io import outputs

name, k, force = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "force"
real = getattr(os, name)
calls = [0]
def dying(*args, **kwargs):
    calls[0] += 1
    if calls[0] == k:
        os._exit(137)  # as SIGKILL: no finally, no clean-up
    return real(*args, **kwargs)
setattr(os, name, dying)
data = spendcalc.load_dataset()
result = spendcalc.compute(spendcalc.load_scenario("hague-2035", data), data)
outputs.write_result(result, Path("out.csv"), force=force)
"""
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}


@pytest.fixture(scope="module")
def complete(tmp_path_factory) -> dict[str, bytes]:
    """The bytes of an export nobody killed."""
    folder = tmp_path_factory.mktemp("whole")
    subprocess.run([sys.executable, "-c", CHILD, "link", "0", "new"], cwd=folder, env=ENV,
                   check=True)
    return {name: (folder / name).read_bytes() for name in FILES}


def _check(folder: Path, complete: dict[str, bytes]) -> set[str]:
    """Every target present is whole; the main file only with all its companions."""
    present = {name for name in FILES if (folder / name).exists()}
    for name in present:
        assert (folder / name).read_bytes() == complete[name], name
    if "out.csv" in present:
        assert present == set(FILES)
    return present


@pytest.mark.parametrize(("call", "force"), [("link", False), ("replace", True)])
def test_death_at_every_rename_leaves_no_half_output(tmp_path, complete, call, force) -> None:
    seen = []
    for k in range(1, len(FILES) + 2):
        folder = tmp_path / f"{call}-{k}"
        folder.mkdir()
        if force:  # an older export is there: it stays whole or is replaced whole
            for name, content in complete.items():
                (folder / name).write_bytes(content)
        proc = subprocess.run([sys.executable, "-c", CHILD, call, str(k),
                               "force" if force else "new"], cwd=folder, env=ENV)
        present = _check(folder, complete)
        seen.append((proc.returncode, len(present)))
    if force:
        assert all(n == len(FILES) for _, n in seen)
    else:  # died before each claim in turn: 0, 1, 2 companions, then the whole export
        assert seen == [(137, 0), (137, 1), (137, 2), (0, 3)]


def test_sigkill_at_staggered_times(tmp_path, complete) -> None:
    """From outside: SIGKILL a real ``spendcalc run -o`` at times spread over its run."""
    exe = [sys.executable, "-m", "spendcalc"]
    start = time.perf_counter()
    subprocess.run([*exe, "run", "-o", str(tmp_path / "ref.csv")], env=ENV, check=True,
                   capture_output=True)
    whole = time.perf_counter() - start
    for i in range(8):
        folder = tmp_path / f"kill-{i}"
        folder.mkdir()
        proc = subprocess.Popen([*exe, "run", "-o", "out.csv"], cwd=folder, env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * (0.5 + i * 0.08))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _check(folder, complete)

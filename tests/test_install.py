"""A wheel installed away from the source tree finds its bundled data and ready scenarios."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A venv (sharing the already-installed dependencies) with spendcalc's wheel in it."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(tmp / "dist")],
                   check=True, capture_output=True, timeout=300)
    wheel = next((tmp / "dist").glob("spendcalc-*.whl"))
    env_dir = tmp / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", str(wheel)], check=True, capture_output=True, timeout=300)
    return env_dir


def test_wheel_runs_from_anywhere_with_its_own_data(installed, tmp_path):
    python = installed / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import spendcalc.io.resources as r; print(r.bundled_dir('data'));"
                            "print(r.bundled_dir('scenarios'))"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert all("_bundled" in p and str(ROOT) not in p for p in where), where
    res = subprocess.run([str(installed / "bin" / "spendcalc"), "run", "national-plans",
                          "-o", "t.json"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "t.json").stat().st_size > 10_000
    res = subprocess.run([str(installed / "bin" / "spendcalc"), "scenarios"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert "wales-2pct" in res.stdout
    # The claims (seeds/) and the fiscal data travel in the wheel too.
    for args, expect in ((["claims", "--id", "nato-32-members"], "consistent"),
                         (["tradeoff", "--member", "DEU"], "health")):
        res = subprocess.run([str(installed / "bin" / "spendcalc"), *args], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 0 and expect in res.stdout, res.stderr

"""A wheel installed away from the source tree finds its bundled data and ready scenarios."""

from __future__ import annotations

import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _active_site_dirs() -> list[str]:
    """The site-packages folders the running interpreter imports its dependencies from:
    the active venv's (and its base's, if the venv includes system site packages), or the
    interpreter's own outside a venv, plus the user site if it is in use."""
    paths = sysconfig.get_paths()
    dirs = [*site.getsitepackages(), paths["purelib"], paths["platlib"]]
    if site.ENABLE_USER_SITE and site.getusersitepackages() in sys.path:
        dirs.append(site.getusersitepackages())
    found: list[str] = []
    for d in dirs:
        if d in sys.path and Path(d).is_dir() and d not in found:
            found.append(d)
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with spendcalc's wheel in it, seeing the dependencies the tests run
    with (offline: nothing is downloaded).

    ``venv`` builds from the base interpreter, so ``system_site_packages`` would see the
    base's packages, not the active venv's. Instead a ``.pth`` file in the new venv lists
    the active environment's site-packages folders: they come after the venv's own
    site-packages, so the wheel's spendcalc wins over an editable install of the source
    tree (whose own ``.pth`` is not processed: listed folders are only added to the path).
    """
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(tmp / "dist")],
                   check=True, capture_output=True, timeout=300)
    wheel = next((tmp / "dist").glob("spendcalc-*.whl"))
    env_dir = tmp / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=False, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    own_site = subprocess.run([str(python), "-c", "import sysconfig; "
                               "print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()
    Path(own_site, "_spendcalc_test_deps.pth").write_text(
        "".join(f"{d}\n" for d in _active_site_dirs()), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    return env_dir


def test_wheel_runs_from_anywhere_with_its_own_data(installed, tmp_path):
    python = installed / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import spendcalc.io.resources as r; print(r.bundled_dir('data'));"
                            "print(r.bundled_dir('scenarios'))"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert all("_bundled" in p and str(ROOT) not in p for p in where), where
    assert str(installed) in where[0], where  # the wheel's copy, not the source tree's
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

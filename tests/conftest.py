"""Shared fixtures: the bundled data, and helpers to write scenario files and data copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spendcalc.io.data import Dataset, load_dataset
from spendcalc.io.resources import bundled_dir


@pytest.fixture(scope="session")
def data() -> Dataset:
    # The tests' hand-checked figures are the nato-2025 edition's (data/); nato-2026's
    # headline figures are checked in test_editions.py.
    return load_dataset(edition="nato-2025")


@pytest.fixture
def write_scenario(tmp_path: Path):
    """Write a scenario file from TOML text; returns its path."""

    def write(text: str, name: str = "my.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder."""
    target = tmp_path / "data"
    shutil.copytree(bundled_dir("data"), target)
    return target


MINIMAL = 'name = "mine"\n'

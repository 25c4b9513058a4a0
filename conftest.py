"""Collects the YAML test cases of every rule pack (rules/tests/*.yaml) as pytest items."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.pack_cases import PackCaseFile

# The database fixtures (a throwaway PostgreSQL cluster) for every test that asks for them.
pytest_plugins = ["tests.databases"]


def pytest_configure(config: pytest.Config) -> None:
    """No test reads or writes the developer's own archive: the default archive lives in a
    temporary data directory (removed at the end), and IPSCORE_DB is unset unless a test
    sets it."""
    data = tempfile.mkdtemp(prefix="ipscore-test-data-")
    config.add_cleanup(lambda: shutil.rmtree(data, ignore_errors=True))
    os.environ["XDG_DATA_HOME"] = data
    os.environ.pop("IPSCORE_DB", None)


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if (
        file_path.suffix == ".yaml"
        and file_path.parent.name == "tests"
        and (file_path.parent.parent.name == "rules")
    ):
        return PackCaseFile.from_parent(parent, path=file_path)
    return None

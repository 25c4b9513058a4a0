"""Collects the YAML test cases of every rule pack (rules/tests/*.yaml) as pytest items."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pack_cases import PackCaseFile

# The database fixtures (a throwaway PostgreSQL cluster) for every test that asks for them.
pytest_plugins = ["tests.databases"]


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if (
        file_path.suffix == ".yaml"
        and file_path.parent.name == "tests"
        and (file_path.parent.parent.name == "rules")
    ):
        return PackCaseFile.from_parent(parent, path=file_path)
    return None

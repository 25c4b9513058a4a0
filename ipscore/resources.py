"""Where the shipped rule packs and templates are, in a wheel or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`rules` or `templates`: inside the installed package, else beside it in the checkout."""
    installed = _HERE / "_data" / name
    if installed.is_dir():
        return installed
    return _HERE.parent / name

"""ipscore: score Chinese national IP demonstration cities against their work plans.

The public API is what `__all__` names. Names are imported on first use, so that importing
the command line (or a light module such as `ipscore.text`) does not load the engine, pandas
or openpyxl.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .decide.pipeline import assess, assess_paths, evaluate
    from .decide.results import Assessment
    from .errors import InputError, IpscoreError, PackError
    from .packs import Pack, find_pack, load_pack
    from .views.output import to_csv, to_json

_WHERE = {
    "Assessment": "decide.results",
    "InputError": "errors",
    "IpscoreError": "errors",
    "Pack": "packs",
    "PackError": "errors",
    "assess": "decide.pipeline",
    "assess_paths": "decide.pipeline",
    "evaluate": "decide.pipeline",
    "find_pack": "packs",
    "load_pack": "packs",
    "to_csv": "views.output",
    "to_json": "views.output",
}

__all__ = [
    "Assessment",
    "InputError",
    "IpscoreError",
    "Pack",
    "PackError",
    "__version__",
    "assess",
    "assess_paths",
    "evaluate",
    "find_pack",
    "load_pack",
    "to_csv",
    "to_json",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'ipscore' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

"""Installing on an unsupported Python fails first, with the reason (issue 11: it failed only
after 47 s of downloads, compiling durable-rules)."""

from __future__ import annotations

import importlib.util
import sys
import types

import pytest

from .conftest import ROOT


def _hook(monkeypatch: pytest.MonkeyPatch) -> type:
    # hatchling lives in pip's isolated build environment, not here: stand in for its base class.
    interface = types.ModuleType("hatchling.metadata.plugin.interface")
    interface.MetadataHookInterface = object  # type: ignore[attr-defined]
    for name in ("hatchling", "hatchling.metadata", "hatchling.metadata.plugin"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "hatchling.metadata.plugin.interface", interface)
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CustomMetadataHook


def test_python_3_13_is_refused_before_anything_is_downloaded(monkeypatch):
    hook = _hook(monkeypatch)
    monkeypatch.setattr(sys, "version_info", (3, 13, 0, "final", 0))
    with pytest.raises(RuntimeError, match=r"ipscore 需要 CPython 3\.11 或 3\.12"):
        hook.update(None, {})


def test_the_supported_pythons_pass(monkeypatch):
    hook = _hook(monkeypatch)
    for minor in (11, 12):
        monkeypatch.setattr(sys, "version_info", (3, minor, 0, "final", 0))
        hook.update(None, {})

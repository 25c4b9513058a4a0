"""Refuse an unsupported Python before pip downloads anything: durable-rules 2.0.28 is built
from source and cannot be imported on CPython 3.13, and pip only checks `requires-python`
after it has fetched every dependency (and failed to compile one of them)."""

from __future__ import annotations

import sys
from typing import Any

from hatchling.metadata.plugin.interface import MetadataHookInterface

SUPPORTED = ((3, 11), (3, 12))


class CustomMetadataHook(MetadataHookInterface):
    def update(self, metadata: dict[str, Any]) -> None:
        if sys.version_info[:2] not in SUPPORTED or sys.implementation.name != "cpython":
            found = f"{sys.implementation.name} {sys.version.split()[0]}"
            raise RuntimeError(
                f"ipscore 需要 CPython 3.11 或 3.12，当前是 {found}：规则引擎 durable-rules "
                "2.0.28 只提供源码，在 3.13 上无法导入。请用 python3.11 或 python3.12 建虚拟环境。"
                f" / ipscore needs CPython 3.11 or 3.12, not {found}: durable-rules 2.0.28 "
                "cannot be imported on 3.13."
            )

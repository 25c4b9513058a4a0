"""Rule packs: the model, the condition language, loading and static checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import TypeVar

from ..errors import PackError, Problem
from ..resources import data_dir
from .load import load_pack
from .model import FieldDecl, Pack, Requirement, Task

__all__ = [
    "FieldDecl",
    "Pack",
    "Requirement",
    "Task",
    "find_pack",
    "load_pack",
    "per_pack",
    "shipped_packs",
]

T = TypeVar("T")


def per_pack(build: Callable[[Pack], T]) -> Callable[[Pack], T]:
    """Build something from a pack once per pack object (packs are unhashable pydantic models)."""
    built: dict[int, tuple[Pack, T]] = {}

    @wraps(build)
    def get(pack: Pack) -> T:
        hit = built.get(id(pack))
        if hit is None or hit[0] is not pack:
            hit = built[id(pack)] = (pack, build(pack))
        return hit[1]

    return get


def shipped_packs() -> dict[str, Path]:
    """Pack id → file, for every pack under rules/ (the file stem is the pack id)."""
    return {p.stem: p for p in sorted(data_dir("rules").glob("*.yaml"))}


@cache
def _load_cached(path: Path, mtime: float) -> Pack:
    return load_pack(path)


# The pack last loaded under each id, so that results (which name their pack by id) find the
# very pack that produced them, a pack file given by path included.
_IN_USE: dict[str, Pack] = {}


def find_pack(id_or_path: str) -> Pack:
    """A pack by id (one already in use, else a shipped one), or a pack file by path."""
    path = Path(id_or_path)
    if not path.suffix:
        if id_or_path in _IN_USE:
            return _IN_USE[id_or_path]
        packs = shipped_packs()
        if id_or_path not in packs:
            known = "、".join(packs) or "（无）"
            raise PackError(
                [
                    Problem(
                        f"没有编号为 {id_or_path} 的规则包；已有：{known}",
                        f"no rule pack with id {id_or_path}; shipped: {', '.join(packs)}",
                    )
                ]
            )
        path = packs[id_or_path]
    resolved = path.resolve()
    try:
        mtime = resolved.stat().st_mtime
    except OSError:
        mtime = 0.0
    pack = _load_cached(resolved, mtime)
    _IN_USE[pack.id] = pack
    return pack

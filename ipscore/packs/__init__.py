"""Rule packs: the model, the condition language, loading and static checks."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..errors import IpscoreError, PackError, Problem, resolved
from ..resources import data_dir
from .identity import content_hash, per_pack
from .load import load_pack
from .model import FieldDecl, Pack, Requirement, Task

__all__ = [
    "FieldDecl",
    "Pack",
    "Requirement",
    "Task",
    "content_hash",
    "find_pack",
    "installed_pack",
    "load_pack",
    "per_pack",
    "shipped_packs",
]


def shipped_packs() -> dict[str, Path]:
    """Pack id → file, for every pack under rules/ (the file stem is the pack id)."""
    return {p.stem: p for p in sorted(data_dir("rules").glob("*.yaml"))}


def installed_pack(pack_id: str) -> Pack | None:
    """The pack a stored result names, or None where this installation lacks it (an archive
    imported from elsewhere may name one): the caller then shows codes."""
    try:
        return find_pack(pack_id)
    except IpscoreError:
        return None


def grade_word(pack_id: str | None, code: str | None, label: str | None, lang: str) -> str:
    """A stored grade in the reader's language: results store the Chinese word, so English
    asks the pack for its own (the code where that pack is not to be found)."""
    if not code or lang != "en":
        return label or code or ""
    pack = installed_pack(pack_id) if pack_id else None
    return pack.grade_label(code, "en") if pack else code


@cache
def _load_cached(path: Path, mtime_ns: int, size: int) -> Pack:
    return load_pack(path)


def find_pack(id_or_path: str) -> Pack:
    """A shipped pack by id, or a pack file by path.

    Loaded once per file state: an edited file is loaded again. Results carry the pack they
    were produced with, so nothing ever has to find a pack again by its id.
    """
    path = Path(id_or_path)
    if not path.suffix:
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
    real = resolved(path)
    try:
        stat = (real or path).stat()
    except OSError:
        return load_pack(path)  # reports the missing file (or the looping link) in words
    return _load_cached(real or path, stat.st_mtime_ns, stat.st_size)

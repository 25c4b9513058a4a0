"""The static checks of a pack's expert part (`packs.experts`) against the rest of the pack,
run by the loader with every other check."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from .model import Pack

Place = tuple[str | int, ...]


def check_part(pack: Pack, add: Callable[[Place, str, str, str | None], None]) -> None:
    """A pack's expert part fits its fields: each item fills a declared count or amount field
    of its own, an achievement, whose range is the item's and whose decimals are the part's
    (the aggregate is rounded to them, then typed as the field); ids are unique, citations
    name a declared source, and a trimmed mean has three scores to trim."""
    part = pack.experts
    if part is None:
        return
    sources = {s.file for s in pack.pack.sources}
    if part.aggregate == "trimmed_mean" and part.min_experts < 3:
        add(
            ("experts", "min_experts"),
            "去掉最高分和最低分的平均（trimmed_mean）至少要3位专家，min_experts 应不小于3",
            "a trimmed mean drops the highest and lowest score: min_experts must be 3 or more",
            None,
        )
    ids: set[str] = set()
    filled: dict[str, str] = {}
    for k, item in enumerate(part.items):
        at: Place = ("experts", "items", k)
        if item.id in ids:
            add((*at, "id"), f"专家评分项 {item.id} 重复", f"duplicate expert item {item.id}", None)
        ids.add(item.id)
        if item.field in filled:
            add(
                (*at, "field"),
                f"字段 {item.field} 已由专家评分项 {filled[item.field]} 填入",
                f"field {item.field} is already filled by expert item {filled[item.field]}",
                item.field,
            )
        filled.setdefault(item.field, item.id)
        if item.citation.source not in sources:
            add(
                (*at, "citation", "source"),
                f"引用的来源文件 {item.citation.source} 未在 pack.sources 中声明",
                f"cited source {item.citation.source} is not declared in pack.sources",
                None,
            )
        group, _, key = item.field.partition(".")
        decl = pack.fields.get(group, {}).get(key)
        if decl is None:
            add(
                (*at, "field"),
                f"专家评分项 {item.id} 的字段 {item.field} 未在 fields 中声明",
                f"expert item {item.id}: field {item.field} is not declared in fields",
                item.field,
            )
            continue
        low = decl.min if decl.min is not None else Decimal(0)
        wrong = [
            (zh, en)
            for bad, zh, en in (
                (
                    decl.type not in ("count", "amount"),
                    "应为整数或金额字段（count、amount）",
                    "must be a count or amount field",
                ),
                (
                    (low, decl.max) != (item.min, item.max),
                    f"的 min/max 应与评分范围 {item.min}—{item.max} 相同",
                    f"must have min/max equal to the item's range {item.min}–{item.max}",
                ),
                (
                    decl.decimals != part.decimals,
                    f"的小数位（decimals）应为评分部分的 {part.decimals}",
                    f"must have the part's decimals, {part.decimals}",
                ),
                (
                    decl.role != "achievement",
                    "的 role 应为 achievement（专家评分是工作成效，不是基数或参照）",
                    "must have role achievement",
                ),
            )
            if bad
        ]
        for zh, en in wrong:
            add(
                (*at, "field"),
                f"专家评分项 {item.id} 填入的字段 {item.field} {zh}",
                f"expert item {item.id}: field {item.field} {en}",
                item.field,
            )

"""A points sheet checked as it is loaded: every requirement an item, each part reading
numeric fields it may read, values that add up, vetoes that cite their source."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from .conditions import format_decimal
from .model import NUMERIC, Pack, Requirement
from .points import MAX_TERMS, Part, bands_of, rates_of, terms_needed

Place = tuple[str | int, ...]
Add = Callable[[Place, str, str, str | None], None]


def raw_bands(pack: Pack, req: Requirement) -> list[list[Any]]:
    """Each part's bands' conditions, as YAML, for the loader to parse (`Part.bands` then
    holds them parsed). A field not declared reads as a count here: the parse reports it."""

    def decimals_of(name: str) -> int:
        try:
            return pack.field(name).decimals
        except KeyError:
            return 0

    assert req.points is not None
    return [[band.when for band in bands_of(part, decimals_of)] for part in req.points.parts]


def part_reads(part: Part) -> list[str]:
    """The fields a part reads: its figure and its target (where a field), or each per unit."""
    way = part.tiers or part.deduct
    if way is not None:
        return [way.field] + ([way.of] if isinstance(way.of, str) else [])
    return list(part.per_unit or {})


def reads_non_numeric(pack: Pack, req: Requirement) -> bool:
    """Whether an item reads a declared field that is no count or amount: its bands are not
    built (each would repeat what `check_sheet` says once)."""
    assert req.points is not None
    names = [name for part in req.points.parts for name in part_reads(part)]
    return any(
        name in pack.field_names() and not _countable(pack.field(name).type) for name in names
    )


def _countable(kind: str) -> bool:
    return kind in NUMERIC and kind != "ratio"


def full_marks(pack: Pack, req: Requirement) -> Any:
    """The check an item leaves out, as YAML: every part in its best band."""
    tops = [bands[0] for bands in raw_bands(pack, req)]  # each field to its own decimals
    return tops[0] if len(tops) == 1 else {"all": tops}


def check_sheet(pack: Pack, add: Add) -> None:
    sheet = pack.is_sheet
    sources = {s.file for s in pack.pack.sources}
    for i, task in enumerate(pack.tasks):
        for j, req in enumerate(task.requirements):
            at: Place = ("tasks", i, "requirements", j)
            if req.points is None:
                if sheet:
                    add(
                        at,
                        f"评分表（method: points）的每个要求都是评分项：{req.id} 缺少 points",
                        f"every requirement of a points sheet is an item: {req.id} has no points",
                        f"{req.id}.points",
                    )
                elif req.check is None:
                    add((*at, "check"), "缺少 check", "check is missing", None)
                continue
            if not sheet:
                add(
                    (*at, "points"),
                    "points 只用于评分表：请在 scoring 中写 method: points",
                    "points belong to a points sheet: write method: points under scoring",
                    f"{req.id}.points",
                )
            if req.each_year or req.any_year:
                add(
                    (*at, "each_year" if req.each_year else "any_year"),
                    "评分项不能跨年度（each_year/any_year）",
                    "an item of a points sheet is read for one year (no each_year/any_year)",
                    f"{req.id}.{'each_year' if req.each_year else 'any_year'}",
                )
            _check_item(pack, req, (*at, "points"), add)
    for k, veto in enumerate(pack.scoring.vetoes):
        if veto.citation.source not in sources:
            add(
                ("scoring", "vetoes", k, "citation", "source"),
                f"否决项引用的来源文件 {veto.citation.source} 未在 pack.sources 中声明",
                f"the veto cites {veto.citation.source}, not declared in pack.sources",
                f"scoring.vetoes[{k}].citation.source",
            )
        if not sheet:
            add(
                ("scoring", "vetoes", k),
                "一票否决项只用于评分表（method: points）",
                "vetoes belong to a points sheet (method: points)",
                f"scoring.vetoes[{k}]",
            )
    ids = [v.id for v in pack.scoring.vetoes]
    for k, veto_id in enumerate(ids):
        if veto_id in ids[:k]:
            add(
                ("scoring", "vetoes", k, "id"),
                f"否决项 {veto_id} 重复",
                f"duplicate veto {veto_id}",
                f"scoring.vetoes[{k}].id",
            )


def _check_item(pack: Pack, req: Requirement, at: Place, add: Add) -> None:
    assert req.points is not None
    worth = sum((part.worth for part in req.points.parts), Fraction(0))
    if worth != req.points.worth and all(p.deduct is not None for p in req.points.parts):
        add(
            (*at, "value"),
            f"评分项 {req.id} 只有扣分部分，分值应为0（扣分从起评分 scoring.sheet.start 扣），"
            f"实际为 {req.points.value}：有得分部分的，写在 parts 里与扣分并列",
            f"item {req.id} only deducts, so its value is 0 (deductions come off the sheet's "
            f"start), not {req.points.value}: a part that gives points goes beside it in parts",
            f"{req.id}.points.value",
        )
    elif worth != req.points.worth:
        add(
            (*at, "value"),
            f"评分项 {req.id} 的分值 {req.points.value} 不等于各部分分值之和 {_shown(worth)}",
            f"item {req.id} is worth {req.points.value}, but its parts add up to {_shown(worth)}",
            f"{req.id}.points.value",
        )
    for k, part in enumerate(req.points.parts):
        if len(req.points.parts) > 1 and part.deduct is None and part.worth == 0:
            add(
                (*at, "parts", k, "value"),
                f"评分项 {req.id} 的第{k + 1}部分分值为0，不给分：只会让本项因它“未达到”。"
                "请删去它，或把它写成本项的 applies_if",
                f"part {k + 1} of item {req.id} is worth 0 and gives no points: it would only "
                "leave the item unmet. Remove it, or make it the item's applies_if",
                f"{req.id}.points.parts[{k}].value",
            )
        _check_part(pack, part, (*at, "parts", k) if len(req.points.parts) > 1 else at, add)


def _check_part(pack: Pack, part: Part, at: Place, add: Add) -> None:
    # A tier's steps and each rate per unit are checked by the model (`Tiers`, `Part`).
    numeric = part_reads(part)
    if part.per_unit is not None:
        if part.cap is None and part.value is None:
            add(
                (*at, "cap"),
                "按件计分需要上限 cap 或分值 value",
                "points per unit need a cap or a value",
                "cap",
            )
            return
        cap = Fraction(part.cap if part.cap is not None else part.value or 0)
        rates = rates_of(part)
        if len(rates) > 1 and terms_needed(rates, cap) > MAX_TERMS:
            add(
                (*at, "per_unit"),
                f"按件计分读取多个字段时，封顶条件展开后太长（超过{MAX_TERMS}项）：请拆成几个部分",
                f"points per unit over several fields expand into too long a condition "
                f"(over {MAX_TERMS} terms): split the part",
                "per_unit",
            )
    for name in numeric:
        try:
            decl = pack.field(name)
        except KeyError:
            continue  # the band's condition names it: reported there, with "did you mean"
        if not _countable(decl.type):
            add(
                at,
                f"评分项读取的 {name} 应为计数或金额字段，实际为 {decl.type}",
                f"an item reads {name}, which must be a count or an amount, not {decl.type}",
                name,
            )
        elif part.per_unit is not None and len(part.per_unit) > 1 and decl.type != "count":
            add(
                (*at, "per_unit"),
                f"按件计分读取多个字段时，每个字段都应为计数：{name} 是 {decl.type}",
                f"points per unit over several fields read counts only: {name} is {decl.type}",
                name,
            )


def _shown(value: Fraction) -> str:
    return format_decimal(value)

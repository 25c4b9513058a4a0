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


def full_marks(req: Requirement) -> Any:
    """The check an item leaves out, as YAML: every part in its best band."""
    assert req.points is not None
    tops = [bands_of(part, lambda _: 0)[0].when for part in req.points.parts]
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
                        None,
                    )
                elif req.check is None:
                    add((*at, "check"), "缺少 check", "check is missing", None)
                continue
            if not sheet:
                add(
                    (*at, "points"),
                    "points 只用于评分表：请在 scoring 中写 method: points",
                    "points belong to a points sheet: write method: points under scoring",
                    None,
                )
            if req.each_year or req.any_year:
                add(
                    (*at, "points"),
                    "评分项不能跨年度（each_year/any_year）",
                    "an item of a points sheet is read for one year (no each_year/any_year)",
                    None,
                )
            _check_item(pack, req, (*at, "points"), add)
    for k, veto in enumerate(pack.scoring.vetoes):
        if veto.citation.source not in sources:
            add(
                ("scoring", "vetoes", k, "citation", "source"),
                f"否决项引用的来源文件 {veto.citation.source} 未在 pack.sources 中声明",
                f"the veto cites {veto.citation.source}, not declared in pack.sources",
                None,
            )
        if not sheet:
            add(
                ("scoring", "vetoes", k),
                "一票否决项只用于评分表（method: points）",
                "vetoes belong to a points sheet (method: points)",
                None,
            )
    ids = [v.id for v in pack.scoring.vetoes]
    for k, veto_id in enumerate(ids):
        if veto_id in ids[:k]:
            add(
                ("scoring", "vetoes", k, "id"),
                f"否决项 {veto_id} 重复",
                f"duplicate veto {veto_id}",
                None,
            )


def _check_item(pack: Pack, req: Requirement, at: Place, add: Add) -> None:
    assert req.points is not None
    worth = sum((part.worth for part in req.points.parts), Fraction(0))
    if worth != req.points.worth and any(p.deduct is None for p in req.points.parts):
        add(
            (*at, "value"),
            f"评分项 {req.id} 的分值 {req.points.value} 不等于各部分分值之和 {_shown(worth)}",
            f"item {req.id} is worth {req.points.value}, but its parts add up to {_shown(worth)}",
            None,
        )
    for k, part in enumerate(req.points.parts):
        _check_part(pack, part, (*at, "parts", k) if len(req.points.parts) > 1 else at, add)


def _check_part(pack: Pack, part: Part, at: Place, add: Add) -> None:
    numeric = []
    if part.tiers is not None:
        numeric += [part.tiers.field] + ([part.tiers.of] if isinstance(part.tiers.of, str) else [])
        for share, earns in part.tiers.at_least.items():
            if not _share(share, positive=True) or not (earns == "full" or _share(earns)):
                add(
                    (*at, "tiers", "at_least"),
                    f"at_least 写作 {{完成目标的比例: 得分比例}}，例如 {{1: full, 0.9: 0.6}}；"
                    f"“{share}: {earns}”不是",
                    f"at_least maps a share of the target to a share of the value, e.g. "
                    f"{{1: full, 0.9: 0.6}}; “{share}: {earns}” is not one",
                    None,
                )
    if part.deduct is not None:
        numeric += [part.deduct.field] + (
            [part.deduct.of] if isinstance(part.deduct.of, str) else []
        )
    if part.per_unit is not None:
        numeric += list(part.per_unit)
        if any(rate <= 0 for rate in part.per_unit.values()):
            add(
                (*at, "per_unit"), "每单位分值应大于0", "points a unit must be greater than 0", None
            )
            return
        if part.cap is None and part.value is None:
            add(
                (*at, "cap"),
                "按件计分需要上限 cap 或分值 value",
                "points per unit need a cap or a value",
                None,
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
                None,
            )
    for name in numeric:
        try:
            decl = pack.field(name)
        except KeyError:
            continue  # the band's condition names it: reported there, with "did you mean"
        if decl.type not in NUMERIC or decl.type == "ratio":
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


def _share(raw: Any, positive: bool = False) -> bool:
    try:
        value = Fraction(str(raw))
    except (ValueError, ZeroDivisionError):
        return False
    return (value > 0 if positive else value >= 0) and (positive or value <= 1)


def _shown(value: Fraction) -> str:
    return format_decimal(value)

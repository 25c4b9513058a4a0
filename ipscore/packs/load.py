"""Loading a rule pack from YAML and checking it statically, with file:line in every error.

One piece: every static check writes to the one collector of problems, each with its line, so
that a pack's author sees all of them in one run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import IpscoreError, PackError, Problem, display_path
from ..text import did_you_mean
from ..validation import problems_from
from ..yamlio import Lines, line_of, load_document, load_fast
from .amend import merged
from .conditions import (
    All,
    AnyOf,
    Compare,
    Condition,
    ConditionError,
    DatedError,
    FieldRef,
    Not,
    comparisons,
    fields_read,
    parse,
    resolve_years,
    split_year,
)
from .expertcheck import check_part
from .model import NUMERIC, SCALED, FieldDecl, GradeBand, Pack, Requirement, years_of
from .params import with_params
from .points import bands_of
from .pointscheck import check_sheet, full_marks, raw_bands, reads_non_numeric
from .quotas import quota_problems

Path_ = tuple[str | int, ...]


class _Checker:
    """Collects every problem of a pack so that an author sees them all at once; `where` gives
    the place in the file of a problem at a place in the pack (an amendment's `set`)."""

    def __init__(self, name: str, lines: Lines, where: Callable[[Path_], Path_] | None = None):
        self.name, self.lines, self.where = name, lines, where
        self.problems: list[Problem] = []

    def add(self, path: Path_, zh: str, en: str, field: str | None = None) -> None:
        at = self.where(path) if self.where else path
        problem = Problem(zh, en, self.name, line_of(self.lines, at), field)
        if problem not in self.problems:  # a field misnamed once is said once, not per band
            self.problems.append(problem)


def load_pack(path: Path) -> Pack:
    """The pack in a file, checked. Read first without the line of every key (several times
    faster); a pack with a problem is read again with them, for messages that name the line."""
    fast = load_fast(path, PackError)
    if fast is not None:
        with contextlib.suppress(PackError):
            return _load(path, fast[0], {})
    data, lines = load_document(path, PackError)
    return _load(path, data, lines)


def _load(path: Path, data: Any, lines: Lines) -> Pack:
    name = display_path(path)
    if not isinstance(data, dict):
        raise PackError([Problem("规则包应为一个映射", "a rule pack must be a mapping", name)])
    params: dict[str, Any] = {}
    sets: dict[str, Path_] = {}
    if "extends" in data:
        changes = data.get("changes")
        for k, change in enumerate(changes if isinstance(changes, list) else []):
            if isinstance(change, dict) and "set" in change:
                sets[str(change["set"])] = ("changes", k)
        data, params = merged(path, data, lines)
    return built(name, data, params, lines, sets)


def built(
    name: str,
    data: dict[str, Any],
    params: dict[str, Any],
    lines: Lines,
    sets: dict[str, Path_] | None = None,
) -> Pack:
    """The pack a document describes once any `extends` is merged into it, with the parameters
    its amendments set (`sets`: where each is set): checked before and after they are set, so
    an amended pack is held to every check a plain one is, and remembering that document
    (`_document`)."""
    try:
        raw = Pack.model_validate(data)
    except ValidationError as exc:
        raise PackError(problems_from(exc, name, lines, relocate=_inline(data))) from None
    checker = _Checker(name, lines)
    pack = _parse_conditions(raw, checker)
    _check(pack, checker)
    if checker.problems:
        raise PackError(checker.problems)
    if params:
        try:
            pack = _restated(with_params(pack, params), params)
        except IpscoreError as exc:  # a `set` naming no parameter of the pack it extends
            raise PackError(
                [
                    Problem(p.zh, p.en, name, line_of(lines, ("changes",)), p.field)
                    for p in exc.problems
                ]
            ) from None
        again = _Checker(name, lines, _set_at(pack, sets or {}))
        _check(pack, again)
        if again.problems:
            raise PackError(again.problems)
    pack._document = (pack.content_hash, data, params)
    return pack


def _inline(data: dict[str, Any]) -> Callable[[Path_], Path_]:
    """A one-part item writes its part's keys beside its value (`points.Points`): a problem
    the model finds in `points.parts[0]` is placed at `points` itself, where the file has it."""

    def relocate(loc: Path_) -> Path_:
        for k in range(len(loc) - 2):
            if loc[k : k + 3] != ("points", "parts", 0):
                continue
            node: Any = data
            for key in loc[: k + 1]:
                try:
                    node = node[key]
                except (KeyError, IndexError, TypeError):
                    return loc
            if isinstance(node, dict) and "parts" not in node:
                return (*loc[: k + 1], *loc[k + 3 :])
        return loc

    return relocate


def _set_at(pack: Pack, sets: dict[str, Path_]) -> Callable[[Path_], Path_]:
    """A problem found once the parameters are set is placed at the `set` that made it: a
    grade's own, else any grade's, else the first."""

    def where(path: Path_) -> Path_:
        if path[:2] == ("scoring", "grades") and len(path) > 2:
            own = f"bands.{pack.scoring.grades[int(path[2])].code}"
            bands = [at for name, at in sets.items() if name.startswith("bands.")]
            return sets.get(own) or next(iter(bands), None) or next(iter(sets.values()), path)
        return next(iter(sets.values()), path)

    return where


def _restated(pack: Pack, params: dict[str, Any]) -> Pack:
    """A requirement whose threshold an amendment set loses its written `expected` text (which
    states the old threshold): its condition is described from the rules instead."""
    changed = {name.partition("#")[0] for name in params}
    tasks = [
        t.model_copy(
            update={
                "requirements": [
                    r.model_copy(update={"expected": None, "expected_en": None})
                    if r.id in changed
                    else r
                    for r in t.requirements
                ]
            }
        )
        for t in pack.tasks
    ]
    return pack.model_copy(update={"tasks": tasks})


def _parse_conditions(pack: Pack, checker: _Checker) -> Pack:
    assessed = pack.pack.year

    def parsed(raw: Any, path: Path_, years: range | None = None, each: bool = True) -> Any:
        """The condition, its years resolved; over several years, all (or any) of them."""
        if raw is None:
            return None
        try:
            cond = parse(raw, path)
        except ConditionError as exc:
            checker.add(exc.path, exc.zh, exc.en)
            return None
        try:
            if years is None:
                return _typed(resolve_years(cond, assessed, assessed), pack, path, checker)
            per_year = tuple(
                _typed(resolve_years(cond, year, assessed), pack, path, checker) for year in years
            )
        except DatedError as exc:
            checker.add(
                path,
                f"{exc.year}年没有适用的值：按年度变化的值最早从{exc.first}年起",
                f"no value holds in {exc.year}: the dated value starts in {exc.first}",
            )
            return None
        return All(per_year) if each else AnyOf(per_year)

    tasks = []
    for i, task in enumerate(pack.tasks):
        reqs = []
        for j, req in enumerate(task.requirements):
            base = ("tasks", i, "requirements", j)
            years, each = _over_years(pack, req, base, checker)
            raw_check = req.check
            update: dict[str, Any] = {}
            if req.points is not None and reads_non_numeric(pack, req):
                raw_check = req.check  # no bands over a field they cannot compare: said once
            elif req.points is not None:  # an item: its bands, and its check if left out
                raw_check = full_marks(pack, req) if raw_check is None else raw_check
                update["points"] = _with_bands(pack, req, (*base, "points"), parsed)
            check = parsed(raw_check, (*base, "check" if req.check else "points"), years, each)
            applies = parsed(req.applies_if, (*base, "applies_if"))
            update.update(check=check, applies_if=applies)
            reqs.append(req.model_copy(update=update))
        tasks.append(task.model_copy(update={"requirements": reqs}))
    mandatory = [
        rule.model_copy(update={"when": parsed(rule.when, ("mandatory", k, "when"))})
        for k, rule in enumerate(pack.mandatory)
    ]
    checks = [
        check.model_copy(update={"when": parsed(check.when, ("plausibility", k, "when"))})
        for k, check in enumerate(pack.plausibility)
    ]
    vetoes = [
        veto.model_copy(update={"when": parsed(veto.when, ("scoring", "vetoes", k, "when"))})
        for k, veto in enumerate(pack.scoring.vetoes)
    ]
    scoring = pack.scoring.model_copy(update={"vetoes": vetoes}) if vetoes else pack.scoring
    return pack.model_copy(
        update={"tasks": tasks, "mandatory": mandatory, "plausibility": checks, "scoring": scoring}
    )


def _with_bands(pack: Pack, req: Requirement, at: Path_, parsed: Callable[..., Any]) -> Any:
    """The item's points with each part's bands: their conditions parsed and checked."""
    assert req.points is not None
    parts = []
    for k, (part, raws) in enumerate(zip(req.points.parts, raw_bands(pack, req), strict=True)):
        place = (*at, "parts", k) if len(req.points.parts) > 1 else at
        shapes = bands_of(part, lambda _: 0)
        bands = tuple(
            dataclasses.replace(shape, when=parsed(raw, place))
            for shape, raw in zip(shapes, raws, strict=True)
        )
        parts.append(part.model_copy(update={"bands": bands}))
    return req.points.model_copy(update={"parts": parts})


def _over_years(
    pack: Pack, req: Requirement, path: Path_, checker: _Checker
) -> tuple[range | None, bool]:
    """The years an `each_year` or `any_year` requirement is read for, inside the pack's period."""
    if req.each_year and req.any_year:
        checker.add(
            path, "each_year 和 any_year 只能写一个", "write each_year or any_year, not both"
        )
    period = req.each_year or req.any_year
    if period is None:
        return None, True
    years = years_of(period)
    key = "each_year" if req.each_year else "any_year"
    if not years or years[0] < pack.years()[0] or years[-1] > pack.years()[-1]:
        allowed = pack.years()
        checker.add(
            (*path, key),
            f"{key} {period} 超出规则包的期间 {allowed[0]}..{allowed[-1]}（pack.period）",
            f"{key} {period} is outside the pack's period {allowed[0]}..{allowed[-1]}",
        )
        return None, True
    return years, bool(req.each_year)


def _typed(cond: Condition, pack: Pack, path: Path_, checker: _Checker) -> Condition:
    """Check every comparison against the declared fields and turn constants into exact values."""
    known = pack.field_names()
    mapping: dict[int, Compare] = {}
    for name in fields_read(cond):
        _, year = split_year(name)
        if year is not None and year not in pack.years():
            allowed = pack.years()
            checker.add(
                path,
                f"读取了{year}年的 {split_year(name)[0]}，超出规则包的期间 "
                f"{allowed[0]}..{allowed[-1]}（在 pack.period 中声明要读的年份）",
                f"reads {split_year(name)[0]} of {year}, outside the pack's period "
                f"{allowed[0]}..{allowed[-1]} (declare the years it reads in pack.period)",
                name,
            )
    for cmp in comparisons(cond):
        decl = _lookup(cmp.field, known, pack, path, checker)
        if decl is None:
            continue
        value = cmp.value
        other = None
        if isinstance(value, FieldRef):
            other = _lookup(value.field, known, pack, path, checker)
        if "ratio" in (decl.type, other and other.type):
            _check_ratio_compare(pack, cmp, other, path, checker)
        if isinstance(value, FieldRef):
            if other is not None and not (decl.type in NUMERIC and other.type in NUMERIC):
                checker.add(
                    path,
                    f"只能用数值字段乘以倍数作比较，{cmp.field}（{decl.type}）与"
                    f"{value.field}（{other.type}）不能比较",
                    f"only numeric fields can be compared through a factor: {cmp.field} "
                    f"({decl.type}) with {value.field} ({other.type})",
                    cmp.field,
                )
            continue
        items = value if cmp.op in ("in", "not_in") else (value,)
        far = [item for item in items if decl.type in NUMERIC and _out_of_range(item)]
        if far:
            checker.add(
                path,
                f"字段 {cmp.field} 比较的常数 {far[0]} 超出范围（{RANGE_ZH}）",
                f"field {cmp.field} is compared with {far[0]}, out of range ({RANGE_EN})",
                cmp.field,
            )
            continue
        converted = [_constant(decl, item) for item in items]
        if any(c is None for c in converted):
            checker.add(
                path,
                f"字段 {cmp.field} 的类型是{_type_zh(decl)}，不能与 {_shown(value)} 比较",
                f"field {cmp.field} is of type {decl.type} and cannot be compared with "
                f"{_shown(value)}",
                cmp.field,
            )
            continue
        if decl.type in ("bool", "enum", "text") and cmp.op in ("gt", "gte", "lt", "lte"):
            checker.add(
                path,
                f"字段 {cmp.field}（{_type_zh(decl)}）不能比较大小",
                f"field {cmp.field} ({decl.type}) has no order",
                cmp.field,
            )
        new = tuple(converted) if cmp.op in ("in", "not_in") else converted[0]
        mapping[id(cmp)] = Compare(cmp.field, cmp.op, new)
    return _replace(cond, mapping)


def _check_aliases(pack: Pack, checker: _Checker) -> None:
    """`same_as` names another year's figure of a declared field of the same type."""
    for alias, target in pack.aliases().items():
        group, key = alias.split(".", 1)
        where: Path_ = ("fields", group, key, "same_as")
        base, year = split_year(target)
        if year is None or base not in pack.field_names() or year == pack.pack.year:
            checker.add(
                where,
                f"same_as 应写另一年度的字段，如 patents.applications@2009，实际为 {target}",
                f"same_as names another year's figure, e.g. patents.applications@2009: {target}",
                alias,
            )
        elif year not in pack.years():
            checker.add(
                where,
                f"same_as 的年度 {year} 超出规则包的期间（pack.period）",
                f"same_as reads {year}, outside the pack's period",
                alias,
            )
        elif pack.field(base).type != pack.field(alias).type:
            checker.add(
                where,
                f"{alias} 与 {base} 的类型不同，不能互为别名",
                f"{alias} and {base} differ in type",
                alias,
            )


def _check_ratio_compare(
    pack: Pack, cmp: Compare, other: FieldDecl | None, path: Path_, checker: _Checker
) -> None:
    """The engine compares a ratio through its inputs, multiplied out: each needs a bound."""
    if cmp.op in ("in", "not_in"):
        checker.add(
            path,
            f"比率字段 {cmp.field} 只能比较大小或相等，不能用 {cmp.op}",
            f"the ratio {cmp.field} is compared by size or equality, not with {cmp.op}",
            cmp.field,
        )
        return
    names = [cmp.field, cmp.value.field] if isinstance(cmp.value, FieldRef) else [cmp.field]
    read = []
    for name in names:
        decl = pack.field(name)
        read += decl.of if decl.type == "ratio" and decl.of else [split_year(name)[0]]
    unbounded = [n for n in read if n in pack.field_names() and pack.field(n).max is None]
    if unbounded:
        checker.add(
            path,
            f"比较比率时要把 {'、'.join(unbounded)} 相乘，请为它们声明 max（合理上限）",
            f"comparing a ratio multiplies {', '.join(unbounded)}: declare their max",
            cmp.field,
        )


def _replace(cond: Condition, mapping: dict[int, Compare]) -> Condition:
    if isinstance(cond, Compare):
        return mapping.get(id(cond), cond)
    if isinstance(cond, Not):
        return Not(_replace(cond.item, mapping))
    return type(cond)(tuple(_replace(c, mapping) for c in cond.items))


def _lookup(
    name: str, known: list[str], pack: Pack, path: Path_, checker: _Checker
) -> FieldDecl | None:
    if split_year(name)[0] in known:
        return pack.field(name)
    zh_hint, en_hint = did_you_mean(name, known)
    checker.add(path, f"未声明的字段 {name}{zh_hint}", f"undeclared field {name}{en_hint}", name)
    return None


# A number written in a pack: the engine compares 64-bit integers (an amount's least unit),
# and an exact 1e999999999 or 1e-999999 is a billion digits that every check would crawl over.
LEAST, MOST = -12, 15
RANGE_ZH = f"应为有限的数，非零时绝对值在10的{LEAST}次方到10的{MOST + 1}次方之间"
RANGE_EN = f"a finite number, if not 0 between 10^{LEAST} and 10^{MOST + 1} in size"


def _out_of_range(value: Any) -> bool:
    """A number too large, too small or infinite for a pack (what is no number is reported
    elsewhere)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return False
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return False
    return not number.is_finite() or (number != 0 and not LEAST <= number.adjusted() <= MOST)


def _constant(decl: FieldDecl, value: Any) -> Any:
    """The constant as an exact value of the field's type, or None when it does not fit."""
    if decl.type == "bool":
        return value if isinstance(value, bool) else None
    if decl.type in NUMERIC:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            return None
        try:
            number = Fraction(Decimal(str(value)))
        except (ArithmeticError, ValueError):
            return None
        # The engine compares integers: a constant may not be finer than the field itself.
        scaled = number * 10**decl.decimals
        return number if scaled.denominator == 1 else None
    if decl.type == "date":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return None
    if decl.type == "enum":
        return value if value in (decl.values or {}) else None
    return value if isinstance(value, str) else None


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return value.isoformat() if isinstance(value, dt.date) else repr(value)


def _type_zh(decl: FieldDecl) -> str:
    return {
        "bool": "是/否",
        "count": "整数",
        "amount": "金额",
        "ratio": "比率",
        "date": "日期",
        "enum": "选项",
        "text": "文本",
    }[decl.type]


def _check(pack: Pack, checker: _Checker) -> None:
    _check_fields(pack, checker)
    _check_aliases(pack, checker)
    if pack.pack.year not in pack.years():
        checker.add(
            ("pack", "period"),
            f"期间 {pack.pack.period} 应包含规则包评估的年度 {pack.pack.year}",
            f"the period {pack.pack.period} must include the assessed year {pack.pack.year}",
        )
    sources = {s.file for s in pack.pack.sources}
    seen_tasks: set[str] = set()
    seen_reqs: set[str] = set()
    for i, task in enumerate(pack.tasks):
        if task.id in seen_tasks:
            checker.add(
                ("tasks", i, "id"), f"任务编号 {task.id} 重复", f"duplicate task id {task.id}"
            )
        seen_tasks.add(task.id)
        for j, req in enumerate(task.requirements):
            base = ("tasks", i, "requirements", j)
            if req.id in seen_reqs:
                checker.add(
                    (*base, "id"), f"要求编号 {req.id} 重复", f"duplicate requirement id {req.id}"
                )
            seen_reqs.add(req.id)
            if req.citation.source not in sources:
                checker.add(
                    (*base, "citation", "source"),
                    f"引用的来源文件 {req.citation.source} 未在 pack.sources 中声明",
                    f"cited source {req.citation.source} is not declared in pack.sources",
                )
            if req.weight is not None and req.weight <= 0:
                checker.add((*base, "weight"), "权重应大于0", "weight must be greater than 0")
    for k, rule in enumerate(pack.mandatory):
        for name in rule.tasks:
            if name not in seen_tasks:
                checker.add(
                    ("mandatory", k, "tasks"),
                    f"必做任务 {name} 不存在",
                    f"mandatory task {name} does not exist",
                )
    for k, amendment in enumerate(pack.amendments):
        if amendment.citation.source not in sources:
            checker.add(
                ("changes", k, "citation", "source"),
                f"修订引用的来源文件 {amendment.citation.source} 未在 pack.sources 中声明",
                f"the change cites {amendment.citation.source}, not declared in pack.sources",
            )
    _check_grades(pack, checker)
    for k, zh, en in quota_problems(pack.quotas, [b.code for b in pack.scoring.grades]):
        checker.add(("quotas", k), zh, en)
    for k, quota in enumerate(pack.quotas):
        if quota.citation.source not in sources:
            checker.add(
                ("quotas", k, "citation", "source"),
                f"名额引用的来源文件 {quota.citation.source} 未在 pack.sources 中声明",
                f"the quota cites {quota.citation.source}, not declared in pack.sources",
            )
    _check_index(pack, checker)
    check_part(pack, checker.add)
    check_sheet(pack, checker.add)


def _check_index(pack: Pack, checker: _Checker) -> None:
    """An index pack's arithmetic is sound before any city is read: weights that sum to 1,
    indicators over numeric fields, a reference for every indicator where one is used."""
    spec = pack.index
    if (spec is None) != (pack.kind == "assessment"):
        checker.add(
            ("index",) if spec else ("kind",),
            "只有 kind: index 的规则包写 index:，且它必须写",
            "`index:` belongs to, and is required by, a pack of kind: index",
        )
    if spec is None:
        return
    sources = {s.file for s in pack.pack.sources}
    codes = [d.code for d in spec.dimensions]
    for k, dim in enumerate(spec.dimensions):
        if codes.index(dim.code) != k:
            checker.add(
                ("index", "dimensions", k, "code"),
                f"维度 {dim.code} 重复",
                f"duplicate dimension {dim.code}",
            )
        if not spec.indicators_of(dim.code):
            checker.add(
                ("index", "dimensions", k),
                f"维度 {dim.code} 没有指标",
                f"dimension {dim.code} has no indicator",
            )
    total = sum((d.weight for d in spec.dimensions), Decimal(0))
    if total != 1:
        checker.add(
            ("index", "dimensions"),
            f"各维度权重之和应为1，实际为{total}",
            f"the dimensions' weights must sum to 1, not {total}",
        )
    ids: set[str] = set()
    for k, ind in enumerate(spec.indicators):
        where = ("index", "indicators", k)
        if ind.id in ids:
            checker.add((*where, "id"), f"指标 {ind.id} 重复", f"duplicate indicator {ind.id}")
        ids.add(ind.id)
        if ind.dimension not in codes:
            checker.add(
                (*where, "dimension"),
                f"维度 {ind.dimension} 不存在",
                f"no dimension {ind.dimension}",
                field=ind.dimension,
            )
        for key in ("field", "per"):
            name = getattr(ind, key)
            if name is None:
                continue
            decl = _by_name_or_none(pack, name)
            if decl is None or decl.type not in ("count", "amount"):
                checker.add(
                    (*where, key),
                    f"{name} 应为规则包中的数量或金额字段",
                    f"{name} must be a count or amount field of the pack",
                    field=name,
                )
        if ind.times <= 0:
            checker.add((*where, "times"), "times 应大于0", "times must be greater than 0")
        if ind.citation.source not in sources:
            checker.add(
                (*where, "citation", "source"),
                f"引用的来源文件 {ind.citation.source} 未在 pack.sources 中声明",
                f"cited source {ind.citation.source} is not declared in pack.sources",
            )
    for place, zh, en in spec.problems():
        checker.add(place, zh, en)
    methods = {spec.normalisation, *spec.uncertainty.normalisations}
    # A geometric mean needs positive sub-indices (strength/index.py, aggregate): z-scores and
    # values below a reference's worst go negative, and clamping them would tie the cities.
    # The Monte Carlo draws the listed aggregations with the listed normalisations; a
    # comparable index normalises the pack's own way on fixed bounds a later year can fall
    # below.
    negative = sorted(methods & {"z_score", "reference"})
    if spec.comparable is not None and spec.aggregation == "geometric":
        negative = sorted({*negative, "reference"})
    if "geometric" in {spec.aggregation, *spec.uncertainty.aggregations} and negative:
        checker.add(
            ("index", "aggregation"),
            f"几何平均要求各方面的分项指数为正，不能用于 {'、'.join(negative)} 标准化（可能为负值，"
            "如低于参照年最差值）；请改用算术平均（arithmetic），或 min_max、distance_to_best",
            f"a geometric mean needs positive sub-indices and cannot aggregate "
            f"{' or '.join(negative)} (they can go negative, e.g. below a reference's worst); "
            "use arithmetic, or min_max or distance_to_best",
        )
    if "reference" in methods:
        for ind in spec.indicators:
            ref = spec.reference.get(ind.id)
            if ref is None or ref.best == ref.worst:
                checker.add(
                    ("index", "reference"),
                    f"按参照年标准化时，指标 {ind.id} 须有不相等的 worst 和 best",
                    f"normalising against a reference needs a worst and a different "
                    f"best for indicator {ind.id}",
                )
    for name in spec.reference:
        if name not in ids:
            checker.add(("index", "reference", name), f"没有指标 {name}", f"no indicator {name}")
    if spec.tier is not None:
        decl = _by_name_or_none(pack, spec.tier)
        if decl is None or decl.type != "enum":
            checker.add(
                ("index", "tier"),
                f"{spec.tier} 应为规则包中的选项字段",
                f"{spec.tier} must be an enum field of the pack",
                field=spec.tier,
            )


def _by_name_or_none(pack: Pack, name: str) -> FieldDecl | None:
    group, _, key = name.partition(".")
    return pack.fields.get(group, {}).get(key)


def _check_fields(pack: Pack, checker: _Checker) -> None:
    city = pack.fields.get("city", {})
    if "name" not in city or city["name"].type != "text" or not city["name"].required:
        checker.add(
            ("fields",),
            "fields 中须声明 city.name（type: text, required: true）",
            "fields must declare city.name (type: text, required: true)",
        )
    labels: dict[str, str] = {}
    for group, decls in pack.fields.items():
        for key, decl in decls.items():
            path = ("fields", group, key)
            name = f"{group}.{key}"
            if decl.label in labels:
                checker.add(
                    (*path, "label"),
                    f"名称“{decl.label}”与 {labels[decl.label]} 重复（Excel 表头用名称找字段）",
                    f"label “{decl.label}” repeats {labels[decl.label]} "
                    "(spreadsheet headings use labels)",
                )
            labels.setdefault(decl.label, name)
            for attr in ("min", "max", "times", "minus"):
                if _out_of_range(getattr(decl, attr)):
                    checker.add(
                        (*path, attr),
                        f"字段 {name} 的 {attr} 超出范围（{RANGE_ZH}）",
                        f"field {name}: {attr} is out of range ({RANGE_EN})",
                        name,
                    )
            if key in ("id", "sid") or "__" in key or "__" in group:
                checker.add(
                    path,
                    f"字段名 {name} 不可用（id、sid 和双下划线留给引擎）",
                    f"field name {name} is reserved (id, sid and double underscores)",
                )
            if decl.type == "enum" and not decl.values:
                checker.add(path, "选项字段须列出 values", "an enum field must list its values")
            if decl.type not in SCALED and decl.decimals:
                checker.add(
                    path,
                    "只有金额和比率字段可以有小数位",
                    "only amount and ratio fields have decimals",
                )
            low = decl.min if decl.min is not None else Decimal(0)
            if decl.type in ("count", "amount") and low < 0:
                checker.add(path, "数值字段不能允许负数", "numeric fields cannot allow negatives")
            if decl.max is not None and decl.max < low and decl.type != "ratio":
                checker.add(path, "max 小于 min", "max is less than min")
            _check_ratio(pack, decl, path, checker)


def _check_ratio(pack: Pack, decl: FieldDecl, path: Path_, checker: _Checker) -> None:
    if decl.type != "ratio":
        if decl.of is not None:
            checker.add(
                (*path, "of"), "只有比率字段（type: ratio）有 of", "only ratio fields have of"
            )
        return
    if decl.of is None:
        checker.add(
            path,
            "比率字段须写明 of: [被除数字段, 除数字段]",
            "a ratio field needs of: [numerator, denominator]",
        )
        return
    if decl.times <= 0:
        checker.add((*path, "times"), "比率的 times 应大于0", "a ratio's times must be above 0")
    known = pack.field_names()
    for name in decl.of:
        other = _lookup(name, known, pack, (*path, "of"), checker)
        if other is not None and other.type not in ("count", "amount"):
            checker.add(
                (*path, "of"),
                f"比率只能由整数或金额字段算出，{name} 是{_type_zh(other)}",
                f"a ratio is computed from count or amount fields; {name} is {other.type}",
            )


def _check_grades(pack: Pack, checker: _Checker) -> None:
    bands = pack.scoring.grades
    codes = [b.code for b in bands]
    for k, band in enumerate(bands):
        path = ("scoring", "grades", k)
        if codes.count(band.code) > 1 and codes.index(band.code) != k:
            checker.add(path, f"等级代码 {band.code} 重复", f"duplicate grade code {band.code}")
        # A points sheet's total may pass 100 (bonuses, a start of 100); its lowest grade is
        # reached by a veto or a quota's cut even when a looser grade stands before it.
        sheet = pack.is_sheet
        if band.min_score is not None and not 0 <= band.min_score <= (10**6 if sheet else 100):
            checker.add(
                (*path, "min_score"),
                f"等级 {band.label} 的分数线 {band.min_score} 不在0到100之间，永远达不到",
                f"grade {band.code}: threshold {band.min_score} is outside 0–100 and unreachable",
            )
        for earlier in bands[:k]:
            if _covers(earlier, band) and not (sheet and k == len(bands) - 1):
                checker.add(
                    path,
                    f"等级 {band.label} 永远达不到：排在前面的 {earlier.label} 的条件更宽",
                    f"grade {band.code} is unreachable: the earlier {earlier.code} is looser",
                )
                break
    last = bands[-1]
    if last.min_score is not None or last.mandatory_complete:
        checker.add(
            ("scoring", "grades", len(bands) - 1),
            "最后一个等级应无条件（没有 min_score 和 mandatory_complete），作为兜底",
            "the last grade must be unconditional (no min_score, no mandatory_complete)",
        )


def _covers(earlier: GradeBand, later: GradeBand) -> bool:
    """Every city that qualifies for `later` already qualifies for `earlier`."""
    score_ok = earlier.min_score is None or (
        later.min_score is not None and earlier.min_score <= later.min_score
    )
    mandatory_ok = not earlier.mandatory_complete or later.mandatory_complete
    return score_ok and mandatory_ok

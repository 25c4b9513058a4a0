"""A city's submission: the model built from a pack's field declarations, and its readers.

Every declared field is optional in the model; an absent or empty one is *missing*, never
false or zero. Values are checked strictly here, at the edge (each one through
`values.checked`), so that the engine only ever sees values of the declared type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, TypeGuard

from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic_core import PydanticCustomError

from ..errors import InputError, Problem, display_path, document_name
from ..packs import FieldDecl, Pack, per_pack
from ..packs.conditions import in_year
from ..provenance import InputFile, sha256
from ..text import bad_name, broken_character, control_character, did_you_mean
from ..validation import problems_from
from ..yamlio import Lines, line_of, load_fast, load_with_bytes, within
from .claims import KEY as CLAIMS
from .claims import read_claims
from .evidence import Attached
from .evidence import read as read_evidence
from .values import (
    Value,
    apply_defaults,
    checked,
    count_range,
    derive,
    shown_value,
    validator,
)

PackChooser = Callable[[str | None], Pack]  # the pack for a file, given its own `pack:` key


@dataclass(frozen=True)
class Submission:
    """One city-year, validated against a pack: every present field with its typed value."""

    pack_id: str
    year: int
    values: dict[str, Value]  # dotted field name → value; absent fields are not here
    source: str = ""
    # The files it was read from with their SHA-256: the submission first, then any
    # reference file it names.
    inputs: tuple[InputFile, ...] = ()
    # Where each value of another year (and each `_prev` taken from one) came from:
    # {"from": "history"} or {"from": "archive", "id", "file", "sha256", "stored_at"}.
    other_years: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Supporting documents by requirement id or field name (`evidence:`), files hashed.
    evidence: Attached = field(default_factory=dict)
    # A points sheet's 自评分 by item (`self_scores:`), listed against the points computed.
    claimed: dict[str, Decimal] = field(default_factory=dict)

    @property
    def city(self) -> str:
        return str(self.values["city.name"])


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", arbitrary_types_allowed=True)


@per_pack
def _models(pack: Pack) -> dict[int, type[BaseModel]]:
    return {}


def model_for(pack: Pack, year: int | None = None) -> type[BaseModel]:
    """The pydantic model of a submission to `pack` for a year (by default the year the pack
    assesses: dates of that year's events must fall in it), built once per pack and year."""
    year = pack.pack.year if year is None else year
    built = _models(pack)
    if year not in built:
        built[year] = _model(pack, year)
    return built[year]


def _model(pack: Pack, year: int) -> type[BaseModel]:
    groups: dict[str, Any] = {}
    for group, decls in pack.fields.items():
        members: dict[str, Any] = {
            key: (
                Annotated[Any, validator(decl, year)],
                ... if decl.required else None,
            )
            for key, decl in decls.items()
            if decl.type != "ratio"
        }
        groups[group] = create_model(f"Group_{group}", __base__=_Model, **members)
    fact_groups: dict[str, Any] = {g: (m | None, None) for g, m in groups.items() if g != "city"}
    facts = create_model("Facts", __base__=_Model, **fact_groups)
    top: dict[str, Any] = {
        "pack": (str | None, None),
        "city": (groups["city"], ...),
        "facts": (facts | None, None),
    }
    return create_model("Submission", __base__=_Model, **top)


TOP_KEYS = (
    "pack",
    "year",
    "city",
    "facts",
    "reference",
    "history",
    "evidence",
    "self_scores",
    "note",
)


def read_submission(path: Path, pack_of: PackChooser, any_year: bool = False) -> Submission:
    """Read a .yaml/.yml/.json submission; `pack_of(pack_id_or_None)` gives the pack to use.

    With `any_year`, a submission for a year the pack does not assess (last year's figures
    under this year's field names) is read too; otherwise its year must be the pack's.
    """
    name = display_path(path)
    fast = load_fast(path)
    if fast is not None and isinstance(fast[0], dict):
        # The lines of keys are only needed for a message: read them only when there is one.
        try:
            return _read(fast[0], {}, fast[1], name, path, pack_of, any_year)
        except InputError:
            pass
    data, lines, raw = load_with_bytes(path)
    return _read(data, lines, raw, name, path, pack_of, any_year)


def _read(
    data: Any,
    lines: Lines,
    raw: bytes,
    name: str,
    path: Path,
    pack_of: PackChooser,
    any_year: bool,
) -> Submission:
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    "提交文件应为一个映射（pack、year、city、facts）",
                    "a submission must be a mapping (pack, year, city, facts)",
                    file=name,
                )
            ]
        )
    # Its problems name it as typed (`name`); documents and records as `document_name` does.
    read_from = (InputFile(document_name(path), sha256(raw), _note(data, name, lines)),)
    pack_id = data.get("pack")
    pack = pack_of(pack_id if isinstance(pack_id, str) else None)
    if "reference" not in data:
        return parse_submission(data, pack, name, lines, read_from, any_year, path.parent)
    return _with_reference(data, pack, path, name, lines, read_from, any_year)


def _note(data: dict[str, Any], name: str, lines: Lines, required: bool = False) -> str | None:
    """A file's `note:` on its own data. A reference file must say where its figures come from
    (publisher, title, year) or that they are an example: they are stated as fact otherwise."""
    note = data.get("note")
    if note is None and not required:
        return None
    if not isinstance(note, str) or not note.strip() or broken_character(note):
        raise InputError(
            [
                Problem(
                    "参考数据文件须写 note：数据的来源和年份（如“国家知识产权局《2017年知识产权"
                    "统计年报》”），或注明是示例数据"
                    if required
                    else "note 应为一段文字（说明数据的来源，或注明是示例数据）",
                    "a reference file needs note: where its figures come from (publisher, title, "
                    "year), or that they are an example"
                    if required
                    else "note must be text (where the data come from, or that it is an example)",
                    name,
                    line_of(lines, ("note",)) if "note" in data else None,
                    "note",
                )
            ]
        )
    return note.strip()


def _with_reference(
    data: dict[str, Any],
    pack: Pack,
    path: Path,
    name: str,
    lines: Lines,
    read_from: tuple[InputFile, ...],
    any_year: bool,
) -> Submission:
    """A submission whose outside figures (national averages …) come from a reference file.

    The file (`reference: 文件名`, relative to the submission) holds `facts:` for the pack's
    `role: reference` fields only; a problem in it is reported against the reference file.
    """
    raw = data["reference"]
    where = line_of(lines, ("reference",))
    if not isinstance(raw, str) or not raw.strip():
        raise InputError(
            [
                Problem(
                    "reference 应为参考数据文件名",
                    "reference must name a file",
                    name,
                    where,
                    "reference",
                )
            ]
        )
    if code := control_character(raw):
        raise InputError([Problem(*bad_name(code), name, where, "reference")])
    # The two files' figures are merged group by group: each must be a mapping.
    own = data.get("facts") or {}
    shapes = _not_mappings(name, lines, {"facts": own}) or _not_mappings(name, lines, own, "facts")
    if shapes:
        raise InputError(shapes)
    ref_path = path.parent / raw.strip()
    if not within(path.parent, ref_path):
        raise InputError(
            [
                Problem(
                    f"参考数据文件须在提交文件所在的文件夹（或其子文件夹）内，实际为 {raw.strip()}"
                    "（自己的文件可加 --allow-outside）",
                    "a reference file must be inside the submission's folder (or below it), "
                    f"got {raw.strip()} (for your own files: --allow-outside)",
                    name,
                    where,
                    "reference",
                )
            ]
        )
    ref_name = display_path(ref_path)
    ref_data, ref_lines, ref_raw = load_with_bytes(ref_path)
    facts = ref_data.get("facts") if isinstance(ref_data, dict) else None
    if not isinstance(ref_data, dict) or not isinstance(facts, dict):
        raise InputError(
            [Problem("参考数据文件应有 facts:", "a reference file needs facts:", ref_name)]
        )
    note = _note(ref_data, ref_name, ref_lines, required=True)
    read_from = (*read_from, InputFile(document_name(ref_path, path.parent), sha256(ref_raw), note))
    shapes = _not_mappings(ref_name, ref_lines, facts, "facts")
    if shapes:
        raise InputError(shapes)
    merged = {**data, "facts": {g: dict(v) if isinstance(v, dict) else v for g, v in own.items()}}
    merged.pop("reference")
    problems, moved = [], {}
    for group, members in facts.items():
        for key, value in (members or {}).items():
            field = f"{group}.{key}"
            spot = line_of(ref_lines, ("facts", group, key))
            decl = pack.fields.get(group, {}).get(key)
            if decl is None or decl.role != "reference":
                problems.append(
                    Problem(
                        "参考数据文件只能提供参考数据字段（role: reference）",
                        "a reference file holds reference fields only",
                        ref_name,
                        spot,
                        field,
                    )
                )
                continue
            holder = merged["facts"].setdefault(group, {})
            if key in holder:
                problems.append(
                    Problem(
                        "这个字段已由参考数据文件提供，提交文件中不要再填",
                        "this field comes from the reference file; remove it",
                        name,
                        line_of(lines, ("facts", group, key)),
                        field,
                    )
                )
                continue
            holder[key] = value
            moved[field] = spot
    if problems:
        raise InputError(problems)
    try:
        return parse_submission(merged, pack, name, lines, read_from, any_year, path.parent)
    except InputError as exc:
        raise InputError(
            [
                Problem(p.zh, p.en, ref_name, moved[p.field], p.field) if p.field in moved else p
                for p in exc.problems
            ]
        ) from None


def _not_mappings(
    name: str, lines: Lines, items: dict[str, Any], under: str | None = None
) -> list[Problem]:
    """A problem for each item that is given but is no mapping (a list, a number)."""
    return [
        Problem(
            "应为映射（键: 值）",
            "expected a mapping (key: value)",
            name,
            line_of(lines, (under, key) if under else (key,)),
            f"{under}.{key}" if under else key,
        )
        for key, value in items.items()
        if value is not None and not isinstance(value, dict)
    ]


def parse_submission(
    data: dict[str, Any],
    pack: Pack,
    name: str,
    lines: Lines,
    read_from: tuple[InputFile, ...] = (),
    any_year: bool = False,
    folder: Path | None = None,
) -> Submission:
    """A submission document checked against the pack; `folder` is where the files its
    evidence names are found (the submission's own folder)."""
    problems = _unknown_keys(data, pack, name, lines)
    year = data.get("year")
    if any_year and year is not None and not _is_year(year):
        problems.append(
            Problem(
                f"年度应为1900到2100之间的整数年份，实际为{shown_value(year)}",
                f"year must be a whole year from 1900 to 2100, got {year!r}",
                name,
                line_of(lines, ("year",)),
                "year",
            )
        )
    elif year is not None and year != pack.pack.year and not any_year:
        problems.append(
            Problem(
                f"本规则包评估的是{pack.pack.year}年度，提交的是 {shown_value(year)}",
                f"this pack assesses {pack.pack.year}, the submission says {year}",
                name,
                line_of(lines, ("year",)),
                "year",
            )
        )
    # A submission for the pack an amendment extends fits the amended pack too.
    if data.get("pack") not in (None, pack.id, pack.extends):
        problems.append(
            Problem(
                f"提交文件写的规则包是 {data['pack']}，但本次用 {pack.id} 评估",
                f"the submission names pack {data['pack']}, but {pack.id} is in use",
                name,
                line_of(lines, ("pack",)),
                "pack",
            )
        )
    this_year = year if _is_year(year) else pack.pack.year
    values = None if problems else _checked_values(data, pack, this_year)
    if values is None:  # something is wrong: the model finds what, with its messages
        try:
            model = model_for(pack, this_year).model_validate(data)
            values = _values_of(pack, model, with_city=True)
        except ValidationError as exc:
            problems.extend(problems_from(exc, name, lines, field_of=_field_name))
    history, wrong = _history(data, pack, name, lines, this_year)
    problems += wrong
    attached, wrong = read_evidence(data.get("evidence"), pack, folder or Path("."), name, lines)
    problems += wrong
    claimed, wrong = read_claims(data.get(CLAIMS), pack, name, lines)
    problems += wrong
    if problems or values is None:
        raise InputError(problems)
    apply_defaults(pack, values)
    derive(pack, values)
    values.update(history)
    source = read_from[0].path if read_from else name  # named as documents name it
    return Submission(pack.id, this_year, values, source, read_from, {}, attached, claimed)


# How a field's value is checked: a whole count or a yes/no is told at once, anything else
# goes through `checked`.
_COUNT, _BOOL, _OTHER = range(3)
_Fillable = tuple[str, str, FieldDecl, int, int | Decimal, int | Decimal]


@per_pack
def _typed_fields(pack: Pack) -> tuple[tuple[str, tuple[_Fillable, ...]], ...]:
    """Each group's fields a submission fills in (not computed ratios): key, name,
    declaration, how it is checked, and a count's range."""
    out = []
    for group, decls in pack.fields.items():
        fields = []
        for key, d in decls.items():
            if d.type != "ratio":
                kind = {"count": _COUNT, "bool": _BOOL}.get(d.type, _OTHER)
                low, high = count_range(d) if kind == _COUNT else (0, 0)
                fields.append((key, f"{group}.{key}", d, kind, low, high))
        out.append((group, tuple(fields)))
    return tuple(out)


def _checked_values(data: dict[str, Any], pack: Pack, year: int) -> dict[str, Value] | None:
    """The values the submission model gives for a sound document, by dotted field name, each
    checked as the model checks it; None at the first thing wrong, for the model to report
    with its messages. Building the model's objects was most of reading a submission."""
    city, facts, pack_id = data.get("city"), data.get("facts"), data.get("pack")
    if not isinstance(city, dict) or not isinstance(facts, dict | None):
        return None
    if not isinstance(pack_id, str | None):
        return None
    values: dict[str, Value] = {}
    for group, fields in _typed_fields(pack):
        holder = city if group == "city" else None if facts is None else facts.get(group)
        if holder is None:  # a group left out (not the city: checked above)
            continue
        if not isinstance(holder, dict):
            return None
        for key, name, decl, kind, low, high in fields:
            if key not in holder:
                if decl.required:
                    return None
                continue
            value = holder[key]
            if kind == _COUNT and value.__class__ is int and low <= value <= high:
                values[name] = value
                continue
            if kind == _BOOL and value.__class__ is bool:
                values[name] = value
                continue
            try:
                value = checked(decl, value, year)
            except (PydanticCustomError, ValueError, AssertionError):  # what the model reports
                return None
            if value is not None:
                values[name] = value
    return values


def _values_of(pack: Pack, model: Any, with_city: bool) -> dict[str, Value]:
    """Every present value of a validated submission model, by dotted field name."""
    values: dict[str, Value] = {}
    for group, decls in pack.fields.items():
        if group == "city" and not with_city:
            continue
        holder = model.city if group == "city" else getattr(model.facts, group, None)
        for key in decls:
            value = getattr(holder, key, None) if holder is not None else None
            if value is not None:
                values[f"{group}.{key}"] = value
    return values


def _is_year(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100


def _field_name(loc: tuple[str | int, ...]) -> str:
    """('facts', 'plan', 'issued') → 'plan.issued'; ('city', 'level') → 'city.level'."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "facts":
        parts = parts[1:]
    return ".".join(parts)


def _unknown(file: str, line: int | None, field: str, key: str, known: list[str]) -> Problem:
    """An unknown key, with the nearest known one or the list of known ones."""
    hint_zh, hint_en = did_you_mean(key, known)
    if hint_zh:
        return Problem(f"未知字段{hint_zh}", f"unknown field{hint_en}", file, line, field)
    return Problem(
        f"未知字段（可用：{', '.join(known)}）",
        f"unknown field (known: {', '.join(known)})",
        file,
        line,
        field,
    )


def _unknown_keys(data: dict[str, Any], pack: Pack, name: str, lines: Lines) -> list[Problem]:
    problems: list[Problem] = []

    def unknown(path: tuple[str, ...], key: str, known: list[str]) -> None:
        problems.append(_unknown(name, line_of(lines, path), _field_name(path), key, known))

    for key in data:
        if key not in TOP_KEYS:
            unknown((key,), key, list(TOP_KEYS))
    city = data.get("city")
    if isinstance(city, dict) and not pack.fields["city"].keys() >= city.keys():
        for key in city:
            if key not in pack.fields["city"]:
                unknown(("city", key), key, list(pack.fields["city"]))
    problems += _unknown_facts(data.get("facts"), pack, name, lines, ("facts",))
    return problems


@per_pack
def _fillable(pack: Pack) -> dict[str, frozenset[str]]:
    """Each group of facts and the fields in it a submission may fill in (not computed ones)."""
    return {
        group: frozenset(k for k, d in decls.items() if d.type != "ratio")
        for group, decls in pack.fields.items()
        if group != "city"
    }


def _unknown_facts(
    facts: Any, pack: Pack, name: str, lines: Lines, root: tuple[str, ...]
) -> list[Problem]:
    """Unknown groups and fields, and computed fields filled in, under `root` (the year's facts)."""
    problems: list[Problem] = []
    year = root[1] if root[0] == "history" else None  # ("history", "2009")

    def where(path: tuple[str, ...]) -> str:
        field = ".".join(path[len(root) :])
        return field if year is None else f"{field}@{year}"

    def unknown(path: tuple[str, ...], key: str, known: list[str]) -> None:
        problems.append(_unknown(name, line_of(lines, path), where(path), key, known))

    if isinstance(facts, dict):
        fillable = _fillable(pack)
        for group, members in facts.items():
            if group not in fillable:
                unknown((*root, group), group, list(fillable))
            elif isinstance(members, dict) and not fillable[group] >= members.keys():
                for key in members:
                    decl = pack.fields[group].get(key)
                    if decl is None:
                        unknown((*root, group, key), key, list(pack.fields[group]))
                    elif decl.type == "ratio":
                        path = (*root, group, key)
                        problems.append(
                            Problem(
                                f"这是由 {'、'.join(decl.of or [])} 算出的值，不需要填写",
                                f"this is computed from {', '.join(decl.of or [])}; do not fill it",
                                name,
                                line_of(lines, path),
                                where(path),
                            )
                        )
    return problems


def _history(
    data: dict[str, Any], pack: Pack, name: str, lines: Lines, year: int
) -> tuple[dict[str, Value], list[Problem]]:
    """Other years' figures (`history: {2009: {group: {field: value}}}`) as `field@2009`,
    checked like this year's (dates against their own year)."""
    raw = data.get("history")
    values: dict[str, Value] = {}
    if raw is None:
        return values, []
    spot = line_of(lines, ("history",))
    if not isinstance(raw, dict):
        zh = "history 应为“年份: {组: {字段: 值}}”的映射"
        return values, [Problem(zh, "history must map years to facts", name, spot, "history")]
    problems: list[Problem] = []
    for raw_key, facts in raw.items():
        key = str(raw_key)  # YAML read with line numbers gives text keys; other readers ints
        path = ("history", key)
        other = int(key) if key.isdigit() and len(key) == 4 else None
        if other is None or not 1900 <= other <= 2100 or other == year:
            zh = (
                f"本年度（{year}）的数据写在 facts 中，不写在 history 中"
                if other == year
                else f"history 的键应为年份（如 {year - 1}），实际为“{key}”"
            )
            en = (
                f"this year's ({year}) figures go under facts, not history"
                if other == year
                else f"history keys must be years such as {year - 1}, got “{key}”"
            )
            problems.append(Problem(zh, en, name, line_of(lines, path), "history"))
            continue
        problems += _unknown_facts(facts, pack, name, lines, path)
        # The year's facts, validated by the model for that year; the city is this year's.
        sub_lines = {("facts", *p[2:]): n for p, n in lines.items() if p[:2] == path}
        try:
            model: Any = model_for(pack, other).model_validate(
                {"city": data.get("city"), "facts": facts}
            )
        except ValidationError as exc:
            found_problems = problems_from(exc, name, sub_lines, field_of=_field_name)
            problems += [
                Problem(p.zh, p.en, p.file, p.line, f"{p.field}@{other}")
                for p in found_problems
                if not (p.field or "").startswith("city")
            ]
            continue
        found = _values_of(pack, model, with_city=False)
        derive(pack, found)
        values.update((in_year(k, other), v) for k, v in found.items())
    return values, problems

"""What `archive import` checks before it stores anything, beyond each line's shape
(`store.records.read_dump`): every record's pack is known — its document carried in the export,
held by the archive, or installed unchanged; its figures are the pack's fields, of their
declared types and within their bounds; and a stored result is what its stored figures and
pack give when assessed again (`replay.made_again`). A forged result — 99.9 优秀 beside
figures that give 63.2 合格 — is refused with the line that carries it. All or nothing: one
problem anywhere and nothing of the file is imported."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import InvalidOperation
from typing import TYPE_CHECKING, Any

from pydantic_core import PydanticCustomError

from ..errors import InputError, IpscoreError, Problem
from ..intake.values import checked
from ..packs import Pack
from ..packs.document import pack_from_document
from ..store.records import WRAPPED, Stored, Value, figures_in
from .replay import Packs, differences, made_again

if TYPE_CHECKING:
    from ..store.archive import Archive

# The figure type (`store.records.encoded`) each declared field type is stored as.
STORED_AS = {
    "bool": "bool",
    "count": "int",
    "amount": "decimal",
    "ratio": "decimal",
    "date": "date",
    "enum": "text",
    "text": "text",
}


def checked_records(
    archive: Archive, lines: list[tuple[int, dict[str, Any]]], name: str
) -> list[dict[str, Any]]:
    """The records of an export (line, record), once every one has passed; else every
    problem, each with its line."""
    problems: list[Problem] = []
    documents: dict[str, str] = {}
    for n, record in lines:
        if "stored_pack" in record:
            problems += _pack_problems(record["stored_pack"], name, n)
            documents[record["stored_pack"]["sha256"]] = record["stored_pack"]["document"]
    packs = Packs(lambda sha: documents.get(sha) or archive.pack_document(sha))
    # An exported row's id → its figures, from every line: a result cites the rows it read by
    # id, and a row stored later in the same batch (last year's file after this year's) is
    # exported after the result it corrected.
    figures: dict[int, dict[str, Value]] = {
        record["id"]: figures_in(record)
        for _, record in lines
        if _a_version(record) and isinstance(record.get("id"), int)
    }
    for n, record in lines:
        if not _a_version(record):
            continue
        where = (name, n)
        found = _pack(packs, record, where)
        if isinstance(found, Problem):
            problems.append(found)
            continue
        values = figures_in(record)
        wrong = _figure_problems(found, record, values, where)
        if not wrong and record["result"] is not None:
            wrong = _reproduced(found, record, values, figures, where)
        problems += wrong
    if problems:
        raise InputError(problems)
    return [record for _, record in lines]


def _a_version(record: Mapping[str, Any]) -> bool:
    """Whether an export's line is a stored version (not a pack, a check or a season row)."""
    return not any(k in record for k in WRAPPED)


def _pack_problems(row: Mapping[str, Any], name: str, n: int) -> list[Problem]:
    """A pack document carried in the export must load, with its hash and its id."""
    try:
        pack = pack_from_document(row["document"], name, row["sha256"])
    except IpscoreError as exc:
        return [Problem(p.zh, p.en, name, n, "stored_pack.document") for p in exc.problems]
    if pack.id != row["pack"]:
        return [
            Problem(
                f"规则包文档的编号是 {pack.id}，这一行写的是 {row['pack']}",
                f"the pack document's id is {pack.id}, the line says {row['pack']}",
                name,
                n,
                "stored_pack.pack",
            )
        ]
    return []


def _pack(packs: Packs, record: Mapping[str, Any], where: tuple[str, int]) -> Pack | Problem:
    """The pack that made a record, which must be the one it names."""
    pack_id, version, sha = record["pack"], record["pack_version"], record["pack_sha256"]
    try:
        pack = packs.of(pack_id, sha)
    except IpscoreError:  # a document that does not load (reported at its own line)
        return Problem(
            f"规则包 {pack_id}（哈希 {sha[:12]}…）的文档不能载入，无法核对这条存档",
            f"the pack {pack_id} ({sha[:12]}…) does not load: this record cannot be checked",
            *where,
            "pack_sha256",
        )
    if pack is None:
        return Problem(
            f"规则包 {pack_id} {version}（哈希 {sha[:12]}…）不在导出文件和归档中，本机也没有"
            "同样的规则包：无法核对这条存档",
            f"the pack {pack_id} {version} ({sha[:12]}…) is in neither the export nor the "
            "archive, nor installed unchanged: this record cannot be checked",
            *where,
            "pack_sha256",
        )
    if (pack.id, pack.pack.version) != (pack_id, version):
        return Problem(
            f"哈希 {sha[:12]}… 是规则包 {pack.id} {pack.pack.version}，这条存档写的是 "
            f"{pack_id} {version}",
            f"the hash {sha[:12]}… is the pack {pack.id} {pack.pack.version}, the record "
            f"says {pack_id} {version}",
            *where,
            "pack",
        )
    return pack


def _figure_problems(
    pack: Pack, record: Mapping[str, Any], values: Mapping[str, Value], where: tuple[str, int]
) -> list[Problem]:
    """Each figure a field of the pack, stored as its declared type and within its bounds."""
    fields = set(pack.field_names())
    out = []
    for name, value in values.items():
        field = f"figures.{name}"
        if name not in fields:
            out.append(
                Problem(
                    f"不是规则包 {pack.id} 的填报字段",
                    f"not a field of the pack {pack.id}",
                    *where,
                    field,
                )
            )
            continue
        decl = pack.field(name)
        kind = record["figures"][name]["type"]
        if kind != STORED_AS[decl.type]:
            out.append(
                Problem(
                    f"规则包声明为 {decl.type}，应存为 {STORED_AS[decl.type]}，实际为 {kind}",
                    f"declared {decl.type}, so stored as {STORED_AS[decl.type]}, not {kind}",
                    *where,
                    field,
                )
            )
            continue
        try:
            checked(decl, value, record["year"])
        except PydanticCustomError as exc:
            context = exc.context or {}
            out.append(Problem(context["zh"], context["en"], *where, field))
    return out


def _reproduced(
    pack: Pack,
    record: Mapping[str, Any],
    values: Mapping[str, Value],
    figures: Mapping[int, Mapping[str, Value]],
    where: tuple[str, int],
) -> list[Problem]:
    """Nothing when the record's result is what its figures and pack give, assessed again."""
    stored = Stored(
        id=record.get("id", 0),
        pack=record["pack"],
        pack_version=record["pack_version"],
        pack_sha256=record["pack_sha256"],
        city=record["city"],
        year=record["year"],
        kind=record["kind"],
        source=record["source"],
        input_sha256=record["input_sha256"],
        stored_at=record["stored_at"],
        stored_by=record["stored_by"],
        ipscore_version=record["ipscore_version"],
        version=1,
        current=True,
        references=tuple(record["references"]),
        result=record["result"],
        figures=dict(values),
        reason=record.get("reason"),
    )
    try:
        again = made_again(pack, stored, figures)
    except IpscoreError as exc:
        return [Problem(p.zh, p.en, *where, p.field) for p in exc.problems]
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation):
        # What the result says of other years and documents is read to assess it again: a
        # hand-made one may not have the shape a stored result has.
        return [
            Problem(
                "评估结果的往年数据（other_years）或佐证材料（evidence）不是 ipscore 存的样子，"
                "无法按存下的数据重新评估",
                "the result's other_years or evidence is not as ipscore stores them: it cannot "
                "be assessed again",
                *where,
                "result",
            )
        ]
    differ = differences(record["result"], again)
    if not differ:
        return []
    said, made = record["result"], again
    return [
        Problem(
            f"{stored.city} {stored.year}年度：存档的结果是 {said['score']}分 "
            f"{said['grade_label']}，按这条存档的数据和规则包 {pack.id} {pack.pack.version} "
            f"重新评估是 {made['score']}分 {made['grade_label']}（不同之处：{'、'.join(differ)}），"
            "拒绝导入",
            f"{stored.city} {stored.year}: the stored result is {said['score']} {said['grade']}, "
            f"assessed again from its figures and the pack {pack.id} {pack.pack.version} it is "
            f"{made['score']} {made['grade']} (differs in: {', '.join(differ)}); not imported",
            *where,
            "result",
        )
    ]

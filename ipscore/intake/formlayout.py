"""What a fill-in form asks and in what order, for the Excel form (`formsheet`) and the web's
fill-in page alike, so that the two never drift apart. A weighted pack's form asks field group
by field group, each headed by the tasks that read it. A points sheet's is laid out like the
office's 考核评分表: the city's profile, then under each task's heading one block per item
(its title, 分值, 评分标准, the figures it reads, one 自评分), then the figures no item reads
(under each veto that reads them, then the rest)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..packs import FieldDecl, Pack, Requirement
from ..packs.conditions import fields_read, split_year
from ..packs.model import parts_of
from .claims import KEY as CLAIMS
from .formwords import WORDS, in_text, label, unit


@dataclass(frozen=True)
class Ask:
    """One figure to fill in; `see` says where, when it is filled in under another item."""

    name: str
    decl: FieldDecl
    see: str | None = None

    @property
    def label(self) -> str:
        """Its Chinese name with its unit: 发明专利申请量（件）."""
        return self.label_in("zh")

    def label_in(self, lang: str) -> str:
        """Its name with its unit in a form's language: Invention patent applications
        (applications)."""
        name, shown = label(self.decl, lang), unit(self.decl, lang)
        if shown and self.see is None:
            return WORDS[lang].with_unit.format(label=name, unit=shown)
        return name


@dataclass(frozen=True)
class Block:
    """Figures asked together: a points sheet's item (its 分值, 评分标准 and 自评分 beside
    them) or, with no item, a plain run of rows."""

    asks: tuple[Ask, ...]
    item: Requirement | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


def group_headings(pack: Pack, lang: str = "zh") -> dict[str, str]:
    """Each field group's heading: the tasks whose requirements read it (城市概况 for the
    profile), so a clerk fills in a task's figures together."""
    words = WORDS[lang]
    tasks: dict[str, dict[str, str]] = {group: {} for group in pack.fields}
    for task, req in pack.requirements():
        for name in fields_read(req.check):
            group = name.split("@")[0].split(".")[0]
            if group in tasks:
                tasks[group][task.id] = in_text(lang, task.title, task.title_en)
    out = {}
    for group, used in tasks.items():
        if group == "city":
            out[group] = words.profile
        elif used:
            out[group] = words.used_by + words.task_sep.join(
                f"{tid} {title}" for tid, title in used.items()
            )
        else:
            out[group] = group
    return out


def sections(pack: Pack, lang: str = "zh") -> list[Section]:
    """The form's sections in order (see the module's note), headed in the form's language."""
    words = WORDS[lang]
    if not pack.is_sheet:
        headings = group_headings(pack, lang)
        return [
            Section(
                headings[group],
                (
                    Block(
                        tuple(
                            Ask(f"{group}.{key}", decl)
                            for key, decl in decls.items()
                            if decl.type != "ratio"
                        )
                    ),
                ),
            )
            for group, decls in pack.fields.items()
        ]
    shown: dict[str, str] = {}  # field → where it is filled in

    def asked(names: list[str], where: str) -> tuple[Ask, ...]:
        out = []
        for name in names:
            out.append(Ask(name, pack.field(name), shown.get(name)))
            shown.setdefault(name, where)
        return tuple(out)

    city = [f"city.{key}" for key in pack.fields.get("city", {})]
    out = [Section(words.profile, (Block(asked(_asked(pack, city), words.profile)),))]
    for n, task in enumerate(pack.tasks, start=1):
        total = sum((req.points.value for req in task.requirements if req.points), Decimal(0))
        worth = words.worth.format(points=points_text(total)) if total else ""
        blocks = tuple(
            Block(
                asked(
                    item_fields(pack, req),
                    words.quoted.format(title=in_text(lang, req.title, req.title_en)),
                ),
                req,
            )
            for req in task.requirements
        )
        title = in_text(lang, task.title, task.title_en)
        number = f"{numeral(n)}、" if lang == "zh" else f"{n}. "
        out.append(Section(f"{number}{title}{worth}", blocks))
    left = [n for n in _asked(pack, pack.field_names()) if n not in shown]
    for veto in pack.scoring.vetoes:
        read = [n for n in _inputs(pack, fields_read(veto.when)) if n in left]
        if read:
            heading = words.veto.format(title=in_text(lang, veto.title, veto.title_en))
            out.append(Section(heading, (Block(asked(read, heading)),)))
            left = [n for n in left if n not in read]
    if left:
        out.append(Section(words.others, (Block(asked(left, words.others)),)))
    return out


def item_fields(pack: Pack, req: Requirement) -> list[str]:
    """The fields a city files for an item, in the pack's order: those its parts' bands and
    its applicability read (a ratio by the figures it is computed from, another year's
    figure by this year's field)."""
    read: list[str] = []
    for part in parts_of(req):
        for band in part.bands:
            read += fields_read(band.when)
    for cond in (req.check, req.applies_if):
        if cond is not None:
            read += fields_read(cond)
    return _inputs(pack, read)


def maximum(pack: Pack) -> Decimal:
    """A points sheet's full marks: its start and every item's 分值, or its cap where lower."""
    values = (req.points.value for _, req in pack.requirements() if req.points)
    full = pack.scoring.sheet.start + sum(values, Decimal(0))
    cap = pack.scoring.sheet.max
    return full if cap is None else min(full, cap)


def _inputs(pack: Pack, names: list[str]) -> list[str]:
    wanted: set[str] = set()
    for name in names:
        base = split_year(name)[0]
        decl = pack.field(base)
        wanted.update(decl.of if decl.type == "ratio" and decl.of else [base])
    return [n for n in _asked(pack, pack.field_names()) if n in wanted]


def _asked(pack: Pack, names: list[str]) -> list[str]:
    return [n for n in names if pack.field(n).type != "ratio"]


def points_text(value: Decimal) -> str:
    """分值 as a sheet writes it: 15, 2.5."""
    return f"{value.normalize():f}"


_DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """一, 二, …, 十, 十一, …, 二十: a heading's number as an office writes it (n < 100)."""
    tens, ones = divmod(n, 10)
    if not tens:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def form_label(pack: Pack, field: str | None) -> tuple[str, str] | None:
    """A problem's item as the form names it, which a clerk finds the row by: 「市局主要从事
    执法办案工作的人员」, its documents (「…」的佐证材料) or an item's 自评分; in English the item's
    name with the field's code. None where the problem is not one item's."""
    code = (field or "").split("[", 1)[0]
    if code.startswith(f"{CLAIMS}."):
        item = code.removeprefix(f"{CLAIMS}.")
        req = next((r for _, r in pack.requirements() if r.id == item), None)
        if req is None:
            return None
        return f"「{req.title}」的自评分", f"self-score of “{req.title_en or req.title}” [{code}]"
    name = code.removeprefix("evidence.")
    try:
        decl = pack.field(name)
    except KeyError:
        return None
    if code.startswith("evidence."):
        nth = re.match(r"^[^\[]*\[(\d+)\](?:\.(\w+))?", field or "")
        which = f"第{nth[1]}份" if nth else ""
        part = f"（{_PARTS.get(nth[2], nth[2])}）" if nth and nth[2] else ""
        return (
            f"「{decl.label}」的{which}佐证材料{part}",
            f"documents for “{decl.label_en}” [{field}]",
        )
    return f"「{decl.label}」", f"“{decl.label_en}” [{field}]"


# A document's parts as the 佐证材料 column names them: 文号；标题；日期；文件.
_PARTS = {"doc": "文号", "title": "标题", "date": "日期", "file": "文件"}

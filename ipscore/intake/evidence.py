"""Supporting documents (佐证材料) a submission attaches to a requirement or a field.

`evidence: {T1.R2: [{doc: 某政发〔2015〕12号, title: …, date: 2015-11-20, file: 附件/plan.pdf}]}`.
A named file must lie inside the submission's folder; it is hashed (SHA-256) into the result's
provenance, never copied. A file that is named but absent is kept, marked absent, and reported:
the submission is still assessed, the reviewer sees what is missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, document_name
from ..packs import Pack, per_pack
from ..text import bad_name, broken_character, control_character, did_you_mean, iso_date
from ..yamlio import Lines, line_of, within

KEYS = ("doc", "title", "date", "file")
MOST_CHARS = 200  # a document number or title; a path
MOST_PER_KEY = 50  # documents for one requirement or field: more is a pasted list, not proof


@dataclass(frozen=True)
class Evidence:
    """One supporting document as the submission names it, with its file's hash if present."""

    doc: str | None = None  # the document number, e.g. 某政发〔2015〕12号
    title: str | None = None
    date: dt.date | None = None
    file: str | None = None  # as written, relative to the submission's folder
    path: str | None = None  # the file as documents name it (`document_name`): no machine path
    sha256: str | None = None  # None: no file named, or the file is absent

    @property
    def absent(self) -> bool:
        return self.file is not None and self.sha256 is None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "doc": self.doc,
            "title": self.title,
            "date": None if self.date is None else self.date.isoformat(),
            "file": self.file,  # as written: the same wherever ipscore is run from
        }
        if self.file is not None:
            out["sha256"] = self.sha256
            out["present"] = self.sha256 is not None
        return out

    def words(self) -> str:
        """How a report names it: 《标题》（文号，2015-11-20）."""
        parts = [p for p in (self.doc, None if self.date is None else self.date.isoformat()) if p]
        named = f"《{self.title}》" if self.title else (self.doc or self.file or "")
        if self.title and parts:
            named += f"（{'，'.join(parts)}）"
        elif not self.title and self.doc and self.date:
            named += f"（{self.date.isoformat()}）"
        return named


Attached = dict[str, tuple[Evidence, ...]]


@per_pack
def keys_of(pack: Pack) -> tuple[str, ...]:
    """What evidence may be attached to: each requirement, and each field a city fills in."""
    reqs = [req.id for _, req in pack.requirements()]
    fields = [n for n in pack.field_names() if pack.field(n).type != "ratio"]
    return (*reqs, *fields)


def read(
    raw: Any, pack: Pack, folder: Path, name: str, lines: Lines
) -> tuple[Attached, list[Problem]]:
    """The `evidence:` of a submission, every problem with its line."""
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [
            Problem(
                "evidence 应为“要求编号或字段: [佐证材料…]”的映射",
                "evidence must map requirement ids or fields to lists of documents",
                name,
                line_of(lines, ("evidence",)),
                "evidence",
            )
        ]
    known = keys_of(pack)
    out: Attached = {}
    problems: list[Problem] = []
    for key, items in raw.items():
        key = str(key)
        spot = line_of(lines, ("evidence", key))
        if key not in known:
            zh, en = did_you_mean(key, known)
            problems.append(
                Problem(
                    f"“{key}”不是本规则包的要求编号（如 T1.R1）或填报字段：佐证材料只能附在"
                    f"这两者上{zh}",
                    f"“{key}” is neither a requirement id (such as T1.R1) nor a field of this "
                    f"pack: evidence attaches to those{en}",
                    name,
                    spot,
                    f"evidence.{key}",
                )
            )
            continue
        listed = items if isinstance(items, list) else [items]
        if len(listed) > MOST_PER_KEY:
            problems.append(
                Problem(
                    f"一项最多附{MOST_PER_KEY}份佐证材料，这里有{len(listed)}份",
                    f"at most {MOST_PER_KEY} documents per item, got {len(listed)}",
                    name,
                    spot,
                    f"evidence.{key}",
                )
            )
            continue
        found = []
        for i, item in enumerate(listed):
            at = ("evidence", key, i) if isinstance(items, list) else ("evidence", key)
            piece, wrong = _item(item, folder, name, lines, at, f"evidence.{key}[{i + 1}]")
            problems += wrong
            if piece is not None:
                found.append(piece)
        if found:
            out[key] = tuple(found)
    return out, problems


def _item(
    item: Any, folder: Path, name: str, lines: Lines, at: tuple[str | int, ...], field: str
) -> tuple[Evidence | None, list[Problem]]:
    def problem(zh: str, en: str, part: str | None = None) -> Problem:
        line = line_of(lines, (*at, part) if part else at)
        return Problem(zh, en, name, line, f"{field}.{part}" if part else field)

    if not isinstance(item, dict):
        return None, [
            problem(
                "每份佐证材料应为映射：doc（文号）、title（标题）、date（日期）、file（文件）",
                "each document is a mapping: doc, title, date, file",
            )
        ]
    problems = [
        problem(
            f"不认识的键“{k}”（可用：{'、'.join(KEYS)}）",
            f"unknown key “{k}” (known: {', '.join(KEYS)})",
            str(k),
        )
        for k in item
        if k not in KEYS
    ]
    texts: dict[str, str | None] = {}
    for part in ("doc", "title", "file"):
        value = item.get(part)
        if value is None or (isinstance(value, str) and not value.strip()):
            texts[part] = None
        elif (
            not isinstance(value, str) or len(value.strip()) > MOST_CHARS or broken_character(value)
        ):
            problems.append(
                problem(
                    f"应为不超过{MOST_CHARS}个字的文字",
                    f"expected text of at most {MOST_CHARS} characters",
                    part,
                )
            )
        elif part == "file" and (code := control_character(value)):
            problems.append(problem(*bad_name(code), part))
        else:
            texts[part] = value.strip()
    date = _date(item.get("date"))
    if date is False:
        problems.append(
            problem(
                f"应为日期，格式如 2015-11-20，实际为“{item.get('date')}”",
                f"expected a date such as 2015-11-20, got “{item.get('date')}”",
                "date",
            )
        )
    if problems:
        return None, problems
    doc, title, file = texts.get("doc"), texts.get("title"), texts.get("file")
    if doc is None and title is None and file is None:
        return None, [
            problem(
                "佐证材料至少要写文号（doc）、标题（title）或文件（file）之一",
                "a document needs at least one of doc, title or file",
            )
        ]
    when = date if isinstance(date, dt.date) else None
    if file is None:
        return Evidence(doc, title, when), []
    path = folder / file
    if not within(folder, path):
        return None, [
            problem(
                f"佐证材料文件须在提交文件所在的文件夹（或其子文件夹）内，实际为 {file}"
                "（自己的文件可加 --allow-outside）",
                "an evidence file must be inside the submission's folder (or below it), "
                f"got {file} (for your own files: --allow-outside)",
                "file",
            )
        ]
    if path.exists() and not path.is_file():
        return None, [problem(f"{file} 不是文件", f"{file} is not a file", "file")]
    size = path.stat().st_size if path.is_file() else 0
    if size > MAX_EVIDENCE:
        return None, [
            problem(
                f"佐证材料文件 {file} 有 {size // 2**20} MB，超过上限 {MAX_EVIDENCE // 2**20} MB，"
                "没有计算校验值：请压缩或拆分（可用环境变量 IPSCORE_MAX_EVIDENCE_MB 调整）",
                f"the evidence file {file} is {size // 2**20} MB, over the "
                f"{MAX_EVIDENCE // 2**20} MB limit, and was not hashed: compress or split it "
                "(IPSCORE_MAX_EVIDENCE_MB)",
                "file",
            )
        ]
    return Evidence(doc, title, when, file, document_name(path, folder), _hash(path)), []


def _date(value: Any) -> dt.date | bool | None:
    """A date, None when not given, False when it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    found = iso_date(value)
    return False if found is None else found


# Every run hashes every evidence file: a 3 GB one took 30 s each time. Scans of a season's
# documents are tens of MB.
MAX_EVIDENCE = int(os.environ.get("IPSCORE_MAX_EVIDENCE_MB", "200")) * 2**20


def _hash(path: Path) -> str | None:
    """The file's SHA-256, read in pieces (a scanned PDF may be large); None if absent."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:  # absent, or not readable: reported as absent either way
        return None


FILE_SUFFIX = re.compile(r"\.(pdf|ofd|docx?|xlsx?|wps|jpe?g|png|tiff?|zip|rar|7z|txt)$", re.I)


def from_cell(text: str) -> list[dict[str, Any]]:
    """The documents written in a form's evidence cell: one per line, `文号；标题；日期；文件`
    (parts may be left empty). A line without separators is a file if it ends like one, else a
    document number."""
    out: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in re.split(r"[；;]", line)]
        if len(parts) == 1:
            key = "file" if FILE_SUFFIX.search(parts[0]) else "doc"
            out.append({key: parts[0]})
            continue
        if len(parts) > len(KEYS):
            parts = [*parts[:3], "；".join(parts[3:])]
        out.append({k: v for k, v in zip(KEYS, parts, strict=False) if v})
    return out

"""What a stored record must look like, whether it comes from a line of an export or from a row
of the database: types, ISO dates that exist, a year in range, a result that is an object with
a score and a grade, figures whose text is a value of their type. One model for both, so that
an import refuses what a reader would later stumble on, and a reader names a row written by
hand or by an older version in the same words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import Problem
from ..validation import dotted, translate

HASH = re.compile(r"^[0-9a-f]{64}$")


def _fail(zh: str, en: str) -> PydanticCustomError:
    return PydanticCustomError("ipscore", "{en}", {"zh": zh, "en": en})


def shown(value: Any) -> str:
    """A value as a message shows it: text quoted, a list or an object named."""
    if isinstance(value, str):
        return f"文本“{value}”"
    if isinstance(value, bool):
        return f"是/否值 {'true' if value else 'false'}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "对象"
    return "空值" if value is None else str(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(f"应为文本，实际为{shown(value)}", f"expected text, got {value!r}")
    return value


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise _fail(
            f"年度应为1900到2100之间的整数年份，实际为{shown(value)}",
            f"year must be a whole year from 1900 to 2100, got {value!r}",
        )
    return value


def _moment(value: Any) -> str:
    """An ISO time that exists (2016-01-15T09:00:00Z), kept as written."""
    try:
        dt.datetime.fromisoformat(_text(value))
    except ValueError:
        raise _fail(
            f"应为 ISO 时间，格式如 2016-01-15T09:00:00Z，实际为{shown(value)}",
            f"expected an ISO time such as 2016-01-15T09:00:00Z, got {value!r}",
        ) from None
    return str(value)


def _sha256(value: Any) -> str:
    if not isinstance(value, str) or not HASH.match(value):
        raise _fail(
            f"应为 SHA-256（64位十六进制小写），实际为{shown(value)}",
            f"expected a SHA-256 (64 lowercase hex digits), got {value!r}",
        )
    return value


FIGURE_TYPES = ("bool", "int", "decimal", "date", "text")


def figure_problem(kind: Any, text: Any) -> tuple[str, str] | None:
    """What is wrong with a stored figure's type and text (`records.encoded`), if anything."""
    if kind not in FIGURE_TYPES:
        return (
            f"数据类型应为 {'、'.join(FIGURE_TYPES)} 之一，实际为{shown(kind)}",
            f"the type must be one of {', '.join(FIGURE_TYPES)}, got {kind!r}",
        )
    if not isinstance(text, str):
        return f"值应为文本，实际为{shown(text)}", f"the value must be text, got {text!r}"
    wanted = {
        "bool": ("“true”或“false”", "true or false"),
        "int": ("整数", "a whole number"),
        "decimal": ("数", "a number"),
        "date": ("存在的日期，格式如 2015-12-31", "a date that exists, such as 2015-12-31"),
    }
    if kind in wanted and not _reads_as(kind, text):
        zh, en = wanted[kind]
        return (
            f"类型为 {kind}，值应为{zh}，实际为{shown(text)}",
            f"of type {kind}, the value must be {en}, got {text!r}",
        )
    return None


def _reads_as(kind: str, text: str) -> bool:
    if kind == "bool":
        return text in ("true", "false")
    if kind == "int":
        return re.fullmatch(r"-?[0-9]{1,30}", text) is not None
    if kind == "decimal":  # as `encoded` writes one: str(Decimal), never NaN or Infinity
        return (
            len(text) <= 60
            and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?(E[+-]?[0-9]+)?", text) is not None
        )
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is not None


class Figure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Any
    value: Any

    @model_validator(mode="after")
    def _reads(self) -> Figure:
        wrong = figure_problem(self.type, self.value)
        if wrong:
            raise _fail(*wrong)
        return self


class Requirement(BaseModel):
    id: str
    status: str


class Task(BaseModel):
    id: str
    requirements: list[Requirement]


class Result(BaseModel):
    """What every reader of a stored result reads; the rest is compared when it is replayed."""

    score: float
    grade: str
    grade_label: str
    tasks: list[Task]
    other_years: dict[str, dict[str, Any]] = {}
    evidence: dict[str, list[dict[str, Any]]] = {}
    provenance: dict[str, Any] = {}

    @field_validator("score", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(f"应为数，实际为{shown(value)}", f"expected a number, got {value!r}")
        return value


def _result(value: Any) -> Any:
    if value is not None and not isinstance(value, dict):
        raise _fail(
            f"评估结果应为对象（{{…}}）或 null，实际为{shown(value)}",
            f"the result must be an object or null, got {value!r}",
        )
    return value


_RECORD: dict[str, Callable[[Any], Any]] = {
    "pack": _text,
    "pack_version": _text,
    "city": _text,
    "source": _text,
    "ipscore_version": _text,
    "pack_sha256": _sha256,
    "year": _year,
    "stored_at": _moment,
}


class _Outcome(BaseModel):
    """A row's kind and its result, which must go together."""

    kind: Literal["assessment", "figures"]
    result: Result | None

    @field_validator("result", mode="before")
    @classmethod
    def _object(cls, value: Any) -> Any:
        return _result(value)

    @model_validator(mode="after")
    def _kind_and_result(self) -> _Outcome:
        if (self.kind == "assessment") != (self.result is not None):
            raise _fail(
                f"kind 为 {self.kind}，评估结果却{'为空' if self.result is None else '不为空'}",
                f"kind is {self.kind} but the result is {'null' if self.result is None else 'set'}",
            )
        return self


class Record(_Outcome):
    """A stored version (`Entry.record`, `Stored.to_dict`)."""

    pack: str
    pack_version: str
    pack_sha256: str
    city: str
    year: Any
    source: str
    input_sha256: str
    references: list[dict[str, Any]]
    stored_at: str
    stored_by: str | None
    reason: str | None = None  # an export from before reasons has none
    ipscore_version: str
    figures: dict[str, Figure]

    @field_validator(*_RECORD, mode="before")
    @classmethod
    def _each(cls, value: Any, info: ValidationInfo) -> Any:
        return _RECORD[info.field_name or ""](value)

    @field_validator("input_sha256", mode="before")
    @classmethod
    def _input(cls, value: Any) -> Any:
        return value if value == "" else _sha256(value)  # "" where a submission had no file


class CheckedSubmission(BaseModel):
    input_sha256: str
    stored_at: str
    pack_sha256: str | None = None
    reason: str | None = None


_CHECK: dict[str, Callable[[Any], Any]] = {"year": _year, "checked_at": _moment}


class Check(BaseModel):
    """An exported reviewer's check (`{"check": …}`)."""

    pack: str
    city: str
    year: Any
    requirement: str
    decision: Literal["verified", "rejected"]
    reason: str | None
    checked_by: str
    checked_at: str
    verdict: str
    evidence_sha256: str
    submission: CheckedSubmission

    @field_validator(*_CHECK, mode="before")
    @classmethod
    def _each(cls, value: Any, info: ValidationInfo) -> Any:
        return _CHECK[info.field_name or ""](value)


_PACK: dict[str, Callable[[Any], Any]] = {"sha256": _sha256, "stored_at": _moment}


class StoredPack(BaseModel):
    """An exported pack document (`{"stored_pack": …}`)."""

    sha256: str
    pack: str
    pack_version: str
    document: str
    stored_at: str

    @field_validator(*_PACK, mode="before")
    @classmethod
    def _each(cls, value: Any, info: ValidationInfo) -> Any:
        return _PACK[info.field_name or ""](value)


def problems_of(model: type[BaseModel], body: Any, root: str = "") -> list[tuple[str, str, str]]:
    """(field, Chinese, English) for each thing wrong with `body` as `model`; empty if none."""
    try:
        model.model_validate(body, strict=False)
    except ValidationError as exc:
        out = []
        for error in exc.errors():
            zh, en = translate(error)
            where = dotted((*((root,) if root else ()), *error["loc"]))
            if error["type"] == "missing":
                zh, en = "缺少必填项", "missing"
            elif error["type"] in ("string_type", "dict_type", "model_type", "list_type"):
                zh += f"，实际为{shown(error['input'])}"
            out.append((where, zh, en))
        return list(dict.fromkeys(out))
    return []


@dataclass(frozen=True)
class Damaged:
    """A row of the database that is not what ipscore stores (written by hand with SQL, or by
    an older version): named and skipped by every reader, never a traceback."""

    id: int
    pack: Any
    city: Any
    year: Any
    what: tuple[tuple[str, str, str], ...]  # (field, Chinese, English)

    def problem(self) -> Problem:
        zh = "；".join(f"字段 {f}：{z}" if f else z for f, z, _ in self.what)
        en = "; ".join(f"field {f}: {e}" if f else e for f, _, e in self.what)
        under = f"，{self.pack}" if self.pack else ""
        return Problem(
            f"归档 #{self.id}（{self.city} {self.year}年度{under}）已损坏：{zh}",
            f"archive row #{self.id} ({self.city} {self.year}{under}) is damaged: {en}",
        )

    def joined(self, other: Damaged) -> Damaged:
        return Damaged(
            self.id,
            self.pack or other.pack,
            self.city,
            self.year,
            tuple(dict.fromkeys((*self.what, *other.what))),
        )


# Where the row's result is not read (a listing), it stands in so that only what was read is
# judged: a result of the shape every stored result has.
_UNREAD = {"score": 0, "grade": "", "grade_label": "", "tasks": []}


def row_damage(
    row: Mapping[Any, Any], figure_rows: Iterable[Mapping[Any, Any]] = ()
) -> Damaged | None:
    """What is wrong with a row of `submissions` (and the rows of its figures), if anything."""
    what: list[tuple[str, str, str]] = []
    record = {k: row[k] for k in _ROW_COLUMNS}
    record["references"] = _parsed(row["references_json"], "references", [], what)
    if "result_json" in row:
        text = row["result_json"]
        instead = _UNREAD if row["kind"] == "assessment" else None
        record["result"] = None if text is None else _parsed(text, "result", instead, what)
    else:
        record["result"] = _UNREAD if row["kind"] == "assessment" else None
    record["figures"] = {}
    what += problems_of(Record, record)
    for f in figure_rows:
        wrong = figure_problem(f["type"], f["value"])
        if wrong:
            what.append((f"figures.{f['field']}", *wrong))
    if not what:
        return None
    return Damaged(row["id"], row["pack"], row["city"], row["year"], tuple(what))


def result_damage(text: str | None, kind: str) -> tuple[tuple[str, str, str], ...]:
    """What is wrong with a row's result as read on its own (`Reading.current_of`)."""
    what: list[tuple[str, str, str]] = []
    result = None if text is None else _parsed(text, "result", _UNREAD, what)
    record = {"kind": kind, "result": result}
    return (*what, *(p for p in problems_of(_Outcome, record)))


def figure_damage(row: Mapping[Any, Any]) -> Damaged | None:
    """A row of `figures` whose text is not a value of its type, as its submission's damage."""
    wrong = figure_problem(row["type"], row["value"])
    if wrong is None:
        return None
    what = ((f"figures.{row['field']}", *wrong),)
    return Damaged(row["submission_id"], None, row["city"], row["year"], what)


_ROW_COLUMNS = (
    "pack",
    "pack_version",
    "pack_sha256",
    "city",
    "year",
    "kind",
    "source",
    "input_sha256",
    "stored_at",
    "stored_by",
    "reason",
    "ipscore_version",
)


def _parsed(text: Any, name: str, instead: Any, what: list[tuple[str, str, str]]) -> Any:
    try:
        return orjson.loads(text)
    except (orjson.JSONDecodeError, TypeError):
        what.append((name, "不是有效的 JSON", "not valid JSON"))
        return instead


class _Season(BaseModel):
    """A season's row in an export (`store.exportlines`): exactly these keys."""

    model_config = ConfigDict(extra="forbid")


class Named(_Season):
    """A submission named as an export names it."""

    input_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    stored_at: str
    pack_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    reason: str | None = None


class SeasonFile(_Season):
    year: int = Field(ge=1990, le=2100)
    file: str = Field(max_length=500)
    document: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    stored_at: str
    stored_by: str


class SeasonEvent(_Season):
    year: int = Field(ge=1990, le=2100)
    city: str
    pack: str
    action: str
    stage: str
    by: str
    role: str
    at: str
    opinion: str | None
    late: bool
    details: dict[str, Any]
    submission: Named | None


class ExpertScoreLine(_Season):
    pack: str
    city: str
    year: int = Field(ge=1990, le=2100)
    item: str
    expert: str
    points: str = Field(pattern=r"^\d+(\.\d+)?$")
    note: str | None
    scored_at: str
    submission: Named | None


SEASON_LINES: dict[str, type[BaseModel]] = {
    "season_file": SeasonFile,
    "season_event": SeasonEvent,
    "expert_score": ExpertScoreLine,
}

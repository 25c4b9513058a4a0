"""A city's stages in a season and who may move it: 自评提交 (the city) → 省局初审 (its province
sends it back with reasons, or recommends it) → 国家局复核 (evidence verified, experts' scores in)
→ 公示 (a notice period in working days; objections with the objector's identity) → 定稿.

Pure rules over the city's events (`store.stages.Event`): `standing` reads where a city is,
`decide` turns a step someone asks for into the event to append, or refuses it in words. The
archive side is `season.running`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import InputError, Problem
from ..store.stages import Event
from ..text import clean_name
from .calendar import beijing_date, is_late, is_working_day, last_working_day
from .people import User
from .seasonfile import Season

# Where a city's file is: whose move it is next.
STAGES: dict[str, tuple[str, str]] = {
    "city": ("待城市提交", "waiting on the city"),
    "province": ("省局初审", "provincial review"),
    "national": ("国家局复核", "national review"),
    "notice": ("公示", "public notice"),
    "final": ("定稿", "final"),
}
# Who the stage waits on, in words.
WAITING: dict[str, tuple[str, str]] = {
    "city": ("城市", "the city"),
    "province": ("省局", "the province"),
    "national": ("国家局", "the national office"),
    "notice": ("公示期满", "the end of the notice"),
    "final": ("—", "—"),
}
ACTIONS: dict[str, tuple[str, str]] = {
    "submit": ("自评提交", "submitted"),
    "return": ("退回", "sent back"),
    "recommend": ("省局推荐", "recommended by the province"),
    "review": ("国家局复核通过，进入公示", "reviewed, put on notice"),
    "object": ("异议受理", "objection accepted"),
    "object_refused": ("异议不予受理", "objection refused"),
    "answer": ("异议答复", "objection answered"),
    "final": ("定稿", "made final"),
}
# The stages in which the city's file may not be stored again: it is being reviewed.
LOCKED = ("province", "national", "notice", "final")

Action = Literal["submit", "return", "recommend", "review", "object", "answer", "final"]


@dataclass(frozen=True)
class Objector:
    """Who objects: an organisation's objection carries its seal, a person's a signature and
    contact details (real-schemes E5, E6)."""

    name: str | None
    kind: Literal["person", "organisation"]
    contact: str | None = None
    signed: bool = False
    sealed: bool = False

    def missing(self) -> tuple[str, str] | None:
        """What makes the objection anonymous, in words; None if its identity is complete. A
        name or contact of spaces or invisible characters is none."""
        if not clean_name(self.name or ""):
            return "未署名", "no name"
        if self.kind == "organisation" and not self.sealed:
            return "单位异议未加盖公章", "an organisation's objection without its seal"
        if self.kind == "person" and not (self.signed and clean_name(self.contact or "")):
            return (
                "个人异议未署名或未留联系方式",
                "a person's objection unsigned or without contact",
            )
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "contact": self.contact,
            "signed": self.signed,
            "sealed": self.sealed,
        }


@dataclass(frozen=True)
class Step:
    """What someone asks to do to a city's file."""

    action: Action
    opinion: str | None = None
    # A return's reasons: a requirement's id or a field's name → what to correct.
    reasons: Mapping[str, str] = field(default_factory=dict)
    to: str | None = None  # where the national office sends a file back: city, province, national
    notice_start: dt.date | None = None
    objector: Objector | None = None
    text: str | None = None  # an objection's words
    received: dt.date | None = None  # the day an objection arrived
    objection: int | None = None  # the objection an answer is to (its event id)
    upheld: bool | None = None


@dataclass(frozen=True)
class Standing:
    """Where one city's file is in the season, read from its events."""

    city: str
    province: str | None
    events: tuple[Event, ...]

    @property
    def stage(self) -> str:
        return self.events[-1].stage if self.events else "city"

    @property
    def submitted(self) -> bool:
        return any(e.action == "submit" for e in self.events)

    @property
    def last(self) -> Event | None:
        return self.events[-1] if self.events else None

    @property
    def returned(self) -> Event | None:
        """The return that sent the file where it is, while it is there."""
        for e in reversed(self.events):
            if e.action == "return":
                return e
            if e.action in ("submit", "recommend", "review", "final"):
                return None
        return None

    @property
    def notice(self) -> tuple[dt.date, dt.date] | None:
        """The notice period the city is in (first and last day), if it is on notice or final."""
        if self.stage not in ("notice", "final"):
            return None
        for e in reversed(self.events):
            if e.action == "review":
                d = e.details
                return dt.date.fromisoformat(d["notice_start"]), dt.date.fromisoformat(
                    d["notice_end"]
                )
        return None

    def objections(self) -> list[tuple[Event, Event | None]]:
        """The accepted objections of the current notice, each with its answer if any."""
        since = max((e.id for e in self.events if e.action == "review"), default=0)
        answers = {e.details.get("objection"): e for e in self.events if e.action == "answer"}
        return [
            (e, answers.get(e.id)) for e in self.events if e.action == "object" and e.id > since
        ]

    def deadline(self, season: Season) -> dt.date | None:
        """The last day of whoever the file waits on."""
        if self.stage == "notice" and self.notice:
            return self.notice[1]
        if self.stage == "city" and self.returned is not None:
            return season.deadlines.province  # sent back: due again by the province's day
        return {
            "city": season.deadlines.submit,
            "province": season.deadlines.province,
            "national": season.deadlines.national,
        }.get(self.stage)

    def overdue(self, season: Season, today: dt.date) -> bool:
        found = self.deadline(season)
        return found is not None and self.stage != "notice" and today > found


def standing(city: str, province: str | None, events: Sequence[Event]) -> Standing:
    return Standing(city, province, tuple(e for e in events if e.city == city))


def decide(
    step: Step,
    user: User,
    season: Season,
    now: Standing,
    version: int | None,
    at: str,
    known: Mapping[str, str] = {},
) -> Event:
    """The event a step makes, or an InputError saying why it may not be taken: by whom, from
    which stage, with what. `version` is the id of the city's current stored submission;
    `known`, the pack's requirement ids and field names (a return's reasons name them); `at`,
    the time (UTC, ISO 8601)."""
    rule = _RULES[step.action]
    stage, details, late = rule(step, user, season, now, version, known, at)
    return Event(
        id=0,
        year=season.year,
        city=now.city,
        pack=season.pack,
        action=step.action if stage is not None else "object_refused",
        stage=stage if stage is not None else now.stage,
        submission_id=version,
        by=user.name,
        role=user.role,
        at=at,
        opinion=step.opinion,
        late=late,
        details=details,
    )


def refused(event: Event) -> InputError | None:
    """The refusal an objection event records, to say after it is stored; None otherwise."""
    if event.action != "object_refused":
        return None
    d = event.details
    return InputError(
        [
            Problem(
                f"{event.city}的异议不予受理：{d['why']}。依据：{d['rule']}（已记录，编号{event.id}）",
                f"the objection to {event.city} is not accepted: {d['why_en']}. The rule: "
                f"{d['rule']} (recorded as #{event.id})",
            )
        ]
    )


Details = tuple[str | None, dict[str, Any], bool]


def _submit(
    step: Step,
    user: User,
    season: Season,
    now: Standing,
    version: int | None,
    known: Mapping[str, str],
    at: str,
) -> Details:
    if user.role != "city" or user.city != now.city:
        raise _denied(user, "自评只能由城市本身提交", "only the city itself submits")
    _from(now, ("city",), "提交", "submit")
    if version is None:
        raise _error(
            f"归档中还没有{now.city}{season.year}年度（{season.pack}）的自评："
            "请先用 ipscore archive add 存入",
            f"the archive holds no self-assessment of {now.city} for {season.year} "
            f"({season.pack}): store it with ipscore archive add first",
        )
    back = now.returned
    if back is not None and back.submission_id == version:
        raise _error(
            f"{now.city}的自评被退回后还没有存入修改后的新版本（仍是#{version}）：请先改正并存档",
            f"{now.city} has stored no corrected version since it was sent back "
            f"(still #{version}): correct it and store it first",
        )
    due = now.deadline(season)  # a file sent back is due again by the province's deadline
    assert due is not None
    return "province", {"deadline": due.isoformat()}, is_late(at, due)


def _recommend(
    step: Step,
    user: User,
    season: Season,
    now: Standing,
    version: int | None,
    known: Mapping[str, str],
    at: str,
) -> Details:
    if user.role != "province" or now.province != user.province:
        raise _denied(
            user, f"只有{now.province or '该城市所在省'}的省局能推荐", "only its province"
        )
    _from(now, ("province",), "推荐", "recommend")
    late = is_late(at, season.deadlines.province)
    return "national", {"deadline": season.deadlines.province.isoformat()}, late


def _return(
    step: Step,
    user: User,
    season: Season,
    now: Standing,
    version: int | None,
    known: Mapping[str, str],
    at: str,
) -> Details:
    if user.role == "province" and now.province == user.province:
        _from(now, ("province",), "退回", "send back")
        to = step.to or "city"
        if to != "city":
            raise _error(
                "省局只能退回城市", "a province sends a file back to its city only", "--to"
            )
    elif user.national:
        _from(now, ("national", "notice", "final"), "退回", "send back")
        to = step.to or "city"
        if to not in ("city", "province", "national") or to == now.stage:
            raise _error(
                "--to 应为 city、province 或 national（且不是现在的阶段）",
                "--to is city, province or national (and not the stage it is in)",
                "--to",
            )
    else:
        raise _denied(
            user, "只有所在省局或国家局能退回", "only its province or the national office"
        )
    if not step.reasons:
        raise _error(
            "退回要写明理由：--reason 要求编号或字段名=理由（可写多条）",
            "a return says why: --reason REQUIREMENT-OR-FIELD=REASON (one or more)",
            "--reason",
        )
    unknown = sorted(k for k in step.reasons if k != "*" and k not in known)
    if unknown:
        raise _error(
            f"理由所指的要求或字段不在规则包{season.pack}中：{'、'.join(unknown)}"
            "（写要求编号如 T3.R1、字段名如 enforcement.staff，或 * 指整份材料）",
            f"not a requirement or field of {season.pack}: {', '.join(unknown)} (a requirement "
            "id such as T3.R1, a field such as enforcement.staff, or * for the whole file)",
            "--reason",
        )
    return to, {"reasons": dict(step.reasons), "from": now.stage}, False


def _review(
    step: Step,
    user: User,
    season: Season,
    now: Standing,
    version: int | None,
    known: Mapping[str, str],
    at: str,
) -> Details:
    if not user.national:
        raise _denied(user, "复核由国家局办理", "the national office reviews")
    _from(now, ("national",), "复核", "review")
    start = step.notice_start or season.notice.start
    if start is None:
        raise _error(
            "请给出公示开始日期：--notice-start 2016-06-01（或写在年度文件的 notice.start）",
            "give the first day of the notice: --notice-start 2016-06-01 (or notice.start in the "
            "season file)",
            "--notice-start",
        )
    if not is_working_day(start):
        first = last_working_day(start, 1)
        raise _error(
            f"公示开始日期 {start.isoformat()} 不是工作日：最近的工作日是 {first.isoformat()}",
            f"the notice cannot begin on {start.isoformat()}, not a working day: the next is "
            f"{first.isoformat()}",
            "--notice-start",
        )
    if start < beijing_date(at):
        raise _error(
            f"公示开始日期 {start.isoformat()} 早于今天（{beijing_date(at).isoformat()}），"
            "公示期不能倒签",
            f"the notice cannot begin ({start.isoformat()}) before today "
            f"({beijing_date(at).isoformat()})",
            "--notice-start",
        )
    end = last_working_day(start, season.notice.working_days)
    details = {
        "notice_start": start.isoformat(),
        "notice_end": end.isoformat(),
        "working_days": season.notice.working_days,
        "deadline": season.deadlines.national.isoformat(),
    }
    return "notice", details, is_late(at, season.deadlines.national)


def _object(
    step: Step,
    user: User,
    season: Season,
    now: Standing,
    version: int | None,
    known: Mapping[str, str],
    at: str,
) -> Details:
    if not user.national:
        raise _denied(user, "异议由国家局登记", "the national office records objections")
    _from(now, ("notice",), "登记异议", "record an objection")
    assert now.notice is not None and step.objector is not None
    first, last = now.notice
    received = step.received or beijing_date(at)
    if received > beijing_date(at):
        raise _error(
            f"收到日期 {received.isoformat()} 还没有到（今天是{beijing_date(at).isoformat()}）",
            f"the day received, {received.isoformat()}, has not come yet",
            "--received",
        )
    if not clean_name(step.text or ""):
        raise _error("请写明异议内容（摘要）", "say what the objection is", "--text")
    details: dict[str, Any] = {
        "objector": step.objector.to_dict(),
        "text": step.text,
        "received": received.isoformat(),
        "notice_end": last.isoformat(),
    }
    missing = step.objector.missing()
    why = None
    if missing is not None:
        why = (f"匿名异议（{missing[0]}）", f"anonymous ({missing[1]})")
    elif received > last:
        why = (
            f"超期异议（{received.isoformat()}收到，公示期至{last.isoformat()}）",
            f"late (received {received.isoformat()}, the notice ended {last.isoformat()})",
        )
    elif received < first:
        why = (
            f"公示开始（{first.isoformat()}）前收到",
            f"received before the notice began ({first.isoformat()})",
        )
    if why is None:
        return "notice", details, False
    details.update(why=why[0], why_en=why[1], rule=season.notice.rule)
    return None, details, received > last


def _answer(
    step: Step,
    user: User,
    season: Season,
    now: Standing,
    version: int | None,
    known: Mapping[str, str],
    at: str,
) -> Details:
    if not user.national:
        raise _denied(user, "异议由国家局答复", "the national office answers objections")
    _from(now, ("notice",), "答复异议", "answer an objection")
    open_ = {e.id: answer for e, answer in now.objections()}
    if step.objection not in open_:
        raise _error(
            f"{now.city}本次公示没有编号为{step.objection}的已受理异议",
            f"{now.city} has no accepted objection #{step.objection} in this notice",
            "--objection",
        )
    if open_[step.objection] is not None:
        raise _error(
            f"异议{step.objection}已答复", f"objection #{step.objection} is answered", "--objection"
        )
    if not (step.opinion or "").strip():
        raise _error("答复要写意见：--opinion", "an answer says why: --opinion", "--opinion")
    stage = "national" if step.upheld else "notice"
    return stage, {"objection": step.objection, "upheld": bool(step.upheld)}, False


def _final(
    step: Step,
    user: User,
    season: Season,
    now: Standing,
    version: int | None,
    known: Mapping[str, str],
    at: str,
) -> Details:
    if not user.national:
        raise _denied(user, "定稿由国家局办理", "the national office makes results final")
    _from(now, ("notice",), "定稿", "make final")
    assert now.notice is not None
    last = now.notice[1]
    if beijing_date(at) <= last:
        raise _error(
            f"{now.city}的公示期到{last.isoformat()}为止，期满后才能定稿",
            f"{now.city} is on notice until {last.isoformat()}: final only after it ends",
        )
    unanswered = [e.id for e, answer in now.objections() if answer is None]
    if unanswered:
        ids = "、".join(str(i) for i in unanswered)
        raise _error(
            f"{now.city}还有未答复的异议（编号{ids}）：请先用 ipscore season answer 答复",
            f"{now.city} has unanswered objections (#{ids}): answer them first",
        )
    return "final", {"notice_end": last.isoformat()}, False


_RULES = {
    "submit": _submit,
    "recommend": _recommend,
    "return": _return,
    "review": _review,
    "object": _object,
    "answer": _answer,
    "final": _final,
}


def _from(now: Standing, stages: tuple[str, ...], zh: str, en: str) -> None:
    if now.stage not in stages:
        where = STAGES[now.stage]
        raise _error(
            f"{now.city}现在处于“{where[0]}”阶段，不能{zh}",
            f"{now.city} is at “{where[1]}”: it cannot {en} now",
        )


def _denied(user: User, zh: str, en: str) -> InputError:
    from .scope import who_words

    who = who_words(user)
    return _error(f"{who[0]}不能办理：{zh}（{user.name}）", f"{who[1]} may not: {en} ({user.name})")


def _error(zh: str, en: str, option: str | None = None) -> InputError:
    return InputError([Problem(zh, en, field=option)])

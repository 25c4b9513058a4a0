"""The season on the archive: each step taken in one writing transaction (the city's events read,
the step decided by `season.stages`, the event appended, so two hands acting at once cannot both
move a file from the same stage), who is waiting on whom, which results are final, and the lock
on a file under review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InputError, IpscoreError, Problem
from ..store.stages import Event, add_event, events_of
from .calendar import beijing_date
from .people import User
from .seasonfile import Season, stored_season
from .stages import ACTIONS, LOCKED, STAGES, WAITING, Standing, Step, decide, refused, standing

if TYPE_CHECKING:
    from ..store.archive import Archive, Reading, Writing


@contextmanager
def reading(archive: Archive) -> Iterator[Reading]:
    """The archive as one connection sees it, for reads that must agree with each other."""
    from ..store.archive import Reading

    with archive.connected() as conn:
        yield Reading(conn, archive.damaged)


def season_of(archive: Archive, year: int) -> Season:
    """The year's standing season file, or an error saying how to open one."""
    from ..store.seasons import standing_season

    row = standing_season(archive, year)
    if row is None:
        raise InputError(
            [
                Problem(
                    f"{year}年度还没有开始按阶段办理：请国家局先用 ipscore season open "
                    "年度文件 开启",
                    f"no season is open for {year}: the national office opens one with "
                    "ipscore season open FILE",
                )
            ]
        )
    return stored_season(row.document, row.file)


def province_of(season: Season, seen: Reading, city: str) -> str | None:
    """The province a city belongs to: the season file's list, else what the archive holds for
    the city (never what a new file claims)."""
    for province, cities in season.cities.items():
        if city in cities:
            return province
    current = seen.current(season.pack, city, season.year)
    found = None if current is None else current.figures.get("city.province")
    return None if found is None else str(found)


def known_names(season: Season) -> dict[str, str]:
    """The pack's requirement ids and field names, each with its title or label: what a
    return's reasons may name."""
    from ..packs import find_pack

    pack = find_pack(season.pack)
    names = {r.id: r.title for t in pack.tasks for r in t.requirements}
    for group, decls in pack.fields.items():
        names.update({f"{group}.{key}": d.label for key, d in decls.items()})
    return names


def act(archive: Archive, year: int, city: str, user: User, step: Step, at: str) -> Event:
    """Take a step on a city's file, as `user`, at `at` (UTC, ISO 8601): the event appended,
    or an error saying why not. A refused objection is recorded, then said as an error."""
    season = season_of(archive, year)
    known = known_names(season) if step.action == "return" else {}
    if step.action == "review" and user.national:  # anyone else is refused without a look
        _verified(archive, season, city)
    made: list[Event] = []

    def then(writing: Writing) -> None:
        province = province_of(season, writing, city)
        if not user.may_see(city, province, assigned(season, user)):
            raise outside(user, city, province, year)
        now = standing(city, province, events_of(writing.conn, year, city))
        if step.action == "recommend" and user.role == "province":
            _within_quota(season, province, writing, now)
        current = writing.current(season.pack, city, year)
        event = decide(step, user, season, now, None if current is None else current.id, at, known)
        made.append(add_event(writing.conn, event))

    archive.rewrite(then)
    said = refused(made[0])
    if said is not None:
        raise said
    return made[0]


def assigned(season: Season, user: User) -> frozenset[str]:
    """The cities a season gives an expert to score."""
    found = season.experts.get(user.name) if user.role == "expert" else None
    return frozenset(found.cities) if found else frozenset()


@dataclass(frozen=True)
class Row:
    """One city in `season status`."""

    now: Standing
    season: Season
    version: int | None
    today: dt.date

    def to_dict(self) -> dict[str, Any]:
        now, last = self.now, self.now.last
        deadline = now.deadline(self.season)
        back = now.returned
        return {
            "city": now.city,
            "province": now.province,
            "stage": now.stage,
            "stage_label": STAGES[now.stage][0],
            "submitted": now.submitted,
            "waiting_on": WAITING[now.stage][0],
            "deadline": None if deadline is None else deadline.isoformat(),
            "overdue": now.overdue(self.season, self.today),
            "late_steps": [ACTIONS[e.action][0] for e in now.events if e.late],
            "version": self.version,
            "last": None
            if last is None
            else {"action": ACTIONS[last.action][0], "by": last.by, "at": last.at},
            "reasons": None if back is None else back.details.get("reasons"),
            "objections": [{"id": e.id, "answered": a is not None} for e, a in now.objections()],
        }


def status(
    archive: Archive, year: int, user: User, province: str | None = None, at: str | None = None
) -> tuple[Season, list[Row]]:
    """Every city of the season the user may see (of one province): its stage, who it waits
    on, by when, and whether that day has passed."""
    season = season_of(archive, year)
    today = beijing_date(at) if at else dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    mine = assigned(season, user)
    with reading(archive) as seen:
        events = events_of(seen.conn, year)
        cities = (
            {c for listed in season.cities.values() for c in listed}
            | seen.cities_of(season.pack, year)
            | {e.city for e in events}
        )
        rows = []
        for city in cities:
            where = province_of(season, seen, city)
            if province is not None and where != province:
                continue
            if not user.may_see(city, where, mine):
                continue
            current = seen.current(season.pack, city, year)
            now = standing(city, where, events)
            rows.append(Row(now, season, None if current is None else current.id, today))
    from ..regions import place_key

    rows.sort(key=lambda r: place_key(r.now.province or "", r.now.city))
    return season, rows


def publish_options(
    archive: Archive, year: int, sees: Callable[[str], bool] = lambda _: True
) -> dict[str, Any]:
    """The keywords `record.publish.published` takes for a year: the claims counted of the
    cities the reader `sees`; for a year run in stages, also the final cities only (those left
    out that the reader sees named in a note), the season's quotas, and each city's 自评提交
    time (the one that stands) for ties."""
    from ..store.seasons import standing_season

    if standing_season(archive, year) is None:
        return {"counted": sees}  # not run in stages: the list as it always was
    season = season_of(archive, year)
    with reading(archive) as seen:
        events = events_of(seen.conn, year)
        shown = {c for c in seen.cities_of(season.pack, year) if sees(c)}
    last = {e.city: e for e in events}
    final = frozenset(city for city, e in last.items() if e.stage == "final")
    submitted = {
        e.city: dt.datetime.fromisoformat(e.at.replace("Z", "+00:00"))
        for e in events
        if e.action == "submit"
    }
    waiting = sorted(shown - final)
    note = (
        f"按阶段办理：只列已定稿的{len(shown & final)}个城市；尚未定稿的"
        f"{len(waiting)}个（{'、'.join(waiting)}）未列入"
        if waiting
        else None
    )
    return {
        "counted": sees,
        "only": final,
        "quotas": tuple(season.quotas),
        "submitted": submitted,
        "note": note,
    }


def last_event(archive: Archive) -> int:
    """The id of the newest step recorded (0 if none)."""
    from sqlalchemy import func, select

    from ..store.schema import season_events

    with archive.connected() as conn:
        return int(conn.execute(select(func.max(season_events.c.id))).scalar() or 0)


def refuse_locked(
    writing: Reading, keys: Iterable[tuple[str, int]], upto: int | None = None
) -> None:
    """Refuse storing a new version of a city's year while its file is under review (from its
    submission until it is sent back): the version reviewers act on stays the one stored.
    `upto`: only the steps recorded up to this id count (those before an import)."""
    problems = []
    for city, year in sorted(set(keys)):
        events = [e for e in events_of(writing.conn, year, city) if upto is None or e.id <= upto]
        if events and events[-1].stage in LOCKED:
            stage = STAGES[events[-1].stage]
            problems.append(
                Problem(
                    f"{city}{year}年度的材料已提交，现处于“{stage[0]}”阶段，已锁定：如需修改，"
                    "请所在省局或国家局退回（ipscore season return）",
                    f"{city}'s {year} file was submitted and is at “{stage[1]}”: it is locked; "
                    "to change it, its province or the national office sends it back",
                )
            )
    if problems:
        raise InputError(problems)


def _within_quota(season: Season, province: str | None, seen: Reading, now: Standing) -> None:
    """A province's recommendation within its 推荐名额 (a `what: recommend` quota of the pack or
    the season file): the cities it has recommended that stand so, and this one, within the
    cap on its cities in the season."""
    from ..packs import find_pack
    from .quotas import cap_of, combined

    if now.stage != "province":
        return  # the step itself says why it may not be taken
    quotas = combined(find_pack(season.pack).quotas, season.quotas)
    capped = [q for q in quotas if q.what == "recommend"]
    if not capped:
        return
    listed = season.cities.get(province or "")
    ours = set(listed) if listed else {
        c for c in seen.cities_of(season.pack, season.year)
        if province_of(season, seen, c) == province
    }  # fmt: skip
    events = events_of(seen.conn, season.year)
    last = {e.city: e for e in events}
    done = sorted(
        c for c in ours
        if c in last and last[c].stage in ("national", "notice", "final")
    )  # fmt: skip
    for quota in capped:
        cap, zh, en = cap_of(quota, len(ours))
        if len(done) + 1 > cap:
            named = "、".join(done) or "无"
            raise InputError(
                [
                    Problem(
                        f"{province}的推荐名额已满：{quota.label}，{zh}；已推荐：{named}。"
                        f"依据：{quota.citation.source} {quota.citation.section}"
                        f"“{quota.citation.text}”",
                        f"{province}'s recommendations are full: {quota.label_en or quota.label}"
                        f", {en}; recommended: {', '.join(done) or 'none'}",
                        field=quota.id,
                    )
                ]
            )


def _verified(archive: Archive, season: Season, city: str) -> None:
    """Before the national office's review passes: the experts' aggregate stored, where the
    pack has experts score, and every declared "met" checked."""
    from ..packs import find_pack
    from ..record.checklists import pending

    part = find_pack(season.pack).experts
    if part is not None:
        with reading(archive) as seen:
            current = seen.current(season.pack, city, season.year)
        held = {} if current is None else current.figures
        missing = [i.title for i in part.items if i.field not in held]
        if missing:
            raise InputError(
                [
                    Problem(
                        f"{city}的专家评分（{'、'.join(missing)}）尚未汇总存入：请先用 "
                        f"ipscore season apply-scores {city} --year {season.year}",
                        f"{city}'s experts' scores are not stored yet: ipscore season "
                        "apply-scores first",
                    )
                ]
            )
    waiting, _ = pending(archive, season.year, [city], season.pack)
    if waiting:
        ids = "、".join(p.requirement for p in waiting[:8]) + ("…" if len(waiting) > 8 else "")
        raise InputError(
            [
                Problem(
                    f"{city}还有{len(waiting)}项申报“达到”的佐证材料未核验（{ids}）：请先用 "
                    f"ipscore verify {city} {season.year} … --ok/--reject 核验",
                    f"{city} has {len(waiting)} declared “met” whose documents are not checked "
                    f"({ids}): check them with ipscore verify first",
                )
            ]
        )


def outside(user: User, city: str, province: str | None, year: int) -> IpscoreError:
    """The refusal of a city outside the user's scope, as every command words it."""
    from .scope import OutOfScope, refusal

    held = frozenset({province}) if province else frozenset()
    return OutOfScope([refusal(user, city, year, held)])

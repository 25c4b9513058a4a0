"""The season on the web: each user's to-do list (what waits on them, in the seasons open), a
year's stages for reviewers, and one city's stage — where its file is, the reasons it was sent
back, the record of every step, and the steps the user may take, each through
`season.running.act` exactly as `ipscore season` takes them."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from urllib.parse import quote

from ..errors import InputError, Problem
from ..provenance import now
from ..season.people import User
from ..season.running import (
    Row,
    act,
    assigned,
    known_names,
    outside,
    province_of,
    reading,
    season_of,
    status,
)
from ..season.seasonfile import Season
from ..season.stages import ACTIONS, STAGES, WAITING, Action, Objector, Step
from ..store.stages import events_of
from ..views.season import status_cells, status_xlsx
from .pages import Denied, rendered
from .uploads import archive_of
from .work import File, Page, Redirect


def todo(db: str | None, user: User) -> tuple[list[int], list[dict[str, Any]]]:
    """The years run in stages, and what waits on this user in them: a city's own file to
    submit or correct, a province's files to review, the national office's to review or make
    final. Plain values for the home page."""
    from ..store.seasons import season_years

    archive = archive_of(db)
    years = season_years(archive)
    out = []
    for year in years:
        _, rows = status(archive, year, user, at=now())
        for r in rows:
            if _waits_on(r, user):
                out.append(_item(year, r))
    return years, out


def _waits_on(r: Row, user: User) -> bool:
    stage = r.now.stage
    if user.role == "expert":
        return stage == "national"
    if user.role == "national" and stage == "notice":
        ended = r.now.notice is not None and r.today > r.now.notice[1]
        return ended or any(a is None for _, a in r.now.objections())
    return user.role in ("city", "province", "national") and stage == user.role  # its move


def _item(year: int, r: Row) -> dict[str, Any]:
    d = r.to_dict()
    stage = STAGES[r.now.stage][0]
    if r.now.stage == "city":
        stage = "退回修改" if r.now.returned else "待提交自评"
    return {
        "year": year,
        "city": r.now.city,
        "province": r.now.province or "",
        "stage": stage,
        "deadline": d["deadline"] or "",
        "overdue": d["overdue"],
        "link": f"/season/{year}/{quote(r.now.city)}",
        "reasons": len(d["reasons"] or {}),
    }


def year_page(db: str | None, user: User, year: int, web: dict[str, Any]) -> Page:
    """A year's cities and where each is (the user's scope), as `season status` prints it."""
    _a_year(year)
    if not user.reviewer:
        raise Denied("这一页只给省局和国家局")
    season, rows = status(archive_of(db), year, user, at=now())
    cells = status_cells(rows, "zh")
    links = [f"/season/{year}/{quote(r.now.city)}" for r in rows]
    return rendered(
        "web/season.html.j2",
        {
            "lang": "zh",
            "web": {
                "season": {"title": season.title, "example": season.example, "year": year},
                "rows": list(zip(cells, links, strict=True)),
            },
        },
        web,
    )


def year_download(db: str | None, user: User, year: int) -> File:
    _a_year(year)
    if not user.reviewer:
        raise Denied("这一页只给省局和国家局")
    season, rows = status(archive_of(db), year, user, at=now())
    return File(status_xlsx(season, rows, "zh"), f"{year}年度办理进度.xlsx")


def city_page(
    db: str | None, user: User, year: int, city: str, web: dict[str, Any], done: str | None
) -> Page:
    """One city's stage: where its file is and who it waits on, the reasons it was sent back
    (each with the requirement or field it names), the notice and its objections, every step
    taken, and the forms for the steps this user may take."""
    _a_year(year)
    archive = archive_of(db)
    season = season_of(archive, year)
    with reading(archive) as seen:
        where = province_of(season, seen, city)
        events = events_of(seen.conn, year, city)
        current = seen.current(season.pack, city, year)
    if not user.may_see(city, where, assigned(season, user)):
        raise outside(user, city, where, year)
    _, rows = status(archive, year, user, where, now())
    row = next((r for r in rows if r.now.city == city), None)
    if row is None:
        raise Denied("这个年度没有这个城市")
    names = known_names(season)
    back = row.now.returned
    reasons = [
        {"key": k, "name": names.get(k, "整份材料" if k == "*" else k), "text": v}
        for k, v in ((back.details.get("reasons") or {}) if back else {}).items()
    ]
    steps = [
        {
            "id": e.id,
            "at": e.at,
            "by": f"{e.by}（{e.role}）",
            "action": ACTIONS[e.action][0] + ("（逾期）" if e.late else ""),
            "stage": STAGES[e.stage][0],
            "version": e.submission_id,
            "opinion": e.opinion or "",
            "details": e.details,
        }
        for e in events
    ]
    d = row.to_dict()
    return rendered(
        "web/stage.html.j2",
        {
            "lang": "zh",
            "web": {
                "year": year,
                "city": city,
                "province": where or "",
                "season": {"title": season.title, "example": season.example},
                "stage": STAGES[row.now.stage][0],
                "waiting": WAITING[row.now.stage][0],
                "deadline": d["deadline"] or "",
                "overdue": d["overdue"],
                "version": None if current is None else current.id,
                "back": None if back is None else {"by": back.by, "at": back.at},
                "reasons": reasons,
                "notice": None
                if row.now.notice is None
                else [x.isoformat() for x in row.now.notice],
                "objections": [
                    {"id": e.id, "details": e.details, "answered": a is not None}
                    for e, a in row.now.objections()
                ],
                "steps": steps,
                "can": _can(user, row),
                "items": _items(season, user, city) if user.role == "expert" else [],
                "names": sorted(names.items()),
                "done": done,
            },
        },
        web,
    )


def _items(season: Season, user: User, city: str) -> list[dict[str, str]]:
    """The items an expert scores for this city: id, title, range and guidance."""
    from ..packs import find_pack

    part = find_pack(season.pack).experts
    mine = season.experts.get(user.name)
    if part is None or mine is None or city not in mine.cities:
        return []
    return [
        {"id": i.id, "title": i.title, "range": f"{i.min}—{i.max}", "guidance": i.guidance}
        for i in part.items
        if mine.items is None or i.id in mine.items
    ]


def _can(user: User, r: Row) -> list[str]:
    """The forms to show: the steps this user's role takes from the city's stage."""
    stage = r.now.stage
    if user.role == "city":
        return ["submit"] if stage == "city" else []
    if user.role == "province":
        return ["recommend", "return"] if stage == "province" else []
    if user.role == "expert":
        return ["score"] if stage == "national" else []
    if user.role == "national":
        found = {
            "national": ["review", "return"],
            "notice": ["object", "answer", "final", "return"],
            "final": ["return"],
        }
        return found.get(stage, [])
    return []


def take(db: str | None, user: User, year: int, city: str, form: dict[str, str]) -> Redirect:
    """A step posted from a city's stage page, taken as `ipscore season` takes it."""
    _a_year(year)
    action = form.get("action", "")
    if action == "score":
        from ..season.experts import score

        _, item = score(
            archive_of(db), user, year, city, form.get("item", ""), form.get("points", ""),
            form.get("opinion"), now(),
        )  # fmt: skip
        said = quote(f"{item.item.title}评分")
        return Redirect(f"/season/{year}/{quote(city)}?done={said}")
    if action not in ("submit", "recommend", "return", "review", "object", "answer", "final"):
        raise Denied("没有这一步")
    step = _step(action, form)
    event = act(archive_of(db), year, city, user, step, now())
    said = quote(ACTIONS[event.action][0])
    return Redirect(f"/season/{year}/{quote(city)}?done={said}")


def _step(action: str, form: dict[str, str]) -> Step:
    opinion = form.get("opinion", "").strip() or None
    if action == "return":
        reasons: dict[str, str] = {}
        for line in form.get("reasons", "").splitlines():
            key, sep, text = line.partition("=")
            if not line.strip():
                continue
            if not (sep and key.strip() and text.strip()) or key.strip() in reasons:
                raise InputError(
                    [
                        Problem(
                            f"理由每行一条，写成 要求编号或字段名=理由，同一项只写一行：“{line}”",
                            f"one reason a line, REQUIREMENT-OR-FIELD=REASON, once each: “{line}”",
                        )
                    ]
                )
            reasons[key.strip()] = text.strip()
        to = form.get("to") or None
        return Step("return", opinion, reasons, to)
    if action == "review":
        start = form.get("notice_start", "").strip()
        return Step("review", opinion, notice_start=_date(start) if start else None)
    if action == "object":
        kind = form.get("kind")
        if kind not in ("person", "organisation"):
            raise InputError(
                [Problem("请选择异议人是个人还是单位", "a person or an organisation?")]
            )
        who = Objector(
            form.get("objector", "").strip() or None,
            "organisation" if kind == "organisation" else "person",
            form.get("contact", "").strip() or None,
            form.get("signed") == "on",
            form.get("sealed") == "on",
        )
        received = form.get("received", "").strip()
        return Step(
            "object",
            objector=who,
            text=form.get("text", "").strip() or None,
            received=_date(received) if received else None,
        )
    if action == "answer":
        number = form.get("objection", "")
        if not (number.isascii() and number.isdigit()):
            raise InputError([Problem("请选择要答复的异议", "choose the objection to answer")])
        return Step("answer", opinion, objection=int(number), upheld=form.get("upheld") == "yes")
    return Step(cast(Action, action), opinion)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            [Problem(f"日期应写成 2016-06-01，实际为“{text}”", f"a date like 2016-06-01: “{text}”")]
        ) from None


def _a_year(year: int) -> None:
    """A year a season may be (as `ipscore season` takes them), else no such page."""
    if not 1990 <= year <= 2100:
        raise Denied("没有这个年度")

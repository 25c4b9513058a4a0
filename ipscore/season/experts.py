"""Experts' scores of what the 2015 plan calls subjective effort (四(一): 工作思路、工作措施、
工作投入): who may score which city and item, the scores that stand, their aggregate, and the
aggregate entering the assessment as the facts the engine reads (`apply`).

Arithmetic is exact (`Fraction`): the aggregate is rounded half up to the part's decimals only
at the end, so 7, 7.5 and 7.5 are 22/3 and then 7.3. A spread (highest minus lowest) above the
part's `spread` is flagged for the experts to discuss; nothing is decided by the flag."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Problem
from ..packs import Pack
from ..packs.experts import ExpertItem, ExpertPart
from ..store.stages import events_of
from ..text import did_you_mean
from .people import User
from .running import assigned, outside, province_of, reading, season_of
from .seasonfile import Assignment, Season, check_assignments

if TYPE_CHECKING:
    from ..store.archive import Archive
    from ..store.experts import ExpertScore

RULE_ZH = {"mean": "均值", "median": "中位数", "trimmed_mean": "去掉一个最高分和一个最低分后的均值"}
RULE_EN = {
    "mean": "mean",
    "median": "median",
    "trimmed_mean": "mean without the highest and lowest",
}
DISCUSS_ZH, DISCUSS_EN = "分歧较大，请专家合议", "wide disagreement: the experts should discuss it"


def exact_aggregate(points: Sequence[Decimal], how: str) -> Fraction:
    """The aggregate of several experts' points, exactly."""
    ordered = sorted(Fraction(p) for p in points)
    if how == "trimmed_mean":
        if len(ordered) < 3:
            raise ValueError("a trimmed mean needs three scores or more")
        ordered = ordered[1:-1]
    if how == "median":
        middle = len(ordered) // 2
        pair = ordered[middle - 1 : middle + 1] if len(ordered) % 2 == 0 else [ordered[middle]]
        return sum(pair, Fraction(0)) / len(pair)
    return sum(ordered, Fraction(0)) / len(ordered)


def rounded(value: Fraction, decimals: int) -> Decimal:
    """Half up (away from zero at a half), to `decimals` places."""
    scale = 10**decimals
    whole = math.floor(abs(value) * scale + Fraction(1, 2))
    signed = Decimal(whole if value >= 0 else -whole)
    return signed.scaleb(-decimals)


def aggregate(points: Sequence[Decimal], how: str, decimals: int) -> Decimal:
    """mean, median or trimmed_mean (one highest and one lowest dropped, three or more needed),
    worked out exactly and rounded half up to `decimals` at the end."""
    return rounded(exact_aggregate(points, how), decimals)


def spread(points: Sequence[Decimal]) -> Decimal:
    return max(points) - min(points)


@dataclass(frozen=True)
class ItemStanding:
    """One item of a city's year: the scores that stand (each expert's newest), their
    aggregate once there are enough of them, and whether they disagree widely."""

    item: ExpertItem
    scores: tuple[ExpertScore, ...]  # by expert name
    how: str
    exact: Fraction | None  # None with fewer scores than the part's min_experts
    aggregate: Decimal | None
    spread: Decimal | None  # None with fewer than two scores
    flagged: bool

    @property
    def points(self) -> list[Decimal]:
        return [s.points for s in self.scores]

    def summary(self) -> str:
        """As a reason names it: 工作思路7.3（3位专家，均值）."""
        return f"{self.item.title}{self.aggregate}（{len(self.scores)}位专家，{RULE_ZH[self.how]}）"

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item.id,
            "title": self.item.title,
            "field": self.item.field,
            "scores": [{"expert": s.expert, "points": str(s.points)} for s in self.scores],
            "aggregate": None if self.aggregate is None else str(self.aggregate),
            "exact": None if self.exact is None else str(self.exact),
            "rule": self.how,
            "spread": None if self.spread is None else str(self.spread),
            "discuss": self.flagged,
        }


def standing(part: ExpertPart, scores: Iterable[ExpertScore]) -> list[ItemStanding]:
    """Each item of the part, in its order, from a city-year's stored scores (oldest first):
    the newest score of each expert on each item stands."""
    newest: dict[tuple[str, str], ExpertScore] = {}
    for score in scores:
        newest[(score.item, score.expert)] = score
    out = []
    for item in part.items:
        mine = tuple(sorted((s for (i, _), s in newest.items() if i == item.id), key=_by_expert))
        points = [s.points for s in mine]
        exact = exact_aggregate(points, part.aggregate) if len(mine) >= part.min_experts else None
        gap = spread(points) if len(points) >= 2 else None
        out.append(
            ItemStanding(
                item,
                mine,
                part.aggregate,
                exact,
                None if exact is None else rounded(exact, part.decimals),
                gap,
                gap is not None and gap > part.spread,
            )
        )
    return out


def _by_expert(score: ExpertScore) -> str:
    return score.expert


def points_of(text: str) -> Decimal:
    """Points as typed (7.5), exact; anything else refused."""
    try:
        points = Decimal(text.strip())
    except InvalidOperation:
        points = Decimal("NaN")
    if not points.is_finite():
        raise InputError(
            [Problem(f"分数“{text}”不是数", f"points “{text}” is not a number", field="--points")]
        )
    return points


def item_of(part: ExpertPart, item_id: str) -> ExpertItem:
    found = next((i for i in part.items if i.id == item_id), None)
    if found is None:
        known = [i.id for i in part.items]
        zh, en = did_you_mean(item_id, known)
        raise InputError(
            [
                Problem(
                    f"没有专家评分项 {item_id}{zh}（有：{'、'.join(known)}）",
                    f"no expert item {item_id}{en} (there are: {', '.join(known)})",
                    field="--item",
                )
            ]
        )
    return found


def assignment(user: User, season: Season, city: str) -> Assignment:
    """What the season file assigns an expert user, if it assigns it this city."""
    from .scope import Scope

    Scope(user, None).allow("score")  # an expert's work only
    assigned = season.experts.get(user.name)
    if assigned is None or city not in assigned.cities:
        raise _refused(
            f"{season.year}年度考核文件没有把 {city} 分配给专家 {user.name}",
            f"the {season.year} season file does not assign {city} to the expert {user.name}",
            "CITY",
        )
    return assigned


def may_score(
    user: User,
    season: Season,
    part: ExpertPart,
    city: str,
    item_id: str,
    points: Decimal,
    province_of_city: str | None,
) -> ExpertItem:
    """The item an expert may give these points on this city, or an InputError saying why
    not: only an expert, only a city (and an item, where the assignment names items) the season
    file assigns it, never a city of its own province, and points within the item's range with
    at most the part's decimals."""
    assigned = assignment(user, season, city)
    item = item_of(part, item_id)
    if assigned.items is not None and item.id not in assigned.items:
        raise _refused(
            f"{season.year}年度考核文件只分配给专家 {user.name} 这些评分项："
            + "、".join(assigned.items),
            f"the {season.year} season file assigns the expert {user.name} only the items "
            + ", ".join(assigned.items),
            "--item",
        )
    if province_of_city is None:
        raise _refused(
            f"存档中 {city} 没有填省份（city.province），无法确认它不是专家本省的城市",
            f"the archive has no province (city.province) for {city}: it cannot be shown not "
            "to be of the expert's own province",
            "CITY",
        )
    if province_of_city == user.province:
        raise _refused(
            f"专家不评本省城市：{city} 属于{province_of_city}，与专家 {user.name} 同省",
            f"an expert never scores a city of its own province: {city} is in "
            f"{province_of_city}, as {user.name} is",
            "CITY",
        )
    if not item.min <= points <= item.max:
        raise _refused(
            f"{item.title}的分数应在 {item.min} 到 {item.max} 之间，不能是 {points}",
            f"{item.title_en or item.title} takes points from {item.min} to {item.max}, "
            f"not {points}",
            "--points",
        )
    if (Fraction(points) * 10**part.decimals).denominator != 1:
        raise _refused(
            f"分数最多保留{part.decimals}位小数，不能是 {points}",
            f"points take at most {part.decimals} decimals, not {points}",
            "--points",
        )
    return item


def _refused(zh: str, en: str, field: str) -> InputError:
    return InputError([Problem(zh, en, field=field)])


def part_of(pack: Pack) -> ExpertPart:
    if pack.experts is None:
        raise _refused(
            f"规则包 {pack.id} 没有专家评分部分",
            f"the pack {pack.id} has no expert part",
            "pack",
        )
    return pack.experts


def score(
    archive: Archive,
    user: User,
    year: int,
    city: str,
    item_id: str,
    points_text: str,
    note: str | None,
    at: str,
) -> tuple[int, ItemStanding]:
    """`ipscore season score`: an expert's points on an item of a city's stored file, checked
    against the season file that stands and stored; the row and the item as it now stands."""
    from ..packs import find_pack
    from ..store.experts import add_score, scores_of

    season = season_of(archive, year)
    pack = find_pack(season.pack)
    problems = check_assignments(season, pack)
    if problems:
        raise InputError(problems)
    part = part_of(pack)
    assignment(user, season, city)  # before the archive is read: an unassigned city is not told
    points = points_of(points_text)
    with reading(archive) as seen:
        where = province_of(season, seen, city)
        events = events_of(seen.conn, year, city)
    item = may_score(user, season, part, city, item_id, points, where)  # own province: refused
    if not events or events[-1].stage != "national":
        raise _refused(
            f"{city}不在国家局复核阶段：专家评分在复核时进行",
            f"{city} is not at the national review: experts score then",
            "CITY",
        )
    current = archive.find(city, year, season.pack)
    row = add_score(
        archive,
        {
            "pack": season.pack,
            "city": current.city,
            "year": year,
            "item": item.id,
            "expert": user.name,
            "points": points,
            "note": (note or "").strip() or None,
            "submission_id": current.id,
            "scored_at": at,
        },
    )
    now = standing(part, scores_of(archive, season.pack, current.city, year))
    return row, next(s for s in now if s.item.id == item.id)


def apply(archive: Archive, pack_id: str, city: str, year: int, by: str, at: str) -> int:
    """Once every item has the part's `min_experts` scores, store a new version of the city's
    current submission with each item's aggregate as its field's value, assessed afresh and
    stored the way `archive add` stores a file (a version that changes nothing is not stored
    again); the id of the version now current."""
    from ..decide.pipeline import assess
    from ..record.archiving import archived, entry
    from ..record.replay import pack_of, submission_of
    from ..record.storing import store
    from ..store.experts import scores_of

    current = archive.find(city, year, pack_id)
    with archive.connected() as conn:
        events = events_of(conn, year, current.city)
    if not events or events[-1].stage != "national":
        raise _refused(
            f"{current.city}不在国家局复核阶段：专家评分汇总只在复核时存入",
            f"{current.city} is not at the national review: the experts' aggregate is stored "
            "only then",
            "CITY",
        )
    if not current.assessed:
        raise _refused(
            f"{city} {year}年度的当前一版只存了数据，没有评估结果",
            f"the current version of {city} {year} holds figures only",
            "CITY",
        )
    pack = pack_of(archive, current)
    items = standing(part_of(pack), scores_of(archive, pack_id, current.city, year))
    short = [s for s in items if s.aggregate is None]
    if short:
        need = part_of(pack).min_experts
        raise InputError(
            [
                Problem(
                    f"{s.item.title}只有{len(s.scores)}位专家评分，至少要{need}位，尚不能汇总",
                    f"{s.item.title_en or s.item.title} has {len(s.scores)} experts' scores; "
                    f"{need} are needed before they are summed up",
                    field=s.item.id,
                )
                for s in short
            ]
        )
    values: dict[str, Decimal | int] = {
        s.item.field: int(s.aggregate)
        if pack.field(s.item.field).type == "count" and s.aggregate is not None
        else s.aggregate
        for s in items
        if s.aggregate is not None
    }
    scored = replace(current, figures={**current.figures, **values})
    submission = submission_of(pack, scored, {}, keep_archived=False)
    made = assess(pack, submission, archive)
    reason = "专家评分汇总：" + "；".join(s.summary() for s in items)
    record = entry(pack, submission, made, at).record(at, by, reason)
    done, _ = store(
        archive,
        [record],
        [archived(pack, submission, made, len(record["figures"]))],
        at,
        by,
        lambda _: pack,
        locked=False,  # the national office's own step on a file under its review
    )
    return done[0].id


def overview(
    archive: Archive, year: int, user: User, city: str | None = None
) -> tuple[Season, ExpertPart, list[tuple[str, list[ItemStanding]]]]:
    """`ipscore season experts`: each city's items as they stand, for whom may read them — the
    national office every city, a province its own cities, an expert only its own scores
    (never the others' nor their aggregate)."""
    from ..packs import find_pack
    from ..store.experts import scores_of

    if user.role not in ("national", "province", "expert"):
        raise _refused(
            "专家评分只给国家局、省局和专家本人看",
            "experts' scores are for the national office, a province and the expert only",
            "--user",
        )
    season = season_of(archive, year)
    if city is not None:  # a city named outside the user's scope is refused, not shown empty
        with reading(archive) as seen:
            where = province_of(season, seen, city)
        if not user.may_see(city, where, assigned(season, user)):
            raise outside(user, city, where, year)
    part = part_of(find_pack(season.pack))
    scores = scores_of(archive, season.pack, city, year)
    if user.role == "expert":
        scores = [s for s in scores if s.expert == user.name]
    cities = {c for a in season.experts.values() for c in a.cities} | {s.city for s in scores}
    if user.role == "expert":  # its assigned cities, never one of its own province
        cities &= set(season.experts[user.name].cities) if user.name in season.experts else set()
        with reading(archive) as seen:
            cities = {c for c in cities if province_of(season, seen, c) != user.province}
    if user.role == "province":
        with reading(archive) as seen:
            cities = {c for c in cities if province_of(season, seen, c) == user.province}
    out = []
    for name in sorted(c for c in cities if city is None or c == city):
        items = standing(part, (s for s in scores if s.city == name))
        if user.role == "expert":
            items = [
                replace(i, exact=None, aggregate=None, spread=None, flagged=False) for i in items
            ]
        out.append((name, items))
    return season, part, out

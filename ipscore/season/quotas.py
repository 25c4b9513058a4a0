"""The cut a quota makes (六安 第四条 "每年不超过3家"、"不超过30%"; 第二条
"按得分高低排序确定表彰对象"): within each group the quota counts (a tier, a province, the
whole cohort), the holders of the capped grade are taken by rank — grade, then score, the
published one-decimal score that ranking reads — and those past the cap get the next grade
down. Cities tied (same grade and score) across the cut are settled by the quota's `ties`
rule, and every step is said: the cap and how it was worked out, who kept, who was cut, the
tie and the rule applied.

A recommendation quota (推荐名额) is the same cut on one province's candidates: `recommend`,
which the stage step "省局推荐" calls.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..decide.scoring import tier_place
from ..errors import InputError, Problem
from ..packs.quotas import Quota, quota_problems
from ..regions import pinyin_key, province_code

RULE_WORDS: dict[str, tuple[str, str]] = {
    "all_kept": ("并列者全部保留（名额因此超出）", "the tied all keep it (the cap is exceeded)"),
    "all_cut": ("并列者全部不保留", "none of the tied keep it"),
    "earlier_submission": (
        "并列者按自评提交时间先后，先提交者优先；提交时间仍相同或缺少提交时间的全部不保留",
        "the tied in order of their 自评提交, the earlier first; those still tied (the same "
        "time, or no time) all lose it",
    ),
}


@dataclass(frozen=True)
class Entrant:
    """A city as the cut reads it."""

    city: str
    province: str | None
    tier: str | None  # the city level
    grade: str
    score: Decimal  # the published score, as ranking reads it
    # 自评提交, for the earlier_submission rule: compared with each other, so all with a time
    # zone (as the stage records give them) or all without.
    submitted: dt.datetime | None = None


@dataclass(frozen=True)
class Tie:
    """Cities tied (same grade and score) across the cut, and how the rule settled them."""

    cities: tuple[str, ...]
    places: int  # places left for them under the cap
    rule: str  # all_kept, all_cut or earlier_submission
    kept: tuple[str, ...]
    still_tied: tuple[str, ...] = ()  # earlier_submission: the same time, or no time
    zh: str = ""
    en: str = ""


@dataclass(frozen=True)
class Cut:
    """One quota in one group: the cap, how it was worked out, who kept and who was cut."""

    quota: Quota
    group: str | None  # the tier or province counted; None for the whole cohort
    counted: int  # n: the cities of the group
    cap: int
    cap_zh: str  # "7家的30%（2.1家），向下取整为2家"
    cap_en: str
    kept: tuple[str, ...]  # in rank order
    cut: tuple[str, ...]  # in rank order
    tie: Tie | None = None

    @property
    def over(self) -> int:
        """How far the kept exceed the cap (all_kept only)."""
        return max(0, len(self.kept) - self.cap)

    def to_dict(self) -> dict[str, Any]:
        return {
            "quota": self.quota.id,
            "label": self.quota.label,
            "what": self.quota.what,
            "grade": self.quota.grade,
            "per": self.quota.per,
            "group": self.group,
            "counted": self.counted,
            "cap": self.cap,
            "cap_text": self.cap_zh,
            "cap_text_en": self.cap_en,
            "kept": list(self.kept),
            "cut": list(self.cut),
            "over_cap": self.over,
            "tie": None
            if self.tie is None
            else {
                "cities": list(self.tie.cities),
                "places": self.tie.places,
                "rule": self.tie.rule,
                "rule_text": RULE_WORDS[self.tie.rule][0],
                "kept": list(self.tie.kept),
                "still_tied": list(self.tie.still_tied),
                "text": self.tie.zh,
                "text_en": self.tie.en,
            },
            "citation": self.quota.citation.model_dump(),
        }


@dataclass(frozen=True)
class Outcome:
    """A cohort after its quotas: each city's grade, the quotas that cut it (in the order they
    were applied), and each quota's cut in each group."""

    grades: dict[str, str]
    cut_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cuts: tuple[Cut, ...] = ()


def combined(pack_quotas: Sequence[Quota], season_quotas: Sequence[Quota]) -> list[Quota]:
    """The pack's quotas, then the season file's: an id names one quota, so a season quota
    with a pack quota's id is refused rather than silently replacing it."""
    ours = {q.id for q in pack_quotas}
    twice = [q.id for q in season_quotas if q.id in ours]
    if twice:
        raise InputError(
            [
                Problem(
                    f"赛季文件的名额 {q} 与规则包的名额同名：请换一个编号",
                    f"the season's quota {q} has the id of one of the pack's: rename it",
                    field="quotas",
                )
                for q in twice
            ]
        )
    return [*pack_quotas, *season_quotas]


def apply_quotas(
    cohort: Sequence[Entrant], quotas: Sequence[Quota], grades: Sequence[str]
) -> Outcome:
    """A year's cohort after its grade quotas. `grades` are the pack's grade codes, best first.

    Quotas are applied best grade first (quotas of one grade in the order given). A city cut
    from a grade takes the next grade down and is counted there by its score, so a quota on
    that grade may cut it again: the cut is never more than one grade per quota, and the
    quotas that cut a city are all named. Recommendation quotas are not applied here (see
    `recommend`)."""
    problems = quota_problems(quotas, grades)
    if problems:
        raise InputError([Problem(zh, en, field=f"quotas[{k}]") for k, zh, en in problems])
    place = {code: i for i, code in enumerate(grades)}
    now = {e.city: e for e in cohort}
    cut_by: dict[str, tuple[str, ...]] = {}
    cuts: list[Cut] = []
    ordered = sorted(
        (q for q in quotas if q.what == "grade"), key=lambda q: place[q.grade or ""]
    )  # stable: one grade's quotas stay in the order given
    for quota in ordered:
        for group, members in _groups(list(now.values()), quota.per):
            holders = [e for e in members if e.grade == quota.grade]
            c = _cut(quota, group, len(members), holders, place)
            cuts.append(c)
            lower = grades[place[quota.grade or ""] + 1]
            for city in c.cut:
                now[city] = replace(now[city], grade=lower)
                cut_by[city] = (*cut_by.get(city, ()), quota.id)
    return Outcome({city: e.grade for city, e in now.items()}, cut_by, tuple(cuts))


def recommend(
    quota: Quota, province: str, candidates: Sequence[Entrant], grades: Sequence[str]
) -> Cut:
    """Which of one province's candidates fit its 推荐名额 (a `what: recommend` quota) and which
    are cut. The candidates are ranked here as everywhere — grade (its place in `grades`, the
    pack's codes best first), then score — and ties at the cut are settled by the quota's rule;
    for a share, n is the number of candidates. Candidates of another province are refused."""
    if quota.what != "recommend":
        raise InputError(
            [
                Problem(
                    f"名额 {quota.id} 限制的是等级，不是推荐名额",
                    f"quota {quota.id} caps a grade, not recommendations",
                    field="quotas",
                )
            ]
        )
    others = [e.city for e in candidates if e.province != province]
    if others:
        raise InputError(
            [
                Problem(
                    f"{city} 不是{province}的城市，不在{province}的推荐名单中",
                    f"{city} is not a city of {province}: it is not on {province}'s list",
                    field="CITY",
                )
                for city in others
            ]
        )
    place = {code: i for i, code in enumerate(grades)}
    return _cut(quota, province, len(candidates), list(candidates), place)


def cap_of(quota: Quota, counted: int) -> tuple[int, str, str]:
    """The cap on `counted` cities and how it was worked out, in Chinese and English. A share
    is taken exactly and rounded down: "不超过30%" of 3 is 0.9, so 0 — no city may have it."""
    if quota.at_most is not None:
        n = quota.at_most
        return n, f"不超过{n}家", f"at most {n}"
    share = Fraction(quota.share or 0)
    exact = share * counted
    cap = math.floor(exact)
    pct = _number(share * 100)
    if exact == cap:
        return cap, f"{counted}家的{pct}%，为{cap}家", f"{pct}% of {counted} is {cap}"
    amount = _number(exact)
    return (
        cap,
        f"{counted}家的{pct}%（{amount}家），向下取整为{cap}家",
        f"{pct}% of {counted} is {amount}, rounded down to {cap}",
    )


def _number(x: Fraction) -> str:
    """An exact number as written: 30, 2.1, or 2.333… where it does not end."""
    if x.denominator == 1:
        return str(x.numerator)
    d = x.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:
        return format(Decimal(x.numerator) / Decimal(x.denominator), "f")
    return f"{float(x):.3f}…"


def _groups(cohort: list[Entrant], per: str) -> list[tuple[str | None, list[Entrant]]]:
    if per == "all":
        return [(None, cohort)]
    out: dict[str | None, list[Entrant]] = {}
    for e in cohort:
        out.setdefault(e.tier if per == "tier" else e.province, []).append(e)

    def order(group: str | None) -> tuple[int, str]:  # as every listing: tiers, then provinces
        if per == "tier":
            return (tier_place(group), group or "")
        code = province_code(group)
        return (code if code is not None else 100, group or "")

    return sorted(out.items(), key=lambda kv: order(kv[0]))


def _cut(
    quota: Quota,
    group: str | None,
    counted: int,
    holders: list[Entrant],
    place: Mapping[str, int],
) -> Cut:
    cap, cap_zh, cap_en = cap_of(quota, counted)

    def key(e: Entrant) -> tuple[int, Decimal]:  # rank: grade, then score
        return (place.get(e.grade, len(place)), -e.score)

    # The same rank in name order (pinyin) only so that lists read the same every time.
    ranked = sorted(holders, key=lambda e: (key(e), pinyin_key(e.city)))
    if len(ranked) <= cap:
        return Cut(quota, group, counted, cap, cap_zh, cap_en, _names(ranked), ())
    edge = key(ranked[cap])
    above = [e for e in ranked if key(e) < edge]
    tied = [e for e in ranked if key(e) == edge]
    below = [e for e in ranked if key(e) > edge]
    if len(above) == cap:  # the cut falls between two ranks: no tie across it
        return Cut(quota, group, counted, cap, cap_zh, cap_en, _names(above), _names(tied + below))
    tie = _settle(quota, tied, cap - len(above), ranked[cap].score)
    kept = above + [e for e in tied if e.city in tie.kept]
    cut = [e for e in tied if e.city not in tie.kept] + below
    return Cut(quota, group, counted, cap, cap_zh, cap_en, _names(kept), _names(cut), tie)


def _names(entrants: Sequence[Entrant]) -> tuple[str, ...]:
    return tuple(e.city for e in entrants)


def _settle(quota: Quota, tied: list[Entrant], places: int, score: Decimal) -> Tie:
    names = _names(tied)
    who = "、".join(names)
    head_zh = f"{who}同为{score}分，并列争{places}个名额；规则：{RULE_WORDS[quota.ties][0]}"
    head_en = (
        f"{', '.join(names)} tie at {score} for {places} place(s); rule: "
        f"{RULE_WORDS[quota.ties][1]}"
    )
    if quota.ties == "all_kept":
        over = len(tied) - places
        return Tie(
            names,
            places,
            quota.ties,
            names,
            zh=f"{head_zh}。全部保留，超出名额{over}家",
            en=f"{head_en}. All keep it; the cap is exceeded by {over}",
        )
    if quota.ties == "all_cut":
        return Tie(
            names,
            places,
            quota.ties,
            (),
            zh=f"{head_zh}。全部不保留",
            en=f"{head_en}. None keep it",
        )
    return _by_submission(quota, tied, places, head_zh, head_en)


def _by_submission(
    quota: Quota, tied: list[Entrant], places: int, head_zh: str, head_en: str
) -> Tie:
    names = _names(tied)
    untimed = [e.city for e in tied if e.submitted is None]
    if untimed:
        return Tie(
            names,
            places,
            quota.ties,
            (),
            names,
            f"{head_zh}。{'、'.join(untimed)}没有自评提交时间，无从比较先后：全部不保留",
            f"{head_en}. {', '.join(untimed)} have no 自评提交 time, so no order: none keep it",
        )
    times: Mapping[str, dt.datetime] = {e.city: e.submitted for e in tied if e.submitted}
    order = sorted(names, key=lambda c: times[c])
    boundary = times[order[places]]
    kept = tuple(c for c in order if times[c] < boundary)
    still = tuple(c for c in order if times[c] == boundary)
    when = "；".join(f"{c} {_time(times[c])}" for c in order)
    when_en = "; ".join(f"{c} {_time(times[c])}" for c in order)
    if len(kept) == places:
        return Tie(
            names,
            places,
            quota.ties,
            kept,
            zh=f"{head_zh}。提交时间：{when}。保留：{'、'.join(kept)}",
            en=f"{head_en}. Submitted: {when_en}. Kept: {', '.join(kept)}",
        )
    return Tie(
        names,
        places,
        quota.ties,
        kept,
        still,
        f"{head_zh}。提交时间：{when}。{'、'.join(still)}提交时间相同，仍然并列：全部不保留"
        + (f"；保留：{'、'.join(kept)}" if kept else ""),
        f"{head_en}. Submitted: {when_en}. {', '.join(still)} submitted at the same time and "
        "stay tied: none of them keep it" + (f"; kept: {', '.join(kept)}" if kept else ""),
    )


def _time(t: dt.datetime) -> str:
    return t.isoformat(sep=" ", timespec="seconds")


def within(cut: Cut, shown: Callable[[str], bool]) -> Cut | None:
    """A quota's cut as a list that shows only some cities may say it: those cities (None where
    it shows none of them); a tie with a city it does not show said without names."""
    named = [c for c in (*cut.kept, *cut.cut) if shown(c)]
    if not named:
        return None
    tie = cut.tie
    if tie is not None and not all(shown(c) for c in tie.cities):
        tie = replace(
            tie,
            cities=tuple(c for c in tie.cities if c in named),
            kept=tuple(c for c in tie.kept if c in named),
            still_tied=tuple(c for c in tie.still_tied if c in named),
            zh="名额边界上有并列，按名额写明的规则处理（未列入本名单的城市不列出）",
            en="cities tied at the cut, settled by the quota's rule (cities not on this list "
            "not named)",
        )
    kept = tuple(c for c in cut.kept if c in named)
    return replace(cut, kept=kept, cut=tuple(c for c in cut.cut if c in named), tie=tie)

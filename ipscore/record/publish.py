"""The published list (2015 plan, 四（一）: "考核结果以一定方式公布"): each tier's cities and their
grades, from the archive's current results of a year. Nothing internal goes out: no figures, no
verdicts, no evidence, no reviewer names, and scores only when asked for. Without scores the list
is ordered by grade, then city name, so that it does not disclose a ranking either.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..decide.scoring import LEVEL_ORDER, RankKey, ranks
from ..errors import InputError, Problem
from ..packs import installed_pack
from .history import Stores, data_notes, headline_score

GRADE_ORDER = ("excellent", "good", "pass", "fail")


@dataclass(frozen=True)
class Listed:
    city: str
    province: str | None
    grade: str
    grade_label: str
    score: Decimal | None  # only with scores
    rank: int | None  # only with scores


@dataclass(frozen=True)
class Tier:
    level: str | None
    cities: tuple[Listed, ...]


@dataclass(frozen=True)
class Published:
    pack: str
    year: int
    with_scores: bool
    tiers: tuple[Tier, ...]
    notes: tuple[str, ...] = ()  # what the input files say of their data

    def to_dict(self) -> dict[str, Any]:
        return {
            "data_notes": list(self.notes),
            "pack": self.pack,
            "year": self.year,
            "with_scores": self.with_scores,
            "tiers": [
                {
                    "level": t.level,
                    "cities": [
                        {
                            "city": c.city,
                            "province": c.province,
                            "grade": c.grade,
                            "grade_label": c.grade_label,
                            **(
                                {"score": float(c.score or 0), "rank": c.rank}
                                if self.with_scores
                                else {}
                            ),
                        }
                        for c in t.cities
                    ],
                }
                for t in self.tiers
            ],
        }


def published(
    archive: Stores, year: int, pack: str | None = None, with_scores: bool = False
) -> Published:
    stored = [s for s in archive.submissions(year=year, pack=pack) if s.assessed and s.result]
    result = {s.id: s.result or {} for s in stored}
    packs = sorted({s.pack for s in stored})
    if not packs:
        raise InputError(
            [
                Problem(
                    f"归档中没有{year}年度的考核结果" + (f"（规则包 {pack}）" if pack else ""),
                    f"the archive holds no results for {year}" + (f" under {pack}" if pack else ""),
                    field="--year",
                )
            ]
        )
    if len(packs) > 1:
        raise InputError(
            [
                Problem(
                    f"{year}年度有多个规则包的考核结果，请用 --pack 指定：" + "、".join(packs),
                    f"{year} has results under several packs; name one with --pack: "
                    + ", ".join(packs),
                    field="--pack",
                )
            ]
        )
    keys: list[RankKey] = [
        (s.pack, s.year, result[s.id].get("level"), headline_score(result[s.id]), s.city)
        for s in stored
    ]
    rank_of = {keys[i][4]: rank for i, rank in ranks(keys)}
    order = _grade_order(packs[0])
    tiers = []
    for level in [*LEVEL_ORDER, None]:
        members = [
            s
            for s in stored
            if result[s.id].get("level") == level
            or (level is None and result[s.id].get("level") not in LEVEL_ORDER)
        ]
        if not members:
            continue
        listed = [
            Listed(
                s.city,
                result[s.id].get("province"),
                str(result[s.id].get("grade")),
                str(result[s.id].get("grade_label")),
                headline_score(result[s.id]) if with_scores else None,
                rank_of[s.city] if with_scores else None,
            )
            for s in members
        ]
        listed.sort(
            key=(lambda c: (c.rank or 0, c.city))
            if with_scores
            else (lambda c: (order.get(c.grade, len(order)), c.city))
        )
        tiers.append(Tier(level, tuple(listed)))
    return Published(packs[0], year, with_scores, tuple(tiers), data_notes(stored))


def _grade_order(pack_id: str) -> dict[str, int]:
    """The pack's grades, best first; the 2015 pack's where the pack is not installed here."""
    pack = installed_pack(pack_id)
    codes = [g.code for g in pack.scoring.grades] if pack else list(GRADE_ORDER)
    return {code: i for i, code in enumerate(codes)}

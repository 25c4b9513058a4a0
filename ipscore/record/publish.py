"""The published list (2015 plan, 四（一）: "考核结果以一定方式公布"): each tier's cities and their
grades, from the archive's current results of a year. Nothing internal goes out: no figures, no
verdicts, no evidence, no reviewer names, and scores only when asked for. Without scores the list
is ordered by grade, then province (by its GB/T 2260 code) and city name in pinyin, so that it
does not disclose a ranking either; with scores, by rank (grade first, then score).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..decide.scoring import LEVEL_ORDER, grade_places, ranks
from ..errors import InputError, Problem
from ..packs import installed_pack
from ..regions import place_key
from .history import Stores, data_notes, headline_score, stored_rank_key


@dataclass(frozen=True)
class Listed:
    city: str
    province: str | None
    grade: str
    grade_label: str
    score: Decimal | None  # only with scores
    rank: int | None  # only with scores
    rank_tied: bool = False  # another city of the tier has the same grade and score


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
                                {
                                    "score": float(c.score or 0),
                                    "rank": c.rank,
                                    "rank_tied": c.rank_tied,
                                }
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
    keys = [stored_rank_key(s) for s in stored]
    rank_of = {keys[i][5]: (rank, tied) for i, rank, tied in ranks(keys)}
    order = grade_places(installed_pack(packs[0]))
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
                rank_of[s.city][0] if with_scores else None,
                with_scores and rank_of[s.city][1],
            )
            for s in members
        ]
        listed.sort(
            key=(lambda c: (c.rank or 0, place_key(c.province, c.city)))
            if with_scores
            else (lambda c: (order.get(c.grade, len(order)), place_key(c.province, c.city)))
        )
        tiers.append(Tier(level, tuple(listed)))
    return Published(packs[0], year, with_scores, tuple(tiers), data_notes(stored))

"""The cohort report: the ranked table within each tier, the verdict grid, the histogram."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from ...decide.explain import PREV_HEAD, level_label, recorded_differs
from ...decide.points import shown
from ...decide.results import Assessment
from ...decide.scoring import LEVEL_ORDER, ranking
from ...packs import Pack
from ...record.history import YearOverYear
from ...record.verification import Checked
from ...text import batch_name, pick, ranked
from ...verdicts import LABELS, MET, NOT_APPLICABLE
from ...views import points
from .. import charts
from .common import MARKS, SignOff, blocked_by, office, provenance, rank_since, words

# One block of the requirement × city grid fills one A4 landscape page: twenty city columns
# beside the requirement's title, and at most GRID_ROWS requirements (a pack's 62 rows are two
# blocks of 31, each a page, never one and a third).
GRID_CITIES = 20
GRID_ROWS = 32
# A tier of at most this many cities prints with its heading and chart on one page (a longer
# one starts under its chart and runs on: kept whole it would leave most of a page blank).
TIER_WHOLE = 15


def _grid_parts(cities: list[str], grid: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The requirement × city grid as blocks of at most GRID_CITIES cities and GRID_ROWS
    requirements, each printed on a page of its own and repeating the requirement column; the
    达到率 (over all cities) in each block of the first cities. The rows are split evenly
    (62 as 31 + 31, not 32 + 30... nor 60 + 2)."""
    row_blocks = max(1, -(-len(grid) // GRID_ROWS))
    per_block = -(-len(grid) // row_blocks) if grid else 0
    row_starts = range(0, len(grid), per_block) if grid else range(1)
    parts = []
    for start in range(0, len(cities), GRID_CITIES):
        end = start + GRID_CITIES
        for first_row in row_starts:
            rows = grid[first_row : first_row + per_block]
            parts.append(
                {
                    "first": start == 0,
                    "from": start + 1,
                    "to": min(end, len(cities)),
                    "cities": cities[start:end],
                    "rows": [{**row, "cells": row["cells"][start:end]} for row in rows],
                    "rows_from": rows[0]["id"] if rows and row_blocks > 1 else None,
                    "rows_to": rows[-1]["id"] if rows and row_blocks > 1 else None,
                }
            )
    return parts


def _appendix(inputs: list[dict[str, Any]], per_line: int = 3) -> list[list[dict[str, Any]]]:
    """The input files and their hashes, `per_line` to a row of one compact table: a 60-city
    year on one landscape page, not three."""
    return [inputs[k : k + per_line] for k in range(0, len(inputs), per_line)]


def cohort_context(
    pack: Pack,
    assessments: list[Assessment],
    links: dict[str, str],
    lang: str = "zh",
    produced_at: str | None = None,
    earlier: Mapping[str, YearOverYear] | None = None,
    signoff: SignOff | None = None,
    checked: Mapping[str, Checked] | None = None,
) -> dict[str, Any]:
    """The cohort view: ranking per tier, grade counts, the verdict grid, the weakest points.

    `links` maps an assessment's source file to the relative address of its city report;
    `earlier`, its year over year from the archive (last year's grade and rank), where known;
    `checked`, its reviewers' checks, for a column of the score as verified beside the rank.
    """
    earlier = earlier or {}
    checked = checked or {}
    text = words(pack, lang)
    standing = ranking(assessments)
    tiers = []
    for level in [*LEVEL_ORDER, None]:
        rows = [
            r
            for r in standing
            if (r.assessment.level == level if level else r.assessment.level not in LEVEL_ORDER)
        ]
        if not rows:
            continue
        name = level_label(pack, level, lang)
        tiers.append(
            {
                "name": None if name == "—" else name,
                "chart": charts.score_histogram(
                    [(float(r.assessment.score), r.assessment.grade) for r in rows],
                    [b.code for b in pack.scoring.grades],
                ),
                "rows": [
                    {
                        "rank": ranked(row.rank_in_tier, row.tied, lang),
                        "city": row.assessment.city,
                        "province": row.assessment.province or "",
                        "batch": ""
                        if row.assessment.batch is None
                        else batch_name(row.assessment.batch, lang),
                        "score": f"{float(row.assessment.score):.1f}",
                        "grade": row.assessment.grade,
                        "grade_label": pack.grade_label(row.assessment.grade, lang),
                        "mandatory": text["all_complete"]
                        if row.assessment.mandatory_complete
                        else text["not_complete"],
                        "blocked": blocked_by(row.assessment, lang),
                        "prev": "；".join(recorded_differs(pack, row.assessment.other_years, lang)),
                        "link": links.get(row.assessment.source),
                        "verified": _verified(checked.get(row.assessment.source), lang),
                        "since": rank_since(
                            earlier.get(row.assessment.source), row.rank_in_tier, lang
                        ),
                        **_sheet_cells(row.assessment),
                    }
                    for row in rows
                ],
            }
        )
    grades = Counter(a.grade for a in assessments)
    distribution = [
        {
            "code": band.code,
            "label": pick(lang, band.label, band.label_en),
            "count": grades[band.code],
            "percent": round(100 * grades[band.code] / len(assessments)),
        }
        for band in pack.scoring.grades
    ]
    requirement_ids = [r.id for _, r in pack.requirements()]
    cities = [r.assessment for r in standing]
    columns = [a.requirement_statuses() for a in cities]
    grid: list[dict[str, Any]] = []
    unmet: list[dict[str, Any]] = []
    for _, req in pack.requirements():
        statuses = [column[req.id] for column in columns]
        applicable = [s for s in statuses if s != NOT_APPLICABLE]
        met = sum(1 for s in applicable if s == MET)
        failing = len(applicable) - met
        grid.append(
            {
                "id": req.id,
                "title": pick(lang, req.title, req.title_en),
                "cells": [
                    {"status": s, "label": LABELS[lang][s], "mark": MARKS[s]} for s in statuses
                ],
                "rate": f"{met / len(applicable):.0%}" if applicable else "—",
            }
        )
        if failing:
            unmet.append(
                {
                    "id": req.id,
                    "title": pick(lang, req.title, req.title_en),
                    "count": failing,
                    "of": len(applicable),
                    "section": req.citation.section,
                }
            )
    unmet.sort(key=lambda item: (-item["count"], requirement_ids.index(item["id"])))
    return {
        "t": text,
        "lang": lang,
        "title": text["cohort_report"],
        "pack_title": pick(lang, pack.pack.title, pack.pack.title_en),
        "pack_id": pack.id,
        "pack_version": pack.pack.version,
        "year": pack.pack.year,
        "count": len(assessments),
        "tiers": tiers,
        "tier_whole": TIER_WHOLE,
        "has_mandatory": bool(pack.mandatory),
        "with_province": any(a.province for a in assessments),
        "with_batch": any(a.batch is not None for a in assessments),
        "with_since": bool(earlier),
        "with_verified": bool(checked),
        "with_prev": any(recorded_differs(pack, a.other_years) for a in assessments),
        "prev_head": pick(lang, *PREV_HEAD),
        "verified_head": pick(lang, "核验得分", "As verified"),
        "since_head": pick(lang, "与上年相比", "Since last year"),
        "distribution": distribution,
        "cities": [a.city for a in cities],
        "grid": grid,
        "grid_parts": _grid_parts([a.city for a in cities], grid),
        "legend": [{"mark": MARKS[s], "label": LABELS[lang][s], "status": s} for s in MARKS],
        "most_unmet": unmet[:10],
        "scoring_note": pick(lang, pack.scoring.note, pack.scoring.note_en),
        # A points sheet's item columns beside the score (None for a weighted pack).
        "sheet": {
            "heads": points.item_heads(pack, lang),
            "self_head": pick(lang, "自评分合计", "Self-score"),
        }
        if pack.is_sheet
        else None,
        "provenance": (where := provenance(pack, cities, produced_at, lang)),
        "appendix": _appendix(where["inputs"]),
        "office": office(pack, produced_at, signoff, lang),
    }


def _verified(found: Checked | None, lang: str) -> str:
    """The score and grade as verified, where the archive holds checks of the city."""
    if found is None:
        return pick(lang, "未核验", "not checked")
    v = found.verified
    return f"{v.score} {pick(lang, v.grade_label, v.grade_label_en)}"


def _sheet_cells(a: Assessment) -> dict[str, Any]:
    """A points sheet's cells of a city's row: each item's points and the 自评分 total."""
    if a.sheet is None:
        return {}
    decimals = a.pack.scoring.decimals
    claimed = points.claimed_total(a)
    return {
        "items": [shown(i.points, decimals) for i in a.sheet.items],
        "claimed": "" if claimed is None else shown(claimed, decimals),
    }

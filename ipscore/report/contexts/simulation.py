"""A what-if report: the baseline and each variant of a scenario file side by side."""

from __future__ import annotations

from typing import Any

from ...decide.results import Assessment
from ...questions.whatif import Simulation
from ...text import pick
from .common import provenance, words


def simulation_context(
    sim: Simulation, lang: str = "zh", produced_at: str | None = None
) -> dict[str, Any]:
    """A scenario file's comparison: the baseline and each named variant."""
    base = sim.baseline
    pack = base.pack
    text = words(pack, lang)
    if base.sheet is not None:  # a points sheet's variants change items' points
        text = {**text, "changed": pick(lang, "得分有变化的评分项", "Items whose points changed")}

    def headline(a: Assessment) -> dict[str, Any]:
        return {
            "score": float(a.score),
            "grade": a.grade,
            "grade_label": a.pack.grade_label(a.grade, lang),
            "mandatory_complete": a.mandatory_complete,
        }

    return {
        "t": text,
        "lang": lang,
        "name": sim.name,
        "city": base.city,
        "pack_id": pack.id,
        "pack_title": pick(lang, pack.pack.title, pack.pack.title_en),
        "pack_version": pack.pack.version,
        "baseline": headline(base),
        "variants": [
            {
                "name": cmp.name,
                "variant": headline(cmp.variant),
                "change": f"{cmp.score_change:+.1f}",
                "changes": cmp.changes(lang),
            }
            for cmp in sim.comparisons
        ],
        "scoring_note": pick(lang, pack.scoring.note, pack.scoring.note_en),
        "provenance": provenance(pack, [base], produced_at, lang),
    }

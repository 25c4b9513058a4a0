"""Assessment reports: a city report, a cohort report (HTML, Markdown, PDF) and an Excel
score sheet, all rendered from the Assessment objects the JSON output serialises."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..decide.results import Assessment
from ..errors import InputError, IpscoreError, Problem, display_path
from ..packs import Pack
from ..questions.whatif import Simulation
from ..record.history import YearOverYear, year_over_year
from ..record.publish import Published
from ..record.review import Review
from ..record.verification import Checked, Records, checked_by_source
from ..views.output import make_folder, write_all, write_atomic
from .contexts.city import city_context
from .contexts.cohort import cohort_context
from .contexts.common import SignOff
from .contexts.publish import publish_context
from .contexts.review import review_context
from .contexts.simulation import simulation_context
from .parallel import render_all
from .render import pdf, render, require_cjk_font
from .xlsx import publish_sheet, score_sheet

if TYPE_CHECKING:  # NumPy loads only when a strength evaluation is asked for
    from ..strength.evaluation import Strength

FORMATS = (".html", ".md", ".pdf", ".docx")
PUBLISHED_FORMATS = (".html", ".md", ".pdf", ".docx", ".xlsx", ".json")

__all__ = [
    "FORMATS",
    "PUBLISHED_FORMATS",
    "IpscoreError",
    "SignOff",
    "city_report",
    "cohort_report",
    "published_report",
    "review_report",
    "score_sheet",
    "simulation_report",
    "single_pack",
    "strength_report",
    "write",
    "write_published",
    "write_review",
    "write_strength",
]


def city_report(
    a: Assessment,
    suffix: str,
    lang: str = "zh",
    mode: str = "full",
    produced_at: str | None = None,
    yoy: YearOverYear | None = None,
    checked: Checked | None = None,
    signoff: SignOff | None = None,
) -> str | bytes:
    ctx = city_context(a, lang, mode, produced_at, yoy, checked, signoff)
    return _in_format(suffix, ctx, "city", "city")


def cohort_report(
    assessments: list[Assessment],
    suffix: str,
    links: dict[str, str],
    lang: str = "zh",
    produced_at: str | None = None,
    earlier: Mapping[str, YearOverYear] | None = None,
    signoff: SignOff | None = None,
    checked: Mapping[str, Checked] | None = None,
) -> str | bytes:
    pack = single_pack(assessments)
    ctx = cohort_context(pack, assessments, links, lang, produced_at, earlier, signoff, checked)
    return _in_format(suffix, ctx, "cohort", "cohort")


def simulation_report(
    sim: Simulation, suffix: str, lang: str = "zh", produced_at: str | None = None
) -> str | bytes:
    ctx = simulation_context(sim, lang, produced_at)
    return _in_format(suffix, ctx, "simulate", "simulation")


def review_report(
    r: Review,
    suffix: str,
    lang: str = "zh",
    produced_at: str | None = None,
    signoff: SignOff | None = None,
) -> str | bytes:
    ctx = review_context(r, lang, produced_at, signoff)
    return _in_format(suffix, ctx, "review", "review")


def strength_report(
    s: Strength,
    suffix: str,
    lang: str = "zh",
    produced_at: str | None = None,
    signoff: SignOff | None = None,
) -> str | bytes:
    from . import strength

    return _in_format(
        suffix, strength.context(s, lang, produced_at, signoff), "strength", "strength"
    )


def write_strength(
    s: Strength,
    out: Path,
    lang: str = "zh",
    produced_at: str | None = None,
    signoff: SignOff | None = None,
) -> None:
    """The strength evaluation in the format `out` names: a report (.html, .md, .pdf, .docx),
    the ranking as a workbook (.xlsx) or a CSV (.csv)."""
    from . import strength

    suffix = suffix_of(out, (*FORMATS, ".xlsx", ".csv"))
    if suffix == ".xlsx":
        write_atomic(out, strength.sheet(s, lang, produced_at))
    elif suffix == ".csv":
        write_atomic(out, strength.csv_text(s, lang))  # written with a BOM for Excel
    else:
        write_atomic(out, strength_report(s, suffix, lang, produced_at, signoff))


def _in_format(suffix: str, ctx: dict[str, Any], template: str, word: str) -> str | bytes:
    """A report's context rendered as the output's suffix asks: Markdown (`template.md.j2`),
    Word (`docx.<word>`), or HTML (`template.html.j2`), which a PDF is made from."""
    if suffix == ".md":
        return render(f"{template}.md.j2", ctx)
    if suffix == ".docx":
        from . import docx  # python-docx loads only when Word is asked for

        written: bytes = getattr(docx, word)(ctx)
        if ctx.get("office", {}).get("official"):
            from .docxofficial import official

            return official(written, ctx)
        return written
    html = render(f"{template}.html.j2", ctx)
    return pdf(html) if suffix == ".pdf" else html


def write_review(
    r: Review,
    out: Path,
    lang: str = "zh",
    produced_at: str | None = None,
    signoff: SignOff | None = None,
) -> None:
    write_atomic(out, review_report(r, suffix_of(out, FORMATS), lang, produced_at, signoff))


def write_published(
    p: Published,
    out: Path,
    lang: str = "zh",
    produced_at: str | None = None,
    signoff: SignOff | None = None,
) -> None:
    suffix = suffix_of(out, PUBLISHED_FORMATS)
    write_atomic(out, published_report(p, suffix, lang, produced_at, signoff))


def published_report(
    p: Published,
    suffix: str,
    lang: str = "zh",
    produced_at: str | None = None,
    signoff: SignOff | None = None,
) -> str | bytes:
    """The published list as a workbook (.xlsx), a page (.html), Markdown (.md), a PDF, a
    Word document (.docx), or JSON for the systems that show it (the API's
    `/api/v1/published`)."""
    if suffix == ".json":
        from ..views.output import dumps

        return dumps({**p.to_dict(), "produced_at": produced_at})
    if suffix == ".xlsx":
        return publish_sheet(p, lang, produced_at)
    return _in_format(suffix, publish_context(p, lang, produced_at, signoff), "publish", "publish")


def single_pack(assessments: list[Assessment]) -> Pack:
    """The one pack every assessment was produced with: one id and one content hash."""
    packs = {(a.pack.id, a.pack.content_hash): a.pack for a in assessments}
    if len(packs) != 1:
        names = sorted(f"{pid} ({digest[:12]})" for pid, digest in packs)
        raise InputError(
            [
                Problem(
                    f"一份汇总只能包含同一规则包的城市，这里有：{'、'.join(names)}",
                    f"one cohort report takes one rule pack; these use {', '.join(names)}",
                )
            ]
        )
    return next(iter(packs.values()))


def suffix_of(out: Path, allowed: tuple[str, ...]) -> str:
    suffix = out.suffix.lower()
    if suffix not in allowed:
        raise InputError(
            [
                Problem(
                    f"不支持的输出格式 {suffix or '（无扩展名）'}，可用：{'、'.join(allowed)}",
                    f"unsupported output format {suffix or '(none)'}; use {', '.join(allowed)}",
                    display_path(out),
                )
            ]
        )
    return suffix


def write(
    assessments: list[Assessment],
    out: Path,
    cohort: bool,
    lang: str = "zh",
    mode: str = "full",
    produced_at: str | None = None,
    archive: Records | None = None,
    signoff: SignOff | None = None,
    workers: int = 1,
    pdf_engine: str = "auto",
) -> list[Path]:
    """Write one city report, or a cohort report with each city's report beside it; with an
    archive holding earlier years, each gains its year over year, and with reviewers' checks,
    its verification states and its score as verified. A PDF is printed by `pdf_engine`
    (`auto`: Chromium for a set when one is installed, WeasyPrint otherwise).

    Everything is rendered before anything is written, so a failure leaves no partial set.
    """
    suffix = suffix_of(out, FORMATS)
    if suffix == ".pdf" and engine_for(pdf_engine, cohort) == "chromium":
        from . import chromium

        require_cjk_font()
        with chromium.printing():
            return _write(
                assessments,
                out,
                cohort,
                lang,
                mode,
                produced_at,
                archive,
                signoff,
                workers,
                ".html",
                chromium.pdf,
            )
    return _write(
        assessments, out, cohort, lang, mode, produced_at, archive, signoff, workers, suffix, None
    )


def engine_for(choice: str, many: bool) -> str:
    """The engine that prints: `weasyprint` or `chromium` as chosen; for `auto`, Chromium for
    a set of reports when a browser is found (about three times faster a page), WeasyPrint
    for one report (its PDF embeds the fonts as fonts; Chromium draws CJK glyphs as Type 3)."""
    if choice != "auto":
        return choice
    from . import chromium

    return "chromium" if many and chromium.find() else "weasyprint"


def _write(
    assessments: list[Assessment],
    out: Path,
    cohort: bool,
    lang: str,
    mode: str,
    produced_at: str | None,
    archive: Records | None,
    signoff: SignOff | None,
    workers: int,
    render_as: str,
    printer: Callable[[str], bytes] | None,
) -> list[Path]:
    """`write` with each report rendered as `render_as` and, for a PDF printed by another
    engine than WeasyPrint, handed as HTML to `printer`."""
    suffix = out.suffix.lower()
    earlier: dict[str, YearOverYear] = {}
    tiers: dict[tuple[str, int], dict[str, tuple[int, int, bool]]] = {}
    for a in assessments if archive is not None else []:
        found = year_over_year(archive, a, tiers) if archive is not None else None
        if found is not None:
            earlier[a.source] = found
    checked = {} if archive is None else checked_by_source(archive, assessments)

    def printed(report: str | bytes) -> str | bytes:
        return printer(report) if printer is not None and isinstance(report, str) else report

    def job(a: Assessment) -> Callable[[], str | bytes]:
        return lambda: printed(
            city_report(
                a,
                render_as,
                lang,
                mode,
                produced_at,
                earlier.get(a.source),
                checked.get(a.source),
                signoff,
            )
        )

    if not cohort:
        write_atomic(out, job(assessments[0])())
        return [out]
    folder = out.with_name(f"{out.stem}-cities")
    rendered: dict[Path, str | bytes] = {}
    links: dict[str, str] = {}
    names: dict[Path, None] = {}
    for a in assessments:
        name = f"{_safe(Path(a.source).stem)}{suffix}"
        if folder / name in names:  # several cities from one workbook: name them apart
            name = f"{_safe(Path(a.source).stem)}-{_safe(a.city)}{suffix}"
        names[folder / name] = None
        links[a.source] = f"{folder.name}/{name}"
    what = "报告" if lang != "en" else "reports"
    jobs = [job(a) for a in assessments]
    # The cohort report is the longest job: second in line, it starts on a worker at once
    # instead of running alone after the city reports (the first, run here, loads WeasyPrint
    # or starts this process's browser before the workers are forked).
    jobs.insert(
        1,
        lambda: printed(
            cohort_report(
                assessments, render_as, links, lang, produced_at, earlier, signoff, checked
            )
        ),
    )
    done = render_all(jobs, workers, what)
    cohort_done = done.pop(1)
    rendered.update(zip(names, done, strict=True))
    rendered[out] = cohort_done
    made = make_folder(folder)
    try:
        write_all(rendered)
    except BaseException:
        if made and not any(folder.iterdir()):
            folder.rmdir()
        raise
    return list(rendered)


def _safe(stem: str) -> str:
    return re.sub(r"[^\w.-]", "_", stem) or "city"

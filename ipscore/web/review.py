"""A reviewer's pages: upload a year's batch (several files or a zip), stored in the archive;
the cohort ranking with each city's blocker; a city's report with its evidence checks (verify
or reject with a reason); the three-year review and a city's history from the archive; the
cohort report, score sheet and published list to download."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from ..decide.pipeline import assess_paths
from ..decide.results import Assessment
from ..provenance import now
from ..record.history import year_over_year
from ..record.verification import REJECTED, VERIFIED, checked_by_source, record, verification
from ..report import cohort_report, score_sheet, single_pack
from ..report.contexts.city import city_context
from ..report.contexts.cohort import cohort_context
from ..report.contexts.review import review_context
from ..store.archive import Archive
from .pages import Denied, page, posted, require, settings_of
from .selfcheck import file_response, within_limit
from .uploads import Upload, keep, refused

_CACHE: OrderedDict[str, list[Assessment]] = OrderedDict()


def _archive(request: Request) -> Archive:
    return Archive.open(settings_of(request).db)


async def upload(request: Request) -> Response:
    """A year's batch: every file read and assessed first (every problem listed at once), then
    all stored in the archive in one transaction, or none."""
    user = require(request, reviewer=True)
    settings = settings_of(request)
    within_limit(request, settings.max_upload)
    form = await posted(request, files=500)
    sent = [
        (f.filename, await f.read())
        for f in form.getlist("files")
        if not isinstance(f, str) and f.filename
    ]
    await form.close()
    if sum(len(data) for _, data in sent) > settings.max_upload:  # sent without a length
        raise refused(
            f"上传的文件合计超过 {settings.max_upload // 2**20} MB 的上限",
            f"the files together exceed the {settings.max_upload // 2**20} MB limit",
        )
    if not sent:
        raise refused("请选择要上传的文件（可多选，或一个 zip）", "choose the files (or one zip)")
    store = request.app.state.store
    from ..views.batch import archive as store_all

    with store.kept_if_read({"kind": "batch", "by": user.name}) as batch:
        for name, data in sent:
            keep(batch, name, data)
        archive = _archive(request)
        try:
            store_all(archive, [batch.files], now(), user.name, jobs=1)
        finally:
            archive.close()
    return Response(status_code=303, headers={"location": f"/batch/{batch.id}"})


def _batch(request: Request) -> tuple[Upload, list[Assessment]]:
    require(request, reviewer=True)
    found = request.app.state.store.get(request.path_params["id"])
    if found is None or found.meta.get("kind") != "batch":
        raise Denied("没有这批上传")
    results = _CACHE.get(found.id)
    if results is None:
        results = _CACHE[found.id] = assess_paths([found.files])
        while len(_CACHE) > 16:
            _CACHE.popitem(last=False)
    return found, results


async def cohort(request: Request) -> Response:
    batch, results = _batch(request)
    pack = single_pack(results)
    links = {a.source: f"/batch/{batch.id}/city/{n}" for n, a in enumerate(results)}
    archive = _archive(request)
    try:
        checked = checked_by_source(archive, results)
    finally:
        archive.close()
    ctx = cohort_context(pack, results, links, "zh", checked=checked)
    ctx["web"] = {"batch": batch.id, "year": results[0].year}
    return page(request, "web/cohort.html.j2", ctx)


async def city(request: Request) -> Response:
    batch, results = _batch(request)
    n = request.path_params["n"]
    if not 0 <= n < len(results):
        raise Denied("没有这个城市")
    a = results[n]
    archive = _archive(request)
    try:
        checked = checked_by_source(archive, [a]).get(a.source)
        found = verification(archive, a.city, a.year, a.pack.id)
        earlier = year_over_year(archive, a)  # the city's earlier years, where archived
    finally:
        archive.close()
    ctx = city_context(a, "zh", "full", yoy=earlier, checked=checked)
    ctx["web"] = {
        "batch": batch.id,
        "n": n,
        "met": [(r.id, r.title) for t in a.tasks for r in t.requirements if r.status == "met"],
        "declared": f"{found.declared.score} {found.declared.grade_label}",
        "verified": f"{found.verified.score} {found.verified.grade_label}",
        "city": quote(a.city),
    }
    return page(request, "web/city.html.j2", ctx)


async def verify(request: Request) -> Response:
    user = require(request, reviewer=True)
    batch, results = _batch(request)
    form = await posted(request)
    n = int(str(form.get("n") or -1))
    if not 0 <= n < len(results):
        raise Denied("没有这个城市")
    a = results[n]
    decision = VERIFIED if form.get("decision") == "ok" else REJECTED
    reason = str(form.get("reason") or "").strip() or None
    if decision == REJECTED and not reason:
        raise refused("驳回要写明理由", "a rejection needs a reason")
    by = user.name if settings_of(request).users else str(form.get("by") or "").strip()
    if not by:
        raise refused("请写明审核人", "name the reviewer")
    archive = _archive(request)
    try:
        record(archive, a.city, a.year, [str(form.get("requirement"))], decision, reason, by,
               now(), a.pack.id)  # fmt: skip
    finally:
        archive.close()
    return Response(status_code=303, headers={"location": f"/batch/{batch.id}/city/{n}"})


async def download(request: Request) -> Response:
    _, results = _batch(request)
    name = request.path_params["name"]
    suffix = Path(name).suffix.lower()
    stem = Path(name).stem
    if stem == "cohort" and suffix in (".pdf", ".docx", ".html"):
        made = cohort_report(results, suffix, {}, "zh")
        return file_response(made, f"汇总报告{suffix}")
    if stem == "scores" and suffix == ".xlsx":
        return file_response(score_sheet(single_pack(results), results, "zh"), "评估结果.xlsx")
    # The list says which grades it gives: as declared or as verified (a link for each).
    basis = stem.removeprefix("published-")
    if basis in ("declared", "verified") and suffix in (".xlsx", ".pdf", ".html"):
        from ..record.publish import published
        from ..report import published_report

        archive = _archive(request)
        try:
            found = published(archive, results[0].year, results[0].pack.id, False, basis)
        finally:
            archive.close()
        return file_response(published_report(found, suffix), f"公布名单{suffix}")
    raise Denied("没有这个下载")


async def three_years(request: Request) -> Response:
    require(request, reviewer=True)
    from ..packs.review import find_policy
    from ..record.review import review

    years = request.query_params.get("years")
    span = None
    if years:
        first, _, last = years.partition("-")
        if not (first.isdigit() and last.isdigit()):
            raise refused("年度范围写作 2013-2015", "years are written 2013-2015")
        span = (int(first), int(last))
    archive = _archive(request)
    try:
        found = review(archive, find_policy(None), span, ())
    finally:
        archive.close()
    return page(request, "web/review.html.j2", review_context(found, "zh"))


async def history(request: Request) -> Response:
    require(request, reviewer=True)
    from ..record.history import history as years_of
    from ..views.tables.base import as_text
    from ..views.tables.record import history_table

    archive = _archive(request)
    try:
        found = years_of(archive, request.path_params["city"], None, None, None)
    finally:
        archive.close()
    text = as_text([history_table(found, "zh")])
    return page(request, "web/message.html.j2", {"lang": "zh", "web": {"pre": text}})

"""A reviewer's pages, their work (run in a worker, `web.work`): upload a year's batch
(several files or a zip), stored in the archive; the cohort ranking with each city's blocker;
a city's report with its evidence checks (verify or reject with a reason); the three-year
review and a city's history from the archive; the cohort report, score sheet and published
list to download. Each job takes plain values and returns a reply."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..decide.pipeline import assess_paths
from ..decide.results import Assessment
from ..errors import shown_from
from ..provenance import now
from ..record.history import year_over_year
from ..record.verification import (
    REJECTED,
    VERIFIED,
    Standing,
    checked_by_source,
    record,
    state_word,
    verification,
)
from ..report import SignOff, cohort_report, score_sheet, single_pack
from ..report.contexts.city import city_context
from ..report.contexts.cohort import cohort_context
from ..report.contexts.review import review_context
from ..report.official import DEFAULT_TZ, Official
from ..season.people import User
from ..season.scope import Scope
from .pages import Denied, for_the_web, rendered
from .uploads import Store, Upload, archive_of, keep, refused
from .work import File, Page, Redirect

_CACHE: OrderedDict[str, list[Assessment]] = OrderedDict()
_archive = archive_of


def upload(root: Path, db: str | None, user: User, sent: list[tuple[str, bytes]]) -> Redirect:
    """A year's batch: every file read and assessed first (every problem listed at once), then
    all stored in the archive in one transaction, or none; a batch holding a city outside the
    user's scope is refused whole, the city named."""
    from ..views.batch import archive as store_all

    store = Store(root, db)
    with store.kept_if_read({"kind": "batch", "by": user.name}) as batch:
        for name, data in sent:
            keep(batch, name, data)
        with shown_from(batch.files):  # files by their own names, not where they are kept
            scope = Scope(user, _archive(db))
            scope.allow("store")
            scope.check_files([batch.files], None)
            store_all(_archive(db), [batch.files], now(), user.name, jobs=1)
        store.save(batch)
    return Redirect(f"/batch/{batch.id}")


def _seen(scope: Scope, results: list[Assessment]) -> list[Assessment]:
    """The batch's results of the cities the user may see; none is a page it may not see."""
    seen = scope.seen(results, claimed=lambda a: a.province)
    if not seen:
        raise Denied("这批上传中没有你可以查看的城市")
    return seen


def _batch(root: Path, db: str | None, batch_id: str) -> tuple[Upload, list[Assessment]]:
    found = Store(root, db).get(batch_id)
    if found is None or found.meta.get("kind") != "batch":
        raise Denied("没有这批上传")
    results = _CACHE.get(found.id)
    if results is None:
        with shown_from(found.files):
            results = _CACHE[found.id] = assess_paths([found.files])
        while len(_CACHE) > 16:
            _CACHE.popitem(last=False)
    return found, results


def cohort(root: Path, db: str | None, batch_id: str, web: dict[str, Any]) -> Page:
    batch, every = _batch(root, db, batch_id)
    results = _seen(Scope(web["user"], _archive(db)), every)
    pack = single_pack(results)
    links = {a.source: f"/batch/{batch.id}/city/{n}" for n, a in enumerate(every)}
    checked = checked_by_source(_archive(db), results)
    ctx = cohort_context(pack, results, links, "zh", checked=checked)
    ctx["web"] = {"batch": batch.id, "year": results[0].year}
    return rendered("web/cohort.html.j2", ctx, web)


def city(
    root: Path, db: str | None, batch_id: str, n: int, web: dict[str, Any], done: str | None = None
) -> Page:
    """A city's report with the reviewer's checks; after a decision (`done`, the requirement
    decided), what was recorded, read back from the archive."""
    batch, results = _batch(root, db, batch_id)
    if not 0 <= n < len(results):
        raise Denied("没有这个城市")
    a = results[n]
    archive = _archive(db)
    Scope(web["user"], archive).check(a.city, a.year, a.province)
    checked = checked_by_source(archive, [a]).get(a.source)
    found = verification(archive, a.city, a.year, a.pack.id)
    earlier = year_over_year(archive, a)  # the city's earlier years, where archived
    ctx = city_context(a, "zh", "full", yoy=earlier, checked=checked)
    if ctx.get("checked"):
        ctx["checked"]["policy"] = for_the_web(ctx["checked"]["policy"])
    ctx["web"] = {
        "batch": batch.id,
        "n": n,
        "met": [(r.id, r.title) for t in a.tasks for r in t.requirements if r.status == "met"],
        "declared": f"{found.declared.score} {found.declared.grade_label}",
        # Before any decision the score "as verified" is not yet a finding (under a pack that
        # counts an unchecked "met" as unmet it would read 0.0 不合格).
        "verified": f"{found.verified.score} {found.verified.grade_label}"
        if any(r.check for r in found.requirements)
        else "尚未核验",
        "city": quote(a.city),
        "city_name": a.city,
        "done": _recorded(found.requirements, done),
    }
    return rendered("web/city.html.j2", ctx, web)


def _recorded(standings: tuple[Standing, ...], requirement: str | None) -> str | None:
    """The decision that stands on a requirement, in words ("T4.R1 … 已驳回（没有盖章），张三")."""
    found = next((r for r in standings if r.id == requirement and r.check), None)
    if found is None or found.check is None:
        return None
    check = found.check
    why = f"（{check.reason}）" if check.decision == REJECTED and check.reason else ""
    return f"{found.id} {found.title} {state_word(check.decision, 'zh')}{why}，{check.checked_by}"


def verify(
    root: Path, db: str | None, batch_id: str, user: User, by: str, form: dict[str, str]
) -> Redirect:
    """A reviewer's decision on one requirement: verified, or rejected with a reason."""
    batch, results = _batch(root, db, batch_id)
    n = int(form.get("n") or -1)
    if not 0 <= n < len(results):
        raise Denied("没有这个城市")
    a = results[n]
    scope = Scope(user, _archive(db))
    scope.allow("verify")
    scope.check(a.city, a.year, a.province)
    decision = VERIFIED if form.get("decision") == "ok" else REJECTED
    reason = (form.get("reason") or "").strip() or None
    if decision == REJECTED and not reason:
        raise refused("驳回要写明理由", "a rejection needs a reason")
    if not by:
        raise refused("请写明审核人", "name the reviewer")
    record(_archive(db), a.city, a.year, [str(form.get("requirement"))], decision, reason, by,
           now(), a.pack.id)  # fmt: skip
    # Back to the form, saying what was recorded.
    return Redirect(f"/batch/{batch.id}/city/{n}?done={quote(str(form.get('requirement')))}#verify")


def download(
    root: Path,
    db: str | None,
    batch_id: str,
    user: User,
    name: str,
    org: str | None = None,
    tz: str = DEFAULT_TZ,
) -> File:
    """The cohort report, the score sheet, a published list; `…-official.pdf` (or .docx) the
    cohort report or a published list in the official form, issued by the server's office
    (`ipscore serve --org`) and dated now in its time zone."""
    _, every = _batch(root, db, batch_id)
    scope = Scope(user, _archive(db))
    results = _seen(scope, every)
    suffix = Path(name).suffix.lower()
    stem = Path(name).stem
    signoff = None
    if stem.endswith("-official") and suffix in (".pdf", ".docx"):
        if not org:
            raise Denied("服务没有设本单位名称（ipscore serve --org），不能生成公文格式")
        stem = stem.removesuffix("-official")
        signoff = SignOff(org, None, tz, Official())
    official = "（公文）" if signoff else ""
    if stem == "cohort" and suffix in (".pdf", ".docx", ".html"):
        made = cohort_report(results, suffix, {}, "zh", now() if signoff else None,
                             signoff=signoff)  # fmt: skip
        return File(_bytes(made), f"汇总报告{official}{suffix}")
    if stem == "scores" and suffix == ".xlsx":
        return File(score_sheet(single_pack(results), results, "zh"), "评估结果.xlsx")
    # The list says which grades it gives: as declared or as verified (a link for each).
    basis = stem.removeprefix("published-")
    if basis in ("declared", "verified") and suffix in (".xlsx", ".pdf", ".html", ".docx"):
        from ..record.publish import published
        from ..report import published_report
        from ..season.running import publish_options

        scope.allow("publish")
        archive, year = _archive(db), results[0].year
        options = publish_options(archive, year, scope.sees)
        found = scope.listed(published(archive, year, results[0].pack.id, False, basis, **options))
        made = published_report(found, suffix, "zh", now() if signoff else None, signoff)
        return File(_bytes(made), f"公布名单{official}{suffix}")
    raise Denied("没有这个下载")


def _bytes(made: str | bytes) -> bytes:
    return made.encode("utf-8") if isinstance(made, str) else made


def three_years(db: str | None, years: str | None, web: dict[str, Any]) -> Page:
    from dataclasses import replace

    from ..packs.review import find_policy
    from ..record.review import review

    span = None
    if years:
        first, _, last = years.partition("-")
        if not (first.isdigit() and last.isdigit()):
            raise refused("年度范围写作 2013-2015", "years are written 2013-2015")
        span = (int(first), int(last))
    scope = Scope(web["user"], _archive(db))
    scope.allow("review")
    found = review(_archive(db), find_policy(None), span, ())
    found = replace(found, cities=tuple(scope.seen(found.cities)))
    return rendered("web/review.html.j2", review_context(found, "zh"), web)


def history(db: str | None, city_name: str, web: dict[str, Any]) -> Page:
    from ..record.history import history as years_of
    from ..views.tables.base import as_text
    from ..views.tables.record import history_table

    Scope(web["user"], _archive(db)).check(city_name)
    found = years_of(_archive(db), city_name, None, None, None)
    text = as_text([history_table(found, "zh")])
    return rendered("web/message.html.j2", {"lang": "zh"}, {**web, "pre": text})

"""A city office's self-check, the work of its pages (run in a worker, `web.work`): read an
uploaded form, show the self-check report; change a value, drop or complete a task, move a
threshold, and see the score and grade beside the baseline; ask for the least work to a
grade; download the form and the report. Each job takes plain values and returns a reply."""

from __future__ import annotations

import csv
import io
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from ..decide.explain import describe
from ..decide.pipeline import Evaluation, evaluate
from ..decide.results import json_value
from ..errors import InputError, IpscoreError, Problem, shown_from
from ..intake.claims import KEY as CLAIMS
from ..intake.files import read_one
from ..intake.formlayout import points_text, sections
from ..intake.submission import Submission
from ..packs import Pack, find_pack, shipped_packs
from ..packs.conditions import FieldRef
from ..packs.params import WEIGHTS, item_thresholds, thresholds
from ..questions.plan import Plan, least_work
from ..questions.whatif import Comparison, Variant, compare, run
from ..report import city_report, score_sheet
from ..report.contexts.city import city_context
from ..season.people import User
from ..season.scope import Scope
from .pages import Denied, for_the_web, rendered, shown
from .uploads import Store, Upload, archive_of, keep, refused
from .work import File, Page, Redirect


def form(pack_id: str) -> File:
    from ..intake.formsheet import form as blank

    return File(blank(_shipped(pack_id)), f"{pack_id}-填报表.xlsx")


# The fill-in page posts a field per figure and per item's 自评分: the largest shipped pack
# asks about a hundred.
MOST_FIELDS = 1000
_COLUMN = re.compile(r"（[A-Z]+列）$")


def _shipped(pack_id: str) -> Pack:
    if pack_id not in shipped_packs():
        raise Denied("没有这个规则包")
    return find_pack(pack_id)


def fill_page(pack_id: str, web: dict[str, Any]) -> Page:
    """The form on a page: the figures as the Excel form asks them (`formlayout`); for a
    points sheet, each item with its 分值 and 评分标准, its figures and its 自评分."""
    return _fill_page(_shipped(pack_id), web, {}, [])


def _fill_page(
    pack: Pack, web: dict[str, Any], typed: dict[str, str], problems: list[Problem]
) -> Page:
    said: dict[str, str] = {}
    for p in problems:
        said.setdefault(_COLUMN.sub("", p.field or ""), for_the_web(p.zh))
    labels: dict[str, str] = {}
    shown_sections = []
    for section in sections(pack):
        blocks = []
        for block in section.blocks:
            asks = []
            for ask in block.asks:
                labels[ask.name] = ask.decl.label
                decl = ask.decl
                options = (
                    ["是", "否"]
                    if decl.type == "bool"
                    else list((decl.values or {}).values())
                    if decl.type == "enum"
                    else None
                )
                asks.append(
                    {
                        "name": ask.name,
                        "label": ask.label,
                        "see": ask.see,
                        "type": decl.type,
                        "options": options,
                        "value": typed.get(ask.name, ""),
                        "problem": said.get(ask.name, ""),
                    }
                )
            item = None
            if block.item is not None and block.item.points is not None:
                code = f"{CLAIMS}.{block.item.id}"
                labels[code] = f"{block.item.title}·自评分"
                item = {
                    "code": code,
                    "title": block.item.title,
                    "value": points_text(block.item.points.value),
                    "criteria": block.item.points.criteria,
                    "claimed": typed.get(code, ""),
                    "problem": said.get(code, ""),
                }
            blocks.append({"item": item, "asks": asks})
        shown_sections.append({"heading": section.heading, "blocks": blocks})
    listed = [{"label": labels.get(field, field), "text": text} for field, text in said.items()]
    ctx = {
        "lang": "zh",
        "web": {
            "pack": pack.id,
            "title": pack.pack.title,
            "year": pack.pack.year,
            "sheet": pack.is_sheet,
            "sections": shown_sections,
            "problems": listed,
        },
    }
    return rendered("web/fill.html.j2", ctx, web, 400 if problems else 200)


def fill(
    root: Path, db: str | None, user: User, pack_id: str, typed: dict[str, str],
    web: dict[str, Any],
) -> Page | Redirect:  # fmt: skip
    """The figures typed on the fill-in page, kept as a one-row table (one column a figure,
    one a 自评分) and read like an uploaded one: every problem is shown beside its box, with
    what was typed kept; a city outside the user's scope is refused as an upload is."""
    pack = _shipped(pack_id)
    codes = [
        ask.name
        for section in sections(pack)
        for block in section.blocks
        for ask in block.asks
        if ask.see is None
    ]
    codes += [f"{CLAIMS}.{req.id}" for _, req in pack.requirements() if pack.is_sheet]
    text = io.StringIO()
    table = csv.writer(text)
    table.writerow(["pack", "year", *codes])
    table.writerow([pack.id, pack.pack.year, *(typed.get(c, "").strip() for c in codes)])
    city = typed.get("city.name", "").strip() or "网页填报"
    try:
        return upload(root, db, user, f"{city}-网页填报.csv", text.getvalue().encode("utf-8"))
    except InputError as exc:  # not OutOfScope: that is a refusal, not a mistake to correct
        return _fill_page(pack, web, typed, exc.problems)


def upload(root: Path, db: str | None, user: User, name: str, data: bytes) -> Redirect:
    """One city's file (a form, YAML, JSON or a one-row CSV), read by the strict readers: every
    problem is shown at once, with its file, line or row and field."""
    store = Store(root, db)
    with store.kept_if_read({"kind": "check", "by": user.name, "name": name}) as target:
        path = keep(target, name, data)
        if path.is_dir():
            raise refused("自查一次上传一个城市的文件，不要上传 zip", "one city's file, not a zip")
        with shown_from(target.files):
            pack, submission = read_one(path)  # raises with every problem of the file
        claimed = submission.values.get("city.province")
        province = None if claimed is None else str(claimed)
        Scope(user, archive_of(db)).check(submission.city, submission.year, province)
        store.save(target, city=submission.city, province=province, year=submission.year,
                   pack=pack.id, file=path.name)  # fmt: skip
    return Redirect(f"/check/{target.id}")


_CACHE: OrderedDict[str, tuple[Pack, Submission, Evaluation]] = OrderedDict()


def _evaluated(upload: Upload) -> tuple[Pack, Submission, Evaluation]:
    """The upload read and evaluated once; a what-if reuses it (its verdicts too)."""
    found = _CACHE.get(upload.id)
    if found is None:
        with shown_from(upload.files):  # the file by its own name, not where it is kept
            pack, submission = read_one(upload.files / upload.meta["file"])
        found = (pack, submission, evaluate(pack, submission))
        _CACHE[upload.id] = found
        while len(_CACHE) > 64:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(upload.id)
    return found


def _upload(root: Path, db: str | None, upload_id: str, user: User) -> Upload:
    """The self-check upload the address names, if this user may see its city."""
    found = Store(root, db).get(upload_id)
    if found is None or found.meta.get("kind") != "check" or "file" not in found.meta:
        raise Denied("没有这份上传，或它已被删除")
    meta = found.meta
    Scope(user, archive_of(db)).check(meta.get("city", ""), meta.get("year"), meta.get("province"))
    return found


def variant_of(query: QueryParams) -> Variant:
    """The what-if asked for in the address: set=字段=值, drop=T7, complete=T8, param=名=值."""

    def pairs(key: str) -> dict[str, str]:
        out = {}
        for item in query.getlist(key):
            if not item.strip():
                continue  # a form's empty box
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise InputError(
                    [Problem(f"应写成 字段=值：{item}", f"write field=value: {item}", field=key)]
                )
            out[name.strip()] = value.strip()
        return out

    sets, params = pairs("set"), pairs("param")
    # The form's one field and value, and its one parameter and value: a later choice of the
    # same name replaces the one carried from before.
    pairs_asked = (("setfield", "setvalue", sets), ("paramname", "paramvalue", params))
    for chosen, typed, into in pairs_asked:
        name, value = query.get(chosen), (query.get(typed) or "").strip()
        if name and value:
            into[name] = value
    return Variant(
        "web",
        sets,
        tuple(t for t in query.getlist("drop") if t),
        tuple(t for t in query.getlist("complete") if t),
        params,
    )


def _address(variant: Variant, **without: str) -> str:
    """The what-if's query, one change left out (`set=`, `param=` by name): a link undoing it."""
    items = [("set", f"{k}={v}") for k, v in variant.sets.items() if k != without.get("set")]
    items += [("drop", t) for t in variant.drop] + [("complete", t) for t in variant.complete]
    items += [("param", f"{k}={v}") for k, v in variant.params.items() if k != without.get("param")]
    return urlencode(items)


def input_fields(pack: Pack) -> list[tuple[str, str]]:
    """The figures a city's work changes, by their Chinese names with the unit: achievements
    and last year's figures; not the city's profile (its name, level, batch), a computed ratio
    or a text."""
    return [
        (name, _labelled(pack, name))
        for name in pack.field_names()
        if pack.field(name).role in ("achievement", "baseline")
        and pack.field(name).type not in ("ratio", "text")
    ]


def _labelled(pack: Pack, name: str) -> str:
    decl = pack.field(name)
    return f"{decl.label}（{decl.unit}）" if decl.unit else decl.label


_WEIGHT_WORDS = {
    "weights.mandatory": "必做任务",
    "weights.optional": "选做任务",
    "weights.required": "必需要求",
    "weights.advisory": "建议要求",
}


def parameters(pack: Pack) -> dict[str, str]:
    """Each parameter a what-if may change (`packs.params.names`), in words with its value in
    the pack: "T2.R1 市局明确执法办案人员：市局主要从事执法办案工作的人员 ≥ 3人"."""
    out = {}
    for _, req in pack.requirements():
        if req.points is not None:  # a sheet's item: its tiers' shares, targets and caps
            for i, threshold in enumerate(item_thresholds(req)):
                name = req.id if i == 0 else f"{req.id}#{i + 1}"
                out[name] = f"{req.id} {req.title}：{threshold.describe()}"
            continue
        for i, cmp in enumerate(thresholds(req.check)):
            what = "倍数" if isinstance(cmp.value, FieldRef) else "阈值"
            nth = f"（第{i + 1}个{what}）" if i else ""
            name = req.id if i == 0 else f"{req.id}#{i + 1}"
            out[name] = f"{req.id} {req.title}{nth}：{describe(pack, cmp, 'zh')}"
    for band in pack.scoring.grades:
        if band.min_score is not None:
            out[f"bands.{band.code}"] = f"等级线：{band.label} ≥ {band.min_score}分"
    for name, (part, key) in ({} if pack.is_sheet else WEIGHTS).items():
        weight = getattr(getattr(pack.scoring, part), key)
        out[name] = f"权重：{_WEIGHT_WORDS[name]} {weight}"
    return out


def _changed(variant: Variant) -> bool:
    return bool(variant.sets or variant.drop or variant.complete or variant.params)


def show(root: Path, db: str | None, upload_id: str, web: dict[str, Any], query: str) -> Page:
    """The self-check page: page one's conclusion, the to-do list, every verdict with its
    evidence; with a what-if in the address, the changed result beside the baseline."""
    upload = _upload(root, db, upload_id, web["user"])
    pack, submission, base = _evaluated(upload)
    asked = QueryParams(query)
    result = base.assessment
    comparison: Comparison | None = None
    problems: list[dict[str, str]] = []
    variant = Variant("web")
    try:  # a what-if badly asked is said beside its form, never a page of its own
        variant = variant_of(asked)
        if _changed(variant):
            result = run(pack, submission, base.verdicts, variant)
            comparison = compare("web", base.assessment, result)
    except IpscoreError as exc:
        problems = shown(exc.problems)
    known = parameters(pack)
    ctx = city_context(result, "zh", "self-check")
    ctx["web"] = {
        "upload": upload.id,
        "file": upload.meta.get("name"),
        "comparison": _comparison(comparison),
        "problems": problems,
        "plan": _plan(asked.get("target"), pack, submission),
        "query": query,
        "variant": variant,
        "fields": input_fields(pack),
        "params": known,
        # What the what-if changes, in words, each with a link that undoes it.
        "changed": [
            (f"{_field_words(pack, k)} 改为 {v}", _address(variant, set=k))
            for k, v in variant.sets.items()
        ]
        + [
            (f"{known.get(k, k)}，改为 {v}", _address(variant, param=k))
            for k, v in variant.params.items()
        ],
        "tasks": [(t.id, t.title) for t in pack.tasks],
        "grades": [(g.code, g.label) for g in pack.scoring.grades[:-1]],
        "target": asked.get("target", ""),
    }
    return rendered("web/check.html.j2", ctx, web, 400 if problems else 200)


def _field_words(pack: Pack, name: str) -> str:
    try:
        return _labelled(pack, name)
    except KeyError:  # a name the what-if refused: shown as typed
        return name


def _comparison(c: Comparison | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "before": f"{c.baseline.score} {c.baseline.grade_label}",
        "after": f"{c.variant.score} {c.variant.grade_label}",
        "after_grade": c.variant.grade,
        "change": f"{c.score_change:+.1f}",
        "changes": c.changes("zh"),
    }


def _plan(target: str | None, pack: Pack, submission: Submission) -> dict[str, Any] | None:
    """The least work to the grade asked for (`target=`), with a link that applies it."""
    if not target:
        return None
    found: Plan = least_work(pack, submission, target)
    if not found.reachable:
        return {"reachable": False, "reason": found.reason, "label": found.target_label}
    sets = [(a.field, _typed(json_value(a.value))) for a in found.actions]
    return {
        "reachable": True,
        "label": found.target_label,
        "actions": [
            {
                "label": pack.field(f).label,
                "field": f,
                "value": v,
                "meets": "、".join(a.requirements),
            }
            for (f, v), a in zip(sets, found.actions, strict=True)
        ],
        "after": f"{found.after.score} {found.after.grade_label}" if found.after else "",
        "apply": urlencode([("set", f"{f}={v}") for f, v in sets]),
    }


def _typed(value: Any) -> str:
    """A value as typed into a form or `--set` (是/否 for yes and no)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def download(root: Path, db: str | None, upload_id: str, user: User, query: str, name: str) -> File:
    """The report (.pdf, .docx, .html) or the score sheet (.xlsx) of what the page shows."""
    upload = _upload(root, db, upload_id, user)
    pack, submission, base = _evaluated(upload)
    variant = variant_of(QueryParams(query))
    result = run(pack, submission, base.verdicts, variant) if _changed(variant) else base.assessment
    suffix = Path(name).suffix.lower()
    if Path(name).stem == "scores" and suffix == ".xlsx":
        return File(score_sheet(pack, [result], "zh"), f"{result.city}-评估结果.xlsx")
    if Path(name).stem != "report" or suffix not in (".pdf", ".docx", ".html"):
        raise Denied("没有这个下载")
    made = city_report(result, suffix, "zh", "self-check")
    return File(
        made.encode("utf-8") if isinstance(made, str) else made, f"{result.city}-自查报告{suffix}"
    )

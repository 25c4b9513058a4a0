"""Amending packs: a pack that `extends` another and lists what it `changes`, each change citing
the amending text. The changes are applied to the base pack's document; the result is then
loaded and checked like any pack, and remembers its amendments (so they count in its hash and
show in `rules show` and `rules diff`).

    extends: cnipa-2015-demo-city          # a shipped pack id, or a file relative to this one
    pack: {id: …, version: …, year: 2016, sources: [the amending document]}
    fields: {finance: {new_field: {…}}}   # optional: fields added or redeclared
    experts: {items: […], …}               # optional: an expert-scored part (packs/experts.py)
    changes:
      - {set: T4.R2, value: "1.3", citation: {…}}            # a threshold (as --param names it)
      - {set: bands.good, value: 80, citation: {…}}           # a grade line
      - {add: {id: T4.R9, …, citation: {…}}, task: T4}        # a new requirement
      - {replace: T3.R4, with: {id: T3.R4, …, citation: {…}}} # a requirement rewritten
      - {drop: T7.R6, citation: {…}}                          # a requirement dropped
      - {add_task: {id: T10, …}}                              # a new task
      - {mandatory: [{when: …, tasks: […], label: …}], citation: {…}}
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ..errors import PackError, Problem, display_path, resolved
from ..yamlio import Lines, line_of, load_document

KINDS = ("set", "add", "replace", "drop", "add_task", "mandatory")


def merged(
    path: Path, data: dict[str, Any], lines: Lines, seen: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The amending document merged into its base (its `amendments` listing every change, the
    base's own included), and the parameters its `set` changes give."""
    name = display_path(path)
    base_path = _base_path(path, data.get("extends"), name, lines)
    chain = (*seen, resolved(path) or path)
    base_real = resolved(base_path) or base_path  # a looping link is refused when it is read
    if base_real in chain:
        names = " → ".join(display_path(p) for p in (*chain, base_real))
        raise PackError(
            [
                Problem(
                    f"extends 形成循环：{names}",
                    f"extends goes round in a circle: {names}",
                    name,
                    line_of(lines, ("extends",)),
                    "extends",
                )
            ]
        )
    base, base_lines = load_document(base_path, PackError)
    if not isinstance(base, dict):
        raise PackError([Problem("规则包应为一个映射", "a rule pack must be a mapping", name)])
    params: dict[str, Any] = {}
    if "extends" in base:
        base, params = merged(base_path, base, base_lines, chain)
    amendments: list[dict[str, Any]] = list(base.get("amendments") or [])
    out = copy.deepcopy(base)
    problems: list[Problem] = []

    def problem(where: tuple[str | int, ...], zh: str, en: str) -> None:
        problems.append(Problem(zh, en, name, line_of(lines, where), ".".join(map(str, where))))

    if not _well_shaped(data, problem):
        raise PackError(problems)
    own = data.get("pack")
    if isinstance(own, dict):
        sources = list(out.get("pack", {}).get("sources") or [])
        known = {s.get("file") for s in sources if isinstance(s, dict)}
        sources += [s for s in own.get("sources") or [] if s.get("file") not in known]
        out["pack"] = {**own, "sources": sources}
    else:
        problem(
            ("pack",),
            "修订包也要写明自己的 pack（编号、版本、年度、依据）",
            "an amending pack needs its own pack",
        )
    for group, decls in (data.get("fields") or {}).items():
        out.setdefault("fields", {}).setdefault(group, {}).update(decls or {})
    for key in ("plausibility",):
        if key in data:
            out[key] = [*(out.get(key) or []), *data[key]]
    if "experts" in data:  # the part whole; each item cites its own text
        out["experts"] = data["experts"]
    for k, change in enumerate(data.get("changes") or []):
        where = ("changes", k)
        done = _apply(out, change, where, problem)
        if done is not None:
            amendment, param = done
            amendments.append(amendment)
            params.update(param)
    for key in set(data) - {"extends", "pack", "fields", "changes", "plausibility", "experts"}:
        problem(
            (key,),
            "修订包只能写 extends、pack、fields、changes、plausibility、experts",
            "unknown key",
        )
    if problems:
        raise PackError(problems)
    # The pack it extends by that pack's own id (a file's too): a submission naming it fits.
    base_id = (base.get("pack") or {}).get("id") if isinstance(base.get("pack"), dict) else None
    out["extends"] = str(base_id or data["extends"])
    out["amendments"] = amendments
    return out, params


_MAPPING = ("应为映射（键: 值）", "expected a mapping (key: value)")
_LIST = ("应为列表", "expected a list")


def _well_shaped(data: dict[str, Any], problem: Any) -> bool:
    """Whether what is merged into the base has the shape merging needs: `fields` a mapping of
    mappings, `pack.sources` a list of mappings, `plausibility` and `changes` lists. Anything
    else is a problem at its key (it broke the merging with a traceback)."""
    wrong: list[tuple[tuple[str | int, ...], tuple[str, str]]] = []
    fields = data.get("fields") or {}
    if not isinstance(fields, dict):
        wrong.append((("fields",), _MAPPING))
    else:
        wrong += [(("fields", g), _MAPPING) for g, d in fields.items() if not _mapping(d)]
    own = data.get("pack")
    sources = own.get("sources") or [] if isinstance(own, dict) else []
    if not isinstance(sources, list):
        wrong.append((("pack", "sources"), _LIST))
    else:
        wrong += [
            (("pack", "sources", k), _MAPPING) for k, s in enumerate(sources) if not _mapping(s)
        ]
    wrong += [((key,), _LIST) for key in ("plausibility", "changes") if not _list(data.get(key))]
    for where, (zh, en) in wrong:
        problem(where, zh, en)
    return not wrong


def _mapping(value: Any) -> bool:
    return value is None or isinstance(value, dict)


def _list(value: Any) -> bool:
    return value is None or isinstance(value, list)


def _base_path(path: Path, ref: Any, name: str, lines: Lines) -> Path:
    from . import shipped_packs

    where = line_of(lines, ("extends",))
    if not isinstance(ref, str) or not ref.strip():
        raise PackError(
            [
                Problem(
                    "extends 应为规则包编号或文件", "extends names a pack", name, where, "extends"
                )
            ]
        )
    shipped = shipped_packs()
    if ref in shipped:
        return shipped[ref]
    candidate = path.parent / ref
    if candidate.suffix and candidate.exists():
        return candidate
    known = "、".join(shipped)
    raise PackError(
        [
            Problem(
                f"extends 的规则包 {ref} 不存在（随附的有：{known}，或写相对本文件的路径）",
                f"extends names no known pack {ref} (shipped: {', '.join(shipped)}, or a path)",
                name,
                where,
                "extends",
            )
        ]
    )


def _apply(
    out: dict[str, Any], change: Any, where: tuple[str | int, ...], problem: Any
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Apply one change to the document; the amendment it records and any parameter it sets."""
    kinds = [k for k in KINDS if isinstance(change, dict) and k in change]
    if len(kinds) != 1:
        problem(
            where, f"每项修订写且只写一种：{'、'.join(KINDS)}", f"each change is one of {KINDS}"
        )
        return None
    kind = kinds[0]
    citation = change.get("citation")
    requirement = change.get("add") if kind == "add" else change.get("with")
    if kind in ("add", "replace", "add_task"):
        body = change.get("add_task") if kind == "add_task" else requirement
        citation = citation or (body.get("citation") if isinstance(body, dict) else None)
    if not isinstance(citation, dict):
        problem(where, "每项修订都要引用修订文件原文（citation）", "every change cites its text")
        return None
    tasks = out.get("tasks") or []
    located = {r.get("id"): (t, r) for t in tasks for r in t.get("requirements") or []}
    target = str(change.get(kind)) if kind in ("set", "replace", "drop") else ""
    param: dict[str, Any] = {}
    if kind == "set":
        if "value" not in change:
            problem(where, "set 需要 value", "set needs a value")
            return None
        param = {target: change["value"]}
    elif kind in ("replace", "drop"):
        if target not in located:
            problem((*where, kind), f"没有要求 {target}", f"no requirement {target}")
            return None
        task, old = located[target]
        index = task["requirements"].index(old)
        if kind == "replace":
            task["requirements"][index] = requirement
        else:
            del task["requirements"][index]
            if not task["requirements"]:
                tasks.remove(task)
                for rule in out.get("mandatory") or []:
                    rule["tasks"] = [t for t in rule.get("tasks") or [] if t != task.get("id")]
    elif kind == "add":
        task = next((t for t in tasks if t.get("id") == change.get("task")), None)
        if task is None or not isinstance(requirement, dict):
            problem(
                (*where, "task"),
                "add 需要已有的 task 和一条要求",
                "add needs a task and a requirement",
            )
            return None
        task["requirements"].append(requirement)
        target = str(requirement.get("id"))
    elif kind == "add_task":
        if not isinstance(change["add_task"], dict):
            problem((*where, kind), *_MAPPING)
            return None
        tasks.append(change["add_task"])
        target = str(change["add_task"].get("id"))
    else:
        out["mandatory"] = change["mandatory"]
        target = "mandatory"
    amendment = {"change": kind, "target": target, "citation": citation}
    if kind == "set":
        amendment["value"] = change["value"]
    return amendment, param

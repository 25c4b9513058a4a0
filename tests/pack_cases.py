"""Pack test cases written in YAML: a base submission, then cases that change a few fields
and state the verdicts (and optionally score and grade) they expect."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from ipscore.assess import assess
from ipscore.packs import find_pack
from ipscore.submission import parse_submission


def load_cases(path: Path) -> dict[str, Any]:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def build(base: dict, case: dict) -> dict:
    """The base submission with the case's `set` and `unset` applied (dotted field names)."""
    data = copy.deepcopy(base)
    for name, value in (case.get("set") or {}).items():
        group, key = name.split(".", 1)
        holder = data["city"] if group == "city" else data["facts"].setdefault(group, {})
        holder[key] = value
    for name in case.get("unset") or []:
        group, key = name.split(".", 1)
        holder = data["city"] if group == "city" else data["facts"].get(group, {})
        holder.pop(key, None)
    return data


def run_case(pack_id: str, base: dict, case: dict):
    pack = find_pack(pack_id)
    submission = parse_submission(build(base, case), pack, case["name"], {})
    return assess(pack, submission)


class PackCaseFile(pytest.File):
    def collect(self):
        spec = load_cases(self.path)
        for case in spec["cases"]:
            yield PackCase.from_parent(self, name=case["name"], spec=spec, case=case)


class PackCase(pytest.Item):
    def __init__(self, *, spec: dict, case: dict, **kwargs):
        super().__init__(**kwargs)
        self.spec, self.case = spec, case

    def runtest(self) -> None:
        result = run_case(self.spec["pack"], self.spec["base"], self.case)
        statuses = result.requirement_statuses()
        wrong = {
            rid: (want, statuses[rid])
            for rid, want in (self.case.get("expect") or {}).items()
            if statuses[rid] != want
        }
        if "score" in self.case and float(result.score) != self.case["score"]:
            wrong["score"] = (self.case["score"], float(result.score))
        if "grade" in self.case and result.grade != self.case["grade"]:
            wrong["grade"] = (self.case["grade"], result.grade)
        fired = sorted(w["id"] for w in result.warnings)
        if sorted(self.case.get("warnings") or []) != fired:
            wrong["warnings"] = (sorted(self.case.get("warnings") or []), fired)
        if wrong:
            raise PackCaseFailure(wrong)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, PackCaseFailure):
            return "\n".join(
                f"{key}: expected {want}, got {got}"
                for key, (want, got) in excinfo.value.args[0].items()
            )
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"pack case: {self.name}"


class PackCaseFailure(Exception):
    pass

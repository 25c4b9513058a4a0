"""Collects the YAML cases of every rule pack (rules/tests/) as pytest items."""

from __future__ import annotations

import pytest

from ipscore.packcheck.cases import load_cases, mismatches, run_case
from ipscore.packs import find_pack


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
        result = run_case(find_pack(self.spec["pack"]), self.spec["base"], self.case)
        wrong = mismatches(self.case, result)
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

"""English that reads as English: with --lang en, the tool's own words are English in every
main output; Chinese is left only where it is a proper name or a verbatim quotation.

The allow-list is built from the data, never from the output: the city's and the province's
names (as filed), the citations' text and section numbers (quoted verbatim from the source,
which must not be translated) and the note the submission file gives of its own data. Each
of these is cut out of the output, longest first; any Chinese character left is the tool's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ipscore.intake.files import read_all

from .conftest import SCENARIOS, ipscore

CJK = re.compile(r"[\u4e00-\u9fff]+")


def allowed(scenario: Path) -> list[str]:
    """What may stay Chinese in an English output for `scenario`, longest first."""
    ((pack, submission),) = read_all([scenario])
    city = submission.values
    names = {str(city["city.name"]), str(city.get("city.province") or "")}
    cited = [r.citation for _, r in pack.requirements()]
    quoted = {c.text for c in cited} | {c.section for c in cited}
    notes = {i.note or "" for i in submission.inputs}  # the file's own `note:` on its data
    return sorted({*names, *quoted, *notes} - {""}, key=len, reverse=True)


def left_over(text: str, allow: list[str]) -> list[str]:
    for words in allow:
        text = text.replace(words, "")
    return CJK.findall(text)


CASES = {
    "assess": ["assess", "{scenario}"],
    "report.md": ["report", "{scenario}", "-o", "{out}.md", "--no-timestamp"],
    "report.html": ["report", "{scenario}", "-o", "{out}.html", "--no-timestamp"],
    "plan": ["plan", "{scenario}", "--target", "good"],
}


@pytest.mark.parametrize("name", ["wuhan-2015.yaml", "shenzhen-2015.yaml"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_english_outputs_have_no_chinese_but_names_and_quotations(tmp_path, name, case):
    scenario = SCENARIOS / name
    out = tmp_path / "out"
    args = [a.format(scenario=scenario, out=out) for a in CASES[case]]
    done = ipscore("--lang", "en", *args)
    assert done.returncode == 0, done.stderr
    written = next(iter(tmp_path.glob("out.*")), None)
    text = written.read_text("utf-8") if written else done.stdout
    assert left_over(text, allowed(scenario)) == []


def test_the_allow_list_is_no_blanket():
    # A sentence of the tool's own in Chinese is caught, even beside allowed names and quotes.
    allow = allowed(SCENARIOS / "wuhan-2015.yaml")
    assert "武汉市" in allow and "湖北省" in allow and "三(一)2" in allow
    assert left_over("武汉市 scored 94.2 (三(一)2)", allow) == []
    assert left_over("武汉市 卡在 · 以下必做要求未完成", allow) == ["卡在", "以下必做要求未完成"]
    assert left_over("CNIPA (国家知识产权局)", allow) == ["国家知识产权局"]

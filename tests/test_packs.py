"""The shipped pack matches the public contract, cites the plan's real words, and bad packs
are rejected with file, line and field."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ipscore import PackError, assess, load_pack
from ipscore.intake.submission import parse_submission
from ipscore.packcheck import proofs
from ipscore.packcheck.lint import findings
from ipscore.packcheck.proofs import prove, prove_all
from ipscore.packs import shipped_packs
from ipscore.verdicts import MET, NOT_APPLICABLE, UNMET

from .conftest import REFERENCE, ROOT, SEEDS

CONTRACT_IDS = (
    [f"T1.R{i}" for i in range(1, 4)]
    + [f"T2.R{i}" for i in range(1, 8)]
    + [f"T3.R{i}" for i in range(1, 7)]
    + [f"T4.R{i}" for i in range(1, 8)]
    + [f"T5.R{i}" for i in range(1, 5)]
    + [f"T6.R{i}" for i in range(1, 5)]
    + [f"T7.R{i}" for i in range(1, 7)]
    + [f"T8.R{i}" for i in range(1, 4)]
    + [f"T9.R{i}" for i in range(1, 10)]
)
ADVISORY = {"T2.R7", "T4.R7", "T7.R5"}
INTERPRETIVE = {"T2.R7", "T3.R6", "T7.R3", "T8.R1", "T9.R8"}
BAD_PACKS = Path(__file__).parent / "bad_packs"


def test_requirement_ids_and_kinds_follow_the_contract(pack):
    reqs = [req for _, req in pack.requirements()]
    assert [r.id for r in reqs] == CONTRACT_IDS
    assert {r.id for r in reqs if r.kind == "advisory"} == ADVISORY
    assert {r.id for r in reqs if r.interpretive} >= INTERPRETIVE
    assert [t.id for t in pack.tasks] == [f"T{i}" for i in range(1, 10)]
    assert pack.mandatory[0].tasks == ["T1", "T2", "T3", "T4"]
    assert pack.mandatory[1].tasks == ["T1", "T2", "T3", "T4", "T5", "T6"]
    assert [g.code for g in pack.scoring.grades] == ["excellent", "good", "pass", "fail"]


def test_every_shipped_pack_is_named_by_its_id():
    for pack_id, path in shipped_packs().items():
        assert load_pack(path).id == pack_id


def _plain(text: str) -> str:
    """The plan's text with all punctuation and spaces removed, for citation look-up."""
    return re.sub(r"[\s,，、。;；:：“”\"'()（）《》]", "", text)


@pytest.mark.parametrize("pack_id", sorted(shipped_packs()))
def test_every_citation_quotes_the_source_document(pack_id):
    if not SEEDS.is_dir():
        pytest.skip("the source documents (../shared/seeds) are not beside this checkout")
    pack = load_pack(shipped_packs()[pack_id])
    cited = [(req.id, req.citation) for _, req in pack.requirements()]
    if pack.index is not None:  # an index pack's indicators cite the plan too
        cited += [("index", pack.index.source)]
        cited += [(i.id, i.citation) for i in pack.index.indicators]
    # A source read from a public page (a `url`, not a seed document) is quoted in the
    # reference notes, with its address: the citation must be found there.
    online = {s.file for s in pack.pack.sources if s.url}
    for name, citation in cited:
        where = REFERENCE if citation.source in online else SEEDS / citation.source
        source = _plain(where.read_text(encoding="utf-8"))
        for fragment in citation.text.split("…"):
            assert _plain(fragment) in source, (name, fragment)


@pytest.mark.parametrize(
    "name, line, message",
    [
        ("unknown_field.yaml", 23, "未声明的字段 work.staf，是否想写 work.staff？"),
        ("type_mismatch.yaml", 23, "字段 work.staff 的类型是整数，不能与 2015-12-31 比较"),
        ("date_times_count.yaml", 23, "只能用数值字段乘以倍数作比较"),
        ("missing_citation.yaml", 20, "字段 tasks[0].requirements[0].citation：缺少必填项"),
        ("unknown_source.yaml", 25, "引用的来源文件 other.txt 未在 pack.sources 中声明"),
        ("duplicate_id.yaml", 26, "要求编号 T1.R1 重复"),
        ("unreachable_grade.yaml", 30, "等级 尚可 永远达不到：排在前面的 良好 的条件更宽"),
        ("grade_above_100.yaml", 29, "分数线 120 不在0到100之间"),
        # Issue 31: a quota on the lowest grade would cut cities to no grade at all.
        ("quota_lowest_grade.yaml", 32, "名额 few-fails 限制的是最低等级 fail"),
        ("bad_operator.yaml", 23, "比较条件需要 field 和一个运算符"),
        ("unknown_key.yaml", 25, "字段 tasks[0].requirements[0].remedi：不认识的键"),
        ("malformed.yaml", 7, "YAML 格式错误"),
        ("bad_kind.yaml", 21, "应为以下之一：required、advisory"),
        ("duplicate_label.yaml", 14, "名称“人员”与 work.staff 重复"),
        ("index_weights.yaml", 51, "各维度权重之和应为1，实际为0.9"),
        ("index_negative_weight.yaml", 53, "字段 index.dimensions[1].weight：应≥0"),
        # Issue 30: an amending pack of the wrong shape was a traceback.
        ("amend_fields_list.yaml", 4, "字段 fields：应为映射（键: 值）"),
        ("amend_field_group_number.yaml", 4, "字段 fields.finance：应为映射（键: 值）"),
        ("amend_sources_text.yaml", 3, "字段 pack.sources.0：应为映射（键: 值）"),
        ("amend_plausibility_number.yaml", 4, "字段 plausibility：应为列表"),
        ("amend_changes_number.yaml", 4, "字段 changes：应为列表"),
        ("amend_add_task_number.yaml", 5, "字段 changes.0.add_task：应为映射（键: 值）"),
        # Issue 30: each grade line alone is sound; once both are set, 良好 cannot be reached.
        ("amended_bands.yaml", 14, "等级 良好 永远达不到：排在前面的 优秀 的条件更宽"),
        # Issue 30: a billion-digit constant, a million-digit factor: `rules check` ran past 90 s.
        (
            "huge_constant.yaml",
            23,
            "字段 work.staff 比较的常数 1E+999999999 超出范围（应为有限的数，"
            "非零时绝对值在10的-12次方到10的16次方之间）",
        ),
        (
            "tiny_factor.yaml",
            23,
            "倍数 times“1E-999999”超出范围（应为有限的数，量级在10的±12次方以内）",
        ),
    ],
)
def test_bad_pack_is_rejected_with_file_and_line(name, line, message):
    with pytest.raises(PackError) as caught:
        load_pack(BAD_PACKS / name)
    text = caught.value.render("zh")
    assert f"{name}，第{line}行" in text
    assert message in text


def test_a_requirement_no_input_can_meet_is_an_error():
    errors, _, _ = findings(load_pack(BAD_PACKS / "impossible.yaml"), "impossible.yaml")
    assert [e.render() for e in errors] == [
        "impossible.yaml，字段 T1.R1：要求 T1.R1 无论填什么都达不到，请检查条件和字段的取值范围"
    ]


def test_shipped_packs_pass_the_deeper_checks_and_name_unread_fields():
    errors, notes, _ = findings(load_pack(shipped_packs()["cnipa-2015-demo-city"]), "x")
    assert errors == []
    assert [n.field for n in notes] == ["city.province"]


@pytest.mark.parametrize("pack_id", sorted(shipped_packs()))
def test_every_verdict_of_every_shipped_requirement_is_proved_and_checked_by_the_engine(pack_id):
    """Issue 11: `rules check` tried each number at one minimum or maximum, so "growth above GDP
    growth" looked impossible. z3 decides it exactly; each witness is assessed by the engine."""
    pack = load_pack(shipped_packs()[pack_id])
    for proof in prove_all(pack):
        req = pack.requirement(proof.requirement)
        wanted = {MET, UNMET} | ({NOT_APPLICABLE} if req.applies_if is not None else set())
        assert {r.verdict for r in proof.reaches if r.answer == "sat"} == wanted, proof
        assert all(r.engine == r.verdict for r in proof.reaches), proof
        assert (proof.overlap, proof.gap) == ("unsat", "unsat"), proof


def test_harbin_growth_above_gdp_growth_can_be_met():
    # 方案二(二)：“专利申请量年增长速度高于我市GDP增长水平”，每年（2007—2010）.
    pack = load_pack(shipped_packs()["harbin-2007-demo-city"])
    proof = prove(pack, pack.requirement("H1.R1"))
    met = proof.reach(MET)
    assert met is not None and met.answer == "sat" and met.engine == MET
    # The witness is filed as a city files it: other years' figures, never their `_prev`.
    assert "patents.applications@2006" in met.witness
    assert not any(n.startswith("patents.applications_prev@") for n in met.witness)
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "rules", "check", "rules/harbin-2007-demo-city.yaml"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr


def test_a_requirement_met_whatever_is_filed_and_an_engine_disagreement_are_reported(
    tmp_path, monkeypatch
):
    text = (BAD_PACKS / "impossible.yaml").read_text(encoding="utf-8")
    path = tmp_path / "always.yaml"
    path.write_text(text.replace("gte: 20000", "gte: 0"), encoding="utf-8")
    errors, notes, _ = findings(load_pack(path), "always.yaml")
    assert errors == []
    assert "要求 T1.R1 无论填什么都算达到（条件是否写反？）" in [n.zh for n in notes]
    monkeypatch.setattr(proofs, "_engine", lambda *_: UNMET)
    errors, _, _ = findings(load_pack(path), "always.yaml")
    assert errors and "引擎判为“未达到”（引擎有误）" in errors[0].zh


def test_every_bad_pack_fixture_is_tested():
    tested = {p.name for p in BAD_PACKS.glob("*.yaml")}
    params = test_bad_pack_is_rejected_with_file_and_line.pytestmark[0].args[1]
    assert tested == {name for name, _, _ in params} | {"impossible.yaml"}


def test_rules_check_exits_2_without_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "rules", "check", str(BAD_PACKS / "duplicate_id.yaml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "要求编号 T1.R1 重复" in done.stderr


def test_rules_check_takes_ids_and_files_and_reports_every_broken_pack():
    """Issue 11: `rules check cnipa-2015-demo-city` said the file did not exist, and
    `rules check rules/*.yaml` stopped at the first failing pack."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipscore",
            "rules",
            "check",
            "cnipa-2015-demo-city",
            str(BAD_PACKS / "duplicate_id.yaml"),
            str(BAD_PACKS / "unknown_field.yaml"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "✓ rules/cnipa-2015-demo-city.yaml：9项任务、49条要求，检查通过" in done.stdout
    assert "要求编号 T1.R1 重复" in done.stderr
    assert "未声明的字段 work.staf，是否想写 work.staff？" in done.stderr
    every = subprocess.run(
        [sys.executable, "-m", "ipscore", "rules", "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert every.returncode == 0, every.stderr
    assert every.stdout.count("检查通过") == len(shipped_packs())


def test_a_case_key_the_runner_does_not_know_fails_the_case():
    # `city: {name: 黑龙江省}` in a case was silently ignored, testing 辽宁省 instead.
    from ipscore.packcheck.cases import mismatches

    pack = load_pack(shipped_packs()["northeast-2017-opinions"])
    result = assess(pack, parse_submission({"city": {"name": "辽宁省"}}, pack, "x", {}))
    wrong = mismatches({"name": "x", "city": {"name": "黑龙江省"}}, result)
    assert list(wrong) == ["city"]


def test_the_harbin_citations_name_the_section_their_words_stand_in():
    """Issue 28: H6.R1 cited 三(三) for words that stand in 五、保障措施 (三). Every Harbin
    citation's section is the heading (一、…) and item ((一)…) above its words in the plan."""
    if not SEEDS.is_dir():
        pytest.skip("the source documents (../shared/seeds) are not beside this checkout")
    pack = load_pack(shipped_packs()["harbin-2007-demo-city"])
    where: list[tuple[str, str]] = []  # each line of the plan with the section it is in
    heading = item = ""
    for line in (SEEDS / "000_2aad04427f87e833.txt").read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if re.match(r"^[一二三四五六七八九十]+、", text):
            heading, item = text.split("、")[0], ""
        elif found := re.match(r"^\(([一二三四五六七八九十]+)\)", text):
            item = f"({found.group(1)})"
        where.append((_plain(text), heading + item))
    for _, req in pack.requirements():
        fragment = _plain(req.citation.text.split("…")[0])
        sections = {section for text, section in where if fragment in text}
        assert req.citation.section in sections, (req.id, req.citation.section, sections)
    h6 = next(req for _, req in pack.requirements() if req.id == "H6.R1")
    assert h6.citation.section == "五(三)"

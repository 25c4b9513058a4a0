"""Supporting documents and reviewers' checks: `evidence:` in submissions and the Excel form,
`ipscore verify` (append-only checks, states, the score as verified), `verify --pending`.

The hand-worked pack (tests/verify-pack.yaml) has two optional tasks of weight 1, so
score = 100 × (f1 + f2) / 2; T1 is two required requirements (weight 1 each), T2 one required
(1) and one advisory (0.5). Its `scoring.verification.unverified` is `counts`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ipscore.intake.evidence import from_cell
from ipscore.intake.files import read_one
from ipscore.intake.formsheet import form
from ipscore.packs import find_pack

from .conftest import ROOT, SCENARIOS

PACK = ROOT / "tests" / "verify-pack.yaml"


def run(*args: str, db: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "IPSCORE_DB": str(db), "IPSCORE_LANG": "zh"},
    )


def ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, done.stderr
    return done


def _city(folder: Path, name: str, trainings: int, plan_pdf: bytes | None = b"plan v1") -> Path:
    """A city of the verify pack: 3 staff, a plan, `trainings` trainings; T1.R1 and the plan
    field carry documents, T2 none."""
    (folder / "附件").mkdir(exist_ok=True)
    if plan_pdf is not None:
        (folder / "附件" / f"{name}-plan.pdf").write_bytes(plan_pdf)
    path = folder / f"{name}.yaml"
    path.write_text(
        f"pack: verify-demo\nyear: 2015\nnote: 示例数据\ncity: {{name: {name}}}\n"
        f"facts:\n  work: {{staff: 3, plan: true, trainings: {trainings}}}\n"
        "evidence:\n"
        "  T1.R1:\n    - {doc: 某政〔2015〕1号, title: 执法人员名单, date: 2015-03-01}\n"
        f"  work.plan:\n    - {{title: 工作方案, file: 附件/{name}-plan.pdf}}\n",
        encoding="utf-8",
    )
    return path


def _verify(db: Path, *args: str) -> dict:
    done = ok(run("verify", *args, "--pack", str(PACK), "--format", "json", db=db))
    return json.loads(done.stdout)


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """甲市 (all met: 100.0 良好) and 乙市 (no training: T2 f = 0, so 50.0 合格), archived."""
    db = tmp_path / "a.sqlite"
    _city(tmp_path, "甲市", trainings=2)
    _city(tmp_path, "乙市", trainings=0)
    ok(run("archive", "add", str(tmp_path), "--pack", str(PACK), db=db))
    return db


def test_evidence_is_read_hashed_and_attached_to_the_requirements_it_speaks_for(tmp_path):
    path = _city(tmp_path, "甲市", trainings=2)
    _, submission = read_one(path, str(PACK))
    (plan,) = submission.evidence["work.plan"]
    assert (plan.title, plan.file) == ("工作方案", "附件/甲市-plan.pdf")
    assert plan.sha256 == hashlib.sha256(b"plan v1").hexdigest()
    done = ok(run("assess", str(path), "--pack", str(PACK), "--format", "json", db=tmp_path / "x"))
    result = json.loads(done.stdout)
    reqs = {r["id"]: r for t in result["tasks"] for r in t["requirements"]}
    assert reqs["T1.R1"]["evidence"] == ["T1.R1"]
    assert reqs["T1.R2"]["evidence"] == ["work.plan"]  # T1.R2 reads work.plan
    assert "evidence" not in reqs["T2.R1"]
    assert result["evidence"]["T1.R1"] == [
        {"doc": "某政〔2015〕1号", "title": "执法人员名单", "date": "2015-03-01", "file": None}
    ]
    # Named within the submission's folder, not where it lies on this machine (issue 33).
    assert result["provenance"]["attachments"] == [
        {"file": "附件/甲市-plan.pdf", "sha256": plan.sha256}
    ]
    assert result["warnings"] == []


def test_an_absent_attachment_is_reported_not_fatal(tmp_path):
    path = _city(tmp_path, "甲市", trainings=2, plan_pdf=None)
    done = ok(run("assess", str(path), "--pack", str(PACK), "--format", "json", db=tmp_path / "x"))
    result = json.loads(done.stdout)
    assert result["score"] == 100.0
    (piece,) = result["evidence"]["work.plan"]
    assert (piece["present"], piece["sha256"]) == (False, None)
    assert "attachments" not in result["provenance"]
    (warning,) = result["warnings"]
    assert warning["id"] == "evidence:work.plan"
    assert (
        "佐证材料文件不存在或无法读取" in warning["message"]
        and "甲市-plan.pdf" in warning["message"]
    )


def test_the_form_has_an_evidence_column_read_one_document_per_line(tmp_path):
    pack = find_pack(str(PACK))
    sheet_path = tmp_path / "甲市.xlsx"
    book = load_workbook(io.BytesIO(form(pack)))
    sheet = book.active
    (tmp_path / "附件").mkdir()
    (tmp_path / "附件" / "名单.pdf").write_bytes(b"list")
    for row in sheet.iter_rows(min_row=5):
        code = row[5].value
        values = {"city.name": "甲市", "work.staff": 3, "work.plan": "是", "work.trainings": 2}
        if code in values:
            row[1].value = values[code]
        if code == "work.staff":
            row[4].value = "某政〔2015〕1号；执法人员名单；2015-03-01；附件/名单.pdf\n附件/补充.pdf"
    book.save(sheet_path)
    _, submission = read_one(sheet_path, str(PACK))
    first, second = submission.evidence["work.staff"]
    assert (first.doc, first.title, str(first.date), first.file) == (
        "某政〔2015〕1号",
        "执法人员名单",
        "2015-03-01",
        "附件/名单.pdf",
    )
    assert first.sha256 is not None and not first.absent
    assert (second.file, second.absent) == ("附件/补充.pdf", True)

    # A bad date in the cell names the row and column F.
    for row in sheet.iter_rows(min_row=5):
        if row[5].value == "work.staff":
            row[4].value = "某政〔2015〕1号；名单；三月"
            bad_row = row[0].row
    book.save(sheet_path)
    done = run("validate", str(sheet_path), "--pack", str(PACK), db=tmp_path / "x")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"第{bad_row}行" in done.stderr
    assert "第10行「执法人员」的第1份佐证材料（日期）：应为日期" in done.stderr


def test_a_cell_line_without_separators_is_a_file_or_a_document_number():
    assert from_cell("附件/方案.pdf\n某政〔2015〕1号\n\n；标题；；扫描件.jpg") == [
        {"file": "附件/方案.pdf"},
        {"doc": "某政〔2015〕1号"},
        {"title": "标题", "file": "扫描件.jpg"},
    ]


def test_states_and_both_scores_before_any_check(stored):
    found = _verify(stored, "甲市", "2015")
    states = {r["id"]: r["state"] for r in found["requirements"]}
    # T1.R1 has its own document, T1.R2 the plan's; T2 has none.
    assert states == {
        "T1.R1": "unverified",
        "T1.R2": "unverified",
        "T2.R1": "no_evidence",
        "T2.R2": "no_evidence",
    }
    # Unchecked claims count under this pack: as verified = as declared.
    assert found["declared"] == {"score": 100.0, "grade": "good", "grade_label": "良好"}
    assert found["verified"] == found["declared"]
    assert found["met_by_state"] == {
        "verified": 0,
        "rejected": 0,
        "unverified": 2,
        "no_evidence": 2,
    }


def test_rejected_evidence_lowers_the_verified_grade_and_checks_are_kept(stored):
    found = _verify(stored, "甲市", "2015", "T1.R1", "--reject", "名单无盖章", "--by", "张三")
    # T1: R1 counted unmet, R2 met → f1 = 1/2; T2 = 1; 100 × (1/2 + 1) / 2 = 75.0, still 良好.
    assert found["verified"] == {"score": 75.0, "grade": "good", "grade_label": "良好"}
    assert found["declared"]["score"] == 100.0
    r1 = next(r for r in found["requirements"] if r["id"] == "T1.R1")
    assert r1["state"] == "rejected"
    assert (r1["check"]["reason"], r1["check"]["checked_by"]) == ("名单无盖章", "张三")

    found = _verify(stored, "甲市", "2015", "T1.R2", "--reject", "方案未盖章", "--by", "李四")
    # f1 = 0: 100 × (0 + 1) / 2 = 50.0 → 合格, one grade below the declared 良好.
    assert found["verified"] == {"score": 50.0, "grade": "pass", "grade_label": "合格"}

    found = _verify(stored, "甲市", "2015", "T1.R2", "--ok", "--by", "李四")
    # The newest check stands: T1.R2 verified again → 75.0 良好.
    assert found["verified"]["score"] == 75.0
    # Append-only: all three checks are in the archive.
    from ipscore.store.archive import Archive

    archive = Archive(f"sqlite:///{stored}")
    try:
        assert [(c.requirement, c.decision) for c in archive.checks()] == [
            ("T1.R1", "rejected"),
            ("T1.R2", "rejected"),
            ("T1.R2", "verified"),
        ]
    finally:
        archive.close()


def test_a_correction_that_changes_the_documents_needs_a_new_check(stored, tmp_path):
    _verify(stored, "甲市", "2015", "T1.R1", "T1.R2", "--ok", "--by", "张三")
    assert {r["id"]: r["state"] for r in _verify(stored, "甲市", "2015")["requirements"]} == {
        "T1.R1": "verified",
        "T1.R2": "verified",
        "T2.R1": "no_evidence",
        "T2.R2": "no_evidence",
    }
    # A corrected submission with a different plan file: T1.R2's documents changed.
    fresh = tmp_path / "corrected"
    fresh.mkdir()
    ok(
        run(
            "archive",
            "add",
            str(_city(fresh, "甲市", 2, b"plan v2")),
            "--pack",
            str(PACK),
            db=stored,
        )
    )
    found = _verify(stored, "甲市", "2015")
    assert found["version"] == 2
    by_id = {r["id"]: r for r in found["requirements"]}
    assert by_id["T1.R1"]["state"] == "verified"  # same documents, same verdict
    assert by_id["T1.R2"]["state"] == "unverified"
    assert by_id["T1.R2"]["outdated_check"]["checked_by"] == "张三"


def test_pending_is_ordered_by_what_a_check_decides(stored):
    _verify(stored, "甲市", "2015", "T1.R1", "--reject", "名单无盖章", "--by", "张三")
    done = ok(run("verify", "--pending", "--pack", str(PACK), "--format", "json", db=stored))
    items = [
        (p["city"], p["requirement"], p["points"], p["changes_grade"])
        for p in json.loads(done.stdout)["pending"]
    ]
    # 甲市 (T1.R1 rejected), every other claim as declared: verified → 75.0 良好;
    # rejecting T2.R1 → T2 = 0.5/1.5 → 100 × (1/2 + 1/3) / 2 = 41.7 不合格 (33.3 points);
    # T1.R2 → 50.0 合格 (25); T2.R2 → T2 = 1/1.5 → 58.3 合格 (16.7).
    # 乙市 (50.0 合格): rejecting T1.R1 or T1.R2 → f1 = 1/2 → 25.0 不合格 (25 points).
    # Ties in points by city name (乙 before 甲 in code-point order), then requirement.
    assert items == [
        ("甲市", "T2.R1", 33.3333, True),
        ("乙市", "T1.R1", 25.0, True),
        ("乙市", "T1.R2", 25.0, True),
        ("甲市", "T1.R2", 25.0, True),
        ("甲市", "T2.R2", 16.6667, True),
    ]


def test_the_shipped_pack_counts_only_verified_claims(tmp_path):
    db = tmp_path / "a.sqlite"
    ok(run("archive", "add", str(SCENARIOS / "wuhan-2015.yaml"), db=db))
    found = json.loads(ok(run("verify", "武汉市", "2015", "--format", "json", db=db)).stdout)
    assert found["declared"]["score"] == 94.2
    # cnipa-2015: unchecked claims count as unmet, so nothing verified scores 0.
    assert found["verified"] == {"score": 0.0, "grade": "fail", "grade_label": "不合格"}
    found = json.loads(
        ok(
            run(
                "verify",
                "武汉市",
                "2015",
                "T1.R1",
                "--ok",
                "--by",
                "张三",
                "--format",
                "json",
                db=db,
            )
        ).stdout
    )
    # T1 (mandatory, weight 2) has three required requirements, one verified: f = 1/3. Wuhan
    # (first batch) has 4 mandatory tasks and 5 optional ones, all applicable: Σw = 13.
    # 100 × 2 × (1/3) / 13 = 5.128… → 5.1.
    assert found["verified"]["score"] == 5.1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("甲市", "2015", "T1.R9", "--ok", "--by", "张三"),
            "字段 T1.R9：规则包 verify-demo 没有要求 T1.R9",
        ),
        (("丙市", "2015", "T1.R1", "--ok", "--by", "张三"), "归档中没有 丙市 2015年度"),
        (("甲市", "2014", "T1.R1", "--ok", "--by", "张三"), "归档中没有 甲市 2014年度"),
        (("甲市", "2015", "T1.R1", "--ok"), "请用 --by 写明审核人"),
        (("甲市", "2015", "T1.R1", "--reject", " ", "--by", "张三"), "--reject 要写明驳回理由"),
        (("甲市", "2015", "T1.R1"), "写了要求编号就要写 --ok 或 --reject"),
        (("--pending", "丙市"), "归档中没有 丙市的考核结果"),
        # Issue 28: only a claim is checked — 乙市 held no training, so T2.R1 is unmet.
        (
            ("乙市", "2015", "T2.R1", "T2.R2", "--ok", "--by", "张三"),
            "字段 T2.R1：乙市 2015年 T2.R1 的申报结论是“未达到”：只有申报为“达到”的要求才核验",
        ),
        (
            ("乙市", "2015", "T1.R1", "T2.R1", "--reject", "无", "--by", "张三"),
            "乙市 2015年 T2.R1 的申报结论是“未达到”",
        ),
        # The reason left out: "--by" is not taken for it.
        (
            ("甲市", "2015", "T1.R1", "--reject", "--by", "张三"),
            "--reject 要写明驳回理由（“--by”是一个选项）",
        ),
    ],
)
def test_bad_verify_requests_are_one_message_and_exit_2(stored, args, message):
    done = run("verify", *args, "--pack", str(PACK), db=stored)
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr
    assert message in done.stderr
    # Nothing was stored by a refused request.
    from ipscore.store.archive import Archive

    archive = Archive(f"sqlite:///{stored}")
    try:
        assert archive.checks() == []
    finally:
        archive.close()


def test_a_reason_and_a_reviewer_in_either_order_and_a_bare_year_is_a_year(stored):
    _verify(stored, "甲市", "2015", "T1.R1", "--by", "张三", "--reject", "名单无盖章")
    found = _verify(stored, "甲市", "2015", "T1.R2", "--reject", "方案无盖章", "--by", "李四")
    checks = {r["id"]: r["check"] for r in found["requirements"] if r["check"]}
    assert {k: (c["reason"], c["checked_by"]) for k, c in checks.items()} == {
        "T1.R1": ("名单无盖章", "张三"),
        "T1.R2": ("方案无盖章", "李四"),
    }
    # `verify --pending 2015` is the year 2015, not a city named "2015".
    done = ok(
        run("verify", "--pending", "2015", "--pack", str(PACK), "--format", "json", db=stored)
    )
    assert {p["city"] for p in json.loads(done.stdout)["pending"]} == {"甲市", "乙市"}


def test_publish_asks_which_score_once_a_check_changes_one(stored, tmp_path):
    """Issue 28. The verify pack counts an unchecked claim as met, so before any check both
    scores agree and the list needs no choice. Rejecting 甲市's T1.R1 makes its score as
    verified 75.0 (worked in test_pending_is_ordered_by_what_a_check_decides) against 100.0
    declared: now `publish` refuses until told which, and says how the claims stand — 甲市
    four declared met, 乙市 two; one rejected, five unchecked."""
    out = tmp_path / "公布.xlsx"
    pack = ("--pack", str(PACK))
    first = ok(run("publish", "--year", "2015", "--with-scores", *pack, "-o", str(out), db=stored))
    assert (
        "得分和等级：各城市申报的（申报“达到”的要求中已核实 0 条、已驳回 0 条、尚未核验 6 条）"
        in (first.stdout)
    )
    _verify(stored, "甲市", "2015", "T1.R1", "--reject", "名单无盖章", "--by", "张三")
    refused = run("publish", "--year", "2015", *pack, "-o", str(out), db=stored)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert (
        "字段 --score：2015年度有 1 个城市的核验得分或等级与申报的不同（申报“达到”的要求中，"
        "尚未核验 5 条，已驳回 1 条，已核实 0 条）" in refused.stderr
    )
    args = ("publish", "--year", "2015", "--with-scores", *pack, "-o", str(out))
    ok(run(*args, "--score", "verified", db=stored))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][0].startswith("得分和等级：核验后的（")
    assert [r[1:6] for r in rows[4:]] == [
        ("甲市", None, "良好", 75.0, 1),
        ("乙市", None, "合格", 50.0, 2),
    ]
    ok(run(*args, "--score", "declared", db=stored))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert [r[1:6] for r in rows[4:]] == [
        ("甲市", None, "良好", 100.0, 1),
        ("乙市", None, "合格", 50.0, 2),
    ]
    summary = _verify(stored, "--summary", "2015")
    assert [
        (c["city"], c["declared"]["score"], c["verified"]["score"], c["met_by_state"]["rejected"])
        for c in summary["cities"]
    ] == [("甲市", 100.0, 75.0, 1), ("乙市", 50.0, 50.0, 0)]  # jia before yi


def test_checks_travel_with_an_export(stored, tmp_path):
    _verify(stored, "甲市", "2015", "T1.R1", "--reject", "名单无盖章", "--by", "张三")
    dump = tmp_path / "dump.jsonl"
    ok(run("archive", "export", "-o", str(dump), db=stored))
    other = tmp_path / "b.sqlite"
    ok(run("archive", "import", str(dump), db=other))
    ok(run("archive", "import", str(dump), db=other))  # twice stores once
    assert _verify(other, "甲市", "2015")["verified"]["score"] == 75.0
    from ipscore.store.archive import Archive

    archive = Archive(f"sqlite:///{other}")
    try:
        assert len(archive.checks()) == 1
    finally:
        archive.close()


def test_the_city_report_lists_documents_and_checks(stored, tmp_path):
    _verify(stored, "甲市", "2015", "T1.R1", "--reject", "名单无盖章", "--by", "张三")
    out = tmp_path / "甲市.md"
    ok(run("report", str(tmp_path / "甲市.yaml"), "--pack", str(PACK), "-o", str(out), db=stored))
    text = out.read_text(encoding="utf-8")
    assert "## 佐证材料与核验" in text
    assert "申报得分 **100.0 良好**；核验得分 **75.0 良好**" in text
    assert "《执法人员名单》（某政〔2015〕1号，2015-03-01）" in text
    assert "`附件/甲市-plan.pdf` SHA-256" in text
    assert "已驳回" in text


def test_the_cohort_report_has_the_score_as_verified_beside_the_rank(stored, tmp_path):
    _verify(stored, "甲市", "2015", "T1.R1", "--reject", "名单无盖章", "--by", "张三")
    out = tmp_path / "汇总.md"
    cities = [str(tmp_path / "甲市.yaml"), str(tmp_path / "乙市.yaml")]
    ok(run("report", *cities, "--pack", str(PACK), "-o", str(out), db=stored))
    rows = [line for line in out.read_text(encoding="utf-8").splitlines() if "甲市 |" in line]
    assert "核验得分" in out.read_text(encoding="utf-8")
    # 甲市: 100.0 良好 declared, 75.0 良好 as verified (T1.R1 rejected); ranked first.
    assert rows and rows[0].startswith("| 1 | 甲市 |") and "| 75.0 良好 |" in rows[0]

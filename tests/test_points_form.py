"""The Excel form of a points sheet (issue 32): laid out like the office's 考核评分表 (考核内容 |
分值 | 评分标准 | 填报项 | 填报值 | 自评分, a block per item), read back with its 自评分; batch
tables with a 自评分 column per item; bad cells named by sheet, row and column. The 六安 2017
county worked by hand: 16.2 + 9 + 25 + 17 = 67.2 (see rules/liuan-2017-advanced-unit.yaml)."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from ruamel.yaml import YAML

from ipscore import assess_paths, find_pack
from ipscore.errors import InputError
from ipscore.intake.files import read_all
from ipscore.intake.formsheet import form

from .conftest import ROOT

LIUAN = find_pack("liuan-2017-advanced-unit")
HEAD = [
    "考核内容", "分值", "评分标准", "填报项", "填报值", "自评分",
    "填写说明", "佐证材料", "字段代码", "评分项代码",
]  # fmt: skip
VALUE, SELF, CODE, ITEM = 4, 5, 8, 9  # columns E, F, I, J (0-based)
FIGURES = {
    "city.name": "金安区",
    "creation.invention_applications": 112,
    "creation.invention_applications_target": 100,
    "creation.invention_grants": 90,
    "creation.invention_grants_target": 100,
    "protection.dispute_cases": 3,
    "protection.counterfeit_cases": 12,
    "finance.pledge_policy": "是",
    "finance.pledge_fund": "是",
    "finance.pledge_amount": 1250,
    "finance.pledge_target": 1000,
}
CLAIMED = {
    "invention-applications": 16.2,
    "invention-grants": 15,
    "enforcement": 25,
    "pledge-financing": 17,
}


def _rows(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _filled(tmp_path: Path, figures=FIGURES, claimed=CLAIMED, name="金安区.xlsx") -> Path:
    """The 六安 form as a county fills it in Excel: the yellow cells, by the codes."""
    book = load_workbook(io.BytesIO(form(LIUAN)))
    sheet = book["填报表"]
    for row in sheet.iter_rows(min_row=5):
        if row[CODE].value in figures:
            row[VALUE].value = figures[row[CODE].value]
        if row[ITEM].value in claimed:
            row[SELF].value = claimed[row[ITEM].value]
    path = tmp_path / name
    book.save(path)
    return path


def test_the_form_of_a_points_sheet_is_laid_out_like_the_office_s(tmp_path):
    sheet = load_workbook(io.BytesIO(form(LIUAN)))["填报表"]
    rows = _rows(sheet)
    assert rows[0][0] == "六安市知识产权工作先进单位考核评分表（2017） — 考核评分表（自评填报）"
    assert rows[1][0].startswith("规则包 liuan-2017-advanced-unit 1.0.0（指纹 ")
    assert rows[3] == HEAD
    assert sheet.freeze_panes == "A5" and sheet.print_title_rows == "$4:$4"
    # The city's profile on top, then a heading per task, with its points.
    assert [r[CODE] for r in rows[4:8]] == ["pack", "year", None, "city.name"]
    assert rows[6][0] == "城市概况" and rows[7][3] == "县区"
    headings = [r[0] for r in rows if r[0] and not r[1] and r[0].startswith(("一", "二", "三"))]
    assert headings == [
        "一、知识产权创造（30分）",
        "二、知识产权保护（25分）",
        "三、知识产权运用（15分）",
    ]
    # The block of invention-applications: rows 10 and 11.
    assert rows[9] == [
        "发明专利申请",
        15,
        "完成目标任务得满分，90%以上得60%分，90%以下不得分。每超1件，加0.1分。",
        "发明专利申请量（件）",
        None,
        None,
        "填写：不小于0的整数（单位：件）",
        None,
        "creation.invention_applications",
        "invention-applications",
    ]
    assert rows[10] == [
        None, None, None,
        "发明专利申请目标任务（件）",
        None, None,
        "填写：不小于0的整数（单位：件）",
        None,
        "creation.invention_applications_target",
        None,
    ]  # fmt: skip
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A10:A11", "B10:B11", "C10:C11", "F10:F11", "J10:J11"} <= merged
    assert not any(r.startswith(("E", "I", "H")) for r in merged)  # the cells read stay single
    # The value cells check what is typed, as the weighted form does; 自评分 is a number.
    checks = {
        str(dv.sqref): (dv.type, dv.formula1, dv.formula2)
        for dv in sheet.data_validations.dataValidation
    }
    assert checks["E10"] == ("whole", "0", "1000000")
    assert checks["E18"] == ("list", '"是,否"', None)
    assert checks["E20"] == ("decimal", "0", "100000000")
    assert checks["F10"] == ("decimal", "-999", "999")
    assert sheet["E10"].fill.fgColor.rgb == sheet["F10"].fill.fgColor.rgb == "00FFF9C4"
    # Four items, each its 分值 once; the total is Σ 分值; the sign-off block closes it.
    assert [(r[0], r[1], r[ITEM]) for r in rows[4:] if r[ITEM]] == [
        ("发明专利申请", 15, "invention-applications"),
        ("发明专利授权", 15, "invention-grants"),
        ("专利行政执法", 25, "enforcement"),
        ("专利权质押融资", 15, "pledge-financing"),
    ]
    assert rows[21][:2] == ["合计", 70]
    assert [r[0] for r in rows[-4:]] == ["填报单位（盖章）", "填报人", "联系电话", "填报日期"]
    assert [r[3] for r in rows[17:21]] == [
        "已出台专利权质押融资文件",
        "有配套资金扶持",
        "专利权质押融资额（万元）",
        "专利权质押融资目标任务（万元）",
    ]


def test_a_filled_form_reads_back_with_its_self_scores(tmp_path):
    path = _filled(tmp_path)
    ((_, submission),) = read_all([path])
    assert submission.claimed == {
        "invention-applications": Decimal("16.2"),
        "invention-grants": Decimal(15),
        "enforcement": Decimal(25),
        "pledge-financing": Decimal(17),
    }
    (result,) = assess_paths([path])
    sheet = result.sheet
    assert sheet is not None and sheet.exact == Decimal("67.2")
    assert str(result.score) == "67.2"
    grants = next(i for i in sheet.items if i.id == "invention-grants")
    # 90 of 100 is 90%: 60% of 15 = 9; the county claimed 15, 6 more than computed.
    assert (grants.points, grants.claimed, grants.difference) == (9, 15, 6)
    assert all(i.difference == 0 for i in sheet.items if i.id != "invention-grants")


def test_a_form_without_self_scores_reads_as_none_filed(tmp_path):
    ((_, submission),) = read_all([_filled(tmp_path, claimed={"enforcement": "25"})])
    assert submission.claimed == {"enforcement": Decimal(25)}
    assert submission.values["finance.pledge_policy"] is True


def _message(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_all([path])
    return caught.value.render()


def test_a_self_score_in_words_names_its_cell(tmp_path):
    path = _filled(tmp_path, claimed={**CLAIMED, "invention-grants": "十五"})
    assert _message(path) == (
        f"{path}［填报表］，第12行「发明专利授权」的自评分："
        "自评分应为一个数（如 12.5），实际为文本“十五”"
    )


def test_a_count_in_words_names_its_cell(tmp_path):
    figures = {**FIGURES, "creation.invention_applications": "一百一十二"}
    path = _filled(tmp_path, figures=figures)
    assert _message(path) == (
        f"{path}［填报表］，第10行「发明专利申请量」："
        "应为不小于0的整数（件），实际为文本“一百一十二”"
    )


def test_a_self_score_off_its_item_s_row_is_named(tmp_path):
    path = _filled(tmp_path)
    book = load_workbook(path)
    sheet = book["填报表"]
    sheet.unmerge_cells("F10:F11")
    sheet["F11"] = 3
    book.save(path)
    assert _message(path) == (
        f"{path}［填报表］，第11行，字段 自评分（F列）："
        "这一行没有评分项代码（J列），自评分请填在评分项的第一行"
    )


def test_an_unknown_item_code_is_named(tmp_path):
    path = _filled(tmp_path)
    book = load_workbook(path)
    book["填报表"]["J15"] = "enforcment"
    book.save(path)
    assert _message(path) == (
        f"{path}［填报表］，第15行，字段 self_scores.enforcment（F列）："
        "没有评分项 enforcment，是否想写 enforcement？"
    )


def test_merged_value_cells_are_refused_merged_titles_are_not(tmp_path):
    path = _filled(tmp_path)
    book = load_workbook(path)
    book["填报表"].merge_cells("E10:E11")
    book.save(path)
    assert _message(path) == (
        f"{path}［填报表］，第10行「发明专利申请量」：有合并单元格（E10:E11），请取消合并后再提交"
    )


def _veto_pack(tmp_path: Path) -> Path:
    """The 六安 sheet with a veto over a figure no item reads, a figure nothing reads, and a
    second item over a figure the first already asks for."""
    yaml = YAML()
    data = yaml.load((ROOT / "rules" / "liuan-2017-advanced-unit.yaml").read_text("utf-8"))
    data["pack"]["id"] = "veto-demo"
    data["fields"]["safety"] = {
        "major_case": {"type": "bool", "label": "发生重大违法案件", "label_en": "A major case"}
    }
    data["fields"]["office"] = {
        "staff": {
            "type": "count",
            "max": 1000,
            "unit": "人",
            "label": "工作人员",
            "label_en": "Staff",
        }
    }
    protection = data["tasks"][1]["requirements"]
    citation = protection[0]["citation"]
    protection.append(
        {
            "id": "disputes", "kind": "required", "title": "纠纷调处", "title_en": "Disputes",
            "remedy": "多办结纠纷案件。", "remedy_en": "Close more disputes.",
            "points": {"value": 5, "criteria": "纠纷案件每完成1件得1分。",
                       "per_unit": {"protection.dispute_cases": 1}},
            "citation": citation,
        }
    )  # fmt: skip
    data["scoring"]["vetoes"] = [
        {
            "id": "major-case",
            "title": "发生重大违法案件",
            "when": {"field": "safety.major_case", "eq": True},
            "citation": citation,
        }
    ]
    path = tmp_path / "veto-demo.yaml"
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    return path


def test_figures_no_item_reads_come_after_the_items(tmp_path):
    pack = find_pack(str(_veto_pack(tmp_path)))
    book = load_workbook(io.BytesIO(form(pack)))
    rows = _rows(book["填报表"])
    shown = [(r[0], r[3], r[CODE], r[ITEM]) for r in rows[13:23]]
    assert shown == [
        ("二、知识产权保护（30分）", None, None, None),
        ("专利行政执法", "办结专利纠纷案件（件）", "protection.dispute_cases", "enforcement"),
        (None, "办结假冒专利案件（件）", "protection.counterfeit_cases", None),
        # Asked once: the second item names where it is filled in.
        ("纠纷调处", "办结专利纠纷案件：见“专利行政执法”", None, "disputes"),
        ("三、知识产权运用（15分）", None, None, None),
        ("专利权质押融资", "已出台专利权质押融资文件", "finance.pledge_policy", "pledge-financing"),
        (None, "有配套资金扶持", "finance.pledge_fund", None),
        (None, "专利权质押融资额（万元）", "finance.pledge_amount", None),
        (None, "专利权质押融资目标任务（万元）", "finance.pledge_target", None),
        ("一票否决：发生重大违法案件", None, None, None),
    ]
    assert [(r[0], r[3], r[CODE]) for r in rows[23:27]] == [
        (None, "发生重大违法案件", "safety.major_case"),
        ("其他填报项", None, None),
        (None, "工作人员（人）", "office.staff"),
        ("合计", None, None),
    ]
    assert rows[26][1] == 75
    # The second item's 自评分 sits on its one row, which asks for no figure: read all the same.
    sheet = book["填报表"]
    for row in sheet.iter_rows(min_row=5):
        if row[CODE].value in FIGURES:
            row[VALUE].value = FIGURES[row[CODE].value]
        if row[ITEM].value == "disputes":
            row[SELF].value = 3
    sheet["E24"] = "否"
    path = tmp_path / "filled.xlsx"
    book.save(path)
    ((_, submission),) = read_all([path], str(tmp_path / "veto-demo.yaml"))
    assert submission.claimed == {"disputes": Decimal(3)}
    assert submission.values["safety.major_case"] is False


BATCH_HEAD = [
    "pack", "year", "city.name",
    "creation.invention_applications", "creation.invention_applications_target",
    "creation.invention_grants", "creation.invention_grants_target",
    "protection.dispute_cases", "protection.counterfeit_cases",
    "finance.pledge_policy", "finance.pledge_fund", "finance.pledge_amount",
    "finance.pledge_target",
    "self_scores.invention-applications", "self_scores.invention-grants",
    "self_scores.enforcement", "self_scores.pledge-financing",
]  # fmt: skip
JINAN = "liuan-2017-advanced-unit,2017,金安区,112,100,90,100,3,12,是,是,1250,1000,16.2,15,25,17"
# 裕安区 by hand: 95 of 100 applications is 95%, 60% of 15 = 9; grants 100 of 100, 15;
# 2 disputes × 5 + 3 counterfeits × 1 = 13; no fund, so no 3; 800 of 1000 万元 misses the
# target, no 12: 0. Total 37. No 自评分 for pledge-financing.
YUAN = "liuan-2017-advanced-unit,2017,裕安区,95,100,100,100,2,3,是,否,800,1000,9,15,13,"


def _labels(head: list[str]) -> list[str]:
    titles = {req.id: req.title for _, req in LIUAN.requirements()}
    fixed = {"pack": "规则包", "year": "年度"}
    return [
        fixed.get(h)
        or (f"自评分·{titles[h.split('.', 1)[1]]}" if h.startswith("self_scores.") else None)
        or LIUAN.field(h).label
        for h in head
    ]


@pytest.mark.parametrize("labels", [False, True], ids=["codes", "labels"])
def test_a_batch_table_carries_a_self_score_per_item(tmp_path, labels):
    head = _labels(BATCH_HEAD) if labels else BATCH_HEAD
    path = tmp_path / "六安.csv"
    path.write_text("\n".join([",".join(head), JINAN, YUAN]) + "\n", encoding="utf-8")
    results = {r.city: r for r in assess_paths([path])}
    assert {c: str(r.score) for c, r in results.items()} == {"金安区": "67.2", "裕安区": "37.0"}
    yuan = {i.id: (i.points, i.claimed, i.difference) for i in results["裕安区"].sheet.items}
    assert yuan == {
        "invention-applications": (9, 9, 0),
        "invention-grants": (15, 15, 0),
        "enforcement": (13, 13, 0),
        "pledge-financing": (0, None, None),
    }
    jinan = {i.id: i.difference for i in results["金安区"].sheet.items}
    assert jinan["invention-grants"] == 6


def test_a_bad_self_score_in_a_batch_names_its_cell(tmp_path):
    path = tmp_path / "六安.csv"
    bad = YUAN.replace(",9,15,13,", ",9,十五,13,")
    path.write_text("\n".join([",".join(_labels(BATCH_HEAD)), JINAN, bad]) + "\n", encoding="utf-8")
    assert _message(path) == (
        f"{path}，第3行，字段 self_scores.invention-grants（O列）："
        "自评分应为一个数（如 12.5），实际为文本“十五”"
    )


def test_a_weighted_pack_takes_no_self_score_column(tmp_path):
    path = tmp_path / "cities.csv"
    path.write_text(
        "pack,year,city.name,self_scores.T1.R1\ncnipa-2015-demo-city,2015,湘潭市,3\n",
        encoding="utf-8",
    )
    assert _message(path).splitlines()[0] == (
        f"{path}，第1行，字段 D列：不认识的字段“self_scores.T1.R1”"
    )


def _fingerprint(sheet) -> str:
    """What a person sees and the reader reads of a form, independent of openpyxl's XML:
    each cell's value, fill, font, border and alignment, merges, checks, widths, printing."""
    cells = [
        [
            c.coordinate,
            c.value,
            c.number_format,
            c.fill.fgColor.rgb if c.fill.fill_type else None,
            [c.font.b, c.font.sz],
            c.border.left.style,
            [c.alignment.wrap_text, c.alignment.vertical, c.alignment.horizontal],
            c.comment.text if c.comment else None,
        ]
        for row in sheet.iter_rows()
        for c in row
    ]
    checks = sorted(
        [str(d.sqref), d.type, d.formula1, d.formula2, d.error, d.errorTitle]
        for d in sheet.data_validations.dataValidation
    )
    page = [
        sheet.freeze_panes,
        sheet.print_title_rows,
        sheet.page_setup.orientation,
        sheet.page_setup.fitToWidth,
        sheet.page_setup.fitToHeight,
        sheet.oddFooter.center.text,
        {k: v.width for k, v in sheet.column_dimensions.items()},
        sorted(str(r) for r in sheet.merged_cells.ranges),
    ]
    text = json.dumps([cells, checks, page], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_points_form_prints_at_8_pt_or_more(tmp_path):
    # Printed through LibreOffice Calc (soffice --headless --convert-to pdf), the 六安 form
    # shows 考核内容 35.2 pt wide for its 4 characters: 8.8 pt (it was 6.5 pt with the code
    # columns printed). What makes it so: the printed columns are 考核内容 to 佐证材料 only
    # (the codes are for the reader, not the page), 141 character widths in all, fitted to the
    # page width of A4 landscape with narrow margins, as many pages tall as it takes; the note
    # on filling in wraps across the printed width.
    sheet = load_workbook(io.BytesIO(form(LIUAN)))["填报表"]
    assert sheet.print_area == f"'填报表'!$A$1:$H${sheet.max_row}"
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFGH"]
    assert widths == [15, 6, 32, 22, 12, 8, 25, 21] and sum(widths) == 141
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,  # A4
        1,
        0,
    )
    assert (sheet.page_margins.left, sheet.page_margins.right) == (0.3, 0.3)
    assert "A3:H3" in {str(m) for m in sheet.merged_cells.ranges}
    assert sheet["A3"].alignment.wrap_text and sheet.row_dimensions[3].height == 2 * 15.4


# The 2015 pack's form as it was before points sheets (commit 18c9875), cell by cell.
FORM_2015 = "137568fae319a65c8eef3e44c8a41f525689474f479314c869b464c44665a6f8"


def test_a_weighted_pack_s_form_is_unchanged():
    sheet = load_workbook(io.BytesIO(form(find_pack("cnipa-2015-demo-city"))))["填报表"]
    assert _fingerprint(sheet) == FORM_2015


def test_the_shipped_form_comes_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from ipscore.cli import cli

    out = tmp_path / "六安-填报表.xlsx"
    done = CliRunner().invoke(
        cli, ["template", "--pack", "liuan-2017-advanced-unit", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert _rows(load_workbook(out)["填报表"])[3] == HEAD


def test_a_sample_table_with_self_scores_scores_as_worked_by_hand():
    """A batch table with self-score columns (tests/points/各县区自评.csv, example figures):
    霍邱县 has the worked county's figures (67.2), 金寨县 95/100 applications (9), grants met
    (15), 2 disputes and 3 counterfeits (13), the policy without funds and 800 of 1000 (0):
    37.0."""
    path = ROOT / "tests" / "points" / "各县区自评.csv"
    results = {r.city: r for r in assess_paths([path])}
    assert {c: str(r.score) for c, r in results.items()} == {"霍邱县": "67.2", "金寨县": "37.0"}
    differences = {i.id: i.difference for i in results["霍邱县"].sheet.items}
    assert differences == {
        "invention-applications": 0,
        "invention-grants": 6,
        "enforcement": 0,
        "pledge-financing": 0,
    }


def _site(tmp_path: Path):
    from starlette.testclient import TestClient

    from ipscore.web.app import create_app
    from ipscore.web.pages import Settings

    db = f"sqlite:///{tmp_path / 'a.db'}"
    return TestClient(create_app(Settings(tmp_path / "data", db=db)))


def _typed(figures=FIGURES, claimed=CLAIMED) -> dict[str, str]:
    return {
        **{name: str(value) for name, value in figures.items()},
        **{f"self_scores.{item}": str(value) for item, value in claimed.items()},
    }


def test_the_fill_in_page_asks_item_by_item_and_assesses_the_self_scores(tmp_path):
    client = _site(tmp_path)
    assert 'href="/fill/liuan-2017-advanced-unit"' in client.get("/").text
    page = client.get("/fill/liuan-2017-advanced-unit")
    assert page.status_code == 200
    text = page.text
    # The item's title with its 分值, its 评分标准, its figures, then its 自评分.
    order = [
        "<h2>一、知识产权创造（30分）</h2>",
        "<h3>发明专利申请（15分）</h3>",
        "评分标准：完成目标任务得满分，90%以上得60%分，90%以下不得分。每超1件，加0.1分。",
        "发明专利申请量（件）",
        'name="creation.invention_applications"',
        "发明专利申请目标任务（件）",
        'name="creation.invention_applications_target"',
        'name="self_scores.invention-applications"',
        "<h3>发明专利授权（15分）</h3>",
    ]
    at = [text.index(words) for words in order]
    assert at == sorted(at)
    csrf = re.search(r'name="csrf" value="([^"]+)"', text).group(1)
    done = client.post(
        "/fill/liuan-2017-advanced-unit",
        data={"csrf": csrf, **_typed()},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    where = done.headers["location"]
    assert "67.2" in client.get(where).text
    kept = next((tmp_path / "data" / "uploads" / where.rsplit("/", 1)[1]).rglob("*.csv"))
    assert kept.name == "金安区-网页填报.csv"
    ((_, submission),) = read_all([kept])
    assert submission.claimed["invention-grants"] == 15
    (result,) = assess_paths([kept])
    grants = next(i for i in result.sheet.items if i.id == "invention-grants")
    assert (grants.points, grants.difference) == (9, 6)


def test_the_fill_in_page_says_what_is_wrong_beside_the_box_and_keeps_what_was_typed(tmp_path):
    client = _site(tmp_path)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    typed = _typed(
        {**FIGURES, "creation.invention_applications": "一百一十二"},
        {**CLAIMED, "invention-grants": "十五"},
    )
    done = client.post("/fill/liuan-2017-advanced-unit", data={"csrf": csrf, **typed})
    assert done.status_code == 400
    text = html.unescape(done.text)
    assert "有 2 处问题，请改正后再提交（已填的都还在）" in text
    assert "<li>发明专利申请量：应为不小于0的整数（件），实际为文本“一百一十二”</li>" in text
    assert "<li>发明专利授权·自评分：自评分应为一个数（如 12.5），实际为文本“十五”</li>" in text
    assert 'name="self_scores.invention-grants" value="十五"' in text
    assert 'name="city.name" value="金安区"' in text
    assert not list((tmp_path / "data" / "uploads").glob("*/files/*.csv"))  # nothing kept


def test_a_weighted_pack_s_fill_in_page_scores_like_its_yaml(tmp_path):
    """The same page for a weighted pack asks group by group, as its Excel form does."""
    client = _site(tmp_path)
    page = client.get("/fill/cnipa-2015-demo-city").text
    assert "<h2>城市概况</h2>" in page and "<h2>用于：T2 " in page and "自评分" not in page
    wuhan = ROOT / "scenarios" / "wuhan-2015.yaml"
    ((pack, submission),) = read_all([wuhan])
    typed = {}
    for name, value in submission.values.items():
        decl = pack.field(name)
        if decl.type != "ratio":
            typed[name] = (
                ("是" if value else "否")
                if decl.type == "bool"
                else decl.values[value]
                if decl.type == "enum"
                else str(value)
            )
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    done = client.post(
        "/fill/cnipa-2015-demo-city", data={"csrf": csrf, **typed}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    (kept,) = (tmp_path / "data" / "uploads").glob("*/files/*.csv")
    (by_page,), (by_yaml,) = assess_paths([kept]), assess_paths([wuhan])
    assert (by_page.score, by_page.grade) == (by_yaml.score, by_yaml.grade)
    assert by_page.requirement_statuses() == by_yaml.requirement_statuses()


def test_a_self_score_in_a_form_without_item_codes_is_named(tmp_path):
    path = _filled(tmp_path)
    book = load_workbook(path)
    book["填报表"].delete_cols(10)  # the 评分项代码 column
    book.save(path)
    assert _message(path).splitlines()[0] == (
        f"{path}［填报表］，第10行，字段 自评分（F列）："
        "表中没有“评分项代码”列，读不出这个自评分是哪一项的：请在下载的原表上填写"
    )

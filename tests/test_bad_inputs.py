"""One small file per kind of bad input: each gets one readable message naming the file, the
line and the field, exit code 2, and never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, scenario_with

BAD = Path(__file__).parent / "bad_inputs"

EXPECTED = {
    "wrong_type_bool.yaml": "，第5行，字段 plan.issued：应为 true 或 false（是/否），实际为文本“待定”",
    "negative_count.yaml": "，第6行，字段 enforcement.city_staff：应为不小于0的整数（人），不能为负数 -2",
    "percent_for_count.yaml": "，第6行，字段 standard.firms_compliant：应为不小于0的整数（家），"
    "不能填写百分比“50%”",
    "text_for_count.yaml": "，第6行，字段 enforcement.city_staff：应为不小于0的整数（人），实际为文本“三人”",
    "fraction_for_count.yaml": "，第6行，字段 enforcement.trainings：应为不小于0的整数（次），实际为 1.5",
    "bool_for_count.yaml": "，第5行，字段 design.competitions：应为不小于0的整数（次），实际为是/否值 true",
    "unknown_field.yaml": "，第6行，字段 enforcement.city_staf：未知字段，是否想写 city_staff？",
    "unknown_group.yaml": "，第5行，字段 enforcment：未知字段，是否想写 enforcement？",
    "malformed.yaml": "，第7行：YAML 格式错误（请检查缩进、冒号和引号）",
    "malformed.json": "，第3行：JSON 格式错误（第3行第36列）",
    "duplicate_key.yaml": "，第7行：键 issued 出现了两次",
    "missing_city_level.yaml": "，第3行，字段 city.level：缺少必填项",
    "wrong_year.yaml": "，第2行，字段 year：本规则包评估的是2015年度，提交的是 2016",
    "bad_enum.yaml": "，第3行，字段 city.level：应为以下之一：sub_provincial（副省级）",
    "bad_date.yaml": "，第5行，字段 plan.issued_on：日期 2015年13月1日 不存在：一年只有12个月",
    # A date written as YAML writes one, on no day there is: the field's line, not the file's.
    "no_such_date.yaml": "，第5行，字段 plan.issued_on：日期 2015-11-31 不存在：2015年11月只有30天",
    "too_many_decimals.yaml": "，第5行，字段 finance.pledge_amount：应为不小于0的数（万元），最多保留4位小数",
    "not_a_mapping.yaml": "：提交文件应为一个映射（pack、year、city、facts）",
    "not_utf8.yaml": "：文件不是 UTF-8 编码，请另存为 UTF-8",
    "empty.yaml": "：提交文件应为一个映射（pack、year、city、facts）",
    "unknown_pack.yaml": "：没有编号为 cnipa-2099-demo-city 的规则包",
    "huge_number.yaml": "，第5行，字段 enforcement.cases_handled：超出合理上限 10000000件",
    "nan.yaml": "，第5行，字段 finance.pledge_amount：应为不小于0的数（万元），实际为 NaN",
    "batch_out_of_range.yaml": "，第3行，字段 city.batch：超出合理上限 3，实际为 4",
    "no_pack.yaml": "，字段 pack：提交文件没有写 pack（规则包编号）",
    "truncated.xlsx": "：不是有效的 Excel（.xlsx）文件，可能已损坏或只下载了一部分",
    "merged_cells.xlsx": "［城市］：有合并单元格（C2:C3），请取消合并后再提交",
    "empty_sheet.xlsx": "［城市］：工作表是空的",
    "formula_cell.xlsx": "［城市］，第2行：G2 是没有计算结果的公式（=2+2），请在 Excel 中计算或粘贴为数值",
    "wrong_encoding.csv": "：无法识别文件编码，请另存为 UTF-8 或 GB18030 的 CSV",
    "huge_number.csv": "，第2行，字段 enforcement.city_staff（G列）：超出合理上限 10000人，实际为 99999999999999999999",
    "nan.csv": "，第2行，字段 enforcement.city_staff（G列）：应为不小于0的整数（人），实际为文本“NaN”",
    "injected_html.csv": "，第2行，字段 enforcement.city_staff（G列）：应为不小于0的整数（人），实际为文本“<script>alert(1)</script>”",
    "unknown_column.csv": "，第1行，字段 H列：不认识的字段“enforcement.city_staf”，是否想写 enforcement.city_staff？",
    "duplicate_city.csv": "，第3行，字段 city.name（C列）：城市 湘潭市 重复（另见第2行）",
    "percent_in_sheet.csv": "，第2行，字段 enforcement.city_staff（G列）：应为不小于0的整数（人），不能填写百分比“30%”",
    "alias_bomb.yaml": "：展开后超过 1,000,000 个数据项，拒绝读取（可能是 YAML“别名炸弹”）",
    "deep_nesting.json": "：嵌套层数超过 100 层，拒绝读取",
    "long_integer.yaml": "：有数字超过4300位，无法读取",
    "outside_reference.yaml": "，第3行，字段 reference：参考数据文件须在提交文件所在的文件夹"
    "（或其子文件夹）内，实际为 /dev/zero",
    "evidence_outside.yaml": "，第6行，字段 evidence.T1.R2[1].file：佐证材料文件须在提交文件所在的"
    "文件夹（或其子文件夹）内，实际为 ../../../etc/passwd",
    "evidence_unknown_key.yaml": "，第5行，字段 evidence.plan.isued：“plan.isued”不是本规则包的要求编号"
    "（如 T1.R1）或填报字段：佐证材料只能附在这两者上，是否想写 plan.issued？",
    "evidence_bad_date.yaml": "，第7行，字段 evidence.T1.R2[1].date：应为日期，格式如 2015-11-20，"
    "实际为“2015年11月20日”",
    "far_cell.xlsx": "［城市］：表格范围 1048576 行 × 16384 列，超过上限 200000 行、2000 列",
    "no_sheet.xlsx": "：工作簿中没有工作表（文件可能已损坏）",
    "xxe.xlsx": "：文件里的 XML 声明了实体（DTD），正常的 Excel 文件没有这种内容，出于安全原因拒绝读取",
    "entity_bomb.xlsx": "：文件里的 XML 声明了实体（DTD）",
    "encrypted.xlsx": "：这是加密的工作簿或旧版 .xls 文件：请在 Excel 中取消密码，另存为 .xlsx",
    "duplicate_column.csv": "，第1行，字段 H列：H列与G列都是 enforcement.city_staff，请删去一列",
    "many_bad_rows.csv": "，第2行，字段 enforcement.city_staff（G列）：应为不小于0的整数（人），不能为负数 -1",
    "invisible_in_name.csv": "，第3行，字段 city.name（C列）：名称中有看不见的字符（U+200B），是否想写 湘潭市？",
    "space_in_name.yaml": "，第3行，字段 city.name：名称中有空格（U+3000），是否想写 湘潭市？",
    "fullwidth_in_name.yaml": "，第3行，字段 city.name：名称中有全角或兼容写法的字符“⾦”（U+2FA6），"
    "是否想写 金华市？",
    "underscore_number.csv": "，第2行，字段 enforcement.city_staff（G列）：应为不小于0的整数（人），"
    "数字中不能有下划线，实际为“1_000”",
    "underscore_number.yaml": "，第5行，字段 enforcement.city_staff：应为不小于0的整数（人），"
    "数字中不能有下划线，实际为“1_000”",
    "leading_zero.yaml": "，第5行，字段 enforcement.city_staff：应为不小于0的整数（人），"
    "整数不能以0开头（YAML 会把 010 读作八进制的 8），实际为“010”",
    "other_digits.csv": "，第2行，字段 enforcement.city_staff（G列）：应为不小于0的整数（人），"
    "只能用数字 0–9（或全角 ０–９），不能用 ٣（U+0663），实际为“٣”",
    "mixed_encoding.csv": "，第4行：这一行是 UTF-8 编码，文件其余部分是 GB18030：请把整个文件另存为 UTF-8 的 CSV",
    "strength_negative.yaml": "，第9行，字段 protection.cases_handled：应为不小于0的整数（件），不能为负数 -3",
    # Issue 30: each was a traceback (KeyError, OverflowError, AttributeError, TypeError,
    # ValueError).
    "merge_key.yaml": "，第5行：不支持 YAML 合并键（<<），请把各项直接写出",
    "year_infinite.csv": "，第2行，字段 year（B列）：本规则包评估的是2015年度，提交的是 文本“inf”",
    "year_1e400.csv": "，第2行，字段 year（B列）：本规则包评估的是2015年度，提交的是 文本“1e400”",
    "reference_facts_list.yaml": "，第5行，字段 facts：应为映射（键: 值）",
    "reference_group_number.yaml": "，第7行，字段 facts.national：应为映射（键: 值）",
    "evidence_nul.yaml": "，第6行，字段 evidence.T1.R2[1].file：文件名含控制字符（U+0000），"
    "不是有效的文件名",
    # A fill-in form's problem is said by the row and the item's name the clerk sees on it.
    "form_unit_in_number.xlsx": "［填报表］，第59行「2015年专利权质押融资金额」：应为不小于0的数（万元），"
    "实际为文本“8200万元”；请只填数字（单位已是万元），如 8200",
    "form_merged_formula_and_more.xlsx": "［填报表］，第19行「印发名义」：有合并单元格（A19:B19），"
    "请取消合并后再提交",
}


def test_every_fixture_has_an_expected_message():
    # season/ holds the season files' own (tests/test_season_file.py).
    assert {p.name for p in BAD.iterdir() if p.is_file()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("command", ["validate", "assess", "assess --format jsonl"])
def test_bad_input_message_and_exit_code(name, command):
    # The streamed outputs (jsonl, json, csv) read through `batch`: the same messages.
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", *command.split(), f"tests/bad_inputs/{name}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert f"tests/bad_inputs/{name}{EXPECTED[name]}" in done.stderr, done.stderr


def test_one_bad_row_never_hides_the_others():
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "validate", "tests/bad_inputs/many_bad_rows.csv"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "第2行，字段 enforcement.city_staff（G列）" in done.stderr
    assert "第3行，字段 city.level（D列）" in done.stderr


def test_a_long_decimal_is_read_from_its_text_never_through_a_float(tmp_path):
    # Issue 12: unquoted 7799.99999999999999 was read as the float 7800.0 and turned Wuhan from
    # 不合格 into 优秀. Read exactly, it has more decimals than 万元 allows and is refused.
    changes = {"pledge_amount: 7799.9999,": "pledge_amount: 7799.99999999999999,"}
    path = scenario_with(tmp_path, "wuhan-2015.yaml", changes)
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "assess", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert (
        "字段 finance.pledge_amount：应为不小于0的数（万元），最多保留4位小数，实际为 7799.99999999999999"
        in (done.stderr)
    )


def test_a_file_that_is_not_regular_is_never_read(tmp_path):
    fifo = tmp_path / "in.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "validate", str(fifo)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "这不是普通文件，不能读取" in done.stderr


def test_thousands_separators_and_long_decimals_in_a_table_are_read_exactly(tmp_path):
    # The README promises "1,234"; it was rejected as text. A long decimal went through a float.
    head = "pack,year,city.name,city.level,city.batch,city.counties,finance.pledge_amount\n"
    path = tmp_path / "t.csv"
    for typed, shown in (('"1,234"', None), ("7799.99999999999999", "7799.99999999999999")):
        path.write_text(head + f"cnipa-2015-demo-city,2015,甲市,prefecture,1,2,{typed}\n", "utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "ipscore", "validate", str(path)], capture_output=True, text=True
        )
        if shown is None:
            assert done.returncode == 0, done.stderr
        else:
            assert done.returncode == 2
            assert f"最多保留4位小数，实际为 {shown}" in done.stderr


def _validate(path: Path, command: str = "validate") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", command, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_a_reference_file_group_that_is_no_mapping_is_named_not_skipped(tmp_path):
    # Its figures were silently left out, so the city was assessed without them.
    (tmp_path / "nat.yaml").write_text("note: 示例\nfacts:\n  national: 5\n", "utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(
        "pack: northeast-2017-opinions\nyear: 2017\nreference: nat.yaml\ncity: {name: 辽宁省}\n",
        "utf-8",
    )
    done = _validate(path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{tmp_path}/nat.yaml，第3行，字段 facts.national：应为映射（键: 值）" in done.stderr


@pytest.mark.parametrize(
    "name, text, command, line, field",
    [
        (
            "s.yaml",
            'pack: northeast-2017-opinions\nyear: 2017\nreference: "a\\0b.yaml"\n',
            "validate",
            3,
            "reference",
        ),
        ("w.whatif.yaml", 'name: x\nbase: "a\\0b.yaml"\nvariants: []\n', "simulate", 2, "base"),
    ],
)
def test_a_file_named_with_a_nul_is_refused_by_name(tmp_path, name, text, command, line, field):
    (tmp_path / name).write_text(text, "utf-8")
    done = _validate(tmp_path / name, command)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        f"{tmp_path}/{name}，第{line}行，字段 {field}：文件名含控制字符（U+0000），不是有效的文件名"
        in done.stderr
    ), done.stderr


def test_a_merged_or_formula_cell_in_a_form_hides_none_of_its_other_problems():
    # Wuhan's figures on the 2015 form, with 印发名义 merged over its value (row 19), a
    # negative 市局执法人员 (row 22) and a formula in 2014年执法办案数 (row 26): all three at
    # once, in the form's order, each by its row and item; in English with the field's code.
    name = "tests/bad_inputs/form_merged_formula_and_more.xlsx"
    where = f"{name}［填报表］"
    for lang, lines in {
        "zh": [
            "错误：",
            f"{where}，第19行「印发名义」：有合并单元格（A19:B19），请取消合并后再提交",
            f"{where}，第22行「市局主要从事执法办案工作的人员」：应为不小于0的整数（人），"
            "不能为负数 -1",
            f"{where}，第26行「2014年执法办案数」：B26 是没有计算结果的公式（=B25*2），"
            "请在 Excel 中计算或粘贴为数值",
        ],
        "en": [
            "Error:",
            f"{where}, line 19, “Issued in the name of” [plan.issuer]: merged cells (A19:B19): "
            "unmerge them first",
            f"{where}, line 22, “City-bureau staff mainly doing enforcement casework” "
            "[enforcement.city_staff]: expected a whole number ≥ 0 (persons), not the negative -1",
            f"{where}, line 26, “Enforcement cases handled in 2014” "
            "[enforcement.cases_handled_prev]: B26 is a formula with no computed value "
            "(=B25*2); paste values",
        ],
    }.items():
        done = subprocess.run(
            [sys.executable, "-m", "ipscore", "--lang", lang, "validate", name],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert done.returncode == 2
        assert done.stderr.splitlines() == lines


def test_a_number_typed_with_a_unit_gets_the_hint_to_drop_it():
    from ipscore import find_pack
    from ipscore.intake.values import checked

    decl = find_pack("cnipa-2015-demo-city").field("finance.pledge_amount")  # 万元
    with pytest.raises(Exception) as exc:
        checked(decl, "8200万元")
    assert exc.value.context == {  # type: ignore[attr-defined]
        "zh": "应为不小于0的数（万元），实际为文本“8200万元”；请只填数字（单位已是万元），如 8200",
        "en": "expected a number ≥ 0 (10k yuan), got '8200万元'; enter the number only "
        "(the unit is already 10k yuan), e.g. 8200",
    }
    with pytest.raises(Exception) as exc:
        checked(decl, "3.5亿元")  # another unit: the number must be converted, not copied
    assert exc.value.context["zh"] == (  # type: ignore[attr-defined]
        "应为不小于0的数（万元），实际为文本“3.5亿元”；请只填数字（单位已是万元，亿元请换算成万元）"
    )


def test_a_city_typed_without_its_suffix_is_asked_about():
    from ipscore.regions import full_name
    from ipscore.season.people import User
    from ipscore.season.scope import refusal

    assert full_name("武汉", ["武汉市", "宜昌市"]) == "武汉市"
    assert full_name("武汉市", ["武汉市"]) is None  # already right
    assert full_name("湖北", ["湖北省", "湖南省"]) == "湖北省"
    assert full_name("武", ["武汉市", "武威市"]) is None  # which one is not known
    user = User("武汉市局", "city", city="武汉市")
    said = refusal(user, "武汉", 2015, frozenset())
    assert said.zh == "武汉市的用户只能查看本市的记录，不能查看武汉的，是否想写 武汉市？"
    assert said.en == (
        "a user of 武汉市 sees its own city's record only, not 武汉's; did you mean 武汉市?"
    )

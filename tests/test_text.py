"""One set of words for every reader, one way to choose the language, typed results whose JSON
is the contract's plain strings."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ipscore import InputError, find_pack
from ipscore.intake.files import read_all
from ipscore.intake.sheets import coerce
from ipscore.intake.values import parse_value
from ipscore.text import (
    cell_text,
    chinese_date,
    did_you_mean,
    plain_number,
    terminal_text,
    yes_no,
)
from ipscore.verdicts import MET, TaskStatus, Verdict

from .conftest import ipscore, scenario_with

PACK = find_pack("cnipa-2015-demo-city")


@pytest.mark.parametrize(
    ("word", "value"),
    [("是", True), ("有", True), ("✓", True), ("YES", True), ("否", False), ("无", False)],
)
def test_yes_no_words_mean_the_same_in_every_reader(word, value, tmp_path):
    assert yes_no(word) is value
    assert coerce(PACK.field("plan.issued"), word) is value  # spreadsheets
    assert parse_value(PACK, "plan.issued", word) is value  # --set
    changes = {"issued: true": f'issued: "{word}"'}
    path = scenario_with(tmp_path, "xiangtan-2015.yaml", changes, to="city.yaml")
    ((_, submission),) = read_all([path])  # YAML
    assert submission.values["plan.issued"] is value


def test_a_word_that_is_neither_yes_nor_no_is_refused_everywhere():
    assert yes_no("待定") is None
    with pytest.raises(InputError, match="应为 true 或 false（是/否），实际为文本“待定”"):
        parse_value(PACK, "plan.issued", "待定")


def test_numbers_and_dates_typed_by_hand():
    assert plain_number("1,234,567.5") == "1234567.5"
    assert plain_number("12,34") is None
    assert parse_value(PACK, "finance.pledge_amount", "7,800") == 7800
    with pytest.raises(InputError, match="实际为文本“12,34”"):
        parse_value(PACK, "finance.pledge_amount", "12,34")
    assert str(chinese_date("2015年12月31日")) == "2015-12-31"
    assert chinese_date("2015年2月30日") is None


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1_000", "数字中不能有下划线"),  # int() and Decimal() would read 1000
        ("٣", "只能用数字 0–9（或全角 ０–９），不能用 ٣（U+0663）"),  # Arabic-Indic 3
        ("१२", "只能用数字 0–9（或全角 ０–９），不能用 १（U+0967）"),  # Devanagari 12
        ("1,٢٣٤", "只能用数字 0–9（或全角 ０–９），不能用 ٢（U+0662）"),
    ],
)
def test_a_number_in_other_digits_or_with_underscores_is_never_read(typed, reason):
    """Issue 30: `1_000` was read as 1000 and `٣` as 3, in a cell and on the command line."""
    decl = PACK.field("enforcement.city_staff")
    assert coerce(decl, typed) == typed  # left as text, for the model to refuse
    with pytest.raises(InputError) as caught:
        parse_value(PACK, "enforcement.city_staff", typed)
    assert caught.value.render() == (
        f"字段 enforcement.city_staff：应为不小于0的整数（人），{reason}，实际为“{typed}”"
    )


def test_full_width_digits_are_read_as_typed_on_a_chinese_keyboard():
    decl = PACK.field("enforcement.city_staff")
    assert coerce(decl, "１２") == 12
    assert coerce(decl, "１,２３４") == 1234
    assert coerce(PACK.field("finance.pledge_amount"), "７８００．５") == Decimal("7800.5")
    assert parse_value(PACK, "enforcement.city_staff", "３") == 3


def test_did_you_mean():
    assert did_you_mean("enforcement.city_staf", PACK.field_names()) == (
        "，是否想写 enforcement.city_staff？",
        "; did you mean enforcement.city_staff?",
    )
    assert did_you_mean("xyz", ["plan.issued"]) == ("", "")


def test_one_language_option_before_or_after_the_command_or_from_the_environment():
    english = "Error:\nnothing.yaml: file not found\n"
    assert ipscore("--lang", "en", "assess", "nothing.yaml").stderr == english
    assert ipscore("assess", "nothing.yaml", "--lang", "en").stderr == english
    assert ipscore("assess", "nothing.yaml", IPSCORE_LANG="en").stderr == english
    chinese = ipscore("assess", "nothing.yaml")
    assert (chinese.returncode, chinese.stderr) == (2, "错误：\nnothing.yaml：文件不存在\n")
    # The command's option wins over the environment.
    assert ipscore("assess", "nothing.yaml", "--lang", "zh", IPSCORE_LANG="en").stderr == (
        "错误：\nnothing.yaml：文件不存在\n"
    )


def test_verdicts_and_task_states_serialise_as_the_contracts_strings():
    assert json.dumps([MET, TaskStatus.INSUFFICIENT]) == '["met", "insufficient_data"]'
    assert [v.value for v in Verdict] == ["met", "unmet", "missing", "not_applicable"]
    done = ipscore("whatif", "scenarios/xiangtan-2015.yaml", "--drop", "T7", "--format", "json")
    data = json.loads(done.stdout)
    assert data["requirements"] == [
        {"id": "T7.R1", "from": "met", "to": "unmet"},
        {"id": "T7.R4", "from": "met", "to": "unmet"},
    ]
    assert data["tasks"] == [
        {
            "id": "T7",
            "from": "incomplete",
            "to": "incomplete",
            "fraction_from": 0.4444,
            "fraction_to": 0.0,
        }
    ]


@pytest.mark.parametrize(
    "typed, cell",
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        # Every character a spreadsheet starts a formula with (OWASP's CSV injection list).
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\x01=cmd", "'=cmd"),  # a control character hides no formula
        ("\r=cmd", "'\n=cmd"),
        ("甲\r\n乙", "甲\n乙"),  # a lone carriage return would end a CSV row
        ("甲\r乙", "甲\n乙"),
        ("湘潭市", "湘潭市"),
    ],
)
def test_a_cell_is_text_on_one_line_break_kind_and_never_a_formula(typed, cell):
    assert cell_text(typed) == cell


def test_stored_and_typed_text_for_the_terminal_has_no_control_character():
    # ESC and BEL (a window title, a cleared screen), the one-byte CSI U+009B, a direction
    # override (U+202E shows what follows backwards), a line feed that could forge a line.
    assert terminal_text("a\x1b]0;x\x07b\x9b2J\u202ec\nd\x7f") == "a ]0;x b 2J c d "
    assert terminal_text("湘潭市 [/] “引号”") == "湘潭市 [/] “引号”"

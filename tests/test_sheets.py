"""Excel and CSV intake: the form and batch tables score exactly like their YAML twins; bad
bytes and bad values never give a traceback."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from ipscore import IpscoreError, assess_paths, find_pack
from ipscore.intake.files import read_all, submission_files
from ipscore.intake.formsheet import form
from ipscore.intake.sheets import coerce
from ipscore.intake.submission import parse_submission
from ipscore.views.output import to_json

from .conftest import SCENARIOS

PACK = find_pack("cnipa-2015-demo-city")
YAMLS = [p for p in submission_files([SCENARIOS]) if p.suffix in (".yaml", ".json")]


def _flat(path: Path) -> dict:
    ((_, submission),) = read_all([path])
    return submission.values


def _comparable(path: Path) -> dict:
    data = json.loads(to_json(assess_paths([path]), single=True))
    data.pop("source")
    # The same pack decided both; only the input file (and so its hash) differs.
    origin = data.pop("provenance")
    assert origin["pack_sha256"] == PACK.content_hash and origin["produced_at"] is None
    return data


def _typed_by_hand(decl, value):
    """What a person types into the form: 是/否, option labels, dates as dates."""
    if decl.type == "bool":
        return "是" if value else "否"
    if decl.type == "enum":
        return decl.values[value]
    if decl.type == "date":
        return dt.datetime(value.year, value.month, value.day)
    if decl.type == "amount":
        return float(value)
    return value


CODE, VALUE = 5, 1  # columns F (字段代码) and B (填报值) of the form


def _fill(sheet, values: dict, code: int = CODE, value: int = VALUE) -> None:
    for row in sheet.iter_rows(min_row=5):
        name = row[code].value
        if name in values and PACK.field(name).type != "ratio":
            row[value].value = _typed_by_hand(PACK.field(name), values[name])


def test_a_filled_form_scores_exactly_like_its_yaml_twin(tmp_path):
    twin = SCENARIOS / "xiangtan-2015.yaml"
    path = tmp_path / "湘潭-填报表.xlsx"
    path.write_bytes(form(PACK))
    book = load_workbook(path)
    _fill(book["填报表"], _flat(twin))
    book.save(path)
    assert _comparable(path) == _comparable(twin)


def test_a_form_in_the_old_layout_still_reads(tmp_path):
    # Forms handed out before the columns moved: code in A, value in D, documents in F.
    twin = SCENARIOS / "xiangtan-2015.yaml"
    book = Workbook()
    sheet = book.active
    sheet.title = "填报表"
    sheet.append(["标题"])
    sheet.append(["说明"])
    sheet.append(["字段代码", "项目", "单位", "填报值", "说明", "佐证材料"])
    sheet.append(["pack", "规则包", "", "cnipa-2015-demo-city"])
    sheet.append(["year", "评估年度", "", 2015])
    for name in PACK.field_names():
        if PACK.field(name).type != "ratio":
            sheet.append([name, PACK.field(name).label, "", None])
    _fill(sheet, _flat(twin), code=0, value=3)
    path = tmp_path / "旧表.xlsx"
    book.save(path)
    assert _comparable(path) == _comparable(twin)


def test_the_form_prints_as_an_office_form(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(form(PACK))
    sheet = load_workbook(path)["填报表"]
    assert sheet["A2"].value.startswith("规则包 cnipa-2015-demo-city ")  # the full id, own row
    assert [c.value for c in sheet[4]] == [
        "项目",
        "填报值",
        "单位",
        "填写说明",
        "佐证材料",
        "字段代码",
    ]
    rows = {r[CODE].value: r for r in sheet.iter_rows(min_row=5) if r[CODE].value}
    assert list(rows)[:4] == ["pack", "year", "city.name", "city.province"]
    staff = rows["enforcement.city_staff"]
    assert staff[0].value == "市局主要从事执法办案工作的人员" and staff[2].value == "人"
    assert "不小于0的整数" in staff[3].value  # what to fill in is printed, not only a comment
    assert staff[0].border.left.style == "thin"
    # Fields come under a heading naming the tasks that read them.
    headings = [r[0].value for r in sheet.iter_rows(min_row=5) if r[0].value and not r[CODE].value]
    assert "城市概况" in headings
    assert any(h.startswith("用于：T2 ") for h in headings)
    assert headings[-4:] == ["填报单位（盖章）", "填报人", "联系电话", "填报日期"]
    kinds = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    assert kinds["list"].formula1 in ('"是,否"', '"副省级,地级,县级市,直辖市所辖区"')
    assert {"whole", "decimal", "date", "list"} <= set(kinds)
    assert rows["plan.issued_on"][VALUE].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A5" and sheet.print_title_rows == "$4:$4"


def _batch_rows(headers_as_labels: bool):
    names = [n for n in PACK.field_names() if PACK.field(n).type != "ratio"]
    heads = [PACK.field(n).label if headers_as_labels else n for n in names]
    rows = [["pack", "year", *heads]]
    for path in YAMLS:
        values = _flat(path)
        rows.append(
            ["cnipa-2015-demo-city", 2015]
            + [_typed_by_hand(PACK.field(n), values[n]) if n in values else None for n in names]
        )
    return rows


def _scores(path: Path) -> dict:
    return {
        a.city: (float(a.score), a.grade, a.requirement_statuses()) for a in assess_paths([path])
    }


def test_batch_csv_in_utf8_bom_and_gb18030_with_labels(tmp_path):
    expected = _scores(SCENARIOS)
    for encoding, labels in (("utf-8-sig", False), ("gb18030", True), ("utf-8", True)):
        text = io.StringIO()
        writer = csv.writer(text)
        for row in _batch_rows(labels):
            writer.writerow([v.isoformat()[:10] if isinstance(v, dt.datetime) else v for v in row])
        path = tmp_path / f"cities-{encoding}.csv"
        path.write_bytes(text.getvalue().encode(encoding))
        assert _scores(path) == expected, encoding


def test_batch_workbook(tmp_path):
    book = Workbook()
    for row in _batch_rows(False):
        book.active.append(row)
    path = tmp_path / "cities.xlsx"
    book.save(path)
    assert _scores(path) == _scores(SCENARIOS)


def test_tolerant_where_safe():
    flag, count, amount = (
        PACK.field(n) for n in ("plan.issued", "talent.operation_staff", "finance.pledge_amount")
    )
    assert [coerce(flag, w) for w in ("是", "有", "TRUE", "✓", "否", "无", "false", "×")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    assert coerce(count, "1,234") == 1234 and coerce(amount, "12,345.5") == Decimal("12345.5")
    date = PACK.field("plan.issued_on")
    for text in ("2015年12月31日", "2015/12/31", "2015.12.31", "2015-12-31"):
        assert coerce(date, text) == dt.date(2015, 12, 31)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blob=st.binary(max_size=400), suffix=st.sampled_from([".yaml", ".json", ".csv", ".xlsx"]))
def test_random_bytes_never_give_a_traceback(tmp_path_factory, blob, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"x{suffix}"
    path.write_bytes(blob)
    with contextlib.suppress(IpscoreError):
        read_all([path], "cnipa-2015-demo-city")


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.dates(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.dictionaries(st.sampled_from(PACK.field_names()), VALUES, max_size=8),
    city=st.dictionaries(st.sampled_from(["name", "level", "batch", "counties"]), VALUES),
)
def test_random_field_values_never_give_a_traceback(picks, city):
    data = {
        "city": {"name": "甲市", "level": "prefecture", "batch": 1, "counties": 0, **city},
        "facts": {},
    }
    for name, value in picks.items():
        group, key = name.split(".")
        holder = data["city"] if group == "city" else data["facts"].setdefault(group, {})
        holder[key] = value
    with contextlib.suppress(IpscoreError):
        parse_submission(data, PACK, "fuzz.yaml", {})


def test_a_report_of_a_batch_table_is_a_cohort_report(tmp_path):
    # Issue 12: `report cities.csv -o x.html` wrote the first city's report and dropped the rest.
    text = io.StringIO()
    writer = csv.writer(text)
    for row in _batch_rows(False):
        writer.writerow([v.isoformat()[:10] if isinstance(v, dt.datetime) else v for v in row])
    path = tmp_path / "cities.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    out = tmp_path / "all.html"
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "report", str(path), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    cities = sorted((tmp_path / "all-cities").iterdir())
    assert len(cities) == 9
    assert all(city in out.read_text(encoding="utf-8") for city in ("武汉市", "常熟市", "湘潭市"))


def test_a_hidden_first_sheet_is_not_the_one_assessed(tmp_path):
    # Issue 12: a hidden first sheet was assessed instead of the visible one.
    book = Workbook()
    hidden = book.active
    hidden.title = "旧数据"
    hidden.append(["pack", "year", "city.name"])
    hidden.append(["cnipa-2015-demo-city", 2015, "隐藏市"])
    hidden.sheet_state = "hidden"
    shown = book.create_sheet("城市")
    for row in _batch_rows(False)[:2]:
        shown.append(row)
    path = tmp_path / "cities.xlsx"
    book.save(path)
    assert [a.city for a in assess_paths([path])] != ["隐藏市"]


def test_column_letters_are_excel_s():
    # Ours, so that a CSV never loads openpyxl; checked against openpyxl's own (it stops at
    # ZZZ; Excel itself at XFD).
    from openpyxl.utils import get_column_letter

    from ipscore.intake.sheets import column_letter

    assert [column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip
    assert all(column_letter(n) == get_column_letter(n) for n in range(1, 18_279))


def test_a_junk_table_is_refused_after_the_first_thousand_problems(tmp_path):
    """Every row wrong (an unknown level, text for a count): the reader stops at 1,000
    problems and says the rest was not checked, instead of reading the file to its end."""
    from ipscore.errors import MOST_PROBLEMS, InputError
    from ipscore.intake.files import read_all

    rows = ["pack,year,city.name,city.level,enforcement.city_staff"]
    rows += [f"cnipa-2015-demo-city,2015,市{n},x,abc" for n in range(5000)]
    junk = tmp_path / "junk.csv"
    junk.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_all([junk])
    problems = caught.value.problems
    assert len(problems) == MOST_PROBLEMS + 1
    assert problems[-1].zh.startswith("问题超过1000处，只列出前1000处")
    # Three problems a row (the level, the count, the batch not given): 333 rows make 999, and
    # the thousandth is the first of the 334th row, on line 335.
    assert problems[0].line == 2 and problems[-2].line == 335


def test_a_row_in_another_encoding_is_named_by_its_line_never_read_as_mojibake(tmp_path):
    """Issue 30: a UTF-8 row in a GB18030 file read as 鐢插競; a GB18030 row in a UTF-8 file
    made the whole file "unknown encoding". A file in one encoding reads as before."""
    head = "pack,year,city.name,city.level,city.batch,city.counties,enforcement.city_staff\n"
    cities = ("湘潭市", "甲市", "乙市")
    rows = [f"cnipa-2015-demo-city,2015,{city},prefecture,3,5,4\n" for city in cities]
    mixed = tmp_path / "u.csv"
    mixed.write_bytes((head + rows[0] + rows[1]).encode() + rows[2].encode("gb18030"))
    with pytest.raises(IpscoreError) as caught:
        read_all([mixed])
    assert caught.value.render() == (
        f"{mixed}，第4行：这一行是 GB18030 编码，文件其余部分是 UTF-8："
        "请把整个文件另存为 UTF-8 的 CSV"
    )
    whole = tmp_path / "gb.csv"
    whole.write_bytes((head + "".join(rows)).encode("gb18030"))
    assert [s.city for _, s in read_all([whole])] == list(cities)

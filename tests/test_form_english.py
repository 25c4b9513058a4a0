"""The fill-in form in English (`ipscore template --lang en`, issue 33): every word of the
tool's own is English, a pack's texts are its English where it has them; the English form
filled in reads exactly like its Chinese twin and its YAML, Yes/No and English option labels
included, and a problem in it names the row by its English label."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ipscore import assess_paths, find_pack
from ipscore.cli import cli
from ipscore.intake.files import read_all
from ipscore.intake.formsheet import form
from ipscore.views.output import to_json

from .conftest import SCENARIOS

PACK = find_pack("cnipa-2015-demo-city")
LIUAN = find_pack("liuan-2017-advanced-unit")
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")


def _template(tmp_path: Path, pack: str, *lang: str) -> Path:
    out = tmp_path / f"{pack}{''.join(lang)}.xlsx"
    done = CliRunner().invoke(cli, [*lang, "template", "--pack", pack, "-o", str(out)])
    assert done.exit_code == 0, done.output
    return out


def _texts(path: Path) -> list[tuple[str, str]]:
    """(where, text) for every text a reader of the form sees: cells, the comment, the
    drop-downs and their messages, and the sheet's name."""
    book = load_workbook(path)
    (sheet,) = book.worksheets
    out = [("sheet", sheet.title)]
    for row in sheet.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                out.append((c.coordinate, c.value))
            if c.comment:
                out.append((f"{c.coordinate} comment", c.comment.text))
    for d in sheet.data_validations.dataValidation:
        out += [(f"check {d.sqref}", t) for t in (d.formula1, d.error, d.errorTitle) if t]
    return out


# The 2015 pack's texts that have no English twin (its content hash is fixed): the notes of
# five profile fields, and the Chinese labels of an option in one note. Each is printed
# under the English "Fill in: …" line of its field, in the field's own row.
UNTRANSLATED_2015 = {
    "city.level": PACK.field("city.level").help,
    "city.batch": PACK.field("city.batch").help,
    "city.counties": PACK.field("city.counties").help,
    "city.navigation_pilot_zone": PACK.field("city.navigation_pilot_zone").help,
    "city.service_cluster_zone": PACK.field("city.service_cluster_zone").help,
}


def test_the_2015_form_in_english_has_no_chinese_word_of_the_tool_s(tmp_path):
    # `--lang en` is taken before the command name or after it alike.
    path = _template(tmp_path, "cnipa-2015-demo-city", "--lang", "en")
    after = tmp_path / "after.xlsx"
    done = CliRunner().invoke(
        cli, ["template", "--lang", "en", "--pack", "cnipa-2015-demo-city", "-o", str(after)]
    )
    assert done.exit_code == 0, done.output
    assert _texts(after) == _texts(path)
    sheet = load_workbook(path)["Form"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][0] == "2015 work plan for the national IP demonstration cities — data form"
    assert (
        rows[1][0] == f"Rule pack cnipa-2015-demo-city 1.1.0 (fingerprint {PACK.content_hash[:12]})"
    )
    assert rows[3] == [
        "Item", "Value", "Unit", "How to fill in", "Supporting documents", "Field code",
    ]  # fmt: skip
    assert rows[4] == ["Rule pack", "cnipa-2015-demo-city", None, "Do not change", None, "pack"]
    by_code = {r[5]: r for r in rows if r[5]}
    staff = by_code["enforcement.city_staff"]
    decl = PACK.field("enforcement.city_staff")
    assert staff[0] == decl.label_en and staff[2] == decl.unit_en
    assert staff[3].startswith(f"Fill in: a whole number, 0 or more (unit: {decl.unit_en})")
    # A unit the pack gives only in Chinese (个) is the tool's to say in English.
    assert by_code["city.counties"][2] == "count"
    assert by_code["services.output_value"][3] == (
        "Fill in: a number, 0 or more, at most 4 decimals (unit: 10k yuan)"
    )
    level = by_code["city.level"][3]
    assert level.splitlines()[0] == (
        "Fill in: choose from the drop-down: sub-provincial; prefecture-level; county-level "
        "city; district of a municipality"
    )
    assert "City profile" in [r[0] for r in rows]
    assert any(str(r[0]).startswith("Used by: T2 ") for r in rows if not r[5])
    assert [r[0] for r in rows[-4:]] == [
        "Reporting office (seal)", "Filled in by", "Telephone", "Date",
    ]  # fmt: skip
    # Printed (LibreOffice Calc, looked at): the English note, three times the Chinese one's
    # width, wraps across the form rather than widening the page; "institutions" fits its
    # unit column whole.
    assert "A3:F3" in {str(m) for m in sheet.merged_cells.ranges}
    assert sheet["A3"].alignment.wrap_text and sheet.row_dimensions[3].height == 3 * 15.4
    assert [sheet.column_dimensions[c].width for c in "ABCDEF"] == [40, 16, 13, 52, 40, 30]
    checks = {d.formula1 for d in sheet.data_validations.dataValidation if d.type == "list"}
    assert '"Yes,No"' in checks
    assert '"sub-provincial,prefecture-level,county-level city,district of a municipality"' in (
        checks
    )
    # Chinese only in the pack's own notes that have no English, in their own fields' rows.
    row_of = {r[5]: n for n, r in enumerate(rows, start=1) if r[5]}
    chinese = {(w, t) for w, t in _texts(path) if CJK.search(t)}
    assert chinese == {(f"D{row_of[code]}", by_code[code][3]) for code in UNTRANSLATED_2015}
    for code, note in UNTRANSLATED_2015.items():
        first, second = by_code[code][3].split("\n")
        assert not CJK.search(first) and second == note


def test_the_points_form_in_english_has_no_chinese_at_all(tmp_path):
    # Every text of the 六安 pack that the form prints has its English twin.
    path = _template(tmp_path, "liuan-2017-advanced-unit", "--lang", "en")
    assert [(w, t) for w, t in _texts(path) if CJK.search(t)] == []
    rows = [[c.value for c in r] for r in load_workbook(path)["Form"].iter_rows()]
    assert (
        rows[0][0]
        == "Lu'an IP work advanced-unit score sheet (2017) — score sheet (self-assessment)"
    )
    assert rows[3] == [
        "Assessed work", "Points", "Scoring criteria", "Figure", "Value", "Self-score",
        "How to fill in", "Supporting documents", "Field code", "Item code",
    ]  # fmt: skip
    by_code = {r[8]: r for r in rows if r[8]}
    assert by_code["creation.invention_applications"][3] == (
        "Invention patent applications (applications)"
    )
    assert by_code["finance.pledge_amount"][3] == "Patent-pledge financing (10k yuan)"
    item = next(r for r in rows if r[9] == "invention-applications")
    assert item[:3] == [
        "Invention patent applications",
        15,
        LIUAN.requirement("invention-applications").points.criteria_en,
    ]
    assert "1. IP creation (30 points)" in [r[0] for r in rows]
    assert rows[-6][:2] == ["Total", 70]


def test_the_chinese_form_is_what_it_was(tmp_path):
    # Without --lang, and with --lang zh, the form is the Chinese one, cell for cell.
    plain = _template(tmp_path, "cnipa-2015-demo-city")
    zh = _template(tmp_path, "cnipa-2015-demo-city", "--lang", "zh")
    assert _texts(plain) == _texts(zh) == _texts(_written(tmp_path, form(PACK)))
    assert load_workbook(plain).sheetnames == ["填报表"]


def _written(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "written.xlsx"
    path.write_bytes(data)
    return path


def _flat(path: Path) -> dict:
    ((_, submission),) = read_all([path])
    return submission.values


def _typed_in_english(decl, value):
    """What a person types into the English form: Yes/No, the English option labels."""
    if decl.type == "bool":
        return "Yes" if value else "No"
    if decl.type == "enum":
        return decl.values_en[value]
    if decl.type == "date":
        return dt.datetime(value.year, value.month, value.day)
    if decl.type == "amount":
        return float(value)
    return value


def _fill_english(path: Path, values: dict, out: Path) -> Path:
    book = load_workbook(path)
    sheet = book["Form"]
    for row in sheet.iter_rows(min_row=5):
        name = row[5].value
        if name in values and PACK.field(name).type != "ratio":
            row[1].value = _typed_in_english(PACK.field(name), values[name])
    book.save(out)
    return out


def _comparable(path: Path) -> dict:
    data = json.loads(to_json(assess_paths([path]), single=True))
    data.pop("source")
    origin = data.pop("provenance")
    assert origin["pack_sha256"] == PACK.content_hash
    return data


def test_the_english_form_filled_in_scores_exactly_like_the_yaml(tmp_path):
    twin = SCENARIOS / "wuhan-2015.yaml"
    blank = _template(tmp_path, "cnipa-2015-demo-city", "--lang", "en")
    values = _flat(twin)
    assert any(PACK.field(n).type == "bool" for n in values)
    assert any(PACK.field(n).type == "enum" for n in values)
    filled = _fill_english(blank, values, tmp_path / "Wuhan.xlsx")
    assert _flat(filled) == values
    assert _comparable(filled) == _comparable(twin)


def test_yes_reads_as_true_and_an_english_option_as_its_code(tmp_path):
    blank = _template(tmp_path, "cnipa-2015-demo-city", "--lang", "en")
    values = _flat(SCENARIOS / "wuhan-2015.yaml")
    assert values["plan.issued"] is True and values["city.level"] == "sub_provincial"
    filled = _fill_english(blank, values, tmp_path / "yes.xlsx")
    book = load_workbook(filled)
    assert values["city.service_cluster_zone"] is False
    typed = {
        "plan.issued": "Yes",
        "city.level": "Sub-Provincial",
        "city.service_cluster_zone": " NO ",
    }
    for row in book["Form"].iter_rows(min_row=5):
        if row[5].value in typed:
            row[1].value = typed[row[5].value]
    book.save(filled)
    read = _flat(filled)
    assert (read["plan.issued"], read["city.level"]) == (True, "sub_provincial")
    assert read == values


def _problem_on(tmp_path: Path, lang: str) -> str:
    blank = _template(tmp_path, "cnipa-2015-demo-city", "--lang", lang)
    book = load_workbook(blank)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=5):
        if row[5].value == "city.name":
            row[1].value = "武汉市"
        if row[5].value == "enforcement.city_staff":
            row[1].value = "many"
            at = row[1].row
    path = tmp_path / f"bad-{lang}.xlsx"
    book.save(path)
    done = CliRunner().invoke(cli, ["--lang", "en", "validate", str(path)])
    assert done.exit_code == 2, done.output
    return done.output, at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_problem_on_the_form_names_the_english_row_label(tmp_path, lang):
    # Under --lang en, a problem in the English form and in its Chinese twin alike names the
    # row by its English label and the field's code.
    output, at = _problem_on(tmp_path, lang)
    label = PACK.field("enforcement.city_staff").label_en
    line = next(x for x in output.splitlines() if "city_staff" in x)
    assert line.endswith(
        f", line {at}, “{label}” [enforcement.city_staff]: "
        "expected a whole number ≥ 0 (persons), got 'many'"
    )


def test_an_english_form_is_read_by_its_heading_wherever_it_is(tmp_path):
    # The heading row is found by "Field code" as by 字段代码: the form reads, even with a
    # blank row above its heading.
    blank = _template(tmp_path, "cnipa-2015-demo-city", "--lang", "en")
    values = _flat(SCENARIOS / "wuhan-2015.yaml")
    path = _fill_english(blank, values, tmp_path / "moved.xlsx")
    book = load_workbook(path)
    book["Form"].insert_rows(1)
    book.save(path)
    assert _flat(path) == values


def test_the_english_points_form_reads_back_with_its_self_scores(tmp_path):
    blank = _template(tmp_path, "liuan-2017-advanced-unit", "--lang", "en")
    figures = {
        "city.name": "金安区",
        "creation.invention_applications": 112,
        "creation.invention_applications_target": 100,
        "creation.invention_grants": 90,
        "creation.invention_grants_target": 100,
        "protection.dispute_cases": 3,
        "protection.counterfeit_cases": 12,
        "finance.pledge_policy": "Yes",
        "finance.pledge_fund": "yes",
        "finance.pledge_amount": 1250,
        "finance.pledge_target": 1000,
    }
    claimed = {"invention-applications": 16.2, "invention-grants": 15, "enforcement": 25}
    book = load_workbook(blank)
    sheet = book["Form"]
    for row in sheet.iter_rows(min_row=5):
        if row[8].value in figures:
            row[4].value = figures[row[8].value]
        if row[9].value in claimed:
            row[5].value = claimed[row[9].value]
    path = tmp_path / "Jin'an.xlsx"
    book.save(path)
    ((_, submission),) = read_all([path])
    assert submission.values["finance.pledge_policy"] is True
    assert submission.values["finance.pledge_fund"] is True
    (result,) = assess_paths([path])
    assert str(result.score) == "67.2"  # 16.2 + 9 + 25 + 17, as tests/test_points_form.py


def _rows_of(pack_id: str) -> dict[str, list]:
    """An English form's rows by their field codes."""
    sheet = load_workbook(io.BytesIO(form(find_pack(pack_id), "en"))).active
    return {r[5]: list(r) for r in sheet.iter_rows(values_only=True) if r[5]}


def test_a_unit_or_a_count_of_decimals_reads_as_english():
    # A unit a pack gives only in Chinese is the tool's to say (件/万人 in the 2017 northeast
    # pack); one decimal is "1 decimal" (the experts' pack's scores).
    national = _rows_of("northeast-2017-opinions")["national.patent_per_10k"]
    assert national[2:4] == [
        "per 10k people",
        "Fill in: a number, 0 or more, at most 2 decimals (unit: per 10k people)",
    ]
    approach = _rows_of("cnipa-2015-experts")["effort.approach"]
    assert approach[3].splitlines()[0] == (
        "Fill in: a number, 0 or more, at most 1 decimal (unit: points)"
    )

"""Reading submissions: what counts as missing, and what is accepted as written."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from ipscore import InputError, assess, load_pack
from ipscore.intake.files import read_one
from ipscore.intake.submission import _checked_values, _values_of, model_for, parse_submission
from ipscore.intake.values import checked

from .conftest import SCENARIOS, ipscore
from .strategies import value_of

CITY = {"name": "湘潭市", "level": "prefecture", "batch": 3, "counties": 5}


def read(pack, facts=None, **city):
    return parse_submission({"city": {**CITY, **city}, "facts": facts or {}}, pack, "x.yaml", {})


def test_absent_and_empty_fields_are_missing_not_false(pack):
    sub = read(pack, {"plan": {"in_city_fyp": "", "issued": None}})
    assert "plan.in_city_fyp" not in sub.values
    assert "plan.issued" not in sub.values


def test_chinese_option_labels_are_accepted(pack):
    assert read(pack, level="地级").values["city.level"] == "prefecture"


def test_json_dates_arrive_as_text(pack):
    sub = read(pack, {"plan": {"issued_on": "2015-12-31"}})
    assert sub.values["plan.issued_on"].isoformat() == "2015-12-31"


@pytest.mark.parametrize("name, zone", [("苏州", True), ("苏州市", True), ("湘潭市", False)])
def test_pilot_zone_defaults_follow_the_cities_the_plan_names(pack, name, zone):
    assert read(pack, name=name).values["city.navigation_pilot_zone"] is zone


def test_a_city_may_override_the_default(pack):
    assert (
        read(pack, name="苏州市", navigation_pilot_zone=False).values["city.navigation_pilot_zone"]
        is False
    )


def test_every_problem_is_reported_at_once(pack):
    with pytest.raises(InputError) as caught:
        read(pack, {"enforcement": {"city_staff": -1, "trainings": "两次"}}, level="city")
    assert len(caught.value.problems) == 3


def test_another_packs_submission_is_refused(pack):
    data = {"pack": "other-pack", "city": CITY}
    with pytest.raises(InputError) as caught:
        parse_submission(data, pack, "x.yaml", {})
    assert "提交文件写的规则包是 other-pack，但本次用 cnipa-2015-demo-city 评估" in str(
        caught.value
    )


def test_a_date_outside_the_assessment_year_where_one_is_required():
    from pathlib import Path

    from ipscore import load_pack

    tiny = load_pack(Path(__file__).parent / "tiny-pack.yaml")
    city = {"name": "甲市"}
    ok = parse_submission(
        {"city": city, "facts": {"work": {"started_on": "2015-03-01"}}}, tiny, "x", {}
    )
    assert ok.values["work.started_on"].year == 2015
    with pytest.raises(InputError) as caught:
        parse_submission(
            {"city": city, "facts": {"work": {"started_on": "2016-01-01"}}}, tiny, "x", {}
        )
    assert "字段 work.started_on：应为2015年内的日期，实际为 2016-01-01" in str(caught.value)


def test_a_workbook_of_several_cities_is_refused_by_one_city_commands(tmp_path):
    import csv

    from ipscore.intake.files import read_one

    path = tmp_path / "two.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["pack", "year", "city.name", "city.level", "city.batch", "city.counties"])
        writer.writerow(["cnipa-2015-demo-city", 2015, "甲市", "prefecture", 1, 0])
        writer.writerow(["cnipa-2015-demo-city", 2015, "乙市", "prefecture", 1, 0])
    with pytest.raises(InputError, match="这个命令一次只处理一个城市，文件中有 2 个"):
        read_one(path)


def _northeast(tmp_path, reference: str, facts: str = "{}"):
    from ipscore.intake.files import read_one

    (tmp_path / "ref.yaml").write_text(f"note: 测试数据\n{reference}", encoding="utf-8")
    sub = tmp_path / "sub.yaml"
    sub.write_text(
        "pack: northeast-2017-opinions\nreference: ref.yaml\ncity: {name: 辽宁省}\n"
        f"facts: {facts}\n",
        encoding="utf-8",
    )
    return read_one(sub)


def test_reference_figures_come_from_the_named_file(tmp_path):
    _, sub = _northeast(tmp_path, "facts:\n  national: {patent_growth: 13.5}\n")
    assert str(sub.values["national.patent_growth"]) == "13.5"
    assert [i.note for i in sub.inputs] == [None, "测试数据"]


def test_a_reference_file_must_say_where_its_figures_come_from(tmp_path):
    """Issue 11: the national averages were marked illustrative in a YAML comment only."""
    (tmp_path / "ref.yaml").write_text("facts:\n  national: {patent_growth: 1}\n", "utf-8")
    (tmp_path / "sub.yaml").write_text(
        "pack: northeast-2017-opinions\nreference: ref.yaml\ncity: {name: 辽宁省}\n", "utf-8"
    )
    with pytest.raises(InputError, match="参考数据文件须写 note：数据的来源和年份"):
        read_one(tmp_path / "sub.yaml")


def test_an_example_is_marked_in_every_output(tmp_path):
    from ipscore.report import city_report, score_sheet
    from ipscore.views.output import to_csv, to_json
    from ipscore.views.tables.assessment import summary
    from ipscore.views.tables.base import as_text

    pack, sub = read_one(SCENARIOS / "northeast-2017-opinions" / "jilin-2017.yaml")
    a = assess(pack, sub)
    example = "示例数据，不是官方统计的全国平均数"
    assert example in "".join(as_text([summary([a])]).split())  # the caption wraps
    assert example in to_json([a], single=True)
    assert example in to_csv([a])
    for suffix in (".html", ".md"):
        assert example in city_report(a, suffix)
    assert example.encode() in _sheet_text(score_sheet(pack, [a]))


def _sheet_text(data: bytes) -> bytes:
    """Every cell of every sheet (read through openpyxl: with lxml installed the XML holds
    numeric character references, not UTF-8)."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    cells = (str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    return "\n".join(c for c in cells if c != "None").encode()


def test_reference_file_problems_name_the_reference_file(tmp_path):
    with pytest.raises(InputError) as caught:
        _northeast(tmp_path, "facts:\n  national:\n    patent_growth: -1\n")
    assert (
        "ref.yaml，第4行，字段 national.patent_growth：应为不小于0的数（%），不能为负数 -1"
        in str(caught.value)
    )
    with pytest.raises(InputError) as caught:
        _northeast(tmp_path, "facts:\n  patents: {owned: 5}\n")
    assert "ref.yaml，第3行，字段 patents.owned：参考数据文件只能提供参考数据字段" in str(
        caught.value
    )
    with pytest.raises(InputError) as caught:
        _northeast(
            tmp_path, "facts:\n  national: {patent_growth: 1}\n", "{national: {patent_growth: 2}}"
        )
    assert "这个字段已由参考数据文件提供，提交文件中不要再填" in str(caught.value)
    (tmp_path / "ref.yaml").unlink()
    from ipscore.intake.files import read_one

    with pytest.raises(InputError, match=r"ref\.yaml：文件不存在"):
        read_one(tmp_path / "sub.yaml")


def test_a_blank_county_count_is_missing_not_a_rejected_file(pack, tmp_path):
    # The form says 留空算缺报: a blank city.counties leaves T2.R2 (所辖县市区明确1人) undecided
    # and the rest of the file assessed; only what identifies the submission is refused.
    sub = read(pack, {"enforcement": {"counties_with_staff": 5}}, counties="")
    assert "city.counties" not in sub.values
    result = assess(pack, sub)
    assert result.requirement_statuses()["T2.R2"] == "missing"
    assert "city.counties" in result.missing
    with pytest.raises(InputError) as caught:
        read(pack, name="")
    assert "city.name" in str(caught.value)


def test_a_blank_population_leaves_only_the_per_capita_targets_missing():
    jiaxing = load_pack(Path(__file__).parents[1] / "rules/jiaxing-2008-pilot-city.yaml")
    data = {"city": {"name": "嘉兴市", "population": ""}, "facts": {"patents": {"applications": 9}}}
    result = assess(jiaxing, parse_submission(data, jiaxing, "x.yaml", {}))
    assert "city.population" in result.missing
    statuses = result.requirement_statuses()
    per_capita = [
        r.id
        for t in result.tasks
        for r in t.requirements
        if "patents.applications_per_10k" in r.inputs
    ]
    assert per_capita and all(statuses[r] == "missing" for r in per_capita)


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SCENARIOS.rglob("*") if p.suffix in (".yaml", ".json")),
    ids=lambda p: p.name,
)
def test_the_fast_reader_reads_what_the_careful_one_reads(path):
    from ipscore.yamlio import load_fast, load_with_bytes

    fast = load_fast(path)
    careful, _, raw = load_with_bytes(path)
    assert fast is not None and fast == (careful, raw)


# What a hand-typed or hostile document may hold where a value goes.
RAW = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**17),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, places=6),
    st.sampled_from(["", " ", "是", "否", "3", "3.5", "12%", "2015-12-31", "abc", "prefecture"]),
    st.lists(st.integers(), max_size=2),
)


@st.composite
def documents(draw, pack):
    """A submission document of valid values, one of them (or its group) replaced by anything
    at all, or left out."""
    sections: dict[str, dict] = {}
    for name in pack.field_names():
        decl = pack.field(name)
        if decl.type == "ratio" or (not decl.required and draw(st.booleans())):
            continue
        group, key = name.split(".", 1)
        sections.setdefault(group, {})[key] = draw(value_of(decl))
    group = draw(st.sampled_from(sorted(sections)))
    key = draw(st.sampled_from(sorted(sections[group])))
    change = draw(st.sampled_from(["value", "value", "drop the field", "the group"]))
    if change == "value":
        sections[group][key] = draw(RAW)
    elif change == "drop the field":
        del sections[group][key]
    else:
        sections[group] = draw(RAW)
    city = sections.pop("city", {})
    return {"city": city, "facts": sections}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_quick_typing_gives_what_the_model_gives_or_leaves_it_to_the_model(pack, data):
    # A sound document is typed field by field, without building the pydantic model; that
    # must give exactly the model's values, and anything the model rejects must go to it.
    doc = data.draw(documents(pack))
    quick = _checked_values(doc, pack, pack.pack.year)
    try:
        model = model_for(pack, pack.pack.year).model_validate(doc)
    except ValidationError:
        assert quick is None
        return
    if quick is not None:
        assert quick == _values_of(pack, model, with_city=True)
        assert list(quick) == list(_values_of(pack, model, with_city=True))


def test_a_required_field_left_out_goes_to_the_model(pack):
    doc = {"city": {"level": "prefecture"}, "facts": {}}
    assert _checked_values(doc, pack, 2015) is None
    with pytest.raises(InputError, match=r"city\.name"):
        parse_submission(doc, pack, "x.yaml", {})


def test_a_count_is_let_through_at_once_exactly_where_the_full_check_finds_nothing(pack):
    # count_range tells the common whole counts without a Decimal; _number_problem is the
    # full check every reader's messages come from.
    from decimal import Decimal

    from ipscore.intake.values import _number_problem, count_range

    counts = [pack.field(n) for n in pack.field_names() if pack.field(n).type == "count"]
    assert counts
    for decl in counts:
        low, high = count_range(decl)
        for value in (-1, 0, 1, int(low) - 1, int(low), int(high), int(high) + 1, 10**16):
            fine = _number_problem(decl, Decimal(value)) is None
            assert (low <= value <= high) == fine, (decl.label, value)


def test_an_evidence_file_over_the_limit_is_named_and_never_hashed(tmp_path):
    """Issue 30: a 3 GB evidence file was hashed on every run (about 30 s each)."""
    with (tmp_path / "scan.pdf").open("wb") as big:  # sparse: 201 MB that take no disk
        big.truncate(201 * 2**20)
    submission = tmp_path / "xiangtan.yaml"
    submission.write_text(
        "pack: cnipa-2015-demo-city\nyear: 2015\n"
        "city: {name: 湘潭市, level: prefecture, batch: 3, counties: 5}\n"
        "evidence:\n  T1.R2:\n    - {doc: 潭政〔2015〕8号, file: scan.pdf}\n",
        encoding="utf-8",
    )
    done = ipscore("validate", str(submission))
    assert done.returncode == 2
    assert (
        f"{submission}，第6行，字段 evidence.T1.R2[1].file：佐证材料文件 scan.pdf 有 201 MB，"
        "超过上限 200 MB，没有计算校验值：请压缩或拆分（可用环境变量 IPSCORE_MAX_EVIDENCE_MB 调整）"
    ) in done.stderr
    assert ipscore("validate", str(submission), IPSCORE_MAX_EVIDENCE_MB="300").returncode == 0


def test_a_figure_at_its_field_maximum_is_taken_and_one_step_past_it_refused(pack):
    """Pledge financing may be at most 100,000,000万元 (its `max`), to four decimals: the
    maximum itself is a figure, 100,000,000.0001 is not. So with a count written as a
    decimal (10000.0 persons, the most enforcement staff a city may file)."""
    amount = pack.field("finance.pledge_amount")
    assert checked(amount, Decimal("100000000")) == Decimal("100000000")
    with pytest.raises(PydanticCustomError, match="exceeds the plausible maximum 100000000"):
        checked(amount, Decimal("100000000.0001"))
    staff = pack.field("enforcement.city_staff")
    assert checked(staff, Decimal("10000.0")) == 10000
    with pytest.raises(PydanticCustomError, match="exceeds the plausible maximum 10000"):
        checked(staff, Decimal("10001.0"))

"""One identity per city (issue 30): 湘潭市 typed with a zero-width, non-breaking, full-width or
inner space, a BOM or a joiner is refused with the clean name offered, by every reader and by
the archive, so assess, archive add and publish never see the city twice."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from ipscore import InputError
from ipscore.record.publish import published
from ipscore.store.archive import Archive
from ipscore.store.records import read_dump
from ipscore.text import clean_name, odd_in_name
from ipscore.views.batch import archive as store

from .conftest import SCENARIOS, ipscore

STAMP = "2016-01-15T09:00:00Z"
XIANGTAN = (SCENARIOS / "xiangtan-2015.yaml").read_text(encoding="utf-8")
# Each of the spellings of 湘潭市, with the character the message names.
SPELLINGS = {
    "湘潭市\u200b": "有看不见的字符（U+200B）",
    "湘潭市\u200d": "有看不见的字符（U+200D）",
    "\ufeff湘潭市": "有看不见的字符（U+FEFF）",
    "湘潭\u00a0市": "有空格（U+00A0）",
    "湘潭\u3000市": "有空格（U+3000）",
    "湘 潭市": "有空格（U+0020）",
    "湘潭市\u2060": "有看不见的字符（U+2060）",
    "湘潭\r\n市": "有换行符（U+000D）",
    "湘\t潭市": "有空格（U+0009）",
}


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_every_spelling_has_one_clean_name_and_a_reason(name):
    assert clean_name(name) == "湘潭市"
    odd = odd_in_name(name)
    assert odd is not None and odd[0] == SPELLINGS[name]


def test_clean_names_and_chinese_punctuation_are_left_alone():
    for name in ("湘潭市", "某市（试点）", "伊犁哈萨克自治州", "Xiangtan"):
        assert odd_in_name(name) is None
        assert clean_name(name) == name
    # A full-width letter or a Kangxi radical is the plain one; é typed as e + accent is é.
    assert clean_name("Ａ市") == "A市"
    assert clean_name("\u2fa6华市") == "金华市"
    assert odd_in_name("e\u0301") is None


def _files(folder: Path, *names: str) -> list[Path]:
    out = []
    for i, name in enumerate(names):
        path = folder / f"xiangtan-{i}.yaml"
        quoted = json.dumps(name)  # escaped as YAML reads them: a raw line break would fold
        path.write_text(XIANGTAN.replace("name: 湘潭市", f"name: {quoted}"), encoding="utf-8")
        out.append(path)
    return out


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_assess_refuses_a_second_spelling_instead_of_ranking_the_city_twice(tmp_path, name):
    clean, odd = _files(tmp_path, "湘潭市", name)
    done = ipscore("assess", str(clean), str(odd), str(SCENARIOS / "wuhan-2015.yaml"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert (
        f"{odd}，第6行，字段 city.name：名称中{SPELLINGS[name]}，是否想写 湘潭市？" in done.stderr
    )


def test_archive_add_stores_nothing_of_a_batch_with_a_second_spelling(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    archive = Archive(db)
    try:
        with pytest.raises(InputError, match="名称中有看不见的字符（U\\+200B），是否想写 湘潭市？"):
            store(archive, _files(tmp_path, "湘潭市", "湘潭市\u200b"), STAMP)
        assert archive.count() == 0
        store(archive, [*_files(tmp_path, "湘潭市"), SCENARIOS / "wuhan-2015.yaml"], STAMP)
        tiers = published(archive, 2015, basis="declared").to_dict()["tiers"]
        assert [c["city"] for t in tiers for c in t["cities"]] == ["武汉市", "湘潭市"]
    finally:
        archive.close()


def test_an_import_with_a_second_spelling_is_refused_on_its_line(tmp_path):
    dump = tmp_path / "export.jsonl"
    lines = [json.dumps(_record(city), ensure_ascii=False) for city in ("湘潭市", "湘潭\u3000市")]
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_dump(dump)
    assert caught.value.render() == (
        f"{dump}，第2行，字段 city：城市名称中有空格（U+3000），是否想写 湘潭市？"
    )


def test_the_archive_itself_refuses_a_second_spelling(tmp_path):
    """A record past the readers (an import, the Python API) meets the archive's own check."""
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite'}")
    try:
        refused = "城市名称中有看不见的字符（U\\+FEFF），是否想写 湘潭市？"
        with pytest.raises(InputError, match=refused):
            archive.import_records([_record("\ufeff湘潭市")])
        assert archive.count() == 0
    finally:
        archive.close()


def test_a_city_an_older_ipscore_stored_with_a_zero_width_space_is_not_stored_twice(tmp_path):
    path = tmp_path / "a.sqlite"
    archive = Archive(f"sqlite:///{path}")
    try:
        archive.import_records([_record("湘潭市")])
    finally:
        archive.close()
    with sqlite3.connect(path) as conn:  # as an ipscore before this check stored it
        conn.execute("UPDATE submissions SET city = '湘潭市' || char(8203)")
        conn.execute("UPDATE figures SET city = '湘潭市' || char(8203)")
    archive = Archive(f"sqlite:///{path}")
    try:
        with pytest.raises(InputError) as caught:
            store(archive, _files(tmp_path, "湘潭市"), STAMP)
        assert caught.value.render() == (
            "字段 city：档案库中已存的城市 湘潭市 的名称中有看不见的字符（U+200B）"
            "（由较早版本的 ipscore 存入）：同一城市不能存为两个名称"
        )
        assert archive.count() == 1
    finally:
        archive.close()


def _record(city: str) -> dict[str, object]:
    """An exported record with only what importing it reads."""
    return {
        "pack": "cnipa-2015-demo-city",
        "pack_version": "1",
        "pack_sha256": "0" * 64,
        "city": city,
        "year": 2014,
        "kind": "figures",
        "source": "x.yaml",
        "input_sha256": "1" * 64,
        "references": [],
        "stored_at": STAMP,
        "stored_by": None,
        "ipscore_version": "0",
        "figures": {},
        "result": None,
    }


def test_a_city_asked_for_with_a_second_spelling_is_offered_the_clean_one(tmp_path):
    """`history` and `archive show` of 湘潭市 typed with a zero-width or inner space: not "the
    archive holds nothing", but the clean name offered."""
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    assert (
        ipscore("archive", "add", str(SCENARIOS / "xiangtan-2015.yaml"), IPSCORE_DB=db).returncode
        == 0
    )
    done = ipscore("history", "湘潭市\u200b", IPSCORE_DB=db)
    assert done.returncode == 2
    assert "字段 CITY：城市名称中有看不见的字符（U+200B），是否想写 湘潭市？" in done.stderr
    done = ipscore("archive", "show", "湘潭 市", "2015", IPSCORE_DB=db)
    assert done.returncode == 2 and "城市名称中有空格（U+0020），是否想写 湘潭市？" in done.stderr
    assert ipscore("history", "湘潭市", IPSCORE_DB=db).returncode == 0

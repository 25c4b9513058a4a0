"""Places in the order offices list them: provinces by GB/T 2260 code, names by pinyin."""

from __future__ import annotations

from ipscore.regions import PROVINCE_CODES, pinyin_key, place_key, province_code


def test_every_province_level_division_has_its_gbt2260_code():
    assert len(PROVINCE_CODES) == 34  # 23 provinces (with 台湾), 5 regions, 4 cities, 2 SARs
    assert province_code("北京市") == 11 and province_code("重庆市") == 50
    assert province_code("新疆维吾尔自治区") == 65 and province_code("澳门特别行政区") == 82


def test_a_province_is_found_by_its_usual_short_name():
    assert province_code("湖北") == 42
    assert province_code("内蒙古") == 15 and province_code("广西") == 45
    assert province_code(" 湖北省 ") == 42
    assert province_code("某省") is None and province_code(None) is None


def test_names_sort_by_pinyin_not_by_character_code():
    names = ["重庆市", "上海市", "长沙市", "厦门市"]
    assert sorted(names) == ["上海市", "厦门市", "重庆市", "长沙市"]  # code points
    assert sorted(names, key=pinyin_key) == ["长沙市", "重庆市", "上海市", "厦门市"]


def test_places_sort_by_province_code_then_pinyin_and_unknown_provinces_last():
    places = [("浙江省", "温州市"), ("某省", "甲市"), ("河南省", "郑州市"), ("浙江省", "台州市")]
    assert sorted(places, key=lambda p: place_key(*p)) == [
        ("浙江省", "台州市"),
        ("浙江省", "温州市"),
        ("河南省", "郑州市"),
        ("某省", "甲市"),
    ]

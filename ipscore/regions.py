"""Where a city is, in the order offices list places: provinces by their administrative division
code, names within a province in pinyin order — never by character code, which puts 重庆
before 上海 and 长沙 anywhere.

The codes are the province-level codes (the first two digits) of GB/T 2260-2007《中华人民共和国
行政区划代码》, unchanged since 1997 (重庆 50); the Ministry of Civil Affairs publishes the
current county-level list under the same scheme.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

PROVINCE_CODES = {
    "北京市": 11,
    "天津市": 12,
    "河北省": 13,
    "山西省": 14,
    "内蒙古自治区": 15,
    "辽宁省": 21,
    "吉林省": 22,
    "黑龙江省": 23,
    "上海市": 31,
    "江苏省": 32,
    "浙江省": 33,
    "安徽省": 34,
    "福建省": 35,
    "江西省": 36,
    "山东省": 37,
    "河南省": 41,
    "湖北省": 42,
    "湖南省": 43,
    "广东省": 44,
    "广西壮族自治区": 45,
    "海南省": 46,
    "重庆市": 50,
    "四川省": 51,
    "贵州省": 52,
    "云南省": 53,
    "西藏自治区": 54,
    "陕西省": 61,
    "甘肃省": 62,
    "青海省": 63,
    "宁夏回族自治区": 64,
    "新疆维吾尔自治区": 65,
    "台湾省": 71,
    "香港特别行政区": 81,
    "澳门特别行政区": 82,
}
# A name as people shorten it (湖北, 内蒙古, 广西) finds its province too.
_SHORT = {
    name.removesuffix("省").removesuffix("市").removesuffix("特别行政区"): code
    for name, code in PROVINCE_CODES.items()
} | {"内蒙古": 15, "广西": 45, "西藏": 54, "宁夏": 64, "新疆": 65}


def province_code(name: str | None) -> int | None:
    """The province's GB/T 2260 code, by its full or its usual short name; None if unknown."""
    if not name:
        return None
    name = name.strip()
    return PROVINCE_CODES.get(name) or _SHORT.get(name)


@cache
def pinyin_key(name: str) -> tuple[str, ...]:
    """A name's sort key in pinyin (syllables without tones, then the name itself, so that
    homophones keep a fixed order). pypinyin loads on first use: most rankings have no ties
    and never need it."""
    from pypinyin import lazy_pinyin

    return (*lazy_pinyin(name), name)


def place_key(province: str | None, city: str) -> tuple[int, tuple[str, ...]]:
    """Provinces by code (an unknown one last), cities within a province by pinyin."""
    code = province_code(province)
    return (code if code is not None else 100, pinyin_key(city))


# What a place's full name adds to the name people say: 武汉 → 武汉市, 延边 → 延边朝鲜族自治州.
_SUFFIXES = ("市", "区", "县", "州", "盟", "旗", "地区")


def full_name(name: str, known: Iterable[str]) -> str | None:
    """The one known place that `name` is the short form of (武汉 for 武汉市, 湖北 for 湖北省
    among provinces); None if none, or if the name is itself known."""
    known = set(known)
    name = name.strip()
    if not name or name in known:
        return None
    found = [k for k in known if k.startswith(name) and k[len(name) :].endswith(_SUFFIXES)]
    found += [k for k in known if k.startswith(name) and k[len(name) :] in ("省",)]
    return found[0] if len(found) == 1 else None


def meant(name: str, known: Iterable[str]) -> tuple[str, str]:
    """A message's tail offering the full name where `name` is the short form of one known
    place ("；是否想写 武汉市？", in Chinese and English); empty strings otherwise."""
    found = full_name(name, known)
    if found is None:
        return "", ""
    return f"；是否想写 {found}？", f"; did you mean {found}?"

"""Terminal tables at 80 columns, as a city clerk's terminal shows them: every line fits, and
no word, name or verdict is cut (rich alone cut "Excellent" into "Excell" / "ent")."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from ipscore.decide.pipeline import assess, assess_paths
from ipscore.intake.files import read_all
from ipscore.strength.evaluation import evaluate
from ipscore.views.fit import _unbreakable, fit
from ipscore.views.tables.assessment import for_assessments, summary
from ipscore.views.tables.base import _Folding
from ipscore.views.tables.strength import strength_tables

from .conftest import ROOT


def _printed(items: list[Table], width: int = 80) -> list[str]:
    console = _Folding(width=width, record=True, file=io.StringIO(), highlight=False)
    for item in items:
        console.print(item)
    return console.export_text().splitlines()


@pytest.fixture(scope="module")
def cities():
    return assess_paths([ROOT / "scenarios"])


def _latin_words(table: Table) -> set[str]:
    """Every Latin word the table holds, and each part of a hyphenated one after its hyphen:
    what may be printed without a word being cut."""
    texts = [table.title, table.caption]
    texts += [t for c in table.columns for t in (c.header, *c.cells)]
    words = {w for t in texts if t for w in Text.from_markup(str(t)).plain.split()}
    return words | {part for w in words for part in re.split(r"(?<=[A-Za-z]-)", w) if part}


def test_the_english_ranking_keeps_every_word_whole_at_80_columns(cities):
    table = summary(cities, "en")
    allowed = _latin_words(table)
    lines = _printed([table])
    assert max(cell_len(line) for line in lines) <= 80
    printed = {w for line in lines for w in line.split() if w.isascii()}
    assert printed <= allowed, printed - allowed  # no word cut inside
    assert {"Excellent", "complete", "municipality"} <= printed
    # Every city name on one line: the first column is given its room first.
    for a in cities:
        assert any(a.city in line for line in lines), a.city
    assert not any("…" in line for line in lines)


def test_the_chinese_ranking_keeps_names_and_states_whole_at_80_columns(cities):
    lines = _printed([summary(cities, "zh")])
    assert max(cell_len(line) for line in lines) <= 80
    text = "\n".join(lines)
    for word in ("北京市朝阳区", "直辖市所辖区", "全部完成", "不合格", "层级内排名"):
        assert word in text, word


def test_a_table_that_fits_is_left_as_rich_draws_it(cities):
    wuhan = [a for a in cities if a.city == "武汉市"]
    table = summary(wuhan, "zh")
    _printed([table], width=140)
    assert all(c.width is None for c in table.columns)
    assert table.padding == (0, 1, 0, 1) and table.show_edge


def test_the_strength_ranking_prints_a_table_per_tier_with_every_dimension_whole():
    s = evaluate([ROOT / "scenarios" / "strength-2015"])
    lines = _printed(strength_tables(s, "en"))
    assert max(cell_len(line) for line in lines) <= 80
    heads = next(line for line in lines if "Creation" in line).split()
    assert heads[-5:] == ["Creation", "Utilisation", "Protection", "Management", "Services"]
    # A tier names its own table (at the left), so the ranking has no tier column.
    assert [
        line.strip() for line in lines if line.strip() in {"sub-provincial", "prefecture-level"}
    ] == [
        "sub-provincial",
        "prefecture-level",
    ]


def test_the_to_do_list_of_one_city_fits_80_columns_with_its_inputs_whole():
    pack, submission = next((p, s) for p, s in read_all([ROOT / "scenarios" / "wuhan-2015.yaml"]))
    a = assess(pack, submission)
    lines = _printed(for_assessments([a], True, "en"))
    assert max(cell_len(line) for line in lines) <= 80
    assert any("77,999,999 yuan" in line for line in lines)  # a figure never split


@pytest.mark.parametrize(
    ("word", "keep", "least"),
    [
        ("Excellent", 3, 9),
        ("prefecture-level", 3, 11),  # breaks after the hyphen
        ("T4.R2", 3, 5),
        ("北京市朝阳区", 3, 6),  # Chinese keeps three characters together
        ("北京市朝阳区", 1, 2),
        ("T4.R2未达到", 3, 6),
    ],
)
def test_the_narrowest_a_word_may_be(word, keep, least):
    assert _unbreakable(word, keep) == least


def test_a_table_whose_words_cannot_fit_is_left_to_rich_to_fold():
    table = Table()
    for k in range(12):
        table.add_column(f"Column{k}")
    table.add_row(*(f"Abundantly{k}" for k in range(12)))
    console = _Folding(width=80, file=io.StringIO())
    fit(table, console)
    assert all(c.width is None for c in table.columns)


def _en(db: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "--lang", "en", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "IPSCORE_DB": str(db)},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_commands_over_the_archive_speak_english(tmp_path):
    """Results store the Chinese grade and title; English output asks the pack for its own."""
    db = tmp_path / "a.sqlite"
    _en(db, "archive", "add", "scenarios/", "scenarios/earlier-years/", "--by", "张三")
    history = _en(db, "history", "武汉市")
    assert "Fail" in history and "不合格" not in history
    review = _en(db, "review", "--years", "2013-2015")
    assert "(2013–2015)" in review and "（" not in review.splitlines()[0]
    assert "95.7 Excellent" in review and "优秀" not in review
    # The review report says the grades in the same words (it used to print the codes).
    _en(db, "review", "--years", "2013-2015", "-o", str(tmp_path / "review.html"))
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "Excellent" in page and ">excellent<" not in page and "优秀" not in page
    pending = _en(db, "verify", "--pending")
    assert "IP work written into the city's five-year plan" in pending
    assert "; decides" in pending and "；" not in pending
    archive = _en(db, "archive", "list")
    assert "Excellent" in archive and "excellent" not in archive


def test_pack_commands_speak_english(tmp_path):
    shown = _en(tmp_path / "a.sqlite", "rules", "show", "cnipa-2015-demo-city")
    assert "Original words (section)" in shown and "required" in shown
    assert "必需" not in shown and "IP work written into the city's" in shown
    tested = _en(tmp_path / "a.sqlite", "test", "cnipa-2015-demo-city")
    assert "cases passed, 0 failed" in tested
    whatif = _en(
        tmp_path / "a.sqlite", "whatif", "scenarios/wuhan-2015.yaml", "--param", "T4.R2=1.15"
    )
    assert "武汉市: what if" in whatif and "武汉市：" not in whatif

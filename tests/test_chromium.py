"""PDFs printed by a headless Chromium (issue 14: a year's set on paper in under 30 s): which
engine prints what, the printed set read back, and a browser that is missing, dies or hangs —
each one message, no traceback, nothing half-written, no browser or profile left behind."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from ipscore.errors import IpscoreError
from ipscore.report import chromium
from ipscore.report.render import css_string

from .conftest import SCENARIOS, ipscore, scenario_with
from .test_report import need

TWO = [str(SCENARIOS / "wuhan-2015.yaml"), str(SCENARIOS / "xiangtan-2015.yaml")]  # a set


def _info(pdf: Path) -> dict[str, str]:
    shown = subprocess.run([need("pdfinfo"), str(pdf)], capture_output=True, text=True).stdout
    return {
        k.strip(): v.strip() for k, _, v in (line.partition(":") for line in shown.splitlines())
    }


def _text(pdf: Path) -> str:
    return subprocess.run(
        [need("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def browser() -> str:
    found = chromium.find()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed")
        pytest.skip("chromium is not installed here (CI installs it)")
    return found


def test_a_set_is_printed_by_chromium_and_one_report_by_weasyprint(tmp_path, browser):
    out = tmp_path / "汇总.pdf"
    done = ipscore("report", "scenarios/", "-o", str(out), "--no-timestamp")
    assert done.returncode == 0, done.stderr
    wuhan = tmp_path / "汇总-cities" / "wuhan-2015.pdf"
    for pdf in (out, wuhan):
        info = _info(pdf)
        assert info["Producer"].startswith("Skia/PDF") and "(A4)" in info["Page size"]
    # Wuhan as hand-worked in the 2015 contract: 94.2, 不合格 for one yuan of pledge financing.
    text = _text(wuhan)
    assert "武汉市" in text and "94.2" in text and "不合格" in text and "还差1元" in text
    pages = int(_info(wuhan)["Pages"])
    # Each page's footer: its number of all, and the document's title (not only WeasyPrint's).
    assert f"1/{pages}" in text.replace(" ", "") and f"{pages}/{pages}" in text.replace(" ", "")
    assert text.count("武汉市 2015 · 示范城市年度评估报告") >= pages
    one = tmp_path / "武汉.pdf"
    assert ipscore("report", str(SCENARIOS / "wuhan-2015.yaml"), "-o", str(one)).returncode == 0
    assert _info(one)["Producer"].startswith("WeasyPrint")
    asked = tmp_path / "武汉-chromium.pdf"
    done = ipscore(
        "report", str(SCENARIOS / "wuhan-2015.yaml"), "-o", str(asked), "--pdf-engine", "chromium"
    )
    assert done.returncode == 0, done.stderr
    assert _info(asked)["Producer"].startswith("Skia/PDF")
    forced = tmp_path / "set-weasyprint.pdf"
    done = ipscore("report", *TWO, "-o", str(forced), "--pdf-engine", "weasyprint")
    assert done.returncode == 0, done.stderr
    assert _info(forced)["Producer"].startswith("WeasyPrint")


def test_without_a_browser_a_set_is_printed_by_weasyprint_and_asking_for_one_fails(tmp_path):
    out = tmp_path / "set.pdf"
    done = ipscore("report", *TWO, "-o", str(out), IPSCORE_CHROMIUM="no-such-browser")
    assert done.returncode == 0, done.stderr
    assert _info(out)["Producer"].startswith("WeasyPrint")
    one = tmp_path / "one.pdf"
    wuhan = str(SCENARIOS / "wuhan-2015.yaml")
    done = ipscore(
        "report",
        wuhan,
        "-o",
        str(one),
        "--pdf-engine",
        "chromium",
        IPSCORE_CHROMIUM="no-such-browser",
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "找不到 Chromium：--pdf-engine chromium 需要 Chromium、Chrome 或 Edge" in done.stderr
    assert not one.exists()


def test_a_browser_that_dies_leaves_no_file_no_process_and_no_profile(tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    out = tmp_path / "out" / "set.pdf"
    out.parent.mkdir()
    done = ipscore(
        "report", "scenarios/", "-o", str(out), IPSCORE_CHROMIUM="false", TMPDIR=str(temp)
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Chromium 没能生成 PDF（浏览器已退出）；可改用 --pdf-engine weasyprint" in done.stderr
    assert list(out.parent.iterdir()) == [] and list(temp.iterdir()) == []


def test_a_browser_that_hangs_is_stopped_after_the_timeout(tmp_path, monkeypatch):
    hangs = tmp_path / "hangs"
    pid = tmp_path / "pid"
    hangs.write_text(f"#!/bin/sh\necho $$ > {pid}\nexec sleep 60\n", encoding="utf-8")
    hangs.chmod(0o755)
    monkeypatch.setenv("IPSCORE_CHROMIUM", str(hangs))
    monkeypatch.setattr(chromium, "TIMEOUT", 0.5)
    started = time.monotonic()
    with pytest.raises(IpscoreError) as raised, chromium.printing():
        chromium.pdf("<p>x</p>")
    assert time.monotonic() - started < 10
    assert "Chromium 没能生成 PDF（0.5秒内没有完成）" in raised.value.problems[0].zh
    with pytest.raises(ProcessLookupError):  # stopped and reaped
        os.kill(int(pid.read_text()), 0)


def test_a_title_reaches_the_page_footer_as_text_never_as_markup(tmp_path):
    assert css_string('a"b\\c</style>') == "a\\22 b\\5c c\\3c \\2f style\\3e "
    from ipscore.decide.pipeline import assess_paths
    from ipscore.report import city_report

    evil = scenario_with(
        tmp_path, "xiangtan-2015.yaml", {"name: 湘潭市,": 'name: "湘潭</style><b>\\"x",'}
    )
    html = city_report(assess_paths([evil])[0], ".html")
    assert isinstance(html, str) and html.count("</style>") == 1
    assert (
        "湘潭&lt;/style&gt;&lt;b&gt;&#34;x" in html or "湘潭&lt;/style&gt;&lt;b&gt;&quot;x" in html
    )

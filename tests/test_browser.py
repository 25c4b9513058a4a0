"""`ipscore serve` in a real browser: Debian's chromium driven through Debian's chromedriver
(Selenium, the driver named by path: nothing is downloaded), against the app served by uvicorn
on 127.0.0.1. What a clerk and a reviewer do, as they would do it.

With IPSCORE_SCREENSHOTS=folder the main pages are saved there (docs/img/render.sh uses it)."""

from __future__ import annotations

import io
import os
import re
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from ipscore.season.people import load_users
from ipscore.web.pages import Settings

from .conftest import SCENARIOS
from .test_web import users_file, wuhan_form
from .webserver import serve as _serve


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail(f"{names[0]} is not installed")
    pytest.skip(f"{names[0]} is not installed here (CI installs it)")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    yield from _serve(Settings(tmp_path / "data", db=f"sqlite:///{tmp_path / 'a.db'}"))


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = _tool("chromium", "chromium-browser")
    # No proxy: a proxy set for the package registries must not take the requests to 127.0.0.1.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--no-proxy-server", "--window-size=1280,1600"):  # fmt: skip
        options.add_argument(argument)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(_tool("chromedriver")), options=options)
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver: webdriver.Chrome, name: str) -> None:
    folder = os.environ.get("IPSCORE_SCREENSHOTS")
    if folder:
        driver.save_screenshot(str(Path(folder) / name))


def _submit(driver: webdriver.Chrome, button: WebElement) -> None:
    """Click and wait for the next page: a click returns before the browser has navigated.
    Asked in the instant the old page goes, chromedriver may answer "Node with given id does
    not belong to the document" rather than "stale" (seen once in CI): ask again."""
    page = driver.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(staleness_of(page))


def _text(driver: webdriver.Chrome) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def _upload_one(driver: webdriver.Chrome, path: Path) -> None:
    form = driver.find_element(By.CSS_SELECTOR, 'form[action="/check"]')
    form.find_element(By.NAME, "file").send_keys(str(path))
    _submit(driver, form.find_element(By.CSS_SELECTOR, "button"))


def test_a_clerk_uploads_the_wuhan_form_fixes_the_gap_and_downloads_the_pdf(
    site: str, browser: webdriver.Chrome, tmp_path: Path
):
    path = tmp_path / "武汉-填报表.xlsx"
    path.write_bytes(wuhan_form())
    browser.get(site)
    _shot(browser, "web-home.png")
    _upload_one(browser, path)
    page = _text(browser)
    assert "不合格" in page and "卡在" in page and "T4.R2" in page and "还差1元" in page
    _shot(browser, "web-check.png")
    whatif = browser.find_element(By.ID, "whatif")
    Select(whatif.find_element(By.NAME, "setfield")).select_by_value("finance.pledge_amount")
    whatif.find_element(By.NAME, "setvalue").send_keys("7800")
    _submit(browser, whatif.find_element(By.CSS_SELECTOR, "button"))
    compared = browser.find_element(By.ID, "compare").text
    assert "94.2 不合格" in compared and "98.6 优秀" in compared
    _shot(browser, "web-whatif.png")
    browser.find_element(By.LINK_TEXT, "PDF").click()
    deadline = time.monotonic() + 30
    pdfs: list[Path] = []
    while time.monotonic() < deadline and not pdfs:
        pdfs = list(browser.downloads.glob("*.pdf"))  # type: ignore[attr-defined]
        time.sleep(0.2)
    assert pdfs and pdfs[0].read_bytes()[:5] == b"%PDF-"


def test_a_reviewer_ranks_the_year_and_rejects_evidence(site: str, browser: webdriver.Chrome):
    browser.get(site)
    form = browser.find_element(By.CSS_SELECTOR, 'form[action="/batch"]')
    files = sorted(str(p) for p in SCENARIOS.glob("*-2015.*"))
    form.find_element(By.NAME, "files").send_keys("\n".join(files))
    _submit(browser, form.find_element(By.CSS_SELECTOR, "button"))
    page = _text(browser)
    assert "成都市" in page and "卡在" in page
    _shot(browser, "web-cohort.png")
    _submit(browser, browser.find_element(By.LINK_TEXT, "成都市"))
    assert "申报得分 95.7 优秀" in _text(browser)
    verify = browser.find_element(By.ID, "verify")
    Select(verify.find_element(By.NAME, "requirement")).select_by_value("T4.R1")
    verify.find_element(By.CSS_SELECTOR, 'input[value="reject"]').click()
    verify.find_element(By.NAME, "reason").send_keys("没有盖章")
    verify.find_element(By.NAME, "by").send_keys("张三")
    _submit(browser, verify.find_element(By.CSS_SELECTOR, "button"))
    page = _text(browser)
    verified = browser.find_element(By.CSS_SELECTOR, "strong.verified").text
    assert verified.endswith("不合格") and "驳回：没有盖章（张三）" in page
    _shot(browser, "web-verify.png")


def test_a_city_user_cannot_open_another_citys_page(tmp_path: Path, browser: webdriver.Chrome):
    settings = Settings(
        tmp_path / "data",
        db=f"sqlite:///{tmp_path / 'a.db'}",
        users=load_users(users_file(tmp_path)),
    )
    for site in _serve(settings):

        def sign_in(name: str, password: str, site: str = site) -> None:
            browser.delete_all_cookies()
            browser.get(f"{site}/login")
            browser.find_element(By.NAME, "name").send_keys(name)
            browser.find_element(By.NAME, "password").send_keys(password)
            _submit(browser, browser.find_element(By.CSS_SELECTOR, "form button"))

        sign_in("zhang", "z-pass")
        _upload_one(browser, SCENARIOS / "chengdu-2015.yaml")
        chengdu = browser.current_url
        assert "/check/" in chengdu, _text(browser)
        sign_in("wuhan", "w-pass")
        browser.get(chengdu)
        assert "武汉市的用户只能查看本市的记录，不能查看成都市的" in _text(browser)
        assert "95.7" not in _text(browser)
        browser.get(f"{site}/review")
        assert "这一页只给审核人员" in _text(browser)


def test_hostile_uploads_get_a_clear_message(site: str, browser: webdriver.Chrome, tmp_path: Path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.yaml", b"0" * 50_000_000)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (50 * 2**20))
    book = load_workbook(io.BytesIO(wuhan_form()))
    for row in book["填报表"].iter_rows(min_row=5):
        if row[5].value == "enforcement.city_staff":
            row[1].value = '=HYPERLINK("http://x","3")'
    formula = tmp_path / "公式.xlsx"
    book.save(formula)
    browser.get(site)
    form = browser.find_element(By.CSS_SELECTOR, 'form[action="/batch"]')
    form.find_element(By.NAME, "files").send_keys(str(bomb))
    _submit(browser, form.find_element(By.CSS_SELECTOR, "button"))
    assert "压缩炸弹" in _text(browser)
    for path, message in ((big, "文件太大"), (formula, "公式")):
        browser.get(site)
        _upload_one(browser, path)
        assert message in _text(browser), path.name


SCREENS = {"desktop": (1366, 900), "phone": (390, 844)}


def _fits(driver: webdriver.Chrome, page: str) -> None:
    """Nothing makes the page scroll sideways (a wide table scrolls in its own box), and no
    option of the command line is shown."""
    wide, inner = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert wide <= inner, f"{page}: {wide} px wide in a {inner} px window"
    assert not re.findall(r"(?<![\w-])--[a-z][\w-]*", _text(driver)), page


def _before(driver: webdriver.Chrome, first: str, then: str) -> bool:
    """Whether the element `first` (a CSS selector) comes before `then` in the document."""
    found: bool = driver.execute_script(
        "const a = document.querySelector(arguments[0]), b = document.querySelector(arguments[1]);"
        "return Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);",
        first,
        then,
    )
    return found


@pytest.mark.parametrize("screen", SCREENS)
def test_every_page_fits_the_screen_with_the_result_before_the_tools(
    site: str, browser: webdriver.Chrome, tmp_path: Path, screen: str
):
    """A clerk and a reviewer on a desktop (1366 px) and a phone (390 px): no page scrolls
    sideways; the result comes first (on the phone, within the first screen), the tools after
    it; a figure and a threshold are chosen by name; a decision is said to be recorded."""
    width, height = SCREENS[screen]
    browser.set_window_size(width, height)
    assert browser.execute_script("return window.innerWidth") == width
    browser.get(site)
    _fits(browser, "home")
    _shot(browser, f"web-home-{screen}.png")
    path = tmp_path / "武汉-填报表.xlsx"
    path.write_bytes(wuhan_form())
    _upload_one(browser, path)
    _fits(browser, "check")
    assert _before(browser, ".conclusion", "#whatif")
    top = browser.execute_script(
        "return document.querySelector('.conclusion').getBoundingClientRect().top"
    )
    assert top < height, "the conclusion is on the first screen"
    _shot(browser, f"web-check-{screen}.png")

    whatif = browser.find_element(By.ID, "whatif")
    Select(whatif.find_element(By.NAME, "setfield")).select_by_visible_text(
        "2015年专利权质押融资金额（万元）"
    )
    whatif.find_element(By.NAME, "setvalue").send_keys("7800")
    _submit(browser, whatif.find_element(By.CSS_SELECTOR, "button"))
    compared = browser.find_element(By.ID, "compare").text
    assert "基准 94.2 不合格 → 改动后 98.6 优秀（+4.4）" in compared
    _fits(browser, "what-if")
    _shot(browser, f"web-whatif-{screen}.png")

    # A threshold chosen from the pack's, then a second one: each kept, each said in words.
    browser.find_element(By.LINK_TEXT, "回到基准").click()
    for name, value in (("T4.R2", "1.1"), ("T2.R1", "2")):
        whatif = browser.find_element(By.ID, "whatif")
        Select(whatif.find_element(By.NAME, "paramname")).select_by_value(name)
        whatif.find_element(By.NAME, "paramvalue").send_keys(value)
        _submit(browser, whatif.find_element(By.CSS_SELECTOR, "button"))
    assert "改动后 98.6 优秀" in browser.find_element(By.ID, "compare").text
    changed = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.changed li")]
    assert changed == [
        "T4.R2 专利权质押融资金额增长20%以上（未开展的实现突破）：2015年专利权质押融资金额 ≥ "
        "2014年专利权质押融资金额 × 1.2，改为 1.1 去掉这一项",
        "T2.R1 市局明确执法办案人员：市局主要从事执法办案工作的人员 ≥ 3人，改为 2 去掉这一项",
    ]
    _fits(browser, "thresholds")
    _shot(browser, f"web-thresholds-{screen}.png")

    browser.get(site)
    form = browser.find_element(By.CSS_SELECTOR, 'form[action="/batch"]')
    files = sorted(str(p) for p in SCENARIOS.glob("*-2015.*"))
    form.find_element(By.NAME, "files").send_keys("\n".join(files))
    _submit(browser, form.find_element(By.CSS_SELECTOR, "button"))
    _fits(browser, "cohort")
    _shot(browser, f"web-cohort-{screen}.png")
    _submit(browser, browser.find_element(By.LINK_TEXT, "成都市"))
    _fits(browser, "city")
    assert _before(browser, ".conclusion", "#verify")
    assert browser.find_element(By.CSS_SELECTOR, "strong.verified").text == "尚未核验"
    verify = browser.find_element(By.ID, "verify")
    Select(verify.find_element(By.NAME, "requirement")).select_by_value("T4.R1")
    verify.find_element(By.CSS_SELECTOR, 'input[value="reject"]').click()
    verify.find_element(By.NAME, "by").send_keys("张三")
    _submit(browser, verify.find_element(By.CSS_SELECTOR, "button"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "核验未记下："
    assert "驳回要写明理由" in _text(browser) and "上传" not in _text(browser).split("退出")[-1]
    _fits(browser, "refused")
    browser.back()
    verify = browser.find_element(By.ID, "verify")
    Select(verify.find_element(By.NAME, "requirement")).select_by_value("T4.R1")
    verify.find_element(By.CSS_SELECTOR, 'input[value="reject"]').click()
    verify.find_element(By.NAME, "reason").send_keys("没有盖章")
    by = verify.find_element(By.NAME, "by")
    by.clear()
    by.send_keys("张三")
    _submit(browser, verify.find_element(By.CSS_SELECTOR, "button"))
    done = browser.find_element(By.CSS_SELECTOR, "#verify .done")
    assert (
        done.text == "已记下：T4.R1 出台或完善质押融资、专利保险政策措施 已驳回（没有盖章），张三"
    )
    assert done.location["y"] <= browser.execute_script("return window.scrollY") + height
    _fits(browser, "verified")
    _shot(browser, f"web-verify-{screen}.png")
    browser.get(f"{site}/review")
    _fits(browser, "review")
    _shot(browser, f"web-review-{screen}.png")

"""End to end in a real headless Chromium: a patient's whole visit, keyboard, phone, axe.

Each test saves screenshots of the pages it visited in build/screenshots/<test>/ (the
how-to's pictures come from there). Every page visited is checked with axe-core (WCAG 2.x
A and AA) and every request the browser made is checked to stay on 127.0.0.1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT
from tests.web.browser import Browser, Served, stop_server

pytestmark = pytest.mark.slow

MB_EXPORT = ROOT / "tests" / "importers" / "data" / "mb_standard.csv"


def _by_name(browser: Browser, name: str):
    from selenium.webdriver.common.by import By

    return browser.driver.find_element(By.NAME, name)


def _set(browser: Browser, name: str, value: str) -> None:
    """Set a date or time control as a user's picker would, with its input event."""
    element = _by_name(browser, name)
    browser.driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        element,
        value,
    )


def _type(browser: Browser, name: str, text: str) -> None:
    element = _by_name(browser, name)
    element.clear()
    element.send_keys(text)


def _choose(browser: Browser, name: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(_by_name(browser, name)).select_by_value(value)


def _wait_gone(browser: Browser, element: object) -> None:
    """Wait until the page that held ``element`` has been replaced by the next one."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser.driver, 30).until(expected_conditions.staleness_of(element))
    WebDriverWait(browser.driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def _submit(browser: Browser, text: str) -> None:
    from selenium.webdriver.common.by import By

    button = browser.driver.find_element(By.XPATH, f"//button[normalize-space()='{text}']")
    button.click()
    _wait_gone(browser, button)


def _click_link(browser: Browser, text: str, download: bool = False) -> None:
    from selenium.webdriver.common.by import By

    link = browser.driver.find_element(By.LINK_TEXT, text)
    link.click()
    if not download:
        _wait_gone(browser, link)


def _page_text(browser: Browser) -> str:
    from selenium.webdriver.common.by import By

    return " ".join(browser.driver.find_element(By.TAG_NAME, "body").text.split())


class Visit:
    """The pages a test visits: each is photographed and checked with axe."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.violations: dict[str, list[dict[str, object]]] = {}

    def look(self, name: str, full: bool = False) -> None:
        (self.browser.full_shot if full else self.browser.shot)(name)
        found = self.browser.axe()
        if found:
            self.violations[name] = found


def _check_requests(browser: Browser, served: Served) -> None:
    urls = browser.requests()
    assert urls, "the browser log recorded no request"
    outside = [u for u in urls if not u.startswith((served.origin + "/", "data:"))]
    assert outside == [], f"the page asked for outside addresses: {outside}"


def test_a_patient_keeps_a_diary_imports_and_downloads(
    served: Served, browser: Browser, tmp_path: Path
) -> None:
    visit = Visit(browser)
    driver = browser.driver
    driver.get(served.url)
    assert driver.current_url == served.origin + "/new"  # no diary yet; the token left the URL
    visit.look("new-diary")
    _type(browser, "given", "Ana Maria")
    _type(browser, "family", "Silva")
    _set(browser, "birthDate", "1988-04-12")
    assert _by_name(browser, "id").get_attribute("value") == "ana-maria-silva-1988-04-12"
    _choose(browser, "sex", "female")
    _type(browser, "timezone", "Europe/Lisbon")
    _submit(browser, "Start the diary")
    assert "Your new diary was created." in _page_text(browser)
    visit.look("empty-diary")

    _click_link(browser, "Medications")
    _type(browser, "name", "Sumatriptan 50 mg")
    _choose(browser, "class", "triptan")
    _type(browser, "atc", "N02CC01")
    _submit(browser, "Add to the list")
    visit.look("medications")

    _click_link(browser, "Log an attack")
    _set(browser, "start", "2026-11-02T08:15")
    _set(browser, "end", "2026-11-02T13:45")
    _type(browser, "intensity", "7")
    driver.find_element("css selector", "input[name=symptoms][value=photophobia]").click()
    driver.find_element("css selector", "input[name=painLocations][value=left-temple]").click()
    _type(browser, "twitching[0].location", "left-eyelid")
    _type(browser, "twitching[0].description", "eyelid flutters like a moth")
    _type(browser, "twitching[0].intensity", "3")
    _type(browser, "twitching[1].location", "neck")
    _type(browser, "twitching[1].description", "a jumpy feeling at the back of the neck")
    driver.find_element("css selector", "input[name=triggers][value=lack-of-sleep]").click()
    _choose(browser, "medications[0].medication", "sumatriptan-50-mg")
    _set(browser, "medications[0].taken", "2026-11-02T09:00")
    _type(browser, "medications[0].dose", "50 mg")
    _choose(browser, "medications[0].relief", "good")
    _type(browser, "reliefMethods[0].method", "dark-room")
    _choose(browser, "disability", "moderate")
    visit.look("attack-form", full=True)
    _submit(browser, "Save the attack")
    text = _page_text(browser)
    assert "The attack was saved." in text
    assert "Mon 02 Nov 2026, 08:15" in text and "5 h 30 min" in text
    assert "left eyelid “eyelid flutters like a moth”; neck" in text
    assert "Sumatriptan 50 mg (relief: good)" in text
    visit.look("diary-with-attack")

    _click_link(browser, "Import")
    _choose(browser, "source", "migraine-buddy")
    _by_name(browser, "export").send_keys(str(MB_EXPORT))
    visit.look("import")
    _submit(browser, "Read the file")
    assert "Added 3 attacks" in _page_text(browser)
    visit.look("import-preview", full=True)
    _submit(browser, "Add to my diary")
    assert "The import was added to your diary." in _page_text(browser)
    assert "4 attacks" in _page_text(browser)
    visit.look("diary-after-import")

    _click_link(browser, "Report and FHIR")
    visit.look("report", full=True)
    _click_link(browser, "Download the PDF report", download=True)
    pdf = browser.wait_download(".pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "2026-11-02" in text and "eyelid flutters like a moth" in text
    _click_link(browser, "FHIR transaction Bundle", download=True)
    bundle = json.loads(browser.wait_download(".json").read_text())
    twitches = [
        e["resource"] for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and any(c.get("code") == "82470000" for c in e["resource"].get("valueCodeableConcept", {}).get("coding", []))
    ]  # fmt: skip
    assert {n["text"] for t in twitches for n in t.get("note", [])} >= {
        "eyelid flutters like a moth",
        "a jumpy feeling at the back of the neck",
    }
    shutil.copy(pdf, browser.shots / "report.pdf")
    _check_requests(browser, served)
    assert visit.violations == {}
    diary = json.loads((tmp_path / "my-diary.json").read_text())
    assert diary["patient"]["id"] == "ana-maria-silva-1988-04-12" and len(diary["attacks"]) == 4
    log = stop_server(served)
    for secret in ("Silva", "eyelid", "my-diary", "1988"):
        assert secret not in log, f"the server's log mentions {secret!r}: {log}"


def test_a_refused_entry_shows_its_problem_beside_the_field(
    served: Served, browser: Browser, tmp_path: Path
) -> None:
    visit = Visit(browser)
    browser.driver.get(served.url)
    _type(browser, "given", "Ana")
    _type(browser, "timezone", "Europe/Lisbon")
    _submit(browser, "Start the diary")
    before = (tmp_path / "my-diary.json").read_bytes()
    _click_link(browser, "Log an attack")
    _set(browser, "start", "2026-11-02T08:15")
    _set(browser, "end", "2026-11-01T08:15")
    _type(browser, "intensity", "12")
    _type(browser, "twitching[0].description", "no place given")
    _submit(browser, "Save the attack")
    text = _page_text(browser)
    assert "Problem: input should be less than or equal to 10" in text
    assert "Problem: end is before start" in text
    assert "Problem: required field is missing" in text  # the twitching site
    assert (tmp_path / "my-diary.json").read_bytes() == before
    visit.look("attack-problems", full=True)
    browser.driver.execute_script("document.documentElement.style.filter = 'grayscale(1)'")
    browser.shot("attack-problems-greyscale")
    browser.driver.execute_script("document.documentElement.style.filter = ''")
    assert visit.violations == {}


def test_the_page_works_with_the_keyboard_alone(
    served: Served, browser: Browser, tmp_path: Path
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver = browser.driver
    driver.get(served.url)

    def active() -> str:
        return str(
            driver.execute_script(
                "return document.activeElement.name || document.activeElement.textContent.trim()"
            )
        )

    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert active() == "Skip to the content"
    # Tab to each control of the new-diary form in reading order and type into it
    seen = []
    for _ in range(12):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        seen.append(active())
        if active() == "given":
            ActionChains(driver).send_keys("Kim").perform()
        if active() == "timezone":  # select what is there and type over it
            ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(
                Keys.CONTROL
            ).perform()
            ActionChains(driver).send_keys("Europe/Oslo").perform()
        if active() == "Start the diary":
            break
    assert seen[:2] == ["given", "family"] and "id" in seen and seen[-1] == "Start the diary", seen
    assert driver.find_element("name", "id").get_attribute("value") == "kim"  # suggested
    browser.shot("keyboard-focus")
    form = driver.find_element("name", "given")
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    _wait_gone(browser, form)
    assert "Your new diary was created." in _page_text(browser)
    diary = json.loads((tmp_path / "my-diary.json").read_text())
    assert diary["patient"]["name"]["given"] == ["Kim"], diary
    assert diary["patient"]["timezone"] == "Europe/Oslo", diary


@pytest.mark.parametrize(
    "page", ["/", "/attacks/new", "/report", "/import"], ids=["diary", "attack", "report", "import"]
)
def test_a_phone_sized_window_needs_no_sideways_scrolling(
    page: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from tests.web.browser import open_browser, require_browser, start_server

    require_browser()
    diary = tmp_path / "diary.json"
    shutil.copy(ROOT / "examples" / "episodic-twitching.json", diary)
    served = start_server(diary, tmp_path)
    try:
        for browser in open_browser(tmp_path, request.node.name, width=390, height=844):
            visit = Visit(browser)
            browser.driver.get(served.url)
            browser.driver.get(served.origin + page)
            wide = browser.driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            visit.look("phone")
            assert wide <= 0, f"{page}: {wide} px wider than the phone"
            assert visit.violations == {}
            _check_requests(browser, served)
    finally:
        stop_server(served)


def test_an_outside_source_is_blocked_by_the_content_security_policy(
    served: Served, browser: Browser
) -> None:
    driver = browser.driver
    driver.get(served.url)
    blocked = driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; const seen = {};"
        "document.addEventListener('securitypolicyviolation', e => { seen.uri = e.blockedURI;"
        "  seen.directive = e.effectiveDirective; });"
        "const img = document.createElement('img'); img.alt = '';"
        "img.onerror = () => done({...seen, loaded: false}); img.onload = () => done({loaded: true});"
        "img.src = 'http://192.0.2.1/x.png'; document.body.appendChild(img);"
    )
    assert blocked == {"uri": "http://192.0.2.1/x.png", "directive": "img-src", "loaded": False}

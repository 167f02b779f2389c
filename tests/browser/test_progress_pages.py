"""A wait over a second shows a status line on the pages (issue 11 item 5): the sponsor's
suggestion, HR's portfolio staffing and a kickoff package. The slow work is held on an event in
the live server (the engine's entry points are wrapped in this process), so the test decides how
long it lasts: the line appears with the server's phase, in a polite live region that exists from
page load (so screen readers announce it), fits a phone screen, and is empty again with the answer."""

from __future__ import annotations

import re
import threading
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from teamgraph.progress import SOLVING, phase
from tests.browser.a11y import assert_accessible
from tests.browser.keyboard import (
    WIDTHS, activate, fill_request, open_request, press, staff_portfolio, tab_to, viewport, wait,
)

pytestmark = pytest.mark.browser


class Held:
    """Replaces `module.name` (an engine entry point the service calls) with one that reports
    `says` as its phase, then waits until the test releases it."""

    def __init__(self, monkeypatch, module, name: str, says: str | None = None):
        self.inner, self.says, self.release = getattr(module, name), says, threading.Event()
        monkeypatch.setattr(module, name, self)

    def __call__(self, *args, **kwargs):
        if self.says:
            phase(self.says)
        assert self.release.wait(60), "the test never released the held work"
        return self.inner(*args, **kwargs)


LOOK = """const w = arguments[0] ? window.kickoffTab : window;
  const s = w && w.document.getElementById("progress-status"); if (!s) return null;
  const r = s.getBoundingClientRect(), secs = s.querySelector(".progress-seconds");
  return { text: s.innerText.trim(), phase: s.querySelector(".progress-phase").textContent,
    role: s.getAttribute("role"), live: s.getAttribute("aria-live"), atomic: s.getAttribute("aria-atomic"),
    secondsHidden: secs.getAttribute("aria-hidden"), x: r.x, width: r.width,
    shown: r.width > 1 && w.getComputedStyle(s).visibility !== "hidden" };"""


def look(browser, other_tab: bool = False) -> dict | None:
    """The status line as the page has it now (with `other_tab`, the page this one opened as
    window.kickoffTab: read from here while that tab waits for a navigation, since WebDriver
    commands to a navigating tab wait until it has finished)."""
    return browser.execute_script(LOOK, other_tab)


def assert_live_region_at_rest(browser, other_tab: bool = False) -> None:
    """Present from page load, polite, atomic, and empty (nothing announced, nothing shown)."""
    s = look(browser, other_tab)
    assert s is not None and (s["role"], s["live"], s["atomic"]) == ("status", "polite", "true")
    assert s["text"] == "" and not s["shown"]


def wait_for_phase(browser, words: str, other_tab: bool = False) -> dict:
    """The line once it says `words` (the server's phase), with its seconds counter."""
    wait(browser).until(lambda b: words in ((look(b, other_tab) or {}).get("text") or ""))
    s = look(browser, other_tab)
    assert s["shown"] and s["width"] > 100
    assert s["x"] >= 0 and s["x"] + s["width"] <= WIDTHS["phone"][0]  # fits a phone
    assert re.search(r"\d+\.\d s$", s["text"]), s["text"]
    assert s["phase"].startswith(words)  # what is announced: the phase (the seconds are aria-hidden)
    assert s["secondsHidden"] == "true"
    return s


def enter_without_waiting(browser) -> None:
    """Enter on the focused control, sent straight to the browser as a key-down (which alone presses
    a button). The test that uses it runs with the page-load strategy "none": the navigation this
    starts is held, and a driver that waited for it (as chromedriver does whenever it sees the
    navigation start in time, a race) would wait out the test's own hold, then stop the load."""
    browser.execute_cdp_cmd("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Enter", "code": "Enter",
                                                        "windowsVirtualKeyCode": 13, "text": "\r"})


def test_a_held_suggestion_shows_its_phase_until_the_team_comes(phone, signed_in, monkeypatch, screenshots):
    import teamgraph.matching.engine as engine
    held = Held(monkeypatch, engine, "suggest", says=SOLVING)
    try:
        base = signed_in("sponsor")
        phone.get(base + "/sponsor")
        assert_live_region_at_rest(phone)
        fill_request(phone)
        activate(phone, "#submit")
        wait_for_phase(phone, SOLVING)  # the page's own words first, then the server's phase
        phone.save_screenshot(str(screenshots / "progress-solving-390.png"))
        assert_accessible(phone, "sponsor page while solving")
    finally:
        held.release.set()
    wait(phone).until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#result .member")))
    wait(phone, 10).until(lambda b: look(b)["text"] == "")
    assert_live_region_at_rest(phone)


def test_a_held_portfolio_says_it_is_staffing(phone, signed_in, monkeypatch):
    import teamgraph.matching.portfolio as portfolio
    held = Held(monkeypatch, portfolio, "staff")  # the service itself says "Staffing 1 request …"
    try:
        base = signed_in("hr")
        open_request(phone, base)
        staff_portfolio(phone)
        wait_for_phase(phone, "Staffing 1 request from one pool")
    finally:
        held.release.set()
    wait(phone).until(EC.presence_of_element_located((By.ID, "portfolio-answer")))
    wait(phone, 10).until(lambda b: look(b)["text"] == "")


@pytest.mark.page_load_strategy("none")
def test_a_held_kickoff_page_shows_the_line_until_the_package_loads(phone, signed_in, monkeypatch):
    import teamgraph.embeddings.kickoff as kickoff
    held = Held(monkeypatch, kickoff, "kickoff_package")  # the service says "Finding similar cases …"
    try:
        signed_in("member")  # waits for the page it lands on, which opens the kickoff tab
        home = phone.current_window_handle
        phone.execute_script("window.kickoffTab = window.open('/kickoff', 'kickoff');")
        wait(phone).until(lambda b: b.execute_script(
            "return window.kickoffTab.document.readyState === 'complete' && "
            "!!window.kickoffTab.document.getElementById('progress-status')"))
        assert_live_region_at_rest(phone, other_tab=True)
        phone.switch_to.window("kickoff")
        viewport(phone, *WIDTHS["phone"])
        tab_to(phone, "#brief")
        press(phone, "Warehouse scanners lost wifi: survey radio coverage at a new site")
        tab_to(phone, "#kickoff-go")
        enter_without_waiting(phone)  # the kickoff tab now waits for the held package
        phone.switch_to.window(home)  # and is watched from here
        wait_for_phase(phone, "Finding similar cases, lessons and experts", other_tab=True)
    finally:
        held.release.set()
    phone.switch_to.window("kickoff")
    wait(phone).until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, ".case")))
    wait(phone).until(lambda b: b.execute_script("return document.readyState") == "complete")
    assert "progress=" not in urlsplit(phone.current_url).query  # the id leaves the address bar
    assert_live_region_at_rest(phone)  # the package page starts at rest

"""Driving the pages by keyboard only: Tab to a control (the test fails if Tab never reaches it),
type into whatever has the focus, pick from an autocomplete with the arrow keys and Enter. No
element is clicked; elements are only looked up to read what the page shows."""

from __future__ import annotations

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WIDTHS = {"phone": (390, 844), "tablet": (768, 1024), "desktop": (1440, 900)}


def wait(browser, seconds: float = 30) -> WebDriverWait:
    """Wait for a condition; parts of the page redrawn meanwhile are looked up again."""
    return WebDriverWait(browser, seconds, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def viewport(browser, width: int, height: int) -> None:
    """Emulate a device viewport of exactly width × height CSS pixels (a phone honours the meta viewport)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700})


def active(browser):
    return browser.switch_to.active_element


def press(browser, *keys) -> None:
    """Key presses sent to whatever has the focus."""
    ActionChains(browser).send_keys(*keys).perform()


def matches(browser, element, css: str) -> bool:
    return browser.execute_script("return arguments[0].matches(arguments[1])", element, css)


def tab_to(browser, css: str, limit: int = 120, backwards: bool = False):
    """Press Tab (Shift+Tab backwards) until the focused element matches `css`; return it."""
    for _ in range(limit):
        el = active(browser)
        if matches(browser, el, css):
            return el
        if backwards:
            ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        else:
            press(browser, Keys.TAB)
    raise AssertionError(f"Tab never reached {css!r} (stuck on {describe(browser, active(browser))})")


def start_from_top(browser) -> None:
    """Put the keyboard at the start of the document, as after loading a page."""
    browser.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);"
                           "document.body.setAttribute('tabindex', '-1'); document.body.focus();"
                           "document.body.removeAttribute('tabindex');")


def describe(browser, el) -> str:
    return browser.execute_script(
        "const e = arguments[0]; return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +"
        " (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') +"
        " ' ' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40)", el)


def listbox_of(browser, combobox):
    return browser.find_element(By.ID, combobox.get_attribute("aria-controls"))


def highlighted(browser, combobox) -> str:
    """The text of the option the combobox points at with aria-activedescendant ('' when none)."""
    target = combobox.get_attribute("aria-activedescendant")
    return browser.find_element(By.ID, target).find_element(By.CSS_SELECTOR, ".ac-label").text if target else ""


def wait_options(browser, combobox, seconds: float = 10) -> list[str]:
    WebDriverWait(browser, seconds).until(lambda b: combobox.get_attribute("aria-expanded") == "true")
    return [o.find_element(By.CSS_SELECTOR, ".ac-label").text
            for o in listbox_of(browser, combobox).find_elements(By.CSS_SELECTOR, "[role=option]")]


def choose(browser, combobox, typed: str, wanted: str) -> None:
    """Type into the focused combobox, arrow down to `wanted`, press Enter; the box then holds it."""
    assert active(browser) == combobox, "the combobox must have the focus"
    replace_text(browser, typed)
    options = wait_options(browser, combobox)
    assert wanted in options, (typed, options)
    for _ in range(len(options)):
        if highlighted(browser, combobox) == wanted:
            break
        press(browser, Keys.ARROW_DOWN)
    assert highlighted(browser, combobox) == wanted
    press(browser, Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda b: combobox.get_attribute("aria-expanded") == "false")
    assert combobox.get_attribute("value") == wanted


def type_date(browser, iso: str) -> None:
    """Type an ISO date into the focused <input type=date> (Chromium's en-US order: month, day, year)."""
    y, m, d = iso.split("-")
    press(browser, m, d, y)


def replace_text(browser, text: str) -> None:
    """Select all in the focused field (Ctrl+A), delete, type `text`."""
    ActionChains(browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(Keys.BACKSPACE, text).perform()


def activate(browser, css: str, backwards: bool = False):
    """Tab (Shift+Tab backwards) to the control matching `css` and press Enter; return it."""
    el = tab_to(browser, css, backwards=backwards)
    press(browser, Keys.ENTER)
    return el


def enter_window(browser, start: str, end: str) -> None:
    """Type the request window's first and last day into #start and #end."""
    tab_to(browser, "#start")
    type_date(browser, start)
    tab_to(browser, "#end")
    type_date(browser, end)


def open_request(browser, base: str) -> None:
    """The sponsor page at `base`, its request form filled by keyboard (`fill_request`)."""
    browser.get(base + "/sponsor")
    fill_request(browser)


def staff_portfolio(browser) -> None:
    """Add the filled request to the portfolio and staff it, by keyboard (the answer comes later)."""
    activate(browser, "#portfolio-add")
    activate(browser, "#portfolio-go")


def fill_request(browser, start="2026-04-01", end="2026-06-30"):
    """The sponsor form, by keyboard: name, brief, SQL × 2 and Budgeting (by its Chinese alias), dates, FTE."""
    tab_to(browser, "#name")
    press(browser, "Pricing engine")
    tab_to(browser, "#brief")
    press(browser, "A pricing engine for quotes with budgeting and SQL reports")
    choose(browser, tab_to(browser, ".reqrow:nth-child(1) .req-skill"), "sq", "SQL")
    tab_to(browser, ".reqrow:nth-child(1) .req-count")
    replace_text(browser, "2")
    choose(browser, tab_to(browser, ".reqrow:nth-child(2) .req-skill"), "预算", "Budgeting")
    enter_window(browser, start, end)
    tab_to(browser, "#allocation")
    replace_text(browser, "0.3")
    values = {f: browser.find_element(By.ID, f).get_attribute("value") for f in ("start", "end", "allocation")}
    assert values == {"start": start, "end": end, "allocation": "0.3"}
    assert browser.find_element(By.CSS_SELECTOR, ".reqrow:nth-child(1) .req-count").get_attribute("value") == "2"

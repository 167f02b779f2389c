"""Every page, as each role sees it: no serious or critical accessibility violation (axe-core), at
a phone's and a desktop's width; and the layout at 390, 768 and 1440 px — nothing wider than the
screen, the header wraps with Sign out on screen, the skill graph and load bars keep a usable
size. A screenshot of each page at each width is kept as an artefact."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.a11y import axe_violations, describe
from tests.browser.keyboard import WIDTHS, activate, open_request, viewport

pytestmark = pytest.mark.browser

# role -> [(path, CSS of what must be there before checking)]; None = signed out
PAGES = {
    None: [("/login", "#token")],
    "sponsor": [("/", "h1"), ("/sponsor", ".reqrow"), ("/kickoff", "#brief"),
                ("/kickoff?brief=pricing+engine+for+quotes", "#experts"), ("/projects/p-new/kickoff", ".case"),
                ("/graph?skill=python", "#graph .node"), ("/people", "h1"), ("/people?q=lee", "h1"),
                ("/people/ana", "#skills"), ("/people/fay", "#weekly-load"), ("/projects/nope/kickoff", "h1")],
    "member": [("/", "h1"), ("/people/bo", "#skills"), ("/graph", "h1"), ("/kickoff?brief=kubernetes+upgrade", "#experts")],
    "hr": [("/sponsor", "#portfolio-box"), ("/graph?skill=python", "#at-risk .risk"),
           ("/capacity?start=2026-01-05&end=2026-03-29&department=eng", "#people-heatmap td"),
           ("/people/ana?start=2026-01-01&end=2026-03-31", "#ratings")],
    "admin": [("/", "h1"), ("/graph?skill=k8s", "#graph .node")],
}


def open_page(browser, base: str, path: str, ready: str) -> None:
    browser.get(base + path)
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, ready)))
    if "/graph" in path and "node" in ready:  # the graph settles, then its labels are decluttered
        WebDriverWait(browser, 10).until(lambda b: b.execute_script(
            "return document.querySelectorAll('#graph .node').length > 0 && !!document.querySelector('#detail h2')"))


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("role", list(PAGES), ids=lambda r: r or "signed-out")
def test_every_page_passes_the_accessibility_check(browser, live, signed_in, role, width):
    base, _ = live
    viewport(browser, *WIDTHS[width])
    if role:
        signed_in(role)
    problems = []
    for path, ready in PAGES[role]:
        open_page(browser, base, path, ready)
        found = axe_violations(browser)
        if found:
            problems.append(f"{path}:\n{describe(found)}")
    assert not problems, f"{role} at {width}:\n" + "\n".join(problems)


def layout_problems(browser) -> list[str]:
    """What does not fit: the page wider than the screen, header controls off screen."""
    return browser.execute_script("""
        const out = [], w = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > w + 1) {
          const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1
            && !e.closest('.table-wrap') && getComputedStyle(e).position !== 'fixed').slice(0, 3)
            .map((e) => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);
          out.push('page is ' + document.documentElement.scrollWidth + ' px wide on a ' + w + ' px screen: ' + wide.join(', '));
        }
        for (const e of document.querySelectorAll('.topbar a, .topbar button')) {
          const r = e.getBoundingClientRect();
          if (r.width === 0 || r.left < 0 || r.right > w + 1) out.push('header control off screen: ' + e.textContent.trim());
        }
        return out;""")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_layout_fits_phone_tablet_and_desktop(browser, live, signed_in, screenshots, width):
    base, _ = live
    w, h = WIDTHS[width]
    viewport(browser, w, h)
    signed_in("hr")
    problems = []
    for name, path, ready in [("home", "/", "h1"), ("kickoff", "/projects/p-new/kickoff", ".case"),
                              ("kickoff-index", "/kickoff", "#brief"), ("people", "/people", "h1"),
                              ("person", "/people/ana?start=2026-01-01&end=2026-03-31", "#weekly-load"),
                              ("graph", "/graph?skill=python", "#graph .node"),
                              ("capacity", "/capacity?start=2026-01-05&end=2026-06-28&department=eng",
                               "#people-heatmap td")]:
        open_page(browser, base, path, ready)
        problems += [f"{path}: {p}" for p in layout_problems(browser)]
        browser.save_screenshot(str(screenshots / f"{name}-{w}.png"))
        if name == "graph":
            svg = browser.find_element(By.ID, "graph").rect
            assert svg["height"] >= 380 and svg["width"] >= 0.85 * (w if w < 900 else w - 420), (width, svg)
        if name == "person":
            weeks = browser.find_element(By.ID, "weekly-load")
            assert weeks.is_displayed() and weeks.rect["width"] >= 250, weeks.rect
        if name == "home":
            sign_out = browser.find_element(By.CSS_SELECTOR, ".topbar button.link")
            assert sign_out.is_displayed() and sign_out.rect["x"] + sign_out.rect["width"] <= w

    # the sponsor page with a team: load bars keep their size
    open_request(browser, base)
    activate(browser, "#submit")
    WebDriverWait(browser, 30).until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#result .member")))
    problems += [f"/sponsor: {p}" for p in layout_problems(browser)]
    tracks = browser.find_elements(By.CSS_SELECTOR, "#result .bar .track")
    assert tracks and all(t.is_displayed() and t.rect["width"] >= 60 for t in tracks), [t.rect for t in tracks]
    browser.save_screenshot(str(screenshots / f"sponsor-team-{w}.png"))
    browser.find_element(By.ID, "result").screenshot(str(screenshots / f"sponsor-result-{w}.png"))
    assert not problems, "\n".join(problems)

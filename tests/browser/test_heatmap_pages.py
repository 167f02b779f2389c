"""The heatmaps in a real headless Chromium, by keyboard: a sponsor gets a team, reads its weeks
today and with the plan, is refused a booking someone else's booking made stale (409 in words),
books it, and sees today's weeks change; HR opens a department on the capacity page by keyboard;
on a 390 px phone the grid scrolls sideways inside itself with the names kept in view. Each flow
ends with the accessibility check. Bookings made here are cancelled again (the organisation is
shared by every browser test)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from tests.browser.a11y import assert_accessible
from tests.browser.keyboard import (
    WIDTHS, activate, active, open_request, press, staff_portfolio, tab_to, viewport, wait,
)

pytestmark = pytest.mark.browser

def call(base: str, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    """The JSON API with a bearer token (what another user does meanwhile)."""
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def cell_texts(browser) -> dict[str, list[str]]:
    """{person name: the numbers shown in their row} of the plan's heatmap."""
    out = {}
    for tr in browser.find_elements(By.CSS_SELECTOR, "#plan-heatmap tbody tr"):
        name = tr.find_element(By.CSS_SELECTOR, "th a").text
        out[name] = [td.text.replace("!", "").strip() for td in tr.find_elements(By.CSS_SELECTOR, "td")]
    return out


def show_side(browser, side: str) -> None:
    activate(browser, f"#plan-box .hm-side[data-side={side}]", backwards=side == "before")
    wait(browser, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, f".hm-side[data-side={side}]")
                            .get_attribute("aria-pressed") == "true")


def test_sponsor_books_a_team_and_sees_the_heatmap_change(browser, live, signed_in, screenshots):
    base, tokens = live
    signed_in("sponsor")
    open_request(browser, base)
    activate(browser, "#submit")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#plan-heatmap td")))
    grid = browser.find_element(By.ID, "plan-heatmap")
    names = [a.text for a in grid.find_elements(By.CSS_SELECTOR, "tbody th a")]
    members = [m.get_attribute("data-person") for m in browser.find_elements(By.CSS_SELECTOR, "#result .member")]
    assert len(names) == len(members) >= 2 and all(" " in n for n in names)  # people by name
    assert len(grid.find_elements(By.CSS_SELECTOR, "thead th")) == 1 + 13  # a column per week of Apr-Jun
    cell = grid.find_element(By.CSS_SELECTOR, "tbody td")
    label = cell.get_attribute("aria-label")
    assert label.startswith(names[0] + ", week of 1 Apr: about ") and "with this plan within capacity" in label
    assert cell.get_attribute("title") == label  # the same words on hover
    show_side(browser, "before")
    today = cell_texts(browser)
    assert "everyone is within capacity" in browser.find_element(By.ID, "plan-words").text

    # meanwhile HR books the first member over the same weeks, leaving them 0.25 FTE (the plan wants
    # 0.3): the sponsor's booking is refused, in words
    _, prof = call(base, tokens["hr"], "GET", f"/api/v1/people/{members[0]}?start=2026-04-01&end=2026-06-30")
    left = round(prof["person"]["capacity"] - prof["load"] - 0.25, 2)
    status, other = call(base, tokens["hr"], "POST", "/api/v1/bookings", {
        "request": {"name": "Bid desk", "window": {"start": "2026-04-01", "end": "2026-06-30"}, "allocation": left,
                    "requirements": [{"skill": "sql", "level": 1}], "size": {"min": 1, "max": 1}},
        "members": [members[0]]})
    assert status == 201, other
    ours = None
    try:
        activate(browser, "#book")
        conflict = wait(browser).until(EC.presence_of_element_located((By.ID, "booking-conflict")))
        assert active(browser) == conflict  # the answer takes the focus
        assert f"{names[0]} would be over capacity in " in conflict.text and "the weeks of " in conflict.text
        assert "nothing was written" in conflict.text and str(left) not in conflict.text
        wait(browser, 10).until(lambda b: cell_texts(b)[names[0]] != today[names[0]])  # today now has HR's booking
        assert_accessible(browser, "sponsor page, booking refused")
        status, _ = call(base, tokens["hr"], "POST", f"/api/v1/bookings/{other['id']}/cancel", {})
        assert status == 200

        # with this plan, their weeks are marked over capacity: striped, "!" and said in the label
        show_side(browser, "after")
        row = browser.find_element(By.CSS_SELECTOR, f'#plan-heatmap tr[data-key="{members[0]}"]')
        over = row.find_elements(By.CSS_SELECTOR, 'td[data-over="true"]')
        assert over and all("!" in td.text and "with this plan over capacity" in td.get_attribute("aria-label")
                            for td in over)
        assert names[0] in browser.find_element(By.ID, "plan-words").text
        viewport(browser, 1280, 1600)  # tall enough for the whole box in one picture
        browser.find_element(By.ID, "plan-box").screenshot(str(screenshots / "sponsor-heatmap-conflict.png"))

        # the person is free again: book, and today's weeks include the booking
        activate(browser, "#book")
        done = wait(browser).until(EC.presence_of_element_located((By.ID, "booking-result")))
        link = browser.find_element(By.ID, "booking-link")
        ours = link.text
        assert ours.startswith("bk-") and link.get_attribute("href").endswith(f"/api/v1/bookings/{ours}")
        assert "tentative booking of" in done.text and all(n in done.text for n in names)
        assert browser.find_element(By.CSS_SELECTOR, ".hm-side[data-side=before]").get_attribute("aria-pressed") == "true"
        assert "today includes this team" in browser.find_element(By.ID, "plan-in-today").text
        after = cell_texts(browser)
        assert after.keys() == today.keys()
        for name in names:  # 0.3 FTE more each week for everyone booked
            assert all(int(a) > int(b) for a, b in zip(after[name], today[name])), (name, today[name], after[name])
        assert_accessible(browser, "sponsor page, team booked")
        browser.find_element(By.ID, "plan-box").screenshot(str(screenshots / "sponsor-heatmap.png"))
    finally:
        call(base, tokens["hr"], "POST", f"/api/v1/bookings/{other['id']}/cancel", {})
        if ours:
            assert call(base, tokens["sponsor"], "POST", f"/api/v1/bookings/{ours}/cancel", {})[0] == 200


def test_hr_capacity_page_drill_down_by_keyboard(browser, live, signed_in, screenshots):
    base, _ = live
    signed_in("hr")
    browser.get(base + "/capacity?start=2026-01-05&end=2026-03-29")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#dept-heatmap td")))
    rows = [th.text.splitlines()[0] for th in browser.find_elements(By.CSS_SELECTOR, "#dept-heatmap tbody th")]
    assert "Engineering" in rows and "Research lab" in rows
    # one tab stop: the grid's first cell; arrows walk it, the figures follow the focus
    first = tab_to(browser, "#dept-heatmap td")
    assert first.get_attribute("aria-label").startswith(rows[0] + ", week of 5 Jan: mean ")
    press(browser, Keys.ARROW_RIGHT)
    second = active(browser)
    assert "week of 12 Jan" in second.get_attribute("aria-label")
    assert browser.find_element(By.CSS_SELECTOR, "#dept-grid .hm-readout").text == second.get_attribute("aria-label")
    for _ in range(rows.index("Engineering")):
        press(browser, Keys.ARROW_DOWN)
    label = active(browser).get_attribute("aria-label")
    assert label.startswith("Engineering, week of 12 Jan: mean ") and "of capacity" in label
    press(browser, Keys.ENTER)  # a department's week opens its people
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#people-heatmap td")))
    assert active(browser).get_attribute("id") == "people-title"
    assert browser.find_element(By.ID, "people-title").text == "Engineering: people week by week"
    people = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#people-heatmap tbody th a")]
    assert people == ["Ana Lima", "Bo Chen", "Cy Park"]
    assert "department=eng" in browser.current_url  # the drill-down can be shared
    cell = tab_to(browser, "#people-heatmap td")
    assert cell.get_attribute("aria-label") == "Ana Lima, week of 5 Jan: 20% of capacity (0.20 of 1.00 FTE)"
    press(browser, Keys.ARROW_DOWN, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert active(browser).get_attribute("aria-label") == "Bo Chen, week of 2 Feb: 100% of capacity (1.00 of 1.00 FTE)"
    assert active(browser).text == "100"
    viewport(browser, 1280, 1000)
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(screenshots / "capacity.png"))
    assert_accessible(browser, "capacity page with a department open")
    # Enter on a department's name works too (a button)
    tab_to(browser, "#dept-heatmap td", backwards=True)
    press(browser, Keys.HOME)
    assert active(browser).tag_name == "button"
    press(browser, Keys.ARROW_UP * 10)
    assert active(browser).text.startswith(rows[0])


def test_heatmap_on_a_phone_scrolls_inside_with_names_in_view(browser, live, signed_in, screenshots):
    base, _ = live
    viewport(browser, *WIDTHS["phone"])
    signed_in("hr")
    browser.get(base + "/capacity?start=2026-01-05&end=2026-06-28&department=eng")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#people-heatmap td")))
    page_width = browser.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= 390, page_width  # the page fits; the grid scrolls inside its box
    wrap = browser.find_element(By.CSS_SELECTOR, "#people-grid .hm-wrap")
    assert browser.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth + 100", wrap)
    name = browser.find_element(By.CSS_SELECTOR, "#people-heatmap tbody th")
    # the keyboard scrolls the grid: End goes to the row's last week, which comes into view
    tab_to(browser, "#people-heatmap td")
    press(browser, Keys.END)
    last = active(browser)
    assert "week of 22 Jun" in last.get_attribute("aria-label")
    assert browser.execute_script("return arguments[0].scrollLeft", wrap) > 100
    box = last.rect
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390
    assert abs(name.rect["x"] - wrap.rect["x"]) <= 3  # the name column stays at the left edge
    assert name.rect["x"] + name.rect["width"] <= box["x"] + 1  # and the cell is not under it
    cells = browser.find_elements(By.CSS_SELECTOR, "#people-heatmap td")
    assert all(c.rect["height"] >= 24 and c.rect["width"] >= 24 for c in cells[:5])  # big enough to tap
    browser.save_screenshot(str(screenshots / "capacity-390.png"))
    assert_accessible(browser, "capacity page on a phone")

    # the sponsor's team week by week, on the phone too
    signed_in("sponsor")
    open_request(browser, base)
    activate(browser, "#submit")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#plan-heatmap td")))
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    wrap = browser.find_element(By.CSS_SELECTOR, "#plan-grid .hm-wrap")
    assert browser.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", wrap)
    book = browser.find_element(By.ID, "book")
    assert book.is_displayed() and book.rect["x"] + book.rect["width"] <= 390
    browser.execute_script("document.getElementById('plan-box').scrollIntoView()")
    browser.save_screenshot(str(screenshots / "sponsor-heatmap-390.png"))
    assert_accessible(browser, "sponsor's team week by week on a phone")


def test_hr_sees_a_staffed_portfolio_week_by_week(browser, live, signed_in):
    base, _ = live
    signed_in("hr")
    open_request(browser, base)
    staff_portfolio(browser)
    answer = wait(browser).until(EC.presence_of_element_located((By.ID, "portfolio-answer")))
    staffed = [a.text for a in answer.find_elements(By.CSS_SELECTOR, ".pteam li a")]
    activate(browser, "#portfolio-weeks")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#portfolio-plan-heatmap td")))
    assert active(browser).get_attribute("aria-pressed") == "true"  # the side buttons take the focus
    names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#portfolio-plan-heatmap tbody th a")]
    assert names == list(dict.fromkeys(staffed))
    label = browser.find_element(By.CSS_SELECTOR, "#portfolio-plan-heatmap td").get_attribute("aria-label")
    assert label.startswith(names[0] + ", week of 1 Apr: ") and " FTE)" in label  # HR sees the figures
    assert not browser.find_elements(By.CSS_SELECTOR, "#portfolio-plan-box #book")  # booking a portfolio is elsewhere
    assert_accessible(browser, "sponsor page, a portfolio week by week")

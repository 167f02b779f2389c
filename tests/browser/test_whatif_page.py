"""The what-if page in a real headless Chromium, by keyboard: HR fills the team request, follows
"What if…?", composes a delay of the platform upgrade, runs it and reads the current plan and the
plan with the scenario side by side; HR builds a portfolio, follows its "What if…?", runs a planned
hire over both requests, saves it, edits it, opens it again from the list and discards it. On a
390 px phone the page does not scroll sideways. Nothing is applied (the organisation is shared by
every browser test) and the saved scenario is discarded at the end."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from tests.browser.a11y import assert_accessible
from tests.browser.keyboard import (WIDTHS, activate, active, choose, fill_request, open_request, press, replace_text, tab_to,
                                    viewport, wait)

pytestmark = pytest.mark.browser


def test_hr_composes_a_delay_runs_it_and_sees_both_plans(browser, live, signed_in, screenshots):
    base = signed_in("hr")
    browser.get(base + "/sponsor")
    fill_request(browser)
    tab_to(browser, "#whatif-go")
    press(browser, Keys.ENTER)
    wait(browser).until(EC.presence_of_element_located((By.ID, "request-words")))
    assert "Pricing engine" in browser.find_element(By.ID, "request-words").text
    tab_to(browser, "#sc-name")
    press(browser, "Platform upgrade later")
    tab_to(browser, "#change-kind")
    assert browser.find_element(By.ID, "change-kind").get_attribute("value") == "delay"
    tab_to(browser, "#add-change")
    press(browser, Keys.ENTER)
    project = wait(browser, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, '.change [data-field="project"]'))
    assert active(browser) == project  # the new change's first field takes the focus
    choose(browser, project, "Platform", "Platform upgrade")
    tab_to(browser, '.change [data-field="weeks"]')
    replace_text(browser, "12")
    tab_to(browser, "#run")
    press(browser, Keys.ENTER)
    table = wait(browser).until(EC.presence_of_element_located((By.ID, "side-by-side")))
    heads = [th.get_attribute("textContent") for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    assert heads == ["Current plan", "With the scenario"]
    rows = side_rows(browser)
    for label in ("Status", "Coverage", "Busiest member", "Cost vs budget", "Team", "Score"):
        assert label in rows and all(rows[label]), (label, rows)
    assert "requirements met" in rows["Coverage"][1] and "%" in rows["Busiest member"][1]
    fit = int(rows["Coverage"][1].split("skill fit ")[1].rstrip("%"))
    assert 50 <= fit <= 100, rows["Coverage"]  # the API's fit is a fraction, shown as a percentage
    assert "Platform upgrade later by 12 week(s)" in browser.find_element(By.ID, "scenario-words").text
    assert browser.find_element(By.ID, "people-changed").text.startswith("People changed")
    assert browser.find_element(By.ID, "apply-book").is_displayed()
    browser.save_screenshot(str(screenshots / "whatif-side-by-side.png"))
    assert_accessible(browser, "what-if page with a result")
    viewport(browser, *WIDTHS["phone"])
    overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a phone"
    browser.save_screenshot(str(screenshots / "whatif-phone.png"))


def side_rows(browser) -> dict[str, list[str]]:
    """The side-by-side table's rows: label → [current plan, with the scenario] as shown."""
    table = wait(browser).until(EC.presence_of_element_located((By.ID, "side-by-side")))
    return {tr.find_element(By.CSS_SELECTOR, "th").get_attribute("textContent"):
            [td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")]
            for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")}


def field(browser, css: str):
    return browser.find_element(By.CSS_SELECTOR, css).get_attribute("value")


def text(element, css: str) -> str:
    """The text of the element inside `element` as written (not as CSS transforms it)."""
    return element.find_element(By.CSS_SELECTOR, css).get_attribute("textContent")


def test_hr_runs_a_portfolio_what_if_then_saves_edits_and_reopens_it(browser, live, signed_in, screenshots):
    base = signed_in("hr")
    open_request(browser, base)
    activate(browser, "#portfolio-add")
    tab_to(browser, "#name", backwards=True)
    replace_text(browser, "Quote reports")
    activate(browser, "#portfolio-add")
    activate(browser, "#whatif-portfolio-go")
    wait(browser).until(EC.presence_of_element_located((By.ID, "portfolio-words")))
    assert browser.find_element(By.ID, "work-portfolio").is_selected()  # the portfolio's link chose it
    assert [li.text.split(" · ")[0] for li in browser.find_elements(By.CSS_SELECTOR, "#portfolio-words li")] == [
        "Pricing engine", "Quote reports"]

    tab_to(browser, "#sc-name")
    press(browser, "An analyst joins")
    tab_to(browser, "#change-kind")
    press(browser, Keys.ARROW_DOWN)  # delay → hire
    assert browser.find_element(By.ID, "change-kind").get_attribute("value") == "hire"
    activate(browser, "#add-change")
    name = wait(browser, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, '.change [data-field="name"]'))
    assert active(browser) == name
    press(browser, "Planned analyst")
    tab_to(browser, '.change [data-field="department"]')
    press(browser, "Fin")
    assert field(browser, '.change [data-field="department"]') == "fin"
    tab_to(browser, '.change [data-field="cost_rate"]')
    press(browser, "40")
    choose(browser, tab_to(browser, ".change .hire-skill"), "sq", "SQL")
    tab_to(browser, ".change .hire-level")
    press(browser, "5")
    activate(browser, "#run")
    rows = side_rows(browser)
    for label in ("Status", "Coverage", "Peak utilisation", "Cost vs budget", "Team: Pricing engine", "Team: Quote reports"):
        assert label in rows and all(rows[label]), (label, rows)
    assert "skill slots filled" in rows["Coverage"][1] and "requests fully staffed" in rows["Coverage"][1]
    assert "%" in rows["Peak utilisation"][0] and "Score" not in rows
    # both teams are fully staffed: no unfilled line (a short team names its skills: "Unfilled: SQL (level 4)")
    teams = rows["Team: Pricing engine"] + rows["Team: Quote reports"]
    assert not browser.find_elements(By.CSS_SELECTOR, "#side-by-side .unfilled") and not any("nfilled" in t for t in teams)
    assert "Added by the scenario: Planned analyst" in browser.find_element(By.ID, "people-changed").text
    assert browser.find_element(By.ID, "apply-book").text == "Apply and book these teams"

    activate(browser, "#save")
    saved = wait(browser).until(EC.presence_of_element_located((By.ID, "save-result")))
    assert "open here for editing" in saved.text
    row = browser.find_element(By.CSS_SELECTOR, "#saved-list tbody tr")
    scenario_id = row.get_attribute("data-scenario")
    assert text(row, ".sv-name") == "An analyst joins" and scenario_id.startswith("sc-")
    assert "(version 1)" in browser.find_element(By.ID, "editing-words").text

    # edit it: half-time capacity and a new name, then Save changes in the editing bar
    tab_to(browser, '.change [data-field="capacity"]', backwards=True)
    replace_text(browser, "0.5")
    tab_to(browser, "#sc-name", backwards=True)
    replace_text(browser, "A half-time analyst joins")
    activate(browser, "#save-edit", backwards=True)
    done = wait(browser).until(EC.presence_of_element_located((By.ID, "edit-result")))
    assert done.text == "Saved A half-time analyst joins: version 2."
    assert active(browser) == browser.find_element(By.ID, "edit-status")
    # the result shown is of version 1 now: it offers no apply (that would write version 2, not what is shown)
    assert "run it again" in browser.find_element(By.ID, "stale-note").text and not browser.find_elements(By.ID, "apply")
    browser.save_screenshot(str(screenshots / "whatif-portfolio-editing.png"))

    # a fresh page: the list shows the new version; Open to edit fills the composer with names, not ids
    browser.get(base + "/whatif")
    row = wait(browser).until(lambda b: b.find_element(By.CSS_SELECTOR, f'tr[data-scenario="{scenario_id}"]'))
    assert row.get_attribute("data-version") == "2" and text(row, ".sv-name") == "A half-time analyst joins"
    activate(browser, f'tr[data-scenario="{scenario_id}"] .open-saved')
    wait(browser).until(lambda b: b.find_element(By.ID, "editing").is_displayed())
    assert active(browser) == browser.find_element(By.ID, "sc-name")
    assert field(browser, "#sc-name") == "A half-time analyst joins"
    assert [field(browser, f'.change [data-field="{f}"]') for f in ("name", "department", "capacity", "cost_rate")] == [
        "Planned analyst", "fin", "0.5", "40"]
    assert field(browser, ".change .hire-skill") == "SQL" and field(browser, ".change .hire-level") == "5"
    assert "(version 2)" in browser.find_element(By.ID, "editing-words").text
    assert_accessible(browser, "what-if page editing a saved scenario")
    viewport(browser, *WIDTHS["phone"])
    overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a phone"
    viewport(browser, *WIDTHS["desktop"])

    # run it again as opened, on the portfolio, and discard it: the list no longer has it
    assert browser.find_element(By.ID, "work-portfolio").is_selected()
    activate(browser, "#run")
    assert "Team: Quote reports" in side_rows(browser)
    activate(browser, "#discard")
    gone = wait(browser).until(EC.presence_of_element_located((By.ID, "discard-result")))
    assert gone.text.startswith("Discarded A half-time analyst joins")
    assert not browser.find_elements(By.CSS_SELECTOR, f'tr[data-scenario="{scenario_id}"]')
    assert not browser.find_element(By.ID, "editing").is_displayed()

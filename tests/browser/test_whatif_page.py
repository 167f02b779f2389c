"""The what-if page in a real headless Chromium, by keyboard: HR fills the team request, follows
"What if…?", composes a delay of the platform upgrade, runs it and reads the current plan and the
plan with the scenario side by side; on a 390 px phone the page does not scroll sideways. Nothing
is saved or applied (the organisation is shared by every browser test)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from tests.browser.a11y import assert_accessible
from tests.browser.keyboard import WIDTHS, active, choose, fill_request, press, replace_text, tab_to, viewport, wait

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
    rows = {tr.find_element(By.CSS_SELECTOR, "th").get_attribute("textContent"):
            [td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")]
            for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")}
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

"""The pages in a real headless Chromium, as a user would use them: fill the sponsor form and get a
team (pin, re-solve, why-not), open a kickoff page and see cases and experts, open the skill
graph and see it drawn. Screenshots are saved as artefacts."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser


def wait(browser, seconds: float = 30):
    return WebDriverWait(browser, seconds)


def shot(browser, screenshots, name: str) -> None:
    browser.save_screenshot(str(screenshots / f"{name}.png"))


def pick_skill(browser, row_input, typed: str, choose: str) -> None:
    """Type into a skill box and choose from the autocomplete list fed by /api/v1/skills."""
    row_input.clear()
    row_input.send_keys(typed)
    option = wait(browser, 10).until(EC.element_to_be_clickable(
        (By.XPATH, f"//div[@class='ac-list']/div[starts-with(normalize-space(.), '{choose}')]")))
    option.click()
    assert row_input.get_attribute("value") == choose


def fill_request(browser, start="2026-04-01", end="2026-06-30"):
    browser.find_element(By.ID, "name").send_keys("Pricing engine")
    browser.find_element(By.ID, "brief").send_keys("A pricing engine for quotes with budgeting and SQL reports")
    rows = browser.find_elements(By.CSS_SELECTOR, ".reqrow")
    pick_skill(browser, rows[0].find_element(By.CSS_SELECTOR, ".req-skill"), "sq", "SQL")
    count = rows[0].find_element(By.CSS_SELECTOR, ".req-count")
    count.clear()
    count.send_keys("2")
    pick_skill(browser, rows[1].find_element(By.CSS_SELECTOR, ".req-skill"), "预算", "Budgeting")  # Chinese alias
    for fid, value in (("start", start), ("end", end)):
        browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, fid), value)
    alloc = browser.find_element(By.ID, "allocation")
    alloc.clear()
    alloc.send_keys("0.3")


def test_sponsor_gets_a_team_pins_resolves_and_asks_why_not(browser, signed_in, screenshots):
    base = signed_in("sponsor")
    browser.get(base + "/sponsor")
    fill_request(browser)
    browser.find_element(By.ID, "submit").click()
    members = wait(browser).until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#result .member")))
    ids = [m.get_attribute("data-person") for m in members]
    assert 2 <= len(ids) <= 4
    text = browser.find_element(By.ID, "result").text
    assert "proven optimal" in text and "SQL" in text and "before" in text and "after" in text
    assert browser.find_elements(By.CSS_SELECTOR, "#result .bar .fill.after")  # load bars drawn
    shot(browser, screenshots, "sponsor-team")

    # alternatives are tabs
    tabs = browser.find_elements(By.CSS_SELECTOR, "#result .tabs button")
    assert len(tabs) >= 2
    tabs[1].click()
    alt = [m.get_attribute("data-person") for m in browser.find_elements(By.CSS_SELECTOR, "#result .member")]
    assert alt != ids
    browser.find_elements(By.CSS_SELECTOR, "#result .tabs button")[0].click()

    # pin the first member, re-solve, see the diff
    first = browser.find_element(By.CSS_SELECTOR, "#result .member .pin")
    pinned = first.get_attribute("value")
    first.click()
    browser.find_element(By.ID, "resolve").click()
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#result .diff")))
    after = [m.get_attribute("data-person") for m in browser.find_elements(By.CSS_SELECTOR, "#result .member")]
    assert pinned in after

    # why not Hal (a recruiter)?
    box = browser.find_element(By.ID, "whynot-person")
    box.send_keys("Hal")
    wait(browser, 10).until(EC.element_to_be_clickable((By.XPATH, "//div[@class='ac-list']/div"))).click()
    browser.find_element(By.ID, "whynot-go").click()
    reason = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#whynot-result .whynot")))
    assert "missing level" in reason.text and "Hal Ito" in reason.text
    shot(browser, screenshots, "sponsor-whynot")


def test_sponsor_sees_a_diagnosis_when_infeasible(browser, signed_in, screenshots):
    base = signed_in("sponsor")
    browser.get(base + "/sponsor")
    rows = browser.find_elements(By.CSS_SELECTOR, ".reqrow")
    pick_skill(browser, rows[0].find_element(By.CSS_SELECTOR, ".req-skill"), "kube", "Kubernetes")
    Select(rows[0].find_element(By.CSS_SELECTOR, ".req-level")).select_by_value("4")
    count = rows[0].find_element(By.CSS_SELECTOR, ".req-count")
    count.clear()
    count.send_keys("2")
    rows[1].find_element(By.CSS_SELECTOR, "button").click()  # remove the empty second row
    for fid, value in (("start", "2026-04-01"), ("end", "2026-06-30")):
        browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, fid), value)
    browser.find_element(By.ID, "submit").click()
    diag = wait(browser).until(EC.presence_of_element_located((By.ID, "diagnosis")))
    assert "Kubernetes" in diag.text and "feasible" in diag.text
    shot(browser, screenshots, "sponsor-infeasible")


def test_form_errors_name_the_field(browser, signed_in):
    base = signed_in("sponsor")
    browser.get(base + "/sponsor")
    box = browser.find_elements(By.CSS_SELECTOR, ".req-skill")[0]
    box.send_keys("Kubernets", Keys.ESCAPE)
    browser.find_element(By.ID, "submit").click()
    alert = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#result [role=alert]")))
    assert "request.requirements[0].skill" in alert.text and "Kubernetes" in alert.text


def test_kickoff_page_shows_cases_lessons_experts_and_team(browser, signed_in, screenshots):
    base = signed_in("sponsor")
    browser.get(base + "/projects/p-new/kickoff")  # the proposed pricing engine (python, budgeting)
    cases = wait(browser).until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, ".case")))
    shot(browser, screenshots, "kickoff-project")
    assert all(c.find_elements(By.CSS_SELECTOR, "dd.lesson") for c in cases)
    assert browser.find_elements(By.CSS_SELECTOR, ".lessons li")
    experts = browser.find_element(By.ID, "experts")
    assert experts.find_elements(By.CSS_SELECTOR, ".expert .bar")  # each with their load
    team = browser.find_element(By.ID, "team")
    # two python ≥ 3 people are not free in its window: the team is diagnosed, not just missing
    assert team.find_elements(By.CSS_SELECTOR, ".expert") or "Python" in team.find_element(By.CSS_SELECTOR, ".diagnosis").text
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Vendor contract dispute" not in page  # confidential to p-wms; fay is not on it


def test_kickoff_for_an_ad_hoc_brief(browser, signed_in, screenshots):
    base = signed_in("member")  # bo, engineering
    browser.get(base + "/kickoff")
    browser.find_element(By.ID, "brief").send_keys("Warehouse scanners lost wifi: survey radio coverage at a new site")
    browser.find_element(By.ID, "kickoff-go").click()
    wait(browser).until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, ".case")))
    shot(browser, screenshots, "kickoff-brief")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Warehouse scanners failed" not in page  # c-2 is visible to Operations (and HR) only
    assert not browser.find_elements(By.ID, "team")  # members do not get team suggestions
    assert browser.find_elements(By.CSS_SELECTOR, "#experts .avail")  # loads as availability bands


def test_skill_graph_renders_expands_and_filters(browser, signed_in, screenshots):
    base = signed_in("hr")
    browser.get(base + "/graph?skill=python")
    wait(browser).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#graph .node")) >= 5)
    kinds = {n.get_attribute("class").split()[1] for n in browser.find_elements(By.CSS_SELECTOR, "#graph .node")}
    assert {"skill", "person", "department"} <= kinds
    assert "Python" in browser.find_element(By.ID, "detail").text
    assert browser.find_elements(By.CSS_SELECTOR, "#supply-demand .bars2")
    assert "Kubernetes" in browser.find_element(By.ID, "at-risk").text  # one holder at ≥ 3
    shot(browser, screenshots, "graph-python")

    before = len(browser.find_elements(By.CSS_SELECTOR, "#graph .node"))
    node = browser.find_element(By.CSS_SELECTOR, '#graph .node[data-id="skill:programming"] circle')
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", node)
    wait(browser).until(lambda b: "Computer programming" in b.find_element(By.ID, "detail").text)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#graph .node")) >= before  # expanded, not replaced

    Select(browser.find_element(By.ID, "dept-filter")).select_by_value("fin")
    wait(browser).until(lambda b: "gus" in b.find_element(By.ID, "graph").get_attribute("innerHTML")
                        or "No active holders" in b.find_element(By.ID, "detail").text)
    shot(browser, screenshots, "graph-filtered")


def test_person_page_and_role_gates(browser, signed_in, screenshots):
    base = signed_in("hr")
    browser.get(base + "/people/ana")
    assert "Ana Lima" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.ID, "ratings")  # HR sees collaboration ratings
    shot(browser, screenshots, "person-hr")
    signed_in("member")
    browser.get(base + "/people/ana")
    assert not browser.find_elements(By.ID, "ratings")
    assert "busy" in browser.find_element(By.CSS_SELECTOR, ".avail").text or browser.find_element(By.CSS_SELECTOR, ".avail").text
    browser.get(base + "/graph")
    assert "403" in browser.find_element(By.TAG_NAME, "h1").text

"""The pages in a real headless Chromium, as a user would use them, by keyboard only and on a
390 px phone screen: fill the sponsor form and get a team (alternatives, pin, re-solve, why-not),
see errors beside the fields, open a kickoff page and read a whole case, walk and expand the skill
graph, read a person's week-by-week load. Each flow ends with the accessibility check (axe-core,
no serious or critical violation). Screenshots are saved as artefacts."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from tests.browser.a11y import assert_accessible
from tests.browser.keyboard import (
    activate, active, choose, enter_window, open_request, press, replace_text,
    start_from_top, tab_to, type_date, wait, wait_options,
)

pytestmark = pytest.mark.browser


def shot(browser, screenshots, name: str) -> None:
    browser.save_screenshot(str(screenshots / f"{name}.png"))


def send_window(browser, start: str, end: str) -> None:
    """Type the request window and send the form, by keyboard."""
    enter_window(browser, start, end)
    activate(browser, "#submit")


def member_ids(browser) -> list[str]:
    return [m.get_attribute("data-person") for m in browser.find_elements(By.CSS_SELECTOR, "#result .member")]


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(phone, signed_in):
    base = signed_in("sponsor")
    phone.get(base + "/sponsor")
    start_from_top(phone)
    press(phone, Keys.TAB)
    skip = active(phone)
    assert skip.get_attribute("class") == "skip-link" and skip.is_displayed()
    assert skip.rect["y"] >= 0  # on screen while focused
    press(phone, Keys.ENTER)
    assert active(phone).get_attribute("id") == "main"
    press(phone, Keys.TAB)  # the next stop is inside the content, not the header
    assert phone.execute_script("return document.getElementById('main').contains(document.activeElement)")


def test_autocomplete_is_an_aria_combobox(phone, signed_in):
    base = signed_in("sponsor")
    phone.get(base + "/sponsor")
    box = tab_to(phone, ".reqrow:nth-child(1) .req-skill")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    press(phone, "pyth")
    options = wait_options(phone, box)
    assert options[0] == "Python"
    listbox = phone.find_element(By.ID, box.get_attribute("aria-controls"))
    assert listbox.get_attribute("role") == "listbox"
    # the first option is highlighted: Enter takes it rather than submitting "pyth"
    first = listbox.find_element(By.CSS_SELECTOR, "[role=option]")
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    assert_accessible(phone, "sponsor form with the suggestion list open")
    press(phone, Keys.ESCAPE)
    assert box.get_attribute("aria-expanded") == "false" and box.get_attribute("value") == "pyth"
    press(phone, Keys.ARROW_DOWN)  # reopens the list
    wait_options(phone, box)
    press(phone, Keys.ENTER)
    assert box.get_attribute("value") == "Python" and box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("data-id") == "python"
    # Enter typed before the answer arrives still picks the first answer
    box2 = tab_to(phone, ".reqrow:nth-child(2) .req-skill")
    press(phone, "kube", Keys.ENTER)
    wait(phone, 10).until(lambda b: box2.get_attribute("value") == "Kubernetes")
    # a typo gets the skill meant, marked as a guess
    choose(phone, tab_to(phone, ".reqrow:nth-child(2) .req-skill"), "pyhton", "Python")
    assert box2.get_attribute("data-id") == "python"
    # nothing matches: said in words, no empty list
    box3 = tab_to(phone, ".reqrow:nth-child(1) .req-skill", backwards=True)
    replace_text(phone, "qqqqzz")
    status = phone.find_element(By.CSS_SELECTOR, ".reqrow:nth-child(1) .ac-status")
    wait(phone, 10).until(lambda b: "No skill called" in status.text)
    assert box3.get_attribute("aria-expanded") == "false"


def test_sponsor_gets_a_team_pins_resolves_and_asks_why_not(phone, signed_in, screenshots):
    base = signed_in("sponsor")
    open_request(phone, base)
    activate(phone, "#submit")
    wait(phone).until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#result .member")))
    assert active(phone).get_attribute("id") == "result-title"  # the answer takes the focus
    ids = member_ids(phone)
    assert 2 <= len(ids) <= 4
    text = phone.find_element(By.ID, "result").text
    assert "proven optimal" in text and "SQL" in text and "before" in text and "after" in text
    bars = phone.find_elements(By.CSS_SELECTOR, "#result .bar")
    assert bars and all(b.is_displayed() and b.rect["width"] > 150 for b in bars)  # load bars drawn on a phone
    assert all(b.rect["x"] + b.rect["width"] <= 390 for b in bars)
    assert "Covers 2 of 2 requirements" in text  # the answer in business terms first
    parts = phone.find_element(By.CSS_SELECTOR, "#result .score-parts ul")
    assert not parts.is_displayed()  # the score's parts on demand
    activate(phone, "#result .score-parts summary")
    assert parts.is_displayed() and "skill fit" in parts.text and "team size" in parts.text
    assert "higher is better" in phone.find_element(By.ID, "result").text
    shot(phone, screenshots, "sponsor-team-390")
    assert_accessible(phone, "sponsor result")

    # alternatives: a button per team, pressed state said
    activate(phone, "#result .tabs button[aria-pressed=false]")
    wait(phone, 10).until(lambda b: member_ids(b) != ids)
    versus = phone.find_element(By.ID, "versus-best").text  # what the alternative changes, in words
    assert "score" in versus and any(w in versus for w in ("swaps", "adds", "drops"))
    activate(phone, "#result .tabs button:first-child", backwards=True)
    wait(phone, 10).until(lambda b: member_ids(b) == ids)

    # keep the first member, re-solve, see what changed, by name
    pin = tab_to(phone, "#result .member .pin")
    pinned = pin.get_attribute("value")
    press(phone, Keys.SPACE)
    assert pin.is_selected()
    activate(phone, "#resolve")
    diff = wait(phone).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#result .diff")))
    assert pinned in member_ids(phone)
    for pid in ids + member_ids(phone):
        assert pid not in diff.text.split(), diff.text  # names, not ids

    # why not Hal (a recruiter)? pick him from the list, Enter again asks
    who = tab_to(phone, "#whynot-person")
    choose(phone, who, "Hal", "Hal Ito")
    press(phone, Keys.ENTER)
    reason = wait(phone).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#whynot-result .whynot")))
    assert "missing level" in reason.text and "Hal Ito" in reason.text
    shot(phone, screenshots, "sponsor-whynot-390")
    assert_accessible(phone, "sponsor result with why-not")


def test_hr_staffs_a_portfolio_by_keyboard(phone, signed_in, screenshots):
    base = signed_in("hr")
    open_request(phone, base)
    activate(phone, "#portfolio-add")
    assert "Pricing engine · SQL ≥ 3 × 2, Budgeting ≥ 3 × 1" in phone.find_element(By.ID, "portfolio-requests").text
    activate(phone, "#portfolio-go")
    answer = wait(phone).until(EC.presence_of_element_located((By.ID, "portfolio-answer")))
    team = answer.find_element(By.CSS_SELECTOR, ".pteam")
    names = [a.text for a in team.find_elements(By.CSS_SELECTOR, "li a")]
    assert len(names) >= 2 and all(" " in n for n in names), names  # people by name
    assert "SQL" in team.text and "sql" not in team.text.split()  # skills by name, not slug
    assert not team.find_elements(By.CSS_SELECTOR, ".unmet")  # fully staffed: nothing said left unmet
    shot(phone, screenshots, "portfolio-390")
    assert_accessible(phone, "sponsor page with a staffed portfolio")


def test_form_errors_sit_beside_the_fields_in_plain_words(phone, signed_in, screenshots):
    base = signed_in("sponsor")
    phone.get(base + "/sponsor")
    box = tab_to(phone, ".reqrow:nth-child(1) .req-skill")
    press(phone, "Kubernets", Keys.ESCAPE)
    send_window(phone, "2026-04-01", "2026-03-01")  # ends before it starts
    wait(phone).until(lambda b: box.get_attribute("aria-invalid") == "true"
                      or b.find_element(By.ID, "end").get_attribute("aria-invalid") == "true")
    summary = active(phone)
    assert "error-summary" in summary.get_attribute("class")  # the summary takes the focus
    end = phone.find_element(By.ID, "end")
    assert end.get_attribute("aria-invalid") == "true"
    end_msg = phone.find_element(By.ID, end.get_attribute("aria-describedby"))
    assert "before it starts" in end_msg.text
    # the message sits right under its field
    assert 0 <= end_msg.rect["y"] - (end.rect["y"] + end.rect["height"]) < 40
    form = phone.find_element(By.ID, "request-form").text
    assert "request." not in form and "window.end" not in form  # the field path is for the JSON only
    shot(phone, screenshots, "sponsor-errors-390")
    assert_accessible(phone, "sponsor form with errors")

    # fix the window; the skill typo then shows beside the skill with a choice to use the skill meant
    tab_to(phone, "#end")
    type_date(phone, "2026-06-30")
    assert end.get_attribute("aria-invalid") is None  # editing the field clears its error
    activate(phone, "#submit")
    wait(phone).until(lambda b: box.get_attribute("aria-invalid") == "true")
    msg = phone.find_element(By.ID, box.get_attribute("aria-describedby"))
    assert "Kubernets" in msg.text and "requirements[0]" not in msg.text
    activate(phone, ".field-error .suggestion")
    assert active(phone) == box and box.get_attribute("value") == "Kubernetes"
    assert box.get_attribute("aria-invalid") is None


def test_sponsor_sees_a_diagnosis_when_infeasible(phone, signed_in, screenshots):
    base = signed_in("sponsor")
    phone.get(base + "/sponsor")
    choose(phone, tab_to(phone, ".reqrow:nth-child(1) .req-skill"), "kube", "Kubernetes")
    level = tab_to(phone, ".reqrow:nth-child(1) .req-level")
    press(phone, Keys.ARROW_DOWN)  # ≥ 3 → ≥ 4
    assert level.get_attribute("value") == "4"
    tab_to(phone, ".reqrow:nth-child(1) .req-count")
    replace_text(phone, "2")
    tab_to(phone, ".reqrow:nth-child(2) .remove")  # remove the empty second row
    press(phone, Keys.ENTER)
    assert len(phone.find_elements(By.CSS_SELECTOR, ".reqrow")) == 1
    send_window(phone, "2026-04-01", "2026-06-30")
    diag = wait(phone).until(EC.presence_of_element_located((By.ID, "diagnosis")))
    assert "Kubernetes" in diag.text and "feasible" in diag.text
    shot(phone, screenshots, "sponsor-infeasible-390")
    assert_accessible(phone, "sponsor diagnosis")


def test_sponsor_sees_the_verified_relaxations_by_name(phone, signed_in):
    """Kubernetes ≥ 4 once, April to June: only Ana Lima holds it and she is busy until June 30 —
    the diagnosis offers starting on July 1 (checked by solving again), naming her, and shows a
    sponsor no utilisation after joining."""
    base = signed_in("sponsor")
    phone.get(base + "/sponsor")
    choose(phone, tab_to(phone, ".reqrow:nth-child(1) .req-skill"), "kube", "Kubernetes")
    tab_to(phone, ".reqrow:nth-child(1) .req-level")
    press(phone, Keys.ARROW_DOWN)  # ≥ 3 → ≥ 4
    activate(phone, ".reqrow:nth-child(2) .remove")
    tab_to(phone, "#size_min")
    replace_text(phone, "1")  # nobody else holds a skill asked for: a team of one
    send_window(phone, "2026-04-01", "2026-06-30")
    options = wait(phone).until(EC.presence_of_element_located((By.ID, "relaxations")))
    starts = [li.text for li in options.find_elements(By.CSS_SELECTOR, "li[data-kind=start_after]")]
    assert len(starts) == 1 and starts[0].startswith("start on 2026-07-01") and "Ana Lima" in starts[0], starts
    assert "%" not in phone.find_element(By.ID, "diagnosis").text


def test_kickoff_page_shows_snippets_and_expands_a_whole_case(phone, signed_in, screenshots):
    base = signed_in("sponsor")
    phone.get(base + "/projects/p-new/kickoff")  # the proposed pricing engine (python, budgeting)
    cases = wait(phone).until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, ".case")))
    assert all(c.find_elements(By.CSS_SELECTOR, "dd.lesson") for c in cases)
    full = cases[0].find_element(By.CSS_SELECTOR, ".case-full dd")
    assert not full.is_displayed()  # the whole case waits behind its summary line
    assert cases[0].find_element(By.CSS_SELECTOR, ".snippet").is_displayed()
    shot(phone, screenshots, "kickoff-project-390")
    activate(phone, ".case:first-child .case-full summary")
    assert full.is_displayed()
    # the page says what the package says: lessons when a case fits well, else that none does
    package = phone.execute_async_script(
        "const done = arguments[0]; fetch('/api/v1/projects/p-new/kickoff').then((r) => r.json()).then(done);")
    if package["confidence"]["fits"]:
        assert len(phone.find_elements(By.CSS_SELECTOR, ".lessons li")) == len(package["lessons"]) > 0
    else:
        assert package["confidence"]["message"] in phone.find_element(By.ID, "no-good-match").text
        assert len(phone.find_elements(By.CSS_SELECTOR, ".case.weak")) == len(package["cases"])
    experts = phone.find_element(By.ID, "experts")
    assert experts.find_elements(By.CSS_SELECTOR, ".expert .bar")  # each with their load
    team = phone.find_element(By.ID, "team")
    # two python ≥ 3 people are not free in its window: the team is diagnosed, not just missing
    assert team.find_elements(By.CSS_SELECTOR, ".expert") or "Python" in team.find_element(By.CSS_SELECTOR, ".diagnosis").text
    page = phone.find_element(By.TAG_NAME, "main").text
    assert "Vendor contract dispute" not in page  # confidential to p-wms; fay is not on it
    assert_accessible(phone, "kickoff page")


def test_kickoff_for_an_ad_hoc_brief(phone, signed_in, screenshots):
    base = signed_in("member")  # bo, engineering
    phone.get(base + "/kickoff")
    tab_to(phone, "#brief")
    press(phone, "Warehouse scanners lost wifi: survey radio coverage at a new site")
    activate(phone, "#kickoff-go")
    wait(phone).until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, ".case")))
    shot(phone, screenshots, "kickoff-brief-390")
    page = phone.find_element(By.TAG_NAME, "main").text
    assert "Warehouse scanners failed" not in page  # c-2 is visible to Operations (and HR) only
    assert not phone.find_elements(By.ID, "team")  # members do not get team suggestions
    assert phone.find_elements(By.CSS_SELECTOR, "#experts .avail")  # loads as availability bands
    assert_accessible(phone, "kickoff for a brief")


def focused_node(browser) -> str:
    return active(browser).get_attribute("data-id") or ""


def arrow_to(browser, node_id: str) -> None:
    """Walk the focused graph with ArrowDown until `node_id` has the focus."""
    for _ in range(len(browser.find_elements(By.CSS_SELECTOR, "#graph .node")) + 1):
        if focused_node(browser) == node_id:
            return
        press(browser, Keys.ARROW_DOWN)
    assert focused_node(browser) == node_id


def overlapping_labels(browser) -> int:
    """Pairs of visible node labels whose boxes overlap on screen."""
    return browser.execute_script("""
        const boxes = [...document.querySelectorAll('#graph .node text')]
          .filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.getBoundingClientRect());
        let n = 0;
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i], b = boxes[j];
          if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) n++;
        }
        return n;""")


def test_skill_graph_by_keyboard_on_a_phone(phone, signed_in, screenshots):
    base = signed_in("hr")
    phone.get(base + "/graph?skill=python")
    wait(phone).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#graph .node")) >= 5)
    svg = phone.find_element(By.ID, "graph").rect
    assert svg["height"] >= 380 and svg["width"] >= 340  # usable on the phone, not a strip
    kinds = {n.get_attribute("class").split()[1] for n in phone.find_elements(By.CSS_SELECTOR, "#graph .node")}
    assert {"skill", "person", "department"} <= kinds
    assert "Python" in phone.find_element(By.ID, "detail").text
    assert "Kubernetes" in phone.find_element(By.ID, "at-risk").text  # one holder at ≥ 3
    nums = [n.text for n in phone.find_elements(By.CSS_SELECTOR, "#supply-demand .nums")]
    assert nums and all(" of " in n for n in nums)  # numbers on the bars
    assert overlapping_labels(phone) == 0
    shot(phone, screenshots, "graph-python-390")

    # top holders, "n of N", show more
    count = phone.find_element(By.ID, "holders-count")
    assert count.text == "Showing 15 of 21 holders", count.text  # 3 of the tiny org + 18 in the lab
    activate(phone, "#show-more")
    wait(phone, 10).until(lambda b: b.find_element(By.ID, "holders-count").text == "21 holders")
    assert len(phone.find_elements(By.CSS_SELECTOR, "#holders tbody tr")) == 21
    assert overlapping_labels(phone) == 0  # 30-odd nodes, labels decluttered

    # the graph is one tab stop; arrows walk the nodes; Enter expands; Delete collapses
    node = tab_to(phone, "#graph .node", backwards=True)
    assert node.get_attribute("data-id") == "skill:python" and node.get_attribute("aria-expanded") == "true"
    before = len(phone.find_elements(By.CSS_SELECTOR, "#graph .node"))
    arrow_to(phone, "skill:programming")
    assert "collapsed" in active(phone).get_attribute("aria-label")
    press(phone, Keys.ENTER)
    wait(phone).until(lambda b: "Computer programming" in b.find_element(By.ID, "detail").text)
    wait(phone, 10).until(lambda b: focused_node(b) == "skill:programming")  # focus stays on the node
    assert active(phone).get_attribute("aria-expanded") == "true"
    assert len(phone.find_elements(By.CSS_SELECTOR, "#graph .node")) >= before  # expanded, not replaced
    assert phone.find_element(By.CSS_SELECTOR, '#graph .node[data-id="skill:sql"]')  # programming's narrower skill
    assert_accessible(phone, "skill graph, two skills expanded")
    arrow_to(phone, "skill:k8s")  # a third expansion: still no label over another
    press(phone, Keys.ENTER)
    wait(phone).until(lambda b: b.find_element(By.CSS_SELECTOR, "#detail h2").text == "Kubernetes")
    wait(phone, 10).until(lambda b: overlapping_labels(b) == 0)
    assert "hidden to keep the picture readable" in phone.find_element(By.ID, "labels-hidden").text
    arrow_to(phone, "skill:programming")
    press(phone, Keys.DELETE)
    wait(phone, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, '#graph .node[data-id="skill:programming"]')
                          .get_attribute("aria-expanded") == "false")
    assert phone.find_elements(By.CSS_SELECTOR, '#graph .node[data-id="person:ana"]')  # python's holders stay

    # search by keyboard; nothing found is said; a department with no holders is an empty state
    search = tab_to(phone, "#skill-search", backwards=True)
    choose(phone, search, "kube", "Kubernetes")
    wait(phone).until(lambda b: b.find_element(By.CSS_SELECTOR, "#detail h2").text == "Kubernetes")
    replace_text(phone, "qqqqzz")
    status = phone.find_element(By.CSS_SELECTOR, ".graphtools .ac-status")
    wait(phone, 10).until(lambda b: "No skill matches" in status.text)
    tab_to(phone, "#dept-filter")
    press(phone, "Fin")  # jump to Finance
    wait(phone).until(lambda b: "Nobody in Finance holds Kubernetes" in b.find_element(By.ID, "detail").text)
    assert phone.find_element(By.CSS_SELECTOR, ".graph-empty").is_displayed()
    shot(phone, screenshots, "graph-empty-390")
    assert_accessible(phone, "skill graph, empty state")


def test_person_page_weekly_load_with_dates_and_role_gates(phone, signed_in, screenshots):
    base = signed_in("hr")
    phone.get(base + "/people/ana?start=2026-01-01&end=2026-03-31")
    assert "Ana Lima" in phone.find_element(By.TAG_NAME, "h1").text
    ratings = phone.find_element(By.ID, "ratings")  # HR sees collaboration ratings, raters by name
    assert "Gus Berg" in ratings.text and "CRM migration" in ratings.text
    weeks = phone.find_element(By.ID, "weekly-load")
    assert weeks.is_displayed() and weeks.rect["width"] > 250
    ticks = [t.text for t in phone.find_elements(By.CSS_SELECTOR, ".week-dates span") if t.text]
    assert ticks[:2] == ["29 Dec", "2 Feb"] or ticks[0].endswith(("Dec", "Jan")), ticks  # dates under the bars
    activate(phone, "figure.weekly summary")
    rows = phone.find_elements(By.CSS_SELECTOR, "#weekly-table tbody tr")
    assert rows and rows[0].is_displayed() and "90%" in phone.find_element(By.ID, "weekly-table").text
    shot(phone, screenshots, "person-hr-390")
    assert_accessible(phone, "person page (HR)")
    signed_in("member")
    phone.get(base + "/people/ana")
    assert not phone.find_elements(By.ID, "ratings")
    assert phone.find_element(By.CSS_SELECTOR, ".avail").text
    phone.get(base + "/graph")
    assert "403" in phone.find_element(By.TAG_NAME, "h1").text
    assert_accessible(phone, "403 page")

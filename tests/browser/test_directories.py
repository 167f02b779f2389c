"""The people directory and the project index, by keyboard on a phone: filter by skill (picked
from the suggestions), level, department and free time in a window; page through with the total
said; a filter the server cannot read is marked at its field with the value meant, one key away."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.a11y import assert_accessible
from tests.browser.keyboard import activate, active, choose, press, tab_to, type_date, wait

pytestmark = pytest.mark.browser


def names(browser, table: str) -> list[str]:
    return [r.find_element(By.CSS_SELECTOR, "td a").text for r in browser.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")]


def submit(browser, button: str) -> None:
    old = browser.find_element(By.TAG_NAME, "main")
    tab_to(browser, button)
    press(browser, Keys.ENTER)
    wait(browser).until(lambda b: b.find_element(By.TAG_NAME, "main") != old)


def test_people_directory_filters_and_pages(phone, signed_in, screenshots):
    base = signed_in("hr")
    phone.get(base + "/people")
    assert phone.find_element(By.ID, "people-count").text.startswith("1–27 of 27 people")  # 9 + 18 in the lab, not the leaver
    tab_to(phone, "#limit")
    press(phone, "2")  # "20 per page"
    submit(phone, "#people-go")
    assert phone.find_element(By.ID, "people-count").text.startswith("1–20 of 27 people")
    first = names(phone, "people")
    assert len(first) == 20
    activate(phone, ".paging a[rel=next]")
    wait(phone).until(lambda b: b.find_element(By.ID, "people-count").text.startswith("21–27 of 27"))
    assert not set(names(phone, "people")) & set(first)
    assert phone.find_element(By.CSS_SELECTOR, ".paging [aria-disabled=true]").text.startswith("Next")
    shot = screenshots / "people-directory-390.png"
    phone.save_screenshot(str(shot))
    assert_accessible(phone, "people directory, page 2")

    # Python at level 4 or more, picked by keyboard; the level column appears
    phone.get(base + "/people")
    choose(phone, tab_to(phone, "#skill"), "pyth", "Python")
    tab_to(phone, "#min_level")
    press(phone, Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN)  # ≥ 1 → ≥ 4
    submit(phone, "#people-go")
    assert names(phone, "people") == ["Ana Lima", "Bo Chen"]
    assert "LEVEL" in phone.find_element(By.CSS_SELECTOR, "#people thead").text.upper()

    # engineers free at least 0.3 FTE in Q1 2026: Ana (0.9 booked) and Bo (fully booked) drop out,
    # Cy (0.8 capacity, 0.4 booked) stays
    phone.get(base + "/people")
    tab_to(phone, "#department")
    press(phone, "E")  # Engineering
    tab_to(phone, "#min_fte")
    press(phone, "0.3")
    tab_to(phone, "#start")
    type_date(phone, "2026-01-01")
    tab_to(phone, "#end")
    type_date(phone, "2026-03-31")
    submit(phone, "#people-go")
    assert names(phone, "people") == ["Cy Park"]
    assert "0.4 FTE free" in phone.find_element(By.ID, "people").text  # HR sees the figure
    assert "free at least 0.3 FTE from 1 Jan to 31 Mar" in phone.find_element(By.ID, "people-count").text


def test_members_get_no_free_time_filter(phone, signed_in):
    base = signed_in("member")
    phone.get(base + "/people")
    assert phone.find_elements(By.ID, "skill") and not phone.find_elements(By.ID, "min_fte")
    assert phone.find_element(By.ID, "people-count").text.startswith("1–27 of 27 people")
    rows = {r.find_element(By.CSS_SELECTOR, "td a").text: r.text
            for r in phone.find_elements(By.CSS_SELECTOR, "#people tbody tr")}
    assert "FTE free" in rows["Bo Chen"]  # bo sees his own free time,
    assert not [n for n, row in rows.items() if "FTE free" in row and n != "Bo Chen"]  # others' as bands


def test_project_index_filters_with_errors_beside_the_field(phone, signed_in, screenshots):
    base = signed_in("sponsor")
    phone.get(base + "/kickoff")
    assert phone.find_element(By.ID, "projects-count").text.startswith("1–5 of 5 projects")
    tab_to(phone, "#status")
    press(phone, "c")  # closed
    submit(phone, "#projects-go")
    assert sorted(names(phone, "projects")) == ["CRM migration", "Warehouse system rollout"]

    phone.get(base + "/kickoff")
    skill = tab_to(phone, "#skill")
    press(phone, "kubernets", Keys.ESCAPE)
    submit(phone, "#projects-go")
    skill = phone.find_element(By.ID, "skill")
    assert skill.get_attribute("aria-invalid") == "true"
    msg = phone.find_element(By.ID, skill.get_attribute("aria-describedby"))
    assert "kubernets" in msg.text and "field" not in msg.text
    assert not phone.find_elements(By.ID, "projects")
    phone.save_screenshot(str(screenshots / "projects-error-390.png"))
    assert_accessible(phone, "project index with a filter error")
    tab_to(phone, ".field-error .suggestion")
    assert "Kubernetes" in active(phone).text
    press(phone, Keys.ENTER)
    wait(phone).until(lambda b: b.find_elements(By.ID, "projects"))
    assert names(phone, "projects") == ["Platform upgrade"]
    assert "Kubernetes ≥ 4 × 2" in phone.find_element(By.ID, "projects").text

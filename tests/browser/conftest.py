"""Browser fixtures: the app served by waitress on loopback, and headless Debian Chromium.

The organisation is the tiny one plus a lab of 18 Python holders (`LAB`), so that lists longer
than a page (skill holders, the people directory) exist.

Screenshots go to $TEAMGRAPH_SCREENSHOTS if set, else tests/browser/screenshots (git-ignored); the
folder is printed at the end of the run (they are test artefacts: CI uploads that folder).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = Path(os.environ.get("TEAMGRAPH_SCREENSHOTS") or Path(__file__).with_name("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    print(f"\nbrowser screenshots: {folder}", file=sys.stderr)


SURNAMES = ("Abara", "Baker", "Costa", "Dahl", "Eze", "Fink", "Gray", "Holm", "Ibsen", "Jaro", "Kato", "Lund",
            "Moro", "Nagy", "Ortiz", "Pace", "Quinn", "Rossi")
LAB = [(f"lab{i:02d}", f"Lee {surname}") for i, surname in enumerate(SURNAMES)]


def lab():
    """18 research-lab people holding Python at levels 1-3 (no projects, full capacity)."""
    from teamgraph.graph.model import ChangeSet, Department, Person, PersonSkill
    cs = ChangeSet()
    cs.add(Department("lab", "Research lab"))
    for i, (pid, name) in enumerate(LAB):
        cs.add(Person(pid, name, f"{pid}@example.org", "lab", "Lab technician", "Graz", "Europe/Vienna", 1.0, 60, ("de", "en")),
               PersonSkill(pid, "python", 1 + i % 3, "self-declared", None))
    return cs


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    """(base url, tokens by role) for the tiny organisation served by waitress on 127.0.0.1."""
    from teamgraph.api.app import create_app
    from teamgraph.api.server import make_server
    from teamgraph.api.tokens import token_store_for
    from teamgraph.embeddings.encoder import HashingEncoder
    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.service import Teamgraph
    from teamgraph.settings import Settings
    from tests.tinyorg import tiny_org

    data = tmp_path_factory.mktemp("live")
    store = SqliteStore(data / "teamgraph.sqlite3")
    store.apply(tiny_org())
    store.apply(lab())
    settings = Settings(data_dir=data, secret_key="browser-tests")
    service = Teamgraph(settings, store=store, encoder=HashingEncoder(), progress=False)
    ts = token_store_for(data)
    tokens = {role: ts.create(role, person)[0] for role, person in
              {"sponsor": "fay", "member": "bo", "hr": "ivy", "admin": None}.items()}
    server = make_server(create_app(settings=settings, service=service), "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", tokens
    server.close()
    service.close()


@pytest.fixture
def browser(request):
    """Headless Chromium. A test marked `page_load_strategy("none")` gets a driver that never waits
    for a navigation to finish (for pages whose answer the test itself holds back)."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(f"needs Debian chromium and chromedriver ({CHROMIUM}, {CHROMEDRIVER}); "
                    "`apt-get install chromium chromium-driver` (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="tg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1440,900", "--lang=en-US"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US"})
    strategy = request.node.get_closest_marker("page_load_strategy")
    options.page_load_strategy = strategy.args[0] if strategy else "normal"
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def phone(browser):
    """The browser at a phone's viewport (tests.browser.keyboard.WIDTHS)."""
    from tests.browser.keyboard import WIDTHS, viewport
    viewport(browser, *WIDTHS["phone"])
    return browser


@pytest.fixture
def signed_in(browser, live):
    """signed_in("sponsor") logs the browser in through the login form, by keyboard (Tab to the
    token box, type, Enter); returns the base url."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser.keyboard import press, tab_to

    base, tokens = live

    def sign_in(role: str) -> str:
        browser.get(base + "/login")
        WebDriverWait(browser, 30).until(  # at once with the normal strategy; the page load with "none"
            lambda d: d.execute_script("return document.readyState === 'complete' && !!document.getElementById('token')"))
        tab_to(browser, "#token")
        press(browser, tokens[role], Keys.ENTER)
        # Enter starts a navigation: wait until the browser has left the login page (a session from
        # an earlier sign-in shows its own role badge there), then read the new page's badge. The
        # URL is read rather than the old form going stale: Chromium sometimes answers a stale
        # element with an inspector error instead of StaleElementReferenceException.
        WebDriverWait(browser, 30).until(lambda d: urlsplit(d.current_url).path != "/login")
        badge = WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".role")))
        WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
        assert badge.text.lower() == role
        return base
    return sign_in

"""The automated accessibility check: the vendored axe-core (tests/browser/vendor/axe-core, MPL-2.0)
injected into the page under test, WCAG 2.x A and AA rules plus axe's best practices. A page passes
when axe reports no violation of serious or critical impact."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = ("serious", "critical")


def axe_violations(browser) -> list[dict]:
    """Run axe on the current page; the serious and critical violations, each with the nodes it hit."""
    if not browser.execute_script("return !!window.axe"):
        browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(60)
    # At the top of the page: the sticky header covers whatever the keyboard left scrolled under
    # it, and axe's target-size rule counts the header's links as that control's neighbours — a
    # verdict on the scroll position, not the page. The scroll position is restored afterwards.
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1]; const [x, y] = [scrollX, scrollY]; scrollTo(0, 0);"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then((r) => { scrollTo(x, y); done(r.violations); },"
        " (e) => { scrollTo(x, y); done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]); });",
        TAGS)
    return [v for v in result if v.get("impact") in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} — {v['help']}")
        for n in v.get("nodes", [])[:5]:
            lines.append(f"    {' '.join(n.get('target', []))}: {n.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_accessible(browser, where: str = "") -> None:
    found = axe_violations(browser)
    assert not found, f"accessibility violations on {where or browser.current_url}:\n{describe(found)}"

"""An accessibility audit of the page a journey is on, with axe-core (vendor/axe-core/).

`assert_accessible(page)` fails on every serious or critical violation axe finds, with a list
that says which rule, where, and how to fix it. Every journey runs it on each page it visits:
the `browser` fixture audits the page after each `goto` and `wait_for_url`
(`audited_navigation`); call it directly for a state reached without navigating.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from playwright.sync_api import Browser, Page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Moderate in axe's eyes, but a page once had two search landmarks of the same name: keep it so.
ALSO_BLOCKING = ("landmark-unique",)

# What a violation says, with at most a few of its elements: enough to find and fix it.
RUN = """async () => {
  const results = await window.axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.slice(0, 5).map((node) => ({
      target: node.target.join(" "),
      summary: node.failureSummary,
    })),
    count: violation.nodes.length,
  }));
}"""


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now, of every impact."""
    # Evaluated through the browser's debugging protocol rather than added as a <script>:
    # the site's CSP refuses inline scripts, and rightly.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(RUN)


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(
            f"- {violation['id']} ({violation['impact']}, {violation['count']} element(s)): "
            f"{violation['help']}"
        )
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail on any serious or critical axe violation on the page (and on ALSO_BLOCKING)."""
    blocking = [
        found
        for found in violations(page)
        if found["impact"] in BLOCKING or found["id"] in ALSO_BLOCKING
    ]
    assert not blocking, f"Accessibility problems on {page.url}:\n{describe(blocking)}"


# Contexts opened with JavaScript off: axe cannot run there (and evaluating would wait for ever).
_WITHOUT_SCRIPT: set[int] = set()


def _auditable(page: Page) -> bool:
    if id(page.context) in _WITHOUT_SCRIPT:
        return False
    return page.evaluate("() => document.contentType === 'text/html'")


@contextmanager
def audited_navigation(*, enabled: bool = True) -> Iterator[None]:
    """Audit the page after every `Page.goto` and `Page.wait_for_url` while it lasts."""
    if not enabled:
        yield
        return
    goto, wait_for_url = Page.goto, Page.wait_for_url
    new_context, new_page = Browser.new_context, Browser.new_page

    def audited_goto(self, *args, **kwargs):
        response = goto(self, *args, **kwargs)
        if _auditable(self):
            assert_accessible(self)
        return response

    def audited_wait_for_url(self, *args, **kwargs):
        wait_for_url(self, *args, **kwargs)
        if _auditable(self):
            assert_accessible(self)

    def noting_new_context(self, *args, **kwargs):
        context = new_context(self, *args, **kwargs)
        if kwargs.get("java_script_enabled") is False:
            _WITHOUT_SCRIPT.add(id(context))
        return context

    def noting_new_page(self, *args, **kwargs):
        page = new_page(self, *args, **kwargs)
        if kwargs.get("java_script_enabled") is False:
            _WITHOUT_SCRIPT.add(id(page.context))
        return page

    Page.goto, Page.wait_for_url = audited_goto, audited_wait_for_url
    Browser.new_context, Browser.new_page = noting_new_context, noting_new_page
    try:
        yield
    finally:
        Page.goto, Page.wait_for_url = goto, wait_for_url
        Browser.new_context, Browser.new_page = new_context, new_page
        _WITHOUT_SCRIPT.clear()

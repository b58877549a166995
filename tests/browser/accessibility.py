"""An accessibility audit of the page a journey is on, with axe-core (vendor/axe-core/).

`assert_accessible(page)` fails on every serious or critical violation axe finds, with a list
that says which rule, where, and how to fix it. The journeys call it on each page they visit.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

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

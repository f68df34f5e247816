"""axe-core (bundled by axe-playwright-python) against a Playwright page: WCAG 2.2 A/AA violations."""

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

_axe = Axe()


def wcag_violations(page: Page) -> list[str]:
    """One line per violated rule: its id, what it asks and the first offending elements."""
    response: dict[str, Any] = _axe.run(page, options=AXE_OPTIONS).response
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']}: "
        + "; ".join(" ".join(node["target"]) for node in rule["nodes"][:3])
        for rule in response["violations"]
    ]


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scroll)."""
    overflow: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return max(overflow, 0)

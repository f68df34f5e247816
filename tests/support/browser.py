"""Steps of a real browser (Playwright) against `live_server`."""

from playwright.sync_api import Page

from tests.support.personas import PASSWORD

# The widths every browser journey runs at: a desktop and a phone (CSS pixels, with a height).
SCREENS = {"1280": (1280, 800), "390": (390, 844)}


def sign_in(page: Page, base_url: str, *, username: str = "agent") -> None:
    page.goto(f"{base_url}/customers/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/customers/")


def clipboard(page: Page) -> str:
    """The clipboard's text, as the page may read it (the context must grant clipboard-read)."""
    text: str = page.evaluate("navigator.clipboard.readText()")
    return text

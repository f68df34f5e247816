"""The customer page's tick boxes as the server renders them: the subscription a `sub_` search
found (marked and pre-ticked), what "select all eligible" may tick, the action bar, the 25 limit."""

import re

import pytest
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.forms import MAX_SUBSCRIPTIONS
from tests.support.journey import confirm_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("either_sign_in")]


def checkbox(html: str, subscription_id: str) -> str:
    match = re.search(
        rf'<input type="checkbox" name="subscription_ids" value="{subscription_id}"[^>]*>', html
    )
    assert match is not None, subscription_id
    return match.group(0)


def test_the_subscription_a_search_found_is_marked_and_ticked(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    found, other = [s["id"] for s in emulator.subscriptions_of(customer_id)][:2]
    response = agent_client.get(f"/customers/{customer_id}/", {"subscription": found})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Found by your search" in html
    assert f'href="#tick-{found}"' in html
    box = checkbox(html, found)
    assert " checked" in box
    assert "data-found" in box
    assert 'aria-describedby="found-subscription"' in box
    assert " checked" not in checkbox(html, other)


def test_an_upper_case_subscription_parameter_is_normalised(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    found = emulator.subscriptions_of(customer_id)[0]["id"]
    html = agent_client.get(
        f"/customers/{customer_id}/", {"subscription": f" {found.upper()}"}
    ).content.decode()
    assert " checked" in checkbox(html, found)


@pytest.mark.parametrize(
    "value",
    ["sub_123", "sub_" + "0" * 26, "<script>", "x" * 5000, "sub_../../customers"],
    ids=["malformed", "unknown", "markup", "huge", "path"],
)
def test_an_invalid_subscription_parameter_is_ignored(
    agent_client: Client, emulator: Emulator, customer_id: str, value: str
) -> None:
    response = agent_client.get(f"/customers/{customer_id}/", {"subscription": value})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Found by your search" not in html
    assert "data-found" not in html
    assert "<script>" not in html.split("<body", 1)[1].replace('<script src="', "")


def test_another_customers_subscription_is_ignored(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    foreign = emulator.subscriptions_of(emulator.examples()["html_name"])[0]["id"]
    response = agent_client.get(f"/customers/{customer_id}/", {"subscription": foreign})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Found by your search" not in html
    assert foreign not in html


def test_with_links_switched_off_the_found_subscription_is_marked_but_not_ticked(
    agent_client: Client, emulator: Emulator, customer_id: str, settings: Settings
) -> None:
    settings.KILL_SWITCH_ON = True
    found = emulator.subscriptions_of(customer_id)[0]["id"]
    html = agent_client.get(f"/customers/{customer_id}/", {"subscription": found}).content.decode()
    box = checkbox(html, found)
    assert " disabled" in box
    assert " checked" not in box
    assert "Found by your search" in html
    assert "Link creation is switched off, so nothing can be ticked" in html
    assert "Select all eligible" not in html
    assert re.search(r'<button type="submit" disabled class="tick-continue">', html)


def test_paused_and_canceled_subscriptions_are_not_eligible_for_select_all(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    html = agent_client.get(f"/customers/{customer_id}/").content.decode()
    subscriptions = emulator.subscriptions_of(customer_id)
    for subscription in subscriptions:
        eligible = subscription["status"] not in ("paused", "canceled")
        assert ("data-eligible" in checkbox(html, subscription["id"])) is eligible, subscription["status"]
    eligible_count = sum(1 for s in subscriptions if s["status"] not in ("paused", "canceled"))
    assert f"Select all eligible ({eligible_count})" in html


def test_the_action_bar_holds_the_count_tools_and_continue(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    html = agent_client.get(f"/customers/{customer_id}/").content.decode()
    bar = html.split('<div class="action-bar" id="action-bar">', 1)[1].split("</form>", 1)[0]
    assert 'id="tick-count" role="status"' in bar
    assert f"Tick up to {MAX_SUBSCRIPTIONS} subscriptions" in bar  # what a page without JavaScript says
    assert "data-tick-all" in bar
    assert "data-tick-none" in bar
    assert '<div class="tick-tools" hidden>' in bar  # shown by ticks.js only
    assert "Continue</button>" in bar
    assert '<form method="post"' in html
    assert "data-ticks" in html


def test_more_than_25_ticks_are_still_refused_with_advice_to_split(
    agent_client: Client, emulator: Emulator
) -> None:
    many = emulator.examples()["many_subscriptions"]
    ticks = [s["id"] for s in emulator.subscriptions_of(many)]
    assert len(ticks) == 27
    response = confirm_page(agent_client, many, ticks)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Tick at most {MAX_SUBSCRIPTIONS} subscriptions" in html
    assert f"split them into batches of {MAX_SUBSCRIPTIONS}" in html


def test_exactly_25_ticks_are_accepted(agent_client: Client, emulator: Emulator) -> None:
    many = emulator.examples()["many_subscriptions"]
    ticks = [s["id"] for s in emulator.subscriptions_of(many)][:MAX_SUBSCRIPTIONS]
    assert confirm_page(agent_client, many, ticks).status_code == 200

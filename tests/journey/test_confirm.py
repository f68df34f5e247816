"""Step 4: the confirm page says what will be created, asks for a reason and changes nothing."""

from collections.abc import Callable

import pytest
from django.test import Client

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent, SpentConfirmation
from tests.support.journey import TOKEN_RE, confirm_page, paddle_posts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("either_sign_in")]


def test_the_confirm_page_lists_the_links_and_what_holders_can_do(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    audited_before = AuditEvent.objects.count()
    response = confirm_page(agent_client, customer_id, subscription_ids)
    html = response.content.decode()
    assert response.status_code == 200
    for subscription_id in subscription_ids:
        assert f'name="subscription_ids" value="{subscription_id}"' in html
    for consequence in ("view invoices", "update payment methods", "cancel subscriptions"):
        assert consequence in html
    assert 'name="reason"' in html
    assert TOKEN_RE.search(html)
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]
    # It shows the customer's name, email and subscriptions: audited as a view of the confirm page.
    [viewed] = AuditEvent.objects.all()[: AuditEvent.objects.count() - audited_before]
    assert (viewed.action, viewed.customer_id, viewed.subscription_ids) == (
        "customer.view",
        customer_id,
        subscription_ids,
    )
    assert viewed.customer_email == emulator.customer(customer_id)["email"]
    assert viewed.details == {"page": "confirm"}
    assert paddle_posts(emulator) == []
    assert not SpentConfirmation.objects.exists()


def test_ticking_nothing_confirms_an_overview_link_only(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    response = confirm_page(agent_client, customer_id, [])
    assert response.status_code == 200
    assert "none was ticked" in response.content.decode()


def test_another_customers_subscription_is_refused(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    foreign = emulator.subscriptions_of(emulator.examples()["html_name"])[0]["id"]
    response = confirm_page(agent_client, customer_id, [subscription_ids[0], foreign])
    assert response.status_code == 400
    assert "does not belong to this customer" in response.content.decode()
    assert not TOKEN_RE.search(response.content.decode())


@pytest.mark.parametrize(
    ("make_ids", "message"),
    [
        (lambda owned: [f"sub_{i:026d}" for i in range(26)], "at most 25"),
        (lambda owned: [owned[0], owned[0]], "ticked twice"),
        (lambda owned: ["sub_123"], "malformed"),
    ],
    ids=["26 subscriptions", "duplicates", "malformed id"],
)
def test_bad_ticks_are_refused_without_asking_paddle(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    make_ids: Callable[[list[str]], list[str]],
    message: str,
) -> None:
    response = confirm_page(agent_client, customer_id, make_ids(subscription_ids))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert emulator.requests == []


def test_the_confirm_page_also_answers_a_get_with_the_ticks_the_way_back_from_a_step_up(
    agent_client: Client, customer_id: str, subscription_ids: list[str], emulator: Emulator
) -> None:
    url = f"/customers/{customer_id}/portal-session/confirm/"
    response = agent_client.get(url, {"subscription_ids": subscription_ids})
    assert response.status_code == 200
    page = response.content.decode()
    for subscription_id in subscription_ids:
        assert f'name="subscription_ids" value="{subscription_id}"' in page
    assert [r.method for r in emulator.requests] == ["GET", "GET"]  # the customer and its subscriptions

"""The customer's link history on the customer and confirm pages, and its warning banner."""

import pytest
from django.test import Client

from paddle_emulator import Emulator
from tests.support.journey import confirm, create
from tests.support.mail import Mailbox

pytestmark = pytest.mark.django_db


def test_three_attempts_in_a_day_show_in_the_history_with_a_warning_banner(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str], mailbox: Mailbox
) -> None:
    for delivery in ("show", "email"):
        token = confirm(agent_client, customer_id, subscription_ids)
        assert (
            create(agent_client, customer_id, subscription_ids, token=token, delivery=delivery).status_code
            == 200
        )
    page = agent_client.get(f"/customers/{customer_id}/").content.decode()
    assert "history-warning" not in page
    assert page.count("<tr>") - 1 >= 2  # header row + two attempts (+ subscription rows)

    redemption = "/r/" + mailbox.messages[0].redemption_url.split("/r/", 1)[1]
    Client().post(redemption)
    token = confirm(agent_client, customer_id, subscription_ids)
    create(agent_client, customer_id, subscription_ids, token=token, requester_email="x@example.net")

    for page in (
        agent_client.get(f"/customers/{customer_id}/").content.decode(),
        agent_client.post(
            f"/customers/{customer_id}/portal-session/confirm/",
            {"subscription_ids": subscription_ids},
            follow=True,
        ).content.decode(),
    ):
        history = page.split('id="link-history"', 1)[1]
        assert 'id="history-warning"' in history
        assert "3 link attempts in the last 24 hours" in history
        assert "did not match the email on file" in history
        rows = history.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
        assert len(rows) == 3
        newest, emailed, shown = rows
        assert "x@example.net" in newest
        assert "mismatch" in newest
        assert "refused (approval_required)" in newest  # shown to a mismatch: a manager must approve
        assert "email" in emailed
        assert "emailed" in emailed
        assert "<td>yes</td>" in emailed
        assert "links shown" in shown
        assert "<td>—</td>" in shown
        assert "agent" in shown

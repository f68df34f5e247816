"""Steps of the agent's journey shared by test packages: confirm, create, read the links page,
age the last password proof."""

import html
import re
from collections.abc import Sequence

from django.db import connection
from django.test import Client

from paddle_emulator import Emulator, RecordedRequest
from sessions_app.accounts import step_up as stepup
from sessions_app.models import AuditEvent
from tests.support.responses import ClientResponse

TOKEN_RE = re.compile(r'name="confirmation_token" value="([^"]+)"')
PORTAL_LINK_RE = re.compile(r'href="(https?://[^"]*/portal/[^"]*)"')
EMAIL_ON_FILE_RE = re.compile(r'<span id="email-on-file">([^<]*)</span>')
# The email on file each handed-out token's confirm page showed: `create` sends it as the
# requester's by default (a matching requester), so journeys keep their meaning.
_EMAIL_ON_FILE: dict[str, str] = {}


def paddle_posts(emulator: Emulator) -> list[RecordedRequest]:
    return [r for r in emulator.requests if r.method == "POST"]


def confirm_page(client: Client, customer_id: str, subscription_ids: Sequence[str]) -> ClientResponse:
    """Post the customer page's ticks to the confirm page, and follow its 303 to the page's GET."""
    return client.post(
        f"/customers/{customer_id}/portal-session/confirm/",
        {"subscription_ids": list(subscription_ids)},
        follow=True,
    )


def token_of(page: ClientResponse) -> str:
    """The one-time token a confirm page hands out."""
    assert page.status_code == 200, page.content
    text = page.content.decode()
    match = TOKEN_RE.search(text)
    assert match is not None
    on_file = EMAIL_ON_FILE_RE.search(text)
    if on_file is not None:
        _EMAIL_ON_FILE[match.group(1)] = html.unescape(on_file.group(1))
    return match.group(1)


def confirm(client: Client, customer_id: str, subscription_ids: Sequence[str]) -> str:
    """Confirm the ticks; the one-time token the confirm page hands out."""
    return token_of(confirm_page(client, customer_id, subscription_ids))


def create(
    client: Client,
    customer_id: str,
    subscription_ids: Sequence[str],
    *,
    token: str,
    reason: str = "TICKET-42",
    password: str | None = None,
    requester_email: str | None = None,
    delivery: str = "show",
) -> ClientResponse:
    """Submit the confirm page: its ticks, a reason, the token and (for a step-up) a password.

    The requester is the email on file the token's confirm page showed unless one is given.
    A refusal's 303 back to the confirm page is returned as is (`assert_sent_back` follows it).
    """
    if requester_email is None:
        requester_email = _EMAIL_ON_FILE.get(token, "")
    data = {
        "subscription_ids": list(subscription_ids),
        "reason": reason,
        "confirmation_token": token,
        "requester_email": requester_email,
        "delivery": delivery,
    }
    if password is not None:
        data["password"] = password
    response = client.post(f"/customers/{customer_id}/portal-session/", data)
    if response.status_code == 303 and response["Location"].endswith("/portal-session/emailed/"):
        # Emailed: the POST's 303 leads to the page that says where (its own tests check the 303).
        return client.get(response["Location"])
    return response


def confirm_and_create(client: Client, customer_id: str, subscription_ids: Sequence[str]) -> ClientResponse:
    return create(client, customer_id, subscription_ids, token=confirm(client, customer_id, subscription_ids))


def assert_refused(response: ClientResponse, status: int, message: str, emulator: Emulator) -> None:
    """The submission was refused with `status` and `message`, and nothing was written to Paddle."""
    assert response.status_code == status
    assert message in response.content.decode()
    assert paddle_posts(emulator) == []


def assert_sent_back(
    client: Client, response: ClientResponse, customer_id: str, message: str, emulator: Emulator | None = None
) -> ClientResponse:
    """The submission went back to the confirm page: a 303 to its GET, whose banner says `message`.

    Nothing was written to Paddle when `emulator` is given. Returns the confirm page (a new token).
    """
    assert response.status_code == 303, response.content
    location = response["Location"]
    assert location.startswith(f"/customers/{customer_id}/portal-session/confirm/"), location
    page = client.get(location)
    assert page.status_code == 200, page.content
    html = page.content.decode()
    banner = BANNER_RE.search(html)
    assert banner is not None, html
    assert message in html_text(banner.group(0)), banner.group(0)
    if emulator is not None:
        assert paddle_posts(emulator) == []
    return page


def html_text(fragment: str) -> str:
    """`fragment`'s text: tags dropped, entities decoded, whitespace collapsed."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r" ([;.,:])", r"\1", text)  # no space where an inline tag ended before punctuation


BANNER_RE = re.compile(r'<div class="notice notice-error confirm-banner".*?</div>', re.S)


def portal_links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in PORTAL_LINK_RE.findall(html)]


def expected_links(emulator: Emulator, customer_id: str, subscription_ids: Sequence[str]) -> int:
    """How many links the links page shows: the overview, then per subscription payment, cancel
    and view; one link for a paused or canceled one (all of its open the overview); no payment
    link for one paid by invoice (it opens the overview)."""
    subscriptions = {s["id"]: s for s in emulator.subscriptions_of(customer_id)}
    count = 1
    for subscription_id in subscription_ids:
        subscription = subscriptions[subscription_id]
        if subscription["status"] in ("paused", "canceled"):
            count += 1
        else:
            count += 2 if subscription["collection_mode"] == "manual" else 3
    return count


def refuse_audit_inserts(action: str) -> None:
    """Make the database itself reject audit rows of `action`, as a full disk would.

    A trigger created inside the test's transaction, so the test's rollback removes it again.
    """
    table = AuditEvent._meta.db_table
    statements = {
        "sqlite": [
            f"CREATE TRIGGER test_refuse_audit BEFORE INSERT ON {table} "
            f"WHEN NEW.action = '{action}' "
            "BEGIN SELECT RAISE(ABORT, 'no space left on device'); END"
        ],
        "postgresql": [
            "CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'no space left on device' USING ERRCODE = 'disk_full'; END $$",
            f"CREATE TRIGGER test_refuse_audit BEFORE INSERT ON {table} FOR EACH ROW "
            f"WHEN (NEW.action = '{action}') EXECUTE FUNCTION test_refuse_audit()",
        ],
    }
    with connection.cursor() as cursor:
        for statement in statements[connection.vendor]:
            cursor.execute(statement)


def age_step_up(client: Client, minutes: int) -> None:
    """Move the session's last password proof `minutes` into the past."""
    session = client.session
    session[stepup.SESSION_KEY] -= minutes * 60
    session.save()

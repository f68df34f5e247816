"""The console's own services fail during an agent's journey: it says which, fails closed, never 500.

Real processes: gunicorn (DEBUG off), its own Redis, PostgreSQL behind a proxy the test closes,
and the Paddle emulator. Each test walks sign in → search → customer → confirm → create and
checks every step's status and message, the audit log, and the first request after recovery.
"""

import re
import threading
import time

import pytest
import requests

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent, RedemptionToken
from tests.support.harness import Agent, confirmation_token, portal_links
from tests.support.outages import Console
from tests.support.production import make_agent

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

Action = AuditEvent.Action
DATABASE_DOWN = "database is unavailable"
CACHE_DOWN = "cache service is unavailable"
REASON_RE = re.compile(r'name="reason"[^>]* value="([^"]*)"')
TICKED_RE = re.compile(r'<input type="hidden" name="subscription_ids" value="([^"]+)">')


def example(emulator: Emulator) -> tuple[str, str, list[str]]:
    """A customer with a subscription in every status: id, email, and two subscription ids."""
    customer_id = emulator.examples()["all_statuses"]
    email = emulator.customer(customer_id)["email"]
    return customer_id, email, [s["id"] for s in emulator.subscriptions_of(customer_id)][:2]


def paddle_posts(emulator: Emulator) -> int:
    return sum(1 for r in emulator.requests if r.method == "POST")


def actions() -> list[tuple[str, str, str]]:
    """(action, outcome, error_code) of every portal-session row, oldest first."""
    rows = AuditEvent.objects.filter(action__startswith="portal_session").order_by("seq")
    return [(row.action, row.outcome, row.error_code) for row in rows]


def sent_back(agent: Agent, console: Console, created: requests.Response) -> requests.Response:
    """The 303 a refused creation answers with, followed: the confirm page (a GET) with the work kept."""
    page = agent.follow(console.url, created)
    assert page.status_code == 200, page.text
    return page


def test_with_redis_stopped_reads_go_on_and_link_creation_is_refused_then_the_kept_form_works(
    console: Console, paddle: Emulator
) -> None:
    customer_id, email, subscription_ids = example(paddle)
    agent = make_agent("agent")
    console.redis.stop()

    signed_in = agent.sign_in(console.url)
    search = agent.search(console.url, email)
    customer = agent.customer(console.url, customer_id)
    confirm = agent.confirm(console.url, customer_id, subscription_ids)
    created = agent.create(
        console.url, customer_id, subscription_ids, token=confirmation_token(confirm), reason="TICKET-7"
    )

    assert signed_in.status_code == 302
    assert (search.status_code, customer.status_code, confirm.status_code) == (200, 200, 200)
    assert email in search.text
    assert customer_id in customer.text
    # Refused, then back to the confirm page as a GET (so Back never resubmits): it works with
    # Redis down, says why, and keeps the ticks and the reason with a new confirmation.
    back = sent_back(agent, console, created)
    assert CACHE_DOWN in back.text
    assert "submit again in a moment" in back.text
    assert portal_links(back) == []
    assert paddle_posts(paddle) == 0
    assert actions() == [(Action.PORTAL_SESSION_FAILED, "denied", "cache_unavailable")]
    assert TICKED_RE.findall(back.text) == subscription_ids
    assert REASON_RE.findall(back.text) == ["TICKET-7"]
    # Several Paddle calls went without the budget; the skip was logged once.
    assert console.log().count("the Paddle request budget skipped") == 1

    console.redis.start()
    again = agent.create(
        console.url, customer_id, subscription_ids, token=confirmation_token(back), reason="TICKET-7"
    )

    assert again.status_code == 200
    assert len(portal_links(again)) >= 1
    assert paddle_posts(paddle) == 1
    assert [a for a, _, _ in actions()][-2:] == [
        Action.PORTAL_SESSION_REQUESTED,
        Action.PORTAL_SESSION_CREATED,
    ]


def test_with_redis_hung_reads_are_slowed_by_its_timeout_only_and_creation_is_refused(
    console: Console, paddle: Emulator
) -> None:
    customer_id, email, subscription_ids = example(paddle)
    agent = make_agent("agent")
    assert agent.sign_in(console.url).status_code == 302
    token = confirmation_token(agent.confirm(console.url, customer_id, subscription_ids))
    console.redis.pause()

    timed: dict[str, float] = {}
    started = time.monotonic()
    search = agent.search(console.url, email)
    timed["search"] = time.monotonic() - started
    started = time.monotonic()
    created = agent.create(console.url, customer_id, subscription_ids, token=token)
    timed["create"] = time.monotonic() - started
    print(f"hung Redis: search {timed['search']:.2f} s, create {timed['create']:.2f} s")

    assert search.status_code == 200
    assert email in search.text
    assert created.status_code == 303
    # One budget round trip (0.5 s read timeout) per Paddle call; the limit's first one fails.
    assert timed["search"] < 2.0
    assert timed["create"] < 2.0
    assert paddle_posts(paddle) == 0
    assert actions() == [(Action.PORTAL_SESSION_FAILED, "denied", "cache_unavailable")]

    console.redis.resume()
    assert CACHE_DOWN in sent_back(agent, console, created).text
    # The refused confirmation was not spent: it still creates the links.
    assert agent.create(console.url, customer_id, subscription_ids, token=token).status_code == 200


def test_with_postgresql_unreachable_every_step_answers_503_and_nothing_is_created_until_it_returns(
    console: Console, paddle: Emulator
) -> None:
    customer_id, email, subscription_ids = example(paddle)
    agent = make_agent("agent")
    assert agent.sign_in(console.url).status_code == 302
    token = confirmation_token(agent.confirm(console.url, customer_id, subscription_ids))
    other = make_agent("other")
    console.database.close()

    steps = {
        "sign in": other.sign_in(console.url),
        "search": agent.search(console.url, email),
        "customer": agent.customer(console.url, customer_id),
        "confirm": agent.confirm(console.url, customer_id, subscription_ids),
        "create": agent.create(console.url, customer_id, subscription_ids, token=token),
    }

    for step, response in steps.items():
        assert response.status_code == 503, step
        assert DATABASE_DOWN in response.text, step
        assert "Traceback" not in response.text, step
        assert response.headers["Retry-After"] == "10", step
    assert portal_links(steps["create"]) == []
    assert paddle_posts(paddle) == 0

    console.database.open()
    after = {
        "search": agent.search(console.url, email),
        "create": agent.create(console.url, customer_id, subscription_ids, token=token),
        "sign in": other.sign_in(console.url),
    }

    assert after["search"].status_code == 200
    assert after["create"].status_code == 200
    assert portal_links(after["create"])
    assert after["sign in"].status_code == 302
    assert actions() == [
        (Action.PORTAL_SESSION_REQUESTED, "success", ""),
        (Action.PORTAL_SESSION_CREATED, "success", ""),
    ]


def test_postgresql_lost_while_paddle_makes_the_session_shows_no_links_and_leaves_requested_only(
    console: Console, paddle: Emulator
) -> None:
    customer_id, _, subscription_ids = example(paddle)
    agent = make_agent("agent")
    assert agent.sign_in(console.url).status_code == 302
    token = confirmation_token(agent.confirm(console.url, customer_id, subscription_ids))
    paddle.add_fault("*/portal-sessions", kind="latency", method="POST", latency_ms=1500)
    result: list[requests.Response] = []
    creating = threading.Thread(
        target=lambda: result.append(agent.create(console.url, customer_id, subscription_ids, token=token))
    )

    creating.start()
    deadline = time.monotonic() + 10
    while paddle_posts(paddle) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    console.database.close()  # Paddle is making the session; `created` cannot be committed
    creating.join(timeout=30)

    [created] = result
    assert created.status_code == 503
    assert portal_links(created) == []
    assert "Traceback" not in created.text
    assert paddle_posts(paddle) == 1
    console.database.open()
    assert actions() == [(Action.PORTAL_SESSION_REQUESTED, "success", "")]
    assert agent.search(console.url, "someone@example.com").status_code == 200


def test_a_hung_postgresql_is_given_up_after_the_connect_timeout(console: Console, paddle: Emulator) -> None:
    _, email, _ = example(paddle)
    agent = make_agent("agent")
    assert agent.sign_in(console.url).status_code == 302
    console.database.hang()

    started = time.monotonic()
    search = agent.search(console.url, email)
    elapsed = time.monotonic() - started
    print(f"hung PostgreSQL: search answered {search.status_code} in {elapsed:.2f} s")

    assert search.status_code == 503
    assert DATABASE_DOWN in search.text
    assert 2.5 < elapsed < 4.5  # one connect_timeout (3 s), not one per session read
    console.database.open()
    assert agent.search(console.url, email).status_code == 200


def test_with_smtp_refusing_email_delivery_is_refused_audited_and_the_retry_sends_one_working_link(
    console: Console, paddle: Emulator
) -> None:
    customer_id, email, subscription_ids = example(paddle)
    agent = make_agent("agent")
    assert agent.sign_in(console.url).status_code == 302
    console.smtp.stop()

    confirm = agent.confirm(console.url, customer_id, subscription_ids)
    refused = agent.create(
        console.url, customer_id, subscription_ids, token=confirmation_token(confirm), delivery="email"
    )

    assert "could not be sent" in sent_back(agent, console, refused).text
    assert paddle_posts(paddle) == 0
    failed = AuditEvent.objects.get(action=Action.PORTAL_LINK_EMAIL_FAILED)
    assert (failed.outcome, failed.error_code) == ("failure", "ConnectionRefusedError")
    assert not AuditEvent.objects.filter(action=Action.PORTAL_LINK_EMAILED).exists()
    assert not RedemptionToken.objects.filter(used_at__isnull=True).exists()  # the token was invalidated

    console.smtp.start()
    confirm = agent.confirm(console.url, customer_id, subscription_ids)
    sent = agent.create(
        console.url, customer_id, subscription_ids, token=confirmation_token(confirm), delivery="email"
    )

    assert "Link emailed to" in agent.follow(console.url, sent).text
    assert [m.rcpt_tos for m in console.smtp.received()] == [(email,)]
    assert RedemptionToken.objects.filter(used_at__isnull=True).count() == 1

"""Two gunicorn processes on one PostgreSQL database: two concurrent clicks of one emailed link."""

import threading

import pytest
import requests
from django.contrib.auth.models import User

from paddle_emulator import Emulator
from sessions_app.links import delivery
from sessions_app.models import AuditEvent
from tests.support.production import Deployment, make_agent

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]


def test_two_concurrent_posts_of_one_token_in_two_processes_create_one_paddle_session(
    deployment: Deployment, deployment_emulator: Emulator
) -> None:
    make_agent("agent")
    customer_id = deployment_emulator.examples()["all_statuses"]
    subscription_ids = [s["id"] for s in deployment_emulator.subscriptions_of(customer_id)][:2]
    token, _ = delivery.create_token(
        issued_by=User.objects.get(username="agent"),
        customer_id=customer_id,
        subscription_ids=subscription_ids,
        attempt="race",
    )

    # Each click from its own browser, each to its own process; both hold the page's CSRF token.
    clicks = []
    for base_url in (deployment.a, deployment.b):
        browser = requests.Session()
        browser.trust_env = False
        assert browser.get(f"{base_url}/r/{token}/", timeout=30).status_code == 200
        clicks.append((browser, base_url))
    statuses: list[int] = []
    start = threading.Barrier(len(clicks))

    def click(browser: requests.Session, base_url: str) -> None:
        csrf = browser.cookies.get("csrftoken", "")
        start.wait()
        response = browser.post(f"{base_url}/r/{token}/", data={"csrfmiddlewaretoken": csrf}, timeout=30)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=click, args=pair) for pair in clicks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 410]
    assert sum(1 for r in deployment_emulator.requests if r.method == "POST") == 1
    assert AuditEvent.objects.filter(action="portal_session.created", customer_id=customer_id).count() == 1

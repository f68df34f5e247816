"""Two gunicorn processes on one PostgreSQL database and one Redis behave as one console.

Agents sign in through the login form (a fresh sign-in is the step-up proof) and move between the
processes as a load balancer would send them.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.harness import Agent, confirmation_token, manage, portal_links
from tests.support.production import (
    LINKS_PER_HOUR,
    SEARCHES_PER_MINUTE,
    SMALL_BUDGET,
    Deployment,
    make_agent,
    seconds_to_next_hour,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]


def example(emulator: Emulator) -> tuple[str, list[str]]:
    """The customer with a subscription in every status, and two of those subscriptions."""
    customer_id = emulator.examples()["all_statuses"]
    return customer_id, [s["id"] for s in emulator.subscriptions_of(customer_id)][:2]


def paddle_posts(emulator: Emulator) -> int:
    return sum(1 for r in emulator.requests if r.method == "POST")


def signed_in(username: str, base_url: str) -> Agent:
    agent = make_agent(username)
    assert agent.sign_in(base_url).status_code == 302
    return agent


def test_the_hourly_link_limit_of_an_agent_is_one_count_across_both_processes(
    deployment: Deployment, deployment_emulator: Emulator
) -> None:
    if seconds_to_next_hour() < 20:  # the hour window resets on the hour
        time.sleep(seconds_to_next_hour() + 1)
    agent = signed_in("agent", deployment.a)
    customer_id, subscription_ids = example(deployment_emulator)

    statuses, banners = [], []
    for base_url in [deployment.a, deployment.b] * ((LINKS_PER_HOUR + 2) // 2 + 1):
        token = confirmation_token(agent.confirm(base_url, customer_id, subscription_ids))
        created = agent.create(base_url, customer_id, subscription_ids, token=token)
        statuses.append(created.status_code)
        if created.status_code == 303:  # refused: back to the confirm page, the limit in its banner
            banners.append("Link limit reached" in agent.follow(base_url, created).text)

    # The limit is reached alternating between processes; past it, either one refuses (a 303 back
    # to the confirm page, whose banner says so).
    assert statuses[:LINKS_PER_HOUR] == [200] * LINKS_PER_HOUR
    assert set(statuses[LINKS_PER_HOUR:]) == {303}
    assert banners == [True] * (len(statuses) - LINKS_PER_HOUR)
    assert len(statuses) - LINKS_PER_HOUR >= 2
    assert paddle_posts(deployment_emulator) == LINKS_PER_HOUR


def test_the_per_agent_search_limit_is_one_count_across_both_processes(
    deployment: Deployment, deployment_emulator: Emulator
) -> None:
    if 60 - time.time() % 60 < 15:  # the window resets on the minute
        time.sleep(60 - time.time() % 60 + 1)
    agent = signed_in("agent", deployment.a)
    other = signed_in("other", deployment.b)
    email = deployment_emulator.customer(deployment_emulator.examples()["all_statuses"])["email"]

    searches = [agent.search(base_url, email) for base_url in (deployment.a, deployment.b) * 4]
    others = [other.search(base_url, email).status_code for base_url in (deployment.a, deployment.b)]

    # Twice the limit, alternating: each process alone would have allowed every one.
    assert [r.status_code for r in searches] == [200] * SEARCHES_PER_MINUTE + [429] * 4
    assert all("Too many lookups" in r.text for r in searches[SEARCHES_PER_MINUTE:])
    assert others == [200, 200]
    # Each search that ran asked Paddle for the match and then for its subscription count.
    paths = [r.path for r in deployment_emulator.requests]
    assert paths.count("/customers") == paths.count("/subscriptions") == SEARCHES_PER_MINUTE + 2


def test_the_paddle_budget_is_one_budget_across_both_processes(
    busy_deployment: Deployment, deployment_emulator: Emulator
) -> None:
    agent = signed_in("agent", busy_deployment.a)
    email = deployment_emulator.customer(deployment_emulator.examples()["all_statuses"])["email"]

    processes = (busy_deployment.a, busy_deployment.b)
    searches = [agent.search(base_url, email) for base_url in processes * (SMALL_BUDGET // 2 + 2)]

    served = SMALL_BUDGET // 2  # a search spends two calls: the match, then its subscription count
    assert [r.status_code for r in searches] == [200] * served + [503] * (len(searches) - served)
    assert all(email in r.text for r in searches[:served])
    assert all("Paddle is busy" in r.text for r in searches[served:])
    assert len(deployment_emulator.requests) == SMALL_BUDGET


def test_a_confirmation_from_one_process_creates_links_on_the_other_once_and_never_again(
    deployment: Deployment, deployment_emulator: Emulator
) -> None:
    agent = signed_in("agent", deployment.a)
    customer_id, subscription_ids = example(deployment_emulator)
    token = confirmation_token(agent.confirm(deployment.a, customer_id, subscription_ids))

    created = agent.create(deployment.b, customer_id, subscription_ids, token=token)

    assert created.status_code == 200
    assert portal_links(created)
    for base_url in (deployment.a, deployment.b):
        replay = agent.create(base_url, customer_id, subscription_ids, token=token)
        assert replay.status_code == 303  # back to the confirm page, told the confirmation was used
        assert portal_links(replay) == []
        assert "This confirmation was already used" in agent.follow(base_url, replay).text
    assert paddle_posts(deployment_emulator) == 1


def test_one_confirmation_sent_to_both_processes_at_once_creates_links_once(
    deployment: Deployment, deployment_emulator: Emulator
) -> None:
    agent = signed_in("agent", deployment.a)
    second_tab = Agent(agent.username)
    second_tab.http.cookies.update(agent.http.cookies)
    customer_id, subscription_ids = example(deployment_emulator)
    token = confirmation_token(agent.confirm(deployment.a, customer_id, subscription_ids))
    second_tab.email_on_file.update(agent.email_on_file)  # the same confirm page, in both tabs
    together = threading.Barrier(2)

    def submit(browser: Agent, base_url: str) -> int:
        together.wait()
        return browser.create(base_url, customer_id, subscription_ids, token=token).status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(submit, (agent, second_tab), (deployment.a, deployment.b)))

    assert sorted(statuses) == [200, 303]  # the second is sent back to the confirm page
    assert paddle_posts(deployment_emulator) == 1


def test_concurrent_link_creation_on_both_processes_keeps_one_intact_audit_chain(
    deployment: Deployment, deployment_emulator: Emulator
) -> None:
    customer_id, subscription_ids = example(deployment_emulator)
    base_urls = [deployment.a, deployment.a, deployment.b, deployment.b]
    agents = [make_agent(f"agent{n}") for n in range(len(base_urls))]

    def five_link_sets(agent: Agent, base_url: str) -> int:
        assert agent.sign_in(base_url).status_code == 302
        handed_out = 0
        for _ in range(5):
            token = confirmation_token(agent.confirm(base_url, customer_id, subscription_ids))
            created = agent.create(base_url, customer_id, subscription_ids, token=token)
            handed_out += created.status_code == 200 and bool(portal_links(created))
        return handed_out

    with ThreadPoolExecutor(len(agents)) as pool:
        handed_out = sum(pool.map(five_link_sets, agents, base_urls))

    verified = manage(deployment.env, "verify_audit_chain")
    assert verified.returncode == 0, verified.stderr
    assert "chain intact" in verified.stdout
    assert handed_out == 20
    assert AuditEvent.objects.filter(action="portal_session.created").count() == handed_out
    assert paddle_posts(deployment_emulator) == handed_out

"""Search for a busy agent: an exact match opens the customer, a capped list says so, each result
shows its subscriptions (one Paddle listing for the page), pasted ids are normalised, and the empty
page lists the agent's own recent customers from the audit log."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.customers import recent_customers
from sessions_app.paddle.client import MAX_SEARCH_RESULTS
from tests.support.responses import ClientResponse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("either_sign_in")]


def submit(client: Client, query: str, **extra: str) -> ClientResponse:
    """The form sent with its Search button (or Enter): `open=1` comes with it."""
    return client.get("/customers/", {"q": query, "open": "1", **extra})


def live(client: Client, query: str) -> ClientResponse:
    """htmx's live search while typing: the form's fields, never the button."""
    return client.get("/customers/", {"q": query}, headers={"HX-Request": "true"})


def paddle_paths(emulator: Emulator) -> list[str]:
    return [r.path for r in emulator.requests]


# --- An exact match opens the customer ---------------------------------------------------------
def test_a_customer_id_submitted_opens_that_customer(agent_client: Client, customer_id: str) -> None:
    response = submit(agent_client, customer_id)
    assert response.status_code == 303
    assert response["Location"] == f"/customers/{customer_id}/"


def test_a_subscription_id_submitted_opens_its_customer_with_the_subscription_marked(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    subscription_id = emulator.subscriptions_of(customer_id)[0]["id"]
    response = submit(agent_client, subscription_id)
    assert response.status_code == 303
    assert response["Location"] == f"/customers/{customer_id}/?subscription={subscription_id}"


def test_an_email_submitted_opens_its_customer_keeping_the_helpdesk_prefills(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    email = emulator.customer(customer_id)["email"]
    response = submit(agent_client, email, ticket="ZD-1234", requester=email)
    assert response.status_code == 303
    assert response["Location"].startswith(f"/customers/{customer_id}/?")
    assert "ticket=ZD-1234" in response["Location"]
    # Opening it asked Paddle for the customer only: no subscription counts for a page not shown.
    assert paddle_paths(emulator) == ["/customers"]


def test_live_search_shows_the_single_match_and_never_navigates(
    agent_client: Client, customer_id: str
) -> None:
    response = live(agent_client, customer_id)
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    html = response.content.decode()
    assert f'href="/customers/{customer_id}/"' in html
    assert "Press Enter or Search to open it." in html


def test_a_plain_link_to_the_search_shows_the_result_so_back_never_redirects_again(
    agent_client: Client, customer_id: str
) -> None:
    """htmx pushes /customers/?q=… into the history: going Back to it must show the results."""
    response = agent_client.get("/customers/", {"q": customer_id})
    assert response.status_code == 200
    assert f'href="/customers/{customer_id}/"' in response.content.decode()


def test_free_text_submitted_lists_even_a_single_match(agent_client: Client, customer_id: str) -> None:
    response = submit(agent_client, "Avery")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/customers/{customer_id}/"' in html
    assert "1 customer." in html
    assert "Press Enter" not in html  # it would not open: free text only lists


def test_an_unknown_id_submitted_says_no_customer_matches(agent_client: Client, emulator: Emulator) -> None:
    response = submit(agent_client, "ctm_" + "0" * 26)
    assert response.status_code == 200
    assert "No customer matches" in response.content.decode()


def test_the_search_button_carries_the_open_marker(agent_client: Client) -> None:
    html = agent_client.get("/customers/").content.decode()
    assert re.search(r'<button type="submit" name="open" value="1">Search</button>', html)


# --- Normalisation -----------------------------------------------------------------------------
def test_a_pasted_upper_case_customer_id_with_spaces_is_lower_cased(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    response = submit(agent_client, f"  {customer_id.upper()} \t")
    assert response.status_code == 303
    assert response["Location"] == f"/customers/{customer_id}/"
    assert paddle_paths(emulator) == [f"/customers/{customer_id}"]


def test_a_pasted_upper_case_subscription_id_is_lower_cased(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    subscription_id = emulator.subscriptions_of(customer_id)[0]["id"]
    response = live(agent_client, " " + subscription_id.upper())
    assert response.status_code == 200
    assert f'href="/customers/{customer_id}/"' in response.content.decode()


def test_an_email_is_trimmed_but_sent_as_typed(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    email = emulator.customer(customer_id)["email"]
    typed = email[0].upper() + email[1:]
    response = live(agent_client, f"  {typed}  ")
    assert response.status_code == 200
    (request,) = [r for r in emulator.requests if r.path == "/customers"]
    assert request.query["email"] == typed


# --- Capped results ----------------------------------------------------------------------------
def test_a_capped_search_says_more_match_and_to_refine(agent_client: Client, emulator: Emulator) -> None:
    html = live(agent_client, "example").content.decode()
    assert f"More than {MAX_SEARCH_RESULTS} customers match: refine the search" in html
    assert html.count('href="/customers/ctm_') == MAX_SEARCH_RESULTS


def test_a_search_that_fits_says_nothing_about_a_cap(agent_client: Client, emulator: Emulator) -> None:
    html = live(agent_client, "Avery").content.decode()
    assert "More than" not in html


# --- Status and subscription count, one Paddle listing -----------------------------------------
def test_each_result_shows_its_status_and_subscription_count_from_one_listing(
    agent_client: Client, emulator: Emulator
) -> None:
    html = live(agent_client, "example").content.decode()

    shown = re.findall(r'href="/customers/(ctm_[a-z\d]{26})/"', html)
    listings = [r for r in emulator.requests if r.path == "/subscriptions"]
    assert len(listings) == 1
    assert listings[0].query["customer_id"].split(",") == shown
    assert [r.path for r in emulator.requests] == ["/customers", "/subscriptions"]
    counts = re.findall(r'<td class="subscription-count">(\d+)', html)
    assert [int(c) for c in counts] == [len(emulator.subscriptions_of(c)) for c in shown]


def test_the_count_names_past_due_paused_and_canceled_subscriptions(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    html = live(agent_client, customer_id).content.decode()
    total = len(emulator.subscriptions_of(customer_id))
    assert f'<td class="subscription-count">{total} ' in html
    for note in ("1 past due", "1 paused", "1 canceled"):
        assert note in html


def test_results_stay_when_paddle_cannot_count(agent_client: Client, emulator: Emulator) -> None:
    emulator.add_fault("/subscriptions", kind="error", status=400, code="invalid_field")
    response = live(agent_client, "Avery")
    assert response.status_code == 200
    assert "unavailable" in response.content.decode()


# --- Recent customers --------------------------------------------------------------------------
def test_the_empty_page_lists_the_agents_recent_customers_newest_first_once_each(
    agent_client: Client, emulator: Emulator
) -> None:
    examples = emulator.examples()
    first, second, third = examples["all_statuses"], examples["null_name"], examples["html_name"]
    for customer_id in (first, second, third, first):
        assert agent_client.get(f"/customers/{customer_id}/").status_code == 200

    html = agent_client.get("/customers/").content.decode()

    assert "Your recent customers" in html
    listed = re.findall(r'<li><a href="/customers/(ctm_[a-z\d]{26})/"', html)
    assert listed == [first, third, second]
    named = emulator.customer(first)
    assert named["name"] in html
    assert named["email"] in html
    assert "(no name)" in html  # null_name has none


def test_recent_customers_are_at_most_ten(
    agent_client: Client, emulator: Emulator, agent: User, settings: Settings
) -> None:
    settings.CUSTOMER_VIEWS_PER_MINUTE = 20  # twelve views in a minute: not the read limit's test
    opened = list(emulator.examples().values())[:12]
    for customer_id in opened:
        assert agent_client.get(f"/customers/{customer_id}/").status_code == 200
    recent = recent_customers(agent)
    assert [c.id for c in recent] == list(reversed(opened))[:10]


def test_another_agents_customers_are_never_listed(
    agent_client: Client, emulator: Emulator, agent: User
) -> None:
    other = User.objects.create_user("other-agent", password="x")
    other.groups.set(agent.groups.all())
    other_client = Client()
    other_client.force_login(other)
    theirs = emulator.examples()["html_name"]
    mine = emulator.examples()["all_statuses"]
    assert other_client.get(f"/customers/{theirs}/").status_code == 200
    assert agent_client.get(f"/customers/{mine}/").status_code == 200

    html = agent_client.get("/customers/").content.decode()

    assert mine in html
    assert theirs not in html


def test_failed_views_and_searches_are_not_recent_customers(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    agent_client.get("/customers/", {"q": customer_id})  # a search, not a view
    emulator.add_fault("/customers/*", kind="error", status=500)
    agent_client.get(f"/customers/{customer_id}/")
    html = agent_client.get("/customers/").content.decode()
    assert "Your recent customers" not in html
    assert "Type to search." in html


def test_a_search_page_with_a_query_does_not_list_recent_customers(
    agent_client: Client, customer_id: str
) -> None:
    agent_client.get(f"/customers/{customer_id}/")
    assert "Your recent customers" not in live(agent_client, "Avery").content.decode()

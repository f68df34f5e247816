"""The managers' reply message (/controls/message/): what agents paste with the links, changed
without a deploy, validated, previewed, kept with its history and audited."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from paddle_emulator import Emulator
from sessions_app.links import reply
from sessions_app.links.handover import LinkAction
from sessions_app.models import AuditEvent, ReplyTemplate
from tests.support import links_page
from tests.support.journey import confirm, create, portal_links

pytestmark = [pytest.mark.django_db]

URL = "/controls/message/"
GOOD = (
    "Dear {customer_name},\n\n{links}\n\n"
    "Ask again if a link no longer opens. We never ask for passwords.\n{agent_name}"
)


def test_the_default_message_is_in_use_until_a_manager_saves_one(manager_client: Client) -> None:
    response = manager_client.get(URL)
    text = response.content.decode()
    assert response.status_code == 200
    assert "The built-in message is in use" in text
    assert reply.current().is_default
    assert "Hi Avery Quinn," in text  # the preview, for a made-up customer


def test_saving_keeps_a_version_with_who_and_when_and_audits_the_change(
    manager_client: Client, manager: User
) -> None:
    response = manager_client.post(URL, {"text": GOOD.replace("\n", "\r\n"), "action": "save"})
    assert response.status_code == 302
    assert response["Location"] == URL
    [row] = ReplyTemplate.objects.all()
    assert (row.text, row.changed_by) == (GOOD, manager)
    [event] = AuditEvent.objects.filter(action="reply_template.changed")
    assert (event.actor, event.outcome) == (manager, "success")
    assert event.details["text"] == GOOD
    assert event.details["previous_text"] == reply.DEFAULT_TEXT
    audit_page = manager_client.get(f"/audit/{event.seq}/")
    assert audit_page.status_code == 200
    assert "reply_template.changed" in audit_page.content.decode()
    page = manager_client.get(URL).content.decode()
    assert "saved by manager" in page
    assert 'id="message-history"' in page

    manager_client.post(URL, {"text": GOOD + "\nThanks!", "action": "save"})
    assert ReplyTemplate.objects.count() == 2
    assert reply.current().text == GOOD + "\nThanks!"
    assert AuditEvent.objects.filter(action="reply_template.changed").count() == 2


def test_saving_the_same_text_again_changes_nothing(manager_client: Client) -> None:
    manager_client.post(URL, {"text": GOOD, "action": "save"})
    response = manager_client.post(URL, {"text": GOOD, "action": "save"}, follow=True)
    assert "Nothing changed" in response.content.decode()
    assert ReplyTemplate.objects.count() == 1
    assert AuditEvent.objects.filter(action="reply_template.changed").count() == 1


def test_a_preview_shows_the_typed_text_filled_in_and_saves_nothing(manager_client: Client) -> None:
    response = manager_client.post(URL, {"text": "Dear {customer_name} & <co>: {links}", "action": "preview"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Preview of your text (not saved)" in text
    assert "Dear Avery Quinn &amp; &lt;co&gt;: Your billing portal" in text
    assert ReplyTemplate.objects.count() == 0
    assert not AuditEvent.objects.filter(action="reply_template.changed").exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Enter the message."),
        (
            "Hi {name}, {links}",
            "Unknown placeholder {name}: use only {customer_name}, {links}, {agent_name}, {company}.",
        ),
        ("Hi {customer_name.__class__}, {links}", "Unknown placeholder {customer_name.__class__}"),
        ("Hi {0}, {links}", "Unknown placeholder {0}"),
        ("Hi {customer_name!r}, {links}", "Unknown placeholder {customer_name!r}"),
        ("Hi {customer_name:>40}, {links}", "Unknown placeholder {customer_name:&gt;40}"),
        ("Hi {customer_name}", "The message must contain {links}"),
        ("{links} and again {links}", "Use {links} once"),
        ("Hi {customer_name, {links}", "A { or } on its own"),
        ("Hi } {links}", "A { or } on its own"),
        ("{links}" + "x" * reply.MAX_LENGTH, "at most 2,000 are allowed"),
        ("{links}\x00", "control characters"),
    ],
)
def test_a_bad_message_is_refused_with_the_reason_and_nothing_saved(
    manager_client: Client, text: str, problem: str
) -> None:
    for action in ("save", "preview"):
        response = manager_client.post(URL, {"text": text, "action": action})
        assert response.status_code == 400
        assert problem in response.content.decode()
    assert ReplyTemplate.objects.count() == 0
    assert not AuditEvent.objects.filter(action="reply_template.changed").exists()


def test_braces_written_double_are_kept_as_braces(manager_client: Client) -> None:
    manager_client.post(URL, {"text": "Ref {{case}}: {links}", "action": "save"})
    assert reply.current().text == "Ref {{case}}: {links}"
    assert reply.compose(
        reply.current().text, customer_name=None, agent_name="a", overview=_overview(), groups=[]
    ).startswith("Ref {case}: ")


def _overview() -> LinkAction:
    return LinkAction("overview", "", "Your billing portal", "https://example.invalid/p")


def test_agents_links_pages_use_the_saved_message_with_odd_characters_as_typed(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
) -> None:
    saved = 'Dear {customer_name} & "family" <at home>, it\'s {company}:\n\n{links}\n\n— {agent_name}'
    assert manager_client.post(URL, {"text": saved, "action": "save"}).status_code == 302
    token = confirm(agent_client, customer_id, subscription_ids)
    page = create(agent_client, customer_id, subscription_ids, token=token).content.decode()
    message = links_page.message(page)
    assert message.startswith(
        'Dear Avery Quinn & "family" <at home>, it\'s Example Ltd:\n\nYour billing portal'
    )
    assert message.endswith("\n\n— agent")
    assert links_page.urls_in(message) == portal_links(page)


def test_the_manager_role_holds_the_permission_and_the_agent_role_does_not(
    manager: User, agent: User, auditor: User
) -> None:
    assert manager.has_perm("sessions_app.change_replytemplate")
    assert not agent.has_perm("sessions_app.change_replytemplate")
    assert not auditor.has_perm("sessions_app.change_replytemplate")


def test_only_managers_see_the_page_in_their_navigation(agent_client: Client, manager_client: Client) -> None:
    assert URL in manager_client.get("/controls/links/").content.decode()
    assert URL not in agent_client.get("/customers/").content.decode()

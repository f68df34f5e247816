"""The Django admin shows the audit log read-only, with filters and search."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.support.audit_events import make_event
from tests.support.personas import signed_in

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/sessions_app/auditevent/"


@pytest.mark.parametrize("persona", [None, "outsider", "agent", "manager"])
def test_only_staff_reach_the_admin_changelist(
    request: pytest.FixtureRequest, client: Client, persona: str | None
) -> None:
    if persona:
        signed_in(client, request.getfixturevalue(persona))
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_superuser_reads_the_log_but_cannot_add_change_or_delete(client: Client, superuser: User) -> None:
    event = make_event(reason="TICKET-7")
    signed_in(client, superuser)
    changelist = client.get(CHANGELIST)
    assert changelist.status_code == 200
    body = changelist.content.decode()
    assert "TICKET-7" not in body  # reason is not a list column, but the row is listed:
    assert f"/admin/sessions_app/auditevent/{event.seq}/change/" in body
    assert "delete_selected" not in body
    assert 'name="action"' not in body
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    detail = client.get(f"{CHANGELIST}{event.seq}/change/")
    assert detail.status_code == 200
    assert "TICKET-7" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(f"{CHANGELIST}{event.seq}/change/", {"reason": "changed"}).status_code == 403
    assert client.get(f"{CHANGELIST}{event.seq}/delete/").status_code == 403


def test_the_admin_filters_and_searches(client: Client, superuser: User) -> None:
    other = make_event(action="customer.search", actor_username="yan", at=timezone.now() - timedelta(days=3))
    wanted = make_event(action="customer.view", actor_username="zed", customer_email="ann@example.com")
    signed_in(client, superuser)
    for query in ("action__exact=customer.view", "q=zed", "q=ann@example.com", "outcome__exact=success"):
        result_seqs = {obj.seq for obj in client.get(f"{CHANGELIST}?{query}").context["cl"].result_list}
        assert wanted.seq in result_seqs
        assert (other.seq in result_seqs) == (query == "outcome__exact=success")
    today_link = re.search(r'href="(\?created_at__gte=[^"]+)"', client.get(CHANGELIST).content.decode())
    assert today_link is not None
    today = client.get(CHANGELIST + html.unescape(today_link.group(1))).context["cl"].result_list
    assert wanted.seq in {obj.seq for obj in today}
    assert other.seq not in {obj.seq for obj in today}


def test_a_staff_agent_with_the_consoles_view_permission_cannot_read_the_log_in_the_admin(
    client: Client, agent: User
) -> None:
    agent.is_staff = True
    agent.save()
    make_event(reason="TICKET-7")
    signed_in(client, agent)
    assert client.get(CHANGELIST).status_code == 403
    assert "auditevent" not in client.get("/admin/").content.decode()


def test_no_role_grants_reading_the_log_in_the_admin(db: None) -> None:
    from django.contrib.auth.models import Group

    for group in Group.objects.all():
        assert not group.permissions.filter(codename="admin_read_audit").exists()


def test_staff_with_the_admin_permission_read_the_log_and_each_read_is_audited(client: Client) -> None:
    from django.contrib.auth.models import Permission

    from sessions_app.models import AuditEvent
    from tests.support.personas import make_user

    reader = make_user("reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="admin_read_audit"))
    event = make_event(reason="TICKET-7")
    signed_in(client, reader)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(f"{CHANGELIST}{event.seq}/change/").status_code == 200
    reads = AuditEvent.objects.filter(action="audit.admin_view").order_by("seq")
    assert [(r.actor_username, r.details["view"]) for r in reads] == [
        ("reader", "changelist"),
        ("reader", "detail"),
    ]
    assert reads[1].details["seq"] == str(event.seq)

"""The kill switch for link creation: thrown by the KILL_SWITCH_ON setting OR by a manager.

The flag (KillSwitch, row pk=1, created on first use) is read from the database on every
check: one primary-key lookup, and a manager's switch takes effect at once in every app process
with no cache to invalidate.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import audit
from ..context import RequestContext
from ..models import KillSwitch

SWITCH_PK = 1
BY_SETTING = "setting"
BY_MANAGER = "manager"


def disabled_by() -> str:
    """Who has switched link creation off: BY_SETTING, BY_MANAGER, or "" when it is on."""
    if settings.KILL_SWITCH_ON:
        return BY_SETTING
    enabled = KillSwitch.objects.filter(pk=SWITCH_PK).values_list("enabled", flat=True).first()
    return BY_MANAGER if enabled is False else ""


@dataclass(frozen=True)
class SwitchState:
    """What agents and managers are shown: who switched links off, when and why (from one read)."""

    disabled_by: str  # BY_SETTING, BY_MANAGER or "" when links are on
    changed_by: str  # the username of the last manager to switch, "" if no one has yet
    changed_at: datetime | None
    reason: str


def current() -> SwitchState:
    """The switch as it stands, with the last change's who, when and why, in one query."""
    row = (
        KillSwitch.objects.filter(pk=SWITCH_PK)
        .values_list("enabled", "changed_by__username", "changed_at", "reason")
        .first()
    )
    enabled, changed_by, changed_at, reason = row if row is not None else (True, None, None, "")
    disabled_by = BY_SETTING if settings.KILL_SWITCH_ON else ("" if enabled else BY_MANAGER)
    return SwitchState(disabled_by, changed_by or "", changed_at, reason)


def link_creation_enabled() -> bool:
    """Whether agents may create portal links right now (setting and managers' flag both on)."""
    return not disabled_by()


def get_switch() -> KillSwitch:
    """The single switch row, created (enabled) if it does not exist yet."""
    switch, _ = KillSwitch.objects.get_or_create(pk=SWITCH_PK)
    return switch


def set_link_creation(*, context: RequestContext, enabled: bool, reason: str) -> KillSwitch:
    """Switch link creation on or off and audit it as `portal_sessions.switched` with the manager's
    reason; a no-op changes nothing.

    The change and its audit record commit together (also inside the admin's own transaction).
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("switching link creation needs a reason")
    with transaction.atomic():
        switch, _ = KillSwitch.objects.select_for_update().get_or_create(pk=SWITCH_PK)
        if switch.enabled == enabled:
            return switch
        switch.enabled = enabled
        switch.changed_at = timezone.now()
        switch.changed_by_id = context.actor.pk
        switch.reason = reason
        switch.save()
        audit.record(
            action=audit.Action.PORTAL_SESSIONS_SWITCHED,
            outcome=audit.Outcome.SUCCESS,
            context=context,
            reason=reason,
            details={"enabled": enabled},
            with_change=True,
        )
    return switch

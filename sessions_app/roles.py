"""The roles of the console: Django groups and the permissions each one grants.

One mapping serves the data migration and `manage.py bootstrap_roles`; code checks the
permissions, never these group names.
"""

from django.apps.registry import Apps

APP_LABEL = "sessions_app"

LOOKUP_CUSTOMER = "lookup_customer"
CREATE_PORTAL_SESSION = "create_portal_session"
VIEW_AUDIT = "view_auditevent"
VIEW_ALL_AUDIT = "view_all_audit"
EXPORT_AUDIT = "export_audit"
# Reading the audit log in the Django admin: granted to no role (give it to a person explicitly).
ADMIN_READ_AUDIT = "admin_read_audit"
VIEW_KILL_SWITCH = "view_killswitch"
CHANGE_KILL_SWITCH = "change_killswitch"
APPROVE_PORTAL_SESSION = "approve_portal_session"
CHANGE_REPLY_TEMPLATE = "change_replytemplate"

ROLES: dict[str, tuple[str, ...]] = {
    "Support agent": (LOOKUP_CUSTOMER, CREATE_PORTAL_SESSION, VIEW_AUDIT),
    "Support manager": (
        LOOKUP_CUSTOMER,
        CREATE_PORTAL_SESSION,
        VIEW_AUDIT,
        VIEW_ALL_AUDIT,
        EXPORT_AUDIT,
        VIEW_KILL_SWITCH,
        CHANGE_KILL_SWITCH,
        APPROVE_PORTAL_SESSION,
        CHANGE_REPLY_TEMPLATE,
    ),
    "Auditor": (VIEW_AUDIT, VIEW_ALL_AUDIT, EXPORT_AUDIT),
}


def sync_roles(apps: Apps) -> None:
    """Create the groups and set exactly the permissions ROLES gives them (idempotent)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; create them now so the groups
    # can be given them in the same migrate (the flag makes create_permissions treat the
    # historical app config as one with models).
    for app_config in apps.get_app_configs():
        app_config.models_module = True  # type: ignore[assignment]
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        permissions = permission_model.objects.filter(
            content_type__app_label=APP_LABEL, codename__in=codenames
        )
        group.permissions.set(permissions)

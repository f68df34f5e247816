"""Give existing databases the managers' kill-switch permissions (roles.py's current mapping)."""

from django.db import migrations

from sessions_app.roles import sync_roles


def resync_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0004_audit_append_only_triggers")]

    operations = [migrations.RunPython(resync_roles, migrations.RunPython.noop)]

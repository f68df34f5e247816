"""Database triggers that reject UPDATE and DELETE (and TRUNCATE on PostgreSQL) of audit events."""

from django.db import migrations

from sessions_app.audit.triggers import create_statements, drop_statements


def _run(statements_for):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in statements_for(vendor):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0003_audit_review")]

    operations = [migrations.RunPython(_run(create_statements), _run(drop_statements))]

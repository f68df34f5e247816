"""The managers' reply message (history kept, one row per change), its audit action, its permission."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sessions_app.roles import sync_roles


def resync_roles(apps, schema_editor):
    """Managers get change_replytemplate (roles.py's current mapping)."""
    sync_roles(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('sessions_app', '0013_kill_switch_reason'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('customer.search', 'Customer Search'), ('customer.view', 'Customer View'), ('portal_session.requested', 'Portal Session Requested'), ('portal_session.created', 'Portal Session Created'), ('portal_session.failed', 'Portal Session Failed'), ('portal_session.rate_limited', 'Portal Session Rate Limited'), ('portal_sessions.switched', 'Portal Sessions Switched'), ('portal_link.email_requested', 'Portal Link Email Requested'), ('portal_link.emailed', 'Portal Link Emailed'), ('portal_link.email_failed', 'Portal Link Email Failed'), ('approval.requested', 'Approval Requested'), ('approval.approved', 'Approval Approved'), ('approval.denied', 'Approval Denied'), ('approval.expired', 'Approval Expired'), ('approval.withdrawn', 'Approval Withdrawn'), ('approval.used', 'Approval Used'), ('audit.view', 'Audit View'), ('audit.export', 'Audit Export'), ('audit.verify', 'Audit Verify'), ('audit.admin_view', 'Audit Admin View'), ('auth.login', 'Auth Login'), ('auth.login_failed', 'Auth Login Failed'), ('auth.locked_out', 'Auth Locked Out'), ('auth.logout', 'Auth Logout'), ('auth.step_up', 'Auth Step Up'), ('auth.break_glass', 'Auth Break Glass'), ('auth.roles_changed', 'Auth Roles Changed'), ('auth.sessions_ended', 'Auth Sessions Ended'), ('reply_template.changed', 'Reply Template Changed')], max_length=40),
        ),
        migrations.CreateModel(
            name='ReplyTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField()),
                ('changed_at', models.DateTimeField()),
                ('changed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'reply message',
                'ordering': ['-changed_at', '-pk'],
                'get_latest_by': ['changed_at', 'pk'],
                'default_permissions': ('change',),
            },
        ),
        migrations.RunPython(resync_roles, migrations.RunPython.noop),
    ]

"""The managers' switch takes the kill switch's name; its permissions keep their grants under the new codenames."""

from django.db import migrations

from sessions_app.roles import sync_roles

RENAMED = {"view_portallinkswitch": "view_killswitch", "change_portallinkswitch": "change_killswitch"}


def rename_permissions(apps, schema_editor):
    permission = apps.get_model("auth", "Permission")
    for old, new in RENAMED.items():
        verb = new.split("_")[0]
        permission.objects.filter(content_type__app_label="sessions_app", codename=old).update(
            codename=new, name=f"Can {verb} kill switch"
        )
    sync_roles(apps)


def restore_permissions(apps, schema_editor):
    permission = apps.get_model("auth", "Permission")
    for old, new in RENAMED.items():
        permission.objects.filter(content_type__app_label="sessions_app", codename=new).update(codename=old)


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0005_link_switch_role"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RenameModel("PortalLinkSwitch", "KillSwitch"),
        migrations.AlterModelOptions(name="killswitch", options={"default_permissions": ("view", "change"), "verbose_name": "kill switch", "verbose_name_plural": "kill switch"}),
        migrations.RunPython(rename_permissions, restore_permissions),
    ]

from django.db import migrations, models


def name_the_users(apps, schema_editor):
    """by_name, new here, keeps who made each move even if their account goes."""
    EventHistory = apps.get_model("contests", "EventHistory")
    for row in EventHistory.objects.filter(by__isnull=False).select_related("by"):
        row.by_name = row.by.username
        row.save(update_fields=["by_name"])


class Migration(migrations.Migration):
    """EventHistory now inherits core's StateHistory: the columns renamed, every row kept."""

    dependencies = [("contests", "0001_initial")]

    operations = [
        migrations.RenameField("eventhistory", "from_status", "from_state"),
        migrations.RenameField("eventhistory", "to_status", "to_state"),
        migrations.RenameField("eventhistory", "reason", "note"),
        migrations.AddField(
            "eventhistory", "by_name", models.CharField(blank=True, max_length=150, verbose_name="经办人")
        ),
        migrations.RunPython(name_the_users, migrations.RunPython.noop),
    ]

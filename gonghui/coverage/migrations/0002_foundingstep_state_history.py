from django.db import migrations, models


def fill_from_state_and_names(apps, schema_editor):
    """Each step's from_state is the step recorded before it in its founding (none before 启动建会);
    by_name keeps who recorded it."""
    FoundingStep = apps.get_model("coverage", "FoundingStep")
    previous: dict[int, str] = {}
    for row in FoundingStep.objects.select_related("by").order_by("founding_id", "at", "id").iterator():
        row.from_state = previous.get(row.founding_id, "")
        row.by_name = row.by.username
        row.save(update_fields=["from_state", "by_name"])
        previous[row.founding_id] = row.to_state


class Migration(migrations.Migration):
    """FoundingStep now inherits core's StateHistory: step becomes to_state, from_state is filled in
    from the founding's history, every row kept."""

    dependencies = [("coverage", "0001_initial")]

    operations = [
        migrations.RemoveConstraint("foundingstep", "founding_step_once"),
        migrations.RenameField("foundingstep", "step", "to_state"),
        migrations.AddField(
            "foundingstep",
            "from_state",
            models.CharField(blank=True, max_length=20, verbose_name="原状态"),
        ),
        migrations.AddField(
            "foundingstep", "by_name", models.CharField(blank=True, max_length=150, verbose_name="经办人")
        ),
        migrations.AddConstraint(
            "foundingstep",
            models.UniqueConstraint(fields=("founding", "to_state"), name="founding_step_once"),
        ),
        migrations.RunPython(fill_from_state_and_names, migrations.RunPython.noop),
    ]

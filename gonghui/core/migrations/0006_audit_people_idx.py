"""The index the federation's audit page reads: the log in time order without the server operator's
rows (a roster import writes one per member). Every audited change appends to this table, so on
PostgreSQL the index is built CONCURRENTLY, without holding up those writes while it reads the rows."""

from django.db import migrations, models

from gonghui.core.models import OperatorName

INDEX = models.Index(
    condition=~(models.Q(actor__isnull=True) & models.Q(OperatorName("actor_username"))),
    fields=["at", "id"],
    name="audit_people_idx",
)


def _index(editing: str):
    def run(apps, schema_editor):
        concurrently = {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}
        getattr(schema_editor, editing)(apps.get_model("core", "AuditLog"), INDEX, **concurrently)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0005_audit_chain"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="auditlog", index=INDEX)],
            database_operations=[migrations.RunPython(_index("add_index"), _index("remove_index"))],
        ),
    ]

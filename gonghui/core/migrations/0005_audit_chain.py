"""The audit log becomes a hash chain (gonghui.core.audit): rows already written are chained in the
order they were written, the head row is created, and the triggers are replaced: UPDATE is refused,
DELETE too except of the rows up to the anchor a prune has just set (on SQLite also to any client
that lacks the app's gonghui_audit_sealed function, such as the sqlite3 shell), and each insert
moves the head.
"""

from django.db import migrations, models

from gonghui.core.audit import GENESIS, HEAD, row_content, row_hash

MESSAGE = "the audit log is append-only"
TRIGGERS = {
    "postgresql": (
        [
            "DROP TRIGGER IF EXISTS core_auditlog_no_update ON core_auditlog",
            "CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger AS $$\n"
            "BEGIN\n"
            "  IF TG_OP = 'DELETE' AND OLD.seq <= (SELECT anchor_seq FROM core_auditchain WHERE id = 1) THEN\n"
            "    RETURN OLD;\n"
            "  END IF;\n"
            f"  RAISE EXCEPTION '{MESSAGE}';\n"
            "END; $$ LANGUAGE plpgsql",
            "CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE OR DELETE ON core_auditlog\n"
            "FOR EACH ROW EXECUTE FUNCTION core_auditlog_append_only()",
            "CREATE OR REPLACE FUNCTION core_auditlog_head() RETURNS trigger AS $$\n"
            "BEGIN\n"
            "  UPDATE core_auditchain c SET head_hash = i.hash FROM inserted i WHERE c.id = 1 AND i.seq = c.seq;\n"
            "  RETURN NULL;\n"
            "END; $$ LANGUAGE plpgsql",
            # Once per statement (a COPY of a million rows included), from the rows it inserted.
            "CREATE TRIGGER core_auditlog_head AFTER INSERT ON core_auditlog\n"
            "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION core_auditlog_head()",
        ],
        [
            "DROP TRIGGER IF EXISTS core_auditlog_head ON core_auditlog",
            "DROP FUNCTION IF EXISTS core_auditlog_head()",
        ],
    ),
    "sqlite": (
        [
            "DROP TRIGGER IF EXISTS core_auditlog_no_update",
            "CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog\n"
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            "CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog\n"
            "WHEN OLD.seq > coalesce((SELECT anchor_seq FROM core_auditchain WHERE id = 1), 0)\n"
            "  AND gonghui_audit_sealed()\n"
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            "CREATE TRIGGER core_auditlog_head AFTER INSERT ON core_auditlog\n"
            "WHEN NEW.seq = (SELECT seq FROM core_auditchain WHERE id = 1)\n"
            "BEGIN UPDATE core_auditchain SET head_hash = NEW.hash WHERE id = 1; END",
        ],
        ["DROP TRIGGER IF EXISTS core_auditlog_head", "DROP TRIGGER IF EXISTS core_auditlog_no_delete"],
    ),
}


def chain_existing(apps, schema_editor):
    """Chains the rows written before, in the order they were written, and creates the head."""
    AuditLog, AuditChain = apps.get_model("core", "AuditLog"), apps.get_model("core", "AuditChain")
    db = schema_editor.connection.alias
    on = " ON core_auditlog" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP TRIGGER IF EXISTS core_auditlog_no_update{on}")
    prev, seq, batch = GENESIS, 0, []
    for row in AuditLog.objects.using(db).order_by("id").iterator(chunk_size=2000):
        seq += 1
        row.seq, row.prev_hash = seq, prev
        row.hash = prev = row_hash(row_content(row))
        batch.append(row)
        if len(batch) == 2000:
            AuditLog.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    AuditLog.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
    AuditChain.objects.using(db).create(pk=HEAD, seq=seq, head_hash=prev)


def triggers(index: int):
    def run(apps, schema_editor):
        for statement in TRIGGERS.get(schema_editor.connection.vendor, ((), ()))[index]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0004_calendar")]

    operations = [
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(default=0)),
                ("head_hash", models.CharField(blank=True, max_length=64)),
                ("anchor_seq", models.BigIntegerField(default=0)),
                ("anchor_hash", models.CharField(blank=True, max_length=64)),
                ("anchor_mac", models.CharField(blank=True, max_length=64)),
            ],
            options={"verbose_name": "审计日志链头", "verbose_name_plural": "审计日志链头"},
        ),
        migrations.AddField(
            model_name="auditlog",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, unique=True, verbose_name="链序号"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="前一条的校验值"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditlog",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="校验值"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditlog",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True, verbose_name="链序号"),
        ),
        migrations.RunPython(triggers(0), triggers(1)),
    ]

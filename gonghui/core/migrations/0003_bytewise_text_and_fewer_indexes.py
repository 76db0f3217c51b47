from django.db import migrations, models

import gonghui.core.fields
from gonghui.core.migration_operations import OnlyOn


class Migration(migrations.Migration):
    """action gets the "C" collation on PostgreSQL, where one index then serves both = and LIKE 'x%'
    (it had two); on SQLite the table is left as it is (rebuilding it would drop its append-only
    trigger) and only the old index goes."""

    dependencies = [
        ('core', '0002_auditlog_append_only'),
    ]

    operations = [
        OnlyOn(
            'postgresql',
            migrations.AlterField(
                model_name='auditlog',
                name='action',
                field=gonghui.core.fields.BytewiseCharField(max_length=64, verbose_name='操作'),
            ),
        ),
        OnlyOn(
            'sqlite',
            migrations.RunSQL(
                'DROP INDEX "core_auditlog_action_978477aa"',
                'CREATE INDEX "core_auditlog_action_978477aa" ON "core_auditlog" ("action")',
            ),
        ),
        migrations.AddIndex(
            model_name='auditlog',
            index=models.Index(fields=['action'], name='audit_action_idx'),
        ),
    ]

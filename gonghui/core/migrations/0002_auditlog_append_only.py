"""The database itself refuses to change an audit row, whoever asks (the ORM already refuses).

Deletes are refused on PostgreSQL too; SQLite keeps DELETE open because Django's test flush
empties tables with it.
"""

from django.db import migrations

from gonghui.core.migration_operations import append_only


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [append_only("core_auditlog", "the audit log is append-only")]

"""The old birth dates and region codes must not survive in the database file's free space (SQLite)
or in dead row versions (PostgreSQL): rewrite the storage once, outside a transaction. From here on
SQLite overwrites what it frees (secure_delete, settings.SQLITE_OPTIONS)."""

from django.db import migrations


def scrub(apps, schema_editor):
    table = apps.get_model("members", "Person")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            cursor.execute("VACUUM")
        elif schema_editor.connection.vendor == "postgresql":
            cursor.execute(f'VACUUM FULL "{table}"')


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("members", "0004_birth_year_and_last_four")]
    operations = [migrations.RunPython(scrub, migrations.RunPython.noop, elidable=True)]

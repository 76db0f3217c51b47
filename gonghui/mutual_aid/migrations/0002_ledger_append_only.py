"""The database itself refuses to change or remove a payment of the ledger, whoever asks (the ORM
already refuses). As for the audit log, SQLite keeps DELETE open because Django's test flush empties
tables with it; PostgreSQL refuses it (its flush truncates, which row triggers do not see)."""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION mutual_aid_ledger_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the mutual-aid ledger is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER mutual_aid_ledger_no_change BEFORE UPDATE OR DELETE ON mutual_aid_ledgerentry
FOR EACH ROW EXECUTE FUNCTION mutual_aid_ledger_append_only();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS mutual_aid_ledger_no_change ON mutual_aid_ledgerentry;
DROP FUNCTION IF EXISTS mutual_aid_ledger_append_only();
"""
SQLITE = """
CREATE TRIGGER mutual_aid_ledger_no_change BEFORE UPDATE ON mutual_aid_ledgerentry
BEGIN SELECT RAISE(ABORT, 'the mutual-aid ledger is append-only'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS mutual_aid_ledger_no_change;"


def forwards(apps, schema_editor):
    sql = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    sql = {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("mutual_aid", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

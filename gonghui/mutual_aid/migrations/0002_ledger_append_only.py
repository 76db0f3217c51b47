"""The database itself refuses to change or remove a payment of the ledger, whoever asks (the ORM
already refuses)."""

from django.db import migrations

from gonghui.core.migration_operations import append_only


class Migration(migrations.Migration):
    dependencies = [("mutual_aid", "0001_initial")]
    operations = [append_only("mutual_aid_ledgerentry", "the mutual-aid ledger is append-only")]

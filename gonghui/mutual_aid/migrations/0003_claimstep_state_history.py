from django.db import migrations


class Migration(migrations.Migration):
    """ClaimStep now inherits core's StateHistory: the columns renamed, every row kept."""

    dependencies = [("mutual_aid", "0002_ledger_append_only")]

    operations = [
        migrations.RenameField("claimstep", "from_status", "from_state"),
        migrations.RenameField("claimstep", "to_status", "to_state"),
    ]

from django.db import migrations


class Migration(migrations.Migration):
    """NominationStep now inherits core's StateHistory: the columns renamed, every row kept."""

    dependencies = [("honours", "0002_award_awarded_on")]

    operations = [
        migrations.RenameField("nominationstep", "from_status", "from_state"),
        migrations.RenameField("nominationstep", "to_status", "to_state"),
    ]

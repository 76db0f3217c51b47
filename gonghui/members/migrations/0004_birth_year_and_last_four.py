"""Pages and clear columns no longer narrow an ID number down: the masked form keeps only its last
four characters, and of the birth date only the year stays in the clear (see Person)."""

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat, ExtractYear, Right


def forward(apps, schema_editor):
    Person = apps.get_model("members", "Person")
    Person.objects.update(
        birth_year=ExtractYear("birth_date"), id_masked=Concat(Value("*" * 14), Right("id_masked", 4))
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0003_bytewise_text_and_fewer_indexes")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="birth_year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="出生年份"),
        ),
        migrations.RunPython(forward, elidable=False),
        migrations.AlterField(
            model_name="person",
            name="birth_year",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="出生年份"),
        ),
        migrations.RemoveField(model_name="person", name="birth_date"),
    ]

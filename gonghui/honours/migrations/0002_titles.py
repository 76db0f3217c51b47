from django.db import migrations

TITLES = [
    ("labour_model", "劳动模范", "person", 10),
    ("may_day_medal", "五一劳动奖章", "person", 20),
    ("craftsman", "工匠", "person", 30),
    ("technical_expert", "技术能手", "person", 40),
    ("model_workers_home", "模范职工之家", "organisation", 50),
    ("advanced_union", "先进基层工会", "organisation", 60),
]


def add_titles(apps, schema_editor):
    HonourTitle = apps.get_model("honours", "HonourTitle")
    for code, name, holder, order in TITLES:
        HonourTitle.objects.get_or_create(code=code, defaults={"name": name, "holder": holder, "order": order})


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]
    operations = [migrations.RunPython(add_titles, migrations.RunPython.noop)]

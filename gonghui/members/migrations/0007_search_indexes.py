import gonghui.core.fields
import gonghui.members.models
from django.db import migrations, models
from gonghui.core.migration_operations import OnlyOn

TRIGRAM_INDEX = "person_name_trgm_idx"


class Migration(migrations.Migration):
    """Every search of the member list gets an index that serves it in the order of its page, with
    the id last for keyset pagination; the name gets the "C" collation on PostgreSQL (a prefix is a
    range of the index, as on SQLite) and a trigram index there for a search by a part of it."""

    dependencies = [
        ('members', '0006_reports_member_month'),
    ]

    operations = [
        OnlyOn(
            'postgresql',
            migrations.AlterField(
                model_name='person',
                name='name',
                field=gonghui.core.fields.BytewiseCharField(max_length=50, verbose_name='姓名'),
            ),
        ),
        OnlyOn(
            'postgresql',
            migrations.RunSQL(
                'CREATE EXTENSION IF NOT EXISTS pg_trgm;'
                f'CREATE INDEX {TRIGRAM_INDEX} ON members_person USING gin (name gin_trgm_ops)',
                f'DROP INDEX IF EXISTS {TRIGRAM_INDEX}',
            ),
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='person_name_pinyin_idx',
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='person_mobile_idx',
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='person_name_initials_idx',
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['name_pinyin', 'id'], name='person_pinyin_order_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['name_initials', 'name_pinyin', 'id'], name='person_initials_order_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['mobile', 'id'], name='person_mobile_order_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['name', 'id'], name='person_name_order_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(gonghui.members.models.MobileTail('mobile'), models.F('name_pinyin'), models.F('id'), name='person_mobile_tail_idx'),
        ),
    ]

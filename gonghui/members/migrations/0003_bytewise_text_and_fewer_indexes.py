from django.db import migrations, models

import django.db.models.deletion
import gonghui.core.fields
from gonghui.core.migration_operations import OnlyOn


def postgresql_only(model_name, name, field):
    return OnlyOn('postgresql', migrations.AlterField(model_name=model_name, name=name, field=field))


class Migration(migrations.Migration):
    """The hash, mobile and pinyin columns get the "C" collation on PostgreSQL (SQLite already compares
    them that way, and a rebuild of its tables would copy every row for nothing); name_initials keeps
    one index instead of two; membership.union loses the index that membership_union_active_idx,
    which starts with it, makes redundant."""

    dependencies = [
        ('members', '0002_person_indexes_without_like'),
        ('orgs', '0002_officer'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['name_initials'], name='person_name_initials_idx'),
        ),
        postgresql_only(
            'person', 'id_hash', gonghui.core.fields.BytewiseCharField(editable=False, max_length=64)
        ),
        postgresql_only(
            'person', 'mobile', gonghui.core.fields.BytewiseCharField(max_length=11, verbose_name='手机号码')
        ),
        postgresql_only(
            'person',
            'name_initials',
            gonghui.core.fields.BytewiseCharField(editable=False, max_length=50, verbose_name='拼音首字母'),
        ),
        postgresql_only(
            'person',
            'name_pinyin',
            gonghui.core.fields.BytewiseCharField(editable=False, max_length=200, verbose_name='姓名拼音'),
        ),
        postgresql_only(
            'membership',
            'union',
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name='memberships',
                to='orgs.organisation',
                verbose_name='工会',
            ),
        ),
        OnlyOn(
            'sqlite',
            migrations.RunSQL(
                'DROP INDEX "members_person_name_initials_f0c5eb9e"',
                'CREATE INDEX "members_person_name_initials_f0c5eb9e" ON "members_person" ("name_initials")',
            ),
        ),
        OnlyOn(
            'sqlite',
            migrations.RunSQL(
                'DROP INDEX "members_membership_union_id_3b36218a"',
                'CREATE INDEX "members_membership_union_id_3b36218a" ON "members_membership" ("union_id")',
            ),
        ),
    ]

import pytest
from django.db import connection

from gonghui.core.models import AuditLog
from gonghui.members.models import Person

postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's collations")


@postgresql
@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (
            Person.objects.filter(name_initials__startswith="sx").order_by("name_initials"),
            "person_initials_order_idx",
        ),
        (AuditLog.objects.filter(action__startswith="roster.").order_by("action"), "audit_action_idx"),
    ],
)
def test_a_prefix_search_is_served_by_the_columns_one_index(db, queryset, index):
    # Ordered by the column, so that on an empty table no other index ties with the column's own; the
    # prefix must then be the index's range (Index Cond), not a filter of every entry.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    assert index in plan and "Index Cond" in plan, plan


@postgresql
def test_hashes_numbers_and_readings_compare_bytewise_whatever_the_database_locale(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE collation_name = 'C'"
            " AND table_name IN ('members_person', 'core_auditlog')"
        )
        columns = set(cursor.fetchall())
    assert columns == {
        ("members_person", "id_hash"),
        ("members_person", "mobile"),
        ("members_person", "name"),
        ("members_person", "name_initials"),
        ("members_person", "name_pinyin"),
        ("core_auditlog", "action"),
    }


def test_sorting_by_pinyin_is_by_code_point_on_every_database(db):
    Person.objects.bulk_create(
        Person(
            name="某",
            name_pinyin=reading,
            id_hash=f"{i:064x}",
            birth_year=1990,
            gender=Person.Gender.MALE,
            mobile="13800138000",
        )
        for i, reading in enumerate(("an zhe", "an", "anzhe", "a zhe"))
    )
    assert list(Person.objects.order_by("name_pinyin").values_list("name_pinyin", flat=True)) == [
        "a zhe",
        "an",
        "an zhe",
        "anzhe",
    ]

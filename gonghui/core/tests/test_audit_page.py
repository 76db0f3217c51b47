"""The audit page of federation staff when the log holds a city's import: the server operator's rows
(one per imported member, none of them the officer's to read) stay out of the index the page reads,
so its first and next pages cost the same with thousands of them as with none."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gonghui.core import keyset
from gonghui.core.audit import append, audit_record
from gonghui.core.models import AuditLog
from gonghui.core.scope import SystemActor
from gonghui.core.tests.plans import full_scans, plan

pytestmark = pytest.mark.django_db

KEYS = ["-at", "-pk"]
IMPORTED = 3000


def _import_rows(n: int) -> None:
    """n operator's rows sharing one timestamp, as a roster import writes them."""
    at = timezone.now()
    append([AuditLog(at=at, actor_username="system:root", action="membership.join") for _ in range(n)])


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_auditlog" if connection.vendor == "postgresql" else "ANALYZE")


def test_the_officers_pages_read_the_index_without_the_operators_rows(officer, admin_a):
    _import_rows(IMPORTED // 2)  # an import before the union's rows, one after: both pages lie beside one
    for n in range(60):
        audit_record(actor=admin_a, action="membership.join", detail={"n": n})
    _import_rows(IMPORTED // 2)
    _analyze()
    rows = AuditLog.objects.visible_to(officer)
    first = rows.order_by(*KEYS)[:51]
    values = [keyset._value_of(rows.order_by(*KEYS)[49], k.lstrip("-")) for k in KEYS]
    following = rows.filter(keyset.after(KEYS, values)).order_by(*KEYS)[:51]
    for query in (first, following):
        lines = plan(query)
        assert any("audit_people_idx" in line for line in lines), "\n".join(lines)
        assert not full_scans(query, ["core_auditlog"]), lines
    assert len(first) == 51 and len(following) == 10


def test_federation_staff_read_their_users_rows_and_sign_ins_not_the_operators(
    officer, admin_a, city_officer, platform_admin
):
    audit_record(actor=admin_a, action="membership.join")
    audit_record(actor=None, username=admin_a.username, action="auth.login_failed", result="failed")
    audit_record(actor=SystemActor("root"), action="audit.export")
    for reader in (officer, city_officer):
        assert sorted(AuditLog.objects.visible_to(reader).values_list("action", flat=True)) == [
            "auth.login_failed",
            "membership.join",
        ]
    assert AuditLog.objects.visible_to(platform_admin).filter(actor_username="system:root").count() == 1


def test_the_officers_audit_page_costs_the_same_beside_an_import(
    client, officer, admin_a, django_assert_num_queries
):
    audit_record(actor=admin_a, action="membership.join")
    client.force_login(officer)  # audited too: the officer's sign-in
    client.get(reverse("core:audit_log"))
    # session, user, the page's rows (a keyset page: nothing counted)
    with django_assert_num_queries(3):
        assert len(client.get(reverse("core:audit_log")).context["page"]) == 2
    _import_rows(200)
    with django_assert_num_queries(3):
        assert len(client.get(reverse("core:audit_log")).context["page"]) == 2

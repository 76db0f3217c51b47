import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from gonghui.core.audit import audit_record, client_ip
from gonghui.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_the_audit_log_refuses_changes_through_the_orm(admin_a):
    entry = audit_record(actor=admin_a, action="test.action")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.update(action="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()


def test_the_database_refuses_to_change_an_audit_row(admin_a):
    entry = audit_record(actor=admin_a, action="test.action")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET action = 'forged' WHERE id = %s", [entry.pk])
    assert AuditLog.objects.get(pk=entry.pk).action == "test.action"


def test_the_audit_page_filters_and_shows_only_the_subtree(client, officer, admin_a, admin_b, zone):
    audit_record(actor=admin_a, action="membership.join")
    audit_record(actor=admin_a, action="person.reveal_id")
    audit_record(actor=None, username="someone", action="auth.login_failed")
    client.force_login(officer)
    page = client.get(reverse("core:audit_log"), {"action": "membership.join"}).context["page"]
    assert [e.action for e in page] == ["membership.join"]
    page = client.get(reverse("core:audit_log")).context["page"]
    assert "auth.login_failed" not in [e.action for e in page]


def test_every_response_carries_a_strict_content_security_policy(client):
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_every_admin_page_a_platform_admin_opens_is_audited(client, platform_admin):
    client.force_login(platform_admin)
    assert client.get("/admin/orgs/organisation/").status_code == 200
    entry = AuditLog.objects.get(action="admin.access")
    assert (entry.actor, entry.detail["path"]) == (platform_admin, "/admin/orgs/organisation/")


def test_refused_access_is_audited_without_flooding(client, admin_b, member_a, officer):
    """170 refused requests by one officer (a prober trying another union's people): the 1st, 10th and
    100th are written, with the path and the count; the zone's staff see them among security events."""
    client.force_login(admin_b)
    for _ in range(170):
        assert client.get(reverse("members:detail", args=[member_a.person_id])).status_code == 404
    refusals = AuditLog.objects.filter(action="access.denied").order_by("id")
    assert [r.detail["refusals_in_window"] for r in refusals] == [1, 10, 100]
    assert refusals[0].actor == admin_b and refusals[0].detail["path"] == f"/members/{member_a.person_id}/"
    client.force_login(officer)
    page = client.get(reverse("core:audit_log"), {"action": "security"}).context["page"]
    assert [e.action for e in page].count("access.denied") == 3


def test_failed_sign_ins_of_their_users_are_shown_to_federation_staff(client, officer, admin_a, zone):
    audit_record(actor=None, username=admin_a.username, action="auth.login_failed", result="failed")
    audit_record(actor=None, username="not-a-user", action="auth.login_failed", result="failed")
    client.force_login(officer)
    page = client.get(reverse("core:audit_log"), {"action": "auth.login_failed"}).context["page"]
    assert [e.actor_username for e in page] == [admin_a.username]


PROXY = "192.0.2.10"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", PROXY),  # no proxy is trusted: the header is the client's own writing
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the left entry is the client's
        (2, "198.51.100.1, 203.0.113.9, 192.0.2.20", "203.0.113.9"),
        (2, "203.0.113.9", PROXY),  # fewer entries than proxies: not through them all
        (1, "", PROXY),
        (1, "not-an-ip", PROXY),
        (1, "203.0.113.9, 999.0.0.1", PROXY),
        (1, "203.0.113.9:4711", PROXY),
        (1, " 2001:DB8::0:1 ", "2001:db8::1"),  # one spelling per address, as the database stores it
    ],
)
def test_the_client_address_is_what_the_trusted_proxies_appended(settings, rf, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_malformed_remote_address_is_no_address(settings, rf):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(rf.get("/", REMOTE_ADDR="")) is None
